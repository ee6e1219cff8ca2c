// CircuitBreakingHttpClient: an HttpClient decorator that stops calling a vendor host (an origin,
// scheme://host:port) for one scope (a tenant's integration, HttpRequest::scope) after it failed
// several times in a row — connection failures, timeouts,
// 5xx — and refuses at once, with the time left as a retry delay, until the circuit's open time has
// passed; then one request probes the host: success closes the circuit, failure opens it again
// for twice as long (up to a cap). 4xx and 429 are answers, not failures of the host. A circuit
// per scope, not per host alone: the failures one tenant's account meets (its quota, its project's
// outage, a scenario a test asked for) never refuse another tenant's calls; a host that is down
// for everyone opens every scope's circuit after a few calls each.
#ifndef FPGW_RESILIENCE_CIRCUIT_BREAKER_H_
#define FPGW_RESILIENCE_CIRCUIT_BREAKER_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "http/http_client.h"

namespace fpgw::resilience {

struct BreakerOptions {
  // Failures in a row that open a host's circuit.
  int consecutive_failures = 5;
  // How long it first stays open; doubled after each failed probe, up to `max_open_for`.
  absl::Duration open_for = absl::Seconds(1);
  absl::Duration max_open_for = absl::Seconds(30);
};

// Thread-safe.
class CircuitBreakingHttpClient final : public http::HttpClient {
 public:
  // A refusal's callback runs on `timers`' thread (never inside Start()); `inner` and `timers`
  // outlive this client.
  CircuitBreakingHttpClient(std::shared_ptr<http::HttpClient> inner, BreakerOptions options,
                            async::TimerQueue* timers);

  // A host whose circuit is open is refused with UNAVAILABLE carrying the time left (RetryInfo
  // through the vendor error mapping).
  http::RequestId Start(http::HttpRequest request, Callback done) override;
  void Cancel(http::RequestId id) override;

  // The circuits open now: "<origin>" for requests without a scope, "<origin> <scope>" otherwise.
  std::vector<std::string> OpenCircuits() const;
  // The scopes (HttpRequest::scope, e.g. "tenant/integration") with a circuit open now.
  std::set<std::string> OpenScopes() const;

 private:
  struct Host {
    int failures = 0;
    absl::Time open_until = absl::InfinitePast();
    absl::Duration last_open_for = absl::ZeroDuration();
    bool probing = false;
    // The scope of the requests this circuit sees ("" for the host's shared circuit).
    std::string scope;
  };

  // Records an outcome for circuit `key`.
  void Record(const std::string& key, bool failed, bool probe);

  const std::shared_ptr<http::HttpClient> inner_;
  const BreakerOptions options_;
  async::TimerQueue* const timers_;
  mutable absl::Mutex mu_;
  std::map<std::string, Host> hosts_ ABSL_GUARDED_BY(mu_);
};

// Whether an outcome counts against a host: a transport failure or timeout, or a 5xx answer.
bool IsHostFailure(const absl::StatusOr<http::HttpResponse>& result);

}  // namespace fpgw::resilience

#endif  // FPGW_RESILIENCE_CIRCUIT_BREAKER_H_
