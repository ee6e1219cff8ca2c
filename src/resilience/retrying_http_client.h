// RetryingHttpClient: an HttpClient decorator that sends an idempotent request again after a
// transient failure — a connection failure, 429, 500, 502, 503 or 504 — with exponential backoff
// and full jitter, waiting as long as the vendor's Retry-After asks when it says, never past the
// request's own timeout (its deadline), and only within a retry budget per vendor host (after
// Envoy: the retries in flight stay under a share of the requests in flight, or a small minimum),
// so that retries cannot multiply the load on a vendor that is already struggling. The last
// attempt's outcome is what the caller gets.
#ifndef FPGW_RESILIENCE_RETRYING_HTTP_CLIENT_H_
#define FPGW_RESILIENCE_RETRYING_HTTP_CLIENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "http/http_client.h"
#include "telemetry/metrics.h"

namespace fpgw::resilience {

struct RetryOptions {
  // Attempts in all, the first included; 1 turns retries off.
  int max_attempts = 3;
  // Backoff before retry n is uniform in [0, min(max_backoff, initial_backoff * 2^(n-1))].
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(1);
  // Retries in flight per host stay under budget * requests in flight, or min_concurrency.
  double budget = 0.2;
  int min_concurrency = 3;
  // Counts retries by integration (the request's scope); null: not counted. Outlives the client.
  telemetry::Metrics* metrics = nullptr;
};

// Thread-safe; must be held by a shared_ptr (its callbacks keep it alive while they run).
class RetryingHttpClient final : public http::HttpClient,
                                 public std::enable_shared_from_this<RetryingHttpClient> {
 public:
  // `inner` and `timers` outlive this client.
  RetryingHttpClient(std::shared_ptr<http::HttpClient> inner, RetryOptions options,
                     async::TimerQueue* timers);

  http::RequestId Start(http::HttpRequest request, Callback done) override;
  void Cancel(http::RequestId id) override;

  // Retries started since construction (for tests and metrics).
  uint64_t retries() const;

 private:
  struct Request;
  struct Budget {
    int requests = 0;
    int retries = 0;
  };

  void Attempt(const std::shared_ptr<Request>& request);
  void OnResult(const std::shared_ptr<Request>& request, absl::StatusOr<http::HttpResponse> result);
  void Finish(const std::shared_ptr<Request>& request, absl::StatusOr<http::HttpResponse> result);
  absl::Duration Jitter(int retry);

  const std::shared_ptr<http::HttpClient> inner_;
  const RetryOptions options_;
  async::TimerQueue* const timers_;
  mutable absl::Mutex mu_;
  http::RequestId next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<http::RequestId, std::shared_ptr<Request>> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Budget> budgets_ ABSL_GUARDED_BY(mu_);
  uint64_t retries_ ABSL_GUARDED_BY(mu_) = 0;
  absl::BitGen random_ ABSL_GUARDED_BY(mu_);
};

// Whether an outcome may be worth a retry: a connection failure, or 429, 500, 502, 503, 504.
bool IsTransient(const absl::StatusOr<http::HttpResponse>& result);

}  // namespace fpgw::resilience

#endif  // FPGW_RESILIENCE_RETRYING_HTTP_CLIENT_H_
