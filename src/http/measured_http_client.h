// The measuring decorator of the vendor HTTP client, next to the transport: counts every vendor
// HTTP answer (each attempt of a retried request) by its integration (HttpRequest::scope) and HTTP
// status, or as no answer when none arrived (timeout, connection failure, cancellation), and counts
// the attempts of the request into its HttpRequest::attempts.
#ifndef FPGW_HTTP_MEASURED_HTTP_CLIENT_H_
#define FPGW_HTTP_MEASURED_HTTP_CLIENT_H_

#include <memory>

#include "http/http_client.h"
#include "telemetry/metrics.h"

namespace fpgw::http {

// Thread-safe. `metrics` outlives the client.
class MeasuredHttpClient final : public HttpClient {
 public:
  MeasuredHttpClient(std::shared_ptr<HttpClient> inner, telemetry::Metrics* metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}

  RequestId Start(HttpRequest request, Callback done) override;
  void Cancel(RequestId id) override { inner_->Cancel(id); }

 private:
  const std::shared_ptr<HttpClient> inner_;
  telemetry::Metrics* const metrics_;
};

}  // namespace fpgw::http

#endif  // FPGW_HTTP_MEASURED_HTTP_CLIENT_H_
