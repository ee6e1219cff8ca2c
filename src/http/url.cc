// Percent-encoding through libcurl.
#include "http/url.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/ascii.h"
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

std::string OriginOf(absl::string_view url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (handle == nullptr ||
      curl_url_set(handle.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) {
    return "";
  }
  auto part = [&](CURLUPart which, unsigned int flags) -> std::string {
    char* value = nullptr;
    if (curl_url_get(handle.get(), which, &value, flags) != CURLUE_OK || value == nullptr) {
      return "";
    }
    std::string out(value);
    curl_free(value);
    return out;
  };
  const std::string scheme = part(CURLUPART_SCHEME, 0);
  const std::string host = part(CURLUPART_HOST, 0);
  const std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (scheme.empty() || host.empty()) return "";
  return absl::AsciiStrToLower(absl::StrCat(scheme, "://", host, ":", port));
}

}  // namespace fpgw::http
