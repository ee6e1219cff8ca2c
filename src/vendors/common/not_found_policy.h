// The not-found policy of an integration (Integration.not_found_policy): what Evaluate answers when
// the vendor does not know the token. Under BLOCK an unknown token becomes an Evaluation whose
// verdict is BLOCK, decided by fpgw (VERDICT_ORIGIN_FPGW_POLICY) and naming the vendor's code, so
// that a caller reading only the verdict fails closed on forged or expired tokens, as Stytch
// advises. Under ERROR the NOT_FOUND error passes through.
#ifndef FPGW_VENDORS_COMMON_NOT_FOUND_POLICY_H_
#define FPGW_VENDORS_COMMON_NOT_FOUND_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/backend.h"

namespace fpgw::vendors {

// Who answered, for the policy's Evaluation.
struct PolicySource {
  fpgw::v1::Vendor vendor = fpgw::v1::VENDOR_UNSPECIFIED;
  std::string api_version;
  std::string integration;
};

// The Evaluation BLOCK answers for `not_found` (a TOKEN_NOT_FOUND error): completed, verdict BLOCK
// with origin FPGW_POLICY and as reason the vendor's code (ErrorInfo `vendor_code`), or
// "TOKEN_NOT_FOUND" when the vendor gave none.
fpgw::v1::Evaluation NotFoundBlockEvaluation(const absl::Status& not_found,
                                             const PolicySource& source, absl::Time fetch_time);

// Wraps `backends` so that Evaluate applies `policy` (UNSPECIFIED: ERROR). Everything else passes
// through.
Backends ApplyNotFoundPolicy(Backends backends, fpgw::config::v1::NotFoundPolicy policy,
                             PolicySource source);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_NOT_FOUND_POLICY_H_
