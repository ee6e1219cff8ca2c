// Gateway: the whole fpgw server assembled from a validated config — vendor HTTP client,
// credential stores, tenants and adapters, both services, standard health checking, server
// reflection (which also describes grpc.health.v1), TCP and Unix-socket listeners, message size
// limits, and graceful drain.
#ifndef FPGW_SERVER_GATEWAY_H_
#define FPGW_SERVER_GATEWAY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "fpgw/config/v1/config.pb.h"
#include "grpcpp/server.h"
#include "http/http_client.h"
#include "server/page_token.h"
#include "server/services.h"
#include "server/tenants.h"
#include "telemetry/counters.h"

namespace fpgw::server {

class Gateway final {
 public:
  // Builds and starts serving. `http_client` may be given (tests); else a CurlHttpClient is built
  // from config.http. Errors: FAILED_PRECONDITION when a listener cannot bind or a secret the
  // config requires cannot be read.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(
      const fpgw::config::v1::Config& config,
      std::shared_ptr<http::HttpClient> http_client = nullptr);

  ~Gateway();

  // The addresses actually listened on ("127.0.0.1:43121", "unix:/run/fpgw.sock"), with port 0
  // resolved.
  const std::vector<std::string>& listening() const { return listening_; }

  // The vendor-side counters of this gateway's backends.
  const telemetry::VendorCounters& vendor_counters() const { return *vendor_counters_; }

  // Graceful drain: health turns NOT_SERVING at once while calls are still served for `delay`;
  // then new calls are refused and in-flight calls get until `grace` (counted from now) to finish
  // before they are cancelled. Blocks until the server has stopped. Idempotent.
  void Drain(absl::Duration grace, absl::Duration delay);

 private:
  Gateway() = default;

  // Destroyed last: adapters and in-flight retries hold on to these.
  std::unique_ptr<async::TimerQueue> timers_;
  std::shared_ptr<http::HttpClient> http_client_;
  std::shared_ptr<telemetry::VendorCounters> vendor_counters_;
  std::unique_ptr<Tenants> tenants_;
  std::unique_ptr<PageTokenCodec> page_tokens_;
  ServiceState state_;
  std::unique_ptr<EvaluationServiceHandler> evaluation_service_;
  std::unique_ptr<AdminServiceHandler> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::string> listening_;
  bool drained_ = false;
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_GATEWAY_H_
