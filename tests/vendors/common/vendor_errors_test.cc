// The vendor-outcome table: Retry-After reaches RetryInfo, only code-like vendor codes reach
// ErrorInfo, and transport timeouts are blamed on the right party.
#include "vendors/common/vendor_errors.h"

#include "common/error.h"
#include "gtest/gtest.h"

namespace fpgw::vendors {
namespace {

TEST(VendorErrors, RetryAfterFromTheVendorWinsOverTheDefault) {
  const std::string seven = "7";
  const absl::Status status =
      MapVendorHttpError({"fingerprint", 429, "too_many_requests", ParseRetryAfter(&seven)});
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryDelayOf(status), absl::Seconds(7));
  const absl::Status fallback = MapVendorHttpError({"fingerprint", 429, "", std::nullopt});
  EXPECT_EQ(RetryDelayOf(fallback), absl::Seconds(1));
}

TEST(VendorErrors, ParsesOnlySaneRetryAfterValues) {
  for (const std::string bad : {"", "soon", "-1", "Wed, 21 Oct 2026 07:28:00 GMT"}) {
    EXPECT_FALSE(ParseRetryAfter(&bad).has_value()) << bad;
  }
  const std::string huge = "999999";
  EXPECT_EQ(ParseRetryAfter(&huge), absl::Hours(1));
  EXPECT_FALSE(ParseRetryAfter(nullptr).has_value());
}

TEST(VendorErrors, OnlyCodeLikeVendorCodesReachTheCaller) {
  EXPECT_EQ(MetadataOf(MapVendorHttpError({"fingerprint", 404, "event_not_found", std::nullopt}),
                       "vendor_code"),
            "event_not_found");
  EXPECT_EQ(
      MetadataOf(MapVendorHttpError({"fingerprint", 429, "429 Too Many Requests", std::nullopt}),
                 "vendor_code"),
      "429 Too Many Requests");
  const absl::Status html = MapVendorHttpError(
      {"fingerprint", 502, "<html><body>Bad gateway</body></html>", std::nullopt});
  EXPECT_EQ(MetadataOf(html, "vendor_code"), "");
  EXPECT_EQ(html.code(), absl::StatusCode::kUnavailable);
  const absl::Status long_code =
      MapVendorHttpError({"fingerprint", 400, std::string(100, 'a'), std::nullopt});
  EXPECT_EQ(MetadataOf(long_code, "vendor_code"), "");
}

TEST(VendorErrors, ConfigurationFaultsNeverReadAsAnUnknownToken) {
  // A wrong Stytch base_url answers 404 route_not_found: treating it as "unknown telemetry id"
  // would make callers BLOCK everyone.
  const absl::Status route = MapVendorHttpError({"stytch", 404, "route_not_found", std::nullopt});
  EXPECT_EQ(route.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(route), fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED);
  const absl::Status auth =
      MapVendorHttpError({"stytch", 400, "invalid_authorization_header", std::nullopt});
  EXPECT_EQ(ReasonOf(auth), fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED);
}

TEST(VendorErrors, TimeoutsAreBlamedOnWhoeverRanOut) {
  const absl::Status timeout = absl::DeadlineExceededError("timed out");
  EXPECT_EQ(MapTransportError("fingerprint", timeout, true).code(),
            absl::StatusCode::kDeadlineExceeded);
  const absl::Status vendor = MapTransportError("fingerprint", timeout, false);
  EXPECT_EQ(vendor.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReasonOf(vendor), fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT);
  EXPECT_EQ(ReasonOf(MapTransportError("fingerprint", absl::OutOfRangeError("big"), false)),
            fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_TOO_LARGE);
}

}  // namespace
}  // namespace fpgw::vendors
