// The sandbox's Stytch Device Fingerprinting module (`/v1/...` on telemetry.stytch.com):
// fingerprint lookup (POST and the deprecated GET), rules set/list and verdict-reason
// override/list, with the vendor's HTTP Basic check (`project_id:secret`), its error object and
// the Stytch scenarios (see src/sandbox/README.md). Rules and overrides set through the sandbox are
// kept in memory for its lifetime and applied to later lookups; the rule store starts with
// kStytchSeedRules rules so that listing pages. Its credential is "project_id:secret".
#ifndef FPGW_SANDBOX_STYTCH_ROUTES_H_
#define FPGW_SANDBOX_STYTCH_ROUTES_H_

#include "absl/strings/string_view.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteStytchLookup = "stytch.lookup";
inline constexpr absl::string_view kRouteStytchSetRule = "stytch.rules_set";
inline constexpr absl::string_view kRouteStytchListRules = "stytch.rules_list";
inline constexpr absl::string_view kRouteStytchOverrideVerdictReason =
    "stytch.verdict_reasons_override";
inline constexpr absl::string_view kRouteStytchListVerdictReasons = "stytch.verdict_reasons_list";

// The module ("stytch"; without a credential the `/v1` routes answer as unconfigured).
const SandboxVendor& StytchSandboxVendor();

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_STYTCH_ROUTES_H_
