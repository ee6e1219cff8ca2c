// StytchAdapter: Stytch Fraud & Risk device fingerprinting (`https://telemetry.stytch.com`, HTTP
// Basic with the integration's credential "project_id:secret"): fingerprint lookup → Evaluate
// (POST with external_metadata from EvaluateRequest.stytch, or the deprecated GET when the
// integration's `stytch.lookup_method` is GET); rules set/list → SetRule/ListRules (the vendor
// cursor is returned as RulePage.next_cursor; the server wraps it in AIP-158 page tokens);
// verdict-reason override/list → SetVerdictReasonOverride/ListVerdictReasons.
//
// A lookup answered 404 `telemetry_id_not_found` is NOT_FOUND whose ErrorInfo metadata carries
// "vendor_advice": "treat as BLOCK" (the vendor's fail-closed guidance; errors.cc).
#ifndef FPGW_VENDORS_STYTCH_ADAPTER_H_
#define FPGW_VENDORS_STYTCH_ADAPTER_H_

#include <memory>
#include <string>
#include <vector>

#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/common/factory.h"
#include "vendors/stytch/mapper.h"

namespace fpgw::vendors::stytch {

// The vendor's fraud base URL (all DFP endpoints, test and live projects alike).
inline constexpr absl::string_view kDefaultBaseUrl = "https://telemetry.stytch.com";
// Largest rules page the vendor serves.
inline constexpr int kMaxPageSize = 100;

// The vendor's API of the integration: HTTP Basic with "project_id:secret", Stytch error objects.
std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps);

class StytchAdapter final : public EventLookup,
                            public RuleManagement,
                            public VerdictReasonManagement {
 public:
  explicit StytchAdapter(std::shared_ptr<const Endpoint> endpoint);

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
  std::shared_ptr<const Endpoint> endpoint_;
};

// The vendor's extension (listed in vendors/registry.cc).
const VendorFactory& Factory();

}  // namespace fpgw::vendors::stytch

#endif  // FPGW_VENDORS_STYTCH_ADAPTER_H_
