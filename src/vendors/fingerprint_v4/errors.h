// Fingerprint Server API v4's error codes (`error.code`, snake_case; CONTRACTS.md §3.3, §3.5).
#ifndef FPGW_VENDORS_FINGERPRINT_V4_ERRORS_H_
#define FPGW_VENDORS_FINGERPRINT_V4_ERRORS_H_

#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::fingerprint_v4 {

// The vendor's error codes and what each means for the caller; every other answer goes by its
// HTTP status (vendors/common/vendor_errors.h).
ErrorRows ErrorTable();

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_ERRORS_H_
