// Loads fpgw's one config file: YAML whose schema is the proto message fpgw.config.v1.Config.
// Parsing walks the proto descriptor, so every problem (unknown field, wrong type, bad enum or
// duration, then semantic rules such as "an integration needs a credential") is reported with its
// field path, e.g. `tenants[0].integrations[1].vendor: unknown enum value "fingerprnt"`.
#ifndef FPGW_CONFIG_CONFIG_LOADER_H_
#define FPGW_CONFIG_CONFIG_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fpgw/config/v1/config.pb.h"

namespace fpgw::config {

// One problem found in a config, with the path of the field at fault.
struct ConfigProblem {
  std::string path;
  std::string message;
};

// The rules of each vendor's integrations, which this layer does not know (the vendor factories
// provide them: vendors/registry.h). Thread-safe.
class IntegrationRules {
 public:
  virtual ~IntegrationRules() = default;
  // Checks one integration after the generic checks (name, vendor set, base_url, timeout, the
  // credential reference's form); appends problems with field paths below `path`; may fill
  // defaults.
  virtual void Check(fpgw::config::v1::Integration* integration, const std::string& path,
                     const fpgw::config::v1::Config& config,
                     std::vector<ConfigProblem>* problems) const = 0;
};

// What a container platform may set over the file (flags, environment), applied before the
// config is validated, so that it passes the same checks.
struct ConfigOverrides {
  // Replaces the listening address (config/trust.h, OverrideListenAddress). Empty: none.
  std::string listen;
  // Replaces server.metrics_listen. Empty: none.
  std::string metrics_listen;
};

// Parses YAML text into a Config and validates it, integrations also by `rules`. Returns every
// problem found; an empty vector means `out` is a valid config with defaults filled in.
std::vector<ConfigProblem> ParseConfig(absl::string_view yaml, const IntegrationRules& rules,
                                       fpgw::config::v1::Config* out,
                                       const ConfigOverrides& overrides = {});

// Reads and parses a file. Errors: NOT_FOUND / FAILED_PRECONDITION when the file cannot be read;
// INVALID_ARGUMENT listing every problem ("path: message", one per line).
absl::StatusOr<fpgw::config::v1::Config> LoadConfigFile(const std::string& path,
                                                        const IntegrationRules& rules,
                                                        const ConfigOverrides& overrides = {});

// Formats problems one per line.
std::string FormatProblems(const std::vector<ConfigProblem>& problems);

// Appends the problem of an integration that has no credential reference when its vendor needs
// one.
void RequireCredential(const fpgw::config::v1::Integration& integration, const std::string& path,
                       std::vector<ConfigProblem>* problems);

// Appends the problems of a secret reference at `path`: an empty name, a file outside
// secret_stores.directory, or (when `required`) no reference at all.
void ValidateSecretRef(const fpgw::config::v1::SecretRef& ref, const std::string& path,
                       const fpgw::config::v1::Config& config, bool required,
                       std::vector<ConfigProblem>* problems);

// A proto Duration as an absl::Duration.
absl::Duration ToDuration(const google::protobuf::Duration& duration);

// "env:NAME" or "file:NAME" for a SecretRef, as credentials::RoutingCredentialStore reads it.
std::string SecretRefName(const fpgw::config::v1::SecretRef& ref);

}  // namespace fpgw::config

#endif  // FPGW_CONFIG_CONFIG_LOADER_H_
