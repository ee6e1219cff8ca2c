// Out-of-line pieces of the HttpClient value types.
#include "http/http_client.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/wipe.h"

namespace fpgw::http {

HttpRequest::~HttpRequest() {
  for (Header& header : headers) {
    if (header.sensitive) WipeBuffer(header.value);
  }
}

const std::string* HttpResponse::FindHeader(absl::string_view name) const {
  for (const Header& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) return &header.value;
  }
  return nullptr;
}

bool IsIdempotent(const HttpRequest& request) {
  if (request.idempotent) return true;
  for (const char* method : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}) {
    if (request.method == method) return true;
  }
  return false;
}

std::optional<absl::Duration> RetryAfterOf(const HttpResponse& response, absl::Time now) {
  const std::string* header = response.FindHeader("retry-after");
  if (header == nullptr) return std::nullopt;
  const absl::string_view value = absl::StripAsciiWhitespace(*header);
  absl::Duration wait;
  int64_t seconds = 0;
  absl::Time when;
  std::string error;
  if (absl::SimpleAtoi(value, &seconds) && seconds >= 0) {
    wait = absl::Seconds(seconds);
  } else if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", value, &when, &error)) {
    wait = std::max(absl::ZeroDuration(), when - now);
  } else {
    return std::nullopt;
  }
  return std::min(wait, absl::Hours(1));
}

}  // namespace fpgw::http
