// Percent-encoding through libcurl.
#include "http/url.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace fpgw::http {

std::string EscapeUrlComponent(absl::string_view text) {
  if (text.empty()) return "";
  // curl_easy_escape ignores its handle argument since 7.82; nullptr is documented as fine.
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return escaped ? std::string(escaped.get()) : std::string();
}

std::string WithQuery(std::string base, const QueryParams& params) {
  char sep = '?';
  for (const auto& [key, value] : params) {
    absl::StrAppend(&base, std::string(1, sep), EscapeUrlComponent(key), "=",
                    EscapeUrlComponent(value));
    sep = '&';
  }
  return base;
}

}  // namespace fpgw::http
