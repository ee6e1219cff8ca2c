// Stytch's fraud error types (`error_type`; CONTRACTS.md §2.7).
#ifndef FPGW_VENDORS_STYTCH_ERRORS_H_
#define FPGW_VENDORS_STYTCH_ERRORS_H_

#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::stytch {

// The vendor's error codes and what each means for the caller; every other answer goes by its
// HTTP status (vendors/common/vendor_errors.h).
ErrorRows ErrorTable();

}  // namespace fpgw::vendors::stytch

#endif  // FPGW_VENDORS_STYTCH_ERRORS_H_
