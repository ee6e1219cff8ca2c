// The sandbox's Fingerprint Server API v4 routes: get event (`/v4/events/{id}`, alias
// `/v4/event/{id}`), search events (`/v4/events`), update event (PATCH `/v4/events/{id}`) and
// delete visitor data (`/v4/visitors/{id}`), with the vendor's Bearer-key check, error bodies and
// error scenarios. Data comes from FingerprintV4Data.
#ifndef FPGW_SANDBOX_FINGERPRINT_V4_ROUTES_H_
#define FPGW_SANDBOX_FINGERPRINT_V4_ROUTES_H_

#include "absl/strings/string_view.h"

namespace fpgw::sandbox {

class Router;

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteFingerprintV4GetEvent = "fingerprint_v4.get_event";
inline constexpr absl::string_view kRouteFingerprintV4SearchEvents = "fingerprint_v4.search_events";
inline constexpr absl::string_view kRouteFingerprintV4UpdateEvent = "fingerprint_v4.update_event";
inline constexpr absl::string_view kRouteFingerprintV4DeleteVisitor =
    "fingerprint_v4.delete_visitor";

// Adds the `/v4` routes; with an empty SandboxOptions::fingerprint_v4_secret_key they answer as
// unconfigured.
void AddFingerprintV4Routes(Router& router);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V4_ROUTES_H_
