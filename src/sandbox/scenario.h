// The sandbox's scenarios: failures and variants a test selects per request, by a token that
// starts with `sandbox-<scenario>` (an event id, a telemetry id, a session token...) or by the
// `X-Sandbox-Scenario: <scenario>` header. One runner serves every vendor:
//
//   1. select the scenario (the header first, then the token; the longest known name wins);
//   2. answer it when the vendor's table has a row for it (a terminal scenario: an error in the
//      vendor's shape, a literal body such as 202 pending, with Retry-After where the row says);
//   3. apply the delivery scenarios that act before the response (`slow` sleeps, `reset` drops
//      the connection).
//
// What remains for the vendor's handler are the body scenarios (drift, unknown fields, a verdict)
// and the delivery scenarios that act on the body (slow-body, malformed, html, oversized), which
// Exchange::SendJson applies. The delivery scenarios every vendor knows:
//
//   slow, slow-<ms>  headers delayed 3 s (or <ms>, max 120 s), then the normal response
//   slow-body        headers at once, body trickled in 10 parts over ~2.7 s
//   malformed        200 application/json with the body cut in half
//   html             200 text/html page, as a proxy would send
//   oversized        the JSON object padded to >= 50 MiB, streamed (never held in memory)
//   reset            connection closed without any response
#ifndef FPGW_SANDBOX_SCENARIO_H_
#define FPGW_SANDBOX_SCENARIO_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fpgw::sandbox {

class Exchange;
struct Header;

// The control header that selects a scenario for one request.
inline constexpr absl::string_view kScenarioHeader = "X-Sandbox-Scenario";

// Delivery scenarios every route supports (see the file comment).
inline constexpr absl::string_view kDeliveryScenarios[] = {"slow-body", "slow",      "malformed",
                                                           "html",      "oversized", "reset"};

// The scenario selected for one request. `name` is empty when none was selected.
struct Scenario {
  std::string name;
  // The number written right after the name (`slow-500`, `pending-3`, `rate-limited-30`), if any.
  std::optional<int64_t> number;
  // Header delay of the `slow` scenario, in milliseconds.
  int delay_ms = 0;

  bool none() const { return name.empty(); }
  bool Is(absl::string_view scenario) const { return name == scenario; }
};

// Parses "<name>[<sep><rest>]" (sep one of `-._`) against `names` and the delivery scenarios,
// preferring the longest matching name; digits right after the separator are the scenario's
// number. Returns nullopt when no name matches.
std::optional<Scenario> ParseScenario(absl::string_view text,
                                      absl::Span<const absl::string_view> names);

// An error as a vendor sends it: HTTP status, the vendor's error code (empty for vendors whose
// errors carry only a message) and message. The vendor's error writer puts it in its shape.
struct VendorError {
  int status = 0;
  absl::string_view code;
  absl::string_view message;
};

// Matches every endpoint of a vendor in ScenarioRow::endpoints.
inline constexpr uint32_t kAllEndpoints = ~uint32_t{0};

// One row of a vendor's scenario table: how the vendor answers one terminal scenario on some of
// its endpoints. Built with the constexpr helpers below, e.g.
//   Answer("rate-limited", {429, "too_many_requests", "too many requests"}).RetryAfter(1)
struct ScenarioRow {
  // How many requests with the same token the row answers; later ones go through.
  enum class Repeat {
    kAlways,
    // Only the first request with the token, on any endpoint of the vendor ("not ready, once").
    kFirst,
    // The first `number` requests (default 1) with the token on the same route (pending polls).
    kFirstNumberPerRoute,
  };
  // How a row picks its Retry-After header.
  enum class RetryAfterFrom {
    kNone,
    // `retry_after` seconds.
    kFixed,
    // The scenario's number (`rate-limited-30`), at most `retry_after_max`; else `retry_after`.
    kNumber,
  };

  absl::string_view scenario;
  // The vendor's endpoint kinds (bits of its own choosing) the row is for; the first row that
  // matches the scenario and the endpoint wins.
  uint32_t endpoints = kAllEndpoints;
  // The answer: the vendor's error (sent by its error writer), or, when `content_type` is set, the
  // literal `body` with `error.status`.
  VendorError error;
  absl::string_view content_type;
  absl::string_view body;
  RetryAfterFrom retry_from = RetryAfterFrom::kNone;
  int retry_after = 0;
  int retry_after_max = 0;
  Repeat repeat = Repeat::kAlways;
  // Answers the row itself (logic rather than data); gets the scenario token. When set, `error`
  // and `body` are unused.
  int (*answer)(Exchange& ex, absl::string_view token) = nullptr;

  constexpr ScenarioRow For(uint32_t endpoint_mask) const {
    ScenarioRow row = *this;
    row.endpoints = endpoint_mask;
    return row;
  }
  constexpr ScenarioRow RetryAfter(int seconds) const {
    ScenarioRow row = *this;
    row.retry_from = RetryAfterFrom::kFixed;
    row.retry_after = seconds;
    return row;
  }
  // Retry-After from the scenario's number, `default_seconds` without one.
  constexpr ScenarioRow RetryAfterFromNumber(int default_seconds, int max_seconds) const {
    ScenarioRow row = *this;
    row.retry_from = RetryAfterFrom::kNumber;
    row.retry_after = default_seconds;
    row.retry_after_max = max_seconds;
    return row;
  }
  constexpr ScenarioRow FirstRequestOnly() const {
    ScenarioRow row = *this;
    row.repeat = Repeat::kFirst;
    return row;
  }
  constexpr ScenarioRow FirstNumberPerRoute() const {
    ScenarioRow row = *this;
    row.repeat = Repeat::kFirstNumberPerRoute;
    return row;
  }
};

// A row answering `scenario` with the vendor's error.
constexpr ScenarioRow Answer(absl::string_view scenario, VendorError error) {
  ScenarioRow row;
  row.scenario = scenario;
  row.error = error;
  return row;
}
// A row answering `scenario` with a literal body.
constexpr ScenarioRow AnswerBody(absl::string_view scenario, int status,
                                 absl::string_view content_type, absl::string_view body) {
  ScenarioRow row;
  row.scenario = scenario;
  row.error.status = status;
  row.content_type = content_type;
  row.body = body;
  return row;
}
// A row answered by `answer`.
constexpr ScenarioRow AnswerWith(absl::string_view scenario,
                                 int (*answer)(Exchange& ex, absl::string_view token)) {
  ScenarioRow row;
  row.scenario = scenario;
  row.answer = answer;
  return row;
}

// A vendor's scenarios.
struct ScenarioTable {
  // Prefixes the per-token attempt counters, so that vendors never share them.
  absl::string_view vendor;
  // Terminal scenarios, answered by the runner.
  absl::Span<const ScenarioRow> rows;
  // Scenarios the vendor's handlers act on themselves (body scenarios); known, not answered.
  absl::Span<const absl::string_view> body_scenarios;
  // The answer to an unknown name in the header: the vendor's error, whose message is this
  // absl::Substitute format of the header's value ($0).
  VendorError unknown;
};

// Sends `error` in the vendor's shape for the endpoint at hand, with `extra` headers.
using ErrorWriter = std::function<int(const VendorError& error, const std::vector<Header>& extra)>;

// Runs steps 1–3 of the file comment for one request to an endpoint of kind `endpoint` whose
// scenario token is `token`. Returns the scenario for the handler to honour, or nullopt when the
// exchange is over (an answer was sent or the connection dropped).
std::optional<Scenario> RunScenario(Exchange& ex, const ScenarioTable& table, uint32_t endpoint,
                                    absl::string_view token, const ErrorWriter& send_error);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_SCENARIO_H_
