// The shared vendor-call path.
#include "vendors/common/vendor_call.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "async/retry.h"
#include "common/error.h"
#include "config/config_loader.h"
#include "telemetry/log.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors {

void CallVendor(const AdapterDeps& deps, absl::string_view vendor, http::HttpRequest request,
                absl::Duration integration_timeout, ErrorCodeReader read_error_code,
                ErrorRows error_rows, const CallContext& context, Done<http::HttpResponse> done) {
  const absl::Duration remaining = context.deadline - absl::Now();
  if (remaining <= absl::ZeroDuration()) {
    std::move(done)(MakeError(absl::StatusCode::kDeadlineExceeded,
                              fpgw::v1::ERROR_REASON_DEADLINE_EXCEEDED,
                              "the caller's deadline passed before the vendor call"));
    return;
  }
  request.timeout = std::min(remaining, integration_timeout);
  if (context.trace != nullptr) {
    // Counted by the HTTP layer as each attempt is sent (an alias of the call's trace).
    request.attempts =
        std::shared_ptr<std::atomic<int>>(context.trace, &context.trace->vendor_requests);
    request.headers.push_back({"traceparent", context.trace->trace.Traceparent()});
    if (!context.trace->trace.tracestate.empty()) {
      request.headers.push_back({"tracestate", context.trace->trace.tracestate});
    }
  }
  const absl::Time deadline = context.deadline;
  std::shared_ptr<http::HttpClient> client = deps.http;
  auto cancellation = context.cancellation;
  const absl::Time start = absl::Now();
  const http::RequestId id = client->Start(
      std::move(request),
      [cancellation, deadline, read_error_code, error_rows, vendor = std::string(vendor),
       trace = context.trace, start, scope = deps.scope,
       done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
        cancellation->Unbind();
        if (telemetry::LogEnabled(telemetry::LogLevel::kDebug)) {
          telemetry::Log(telemetry::LogLevel::kDebug, "vendor request",
                         {{"trace_id", trace == nullptr ? "" : trace->trace.trace_id},
                          {"span_id", trace == nullptr ? "" : trace->trace.span_id},
                          {"integration", scope},
                          {"vendor", vendor},
                          {"status", response.ok() ? int64_t{response->status_code} : int64_t{0}},
                          {"error", response.ok() ? "" : response.status().ToString()},
                          {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
        }
        if (!response.ok()) {
          // Blame the caller's deadline only when it has really passed: a connect timeout or the
          // integration's own timeout is the vendor's failure.
          const bool caller_deadline_passed = absl::Now() >= deadline - absl::Milliseconds(5);
          std::move(done)(MapTransportError(vendor, response.status(), caller_deadline_passed));
          return;
        }
        if (response->status_code < 200 || response->status_code > 299) {
          VendorHttpError error;
          error.vendor = vendor;
          error.http_status = response->status_code;
          error.vendor_code = read_error_code == nullptr ? "" : read_error_code(response->body);
          error.retry_after = http::RetryAfterOf(*response, absl::Now());
          std::move(done)(MapVendorHttpError(error, error_rows));
          return;
        }
        std::move(done)(std::move(response));
      });
  // The local copy: `context` may belong to a call that completes while this line runs.
  cancellation->Bind([client, id] { client->Cancel(id); });
}

void RetryWhileNotReady(const AdapterDeps& deps, const CallContext& context,
                        absl::AnyInvocable<void(Done<http::HttpResponse>)> send, DoneStatus done) {
  async::Retrier<http::HttpResponse>::Run(
      deps.timers, async::BackoffPolicy{}, context.deadline, std::move(send),
      [](const absl::StatusOr<http::HttpResponse>& result) {
        return ReasonOf(result.status()) == fpgw::v1::ERROR_REASON_NOT_READY;
      },
      [done = std::move(done)](absl::StatusOr<http::HttpResponse> result) mutable {
        std::move(done)(result.status());
      });
}

absl::StatusOr<std::shared_ptr<const credentials::Secret>> ResolveCredential(
    const AdapterDeps& deps, absl::string_view vendor,
    const fpgw::config::v1::Integration& integration) {
  std::shared_ptr<const credentials::Secret> secret =
      deps.secrets == nullptr
          ? nullptr
          : deps.secrets->Current(config::SecretRefName(integration.credential()));
  if (secret == nullptr) {
    return MakeError(absl::StatusCode::kFailedPrecondition,
                     fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING,
                     absl::StrCat("integration ", integration.name(), " has no credential"),
                     {{"vendor", std::string(vendor)}});
  }
  return secret;
}

absl::Duration IntegrationTimeout(const fpgw::config::v1::Integration& integration) {
  return absl::Seconds(integration.timeout().seconds()) +
         absl::Nanoseconds(integration.timeout().nanos());
}

}  // namespace fpgw::vendors
