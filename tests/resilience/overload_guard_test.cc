// OverloadGuard: admission up to the calls-in-flight limit, refusal beyond it and while memory is
// high, with OVERLOADED and a RetryInfo delay; released calls make room again.
#include "resilience/overload_guard.h"

#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::resilience {
namespace {

TEST(OverloadGuard, RefusesBeyondTheCallsInFlightAndAdmitsAgainOnRelease) {
  OverloadGuard guard({/*max_calls_in_flight=*/2, /*max_memory_bytes=*/0, absl::Milliseconds(50)});
  EXPECT_TRUE(guard.Admit().ok());
  EXPECT_TRUE(guard.Admit().ok());
  const absl::Status refused = guard.Admit();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(refused), fpgw::v1::ERROR_REASON_OVERLOADED);
  EXPECT_EQ(RetryDelayOf(refused), absl::Milliseconds(50));
  EXPECT_EQ(guard.in_flight(), 2);  // a refusal holds no slot
  guard.Release();
  EXPECT_TRUE(guard.Admit().ok());
}

TEST(OverloadGuard, RefusesWhileMemoryIsAboveItsLimit) {
  OverloadGuard guard({/*max_calls_in_flight=*/0, /*max_memory_bytes=*/1000, absl::Seconds(1)});
  guard.SampleMemory(999);
  EXPECT_TRUE(guard.Admit().ok());
  guard.SampleMemory(1001);
  const absl::Status refused = guard.Admit();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(refused.message()), ::testing::HasSubstr("memory"));
  guard.SampleMemory(500);
  EXPECT_TRUE(guard.Admit().ok());
}

TEST(OverloadGuard, NoLimitsAdmitsEverything) {
  OverloadGuard guard({});
  guard.SampleMemory(int64_t{1} << 40);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(guard.Admit().ok());
  EXPECT_EQ(guard.in_flight(), 1000);
}

TEST(OverloadGuard, ReadsThisProcesssResidentMemory) {
  const std::optional<int64_t> resident = ResidentMemoryBytes();
  ASSERT_TRUE(resident.has_value());
  EXPECT_GT(*resident, 0);
}

}  // namespace
}  // namespace fpgw::resilience
