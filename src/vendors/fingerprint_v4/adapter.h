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
#include "vendors/fingerprint_v4/mapper.h"

namespace fpgw::vendors::fingerprint_v4 {

// The vendor's API of the integration: its regional base URL, Bearer auth, v4 error bodies.
std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps);

class FingerprintV4Adapter final : public EventLookup, public EventSearch, public DeviceHistory {
 public:
  explicit FingerprintV4Adapter(std::shared_ptr<const Endpoint> endpoint);

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override;
  void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                  const CallContext& context, Done<EvaluationPage> done) override;

 private:
  MapOptions Options(const CallContext& context, fpgw::v1::PayloadKind kind) const;

  std::shared_ptr<const Endpoint> endpoint_;
  const std::string region_;
};

// The vendor's extension (listed in vendors/registry.cc).
const VendorFactory& Factory();

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
