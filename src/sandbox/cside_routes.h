// The sandbox's cside routes (CONTRACTS.md §1.3): POST `/token/v2/verify` and
// `/token/v2/device/entries` with the vendor's Bearer-key check, and the public POST
// `/token/v1/client` and `/token/v1/clientId` (raw token as text/plain). Payloads come from a
// seeded generator that fills every enrichment block in the shapes of
// src/vendors/cside/ASSUMED_PATHS.md (cside does not publish them). Scenarios: see README.md.
#ifndef FPGW_SANDBOX_CSIDE_ROUTES_H_
#define FPGW_SANDBOX_CSIDE_ROUTES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {

class Router;

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteCsideVerify = "cside.verify";
inline constexpr absl::string_view kRouteCsideDeviceEntries = "cside.device_entries";
inline constexpr absl::string_view kRouteCsideClient = "cside.client";
inline constexpr absl::string_view kRouteCsideClientId = "cside.client_id";

// Entries every sandbox device has in `/token/v2/device/entries`.
inline constexpr int kCsideEntriesPerDevice = 37;

// The device id the sandbox assigns to a session token (stable for a seed).
std::string CsideDeviceId(uint64_t seed, absl::string_view token);

// Builds the completed verify payload for `token` (entry `index` of its device's history when
// `index` >= 0: newest first, older with each index). Deterministic in (seed, token, index).
void BuildCsidePayload(uint64_t seed, absl::string_view token, int index, rapidjson::Document* doc);

// Adds the `/token` routes; with an empty SandboxOptions::cside_api_key the `/token/v2` routes
// answer as unconfigured (the public `/token/v1` routes need no key and are always served).
void AddCsideRoutes(Router& router);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_CSIDE_ROUTES_H_
