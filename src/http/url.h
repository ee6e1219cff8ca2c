// URL building for vendor requests: percent-encoding by libcurl (curl_easy_escape), so a caller's
// token can never change a request's path or query.
#ifndef FPGW_HTTP_URL_H_
#define FPGW_HTTP_URL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace fpgw::http {

// A query: repeated keys stay repeated, order is kept.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string EscapeUrlComponent(absl::string_view text);

// Appends `?k=v&k=v` (escaped) to `base`; repeated keys stay repeated. No-op for no params.
std::string WithQuery(std::string base, const QueryParams& params);

// The origin of an absolute URL, "scheme://host:port" in lower case with the scheme's default port
// filled in (libcurl's URL parser); "" when it is not one.
std::string OriginOf(absl::string_view url);

}  // namespace fpgw::http

#endif  // FPGW_HTTP_URL_H_
