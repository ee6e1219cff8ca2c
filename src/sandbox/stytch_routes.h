// The sandbox's Stytch Device Fingerprinting routes (`/v1/...` on telemetry.stytch.com):
// fingerprint lookup (POST and the deprecated GET), rules set/list and verdict-reason
// override/list, with the vendor's HTTP Basic check (`project_id:secret`), its error object and
// the Stytch scenarios (see src/sandbox/README.md). Rules and overrides set through the sandbox are
// kept in memory for its lifetime and applied to later lookups; the rule store starts with
// kStytchSeedRules rules so that listing pages.
#ifndef FPGW_SANDBOX_STYTCH_ROUTES_H_
#define FPGW_SANDBOX_STYTCH_ROUTES_H_

#include "absl/strings/string_view.h"

namespace fpgw::sandbox {

class Router;

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteStytchLookup = "stytch.lookup";
inline constexpr absl::string_view kRouteStytchSetRule = "stytch.rules_set";
inline constexpr absl::string_view kRouteStytchListRules = "stytch.rules_list";
inline constexpr absl::string_view kRouteStytchOverrideVerdictReason =
    "stytch.verdict_reasons_override";
inline constexpr absl::string_view kRouteStytchListVerdictReasons = "stytch.verdict_reasons_list";

// Adds the `/v1` routes; with an empty SandboxOptions::stytch_project_id they answer as
// unconfigured.
void AddStytchRoutes(Router& router);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_STYTCH_ROUTES_H_
