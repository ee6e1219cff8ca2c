// FingerprintV4Adapter: Fingerprint Server API v4 (`Authorization: Bearer`, regions us/eu/ap):
// get event (with optional ruleset) → Evaluate; event search → Search; search by visitor id →
// ListDevice (v4 has no visits endpoint). Event updates and visitor deletion are shared with v3
// (fingerprint_common/admin.h).
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
                                   public DeviceHistory {
 public:
  explicit FingerprintV4Adapter(std::shared_ptr<const Endpoint> endpoint)
      : FingerprintAdapter(std::move(endpoint), fingerprint::ApiVersion::kV4) {}

  // GET /events/{event_id}, with `ruleset_id` when the request names one (the verdict is then the
  // ruleset's action).
  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  // v4 has no visits endpoint: a search by visitor id, newest first.
  void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                  const CallContext& context, Done<EvaluationPage> done) override;

 private:
  // `total_size` when the search asked for `total_hits`.
  absl::StatusOr<EvaluationPage> ParseSearchPage(absl::string_view body,
                                                 const MapOptions& options) const override;
};

// The vendor's extension (listed in vendors/registry.cc).
const VendorFactory& Factory();

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
