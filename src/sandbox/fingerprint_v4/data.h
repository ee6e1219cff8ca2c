// Deterministic, schema-true Fingerprint Server API v4 data for the vendor sandbox: `Event`
// payloads and the event sets behind `GET /v4/events` search, all generated from (seed, id) with
// no I/O, so that the same seed and id always give byte-identical JSON.
//
// Identity model: an event id of the form `<unix ms>.<visitor>_<n>` (what search issues) belongs
// to `<visitor>`; any other event id belongs to a 20-character visitor id derived from the whole
// event id. Visitor-level data (browser, OS, city, first-seen time) depends only on the visitor id,
// so every event of one visitor agrees on it; event-level data (signals, velocity, URL) depends on
// the event id. A leading `<unix ms>.` gives the event's timestamp.
//
// Search-issued events (`_<n>`) also show, one per event, a signal chosen by `n` from a list for
// the visitor's platform (tor node, VPN, emulator, jailbreak...), a second environment for some
// `n` and an incomplete incremental identification for a few, so that every search filter finds
// some but not all events of a search set.
#ifndef FPGW_SANDBOX_FINGERPRINT_V4_DATA_H_
#define FPGW_SANDBOX_FINGERPRINT_V4_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {

// Events per visitor in the search data set.
inline constexpr int kEventsPerVisitor = 23;
// Events in the search data set when no visitor_id filter is given.
inline constexpr int kGlobalEvents = 57;

// The few facts of an event that search filters look at, computed without building the JSON.
struct EventFacts {
  std::string event_id;
  std::string visitor_id;
  int64_t timestamp_ms = 0;
  // "not_detected", "good" or "bad".
  std::string bot;
  // Empty when the event has no linked_id.
  std::string linked_id;
  // `n` of a search-issued id `<unix ms>.<visitor>_<n>`; -1 for any other id.
  int search_index = -1;
};

// Generates Fingerprint v4 data for one seed. Immutable after construction; thread-safe.
class FingerprintV4Data final {
 public:
  explicit FingerprintV4Data(uint64_t seed) : seed_(seed) {}

  // True when `event_id` is acceptable as a path parameter: 1..128 characters of
  // [A-Za-z0-9._-]. (The vendor answers 400 "invalid event_id" otherwise.)
  static bool IsValidEventId(absl::string_view event_id);
  // True when `visitor_id` is acceptable as a search filter: 1..64 characters of [A-Za-z0-9-].
  static bool IsValidVisitorId(absl::string_view visitor_id);

  // The generator's id spaces: the ids it has events and visitors for. Other well-formed ids are
  // unknown to it (the routes answer them as not found).
  //   event id:   `<13 digits>.<1..16 of [A-Za-z0-9]>` (a request id; the vendor's have six), or
  //               `<13 digits>.<visitor id>_<n>` with n < kGlobalEvents (what search issues);
  //   visitor id: 20 or 21 characters of [A-Za-z0-9] (the vendor's are 20; its v4 example 21).
  static bool IsGeneratedEventId(absl::string_view event_id);
  static bool IsGeneratedVisitorId(absl::string_view visitor_id);

  // Facts of the event `event_id` (see the identity model in the file comment).
  EventFacts Facts(absl::string_view event_id) const;

  // Replaces `*doc` with the full `Event` object for `facts`. With a non-empty `ruleset_id`, adds
  // `rule_action` (allow or block, chosen from the event id).
  void BuildEvent(const EventFacts& facts, absl::string_view ruleset_id,
                  rapidjson::Document* doc) const;

  // Convenience: the serialised `Event` for `event_id`.
  std::string EventJson(absl::string_view event_id, absl::string_view ruleset_id = {}) const;

  // The search data set: kEventsPerVisitor events of `visitor_id`, or kGlobalEvents events of
  // five seed-derived visitors (three web, one Android, one iOS; event n is visitor n % 5's) when
  // `visitor_id` is empty. Newest first, timestamps strictly decreasing, ids unique.
  std::vector<EventFacts> SearchSet(absl::string_view visitor_id) const;

  // A 64-bit hash of `parts` mixed with the seed (FNV-1a, stable across platforms and runs).
  uint64_t Hash(absl::string_view a, absl::string_view b = {}) const;

 private:
  uint64_t seed_;
};

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V4_DATA_H_
