// The Stytch factory: config checks, capabilities, error rows, payload kinds.
#include <memory>

#include "vendors/stytch/adapter.h"
#include "vendors/stytch/mapper.h"

namespace fpgw::vendors::stytch {
namespace {

class StytchFactory final : public VendorFactory {
 public:
  absl::string_view name() const override { return "stytch"; }
  fpgw::config::v1::Vendor vendor() const override { return fpgw::config::v1::VENDOR_STYTCH; }
  absl::string_view api_version() const override { return "v1"; }
  bool default_version() const override { return true; }
  absl::string_view settings_field() const override { return "stytch"; }
  // Short: a rule set through another path than fpgw changes the verdict of a new lookup.
  absl::Duration default_cache_ttl() const override { return absl::Seconds(10); }

  void Check(fpgw::config::v1::Integration* integration, const std::string& path,
             const fpgw::config::v1::Config&,
             std::vector<config::ConfigProblem>* problems) const override {
    config::RequireCredential(*integration, path, problems);
  }

  absl::Status CheckCredential(const credentials::Secret& credential) const override {
    return vendors::CheckCredential(Auth::Basic("project_id:secret"), credential);
  }

  VendorCapabilities Create(const fpgw::config::v1::Integration& integration,
                            const AdapterDeps& deps) const override {
    return Offer(std::make_shared<StytchAdapter>(MakeEndpoint(integration, deps)));
  }

  // Stytch recommends treating an unknown telemetry id as BLOCK ("fail closed"): a forged id must
  // not be allowed by a caller that fails open on errors (CONTRACTS.md §2.3).
  fpgw::config::v1::NotFoundPolicy default_not_found_policy() const override {
    return fpgw::config::v1::NOT_FOUND_POLICY_BLOCK;
  }

  ErrorRows error_rows() const override { return ErrorTable(); }

  std::vector<PayloadKind> payload_kinds() const override {
    return {
        {"stytch-lookup",
         [](const rapidjson::Document& doc) {
           return HasMember(doc, "telemetry_id") &&
                  (HasMember(doc, "verdict") || HasMember(doc, "fingerprints"));
         },
         [](absl::string_view payload, bool raw) {
           return NormalizedEvaluation(NormalizeLookup(
               payload, NormalizeOptions<MapOptions>(raw, fpgw::v1::PAYLOAD_KIND_LOOKUP)));
         }},
    };
  }
};

}  // namespace

const VendorFactory& Factory() {
  static const auto* factory = new StytchFactory();
  return *factory;
}

}  // namespace fpgw::vendors::stytch
