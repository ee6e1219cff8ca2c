// The vendor's rows of the error table.
#include "common/error.h"
#include "vendors/fingerprint_v3/mapper.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

// v3 spells its rate limit two ways ("429 Too Many Requests" is an ErrorCode value of its own) and
// reports internal failures as "Failed".
const ErrorRow kRows[] = {
    {"RequestNotFound",
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this event", absl::ZeroDuration()}},
    {"VisitorNotFound",
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this device", absl::ZeroDuration()}},
    {"RequestReadTimeout",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor timed out reading the request", absl::Seconds(1)}},
    {"TokenRequired",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"TokenNotFound",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"WorkspaceScopedSecretKeyRequired",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor needs a workspace-scoped key for this call", absl::ZeroDuration()}},
    {"WrongRegion",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION,
      "the integration's region does not match the vendor workspace", absl::ZeroDuration()}},
    {"FeatureNotEnabled",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the feature is not enabled at the vendor", absl::ZeroDuration()}},
    {"SubscriptionNotActive",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the vendor subscription is not active", absl::ZeroDuration()}},
    {"StateNotReady",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_NOT_READY,
      "the vendor says the event is not mutable yet", absl::Seconds(1)}},
    {"TooManyRequests",
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw", absl::Seconds(1)}},
    {"429 Too Many Requests",
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw", absl::Seconds(1)}},
    {"Failed",
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor failed", absl::Seconds(1)}},
    {"RequestCannotBeParsed",
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected a request parameter", absl::ZeroDuration()}},
};

}  // namespace

ErrorRows ErrorTable() { return kRows; }

}  // namespace fpgw::vendors::fingerprint_v3
