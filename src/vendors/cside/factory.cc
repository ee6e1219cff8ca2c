// The cside factory: config checks, capabilities, payload kinds. cside's error codes are not
// documented: its answers go by HTTP status alone.
#include <memory>
#include <utility>

#include "vendors/cside/adapter.h"
#include "vendors/cside/mapper.h"

namespace fpgw::vendors::cside {
namespace {

class CsideFactory final : public VendorFactory {
 public:
  absl::string_view name() const override { return "cside"; }
  fpgw::config::v1::Vendor vendor() const override { return fpgw::config::v1::VENDOR_CSIDE; }
  absl::string_view api_version() const override { return "v2"; }
  bool default_version() const override { return true; }
  absl::string_view settings_field() const override { return "cside"; }
  // A completed verdict does not change; a pending one is never cached.
  absl::Duration default_cache_ttl() const override { return absl::Seconds(30); }

  // cside's public /token/v1 endpoints only when asked for (`cside.public_mode`): a forgotten
  // credential must not turn into the unauthenticated flow cside does not recommend for backends
  // (docs/decisions/0008-cside-pending-and-public-mode.md).
  void Check(fpgw::config::v1::Integration* integration, const std::string& path,
             const fpgw::config::v1::Config&,
             std::vector<config::ConfigProblem>* problems) const override {
    if (!integration->cside().public_mode()) {
      config::RequireCredential(*integration, path, problems);
      return;
    }
    if (integration->credential().source_case() != fpgw::config::v1::SecretRef::SOURCE_NOT_SET) {
      problems->push_back({path + ".credential",
                           "cside.public_mode uses no credential; remove it, or drop public_mode "
                           "to use the authenticated verify"});
    }
  }

  VendorCapabilities Create(const fpgw::config::v1::Integration& integration,
                            const AdapterDeps& deps) const override {
    auto adapter = std::make_shared<CsideAdapter>(integration, deps);
    VendorCapabilities capabilities = Offer(adapter);
    // Device entries need the API key.
    if (adapter->public_mode()) capabilities.history = nullptr;
    return capabilities;
  }

  ErrorRows error_rows() const override { return {}; }

  // Entries first: a verify payload is recognised by looser signs.
  std::vector<PayloadKind> payload_kinds() const override {
    return {
        {"cside-entries",
         [](const rapidjson::Document& doc) {
           return HasMember(doc, "entries") && HasMember(doc, "device_id");
         },
         [](absl::string_view payload,
            bool raw) -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
           absl::StatusOr<DeviceEntriesPage> page = NormalizeDeviceEntries(
               payload, NormalizeOptions<MapOptions>(raw, fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY));
           if (!page.ok()) return page.status();
           return NormalizedPage(std::move(page->evaluations));
         }},
        {"cside-verify",
         [](const rapidjson::Document& doc) {
           return HasMember(doc, "status") || HasMember(doc, "created_at") ||
                  HasMember(doc, "fingerprint");
         },
         [](absl::string_view payload, bool raw) {
           return NormalizedEvaluation(NormalizeVerify(
               payload, NormalizeOptions<MapOptions>(raw, fpgw::v1::PAYLOAD_KIND_LOOKUP)));
         }},
    };
  }
};

}  // namespace

const VendorFactory& Factory() {
  static const auto* factory = new CsideFactory();
  return *factory;
}

}  // namespace fpgw::vendors::cside
