// Retries of idempotent vendor requests, with backoff and a per-host budget.
#include "resilience/retrying_http_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/time/clock.h"
#include "http/url.h"

namespace fpgw::resilience {
namespace {

// An attempt needs at least this much of the deadline to be worth starting.
constexpr absl::Duration kMinAttemptTime = absl::Milliseconds(20);

}  // namespace

bool IsTransient(const absl::StatusOr<http::HttpResponse>& result) {
  if (!result.ok()) return result.status().code() == absl::StatusCode::kUnavailable;
  const int status = result->status_code;
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// One request across its attempts.
struct RetryingHttpClient::Request {
  http::RequestId id = 0;
  http::HttpRequest request;
  Callback done;
  std::string origin;
  absl::Time deadline;
  bool idempotent = false;
  // Guarded by the client's mutex:
  int attempts = 0;
  bool retrying = false;  // counted in the host's retries in flight
  bool cancelled = false;
  bool finished = false;
  http::RequestId inner_id = 0;  // of the attempt in flight; 0 while waiting
};

RetryingHttpClient::RetryingHttpClient(std::shared_ptr<http::HttpClient> inner,
                                       RetryOptions options, async::TimerQueue* timers)
    : inner_(std::move(inner)), options_(options), timers_(timers) {}

http::RequestId RetryingHttpClient::Start(http::HttpRequest request, Callback done) {
  auto state = std::make_shared<Request>();
  state->origin = http::OriginOf(request.url);
  state->deadline = absl::Now() + request.timeout;
  state->idempotent = http::IsIdempotent(request);
  state->request = std::move(request);
  state->done = std::move(done);
  {
    absl::MutexLock lock(&mu_);
    state->id = ++next_id_;
    requests_[state->id] = state;
    ++budgets_[state->origin].requests;
  }
  Attempt(state);
  return state->id;
}

void RetryingHttpClient::Attempt(const std::shared_ptr<Request>& state) {
  http::HttpRequest attempt = state->request;
  attempt.timeout = state->deadline - absl::Now();
  std::weak_ptr<RetryingHttpClient> weak = weak_from_this();
  {
    absl::MutexLock lock(&mu_);
    ++state->attempts;
  }
  const http::RequestId inner_id =
      inner_->Start(std::move(attempt), [weak, state](absl::StatusOr<http::HttpResponse> result) {
        if (auto self = weak.lock()) self->OnResult(state, std::move(result));
      });
  bool cancel_now = false;
  {
    absl::MutexLock lock(&mu_);
    state->inner_id = inner_id;
    cancel_now = state->cancelled && !state->finished;
  }
  if (cancel_now) inner_->Cancel(inner_id);
}

void RetryingHttpClient::OnResult(const std::shared_ptr<Request>& state,
                                  absl::StatusOr<http::HttpResponse> result) {
  const absl::Time now = absl::Now();
  absl::Duration wait = absl::ZeroDuration();
  bool retry = false;
  {
    absl::MutexLock lock(&mu_);
    state->inner_id = 0;
    if (!state->cancelled && state->idempotent && state->attempts < options_.max_attempts &&
        IsTransient(result)) {
      std::optional<absl::Duration> asked;
      if (result.ok()) asked = http::RetryAfterOf(*result, now);
      wait = asked.has_value() ? *asked : Jitter(state->attempts);
      Budget& budget = budgets_[state->origin];
      const int allowed = std::max(
          options_.min_concurrency,
          static_cast<int>(std::floor(options_.budget * static_cast<double>(budget.requests))));
      const bool within_budget = state->retrying || budget.retries < allowed;
      retry = within_budget && now + wait + kMinAttemptTime < state->deadline;
      if (retry && !state->retrying) {
        state->retrying = true;
        ++budget.retries;
      }
      if (retry) ++retries_;
    }
  }
  if (!retry) {
    Finish(state, std::move(result));
    return;
  }
  if (options_.metrics != nullptr) options_.metrics->VendorRetry(state->request.scope);
  std::weak_ptr<RetryingHttpClient> weak = weak_from_this();
  timers_->RunAt(now + wait, [weak, state](bool shutting_down) {
    auto self = weak.lock();
    if (self == nullptr) return;
    bool cancelled = false;
    {
      absl::MutexLock lock(&self->mu_);
      cancelled = state->cancelled || state->finished;
    }
    if (shutting_down) {
      self->Finish(state, absl::CancelledError("fpgw is shutting down"));
    } else if (!cancelled) {
      self->Attempt(state);
    }
  });
}

void RetryingHttpClient::Finish(const std::shared_ptr<Request>& state,
                                absl::StatusOr<http::HttpResponse> result) {
  Callback done;
  {
    absl::MutexLock lock(&mu_);
    if (state->finished) return;
    state->finished = true;
    requests_.erase(state->id);
    Budget& budget = budgets_[state->origin];
    --budget.requests;
    if (state->retrying) --budget.retries;
    done = std::move(state->done);
  }
  std::move(done)(std::move(result));
}

void RetryingHttpClient::Cancel(http::RequestId id) {
  std::shared_ptr<Request> state;
  http::RequestId inner_id = 0;
  {
    absl::MutexLock lock(&mu_);
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    state = it->second;
    state->cancelled = true;
    inner_id = state->inner_id;
  }
  if (inner_id != 0) {
    inner_->Cancel(inner_id);  // its outcome (CANCELLED) finishes the request
    return;
  }
  // Waiting between attempts: finish now, off the caller's thread.
  std::weak_ptr<RetryingHttpClient> weak = weak_from_this();
  timers_->RunAt(absl::Now(), [weak, state](bool) {
    if (auto self = weak.lock()) self->Finish(state, absl::CancelledError("cancelled"));
  });
}

absl::Duration RetryingHttpClient::Jitter(int retry) {
  const double exponent = std::min(retry - 1, 30);
  const absl::Duration cap =
      std::min(options_.max_backoff, options_.initial_backoff * std::pow(2.0, exponent));
  return absl::Microseconds(
      absl::Uniform<int64_t>(random_, 0, std::max<int64_t>(1, absl::ToInt64Microseconds(cap))));
}

uint64_t RetryingHttpClient::retries() const {
  absl::MutexLock lock(&mu_);
  return retries_;
}

}  // namespace fpgw::resilience
