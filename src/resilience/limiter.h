// ConcurrencyLimiter: at most N calls of one integration in flight at once, the next ones waiting
// in a bounded queue (first come, first served) until a slot frees, their deadline passes or they
// are cancelled; beyond the queue, a call is refused at once with RESOURCE_EXHAUSTED and
// RetryInfo. One limiter per integration: a tenant's burst fills its own queue, never another's.
#ifndef FPGW_RESILIENCE_LIMITER_H_
#define FPGW_RESILIENCE_LIMITER_H_

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "vendors/common/backend.h"

namespace fpgw::resilience {

struct LimiterOptions {
  // Calls in flight at once.
  int max_in_flight = 64;
  // Calls waiting for a slot.
  int max_queued = 1024;
  // The RetryInfo delay of a refusal.
  absl::Duration retry_after = absl::Milliseconds(250);
};

// Thread-safe. Outlives every call it admitted (owned with the integration's backends).
class ConcurrencyLimiter final : public std::enable_shared_from_this<ConcurrencyLimiter> {
 public:
  // `timers` ends queued calls at their deadline; it outlives the limiter.
  ConcurrencyLimiter(LimiterOptions options, async::TimerQueue* timers, std::string integration);

  // Runs `admitted(OK)` when the call may start — at once, or when a slot frees — and then the
  // call must Release() exactly once when it is done. Otherwise runs `admitted` with the refusal
  // (RESOURCE_EXHAUSTED: the queue is full; DEADLINE_EXCEEDED or CANCELLED while queued) and the
  // call must not Release(). `admitted` may run on this thread, another call's or the timer's.
  void Acquire(const vendors::CallContext& context,
               absl::AnyInvocable<void(absl::Status) &&> admitted);
  void Release();

  int in_flight() const;
  int queued() const;

 private:
  struct Waiter {
    absl::AnyInvocable<void(absl::Status) &&> admitted;
    bool done = false;  // granted, expired or cancelled: guarded by the limiter's mutex
  };

  // Removes `waiter` from the queue with `why`, if still queued.
  void Abandon(const std::shared_ptr<Waiter>& waiter, absl::Status why);

  const LimiterOptions options_;
  async::TimerQueue* const timers_;
  const std::string integration_;
  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::shared_ptr<Waiter>> queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fpgw::resilience

#endif  // FPGW_RESILIENCE_LIMITER_H_
