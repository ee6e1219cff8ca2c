// Vendor HTTP answers, counted.
#include "http/measured_http_client.h"

#include <string>
#include <utility>

namespace fpgw::http {

RequestId MeasuredHttpClient::Start(HttpRequest request, Callback done) {
  std::string scope = request.scope;
  if (request.attempts != nullptr) request.attempts->fetch_add(1, std::memory_order_relaxed);
  return inner_->Start(std::move(request),
                       [metrics = metrics_, scope = std::move(scope),
                        done = std::move(done)](absl::StatusOr<HttpResponse> response) mutable {
                         metrics->VendorResponse(scope, response.ok() ? response->status_code : 0);
                         std::move(done)(std::move(response));
                       });
}

}  // namespace fpgw::http
