// Deterministic cside data for the vendor sandbox: which session tokens exist, the device id of a
// token, the completed verify payload of a token and the history entries of its device. cside
// does not publish what is inside the payload's blocks, so the payload comes in several shapes
// (CsidePayloadShape): the shapes our mapper assumes (src/vendors/cside/ASSUMED_PATHS.md) and
// plausible others, so that tests do not pass merely because the sandbox speaks our assumptions.
// No I/O: the same seed and token always give the same bytes.
//
// Which tokens exist: cside's session tokens are JWT-looking (`eyJ…`, three base64url segments).
// A token that starts like one but is not three non-empty base64url segments was never issued,
// and neither was one well-formed token in sixteen (a pure function of seed and token). Other
// tokens (readable test tokens such as `gw-complete-1`) all exist. Of the tokens that exist, one
// in sixteen has no stable fingerprint id: `/token/v1/clientId` answers 404 for it.
#ifndef FPGW_SANDBOX_CSIDE_DATA_H_
#define FPGW_SANDBOX_CSIDE_DATA_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {

// Entries every sandbox device has in `/token/v2/device/entries`.
inline constexpr int kCsideEntriesPerDevice = 37;

// How the inside of a payload's blocks is written. The top level (`status`, `created_at`,
// `updated_at` and the names of the enrichment blocks) is documented and the same in every shape.
enum class CsidePayloadShape {
  // The names and types of src/vendors/cside/ASSUMED_PATHS.md, plus fields nothing maps.
  kAssumed,
  // The same data under other plausible names (`fingerprint.visitor_id`, `geo_data.country_iso`,
  // `ip_enrichment.ip_addr`, `bot.detected`, `externalIds`, …): no assumed path is present.
  kRenamed,
  // `status`, `created_at` and `updated_at` only: no enrichment block.
  kMissingBlocks,
  // The assumed shape plus blocks and fields nobody maps (`risk`, `browser`, `device`, `session`,
  // `fingerprint.components`, `geo_data.accuracy_radius_km`, `ip_enrichment.reverse_dns`).
  kExtraBlocks,
  // The assumed names, every assumed path with a value of a wrong type.
  kDrift,
};

// Whether `token` is a session token the sandbox seeded with `seed` knows (see the file comment).
bool IsKnownCsideToken(uint64_t seed, absl::string_view token);

// Whether a known `token` has a stable fingerprint id, i.e. `/token/v1/clientId` answers 200 for
// it (scenarios aside); false for the sixteenth of tokens without one, and for unknown tokens. The
// verify payload of such a token still carries its device id.
bool CsideHasFingerprintId(uint64_t seed, absl::string_view token);

// The device id the sandbox assigns to a session token (stable for a seed): the one every shape of
// its verify payload carries, its device entries' `device_id` and its `/token/v1/clientId` answer.
std::string CsideDeviceId(uint64_t seed, absl::string_view token);

// A token for tests: `prefix` followed by the smallest number n >= 0 such that the token is known
// and CsideHasFingerprintId(seed, token) == `has_fingerprint_id`. E.g. with prefix
// "sandbox-shape-renamed." a token whose verify payload is renamed and whose clientId answers (or,
// with false, answers 404).
std::string CsideTestToken(uint64_t seed, absl::string_view prefix, bool has_fingerprint_id);

// A JWT-looking session token for tests, derived from `label`, that the sandbox seeded with `seed`
// knows (`known`) or does not. Deterministic.
std::string CsideSessionToken(uint64_t seed, absl::string_view label, bool known = true);

// Builds the completed verify payload for `token` in `shape` (entry `index` of its device's history
// when `index` >= 0: newest first, older with each index). Deterministic in (seed, token, index,
// shape).
void BuildCsidePayload(uint64_t seed, absl::string_view token, int index, CsidePayloadShape shape,
                       rapidjson::Document* doc);
// The same in the assumed shape.
inline void BuildCsidePayload(uint64_t seed, absl::string_view token, int index,
                              rapidjson::Document* doc) {
  BuildCsidePayload(seed, token, index, CsidePayloadShape::kAssumed, doc);
}

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_CSIDE_DATA_H_
