// The shared Fingerprint endpoint, call options and factory.
#include "vendors/fingerprint_common/extension.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "http/url.h"
#include "vendors/fingerprint_common/admin.h"
#include "vendors/fingerprint_common/regions.h"
#include "vendors/fingerprint_common/sealed_results.h"
#include "vendors/fingerprint_common/settings.h"

namespace fpgw::vendors::fingerprint {

std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps, ApiVersion version,
                                             ErrorCodeReader read_error_code,
                                             ErrorRows error_rows) {
  const bool v3 = version == ApiVersion::kV3;
  const std::string origin = RegionOrigin(RegionOf(integration));
  return std::make_shared<const Endpoint>(
      integration, deps,
      Endpoint::Options{"fingerprint", v3 ? origin : absl::StrCat(origin, "/v4"),
                        // v3 takes the key in `Auth-API-Key` (or the `api_key` query parameter).
                        v3 ? Auth::Header("Auth-API-Key") : Auth::Bearer(), read_error_code,
                        error_rows});
}

MapOptions CallOptions(const Endpoint& endpoint, const CallContext& context,
                       fpgw::v1::PayloadKind kind) {
  MapOptions options;
  options.region = RegionName(RegionOf(endpoint.integration()));
  options.integration = endpoint.integration().name();
  options.payload_kind = kind;
  options.fetch_time = absl::Now();
  options.include_raw = context.include_raw;
  return options;
}

void FingerprintAdapter::Search(const fpgw::v1::SearchFilter& filter, int page_size,
                                const std::string& cursor, const CallContext& context,
                                Done<EvaluationPage> done) {
  absl::StatusOr<QueryParams> params = SearchParams(filter, version_, page_size, cursor);
  if (!params.ok()) {
    std::move(done)(params.status());
    return;
  }
  // The adapter outlives its calls (the backends hold it for the server's lifetime).
  endpoint_->Send(
      {"GET", http::WithQuery(version_ == ApiVersion::kV3 ? "/events/search" : "/events", *params)},
      context,
      ParseThenMap<EvaluationPage>(
          endpoint_->vendor(), std::move(done),
          [this, options = Options(context, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT)](
              absl::string_view body) { return ParseSearchPage(body, options); }));
}

fpgw::config::v1::Vendor FingerprintFactory::vendor() const {
  return fpgw::config::v1::VENDOR_FINGERPRINT;
}

absl::string_view FingerprintFactory::api_version() const { return VersionName(version()); }

absl::string_view FingerprintFactory::settings_field() const { return "fingerprint"; }

void FingerprintFactory::Check(fpgw::config::v1::Integration* integration, const std::string& path,
                               const fpgw::config::v1::Config& config,
                               std::vector<config::ConfigProblem>* problems) const {
  CheckIntegration(integration, path, config, problems);
}

std::vector<credentials::SecretUse> FingerprintFactory::SettingsSecretUses(
    const fpgw::config::v1::Integration& integration, const std::string& path) const {
  return SealedResultKeyUses(integration, path);
}

VendorCapabilities FingerprintFactory::Create(const fpgw::config::v1::Integration& integration,
                                              const AdapterDeps& deps) const {
  std::shared_ptr<const Endpoint> endpoint =
      MakeEndpoint(integration, deps, version(), error_code_reader(), error_rows());
  VendorCapabilities capabilities = AdapterCapabilities(endpoint);
  capabilities.sealed = std::make_shared<SealedResultOpener>(endpoint, event_normalizer());
  auto admin = std::make_shared<FingerprintAdmin>(endpoint, version());
  capabilities.updates = admin;
  capabilities.deletion = admin;
  return capabilities;
}

}  // namespace fpgw::vendors::fingerprint
