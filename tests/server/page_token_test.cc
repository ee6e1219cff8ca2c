// Page tokens: round trip, and refusal of edits, other tenants, other methods, other requests and
// other keys.
#include "server/page_token.h"

#include "absl/strings/escaping.h"
#include "common/error.h"
#include "fpgw/v1/evaluation_service.pb.h"
#include "gtest/gtest.h"

namespace fpgw::server {
namespace {

fpgw::v1::SearchEvaluationsRequest Request(const std::string& visitor) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp");
  request.mutable_filter()->set_visitor_id(visitor);
  request.set_page_size(10);
  return request;
}

TEST(PageTokenCodec, RoundTripsTheVendorCursorAndIgnoresPageSize) {
  const PageTokenCodec codec = *PageTokenCodec::WithRandomKey();
  const std::string token = *codec.Issue("acme", "Search", Request("v1"), "cursor-123");
  fpgw::v1::SearchEvaluationsRequest next = Request("v1");
  next.set_page_size(50);
  next.set_page_token(token);
  absl::StatusOr<std::string> cursor = codec.Open(token, "acme", "Search", next);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(*cursor, "cursor-123");
  // Opaque: neither the cursor nor the tenant can be read out of the token.
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &decoded));
  EXPECT_EQ(decoded.find("cursor-123"), std::string::npos);
  EXPECT_EQ(decoded.find("acme"), std::string::npos);
}

TEST(PageTokenCodec, RoundTripsCursorsThatAreNotUtf8) {
  // Found by page_token_fuzzer: a vendor's opaque cursor is bytes, not text.
  const PageTokenCodec codec = *PageTokenCodec::WithRandomKey();
  const std::string cursor("\xca\x00\xff", 3);
  absl::StatusOr<std::string> token = codec.Issue("acme", "Search", Request("v1"), cursor);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(codec.Open(*token, "acme", "Search", Request("v1")).value_or(""), cursor);
}

TEST(PageTokenCodec, RefusesTokensNotIssuedForThisCall) {
  const PageTokenCodec codec = *PageTokenCodec::WithRandomKey();
  const PageTokenCodec other_key = *PageTokenCodec::WithRandomKey();
  const std::string token = *codec.Issue("acme", "Search", Request("v1"), "c");
  std::string edited = token;
  edited[3] = edited[3] == 'x' ? 'y' : 'x';
  struct Case {
    std::string token;
    std::string tenant;
    std::string method;
    std::string visitor;
  };
  const Case cases[] = {
      {edited, "acme", "Search", "v1"},
      {token, "globex", "Search", "v1"},
      {token, "acme", "List", "v1"},
      {token, "acme", "Search", "v2"},
      {*other_key.Issue("acme", "Search", Request("v1"), "c"), "acme", "Search", "v1"},
      {"", "acme", "Search", "v1"},
      {std::string(5000, 'A'), "acme", "Search", "v1"},
      {"!!!", "acme", "Search", "v1"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> cursor =
        codec.Open(c.token, c.tenant, c.method, Request(c.visitor));
    ASSERT_FALSE(cursor.ok());
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(cursor.status()), fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN);
  }
}

}  // namespace
}  // namespace fpgw::server
