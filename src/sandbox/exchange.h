// One HTTP request/response exchange of the vendor sandbox, and the per-request helpers that every
// vendor's routes share: request accessors (method, path, query parameters, headers, a bounded
// body read), response writers (Send, JSON errors, a 200 body that honours delivery scenarios),
// scenario selection (token prefix `sandbox-<name>` or the `X-Sandbox-Scenario` header), and the
// per-token attempt counter behind "pending, then complete" scenarios.
//
// What is vendor-specific stays in the vendor's routes file: its error bodies, its auth check, its
// error scenarios and how they map to responses. The delivery scenarios handled here work with any
// JSON body:
//
//   slow, slow-<ms>  headers delayed 3 s (or <ms>, max 120 s), then the normal response
//   slow-body        headers at once, body trickled in 10 parts over ~2.7 s
//   malformed        200 application/json with the body cut in half
//   html             200 text/html page, as a proxy would send
//   oversized        the JSON object padded to >= 50 MiB, streamed (never held in memory)
//   reset            connection closed without any response
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
#include "absl/types/span.h"
#include "rapidjson/document.h"

struct mg_connection;
struct mg_request_info;

namespace fpgw::sandbox {

class Sandbox;
struct SandboxOptions;

// An extra response header.
struct Header {
  std::string name;
  std::string value;
};

// The scenario selected for one request. `name` is empty when none was selected.
struct Scenario {
  std::string name;
  // Header delay of the `slow` scenario, in milliseconds.
  int delay_ms = 0;

  bool none() const { return name.empty(); }
  bool Is(absl::string_view scenario) const { return name == scenario; }
};

// Delivery scenarios every route supports through Exchange::ApplyDelivery and SendJson.
inline constexpr absl::string_view kDeliveryScenarios[] = {"slow-body", "slow",      "malformed",
                                                           "html",      "oversized", "reset"};

// Parses "<name>[<sep><rest>]" (sep one of `-._`) against `names` and the delivery scenarios,
// preferring the longest matching name. `slow-<digits>` sets the delay. Returns nullopt when no
// name matches.
std::optional<Scenario> ParseScenario(absl::string_view text,
                                      absl::Span<const absl::string_view> names);

// `{"error":{"code":...,"message":...}}`, the error shape of Fingerprint v4 and of the sandbox's
// own answers (unknown path, unconfigured vendor).
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

  // The sandbox's options (vendor credentials, seed).
  const SandboxOptions& options() const;

  // ---- Counting.

  // Names the route this request is counted under (a kRoute* constant); the router sets the
  // default registered with the path prefix. The count is taken at the first of SelectScenario,
  // ApplyDelivery, the first response byte, or the handler's return, so call this before those.
  void set_route(absl::string_view route);
  // Counts the request under its route now, if not counted yet. Idempotent.
  void Count();
  // Marks a `/_sandbox/*` control request, which is never counted.
  void MarkControl() { counted_ = true; }

  // ---- Scenarios.

  // The scenario from the `X-Sandbox-Scenario` header, else from `token` when it starts with
  // `sandbox-`. `vendor_scenarios` are the vendor's own names; the delivery scenarios are always
  // known. Returns nullopt when the header names an unknown scenario: the caller answers with its
  // vendor's 400. An unknown name in a token is no scenario (the token is then just a token).
  std::optional<Scenario> SelectScenario(absl::string_view token,
                                         absl::Span<const absl::string_view> vendor_scenarios);
  // Applies the scenarios that act before the response: `slow` sleeps (resetting the connection
  // when the sandbox stops meanwhile) and `reset` drops the connection. Returns true when the
  // exchange is over (nothing more may be sent).
  bool ApplyDelivery(const Scenario& scenario);
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
  // 501 `sandbox_vendor_not_configured`, naming the SandboxOptions field that was left empty.
  int SendUnconfigured(absl::string_view option_name);
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

// True when `method` is exactly one of the comma-separated methods in `allow` ("GET, PATCH").
bool MethodAllowed(absl::string_view allow, absl::string_view method);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_EXCHANGE_H_
