// The vendor's rows of the error table.
#include "common/error.h"
#include "vendors/stytch/mapper.h"

namespace fpgw::vendors::stytch {
namespace {

// A lookup of an unknown telemetry id carries the vendor's fail-closed advice. Codes that mean
// fpgw's own configuration is at fault, never the caller's request: a route that does not exist
// must never read as "unknown token" (Stytch advises BLOCK then).
const ErrorRow kRows[] = {
    {"telemetry_id_not_found",
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this telemetry id; the vendor advises treating it as BLOCK",
      absl::ZeroDuration(), "treat as BLOCK"}},
    {"invalid_project_id_authentication",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"invalid_authorization_header",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"route_not_found",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
      "the integration's base_url reaches no vendor route", absl::ZeroDuration()}},
    {"use_https",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
      "the vendor requires HTTPS for this integration", absl::ZeroDuration()}},
    {"service_unavailable",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor is unavailable", absl::Seconds(1)}},
};

}  // namespace

ErrorRows ErrorTable() { return kRows; }

}  // namespace fpgw::vendors::stytch
