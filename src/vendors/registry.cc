// Vendor registration.
#include "vendors/registry.h"

#include "config/config_loader.h"
#include "vendors/fingerprint_v4/adapter.h"

namespace fpgw::vendors {

std::unique_ptr<VendorAdapter> CreateAdapter(
    const fpgw::config::v1::Integration& integration, std::shared_ptr<http::HttpClient> client,
    std::shared_ptr<const credentials::CredentialStore> store) {
  const std::string version = config::EffectiveApiVersion(integration);
  if (integration.vendor() == fpgw::config::v1::VENDOR_FINGERPRINT && version == "v4") {
    return std::make_unique<fingerprint_v4::FingerprintV4Adapter>(integration, std::move(client),
                                                                  std::move(store));
  }
  // cside, Stytch and Fingerprint v3 adapters arrive with their own folders.
  return std::make_unique<VendorAdapter>();
}

}  // namespace fpgw::vendors
