// TimerQueue ordering and shutdown, and Retrier's stop conditions (success, non-retryable result,
// attempts, deadline).
#include "async/retry.h"

#include <atomic>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace fpgw::async {
namespace {

TEST(TimerQueue, RunsCallbacksInDeadlineOrderEvenWhenAddedOutOfOrder) {
  TimerQueue timers;
  absl::Mutex mu;
  std::vector<int> order;
  absl::Notification done;
  const absl::Time now = absl::Now();
  for (int i : {3, 1, 2}) {
    timers.RunAt(now + absl::Milliseconds(40 * i), [&, i](bool cancelled) {
      EXPECT_FALSE(cancelled);
      absl::MutexLock lock(&mu);
      order.push_back(i);
      if (order.size() == 3) done.Notify();
    });
  }
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(TimerQueue, ShutdownRunsPendingCallbacksAsCancelled) {
  std::atomic<int> cancelled{0};
  {
    TimerQueue timers;
    timers.RunAt(absl::Now() + absl::Hours(1), [&](bool c) { cancelled += c ? 1 : 0; });
    timers.RunAt(absl::Now() + absl::Hours(2), [&](bool c) { cancelled += c ? 1 : 0; });
  }
  EXPECT_EQ(cancelled.load(), 2);
}

// An attempt that fails with UNAVAILABLE `failures` times, then succeeds.
struct Flaky {
  int failures;
  std::atomic<int> calls{0};
  void operator()(Retrier<int>::Done done) {
    const int n = ++calls;
    std::move(done)(n <= failures ? absl::StatusOr<int>(absl::UnavailableError("not yet"))
                                  : absl::StatusOr<int>(n));
  }
};

absl::StatusOr<int> RunRetrier(TimerQueue* timers, Flaky* flaky, BackoffPolicy policy,
                               absl::Duration deadline) {
  absl::Notification done;
  absl::StatusOr<int> out;
  Retrier<int>::Run(
      timers, policy, absl::Now() + deadline,
      [flaky](Retrier<int>::Done d) { (*flaky)(std::move(d)); },
      [](const absl::StatusOr<int>& r) { return absl::IsUnavailable(r.status()); },
      [&](absl::StatusOr<int> r) {
        out = std::move(r);
        done.Notify();
      });
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  return out;
}

TEST(Retrier, RetriesUntilSuccess) {
  TimerQueue timers;
  Flaky flaky{2};
  BackoffPolicy policy{absl::Milliseconds(5), 2.0, absl::Milliseconds(50), 5};
  absl::StatusOr<int> result = RunRetrier(&timers, &flaky, policy, absl::Seconds(5));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 3);
}

TEST(Retrier, StopsAfterMaxAttempts) {
  TimerQueue timers;
  Flaky flaky{100};
  BackoffPolicy policy{absl::Milliseconds(1), 2.0, absl::Milliseconds(4), 4};
  absl::StatusOr<int> result = RunRetrier(&timers, &flaky, policy, absl::Seconds(5));
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_EQ(flaky.calls.load(), 4);
}

TEST(Retrier, StopsWhenTheNextAttemptWouldMissTheDeadline) {
  TimerQueue timers;
  Flaky flaky{100};
  BackoffPolicy policy{absl::Milliseconds(100), 2.0, absl::Seconds(1), 50};
  const absl::Time start = absl::Now();
  absl::StatusOr<int> result = RunRetrier(&timers, &flaky, policy, absl::Milliseconds(350));
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(350) + absl::Seconds(1));
  EXPECT_LE(flaky.calls.load(), 3);  // at 0, 100 and 300 ms at most
}

TEST(Retrier, DoesNotRetryWhatIsNotRetryable) {
  TimerQueue timers;
  std::atomic<int> calls{0};
  absl::Notification done;
  Retrier<int>::Run(
      &timers, BackoffPolicy{}, absl::Now() + absl::Seconds(5),
      [&](Retrier<int>::Done d) {
        ++calls;
        std::move(d)(absl::NotFoundError("gone"));
      },
      [](const absl::StatusOr<int>& r) { return absl::IsUnavailable(r.status()); },
      [&](absl::StatusOr<int> r) {
        EXPECT_TRUE(absl::IsNotFound(r.status()));
        done.Notify();
      });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(calls.load(), 1);
}

TEST(BackoffDelay, GrowsGeometricallyAndIsCapped) {
  BackoffPolicy policy{absl::Milliseconds(100), 2.0, absl::Milliseconds(350), 10};
  EXPECT_EQ(BackoffDelay(policy, 1), absl::ZeroDuration());
  EXPECT_EQ(BackoffDelay(policy, 2), absl::Milliseconds(100));
  EXPECT_EQ(BackoffDelay(policy, 3), absl::Milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, 4), absl::Milliseconds(350));
}

}  // namespace
}  // namespace fpgw::async
