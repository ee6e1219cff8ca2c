// The status matchers read an fpgw error the same way whether a test holds the absl::Status an
// adapter returned or the grpc::Status a caller received, and each one fails when what it names
// is missing.
#include "testing/status_matchers.h"

#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/grpc_status.h"

namespace fpgw::testing {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;

absl::Status RateLimited() {
  return MakeError(absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
                   "the vendor's rate limit was reached",
                   {{"vendor", "acme"}, {"vendor_code", "too_many"}}, absl::Seconds(3));
}

TEST(StatusMatchers, ReadAbslAndGrpcStatusesAlike) {
  const absl::Status absl_status = RateLimited();
  const grpc::Status grpc_status = server::ToGrpcStatus(absl_status);
  EXPECT_THAT(absl_status, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("rate")));
  EXPECT_THAT(grpc_status, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("rate")));
  EXPECT_THAT(absl_status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED));
  EXPECT_THAT(grpc_status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED));
  EXPECT_THAT(absl_status, HasMetadata("vendor_code", "too_many"));
  EXPECT_THAT(grpc_status, HasMetadata("vendor_code", "too_many"));
  EXPECT_THAT(absl_status, HasRetryDelay(absl::Seconds(3)));
  EXPECT_THAT(grpc_status, HasRetryDelay(absl::Seconds(3)));

  const ErrorDetails from_absl = ErrorDetailsOf(absl_status);
  const ErrorDetails from_grpc = ErrorDetailsOf(grpc_status);
  EXPECT_EQ(from_grpc.domain, "fpgw");
  EXPECT_EQ(from_grpc.domain, from_absl.domain);
  EXPECT_EQ(from_grpc.metadata, from_absl.metadata);
  EXPECT_EQ(from_grpc.retry_delay, from_absl.retry_delay);
}

TEST(StatusMatchers, FailWhenWhatTheyNameIsMissing) {
  const grpc::Status status = server::ToGrpcStatus(
      InvalidField("token", "must not be empty"));  // no RetryInfo, no vendor metadata
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kNotFound)));
  EXPECT_THAT(status, Not(IsOk()));
  EXPECT_THAT(status, Not(HasReason(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND)));
  EXPECT_THAT(status, Not(HasMetadata("vendor_code", _)));
  EXPECT_THAT(status, Not(HasMetadata("field", "page_token")));
  EXPECT_THAT(status, Not(HasRetryInfo()));
  EXPECT_THAT(grpc::Status::OK, IsOk());
  EXPECT_THAT(grpc::Status::OK, Not(HasReason(fpgw::v1::ERROR_REASON_UNSPECIFIED)))
      << "an OK status has no ErrorInfo, so no domain";
}

}  // namespace
}  // namespace fpgw::testing
