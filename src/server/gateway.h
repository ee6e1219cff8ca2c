// Gateway: the whole fpgw server assembled from a validated config — every secret resolved and
// watched, the vendor HTTP client, tenants and adapters, the callers and how each listener
// recognises them, both services, the audit log, metrics and the HTTP listener that serves them,
// health that follows draining, vendor circuits and credentials (server/health.h), server
// reflection (which also describes grpc.health.v1), message size limits, and graceful drain.
#ifndef FPGW_SERVER_GATEWAY_H_
#define FPGW_SERVER_GATEWAY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "async/thread_pool.h"
#include "async/timer_queue.h"
#include "auth/callers.h"
#include "credentials/secret_registry.h"
#include "fpgw/config/v1/config.pb.h"
#include "http/http_client.h"
#include "resilience/overload_guard.h"
#include "server/health.h"
#include "server/listeners.h"
#include "server/metrics_listener.h"
#include "server/page_token.h"
#include "server/services.h"
#include "server/tenants.h"
#include "telemetry/audit.h"
#include "telemetry/metrics.h"

namespace fpgw::server {

struct GatewayOptions {
  // The vendor HTTP client; null: a CurlHttpClient built from config.http.
  std::shared_ptr<http::HttpClient> http_client;
  // How long the secret watcher waits for a directory to settle (and between its two reads).
  absl::Duration secret_settle = credentials::SecretRegistry::kDefaultSettle;
  // When server.metrics_listen's port is taken, listen on a free port instead (sandbox mode's
  // default address) rather than fail.
  bool metrics_port_fallback = false;
  // How often health is recomputed.
  absl::Duration health_interval = absl::Milliseconds(250);
};

class Gateway final {
 public:
  // Resolves every secret, builds and starts serving. FAILED_PRECONDITION when a secret cannot be
  // read or fails its checks (every such field named, never a value), when a listener cannot
  // listen, or when the audit log cannot be opened.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(const fpgw::config::v1::Config& config,
                                                        GatewayOptions options = {});

  ~Gateway();

  // The addresses actually listened on ("127.0.0.1:43121", "unix:/run/fpgw.sock"), with port 0
  // resolved, in config order.
  const std::vector<std::string>& listening() const { return listeners_->listening(); }

  // The metrics listener's address ("127.0.0.1:9464", port 0 resolved); empty when there is none.
  std::string metrics_address() const;

  // Every metric of this gateway.
  const telemetry::Metrics& metrics() const { return *metrics_; }

  // Every secret the config references, as currently held.
  credentials::SecretRegistry& secrets() const { return *secrets_; }

  // Graceful drain: health turns NOT_SERVING at once while calls are still served for `delay`;
  // then new calls are refused and in-flight calls get until `grace` (counted from now) to finish
  // before they are cancelled. Blocks until the server has stopped. Idempotent.
  void Drain(absl::Duration grace, absl::Duration delay);

 private:
  Gateway() = default;

  // Destroyed last: everything measures into it.
  std::unique_ptr<telemetry::Metrics> metrics_;
  // Destroyed next: adapters and in-flight retries hold on to these.
  std::shared_ptr<credentials::SecretRegistry> secrets_;
  std::unique_ptr<async::TimerQueue> timers_;
  // Parses, maps and finishes what the vendor HTTP client received (off its event loop).
  std::unique_ptr<async::ThreadPool> workers_;
  std::shared_ptr<http::HttpClient> http_client_;
  std::unique_ptr<telemetry::AuditLog> audit_;
  std::unique_ptr<Tenants> tenants_;
  std::unique_ptr<auth::Callers> callers_;
  std::unique_ptr<PageTokenCodec> page_tokens_;
  std::shared_ptr<resilience::OverloadGuard> overload_;
  ServiceState state_;
  std::shared_ptr<HealthReporter> health_;
  std::unique_ptr<Listeners> listeners_;
  std::unique_ptr<MetricsListener> metrics_listener_;
  bool drained_ = false;
};

// Every config field that references a secret, with the checks of its use: vendor credentials
// (by their vendor's form), listeners' TLS keys, callers' token hashes and page-token keys.
std::vector<credentials::SecretUse> SecretUses(const fpgw::config::v1::Config& config);

}  // namespace fpgw::server

#endif  // FPGW_SERVER_GATEWAY_H_
