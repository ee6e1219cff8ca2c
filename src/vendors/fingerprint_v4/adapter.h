// FingerprintV4Adapter: Fingerprint Server API v4 (`Authorization: Bearer`, regions us/eu/ap):
// get event (with optional ruleset) → Evaluate; event search → Search; search by visitor id →
// ListDevice (v4 has no visits endpoint); PATCH event → UpdateEvent (409 "not mutable yet" is
// retried with backoff inside the caller's deadline); DELETE visitor → DeleteDevice.
#ifndef FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
#define FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/adapter.h"
#include "vendors/common/vendor_call.h"
#include "vendors/fingerprint_v4/mapper.h"

namespace fpgw::vendors::fingerprint_v4 {

// Largest page the v4 search accepts.
inline constexpr int kMaxPageSize = 100;
// The page size the vendor uses when none is given.
inline constexpr int kDefaultPageSize = 10;

class FingerprintV4Adapter final : public UnsupportedCapabilities {
 public:
  FingerprintV4Adapter(fpgw::config::v1::Integration integration, AdapterDeps deps);

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override;
  void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                  const CallContext& context, Done<EvaluationPage> done) override;
  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override;
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override;

  // The query of a search request (exposed for tests).
  static std::vector<std::pair<std::string, std::string>> SearchParams(
      const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor);

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

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
