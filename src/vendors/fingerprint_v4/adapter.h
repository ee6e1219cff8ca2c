// FingerprintV4Adapter: Fingerprint Server API v4 (`Authorization: Bearer`, regions us/eu/ap):
// get event (with optional ruleset) → Evaluate; event search → Search; search by visitor id →
// ListDevice (v4 has no visits endpoint); POST /edge → EvaluateHttpRequest. Sealed results,
// event updates and visitor deletion are shared with v3 (fingerprint_common/sealed_results.h,
// admin.h).
#ifndef FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
#define FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_

#include <memory>
#include <string>

#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/common/factory.h"
#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_v4/mapper.h"

namespace fpgw::vendors::fingerprint_v4 {

class FingerprintV4Adapter final : public fingerprint::FingerprintAdapter,
                                   public EventLookup,
                                   public DeviceHistory,
                                   public HttpRequestEvaluation {
 public:
  explicit FingerprintV4Adapter(std::shared_ptr<const Endpoint> endpoint)
      : FingerprintAdapter(std::move(endpoint), fingerprint::ApiVersion::kV4) {}

  // GET /events/{event_id}, with `ruleset_id` when the request names one (the verdict is then the
  // ruleset's action).
  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  // POST /edge (Automation Intelligence): the request's headers (credential values blanked),
  // method, URL and client addresses; the answer is an event of source "edge". Never retried.
  void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                           const CallContext& context, Done<fpgw::v1::Evaluation> done) override;
  // The EdgeRequest body of `request` (exposed for tests).
  static std::string EdgeRequestBody(const fpgw::v1::EvaluateHttpRequestRequest& request);
  // v4 has no visits endpoint: a search by visitor id, newest first; the filter's linked id and
  // time bound narrow it (an event id cannot: INVALID_ARGUMENT).
  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override;

 private:
  // `total_size` when the search asked for `total_hits`.
  absl::StatusOr<EvaluationPage> ParseSearchPage(absl::string_view body,
                                                 const MapOptions& options) const override;
};

// The vendor's extension (listed in vendors/registry.cc).
const VendorFactory& Factory();

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
