// StytchAdapter: Stytch Fraud & Risk device fingerprinting (`https://telemetry.stytch.com`, HTTP
// Basic with the integration's credential "project_id:secret"): fingerprint lookup → Evaluate
// (POST with external_metadata from EvaluateRequest.stytch, or the deprecated GET when the
// integration's `stytch.lookup_method` is GET); rules set/list → SetRule/ListRules (the vendor
// cursor is returned as RulePage.next_cursor; the server wraps it in AIP-158 page tokens);
// verdict-reason override/list → SetVerdictReasonOverride/ListVerdictReasons.
//
// A lookup answered 404 `telemetry_id_not_found` is NOT_FOUND whose ErrorInfo metadata carries
// "vendor_advice": "treat as BLOCK" (the vendor's fail-closed guidance; vendor_errors.cc).
#ifndef FPGW_VENDORS_STYTCH_ADAPTER_H_
#define FPGW_VENDORS_STYTCH_ADAPTER_H_

#include <string>
#include <vector>

#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/adapter.h"
#include "vendors/common/vendor_call.h"
#include "vendors/stytch/mapper.h"

namespace fpgw::vendors::stytch {

// The vendor's fraud base URL (all DFP endpoints, test and live projects alike).
inline constexpr absl::string_view kDefaultBaseUrl = "https://telemetry.stytch.com";
// Largest rules page the vendor serves.
inline constexpr int kMaxPageSize = 100;

class StytchAdapter final : public UnsupportedCapabilities {
 public:
  StytchAdapter(fpgw::config::v1::Integration integration, AdapterDeps deps);

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
               Done<fpgw::v1::Rule> done) override;
  void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                 Done<RulePage> done) override;
  void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                const CallContext& context,
                                Done<fpgw::v1::VerdictReason> done) override;
  void ListVerdictReasons(bool overrides_only, const CallContext& context,
                          Done<std::vector<fpgw::v1::VerdictReason>> done) override;

 private:
  // Sends `method path` (relative to the base URL) with Basic auth; `done` gets the 2xx response
  // or the mapped error. FAILED_PRECONDITION (VENDOR_CREDENTIAL_MISSING) when the credential is
  // not of the form "project_id:secret".
  void Send(const char* method, std::string path, std::string body, const CallContext& context,
            Done<http::HttpResponse> done);

  const fpgw::config::v1::Integration integration_;
  const AdapterDeps deps_;
  std::string base_url_;
  const absl::Duration timeout_;
};

}  // namespace fpgw::vendors::stytch

#endif  // FPGW_VENDORS_STYTCH_ADAPTER_H_
