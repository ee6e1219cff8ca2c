// The one table that turns a vendor's HTTP outcome (status, vendor error code, Retry-After) or a
// transport failure into fpgw's canonical error (STYLE rule 3; DESIGN §2). Each vendor adds the
// rows of its own error codes (vendors/<vendor>/errors.cc); every other answer goes by its HTTP
// status, through rows kept here. Adapters extract the vendor's error code from its body; they
// never choose status codes themselves.
#ifndef FPGW_VENDORS_COMMON_VENDOR_ERRORS_H_
#define FPGW_VENDORS_COMMON_VENDOR_ERRORS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "fpgw/v1/error_reason.pb.h"

namespace fpgw::vendors {

// What a vendor outcome means for the caller.
struct ErrorOutcome {
  absl::StatusCode code;
  fpgw::v1::ErrorReason reason;
  // The caller-facing message; never quotes the vendor.
  const char* message;
  // Retry delay to suggest when the vendor gave none; zero = not retryable.
  absl::Duration default_retry;
  // The vendor's documented guidance for this outcome, passed on as ErrorInfo metadata
  // "vendor_advice"; nullptr = none.
  const char* vendor_advice = nullptr;
};

// One vendor error code and its outcome, whatever the HTTP status it came with.
struct ErrorRow {
  const char* vendor_code;
  ErrorOutcome outcome;
};
using ErrorRows = absl::Span<const ErrorRow>;

// A non-2xx vendor answer.
struct VendorHttpError {
  // The vendor as ErrorInfo metadata names it (lower case, e.g. "fingerprint").
  std::string vendor;
  int http_status = 0;
  // The vendor's own error code, e.g. "event_not_found"; empty when the body had none.
  std::string vendor_code;
  // From the Retry-After header, when present.
  std::optional<absl::Duration> retry_after;
};

// Maps a vendor error answer to an fpgw error with ErrorInfo (vendor, vendor_code, http_status)
// and, where a retry can succeed, RetryInfo: the row of `vendor_rows` naming its code first, else
// the row of its HTTP status.
absl::Status MapVendorHttpError(const VendorHttpError& error, ErrorRows vendor_rows = {});

// Maps a transport failure from http/ (DEADLINE_EXCEEDED, UNAVAILABLE, OUT_OF_RANGE, CANCELLED,
// ...) to an fpgw error. `caller_deadline_bound` says whether the request's timeout was cut to the
// caller's deadline had passed (then a timeout is the caller's DEADLINE_EXCEEDED, else the
// vendor's UNAVAILABLE / VENDOR_TIMEOUT).
absl::Status MapTransportError(absl::string_view vendor, const absl::Status& transport,
                               bool caller_deadline_bound);

// A vendor body fpgw could not read (not JSON, truncated, wrong shape): INTERNAL,
// VENDOR_RESPONSE_INVALID. `what` says what was wrong, without quoting the body.
absl::Status InvalidVendorResponse(absl::string_view vendor, absl::string_view what);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_VENDOR_ERRORS_H_
