// Timer thread.
#include "async/timer_queue.h"

#include "absl/time/clock.h"

namespace fpgw::async {

TimerQueue::TimerQueue() : thread_([this] { Loop(); }) {}

TimerQueue::~TimerQueue() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void TimerQueue::RunAt(absl::Time when, absl::AnyInvocable<void(bool) &&> callback) {
  bool run_cancelled = false;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      run_cancelled = true;
    } else {
      timers_.emplace(std::make_pair(when, next_seq_++), std::move(callback));
      ++generation_;
    }
  }
  if (run_cancelled) std::move(callback)(true);
}

bool TimerQueue::ShouldWake() const { return stopping_ || generation_ != seen_generation_; }

void TimerQueue::Loop() {
  for (;;) {
    absl::AnyInvocable<void(bool) &&> due;
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      for (;;) {
        if (stopping_) {
          if (timers_.empty()) return;
          cancelled = true;
          break;
        }
        if (!timers_.empty() && timers_.begin()->first.first <= absl::Now()) break;
        const absl::Time wake =
            timers_.empty() ? absl::InfiniteFuture() : timers_.begin()->first.first;
        // Wake at the earliest deadline, at shutdown, or when RunAt() adds a timer.
        seen_generation_ = generation_;
        mu_.AwaitWithDeadline(absl::Condition(this, &TimerQueue::ShouldWake), wake);
      }
      auto it = timers_.begin();
      due = std::move(it->second);
      timers_.erase(it);
    }
    std::move(due)(cancelled);
  }
}

}  // namespace fpgw::async
