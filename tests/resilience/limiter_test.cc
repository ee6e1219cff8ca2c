// The per-integration concurrency limit: admits up to its limit, queues first come first served,
// refuses beyond the queue at once with RESOURCE_EXHAUSTED (OVERLOADED) and RetryInfo, and lets a
// queued call go at its deadline or cancellation.
#include "resilience/limiter.h"

#include <memory>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::resilience {
namespace {

class LimiterTest : public ::testing::Test {
 protected:
  std::shared_ptr<ConcurrencyLimiter> Limiter(int in_flight, int queued) {
    LimiterOptions options;
    options.max_in_flight = in_flight;
    options.max_queued = queued;
    return std::make_shared<ConcurrencyLimiter>(options, &timers_, "fp");
  }

  // Acquires and records the outcome in `outcomes[i]` (unset until it runs).
  void Acquire(ConcurrencyLimiter& limiter, const vendors::CallContext& context,
               std::vector<std::optional<absl::Status>>* outcomes, size_t i) {
    limiter.Acquire(context, [outcomes, i](absl::Status status) { (*outcomes)[i] = status; });
  }

  async::TimerQueue timers_;
};

TEST_F(LimiterTest, AdmitsUpToTheLimitThenQueuesInOrder) {
  auto limiter = Limiter(2, 10);
  std::vector<std::optional<absl::Status>> outcomes(4);
  for (size_t i = 0; i < 4; ++i) Acquire(*limiter, vendors::CallContext{}, &outcomes, i);
  EXPECT_TRUE(outcomes[0].has_value() && outcomes[0]->ok());
  EXPECT_TRUE(outcomes[1].has_value() && outcomes[1]->ok());
  EXPECT_FALSE(outcomes[2].has_value());
  EXPECT_FALSE(outcomes[3].has_value());
  EXPECT_EQ(limiter->in_flight(), 2);
  EXPECT_EQ(limiter->queued(), 2);
  limiter->Release();
  EXPECT_TRUE(outcomes[2].has_value() && outcomes[2]->ok());
  EXPECT_FALSE(outcomes[3].has_value());
  limiter->Release();
  EXPECT_TRUE(outcomes[3].has_value() && outcomes[3]->ok());
  limiter->Release();
  limiter->Release();
  EXPECT_EQ(limiter->in_flight(), 0);
}

TEST_F(LimiterTest, RefusesBeyondTheQueueAtOnceWithRetryInfo) {
  auto limiter = Limiter(1, 1);
  std::vector<std::optional<absl::Status>> outcomes(3);
  for (size_t i = 0; i < 3; ++i) Acquire(*limiter, vendors::CallContext{}, &outcomes, i);
  ASSERT_TRUE(outcomes[2].has_value());
  EXPECT_EQ(outcomes[2]->code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(*outcomes[2]), fpgw::v1::ERROR_REASON_OVERLOADED);
  EXPECT_EQ(MetadataOf(*outcomes[2], "integration"), "fp");
  EXPECT_TRUE(RetryDelayOf(*outcomes[2]).has_value());
}

TEST_F(LimiterTest, AQueuedCallEndsAtItsDeadlineOrCancellation) {
  auto limiter = Limiter(1, 10);
  std::vector<std::optional<absl::Status>> outcomes(3);
  Acquire(*limiter, vendors::CallContext{}, &outcomes, 0);
  vendors::CallContext soon;
  soon.deadline = absl::Now() + absl::Milliseconds(50);
  Acquire(*limiter, soon, &outcomes, 1);
  vendors::CallContext cancelled;
  Acquire(*limiter, cancelled, &outcomes, 2);
  cancelled.cancellation->Cancel();
  ASSERT_TRUE(outcomes[2].has_value());
  EXPECT_EQ(outcomes[2]->code(), absl::StatusCode::kCancelled);
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!outcomes[1].has_value() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(outcomes[1].has_value());
  EXPECT_EQ(outcomes[1]->code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(limiter->queued(), 0);
  // Neither took the slot: the next call gets it when the first releases.
  std::vector<std::optional<absl::Status>> later(1);
  Acquire(*limiter, vendors::CallContext{}, &later, 0);
  EXPECT_FALSE(later[0].has_value());
  limiter->Release();
  EXPECT_TRUE(later[0].has_value() && later[0]->ok());
}

}  // namespace
}  // namespace fpgw::resilience
