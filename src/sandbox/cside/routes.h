// The sandbox's cside module (CONTRACTS.md §1.3): POST `/token/v2/verify` and
// `/token/v2/device/entries` with the vendor's Bearer-key check, and the public POST
// `/token/v1/client` and `/token/v1/clientId` (raw token as text/plain). Payloads come from
// CsideDeviceId / BuildCsidePayload (data.h). Scenarios: see README.md. Its credential is the API
// key.
#ifndef FPGW_SANDBOX_CSIDE_ROUTES_H_
#define FPGW_SANDBOX_CSIDE_ROUTES_H_

#include "absl/strings/string_view.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {

// Route names used by the request counters and `GET /_sandbox/stats`.
inline constexpr absl::string_view kRouteCsideVerify = "cside.verify";
inline constexpr absl::string_view kRouteCsideDeviceEntries = "cside.device_entries";
inline constexpr absl::string_view kRouteCsideClient = "cside.client";
inline constexpr absl::string_view kRouteCsideClientId = "cside.client_id";

// The module ("cside"; without a credential the `/token/v2` routes answer as unconfigured, while
// the public `/token/v1` routes need no key and are always served).
const SandboxVendor& CsideSandboxVendor();

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_CSIDE_ROUTES_H_
