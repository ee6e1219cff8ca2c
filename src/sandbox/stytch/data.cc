#include "sandbox/stytch/data.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/json_chars.h"
#include "sandbox/hash.h"

namespace fpgw::sandbox {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr int64_t kMinuteMs = 60 * 1000;
// Stytch keeps a fingerprint for a while; the sandbox says 30 days.
constexpr int64_t kFingerprintLifetimeMs = 30 * kDayMs;

struct Place {
  const char* city;
  const char* region;
  // As the vendor would send it: a code or a name.
  const char* country;
  const char* country_code;
  const char* asn;
  const char* asn_name;
  const char* asn_network;
  const char* ip_prefix;
};

constexpr Place kPlaces[] = {
    {"San Francisco", "California", "US", "US", "7922", "COMCAST-7922", "73.0.0.0/8", "73.158."},
    {"Berlin", "Berlin", "Germany", "DE", "3320", "Deutsche Telekom AG", "91.0.0.0/10", "91.12."},
    {"Toronto", "Ontario", "CA", "CA", "812", "ROGERS-COMMUNICATIONS", "99.224.0.0/11", "99.230."},
    {"Prague", "Hlavni mesto Praha", "Czechia", "CZ", "5610", "O2 Czech Republic, a.s.",
     "90.176.0.0/12", "90.180."},
    {"Sydney", "New South Wales", "AU", "AU", "1221", "Telstra Limited", "1.128.0.0/11", "1.144."},
    {"Ashburn", "Virginia", "US", "US", "14618", "AMAZON-AES", "3.208.0.0/12", "3.215."},
};

constexpr const char* kUserAgents[] = {
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
};

constexpr const char* kDeviceTypes[] = {"MAC_OS_X86_64", "WINDOWS_X86_64", "IOS_ARM64",
                                        "LINUX_X86_64"};

uint64_t Mix(uint64_t seed, absl::string_view a, absl::string_view b) {
  uint64_t h = Fnv1a64(a);
  h = Fnv1a64("\x1e", h);
  h = Fnv1a64(b, h);
  return Avalanche(h ^ (seed * 0x9e3779b97f4a7c15ULL));
}

Value Str(absl::string_view text, Allocator& alloc) {
  return Value(fpgw::JsonChars(text), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

// A version-4 UUID in text form from 128 bits.
std::string UuidText(uint64_t a, uint64_t b) {
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                         0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

// One UUID in this many names no fingerprint.
constexpr uint64_t kUnknownShare = 16;

}  // namespace

bool IsUuid(absl::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !absl::ascii_isxdigit(static_cast<unsigned char>(id[i]))) {
      return false;
    }
  }
  return true;
}

bool IsKnownTelemetryId(uint64_t seed, absl::string_view telemetry_id) {
  return IsUuid(telemetry_id) &&
         Mix(seed, "unknown", absl::AsciiStrToLower(telemetry_id)) % kUnknownShare != 0;
}

std::string TestTelemetryId(uint64_t seed, absl::string_view label, bool known) {
  for (uint64_t attempt = 0;; ++attempt) {
    const std::string salt = absl::StrCat("test-id-", attempt);
    std::string id = UuidText(Mix(0, salt, label), Mix(1, salt, label));
    if (IsKnownTelemetryId(seed, id) == known) return id;
  }
}

std::string StytchTime(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

std::string StytchData::Uuid(absl::string_view kind, absl::string_view id) const {
  return UuidText(Mix(seed_, kind, id), Mix(seed_ + 1, kind, id));
}

std::string StytchData::RequestId(absl::string_view salt, uint64_t sequence) const {
  return absl::StrCat("request-id-test-", Uuid(salt, absl::StrCat(sequence)));
}

StytchLookupFacts StytchData::Facts(absl::string_view telemetry_id) const {
  StytchLookupFacts f;
  f.telemetry_id = std::string(telemetry_id);
  // A UUID's letters may come in either case; it is the same id. Ids that are no UUID (the ones
  // that select a scenario) are a visitor of their own.
  const std::string id =
      IsUuid(telemetry_id) ? absl::AsciiStrToLower(telemetry_id) : std::string(telemetry_id);
  const absl::string_view visitor =
      IsUuid(id) ? absl::string_view(id).substr(0, 8) : absl::string_view(id);
  const uint64_t v = Mix(seed_, "visitor", visitor);
  const uint64_t e = Mix(seed_, "lookup", id);

  f.request_id = absl::StrCat("request-id-test-", Uuid("request", id));
  // One lookup in six is cookie-less: no visitor_id / browser_id.
  const bool cookieless = e % 6 == 5;
  if (!cookieless) {
    f.visitor_id = absl::StrCat("visitor-", Uuid("visitor_id", visitor));
    f.browser_id = absl::StrCat("browser-id-", Uuid("browser_id", visitor));
  }
  f.visitor_fingerprint = absl::StrCat("visitor-fingerprint-", Uuid("visitor_fp", visitor));
  f.browser_fingerprint = absl::StrCat("browser-fingerprint-", Uuid("browser_fp", visitor));
  f.hardware_fingerprint = absl::StrCat("hardware-fingerprint-", Uuid("hardware_fp", visitor));
  f.network_fingerprint = absl::StrCat("network-fingerprint-", Uuid("network_fp", id));

  const Place& place = kPlaces[v % (sizeof(kPlaces) / sizeof(kPlaces[0]))];
  f.city = place.city;
  f.region = place.region;
  f.country = place.country;
  f.country_code = place.country_code;
  f.asn = place.asn;
  f.asn_name = place.asn_name;
  f.asn_network = place.asn_network;
  f.ip_address = absl::StrCat(place.ip_prefix, (v >> 8) % 254 + 1, ".", (e >> 8) % 254 + 1);
  f.is_vpn = (e >> 16) % 7 == 0;
  f.is_proxy = (e >> 20) % 11 == 0;
  const size_t ua = (v >> 24) % (sizeof(kUserAgents) / sizeof(kUserAgents[0]));
  f.user_agent = kUserAgents[ua];

  f.created_at_ms = kAnchorMs - static_cast<int64_t>((e >> 32) % (90 * 24 * 60)) * kMinuteMs;
  f.expires_at_ms = f.created_at_ms + kFingerprintLifetimeMs;

  // The vendor's own verdict: mostly ALLOW, some CHALLENGE, a few BLOCK.
  StytchVerdict& verdict = f.verdict;
  verdict.detected_device_type = kDeviceTypes[ua];
  switch ((e >> 40) % 10) {
    case 0:
      verdict.action = "BLOCK";
      verdict.reasons = {"HEADLESS_BROWSER_AUTOMATION"};
      verdict.is_authentic_device = false;
      verdict.detected_device_type = "UNKNOWN";
      break;
    case 1:
      verdict.action = "CHALLENGE";
      verdict.reasons = {"VIRTUAL_MACHINE"};
      break;
    case 2:
      verdict.action = "CHALLENGE";
      verdict.reasons = {"USER_AGENT_DECEPTION"};
      verdict.is_authentic_device = false;
      break;
    case 3:
      verdict.action = "CHALLENGE";
      verdict.reasons = {"SMART_RATE_LIMIT_WARNING"};
      break;
    default:
      verdict.action = "ALLOW";
      break;
  }
  return f;
}

void StytchData::BuildLookup(const StytchLookupFacts& f, bool post,
                             const std::map<std::string, std::string>& external_metadata,
                             rapidjson::Document* doc) {
  doc->SetObject();
  Allocator& alloc = doc->GetAllocator();
  // The vendor's GET example has no request_id (its field list names one; the example wins).
  if (post) doc->AddMember("request_id", Str(f.request_id, alloc), alloc);
  doc->AddMember("status_code", 200, alloc);
  doc->AddMember("telemetry_id", Str(f.telemetry_id, alloc), alloc);

  Value fingerprints(rapidjson::kObjectType);
  fingerprints.AddMember("network_fingerprint", Str(f.network_fingerprint, alloc), alloc);
  fingerprints.AddMember("hardware_fingerprint", Str(f.hardware_fingerprint, alloc), alloc);
  fingerprints.AddMember("browser_fingerprint", Str(f.browser_fingerprint, alloc), alloc);
  fingerprints.AddMember("visitor_fingerprint", Str(f.visitor_fingerprint, alloc), alloc);
  if (!f.visitor_id.empty()) {
    fingerprints.AddMember("visitor_id", Str(f.visitor_id, alloc), alloc);
    fingerprints.AddMember("browser_id", Str(f.browser_id, alloc), alloc);
  }
  doc->AddMember("fingerprints", fingerprints, alloc);

  Value verdict(rapidjson::kObjectType);
  verdict.AddMember("action", Str(f.verdict.action, alloc), alloc);
  Value reasons(rapidjson::kArrayType);
  for (const std::string& reason : f.verdict.reasons) reasons.PushBack(Str(reason, alloc), alloc);
  verdict.AddMember("reasons", reasons, alloc);
  verdict.AddMember("detected_device_type", Str(f.verdict.detected_device_type, alloc), alloc);
  verdict.AddMember("is_authentic_device", f.verdict.is_authentic_device, alloc);
  // Required in the vendor's response type, whichever method asked.
  Value overrides(rapidjson::kArrayType);
  for (const StytchAppliedOverride& o : f.verdict.overrides) {
    Value item(rapidjson::kObjectType);
    item.AddMember("verdict_reason", Str(o.verdict_reason, alloc), alloc);
    item.AddMember("override_action", Str(o.override_action, alloc), alloc);
    overrides.PushBack(item, alloc);
  }
  verdict.AddMember("verdict_reason_overrides", overrides, alloc);
  // The deprecated GET's example shows an empty rule_match_type when no rule matched.
  if (!f.verdict.rule_match_type.empty() || !post) {
    verdict.AddMember("rule_match_type", Str(f.verdict.rule_match_type, alloc), alloc);
    verdict.AddMember("rule_match_identifier", Str(f.verdict.rule_match_identifier, alloc), alloc);
  }
  doc->AddMember("verdict", verdict, alloc);

  if (post) {
    Value metadata(rapidjson::kObjectType);
    for (const auto& [key, value] : external_metadata) {
      metadata.AddMember(Str(key, alloc), Str(value, alloc), alloc);
    }
    doc->AddMember("external_metadata", metadata, alloc);
  }
  doc->AddMember("created_at", Str(StytchTime(f.created_at_ms), alloc), alloc);
  doc->AddMember("expires_at", Str(StytchTime(f.expires_at_ms), alloc), alloc);

  if (post) {
    Value network(rapidjson::kObjectType);
    network.AddMember("ip_address", Str(f.ip_address, alloc), alloc);
    Value asn(rapidjson::kObjectType);
    asn.AddMember("asn", Str(f.asn, alloc), alloc);
    asn.AddMember("name", Str(f.asn_name, alloc), alloc);
    asn.AddMember("network", Str(f.asn_network, alloc), alloc);
    network.AddMember("asn", asn, alloc);
    Value geo(rapidjson::kObjectType);
    geo.AddMember("city", Str(f.city, alloc), alloc);
    geo.AddMember("region", Str(f.region, alloc), alloc);
    geo.AddMember("country", Str(f.country, alloc), alloc);
    network.AddMember("ip_geolocation", geo, alloc);
    network.AddMember("is_proxy", f.is_proxy, alloc);
    network.AddMember("is_vpn", f.is_vpn, alloc);
    Value browser(rapidjson::kObjectType);
    browser.AddMember("user_agent", Str(f.user_agent, alloc), alloc);
    Value properties(rapidjson::kObjectType);
    properties.AddMember("network_properties", network, alloc);
    properties.AddMember("browser_properties", browser, alloc);
    doc->AddMember("properties", properties, alloc);
  }
}

std::vector<StytchRule> StytchData::SeedRules() const {
  struct Kind {
    const char* rule_type;
    const char* key;
  };
  constexpr Kind kKinds[] = {
      {"VISITOR_ID", "visitor_id"},
      {"BROWSER_ID", "browser_id"},
      {"VISITOR_FINGERPRINT", "visitor_fingerprint"},
      {"BROWSER_FINGERPRINT", "browser_fingerprint"},
      {"HARDWARE_FINGERPRINT", "hardware_fingerprint"},
      {"NETWORK_FINGERPRINT", "network_fingerprint"},
      {"CIDR_BLOCK", "cidr_block"},
      {"ASN", "asn"},
      {"COUNTRY_CODE", "country_code"},
  };
  constexpr const char* kCountries[] = {"KP", "IR", "RU", "BY", "SY", "CU"};
  constexpr const char* kActions[] = {"BLOCK", "CHALLENGE", "ALLOW"};
  std::vector<StytchRule> rules;
  for (int i = 0; i < kStytchSeedRules; ++i) {
    const Kind& kind = kKinds[i % 9];
    const std::string n = absl::StrCat("seed-rule-", i);
    const uint64_t h = Mix(seed_, "rule", n);
    StytchRule rule;
    rule.rule_type = kind.rule_type;
    rule.key = kind.key;
    const std::string id = Uuid("rule", n);
    switch (i % 9) {
      case 0:
        rule.value = absl::StrCat("visitor-", id);
        break;
      case 1:
        rule.value = absl::StrCat("browser-id-", id);
        break;
      case 2:
        rule.value = absl::StrCat("visitor-fingerprint-", id);
        break;
      case 3:
        rule.value = absl::StrCat("browser-fingerprint-", id);
        break;
      case 4:
        rule.value = absl::StrCat("hardware-fingerprint-", id);
        break;
      case 5:
        rule.value = absl::StrCat("network-fingerprint-", id);
        break;
      case 6:
        rule.value = absl::StrCat("203.0.", (h >> 8) % 256, ".0/24");
        break;
      case 7:
        rule.value = absl::StrCat(64512 + (h >> 8) % 1000);
        break;
      default:
        rule.value = kCountries[(i / 9) % 6];
        break;
    }
    // ALLOW is not allowed on country codes.
    rule.action = kActions[(h >> 16) % (i % 9 == 8 ? 2 : 3)];
    rule.description = absl::StrCat("sandbox seed rule ", i);
    rule.created_at_ms = kAnchorMs - static_cast<int64_t>(kStytchSeedRules - i) * kDayMs;
    if ((h >> 24) % 3 == 0) rule.last_updated_at_ms = rule.created_at_ms + 3600 * 1000;
    if ((h >> 28) % 4 == 0) rule.expires_at_ms = rule.created_at_ms + 365 * kDayMs;
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace fpgw::sandbox
