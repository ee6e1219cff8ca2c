// The per-integration concurrency limit and its queue.
#include "resilience/limiter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::resilience {

ConcurrencyLimiter::ConcurrencyLimiter(LimiterOptions options, async::TimerQueue* timers,
                                       std::string integration)
    : options_(options), timers_(timers), integration_(std::move(integration)) {}

void ConcurrencyLimiter::Acquire(const vendors::CallContext& context,
                                 absl::AnyInvocable<void(absl::Status) &&> admitted) {
  enum class Outcome { kAdmitted, kQueued, kRefused };
  Outcome outcome = Outcome::kAdmitted;
  auto waiter = std::make_shared<Waiter>();
  {
    absl::MutexLock lock(&mu_);
    if (in_flight_ < options_.max_in_flight && queue_.empty()) {
      ++in_flight_;
    } else if (static_cast<int>(queue_.size()) >= options_.max_queued) {
      outcome = Outcome::kRefused;
    } else {
      outcome = Outcome::kQueued;
      waiter->admitted = std::move(admitted);
      queue_.push_back(waiter);
    }
  }
  if (outcome == Outcome::kAdmitted) {
    std::move(admitted)(absl::OkStatus());
    return;
  }
  if (outcome == Outcome::kRefused) {
    std::move(admitted)(MakeError(
        absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_OVERLOADED,
        absl::StrCat("integration ", integration_,
                     " has as many calls in flight and waiting as it allows; retry later"),
        {{"integration", integration_}}, options_.retry_after));
    return;
  }
  // While queued, the caller's deadline and cancellation still hold.
  std::weak_ptr<ConcurrencyLimiter> self = weak_from_this();
  if (context.deadline != absl::InfiniteFuture()) {
    timers_->RunAt(context.deadline, [self, waiter](bool) {
      if (auto limiter = self.lock()) {
        limiter->Abandon(waiter, MakeError(absl::StatusCode::kDeadlineExceeded,
                                           fpgw::v1::ERROR_REASON_DEADLINE_EXCEEDED,
                                           "the deadline passed while the call waited for a "
                                           "free slot of its integration"));
      }
    });
  }
  context.cancellation->Bind([self, waiter] {
    if (auto limiter = self.lock()) {
      limiter->Abandon(waiter, absl::CancelledError("the call was cancelled while it waited"));
    }
  });
}

void ConcurrencyLimiter::Abandon(const std::shared_ptr<Waiter>& waiter, absl::Status why) {
  absl::AnyInvocable<void(absl::Status) &&> admitted;
  {
    absl::MutexLock lock(&mu_);
    if (waiter->done) return;
    waiter->done = true;
    queue_.erase(std::remove(queue_.begin(), queue_.end(), waiter), queue_.end());
    admitted = std::move(waiter->admitted);
  }
  std::move(admitted)(std::move(why));
}

void ConcurrencyLimiter::Release() {
  std::shared_ptr<Waiter> next;
  {
    absl::MutexLock lock(&mu_);
    --in_flight_;
    while (!queue_.empty() && in_flight_ < options_.max_in_flight) {
      next = queue_.front();
      queue_.pop_front();
      if (next->done) {
        next = nullptr;
        continue;
      }
      next->done = true;
      ++in_flight_;
      break;
    }
  }
  if (next != nullptr) std::move(next->admitted)(absl::OkStatus());
}

int ConcurrencyLimiter::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

int ConcurrencyLimiter::queued() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

}  // namespace fpgw::resilience
