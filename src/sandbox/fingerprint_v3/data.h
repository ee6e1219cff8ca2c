// Deterministic, schema-true Fingerprint Server API v3 data for the vendor sandbox. It is derived
// from the v4 generator (FingerprintV4Data) by renaming and reshaping, so that one seed and one id
// describe the same event in both API versions: an `EventsGetResponse` (`products.<name>.data`),
// a `Visit` of GET /visitors/{id}, related visitors. No I/O; same seed and id, same bytes.
//
// v3 differences the conversion applies: camelCase names, every product wrapped in `{data}`,
// first/last-seen and other times as ISO-8601 strings, `ipLocation` (deprecated) next to
// `ipInfo`, `tor` and `incognito` as products of their own, velocity intervals `5m`/`1h`/`24h`,
// bot result `notDetected`, and mobile-only signals present (as false) on web events too (the v3
// spec says they are).
#ifndef FPGW_SANDBOX_FINGERPRINT_V3_DATA_H_
#define FPGW_SANDBOX_FINGERPRINT_V3_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "sandbox/fingerprint_v4/data.h"

namespace fpgw::sandbox {

// Generates Fingerprint v3 data for one seed. Immutable after construction; thread-safe.
class FingerprintV3Data final {
 public:
  explicit FingerprintV3Data(uint64_t seed) : v4_(seed) {}

  // Facts of the event `request_id` (the identity model of FingerprintV4Data).
  EventFacts Facts(absl::string_view request_id) const { return v4_.Facts(request_id); }
  // The events of `visitor_id` (or of the global data set), newest first, timestamps strictly
  // decreasing.
  std::vector<EventFacts> SearchSet(absl::string_view visitor_id) const {
    return v4_.SearchSet(visitor_id);
  }

  // Replaces `*doc` with the `EventsGetResponse` for `facts`.
  void BuildEvent(const EventFacts& facts, rapidjson::Document* doc) const;
  // Sets `*out` to the `Visit` (identification fields only, no visitorId) for `facts`.
  void BuildVisit(const EventFacts& facts, rapidjson::Value* out,
                  rapidjson::Document::AllocatorType& alloc) const;
  // Between zero and three visitor ids related to `visitor_id` (stable per seed and id).
  std::vector<std::string> RelatedVisitors(absl::string_view visitor_id) const;

 private:
  FingerprintV4Data v4_;
};

// ISO-8601 UTC with milliseconds, the way v3 writes times ("2025-10-09T08:53:20.123Z").
std::string IsoTimeFromMillis(int64_t millis);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V3_DATA_H_
