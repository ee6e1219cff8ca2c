// The vendor's rows of the error table.
#include "common/error.h"
#include "vendors/fingerprint_v4/mapper.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

// Codes the status rows already map right (request_cannot_be_parsed → 400, failed → 5xx) are not
// repeated here.
const ErrorRow kRows[] = {
    // v4 documents no Retry-After and limits of very different windows (requests per second, 30
    // deletions per hour, load shedding of searches): a retry time fpgw made up would be wrong for
    // most of them, so RetryInfo is sent only when the vendor names a time itself.
    {"too_many_requests",
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw and named no retry time; back off (deletions are limited to 30 "
      "per hour)",
      absl::ZeroDuration()}},
    {"event_not_found",
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this event", absl::ZeroDuration()}},
    {"visitor_not_found",
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this device", absl::ZeroDuration()}},
    {"ruleset_not_found",
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_RULESET_NOT_FOUND,
      "fingerprint.ruleset_id: the vendor has no such ruleset", absl::ZeroDuration()}},
    {"request_read_timeout",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor timed out reading the request", absl::Seconds(1)}},
    {"secret_api_key_required",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"secret_api_key_not_found",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"public_api_key_required",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"public_api_key_not_found",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"wrong_region",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION,
      "the integration's region does not match the vendor workspace", absl::ZeroDuration()}},
    {"feature_not_enabled",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the feature is not enabled at the vendor", absl::ZeroDuration()}},
    {"missing_module",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the feature is not enabled at the vendor", absl::ZeroDuration()}},
    {"subscription_not_active",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the vendor subscription is not active", absl::ZeroDuration()}},
    {"state_not_ready",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_NOT_READY,
      "the vendor says the event is not mutable yet", absl::Seconds(1)}},
    {"payload_too_large",
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected the request as too large", absl::ZeroDuration()}},
    {"service_unavailable",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor is unavailable", absl::Seconds(1)}},
};

}  // namespace

ErrorRows ErrorTable() { return kRows; }

}  // namespace fpgw::vendors::fingerprint_v4
