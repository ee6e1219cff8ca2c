// The vendor-outcome table: Retry-After reaches RetryInfo, only code-like vendor codes reach
// ErrorInfo, and transport timeouts are blamed on the right party.
#include "vendors/common/vendor_errors.h"

#include "common/error.h"
#include "gtest/gtest.h"

namespace fpgw::vendors {
namespace {

// A vendor's rows, as a vendor folder declares them.
const ErrorRow kRows[] = {
    {"thing_not_found",
     {absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND, "unknown thing",
      absl::ZeroDuration()}},
    {"429 Too Many Requests",
     {absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
      "rate-limited", absl::Seconds(1)}},
    {"route_missing",
     {absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
      "no route", absl::ZeroDuration(), "fix the base_url"}},
};

TEST(VendorErrors, AVendorRowWinsOverTheStatusRowAndOnlyForThatVendorsRows) {
  const absl::Status route = MapVendorHttpError({"v", 404, "route_missing", std::nullopt}, kRows);
  EXPECT_EQ(route.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(route), fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED);
  EXPECT_EQ(MetadataOf(route, "vendor_advice"), "fix the base_url");
  // Without the vendor's rows the same answer goes by its status.
  const absl::Status by_status = MapVendorHttpError({"v", 404, "route_missing", std::nullopt});
  EXPECT_EQ(by_status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(MetadataOf(by_status, "vendor_advice"), "");
  // A vendor code inside a 200 (a per-product failure) maps by its row too.
  EXPECT_EQ(MapVendorHttpError({"v", 200, "429 Too Many Requests", std::nullopt}, kRows).code(),
            absl::StatusCode::kResourceExhausted);
  // An unknown code in a 200 is the vendor answering nonsense.
  EXPECT_EQ(ReasonOf(MapVendorHttpError({"v", 200, "odd", std::nullopt}, kRows)),
            fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID);
}

TEST(VendorErrors, RetryAfterFromTheVendorWinsOverTheDefault) {
  const absl::Status status =
      MapVendorHttpError({"v", 429, "too_many_requests", absl::Seconds(7)}, kRows);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryDelayOf(status), absl::Seconds(7));
  const absl::Status fallback = MapVendorHttpError({"v", 429, "", std::nullopt}, kRows);
  EXPECT_EQ(RetryDelayOf(fallback), absl::Seconds(1));
}

TEST(VendorErrors, OnlyCodeLikeVendorCodesReachTheCaller) {
  EXPECT_EQ(MetadataOf(MapVendorHttpError({"v", 404, "thing_not_found", std::nullopt}, kRows),
                       "vendor_code"),
            "thing_not_found");
  EXPECT_EQ(MetadataOf(MapVendorHttpError({"v", 429, "429 Too Many Requests", std::nullopt}, kRows),
                       "vendor_code"),
            "429 Too Many Requests");
  const absl::Status html =
      MapVendorHttpError({"v", 502, "<html><body>Bad gateway</body></html>", std::nullopt}, kRows);
  EXPECT_EQ(MetadataOf(html, "vendor_code"), "");
  EXPECT_EQ(html.code(), absl::StatusCode::kUnavailable);
  const absl::Status long_code =
      MapVendorHttpError({"v", 400, std::string(100, 'a'), std::nullopt}, kRows);
  EXPECT_EQ(MetadataOf(long_code, "vendor_code"), "");
}

TEST(VendorErrors, TimeoutsAreBlamedOnWhoeverRanOut) {
  const absl::Status timeout = absl::DeadlineExceededError("timed out");
  EXPECT_EQ(MapTransportError("v", timeout, true).code(), absl::StatusCode::kDeadlineExceeded);
  const absl::Status vendor = MapTransportError("v", timeout, false);
  EXPECT_EQ(vendor.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReasonOf(vendor), fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT);
  EXPECT_EQ(ReasonOf(MapTransportError("v", absl::OutOfRangeError("big"), false)),
            fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_TOO_LARGE);
}

TEST(VendorErrors, AnOpenCircuitKeepsItsReasonAndDelay) {
  const absl::Status open =
      MakeError(absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN, "open",
                {}, absl::Milliseconds(700));
  const absl::Status mapped = MapTransportError("v", open, false);
  EXPECT_EQ(mapped.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReasonOf(mapped), fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN);
  EXPECT_EQ(RetryDelayOf(mapped), absl::Milliseconds(700));
  EXPECT_EQ(MetadataOf(mapped, "vendor"), "v");
  // A connection failure: the vendor is unavailable, retry in a second.
  const absl::Status refused = MapTransportError("v", absl::UnavailableError("refused"), false);
  EXPECT_EQ(ReasonOf(refused), fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE);
  EXPECT_EQ(RetryDelayOf(refused), absl::Seconds(1));
}

}  // namespace
}  // namespace fpgw::vendors
