// Request checks of Fingerprint's event endpoints that the v4 routes and the v3 routes (which serve
// the same generated events, see fingerprint_v3/data.h) share: the search filters both versions
// accept with the same rules and messages, matching events against them, and the update body.
#ifndef FPGW_SANDBOX_FINGERPRINT_V4_EVENT_REQUESTS_H_
#define FPGW_SANDBOX_FINGERPRINT_V4_EVENT_REQUESTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "sandbox/exchange.h"
#include "sandbox/fingerprint_v4/data.h"

namespace fpgw::sandbox {

// The search filters common to v4 `GET /v4/events` and v3 `GET /events/search`.
struct EventFilter {
  std::optional<std::string> visitor_id;
  std::optional<std::string> linked_id;
  // "all", "good", "bad" or "none".
  std::string bot = "all";
  std::optional<int64_t> start;
  std::optional<int64_t> end;
  bool reverse = false;
};

// How `start` and `end` are written: v4 takes Unix milliseconds or RFC 3339, v3 milliseconds only.
enum class TimeBounds { kMillisOrRfc3339, kMillis };

// Reads `visitor_id`, `linked_id`, `bot`, `ip_address` (validated, not applied), `start`, `end`
// and `reverse`, in that order, into `*filter`. Returns the vendor's message for the first invalid
// one ("invalid bot type", ...), or nullopt when all are valid.
std::optional<std::string> ReadEventFilter(const Exchange& ex, TimeBounds bounds,
                                           EventFilter* filter);

// True when `event` passes the filter's bot, linked id and time bounds (the visitor id chose the
// data set already).
bool MatchesEventFilter(const EventFilter& filter, const EventFacts& event);

// True when `body` is a non-empty JSON object whose members are only `<linked_id_key>` (string),
// `<tags_key>` (object) and `suspect` (bool): the body of an event update.
bool IsValidEventUpdate(absl::string_view body, absl::string_view linked_id_key,
                        absl::string_view tags_key);

// The message for a visitor id that delete visitor data and related visitors refuse ("visitor id
// is required", "invalid visitor id"), or nullopt when it is acceptable.
std::optional<absl::string_view> VisitorIdProblem(absl::string_view visitor_id);

// Reads query parameter `name`, when present, as Unix milliseconds (digits only) into `*millis`.
// Returns false when it is present but not such a number.
bool ReadMillisParam(const Exchange& ex, absl::string_view name, std::optional<int64_t>* millis);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V4_EVENT_REQUESTS_H_
