// Protect: the resilience decorators of one integration's backends, stacked in one place, outside
// instrumentation (the vendor calls they save are then not counted as vendor calls):
//
//   Evaluate:  cache hit? ─▶ an identical call in flight? join it ─▶ concurrency limit ─▶ inner
//   the rest:                                                        concurrency limit ─▶ inner
//
// - the cache serves completed evaluations again for the integration's TTL (never a pending one);
//   a write through the integration (UpdateEvent, DeleteDeviceData, SetRule,
//   SetVerdictReasonOverride) drops its entries;
// - coalescing: identical in-flight Evaluate calls (same tenant, integration and request bytes)
//   share one vendor call; a caller whose share ended by the leader's deadline or cancellation
//   while it still has time goes on with a call of its own;
// - the concurrency limit bounds the integration's calls in flight and waiting
//   (resilience/limiter.h).
// Retries, backoff and circuit breaking act per vendor request, below the adapters (the HTTP
// client's decorators).
#ifndef FPGW_RESILIENCE_PROTECT_H_
#define FPGW_RESILIENCE_PROTECT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "resilience/evaluation_cache.h"
#include "resilience/limiter.h"
#include "telemetry/metrics.h"
#include "vendors/common/backend.h"

namespace fpgw::resilience {

struct ProtectOptions {
  // "tenant/integration": the cache's scope and the limiter's name in messages.
  std::string scope;
  std::string integration;
  LimiterOptions limits;
  // How long a completed evaluation is served again; zero: never.
  absl::Duration cache_ttl = absl::ZeroDuration();
  // Share identical in-flight Evaluate calls.
  bool coalesce = true;
  // Counts cache lookups and coalesced calls under `scope`; null: not counted. Outlives the
  // backends.
  telemetry::Metrics* metrics = nullptr;
};

// `inner` protected. `cache` (may be null: no caching) and `timers` outlive the backends.
vendors::Backends Protect(vendors::Backends inner, ProtectOptions options,
                          std::shared_ptr<EvaluationCache> cache, async::TimerQueue* timers);

}  // namespace fpgw::resilience

#endif  // FPGW_RESILIENCE_PROTECT_H_
