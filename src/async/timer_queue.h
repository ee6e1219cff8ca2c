// TimerQueue: runs callbacks after a delay on one timer thread, so that retries and polling wait
// without parking a request thread (DESIGN §1.4). Shared by every adapter's backoff.
#ifndef FPGW_ASYNC_TIMER_QUEUE_H_
#define FPGW_ASYNC_TIMER_QUEUE_H_

#include <cstdint>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace fpgw::async {

// Thread-safety: every method may be called from any thread, including from a callback.
class TimerQueue final {
 public:
  TimerQueue();
  // Runs every pending callback with `cancelled = true`, then joins the thread.
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `callback(false)` at `when` (or at once if it has passed), on the timer thread. Callbacks
  // must not block. At shutdown, pending callbacks run with `true` instead.
  void RunAt(absl::Time when, absl::AnyInvocable<void(bool cancelled) &&> callback);

 private:
  void Loop();
  bool ShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t seen_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::multimap<std::pair<absl::Time, uint64_t>, absl::AnyInvocable<void(bool) &&>> timers_
      ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace fpgw::async

#endif  // FPGW_ASYNC_TIMER_QUEUE_H_
