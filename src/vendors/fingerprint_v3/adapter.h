// FingerprintV3Adapter: Fingerprint Server API v3 (`Auth-API-Key` header, regions us/eu/ap, base
// URLs without a version prefix). get event → Evaluate; event search → Search; visits of a visitor
// → ListDevice; related visitors → ListRelatedDevices. Event updates (PUT, 409 StateNotReady
// retried) and visitor deletion are shared with v4 (fingerprint_common/admin.h).
//
// v3 is deprecated at the vendor (removed 2027-01-07) but stays supported for tenants that hold
// v3 integrations. Since openapi v3.7.1, GET /visitors/{id} returns at most one visit per page;
// ListDevice still pages on `paginationKey`, but a device's history is better read with
// SearchEvaluations and `filter.visitor_id` (GET /events/search), which returns full events.
#ifndef FPGW_VENDORS_FINGERPRINT_V3_ADAPTER_H_
#define FPGW_VENDORS_FINGERPRINT_V3_ADAPTER_H_

#include <memory>
#include <string>
#include <vector>

#include "http/url.h"
#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/common/factory.h"
#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_v3/mapper.h"

namespace fpgw::vendors::fingerprint_v3 {

// Largest `limit` GET /visitors/{id} accepts.
inline constexpr int kMaxVisitsLimit = 500;
// Longest `linked_id` the vendor accepts.
inline constexpr size_t kMaxLinkedIdChars = 256;

class FingerprintV3Adapter final : public fingerprint::FingerprintAdapter,
                                   public EventLookup,
                                   public DeviceHistory,
                                   public RelatedDevices {
 public:
  explicit FingerprintV3Adapter(std::shared_ptr<const Endpoint> endpoint)
      : FingerprintAdapter(std::move(endpoint), fingerprint::ApiVersion::kV3) {}

  // GET /events/{request_id}. INVALID_ARGUMENT for `fingerprint.ruleset_id`: rulesets need v4.
  // When both identification and botd failed, the event id is the one asked for.
  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  // GET /visitors/{visitor_id}, paging on the vendor's `paginationKey`; the filter's event id,
  // linked id and time bound become `request_id`, `linked_id` and `before`.
  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override;
  // GET /related-visitors.
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override;

  // The query of GET /visitors/{id} (exposed for tests): `limit` only when `page_size` is set
  // (the vendor's default otherwise). INVALID_ARGUMENT naming a filter field the vendor refuses.
  static absl::StatusOr<http::QueryParams> VisitsParams(const fpgw::v1::DeviceHistoryFilter& filter,
                                                        int page_size, const std::string& cursor);

 private:
  absl::StatusOr<EvaluationPage> ParseSearchPage(absl::string_view body,
                                                 const MapOptions& options) const override;
};

// The vendor's extension (listed in vendors/registry.cc).
const VendorFactory& Factory();

}  // namespace fpgw::vendors::fingerprint_v3

#endif  // FPGW_VENDORS_FINGERPRINT_V3_ADAPTER_H_
