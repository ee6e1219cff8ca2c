// The cache, coalescing and limit decorators.
#include "resilience/protect.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace fpgw::resilience {
namespace {

using vendors::CallContext;
using vendors::Done;
using vendors::DoneStatus;
using vendors::EvaluationPage;
using vendors::RulePage;

// What the decorators of one integration share.
struct Shared {
  ProtectOptions options;
  std::shared_ptr<EvaluationCache> cache;
  std::shared_ptr<ConcurrencyLimiter> limiter;
};

// Runs `start(done)` once the limiter admits the call; the slot is released when `done` runs.
template <typename Result, typename Start>
void Limited(const std::shared_ptr<ConcurrencyLimiter>& limiter, const CallContext& context,
             Start start, absl::AnyInvocable<void(Result) &&> done) {
  limiter->Acquire(context, [limiter, start = std::move(start),
                             done = std::move(done)](absl::Status admitted) mutable {
    if (!admitted.ok()) {
      std::move(done)(Result(std::move(admitted)));
      return;
    }
    start([limiter, done = std::move(done)](Result result) mutable {
      limiter->Release();
      std::move(done)(std::move(result));
    });
  });
}

class ProtectedEvaluation final : public vendors::EvaluationBackend,
                                  public std::enable_shared_from_this<ProtectedEvaluation> {
 public:
  ProtectedEvaluation(std::shared_ptr<vendors::EvaluationBackend> inner,
                      std::shared_ptr<const Shared> shared)
      : inner_(std::move(inner)), shared_(std::move(shared)) {}

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override {
    const bool cached =
        shared_->cache != nullptr && shared_->options.cache_ttl > absl::ZeroDuration();
    const bool shared_call = cached || shared_->options.coalesce;
    std::string key;
    if (shared_call) key = EvaluationKey(request, context.include_raw);
    if (cached) {
      std::optional<fpgw::v1::Evaluation> hit = shared_->cache->Get(shared_->options.scope, key);
      if (shared_->options.metrics != nullptr) {
        shared_->options.metrics->CacheLookup(shared_->options.scope, hit.has_value());
      }
      if (hit.has_value()) {
        std::move(done)(*std::move(hit));
        return;
      }
    }
    if (!shared_->options.coalesce) {
      Call(request, context, key, std::move(done), /*flight=*/nullptr);
      return;
    }
    std::shared_ptr<Flight> flight;
    {
      absl::ReleasableMutexLock lock(&mu_);
      auto it = flights_.find(key);
      if (it != flights_.end()) {
        // Joins the call in flight; a follower that gives up (deadline, cancellation) leaves it.
        const uint64_t id = ++next_follower_;
        it->second->followers.push_back({id, context, request, std::move(done)});
        if (shared_->options.metrics != nullptr) {
          shared_->options.metrics->Coalesced(shared_->options.scope);
        }
        std::weak_ptr<ProtectedEvaluation> weak = weak_from_this();
        std::weak_ptr<Flight> joined = it->second;
        lock.Release();
        context.cancellation->Bind([weak, joined, id] {
          if (auto self = weak.lock()) self->Leave(joined, id);
        });
        return;
      }
      flight = std::make_shared<Flight>();
      flights_.emplace(key, flight);
    }
    Call(request, context, key, std::move(done), flight);
  }

  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override {
    Limited<absl::StatusOr<EvaluationPage>>(
        shared_->limiter, context,
        [inner = inner_, device, filter, page_size, cursor,
         context](Done<EvaluationPage> d) mutable {
          inner->ListDevice(device, filter, page_size, cursor, context, std::move(d));
        },
        std::move(done));
  }
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override {
    Limited<absl::StatusOr<EvaluationPage>>(
        shared_->limiter, context,
        [inner = inner_, filter, page_size, cursor, context](Done<EvaluationPage> d) mutable {
          inner->Search(filter, page_size, cursor, context, std::move(d));
        },
        std::move(done));
  }
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override {
    Limited<absl::StatusOr<std::vector<std::string>>>(
        shared_->limiter, context,
        [inner = inner_, device_id, context](Done<std::vector<std::string>> d) mutable {
          inner->ListRelatedDevices(device_id, context, std::move(d));
        },
        std::move(done));
  }
  void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
              Done<fpgw::v1::Evaluation> done) override {
    Limited<absl::StatusOr<fpgw::v1::Evaluation>>(
        shared_->limiter, context,
        [inner = inner_, request, context](Done<fpgw::v1::Evaluation> d) mutable {
          inner->Unseal(request, context, std::move(d));
        },
        std::move(done));
  }
  // Never cached nor coalesced: each call records an event at the vendor.
  void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                           const CallContext& context, Done<fpgw::v1::Evaluation> done) override {
    Limited<absl::StatusOr<fpgw::v1::Evaluation>>(
        shared_->limiter, context,
        [inner = inner_, request, context](Done<fpgw::v1::Evaluation> d) mutable {
          inner->EvaluateHttpRequest(request, context, std::move(d));
        },
        std::move(done));
  }

 private:
  // A caller that joined a call in flight.
  struct Follower {
    uint64_t id;
    CallContext context;
    fpgw::v1::EvaluateRequest request;
    Done<fpgw::v1::Evaluation> done;
  };
  struct Flight {
    std::vector<Follower> followers;  // guarded by ProtectedEvaluation::mu_
  };

  // The leader's call: limited, then cached and shared with the followers when it ends.
  void Call(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
            const std::string& key, Done<fpgw::v1::Evaluation> done,
            std::shared_ptr<Flight> flight) {
    std::weak_ptr<ProtectedEvaluation> weak = weak_from_this();
    Limited<absl::StatusOr<fpgw::v1::Evaluation>>(
        shared_->limiter, context,
        [inner = inner_, request, context](Done<fpgw::v1::Evaluation> d) mutable {
          inner->Evaluate(request, context, std::move(d));
        },
        [weak, key, flight,
         done = std::move(done)](absl::StatusOr<fpgw::v1::Evaluation> result) mutable {
          std::shared_ptr<ProtectedEvaluation> self = weak.lock();
          if (self != nullptr) self->Finish(key, flight, result);
          std::move(done)(std::move(result));
        });
  }

  // Caches a completed evaluation, ends the flight, and answers its followers.
  void Finish(const std::string& key, const std::shared_ptr<Flight>& flight,
              const absl::StatusOr<fpgw::v1::Evaluation>& result) {
    if (result.ok() && shared_->cache != nullptr &&
        result->source().status() == fpgw::v1::EVALUATION_STATUS_COMPLETED) {
      shared_->cache->Put(shared_->options.scope, key, *result, shared_->options.cache_ttl);
    }
    if (flight == nullptr) return;
    std::vector<Follower> followers;
    {
      absl::MutexLock lock(&mu_);
      auto it = flights_.find(key);
      if (it != flights_.end() && it->second == flight) flights_.erase(it);
      followers = std::move(flight->followers);
    }
    for (Follower& follower : followers) {
      // The leader's own deadline or cancellation ended the call: a follower with time left goes
      // on by itself.
      const absl::StatusCode code = result.status().code();
      if ((code == absl::StatusCode::kDeadlineExceeded || code == absl::StatusCode::kCancelled) &&
          !follower.context.cancellation->cancelled() && absl::Now() < follower.context.deadline) {
        Evaluate(follower.request, follower.context, std::move(follower.done));
        continue;
      }
      std::move(follower.done)(result);
    }
  }

  // A follower gave up: it leaves the flight and is answered CANCELLED now.
  void Leave(const std::weak_ptr<Flight>& joined, uint64_t id) {
    std::shared_ptr<Flight> flight = joined.lock();
    if (flight == nullptr) return;
    Done<fpgw::v1::Evaluation> done;
    {
      absl::MutexLock lock(&mu_);
      for (auto it = flight->followers.begin(); it != flight->followers.end(); ++it) {
        if (it->id != id) continue;
        done = std::move(it->done);
        flight->followers.erase(it);
        break;
      }
    }
    if (done) std::move(done)(absl::CancelledError("the call was cancelled"));
  }

  std::shared_ptr<vendors::EvaluationBackend> inner_;
  std::shared_ptr<const Shared> shared_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mu_);
  uint64_t next_follower_ ABSL_GUARDED_BY(mu_) = 0;
};

// Holds a ProtectedEvaluation (which needs shared_from_this) as the unique_ptr Backends expect.
class EvaluationHandle final : public vendors::ForwardingEvaluationBackend {
 public:
  explicit EvaluationHandle(std::shared_ptr<ProtectedEvaluation> impl)
      : ForwardingEvaluationBackend(std::move(impl)) {}
};

class ProtectedAdmin final : public vendors::AdminBackend {
 public:
  ProtectedAdmin(std::shared_ptr<vendors::AdminBackend> inner, std::shared_ptr<const Shared> shared)
      : inner_(std::move(inner)), shared_(std::move(shared)) {}

  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override {
    Limited<absl::Status>(
        shared_->limiter, context,
        [inner = inner_, request, context](DoneStatus d) mutable {
          inner->UpdateEvent(request, context, std::move(d));
        },
        Invalidating<absl::Status>(std::move(done)));
  }
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override {
    Limited<absl::Status>(
        shared_->limiter, context,
        [inner = inner_, device_id, context](DoneStatus d) mutable {
          inner->DeleteDevice(device_id, context, std::move(d));
        },
        Invalidating<absl::Status>(std::move(done)));
  }
  void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
               Done<fpgw::v1::Rule> done) override {
    Limited<absl::StatusOr<fpgw::v1::Rule>>(
        shared_->limiter, context,
        [inner = inner_, request, context](Done<fpgw::v1::Rule> d) mutable {
          inner->SetRule(request, context, std::move(d));
        },
        Invalidating<absl::StatusOr<fpgw::v1::Rule>>(std::move(done)));
  }
  void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                 Done<RulePage> done) override {
    Limited<absl::StatusOr<RulePage>>(
        shared_->limiter, context,
        [inner = inner_, page_size, cursor, context](Done<RulePage> d) mutable {
          inner->ListRules(page_size, cursor, context, std::move(d));
        },
        std::move(done));
  }
  void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                const CallContext& context,
                                Done<fpgw::v1::VerdictReason> done) override {
    Limited<absl::StatusOr<fpgw::v1::VerdictReason>>(
        shared_->limiter, context,
        [inner = inner_, request, context](Done<fpgw::v1::VerdictReason> d) mutable {
          inner->SetVerdictReasonOverride(request, context, std::move(d));
        },
        Invalidating<absl::StatusOr<fpgw::v1::VerdictReason>>(std::move(done)));
  }
  void ListVerdictReasons(bool overrides_only, const CallContext& context,
                          Done<std::vector<fpgw::v1::VerdictReason>> done) override {
    Limited<absl::StatusOr<std::vector<fpgw::v1::VerdictReason>>>(
        shared_->limiter, context,
        [inner = inner_, overrides_only,
         context](Done<std::vector<fpgw::v1::VerdictReason>> d) mutable {
          inner->ListVerdictReasons(overrides_only, context, std::move(d));
        },
        std::move(done));
  }

 private:
  // `done`, after dropping the integration's cached evaluations: a write may have changed what
  // the vendor answers (even a failed one may have reached it).
  template <typename Result>
  absl::AnyInvocable<void(Result) &&> Invalidating(absl::AnyInvocable<void(Result) &&> done) {
    return [shared = shared_, done = std::move(done)](Result result) mutable {
      if (shared->cache != nullptr) shared->cache->Invalidate(shared->options.scope);
      std::move(done)(std::move(result));
    };
  }

  std::shared_ptr<vendors::AdminBackend> inner_;
  std::shared_ptr<const Shared> shared_;
};

}  // namespace

vendors::Backends Protect(vendors::Backends inner, ProtectOptions options,
                          std::shared_ptr<EvaluationCache> cache, async::TimerQueue* timers) {
  auto shared = std::make_shared<Shared>();
  shared->limiter =
      std::make_shared<ConcurrencyLimiter>(options.limits, timers, options.integration);
  shared->options = std::move(options);
  shared->cache = std::move(cache);
  vendors::Backends out;
  out.evaluation = std::make_unique<EvaluationHandle>(std::make_shared<ProtectedEvaluation>(
      std::shared_ptr<vendors::EvaluationBackend>(std::move(inner.evaluation)), shared));
  out.admin = std::make_unique<ProtectedAdmin>(
      std::shared_ptr<vendors::AdminBackend>(std::move(inner.admin)), shared);
  return out;
}

}  // namespace fpgw::resilience
