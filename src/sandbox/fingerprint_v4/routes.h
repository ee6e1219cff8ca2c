// The sandbox's Fingerprint Server API v4 module: get event (`/v4/events/{id}`, alias
// `/v4/event/{id}`), search events (`/v4/events`, every documented filter applied), update event
// (PATCH `/v4/events/{id}`), delete visitor data (`/v4/visitors/{id}`) and Automation
// Intelligence (POST `/v4/edge`), with the vendor's Bearer-key check, error bodies and error
// scenarios. Data comes from FingerprintV4Data and edge.h. Its credential is the secret API key.
#ifndef FPGW_SANDBOX_FINGERPRINT_V4_ROUTES_H_
#define FPGW_SANDBOX_FINGERPRINT_V4_ROUTES_H_

#include "absl/strings/string_view.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteFingerprintV4GetEvent = "fingerprint_v4.get_event";
inline constexpr absl::string_view kRouteFingerprintV4SearchEvents = "fingerprint_v4.search_events";
inline constexpr absl::string_view kRouteFingerprintV4UpdateEvent = "fingerprint_v4.update_event";
inline constexpr absl::string_view kRouteFingerprintV4DeleteVisitor =
    "fingerprint_v4.delete_visitor";
inline constexpr absl::string_view kRouteFingerprintV4Edge = "fingerprint_v4.edge";

// The module ("fingerprint_v4"; without a credential the `/v4` routes answer as unconfigured).
const SandboxVendor& FingerprintV4SandboxVendor();

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V4_ROUTES_H_
