// fpgw's errors: an absl::Status with a canonical code, a one-line message, and as payloads the
// google.rpc.ErrorInfo (domain "fpgw", reason from fpgw.v1.ErrorReason) and, when a retry makes
// sense, google.rpc.RetryInfo that the server turns into gRPC status details (AIP-193).
#ifndef FPGW_COMMON_ERROR_H_
#define FPGW_COMMON_ERROR_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fpgw/v1/error_reason.pb.h"

namespace fpgw {

inline constexpr absl::string_view kErrorDomain = "fpgw";
inline constexpr absl::string_view kErrorInfoTypeUrl = "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr absl::string_view kRetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";

// Builds an error. `message` must not contain secrets or vendor bodies. `metadata` goes into
// ErrorInfo.metadata (e.g. {"field": "token"}, {"vendor": "fingerprint", "vendor_code": ...}).
absl::Status MakeError(absl::StatusCode code, fpgw::v1::ErrorReason reason,
                       absl::string_view message,
                       const std::map<std::string, std::string>& metadata = {},
                       std::optional<absl::Duration> retry_delay = std::nullopt);

// INVALID_ARGUMENT naming the request field at fault.
absl::Status InvalidField(absl::string_view field, absl::string_view problem);

// UNIMPLEMENTED naming the missing capability.
absl::Status Unimplemented(absl::string_view capability, absl::string_view why);

// The reason carried by `status`, or ERROR_REASON_UNSPECIFIED.
fpgw::v1::ErrorReason ReasonOf(const absl::Status& status);

// The ErrorInfo metadata value `key` carried by `status`, or "".
std::string MetadataOf(const absl::Status& status, absl::string_view key);

// The retry delay carried by `status`, if any.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// The ErrorInfo reason string for `reason` ("TOKEN_NOT_FOUND").
std::string ReasonName(fpgw::v1::ErrorReason reason);

}  // namespace fpgw

#endif  // FPGW_COMMON_ERROR_H_
