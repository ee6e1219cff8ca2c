// Request checks of Fingerprint's event endpoints that the v4 routes and the v3 routes (which serve
// the same generated events, see fingerprint_v3/data.h) share: the query string read as the vendor
// reads it (every parameter, repeated keys kept), the refusal of parameters an endpoint does not
// document, the search filters (a table per API version: parameter → JSON pointer into the event
// and the kind of comparison) applied to the events' JSON, and the update body.
#ifndef FPGW_SANDBOX_FINGERPRINT_V4_EVENT_REQUESTS_H_
#define FPGW_SANDBOX_FINGERPRINT_V4_EVENT_REQUESTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {

// What both versions document for the search (and edge) parameters they share.
inline constexpr size_t kMaxLinkedIdChars = 256;
inline constexpr absl::string_view kLinkedIdTooLong =
    "linked_id can't be greater than 256 characters long";
inline constexpr absl::string_view kBotValues[] = {"all", "good", "bad", "none"};
inline constexpr absl::string_view kConfidences[] = {"low", "medium", "high"};
inline constexpr absl::string_view kPercentileBuckets[] = {"<p95",        "p95-p99", "p99-p99.5",
                                                           "p99.5-p99.9", "p99.9+",  "not_seen"};
inline constexpr absl::string_view kSdkPlatforms[] = {"js", "android", "ios"};

// One query parameter, decoded ('+' is a space, %XX a byte).
struct QueryParam {
  std::string name;
  std::string value;
};
using QueryParams = std::vector<QueryParam>;

// The parameters of a raw query string, in order, repeated keys kept.
QueryParams ParseQuery(absl::string_view query_string);

// The first value of `name`, or nullopt when absent.
std::optional<std::string> FirstParam(const QueryParams& params, absl::string_view name);

// "unknown parameter <name>" for the first parameter whose name is not in `known`, or nullopt.
std::optional<std::string> UnknownParameter(const QueryParams& params,
                                            absl::Span<const absl::string_view> known);

// How a search filter compares its parameter with the event.
enum class FilterKind {
  // `true`/`false`; the event must carry a bool at one of the pointers; it matches when the OR of
  // the bools it carries equals the parameter.
  kBool,
  // `true`/`false`; the event must carry a number at the pointer; it matches when (number > 0)
  // equals the parameter (factory reset: a reset time is set).
  kPositive,
  // A string equal to the string at one of the pointers (`values`, when given, lists the accepted
  // parameter values; `max_length` bounds its length).
  kEquals,
  // A repeated parameter: the event's string at the pointer equals one of its values.
  kAnyOf,
  // An integer among `numbers`, equal to the integer at the pointer.
  kIntEquals,
  // A number; the number at the pointer must be at least that.
  kAtLeast,
  // An IP address or CIDR range containing the address at the pointer.
  kIpRange,
  // A CIDR range (an address alone is refused) containing the address at the pointer.
  kCidr,
  // The origin (`scheme://host[:port]`) of the URL at the pointer.
  kOrigin,
  // Bot detection: `all` (any bot), `good`, `bad`, `none` (no bot) against the result at the
  // pointer, whose "no bot" is `not_detected` (v4) or `notDetected` (v3).
  kBot,
  // `all`: the object at the pointer is present; `none`: it is absent.
  kPresence,
  // A visitor id (validated like the vendor), equal to the string at the pointer.
  kVisitorId,
  // A time bound (Unix ms; RFC 3339 too when `rfc3339`) the timestamp at the pointer is at or
  // after (kStart) or at or before (kEnd).
  kStart,
  kEnd,
  // `true`/`false`: the order of the results (never excludes an event).
  kOrder,
};

// One row of a version's search filter table.
struct FilterRow {
  absl::string_view param;
  FilterKind kind;
  absl::string_view pointer;
  // A second pointer the event may carry the value at instead (IPv6 next to IPv4).
  absl::string_view other_pointer = {};
  // Accepted parameter values (kEquals, kAnyOf, kBot, kPresence); empty: any.
  absl::Span<const absl::string_view> values = {};
  // Accepted integers (kIntEquals).
  absl::Span<const int> numbers = {};
  // The 400 message for a bad value; empty: "invalid <param, '_' as ' '>" (plus " param" for
  // true/false parameters), the vendor's wording ("invalid ip address", "invalid reverse param").
  absl::string_view message = {};
  // Another spelling of the parameter that is accepted too (v3's Node SDK `environment[]`).
  absl::string_view alias = {};
  size_t max_length = 0;
  bool rfc3339 = false;
};

// The filters of one search request, read from its parameters with a version's table.
class EventFilters {
 public:
  // Reads the parameters of `rows` present in `params`, in the table's order. Returns the vendor's
  // message for the first invalid one, or nullopt when all are valid.
  std::optional<std::string> Read(const QueryParams& params, absl::Span<const FilterRow> rows);

  // True when `event` (the event's JSON in the version's shape) passes every filter.
  bool Matches(const rapidjson::Value& event) const;

  // Every filter read, as text (binds a pagination key to the filters it was issued for).
  std::string Canonical() const;

  bool reverse() const { return reverse_; }

 private:
  struct Active {
    const FilterRow* row;
    std::vector<std::string> values;
    bool flag = false;
    double number = 0;
    int64_t integer = 0;
  };
  std::vector<Active> active_;
  bool reverse_ = false;
};

// Reads query parameter `name`, when present, as Unix milliseconds (digits only) into `*millis`.
// Returns false when it is present but not such a number.
bool ReadMillisParam(const QueryParams& params, absl::string_view name,
                     std::optional<int64_t>* millis);

// True when `body` is a non-empty JSON object whose members are only `<linked_id_key>` (string),
// `<tags_key>` (object) and `suspect` (bool): the body of an event update.
bool IsValidEventUpdate(absl::string_view body, absl::string_view linked_id_key,
                        absl::string_view tags_key);

// The message for a visitor id that delete visitor data and related visitors refuse ("visitor id
// is required", "invalid visitor id"), or nullopt when it is acceptable.
std::optional<absl::string_view> VisitorIdProblem(absl::string_view visitor_id);

// True when `address` parses as an IPv4 (`family` 4) or IPv6 (6) address.
bool IsIpAddress(const std::string& address, int family);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V4_EVENT_REQUESTS_H_
