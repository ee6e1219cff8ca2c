// The one table that turns a vendor's HTTP outcome (status, vendor error code, Retry-After) or a
// transport failure into fpgw's canonical error (STYLE rule 3; DESIGN §2). Adapters extract the
// vendor's error code from its body; they never choose status codes themselves.
#ifndef FPGW_VENDORS_COMMON_VENDOR_ERRORS_H_
#define FPGW_VENDORS_COMMON_VENDOR_ERRORS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fpgw::vendors {

// A non-2xx vendor answer.
struct VendorHttpError {
  // "fingerprint", "stytch", "cside".
  std::string vendor;
  int http_status = 0;
  // The vendor's own error code, e.g. "event_not_found"; empty when the body had none.
  std::string vendor_code;
  // From the Retry-After header, when present.
  std::optional<absl::Duration> retry_after;
};

// Maps a vendor error answer to an fpgw error with ErrorInfo (vendor, vendor_code, http_status)
// and, where a retry can succeed, RetryInfo.
absl::Status MapVendorHttpError(const VendorHttpError& error);

// Maps a transport failure from http/ (DEADLINE_EXCEEDED, UNAVAILABLE, OUT_OF_RANGE, CANCELLED,
// ...) to an fpgw error. `caller_deadline_bound` says whether the request's timeout was cut to the
// caller's deadline had passed (then a timeout is the caller's DEADLINE_EXCEEDED, else the
// vendor's UNAVAILABLE / VENDOR_TIMEOUT).
absl::Status MapTransportError(absl::string_view vendor, const absl::Status& transport,
                               bool caller_deadline_bound);

// A vendor body fpgw could not read (not JSON, truncated, wrong shape): INTERNAL,
// VENDOR_RESPONSE_INVALID. `what` says what was wrong, without quoting the body.
absl::Status InvalidVendorResponse(absl::string_view vendor, absl::string_view what);

// Parses a Retry-After header value given in seconds (HTTP-date is not used by these vendors).
std::optional<absl::Duration> ParseRetryAfter(const std::string* header);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_VENDOR_ERRORS_H_
