// Retry with exponential backoff inside the caller's deadline, without parking a thread: each
// attempt is asynchronous and the wait between attempts runs on a TimerQueue. Adapters decide what
// to retry (e.g. a vendor's "not mutable yet" or "still pending" answer); the policy is shared.
#ifndef FPGW_ASYNC_RETRY_H_
#define FPGW_ASYNC_RETRY_H_

#include <memory>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"

namespace fpgw::async {

struct BackoffPolicy {
  absl::Duration initial = absl::Milliseconds(100);
  double multiplier = 2.0;
  absl::Duration max_delay = absl::Seconds(2);
  int max_attempts = 8;
};

// The delay before attempt `attempt` (1-based; attempt 1 has none): initial * multiplier^(n-2),
// capped at max_delay.
absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt);

// Runs `attempt(done)` until `retryable(result)` is false, attempts run out, or the next attempt
// could not start before `deadline`; then calls `finish` with the last result. `attempt` and
// `retryable` are called from whatever thread completed the previous attempt or the timer thread.
template <typename T>
class Retrier final : public std::enable_shared_from_this<Retrier<T>> {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;
  using Attempt = absl::AnyInvocable<void(Done)>;
  using Retryable = absl::AnyInvocable<bool(const absl::StatusOr<T>&)>;

  static void Run(TimerQueue* timers, BackoffPolicy policy, absl::Time deadline, Attempt attempt,
                  Retryable retryable, Done finish) {
    std::shared_ptr<Retrier> self(new Retrier(timers, policy, deadline, std::move(attempt),
                                              std::move(retryable), std::move(finish)));
    self->Next();
  }

 private:
  Retrier(TimerQueue* timers, BackoffPolicy policy, absl::Time deadline, Attempt attempt,
          Retryable retryable, Done finish)
      : timers_(timers),
        policy_(policy),
        deadline_(deadline),
        attempt_(std::move(attempt)),
        retryable_(std::move(retryable)),
        finish_(std::move(finish)) {}

  void Next() {
    ++attempts_;
    auto self = this->shared_from_this();
    attempt_([self](absl::StatusOr<T> result) { self->OnResult(std::move(result)); });
  }

  void OnResult(absl::StatusOr<T> result) {
    const absl::Time next_start = absl::Now() + BackoffDelay(policy_, attempts_ + 1);
    if (attempts_ >= policy_.max_attempts || next_start >= deadline_ || !retryable_(result)) {
      std::move(finish_)(std::move(result));
      return;
    }
    auto self = this->shared_from_this();
    timers_->RunAt(next_start, [self, last = std::move(result)](bool cancelled) mutable {
      if (cancelled) {
        std::move(self->finish_)(std::move(last));
      } else {
        self->Next();
      }
    });
  }

  TimerQueue* const timers_;
  const BackoffPolicy policy_;
  const absl::Time deadline_;
  Attempt attempt_;
  Retryable retryable_;
  Done finish_;
  int attempts_ = 0;
};

}  // namespace fpgw::async

#endif  // FPGW_ASYNC_RETRY_H_
