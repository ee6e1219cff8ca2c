// The vendor registry: the one explicit list of vendor factories (vendors/registry.cc, one line
// per vendor), the config rules they make up, and CreateBackends(), the one function that stacks
// the decorators (instrumentation, then the resilience layer) around every integration's backends.
#ifndef FPGW_VENDORS_REGISTRY_H_
#define FPGW_VENDORS_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/config_loader.h"
#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/backend.h"
#include "vendors/common/factory.h"
#include "vendors/common/instrumentation.h"

namespace fpgw::vendors {

// Every vendor factory, in registration order (also the order `fpgw normalize` tries payload
// kinds in).
const std::vector<const VendorFactory*>& Factories();

// The factory serving a checked integration (its vendor and api_version), or nullptr.
const VendorFactory* FactoryFor(const fpgw::config::v1::Integration& integration);

// The integration rules of every vendor, for the config loader: the API version (filled in with
// the vendor's default when unset), the settings of the integration's vendor only, and each
// factory's own checks.
const config::IntegrationRules& ConfigRules();

// config::ParseConfig and config::LoadConfigFile with ConfigRules().
std::vector<config::ConfigProblem> ParseConfig(absl::string_view yaml,
                                               fpgw::config::v1::Config* out,
                                               const config::ConfigOverrides& overrides = {});
absl::StatusOr<fpgw::config::v1::Config> LoadConfigFile(
    const std::string& path, const config::ConfigOverrides& overrides = {});

// The check of a checked integration's credential, by its vendor's form (for the secret registry).
credentials::SecretCheck CredentialCheck(const fpgw::config::v1::Integration& integration);

// The secrets the integration's vendor settings reference, as uses named below `path`.
std::vector<credentials::SecretUse> SettingsSecretUses(
    const fpgw::config::v1::Integration& integration, const std::string& path);

// The backends of a checked integration, decorated: the vendor's capabilities, then
// instrumentation into `metrics`.
Backends CreateBackends(const fpgw::config::v1::Integration& integration, const AdapterDeps& deps,
                        std::shared_ptr<VendorMetrics> metrics);

// A payload kind and the vendor module (factory name) it belongs to.
struct RegisteredKind : PayloadKind {
  std::string module;
};

// Every payload kind of every vendor, in registration order.
std::vector<RegisteredKind> PayloadKinds();

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_REGISTRY_H_
