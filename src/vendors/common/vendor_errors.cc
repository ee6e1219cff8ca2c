// The vendor-outcome table.
#include "vendors/common/vendor_errors.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::vendors {
namespace {

// One HTTP status and its outcome.
struct StatusRow {
  int http_status;
  ErrorOutcome outcome;
};

// Every answer whose vendor code no vendor row names goes by its status. Why these codes:
// - a vendor rejecting fpgw's own key is fpgw's misconfiguration: FAILED_PRECONDITION, never
//   UNAUTHENTICATED, which is reserved for the caller's credentials to fpgw (DESIGN §2);
// - "not ready" (409) clears by itself, so UNAVAILABLE with a short RetryInfo.
const StatusRow kStatusRows[] = {
    {400,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected a request parameter", absl::ZeroDuration()}},
    {401,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor rejected fpgw's credential for this integration", absl::ZeroDuration()}},
    {403,
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED,
      "the vendor refused fpgw's credential for this call", absl::ZeroDuration()}},
    {404,
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
      "the vendor does not know this token", absl::ZeroDuration()}},
    {408,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT, "the vendor timed out",
      absl::Seconds(1)}},
    {409,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_NOT_READY,
      "the vendor says the resource is not ready", absl::Seconds(1)}},
    {413,
     {absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST,
      "the vendor rejected the request as too large", absl::ZeroDuration()}},
    {429,
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "the vendor rate-limited fpgw", absl::Seconds(1)}},
    {499,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
      "the vendor cancelled the request", absl::Seconds(1)}},
    {504,
     {absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT, "the vendor timed out",
      absl::Seconds(1)}},
};

const ErrorOutcome kServerError = {absl::StatusCode::kUnavailable,
                                   fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, "the vendor failed",
                                   absl::Seconds(1)};
const ErrorOutcome kUnexpected = {
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

const ErrorOutcome& Lookup(int http_status, absl::string_view vendor_code, ErrorRows vendor_rows) {
  if (!vendor_code.empty()) {
    for (const ErrorRow& row : vendor_rows) {
      if (vendor_code == row.vendor_code) return row.outcome;
    }
  }
  for (const StatusRow& row : kStatusRows) {
    if (row.http_status == http_status) return row.outcome;
  }
  if (http_status >= 500 && http_status <= 599) return kServerError;
  return kUnexpected;
}

}  // namespace

absl::Status MapVendorHttpError(const VendorHttpError& error, ErrorRows vendor_rows) {
  const ErrorOutcome& outcome = Lookup(error.http_status, error.vendor_code, vendor_rows);
  std::map<std::string, std::string> metadata = {{"vendor", error.vendor},
                                                 {"http_status", absl::StrCat(error.http_status)}};
  // Only something that looks like an error code is passed on: a proxy's page or a vendor's free
  // text never reaches the caller (DESIGN §2).
  if (LooksLikeErrorCode(error.vendor_code)) metadata["vendor_code"] = error.vendor_code;
  if (outcome.vendor_advice != nullptr) metadata["vendor_advice"] = outcome.vendor_advice;
  std::optional<absl::Duration> retry;
  if (outcome.default_retry > absl::ZeroDuration()) {
    retry = error.retry_after.value_or(outcome.default_retry);
  } else if (outcome.code == absl::StatusCode::kResourceExhausted) {
    // A limit whose window the vendor does not document: only its own Retry-After is passed on.
    retry = error.retry_after;
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
      if (ReasonOf(transport) == fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN) {
        // fpgw refused before calling (resilience/circuit_breaker.h): its own error, named.
        return MakeError(transport.code(), fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN,
                         transport.message(), metadata, RetryDelayOf(transport));
      }
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

}  // namespace fpgw::vendors
