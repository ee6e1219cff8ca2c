// Health that tells the truth: the status of every grpc.health.v1 service name, recomputed from
// the gateway's state a few times a second and whenever it drains, pushed to every listener's
// health service (so that Watch streams see each change) and to the fpgw_health_serving gauge,
// and read by the HTTP /readyz check.
//
//   "fpgw.integration/<tenant>/<integration>"  NOT_SERVING while draining, while a circuit of its
//                                              vendor hosts is open, or while its credential
//                                              cannot be resolved from its store.
//   "fpgw.v1.EvaluationService", "fpgw.v1.AdminService"
//                                              NOT_SERVING while draining or while no integration
//                                              is SERVING.
//   "" (overall, readiness)                    NOT_SERVING while draining or while no
//                                              integration's credential resolves. Open circuits
//                                              leave it SERVING: a vendor outage hits every
//                                              replica alike, and taking them all out of the load
//                                              balancer would only trade fpgw's fast, explained
//                                              errors for refused connections.
//   "fpgw.liveness"                            SERVING while the process runs, draining included
//                                              (for liveness probes, which must not restart a
//                                              replica because a vendor is down).
// docs/operations.md says which probe should watch which name.
#ifndef FPGW_SERVER_HEALTH_H_
#define FPGW_SERVER_HEALTH_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "credentials/secret_registry.h"
#include "server/listeners.h"
#include "server/tenants.h"
#include "telemetry/metrics.h"

namespace fpgw::server {

inline constexpr char kLivenessService[] = "fpgw.liveness";

// The health service name of an integration.
std::string IntegrationHealthName(const std::string& tenant, const std::string& integration);

// Thread-safe; must be held by a shared_ptr (its timer holds a weak one).
class HealthReporter final : public std::enable_shared_from_this<HealthReporter> {
 public:
  // The scopes ("tenant/integration") whose vendor circuit is open now.
  using OpenCircuits = std::function<std::set<std::string>()>;

  // Everything but `listeners` outlives the reporter; `open_circuits` may be empty (no breaker).
  HealthReporter(const Tenants* tenants, const credentials::SecretRegistry* secrets,
                 OpenCircuits open_circuits, telemetry::Metrics* metrics);

  // Starts reporting to `listeners` (every status pushed at once), recomputing every `interval`
  // on `timers`.
  void Start(Listeners* listeners, async::TimerQueue* timers, absl::Duration interval);

  // Every status but liveness turns NOT_SERVING at once, for good.
  void SetDraining();

  // Stops reporting to the listeners (before they are destroyed); the statuses stay as they are.
  void Stop();

  // Recomputes every status and pushes the ones that changed (while started).
  void Update();

  // Every status now, by service name ("" for overall).
  std::map<std::string, bool> Statuses() const;

 private:
  void UpdateEvery(absl::Duration interval, async::TimerQueue* timers);

  const Tenants* const tenants_;
  const credentials::SecretRegistry* const secrets_;
  const OpenCircuits open_circuits_;
  telemetry::Metrics* const metrics_;

  mutable absl::Mutex mu_;
  Listeners* listeners_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, bool> statuses_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_HEALTH_H_
