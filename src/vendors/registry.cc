// Vendor registration: one line per vendor adapter.
#include "vendors/registry.h"

#include "config/config_loader.h"
#include "vendors/cside/adapter.h"
#include "vendors/fingerprint_v3/adapter.h"
#include "vendors/fingerprint_v4/adapter.h"
#include "vendors/stytch/adapter.h"

namespace fpgw::vendors {

std::unique_ptr<VendorAdapter> CreateAdapter(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps) {
  using fpgw::config::v1::VENDOR_FINGERPRINT;
  const std::string version = config::EffectiveApiVersion(integration);
  if (integration.vendor() == VENDOR_FINGERPRINT && version == "v3") {
    return std::make_unique<fingerprint_v3::FingerprintV3Adapter>(integration, deps);
  }
  if (integration.vendor() == VENDOR_FINGERPRINT && version == "v4") {
    return std::make_unique<fingerprint_v4::FingerprintV4Adapter>(integration, deps);
  }
  if (integration.vendor() == fpgw::config::v1::VENDOR_CSIDE) {
    return std::make_unique<cside::CsideAdapter>(integration, deps);
  }
  if (integration.vendor() == fpgw::config::v1::VENDOR_STYTCH) {
    return std::make_unique<stytch::StytchAdapter>(integration, deps);
  }
  // Vendors whose adapter has not landed: every capability answers UNIMPLEMENTED.
  return std::make_unique<UnsupportedCapabilities>();
}

}  // namespace fpgw::vendors
