// FingerprintV3Adapter: Fingerprint Server API v3 (`Auth-API-Key` header, regions us/eu/ap, base
// URLs without a version prefix). get event → Evaluate; event search → Search; visits of a visitor
// → ListDevice; related visitors → ListRelatedDevices; PUT event → UpdateEvent (409 StateNotReady
// is retried with backoff inside the caller's deadline); DELETE visitor → DeleteDevice.
//
// v3 is deprecated at the vendor (removed 2027-01-07) but stays supported for tenants that hold
// v3 integrations. Since openapi v3.7.1, GET /visitors/{id} returns at most one visit per page;
// ListDevice still pages on `paginationKey`, but a device's history is better read with
// SearchEvaluations and `filter.visitor_id` (GET /events/search), which returns full events.
#ifndef FPGW_VENDORS_FINGERPRINT_V3_ADAPTER_H_
#define FPGW_VENDORS_FINGERPRINT_V3_ADAPTER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/adapter.h"
#include "vendors/common/vendor_call.h"
#include "vendors/fingerprint_v3/mapper.h"

namespace fpgw::vendors::fingerprint_v3 {

// The page size used when the caller gives none (search `limit` is required by v3).
inline constexpr int kDefaultPageSize = 10;
// Largest search page fpgw asks for (v3 documents no maximum; v4's is 100).
inline constexpr int kMaxSearchPageSize = 100;
// Largest `limit` GET /visitors/{id} accepts.
inline constexpr int kMaxVisitsLimit = 500;

class FingerprintV3Adapter final : public UnsupportedCapabilities {
 public:
  FingerprintV3Adapter(fpgw::config::v1::Integration integration, AdapterDeps deps);

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override;
  void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                  const CallContext& context, Done<EvaluationPage> done) override;
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override;
  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override;
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override;

  // INVALID_ARGUMENT naming the first filter field v3 search does not have (high_recall_id, url,
  // origin, asn, tor_node, simulator, active_call): ignoring it would widen the caller's search.
  static absl::Status CheckSearchFilter(const fpgw::v1::SearchFilter& filter);
  // The query of GET /events/search (exposed for tests). `environment` is one repeated
  // `environment=` pair per value.
  static std::vector<std::pair<std::string, std::string>> SearchParams(
      const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor);
  // The query of GET /visitors/{id} (exposed for tests).
  static std::vector<std::pair<std::string, std::string>> VisitsParams(int page_size,
                                                                       const std::string& cursor);
  // The PUT /events/{id} body: only the fields the caller set (exposed for tests).
  static std::string UpdateBody(const fpgw::v1::UpdateEventRequest& request);

 private:
  // Sends `method url` with the tenant's key; `done` gets the 2xx response or the mapped error.
  void Send(const char* method, std::string url, std::string body, const CallContext& context,
            Done<http::HttpResponse> done);
  MapOptions Options(const CallContext& context, fpgw::v1::PayloadKind kind) const;

  const fpgw::config::v1::Integration integration_;
  const AdapterDeps deps_;
  const std::string region_;
  std::string base_url_;
  const absl::Duration timeout_;
};

}  // namespace fpgw::vendors::fingerprint_v3

#endif  // FPGW_VENDORS_FINGERPRINT_V3_ADAPTER_H_
