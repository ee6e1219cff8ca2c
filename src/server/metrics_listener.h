// The plain-HTTP side of the gateway (server.metrics_listen), on civetweb like the sandbox
// (docs/decisions/0016-metrics-and-health.md):
//   GET /metrics  every metric in the Prometheus text format;
//   GET /healthz  200 while the process runs (liveness);
//   GET /readyz   200 while the overall health status is SERVING, else 503; the body is JSON with
//                 every health service's status.
// It authenticates nobody, so the config admits it only on loopback unless explicitly opened
// (server.metrics_allow_unauthenticated); nothing it serves is a secret or a caller's data.
#ifndef FPGW_SERVER_METRICS_LISTENER_H_
#define FPGW_SERVER_METRICS_LISTENER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "telemetry/metrics.h"

struct mg_context;
struct mg_connection;

namespace fpgw::server {

class MetricsListener final {
 public:
  // Every health status now, by service name ("" for overall).
  using HealthStatuses = std::function<std::map<std::string, bool>()>;

  // Listens on `address` ("host:port"; port 0 picks one). `metrics` outlives the listener.
  // FAILED_PRECONDITION naming server.metrics_listen when it cannot listen.
  static absl::StatusOr<std::unique_ptr<MetricsListener>> Start(const std::string& address,
                                                                const telemetry::Metrics* metrics,
                                                                HealthStatuses health);
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // "127.0.0.1:9464", with port 0 resolved.
  const std::string& address() const { return address_; }

 private:
  MetricsListener(const telemetry::Metrics* metrics, HealthStatuses health)
      : metrics_(metrics), health_(std::move(health)) {}
  static int Handle(mg_connection* connection, void* self);

  const telemetry::Metrics* const metrics_;
  const HealthStatuses health_;
  mg_context* context_ = nullptr;
  std::string address_;
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_METRICS_LISTENER_H_
