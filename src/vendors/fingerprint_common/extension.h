// What the Fingerprint Server API v3 and v4 extensions share: the endpoint of an integration (its
// region's host, v4 under "/v4"; v3 sends the key in `Auth-API-Key`, v4 as a bearer token), the
// mapping context of a call, and a factory base that checks the config and offers updates and
// deletions (admin.h) next to each version's own adapter.
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_EXTENSION_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_EXTENSION_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vendors/common/endpoint.h"
#include "vendors/common/factory.h"
#include "vendors/fingerprint_common/mapping.h"
#include "vendors/fingerprint_common/sealed_results.h"
#include "vendors/fingerprint_common/search.h"

namespace fpgw::vendors::fingerprint {

// The integration's endpoint for `version`, reading error codes with `read_error_code`.
std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps, ApiVersion version,
                                             ErrorCodeReader read_error_code, ErrorRows error_rows);

// The mapping context of one call through `endpoint`: region, integration, kind, now, raw view.
MapOptions CallOptions(const Endpoint& endpoint, const CallContext& context,
                       fpgw::v1::PayloadKind kind);

// What every Fingerprint adapter shares: the integration's endpoint, the mapping context of a call
// through it, and the event search (the same call in both versions but for its path, its
// parameter table and its answer's shape).
class FingerprintAdapter : public EventSearch {
 public:
  FingerprintAdapter(std::shared_ptr<const Endpoint> endpoint, ApiVersion version)
      : endpoint_(std::move(endpoint)), version_(version) {}

  // GET /events/search (v3) or /events (v4) with every filter the version has; INVALID_ARGUMENT
  // naming a filter it lacks.
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override;

 protected:
  MapOptions Options(const CallContext& context, fpgw::v1::PayloadKind kind) const {
    return CallOptions(*endpoint_, context, kind);
  }
  // The page of a search answer of this version.
  virtual absl::StatusOr<EvaluationPage> ParseSearchPage(absl::string_view body,
                                                         const MapOptions& options) const = 0;

  const std::shared_ptr<const Endpoint> endpoint_;
  const ApiVersion version_;
};

// The factory of one Fingerprint Server API version.
class FingerprintFactory : public VendorFactory {
 public:
  fpgw::config::v1::Vendor vendor() const final;
  absl::string_view api_version() const final;
  absl::string_view settings_field() const final;
  // An identification event does not change, except through UpdateEvent, which drops the cache.
  absl::Duration default_cache_ttl() const final { return absl::Seconds(60); }
  // A credential is required; the deprecated integration-level region moves to
  // fingerprint.region (settings.h).
  void Check(fpgw::config::v1::Integration* integration, const std::string& path,
             const fpgw::config::v1::Config& config,
             std::vector<config::ConfigProblem>* problems) const final;
  // The sealed-result keys.
  std::vector<credentials::SecretUse> SettingsSecretUses(
      const fpgw::config::v1::Integration& integration, const std::string& path) const final;
  // The version's adapter plus sealed results, event updates and visitor deletion.
  VendorCapabilities Create(const fpgw::config::v1::Integration& integration,
                            const AdapterDeps& deps) const final;

 protected:
  virtual ApiVersion version() const = 0;
  // How the version's error bodies are read.
  virtual ErrorCodeReader error_code_reader() const = 0;
  // How the version's events (and so its sealed results) are normalised.
  virtual EventNormalizer event_normalizer() const = 0;
  // The capabilities of the version's adapter over `endpoint`.
  virtual VendorCapabilities AdapterCapabilities(
      std::shared_ptr<const Endpoint> endpoint) const = 0;
};

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_EXTENSION_H_
