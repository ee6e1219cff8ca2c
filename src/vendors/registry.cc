// The list of vendor extensions (one line each) and what is built from it.
#include "vendors/registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "vendors/common/capabilities.h"
#include "vendors/common/not_found_policy.h"

// The vendor extensions, one line each, in registration order. Each is a folder vendors/<name>/
// whose namespace fpgw::vendors::<name> defines `const VendorFactory& Factory()`.
#define FPGW_VENDOR_EXTENSIONS(X) \
  X(fingerprint_v4)               \
  X(fingerprint_v3)               \
  X(stytch)                       \
  X(cside)

namespace fpgw::vendors {

#define FPGW_DECLARE_EXTENSION(name) \
  namespace name {                   \
  const VendorFactory& Factory();    \
  }
FPGW_VENDOR_EXTENSIONS(FPGW_DECLARE_EXTENSION)
#undef FPGW_DECLARE_EXTENSION

namespace {

namespace pb = ::google::protobuf;
using fpgw::config::v1::Integration;

class RegistryRules final : public config::IntegrationRules {
 public:
  void Check(Integration* integration, const std::string& path,
             const fpgw::config::v1::Config& config,
             std::vector<config::ConfigProblem>* problems) const override {
    std::vector<std::string> versions;
    const VendorFactory* chosen = nullptr;
    for (const VendorFactory* factory : Factories()) {
      if (factory->vendor() != integration->vendor()) continue;
      versions.emplace_back(factory->api_version());
      const bool matches = integration->api_version().empty()
                               ? factory->default_version()
                               : integration->api_version() == factory->api_version();
      if (matches) chosen = factory;
    }
    if (chosen == nullptr) {
      problems->push_back({path + ".api_version",
                           versions.empty()
                               ? std::string("no API version of this vendor is supported")
                               : absl::StrCat("unsupported version \"", integration->api_version(),
                                              "\" for this vendor (supported: ",
                                              absl::StrJoin(versions, ", "), ")")});
      return;
    }
    integration->set_api_version(std::string(chosen->api_version()));

    // Only the integration's own vendor's settings may be set.
    const pb::OneofDescriptor* settings = Integration::descriptor()->FindOneofByName("settings");
    const pb::FieldDescriptor* set =
        integration->GetReflection()->GetOneofFieldDescriptor(*integration, settings);
    if (set != nullptr && set->name() != chosen->settings_field()) {
      problems->push_back(
          {absl::StrCat(path, ".", set->name()),
           chosen->settings_field().empty()
               ? std::string("this vendor has no settings")
               : absl::StrCat("not a setting of this vendor; use ", chosen->settings_field())});
    }
    chosen->Check(integration, path, config, problems);
    // A deprecated field that no vendor took over.
    const pb::FieldDescriptor* legacy_region = Integration::descriptor()->FindFieldByName("region");
    if (integration->GetReflection()->HasField(*integration, legacy_region)) {
      problems->push_back({path + ".region", "not a setting of this vendor"});
    }
  }
};

}  // namespace

const std::vector<const VendorFactory*>& Factories() {
#define FPGW_LIST_EXTENSION(name) &name::Factory(),
  static const auto* factories =
      new std::vector<const VendorFactory*>{FPGW_VENDOR_EXTENSIONS(FPGW_LIST_EXTENSION)};
#undef FPGW_LIST_EXTENSION
  return *factories;
}

const VendorFactory* FactoryFor(const Integration& integration) {
  for (const VendorFactory* factory : Factories()) {
    if (factory->vendor() == integration.vendor() &&
        factory->api_version() == integration.api_version()) {
      return factory;
    }
  }
  return nullptr;
}

const config::IntegrationRules& ConfigRules() {
  static const auto* rules = new RegistryRules();
  return *rules;
}

std::vector<config::ConfigProblem> ParseConfig(absl::string_view yaml,
                                               fpgw::config::v1::Config* out,
                                               const config::ConfigOverrides& overrides) {
  return config::ParseConfig(yaml, ConfigRules(), out, overrides);
}

absl::StatusOr<fpgw::config::v1::Config> LoadConfigFile(const std::string& path,
                                                        const config::ConfigOverrides& overrides) {
  return config::LoadConfigFile(path, ConfigRules(), overrides);
}

credentials::SecretCheck CredentialCheck(const Integration& integration) {
  const VendorFactory* factory = FactoryFor(integration);
  if (factory == nullptr) return nullptr;
  return [factory](const credentials::Secret& value) { return factory->CheckCredential(value); };
}

std::vector<credentials::SecretUse> SettingsSecretUses(const Integration& integration,
                                                       const std::string& path) {
  const VendorFactory* factory = FactoryFor(integration);
  return factory == nullptr ? std::vector<credentials::SecretUse>{}
                            : factory->SettingsSecretUses(integration, path);
}

Backends CreateBackends(const Integration& integration, const AdapterDeps& deps,
                        std::shared_ptr<VendorMetrics> metrics) {
  const VendorFactory* factory = FactoryFor(integration);
  // A checked config always has a factory; without one, every capability is absent.
  Backends backends = CapabilityBackends(
      factory == nullptr ? VendorCapabilities{} : factory->Create(integration, deps),
      integration.name());
  // The decorators, innermost first.
  backends = Instrument(std::move(backends), std::move(metrics),
                        {deps.scope.substr(0, deps.scope.find('/')), integration.name(),
                         factory == nullptr ? "" : std::string(factory->name())});
  if (factory != nullptr) {
    const fpgw::config::v1::NotFoundPolicy policy =
        integration.not_found_policy() != fpgw::config::v1::NOT_FOUND_POLICY_UNSPECIFIED
            ? integration.not_found_policy()
            : factory->default_not_found_policy();
    // The config and API vendor enums share their numbers.
    backends =
        ApplyNotFoundPolicy(std::move(backends), policy,
                            {static_cast<fpgw::v1::Vendor>(factory->vendor()),
                             integration.api_version().empty() ? std::string(factory->api_version())
                                                               : integration.api_version(),
                             integration.name()});
  }
  return backends;
}

std::vector<RegisteredKind> PayloadKinds() {
  std::vector<RegisteredKind> kinds;
  for (const VendorFactory* factory : Factories()) {
    for (PayloadKind& kind : factory->payload_kinds()) {
      RegisteredKind registered;
      static_cast<PayloadKind&>(registered) = std::move(kind);
      registered.module = std::string(factory->name());
      kinds.push_back(std::move(registered));
    }
  }
  return kinds;
}

}  // namespace fpgw::vendors
