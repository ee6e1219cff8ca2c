// The vendor-facing HTTP client interface. http/ knows nothing about vendors: it sends a request
// and hands back status, headers and body. An HTTP status (4xx, 5xx) is data, not an error; only a
// transport failure is an error (STYLE rule 3).
#ifndef FPGW_HTTP_HTTP_CLIENT_H_
#define FPGW_HTTP_HTTP_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fpgw::http {

// One HTTP header.
struct Header {
  std::string name;
  std::string value;
  // The value holds a credential: every buffer that held it is wiped when the request is done.
  bool sensitive = false;
};

// A request to send.
struct HttpRequest {
  std::string method = "GET";
  // Absolute http:// or https:// URL; path and query already escaped by the caller.
  std::string url;
  std::vector<Header> headers;
  std::string body;
  // Whole-request timeout (connect + send + receive). Callers derive it from their deadline.
  absl::Duration timeout = absl::Seconds(5);
  // Sending it twice does what sending it once does, though its method alone does not say so
  // (a POST that only reads). GET, HEAD, PUT and DELETE are idempotent anyway.
  bool idempotent = false;
  // Whose request it is (a tenant's integration); decorators that keep state per vendor host keep
  // it per host and scope. Empty: the host's shared state.
  std::string scope;
  // Counts the attempts that reach the vendor (each retry included; a request refused before it
  // is sent, by an open circuit, is none); null: not counted.
  std::shared_ptr<std::atomic<int>> attempts;

  HttpRequest() = default;
  HttpRequest(const HttpRequest&) = default;
  HttpRequest& operator=(const HttpRequest&) = default;
  HttpRequest(HttpRequest&&) noexcept = default;
  HttpRequest& operator=(HttpRequest&&) noexcept = default;
  // Wipes the values of sensitive headers.
  ~HttpRequest();
};

// A response as received.
struct HttpResponse {
  int status_code = 0;
  // Header names lower-cased, in arrival order.
  std::vector<Header> headers;
  std::string body;
  // The HTTP version used: 1 (HTTP/1.x) or 2.
  int http_version = 1;

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* FindHeader(absl::string_view name) const;
};

// Whether `request` may be sent again after a failure: its `idempotent` flag or its method.
bool IsIdempotent(const HttpRequest& request);

// The wait a `Retry-After` header asks for (RFC 9110: delay-seconds or an HTTP-date, counted from
// `now`), at most an hour; nullopt without a valid one.
std::optional<absl::Duration> RetryAfterOf(const HttpResponse& response, absl::Time now);

// Identifies a started request, for Cancel().
using RequestId = std::uint64_t;

// Sends HTTP requests asynchronously.
//
// Thread-safety: every method may be called from any thread.
// Errors passed to the callback (never the URL, headers or body in the message, since they may
// carry credentials):
//   DEADLINE_EXCEEDED  the request's timeout passed;
//   UNAVAILABLE        DNS, connect, TLS or connection failure (reset, truncated response);
//   OUT_OF_RANGE       the response body exceeded the client's size cap;
//   CANCELLED          Cancel() was called or the client is shutting down;
//   INVALID_ARGUMENT   the request itself is malformed (bad URL, method or header);
//   FAILED_PRECONDITION the client's TLS set-up is unusable (e.g. an unparsable CA bundle);
//   INTERNAL           an unexpected local failure (out of memory, libcurl misuse).
class HttpClient {
 public:
  using Callback = absl::AnyInvocable<void(absl::StatusOr<HttpResponse>) &&>;

  virtual ~HttpClient() = default;

  // Starts `request`. `done` runs exactly once, on the client's event-loop thread, never inside
  // Start() itself.
  virtual RequestId Start(HttpRequest request, Callback done) = 0;

  // Cancels a started request: its `done` runs with CANCELLED unless it has already run. Unknown
  // or finished ids are ignored.
  virtual void Cancel(RequestId id) = 0;
};

}  // namespace fpgw::http

#endif  // FPGW_HTTP_HTTP_CLIENT_H_
