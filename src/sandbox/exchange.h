// One HTTP request/response exchange of the vendor sandbox, and the per-request helpers that every
// vendor's routes share: request accessors (method, path, query parameters, headers, a bounded
// body read, the Bearer key), response writers (Send, JSON errors, a 200 body that honours the body
// delivery scenarios of scenario.h), the route counter and the per-token attempt counter behind
// "pending, then complete" scenarios.
//
// An Exchange lives on a civetweb worker thread's stack for the duration of one request; it is not
// thread-safe and must not outlive the request.
#ifndef FPGW_SANDBOX_EXCHANGE_H_
#define FPGW_SANDBOX_EXCHANGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "sandbox/scenario.h"

struct mg_connection;
struct mg_request_info;

namespace fpgw::sandbox {

class Sandbox;

// An extra response header.
struct Header {
  std::string name;
  std::string value;
};

// `{"error":{"code":...,"message":...}}`, an error shape some vendors use, and that of the
// sandbox's own answers (unknown path, unconfigured vendor).
std::string ErrorBody(absl::string_view code, absl::string_view message);

// Compact JSON text of `value`.
std::string Serialize(const rapidjson::Value& value);

class Exchange final {
 public:
  Exchange(Sandbox& sandbox, mg_connection* conn);

  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // ---- Request.

  absl::string_view method() const;
  // The decoded path, without the query string.
  absl::string_view path() const;
  // The raw query string; empty when there is none.
  absl::string_view query_string() const;
  // The decoded value of query parameter `name` (the first one), or nullopt when absent.
  std::optional<std::string> QueryParam(absl::string_view name) const;
  // The value of request header `name` (case-insensitive), or nullopt when absent.
  std::optional<absl::string_view> RequestHeader(absl::string_view name) const;
  // Content-Length of the request, or -1 when not given.
  int64_t content_length() const;
  // Reads the whole request body. Returns nullopt, having read at most max_bytes + 1 bytes, when
  // the body (or its announced length) exceeds `max_bytes`; nothing is sent in that case.
  std::optional<std::string> ReadBody(size_t max_bytes);

  // ---- Counting.

  // Names the route this request is counted under (a kRoute* constant). The count is taken at
  // Count(), the first response byte, or the handler's return, so call this before those.
  void set_route(absl::string_view route);
  // The route named so far; empty before set_route().
  absl::string_view route() const { return route_; }
  // Counts the request under its route now, if not counted yet. Idempotent.
  void Count();
  // Marks a `/_sandbox/*` control request, which is never counted.
  void MarkControl() { counted_ = true; }

  // ---- Scenario state.

  // Counts one more attempt for `key` and returns how many there have been, this one included.
  // Keys live as long as the sandbox; prefix them with the vendor to keep vendors apart.
  uint64_t NoteAttempt(absl::string_view key);
  // Sleeps up to `ms` milliseconds; returns false (early) when the sandbox is stopping.
  bool SleepUnlessStopping(int64_t ms);

  // ---- Response. Each Send* returns the HTTP status sent, for civetweb's access log.

  // Sends `json` with `status`, honouring the body delivery scenarios (slow-body, malformed, html,
  // oversized); other scenarios send it as it is. `json` must be an object for `oversized`.
  int SendJson(const Scenario& scenario, const std::string& json, int status = 200,
               const std::vector<Header>& extra = {});
  // Sends `{"error":{"code":...,"message":...}}`.
  int SendJsonError(int status, absl::string_view code, absl::string_view message,
                    const std::vector<Header>& extra = {});
  // Sends a complete response.
  int Send(int status, absl::string_view content_type, absl::string_view body,
           const std::vector<Header>& extra = {});
  // 501 `sandbox_vendor_not_configured`: SandboxOptions::credentials has no credential for
  // `vendor` (a module name).
  int SendUnconfigured(absl::string_view vendor);
  // 405 `method_not_allowed` with `Allow: <allow>`.
  int SendMethodNotAllowed(absl::string_view allow);
  // Closes the connection without any response.
  int Reset();

  // Status of the response sent so far; 0 before any header was written.
  int status() const { return status_; }

 private:
  bool SendHeaders(int status, absl::string_view content_type, size_t content_length,
                   const std::vector<Header>& extra);
  bool Write(absl::string_view bytes);
  int SendOversized(const std::string& json, int status, const std::vector<Header>& extra);

  Sandbox& sandbox_;
  mg_connection* conn_;
  const mg_request_info* info_;
  std::string route_;
  bool counted_ = false;
  int status_ = 0;
};

// The key of an `Authorization: Bearer <key>` header, without surrounding white space; empty
// when the header is absent, empty or not Bearer.
absl::string_view BearerKey(const Exchange& ex);

// Compares a presented secret with the expected one in constant time (for equal lengths);
// `expected` may hold several accepted secrets, one per line (a key being rotated).
bool SecretMatches(absl::string_view presented, absl::string_view expected);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_EXCHANGE_H_
