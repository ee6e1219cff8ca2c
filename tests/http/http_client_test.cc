// The HTTP value helpers: Retry-After in both of its forms, idempotency, and URL origins.
#include "http/http_client.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "http/url.h"

namespace fpgw::http {
namespace {

HttpResponse WithRetryAfter(const std::string& value) {
  HttpResponse response;
  response.headers.push_back({"retry-after", value});
  return response;
}

TEST(RetryAfterOf, ReadsSecondsAndHttpDatesAndNothingElse) {
  const absl::Time now = absl::FromUnixSeconds(1790000000);  // Mon, 21 Sep 2026 14:13:20 GMT
  EXPECT_EQ(RetryAfterOf(WithRetryAfter("7"), now), absl::Seconds(7));
  EXPECT_EQ(RetryAfterOf(WithRetryAfter(" 0 "), now), absl::ZeroDuration());
  EXPECT_EQ(RetryAfterOf(WithRetryAfter("Mon, 21 Sep 2026 14:13:50 GMT"), now), absl::Seconds(30));
  // A date in the past means now.
  EXPECT_EQ(RetryAfterOf(WithRetryAfter("Mon, 21 Sep 2026 14:00:00 GMT"), now),
            absl::ZeroDuration());
  EXPECT_EQ(RetryAfterOf(WithRetryAfter("999999"), now), absl::Hours(1));
  for (const std::string bad : {"", "soon", "-1", "7 seconds", "21 Sep 2026"}) {
    EXPECT_FALSE(RetryAfterOf(WithRetryAfter(bad), now).has_value()) << bad;
  }
  EXPECT_FALSE(RetryAfterOf(HttpResponse{}, now).has_value());
}

TEST(IsIdempotent, ByMethodOrByFlag) {
  HttpRequest request;
  for (const char* method : {"GET", "HEAD", "PUT", "DELETE"}) {
    request.method = method;
    EXPECT_TRUE(IsIdempotent(request)) << method;
  }
  request.method = "POST";
  EXPECT_FALSE(IsIdempotent(request));
  request.idempotent = true;
  EXPECT_TRUE(IsIdempotent(request));
}

TEST(OriginOf, NamesSchemeHostAndPort) {
  EXPECT_EQ(OriginOf("https://API.fpjs.io/v4/events/x?y=1"), "https://api.fpjs.io:443");
  EXPECT_EQ(OriginOf("http://127.0.0.1:8443/v4"), "http://127.0.0.1:8443");
  EXPECT_EQ(OriginOf("not a url"), "");
}

}  // namespace
}  // namespace fpgw::http
