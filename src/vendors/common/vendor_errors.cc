// The vendor-outcome table.
#include "vendors/common/vendor_errors.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::vendors {
namespace {

using fpgw::v1::ErrorReason;

struct Outcome {
  absl::StatusCode code;
  ErrorReason reason;
  const char* message;
  // Retry delay to suggest when the vendor gave none; zero = not retryable.
  absl::Duration default_retry;
  // The vendor's documented guidance for this outcome, passed on as ErrorInfo metadata
  // "vendor_advice"; nullptr = none.
  const char* vendor_advice = nullptr;
};

struct Row {
  // Empty = any vendor code.
  const char* vendor_code;
  // 0 = any status.
  int http_status;
  Outcome outcome;
};

// Specific vendor codes first; the first matching row wins. Codes are those of the vendor
// contracts (CONTRACTS.md §1.6, §2.7, §3.2–3.5). Why these codes:
// - a vendor rejecting fpgw's own key is fpgw's misconfiguration: FAILED_PRECONDITION, never
//   UNAUTHENTICATED, which is reserved for the caller's credentials to fpgw (DESIGN §2);
// - "not mutable yet" (409) clears by itself, so UNAVAILABLE with a short RetryInfo.
const Row kRows[] = {
    // Fingerprint v4 (snake_case) and v3 (PascalCase) codes.
    {"event_not_found",
     0,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this event", absl::ZeroDuration()}},
    {"RequestNotFound",
     0,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this event", absl::ZeroDuration()}},
    {"visitor_not_found",
     0,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this device", absl::ZeroDuration()}},
    {"VisitorNotFound",
     0,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this device", absl::ZeroDuration()}},
    {"telemetry_id_not_found",
     0,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this telemetry id; the vendor advises treating it as BLOCK",
      absl::ZeroDuration(), "treat as BLOCK"}},
    {"ruleset_not_found",
     0,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_RULESET_NOT_FOUND,
      "fingerprint.ruleset_id: the vendor has no such ruleset", absl::ZeroDuration()}},
    {"request_read_timeout",
     0,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor timed out reading the request", absl::Seconds(1)}},
    {"RequestReadTimeout",
     0,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor timed out reading the request", absl::Seconds(1)}},
    {"secret_api_key_required",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"secret_api_key_not_found",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"public_api_key_required",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"public_api_key_not_found",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"TokenRequired",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"TokenNotFound",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"WorkspaceScopedSecretKeyRequired",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor needs a workspace-scoped key for this call", absl::ZeroDuration()}},
    {"wrong_region",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION,
      "the integration's region does not match the vendor workspace", absl::ZeroDuration()}},
    {"WrongRegion",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION,
      "the integration's region does not match the vendor workspace", absl::ZeroDuration()}},
    {"feature_not_enabled",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the feature is not enabled at the vendor", absl::ZeroDuration()}},
    {"FeatureNotEnabled",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the feature is not enabled at the vendor", absl::ZeroDuration()}},
    {"missing_module",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the feature is not enabled at the vendor", absl::ZeroDuration()}},
    {"subscription_not_active",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the vendor subscription is not active", absl::ZeroDuration()}},
    {"SubscriptionNotActive",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED,
      "the vendor subscription is not active", absl::ZeroDuration()}},
    {"state_not_ready",
     0,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_NOT_READY,
      "the vendor says the event is not mutable yet", absl::Seconds(1)}},
    {"StateNotReady",
     0,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_NOT_READY,
      "the vendor says the event is not mutable yet", absl::Seconds(1)}},
    // Fingerprint v3 spells its rate limit two ways ("429 Too Many Requests" is an ErrorCode value
    // of its own) and reports internal failures as "Failed".
    {"TooManyRequests",
     0,
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw", absl::Seconds(1)}},
    {"429 Too Many Requests",
     0,
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw", absl::Seconds(1)}},
    {"Failed",
     0,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor failed", absl::Seconds(1)}},
    {"RequestCannotBeParsed",
     0,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected a request parameter", absl::ZeroDuration()}},
    {"payload_too_large",
     0,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected the request as too large", absl::ZeroDuration()}},
    {"service_unavailable",
     0,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor is unavailable", absl::Seconds(1)}},
    // Stytch codes that mean fpgw's own configuration is at fault, not the caller's request: a
    // route that does not exist must never read as "unknown token" (Stytch advises BLOCK then).
    {"invalid_project_id_authentication",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"invalid_authorization_header",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"route_not_found",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
      "the integration's base_url reaches no vendor route", absl::ZeroDuration()}},
    {"use_https",
     0,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
      "the vendor requires HTTPS for this integration", absl::ZeroDuration()}},
    // By HTTP status, for every other (or missing) vendor code.
    {"",
     400,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected a request parameter", absl::ZeroDuration()}},
    {"",
     401,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {"",
     403,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor refused fpgw's credential for this call", absl::ZeroDuration()}},
    {"",
     404,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this token", absl::ZeroDuration()}},
    {"",
     408,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT, "the vendor timed out",
      absl::Seconds(1)}},
    {"",
     409,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_NOT_READY,
      "the vendor says the resource is not ready", absl::Seconds(1)}},
    {"",
     413,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected the request as too large", absl::ZeroDuration()}},
    {"",
     429,
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw", absl::Seconds(1)}},
    {"",
     499,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor cancelled the request", absl::Seconds(1)}},
    {"",
     504,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT, "the vendor timed out",
      absl::Seconds(1)}},
};

const Outcome kServerError = {absl::StatusCode::kUnavailable,
                              fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, "the vendor failed",
                              absl::Seconds(1)};
const Outcome kUnexpected = {
    absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID,
    "the vendor answered with an unexpected HTTP status", absl::ZeroDuration()};

bool LooksLikeErrorCode(absl::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
        c != ' ') {
      return false;
    }
  }
  return true;
}

const Outcome& Lookup(int http_status, absl::string_view vendor_code) {
  for (const Row& row : kRows) {
    const bool code_match = row.vendor_code[0] == '\0' || vendor_code == row.vendor_code;
    const bool status_match = row.http_status == 0 || row.http_status == http_status;
    // Rows with a vendor code match on the code alone; generic rows on the status alone.
    if (row.vendor_code[0] != '\0' && code_match) return row.outcome;
    if (row.vendor_code[0] == '\0' && status_match) return row.outcome;
  }
  if (http_status >= 500 && http_status <= 599) return kServerError;
  return kUnexpected;
}

}  // namespace

absl::Status MapVendorHttpError(const VendorHttpError& error) {
  const Outcome& outcome = Lookup(error.http_status, error.vendor_code);
  std::map<std::string, std::string> metadata = {{"vendor", error.vendor},
                                                 {"http_status", absl::StrCat(error.http_status)}};
  // Only something that looks like an error code is passed on: a proxy's page or a vendor's free
  // text never reaches the caller (DESIGN §2).
  if (LooksLikeErrorCode(error.vendor_code)) metadata["vendor_code"] = error.vendor_code;
  if (outcome.vendor_advice != nullptr) metadata["vendor_advice"] = outcome.vendor_advice;
  std::optional<absl::Duration> retry;
  if (outcome.default_retry > absl::ZeroDuration()) {
    retry = error.retry_after.value_or(outcome.default_retry);
  }
  return MakeError(outcome.code, outcome.reason, outcome.message, metadata, retry);
}

absl::Status MapTransportError(absl::string_view vendor, const absl::Status& transport,
                               bool caller_deadline_bound) {
  const std::map<std::string, std::string> metadata = {{"vendor", std::string(vendor)}};
  switch (transport.code()) {
    case absl::StatusCode::kDeadlineExceeded:
      if (caller_deadline_bound) {
        return MakeError(absl::StatusCode::kDeadlineExceeded,
                         fpgw::v1::ERROR_REASON_DEADLINE_EXCEEDED,
                         "the caller's deadline passed before the vendor answered", metadata);
      }
      return MakeError(absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT,
                       "the vendor did not answer within the integration's timeout", metadata,
                       absl::Seconds(1));
    case absl::StatusCode::kOutOfRange:
      return MakeError(absl::StatusCode::kInternal,
                       fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_TOO_LARGE,
                       "the vendor's answer exceeded the response size cap", metadata);
    case absl::StatusCode::kCancelled:
      return MakeError(absl::StatusCode::kCancelled, fpgw::v1::ERROR_REASON_UNSPECIFIED,
                       "the call was cancelled", metadata);
    case absl::StatusCode::kInvalidArgument:
      return MakeError(absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_INTERNAL,
                       "fpgw built an invalid vendor request", metadata);
    default:
      return MakeError(absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
                       absl::StrCat("the vendor could not be reached (", transport.message(), ")"),
                       metadata, absl::Seconds(1));
  }
}

absl::Status InvalidVendorResponse(absl::string_view vendor, absl::string_view what) {
  return MakeError(absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID,
                   absl::StrCat("the vendor's answer could not be read: ", what),
                   {{"vendor", std::string(vendor)}});
}

std::optional<absl::Duration> ParseRetryAfter(const std::string* header) {
  if (header == nullptr) return std::nullopt;
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(*header), &seconds) || seconds < 0) {
    return std::nullopt;
  }
  return absl::Seconds(std::min<int64_t>(seconds, 3600));
}

}  // namespace fpgw::vendors
