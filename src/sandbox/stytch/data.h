// Deterministic, schema-true Stytch Device Fingerprinting data for the vendor sandbox: the facts
// behind a fingerprint lookup (ids, fingerprints, network, verdict) derived from (seed, telemetry
// id), the lookup body in the POST and deprecated GET shapes, the rules the sandbox starts with and
// the verdict reasons with their default actions. No I/O: the same seed and id always give the
// same bytes.
//
// Which ids exist: Stytch's telemetry ids are UUIDs (`026ac93b-8cdf-4fcb-bfa6-36a31cfecac1`), so a
// telemetry id that is not a UUID names no fingerprint, and neither does one UUID in sixteen (a
// pure function of seed and id, IsKnownTelemetryId): a client meets "not found" without any magic
// id, as it would for an expired or forged one.
//
// Identity model: the UUIDs that share their first group (`026ac93b-…`) belong to one visitor (so
// tests can make several lookups of one device). Visitor-level facts (visitor id, hardware
// fingerprint, geolocation, user agent) depend only on the visitor; lookup-level facts (verdict,
// network fingerprint, time) on the telemetry id.
#ifndef FPGW_SANDBOX_STYTCH_DATA_H_
#define FPGW_SANDBOX_STYTCH_DATA_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {

// Whether `id` is a UUID in its text form (8-4-4-4-12 hexadecimal digits, either case).
bool IsUuid(absl::string_view id);

// Whether the sandbox seeded with `seed` holds a fingerprint for `telemetry_id`: a UUID, and not
// one of the sixteenth of UUIDs the seed leaves unknown. Ids that differ only in case are the same
// id. Sandbox mode (`fpgw sandbox`, the demo) and the gateway test harness use seed 1.
bool IsKnownTelemetryId(uint64_t seed, absl::string_view telemetry_id);

// A telemetry id for tests, derived from `label`: a UUID that IsKnownTelemetryId(seed, ·) finds
// (`known`) or does not. Deterministic: the same seed, label and `known` give the same id, and
// different labels different ids.
std::string TestTelemetryId(uint64_t seed, absl::string_view label, bool known = true);

// Rules the sandbox holds when it starts.
inline constexpr int kStytchSeedRules = 25;

// One applied verdict-reason override (`verdict.verdict_reason_overrides[]`).
struct StytchAppliedOverride {
  std::string verdict_reason;
  std::string override_action;
};

// The verdict of one lookup.
struct StytchVerdict {
  // "ALLOW", "CHALLENGE" or "BLOCK".
  std::string action;
  std::vector<std::string> reasons;
  bool is_authentic_device = true;
  std::string detected_device_type;
  // Set when a rule decided: "VISITOR_ID", ..., and the matched value.
  std::string rule_match_type;
  std::string rule_match_identifier;
  std::vector<StytchAppliedOverride> overrides;
};

// Everything a lookup reports, before rules and overrides are applied to the verdict.
struct StytchLookupFacts {
  std::string telemetry_id;
  std::string request_id;
  // Empty for a cookie-less lookup (no visitor_id / browser_id in `fingerprints`).
  std::string visitor_id;
  std::string browser_id;
  std::string visitor_fingerprint;
  std::string browser_fingerprint;
  std::string hardware_fingerprint;
  std::string network_fingerprint;
  std::string ip_address;
  std::string asn;
  std::string asn_name;
  std::string asn_network;
  std::string city;
  std::string region;
  // An ISO alpha-2 code for some visitors and a country name for others (the vendor documents
  // neither), so that clients handle both.
  std::string country;
  // The ISO alpha-2 code of `country`, for COUNTRY_CODE rules.
  std::string country_code;
  bool is_vpn = false;
  bool is_proxy = false;
  std::string user_agent;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  StytchVerdict verdict;
};

// A verdict reason and its default action.
struct StytchReasonDefault {
  absl::string_view verdict_reason;
  absl::string_view default_action;
};

// The verdict reasons an override may be set on, with their default actions.
inline constexpr StytchReasonDefault kStytchVerdictReasons[] = {
    {"HEADLESS_BROWSER_AUTOMATION", "BLOCK"}, {"USER_AGENT_DECEPTION", "CHALLENGE"},
    {"VIRTUAL_MACHINE", "CHALLENGE"},         {"SMART_RATE_LIMIT_WARNING", "CHALLENGE"},
    {"SMART_RATE_LIMIT_BANNED", "BLOCK"},
};

// A stored rule, as `POST /v1/rules/list` reports it.
struct StytchRule {
  // "VISITOR_ID", ..., "COUNTRY_CODE".
  std::string rule_type;
  // The identifier's request key ("visitor_id", ..., "country_code") and value.
  std::string key;
  std::string value;
  std::string action;
  std::string description;
  int64_t created_at_ms = 0;
  // 0 = never updated / permanent.
  int64_t last_updated_at_ms = 0;
  int64_t expires_at_ms = 0;
};

// Generates Stytch data for one seed. Immutable after construction; thread-safe.
class StytchData final {
 public:
  explicit StytchData(uint64_t seed) : seed_(seed) {}

  // Facts of the lookup of `telemetry_id` (see the identity model in the file comment).
  StytchLookupFacts Facts(absl::string_view telemetry_id) const;

  // Replaces `*doc` with the lookup body. `post` gives the current POST shape (with `request_id`,
  // `properties` and `external_metadata`); otherwise the deprecated GET shape of the vendor's GET
  // example (no `request_id`, `rule_match_type`/`rule_match_identifier` always present, empty when
  // no rule matched). Both carry `verdict.verdict_reason_overrides`, which the vendor's response
  // type requires. `external_metadata` is echoed (POST only).
  static void BuildLookup(const StytchLookupFacts& facts, bool post,
                          const std::map<std::string, std::string>& external_metadata,
                          rapidjson::Document* doc);

  // The rules the sandbox starts with: kStytchSeedRules of varied types, oldest first.
  std::vector<StytchRule> SeedRules() const;

  // A request id for one API call: `request-id-test-<uuid>` from the seed, `salt` and `sequence`.
  std::string RequestId(absl::string_view salt, uint64_t sequence) const;

 private:
  std::string Uuid(absl::string_view kind, absl::string_view id) const;

  uint64_t seed_;
};

// RFC 3339 UTC with seconds ("2026-01-01T00:00:00Z") of Unix milliseconds.
std::string StytchTime(int64_t unix_ms);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_STYTCH_DATA_H_
