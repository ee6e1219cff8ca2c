// Validation of caller-supplied identifiers before they reach a vendor URL: tokens, device ids and
// event ids are bounded, printable, and free of characters that could change a URL's meaning.
#ifndef FPGW_SERVER_REQUEST_CHECKS_H_
#define FPGW_SERVER_REQUEST_CHECKS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fpgw/v1/evaluation_service.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"

namespace fpgw::server {

// Longest token accepted (JWT-like session tokens are the longest any vendor issues).
inline constexpr size_t kMaxTokenLength = 1024;

// OK when `value` is 1..kMaxTokenLength printable ASCII characters (0x21..0x7E) other than
// `/ ? # % \` and not "." or ".."; otherwise INVALID_ARGUMENT naming `field` (never echoing the
// value, which may be hostile).
absl::Status CheckToken(absl::string_view field, absl::string_view value);

// Longest free-text request field passed to a vendor (linked ids, URLs, filters).
inline constexpr size_t kMaxTextLength = 256;

// OK when `value` is at most `max_length` bytes without control characters (a URL, a linked id
// or a filter value; it is percent-encoded on its way to the vendor). INVALID_ARGUMENT naming
// `field` otherwise.
absl::Status CheckText(absl::string_view field, absl::string_view value,
                       size_t max_length = kMaxTextLength);

// CheckText on every string field (and repeated string) of `message`, named `prefix.field`.
absl::Status CheckTextFields(absl::string_view prefix, const google::protobuf::Message& message);

// OK when every number in `value` (a caller's free-form JSON) is finite: JSON has no NaN or
// infinity. INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckFiniteNumbers(absl::string_view field, const google::protobuf::Struct& value);

// Largest sealed result accepted (base64 text).
inline constexpr size_t kMaxSealedResultLength = 64 * 1024;

// OK when `value` is 1..kMaxSealedResultLength characters; INVALID_ARGUMENT naming
// `sealed_result` otherwise.
absl::Status CheckSealedResult(absl::string_view value);

// Most headers an HTTP request to evaluate may carry, and the longest name and value.
inline constexpr int kMaxHttpHeaders = 256;
inline constexpr size_t kMaxHttpHeaderName = 256;
inline constexpr size_t kMaxHttpHeaderValue = 8 * 1024;
// Longest URL of an HTTP request to evaluate.
inline constexpr size_t kMaxHttpUrl = 8 * 1024;

// OK when the described request can be sent to a vendor: 1..kMaxHttpHeaders headers with
// non-empty token names, values without control characters; a method token; an absolute http or
// https URL; at least one client address, each a valid IPv4 or IPv6 address of its kind.
// INVALID_ARGUMENT naming the field at fault (`headers[3].name`, `url`, ...) otherwise.
absl::Status CheckHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request);

}  // namespace fpgw::server

#endif  // FPGW_SERVER_REQUEST_CHECKS_H_
