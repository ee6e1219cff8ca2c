// FingerprintV4Adapter: Fingerprint Server API v4 (`Authorization: Bearer`, regions us/eu/ap):
// get event (with optional ruleset) → Evaluate; event search → Search; search by visitor id →
// ListDevice (v4 has no visits endpoint).
#ifndef FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
#define FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "credentials/credential_store.h"
#include "fpgw/config/v1/config.pb.h"
#include "http/http_client.h"
#include "vendors/common/adapter.h"
#include "vendors/fingerprint_v4/mapper.h"

namespace fpgw::vendors::fingerprint_v4 {

// Largest page the v4 search accepts.
inline constexpr int kMaxPageSize = 100;
// The page size the vendor uses when none is given.
inline constexpr int kDefaultPageSize = 10;

class FingerprintV4Adapter final : public VendorAdapter {
 public:
  FingerprintV4Adapter(fpgw::config::v1::Integration integration,
                       std::shared_ptr<http::HttpClient> client,
                       std::shared_ptr<const credentials::CredentialStore> store);

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override;
  void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                  const CallContext& context, Done<EvaluationPage> done) override;

  // The query of a search request (exposed for tests).
  static std::vector<std::pair<std::string, std::string>> SearchParams(
      const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor);

 private:
  absl::StatusOr<credentials::Secret> ResolveKey() const;
  // GETs `url` with the tenant's key; `done` gets the 2xx response or the mapped error.
  void Get(std::string url, const CallContext& context,
           absl::AnyInvocable<void(absl::StatusOr<http::HttpResponse>) &&> done);
  MapOptions Options(const CallContext& context, fpgw::v1::PayloadKind kind) const;

  const fpgw::config::v1::Integration integration_;
  const std::shared_ptr<http::HttpClient> client_;
  const std::shared_ptr<const credentials::CredentialStore> store_;
  const std::string region_;
  std::string base_url_;
  absl::Duration timeout_;
};

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_ADAPTER_H_
