// Page tokens: round trip, and refusal of edits, other tenants, other methods, other requests,
// other keys and expired tokens; key rotation; HKDF as RFC 5869 defines it.
#include "server/page_token.h"

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

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
  const auto codec = *PageTokenCodec::WithRandomKey();
  const std::string token = *codec->Issue("acme", "Search", Request("v1"), "cursor-123");
  fpgw::v1::SearchEvaluationsRequest next = Request("v1");
  next.set_page_size(50);
  next.set_page_token(token);
  absl::StatusOr<std::string> cursor = codec->Open(token, "acme", "Search", next);
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
  const auto codec = *PageTokenCodec::WithRandomKey();
  const std::string cursor("\xca\x00\xff", 3);
  absl::StatusOr<std::string> token = codec->Issue("acme", "Search", Request("v1"), cursor);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(codec->Open(*token, "acme", "Search", Request("v1")).value_or(""), cursor);
}

TEST(PageTokenCodec, RefusesTokensNotIssuedForThisCall) {
  const auto codec = *PageTokenCodec::WithRandomKey();
  const auto other_key = *PageTokenCodec::WithRandomKey();
  const std::string token = *codec->Issue("acme", "Search", Request("v1"), "c");
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
      {*other_key->Issue("acme", "Search", Request("v1"), "c"), "acme", "Search", "v1"},
      {"", "acme", "Search", "v1"},
      {std::string(5000, 'A'), "acme", "Search", "v1"},
      {"!!!", "acme", "Search", "v1"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> cursor =
        codec->Open(c.token, c.tenant, c.method, Request(c.visitor));
    ASSERT_FALSE(cursor.ok());
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(cursor.status()), fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN);
  }
}

}  // namespace
}  // namespace fpgw::server

namespace fpgw::server {
namespace {

std::vector<std::pair<std::string, credentials::Secret>> Keys(
    std::initializer_list<std::pair<const char*, const char*>> keys) {
  std::vector<std::pair<std::string, credentials::Secret>> out;
  for (const auto& [id, key] : keys)
    out.emplace_back(id, credentials::Secret(absl::string_view(key)));
  return out;
}

TEST(PageTokenCodec, ExpiresAfterItsLifetime) {
  const auto codec =
      *PageTokenCodec::WithKeys(Keys({{"k1", "0123456789abcdef0123"}}), absl::Minutes(30));
  const absl::Time issued = absl::FromUnixSeconds(1800000000);
  const std::string token = *codec->Issue("acme", "Search", Request("v1"), "c", issued);
  EXPECT_EQ(
      codec->Open(token, "acme", "Search", Request("v1"), issued + absl::Minutes(29)).value_or(""),
      "c");
  absl::StatusOr<std::string> late =
      codec->Open(token, "acme", "Search", Request("v1"), issued + absl::Minutes(31));
  EXPECT_EQ(ReasonOf(late.status()), fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN);
  EXPECT_NE(late.status().message().find("expired"), std::string::npos);
  // Issued in the future beyond any clock skew: refused too.
  EXPECT_FALSE(
      codec->Open(token, "acme", "Search", Request("v1"), issued - absl::Minutes(10)).ok());
}

TEST(PageTokenCodec, RotatesKeysWithoutBreakingListings) {
  // Before: k1 seals. During: k2 seals, k1 still opens. After: k1 is gone.
  const auto before = *PageTokenCodec::WithKeys(Keys({{"k1", "old-key-0123456789abcdef"}}));
  const auto during = *PageTokenCodec::WithKeys(
      Keys({{"k2", "new-key-0123456789abcdef"}, {"k1", "old-key-0123456789abcdef"}}));
  const auto after = *PageTokenCodec::WithKeys(Keys({{"k2", "new-key-0123456789abcdef"}}));
  const std::string old_token = *before->Issue("acme", "Search", Request("v1"), "c1");
  const std::string new_token = *during->Issue("acme", "Search", Request("v1"), "c2");
  EXPECT_EQ(during->Open(old_token, "acme", "Search", Request("v1")).value_or(""), "c1");
  EXPECT_EQ(during->Open(new_token, "acme", "Search", Request("v1")).value_or(""), "c2");
  EXPECT_EQ(after->Open(new_token, "acme", "Search", Request("v1")).value_or(""), "c2");
  EXPECT_EQ(ReasonOf(after->Open(old_token, "acme", "Search", Request("v1")).status()),
            fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN);
  // The same key under another id is another key: ids cannot be swapped.
  const auto renamed = *PageTokenCodec::WithKeys(Keys({{"k9", "old-key-0123456789abcdef"}}));
  EXPECT_FALSE(renamed->Open(old_token, "acme", "Search", Request("v1")).ok());
}

TEST(PageTokenCodec, RefusesShortKeys) {
  EXPECT_FALSE(PageTokenCodec::WithKeys(Keys({{"k1", "short"}})).ok());
  EXPECT_FALSE(PageTokenCodec::WithKeys({}).ok());
}

TEST(DeriveKey, MatchesRfc5869) {
  // RFC 5869 test case 3: SHA-256, no salt, no info; then the same IKM with our label differs.
  const credentials::Secret ikm(std::string(22, '\x0b'));
  absl::StatusOr<credentials::Secret> okm = DeriveKey(ikm, "", 42);
  ASSERT_TRUE(okm.ok());
  EXPECT_EQ(absl::BytesToHexString(okm->RevealForWire()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8");
  absl::StatusOr<credentials::Secret> labelled = DeriveKey(ikm, "fpgw page token v1", 42);
  ASSERT_TRUE(labelled.ok());
  EXPECT_NE(labelled->RevealForWire(), okm->RevealForWire());
}

}  // namespace
}  // namespace fpgw::server
