// One vendor HTTP call with the shared rules every adapter follows: the timeout is the smaller of
// the integration's timeout and the caller's remaining deadline, a cancelled gRPC call cancels the
// request, transport failures and non-2xx answers go through the one error table
// (vendor_errors.h). Adapters reach it through an Endpoint (endpoint.h).
#ifndef FPGW_VENDORS_COMMON_VENDOR_CALL_H_
#define FPGW_VENDORS_COMMON_VENDOR_CALL_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "credentials/secret_registry.h"
#include "fpgw/config/v1/config.pb.h"
#include "http/http_client.h"
#include "vendors/common/backend.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors {

// What every adapter is built with.
struct AdapterDeps {
  std::shared_ptr<http::HttpClient> http;
  // Every secret the config references, read at start and kept current.
  std::shared_ptr<const credentials::SecretRegistry> secrets;
  // For backoff between retries and polls; outlives every adapter.
  async::TimerQueue* timers = nullptr;
  // Whose integration the requests serve ("<tenant>/<integration>"): the HTTP layer keeps its
  // per-host state (the circuit breaker's) per scope, so one tenant's failures never open another's
  // circuit.
  std::string scope;
};

// Reads the vendor's error code out of an error body; "" when there is none.
using ErrorCodeReader = std::string (*)(absl::string_view body);

// Sends `request` (its timeout is overwritten) and calls `done` with the 2xx response or the mapped
// error. Never blocks.
void CallVendor(const AdapterDeps& deps, absl::string_view vendor, http::HttpRequest request,
                absl::Duration integration_timeout, ErrorCodeReader read_error_code,
                ErrorRows error_rows, const CallContext& context, Done<http::HttpResponse> done);

// Runs `send` again with the shared backoff while the vendor answers "not ready yet" (reason
// NOT_READY, e.g. Fingerprint's 409 right after an event is created), until it answers otherwise
// or the caller's deadline nears; `done` gets the last outcome. Never blocks.
void RetryWhileNotReady(const AdapterDeps& deps, const CallContext& context,
                        absl::AnyInvocable<void(Done<http::HttpResponse>)> send, DoneStatus done);

// The integration's current credential, or FAILED_PRECONDITION (VENDOR_CREDENTIAL_MISSING) naming
// the integration — never the reference or the value — when it holds none.
absl::StatusOr<std::shared_ptr<const credentials::Secret>> ResolveCredential(
    const AdapterDeps& deps, absl::string_view vendor,
    const fpgw::config::v1::Integration& integration);

// The integration's timeout as an absl::Duration.
absl::Duration IntegrationTimeout(const fpgw::config::v1::Integration& integration);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_VENDOR_CALL_H_
