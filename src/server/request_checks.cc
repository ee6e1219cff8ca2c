// Token validation.
#include "server/request_checks.h"

#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::server {

absl::Status CheckToken(absl::string_view field, absl::string_view value) {
  if (value.empty()) return InvalidField(field, "required");
  if (value.size() > kMaxTokenLength) {
    return InvalidField(field, absl::StrCat("longer than ", kMaxTokenLength, " characters"));
  }
  if (value == "." || value == "..") return InvalidField(field, "not a valid token");
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) {
      return InvalidField(field, "may hold only printable ASCII characters without spaces");
    }
    if (c == '/' || c == '?' || c == '#' || c == '%' || c == '\\') {
      return InvalidField(field, "may not contain / ? # % or \\");
    }
  }
  return absl::OkStatus();
}

}  // namespace fpgw::server
