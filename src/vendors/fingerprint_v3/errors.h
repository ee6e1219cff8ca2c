// Fingerprint Server API v3's error codes (`error.code`, PascalCase; CONTRACTS.md §3.2, §3.4),
// also used for the per-product failures inside a 200 answer.
#ifndef FPGW_VENDORS_FINGERPRINT_V3_ERRORS_H_
#define FPGW_VENDORS_FINGERPRINT_V3_ERRORS_H_

#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::fingerprint_v3 {

// The vendor's error codes and what each means for the caller; every other answer goes by its
// HTTP status (vendors/common/vendor_errors.h).
ErrorRows ErrorTable();

}  // namespace fpgw::vendors::fingerprint_v3

#endif  // FPGW_VENDORS_FINGERPRINT_V3_ERRORS_H_
