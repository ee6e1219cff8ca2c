// The sandbox's Fingerprint Server API v3 module (no version prefix, as on the vendor's hosts):
// get event (GET `/events/{request_id}`), update event (PUT `/events/{request_id}`), search
// events (GET `/events/search`), visits (GET `/visitors/{visitor_id}`, with getVisits' plain
// `{"error": "..."}` bodies), delete visitor data (DELETE `/visitors/{visitor_id}`) and related
// visitors (GET `/related-visitors`), with the vendor's key check (`Auth-API-Key` header or
// `api_key` query, the two schemes of the v3 specification), every documented search filter,
// error bodies and error scenarios. Data comes from FingerprintV3Data. Its credential is the
// secret API key.
#ifndef FPGW_SANDBOX_FINGERPRINT_V3_ROUTES_H_
#define FPGW_SANDBOX_FINGERPRINT_V3_ROUTES_H_

#include "absl/strings/string_view.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteFingerprintV3GetEvent = "fingerprint_v3.get_event";
inline constexpr absl::string_view kRouteFingerprintV3UpdateEvent = "fingerprint_v3.update_event";
inline constexpr absl::string_view kRouteFingerprintV3SearchEvents = "fingerprint_v3.search_events";
inline constexpr absl::string_view kRouteFingerprintV3GetVisits = "fingerprint_v3.get_visits";
inline constexpr absl::string_view kRouteFingerprintV3DeleteVisitor =
    "fingerprint_v3.delete_visitor";
inline constexpr absl::string_view kRouteFingerprintV3RelatedVisitors =
    "fingerprint_v3.related_visitors";

// The module ("fingerprint_v3": `/events`, `/visitors` and `/related-visitors`, which answer as
// unconfigured without a credential).
const SandboxVendor& FingerprintV3SandboxVendor();

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V3_ROUTES_H_
