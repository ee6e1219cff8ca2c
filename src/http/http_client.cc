// Out-of-line pieces of the HttpClient value types.
#include "http/http_client.h"

#include "absl/strings/match.h"
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

}  // namespace fpgw::http
