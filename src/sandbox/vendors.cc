// The sandbox's vendor modules: the one list that names them (vendor.h). Adding a vendor is a
// folder src/sandbox/<vendor>/ and one line here; the order is the order of sandbox mode's
// integrations, the first being the default.
#include "sandbox/cside/routes.h"
#include "sandbox/fingerprint_v3/routes.h"
#include "sandbox/fingerprint_v4/routes.h"
#include "sandbox/sandbox.h"
#include "sandbox/stytch/routes.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {

absl::Span<const SandboxVendor* const> SandboxVendors() {
  static const SandboxVendor* const kVendors[] = {
      &FingerprintV4SandboxVendor(),
      &FingerprintV3SandboxVendor(),
      &StytchSandboxVendor(),
      &CsideSandboxVendor(),
  };
  return kVendors;
}

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(SandboxOptions options) {
  return Start(std::move(options), SandboxVendors());
}

}  // namespace fpgw::sandbox
