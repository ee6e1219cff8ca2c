#include "sandbox/stytch/routes.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/json_chars.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/router.h"
#include "sandbox/scenario.h"
#include "sandbox/stytch/data.h"
#include "sandbox/vendor_routes.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr size_t kMaxExternalMetadataChars = 65;
constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 100;
constexpr absl::string_view kCursorPrefix = "stytch-rules.";
constexpr absl::string_view kErrorUrlBase =
    "https://stytch.com/docs/api-reference/fraud/api/errors/";

// Endpoint kinds: Stytch answers every endpoint alike; kinds only name them.
constexpr uint32_t kLookup = 1;
constexpr uint32_t kManage = 2;

// The vendor's 401 (fraud API errors page) for a project id and secret that do not match.
constexpr VendorError kUnauthorized{401, "unauthorized_credentials_error",
                                    "The provided credentials are invalid."};
// The vendor's 400 for a missing Authorization header or one that is not Basic
// base64(project_id:secret) (its first listed causes).
constexpr VendorError kInvalidAuthorizationHeader{
    400, "invalid_authorization_header",
    "The authorization header provided with the request is invalid."};
constexpr VendorError kTelemetryIdNotFound{
    404, "telemetry_id_not_found",
    "Telemetry ID not found. The telemetry ID may be expired, missing, or invalid."};

// The error scenarios (every route; lookup also by telemetry id). The delivery scenarios come
// with every vendor.
constexpr ScenarioRow kScenarioRows[] = {
    Answer("not-found", kTelemetryIdNotFound),
    Answer("rate-limited",
           {429, "too_many_requests",
            "Too many requests have been made. Implement an exponential backoff of your "
            "requests."})
        .RetryAfter(1),
    Answer("rate-limited-bare",
           {429, "too_many_requests",
            "Too many requests have been made. Implement an exponential backoff of your "
            "requests."}),
    Answer("server-error", {500, "internal_server_error",
                            "Oops, something seems to have gone wrong, please try again later."}),
    Answer("service-unavailable",
           {503, "service_unavailable", "Service unavailable. Please try again later."}),
    Answer("unauthorized", kUnauthorized),
};
// A lookup with that verdict, or drifted.
constexpr absl::string_view kBodyScenarios[] = {"drift", "block", "challenge", "allow"};
constexpr ScenarioTable kScenarios{"stytch",
                                   kScenarioRows,
                                   kBodyScenarios,
                                   {400, "bad_request", "Unknown sandbox scenario \"$0\"."}};

// Whether the scenario token itself names a scenario (`sandbox-<name>…`): such a telemetry id
// stands for a lookup the test shaped, so it is found although it is no UUID.
bool SelectsScenario(absl::string_view token) {
  constexpr absl::string_view kPrefix = "sandbox-";
  if (!absl::StartsWith(token, kPrefix)) return false;
  std::vector<absl::string_view> names;
  for (const ScenarioRow& row : kScenarioRows) names.push_back(row.scenario);
  names.insert(names.end(), std::begin(kBodyScenarios), std::end(kBodyScenarios));
  return ParseScenario(token.substr(kPrefix.size()), names).has_value();
}

// The credentials of `Authorization: Basic <base64(project_id:secret)>` as RFC 7617 writes them:
// the scheme (any case), then the canonical padded base64 of a value with a colon after a
// non-empty project id. Nothing else: no other scheme, no unpadded or URL-safe base64, no
// whitespace inside it. Returns false for anything else.
bool DecodeBasicCredentials(absl::string_view header, std::string* decoded) {
  constexpr absl::string_view kScheme = "Basic";
  header = absl::StripAsciiWhitespace(header);
  if (header.size() <= kScheme.size() || !absl::StartsWithIgnoreCase(header, kScheme) ||
      header[kScheme.size()] != ' ') {
    return false;
  }
  const absl::string_view encoded =
      absl::StripLeadingAsciiWhitespace(header.substr(kScheme.size()));
  const size_t padding = encoded.size() - encoded.find_last_not_of('=') - 1;
  const bool canonical =
      !encoded.empty() && encoded.size() % 4 == 0 && padding <= 2 &&
      std::all_of(encoded.begin(), encoded.end() - padding, [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
      });
  if (!canonical || !absl::Base64Unescape(encoded, decoded)) return false;
  const size_t colon = decoded->find(':');
  return colon != std::string::npos && colon > 0;
}

struct IdentifierKind {
  absl::string_view key;
  absl::string_view rule_type;
};

// In the vendor's precedence order (a lookup reports the first matching rule).
constexpr IdentifierKind kIdentifierKinds[] = {
    {"visitor_id", "VISITOR_ID"},
    {"browser_id", "BROWSER_ID"},
    {"visitor_fingerprint", "VISITOR_FINGERPRINT"},
    {"browser_fingerprint", "BROWSER_FINGERPRINT"},
    {"hardware_fingerprint", "HARDWARE_FINGERPRINT"},
    {"network_fingerprint", "NETWORK_FINGERPRINT"},
    {"cidr_block", "CIDR_BLOCK"},
    {"asn", "ASN"},
    {"country_code", "COUNTRY_CODE"},
};

bool IsAction(absl::string_view action) {
  return action == "ALLOW" || action == "CHALLENGE" || action == "BLOCK";
}

std::optional<absl::string_view> DefaultAction(absl::string_view reason) {
  for (const StytchReasonDefault& entry : kStytchVerdictReasons) {
    if (entry.verdict_reason == reason) return entry.default_action;
  }
  return std::nullopt;
}

bool IsExternalMetadataValue(absl::string_view value) {
  return value.size() <= kMaxExternalMetadataChars &&
         std::all_of(value.begin(), value.end(), [](char c) {
           return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                  c == '+' || c == '.' || c == '@';
         });
}

// Parses "a.b.c.d" into a 32-bit value.
std::optional<uint32_t> ParseIpv4(absl::string_view text) {
  uint32_t out = 0;
  int parts = 0;
  while (parts < 4) {
    size_t dot = text.find('.');
    absl::string_view part = text.substr(0, dot);
    uint32_t octet = 0;
    if (part.empty() || part.size() > 3 || !absl::SimpleAtoi(part, &octet) || octet > 255) {
      return std::nullopt;
    }
    out = (out << 8) | octet;
    ++parts;
    if (dot == absl::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  if (parts != 4) return std::nullopt;
  return out;
}

// An IPv4 address or CIDR with a prefix of 16..32 (the vendor's rule limits).
struct Cidr {
  uint32_t base = 0;
  int prefix = 32;
};
std::optional<Cidr> ParseCidr(absl::string_view text, bool* bad_prefix) {
  *bad_prefix = false;
  Cidr cidr;
  const size_t slash = text.find('/');
  std::optional<uint32_t> ip = ParseIpv4(text.substr(0, slash));
  if (!ip.has_value()) return std::nullopt;
  if (slash != absl::string_view::npos &&
      (!absl::SimpleAtoi(text.substr(slash + 1), &cidr.prefix) || cidr.prefix < 16 ||
       cidr.prefix > 32)) {
    *bad_prefix = true;
    return std::nullopt;
  }
  const uint32_t mask = cidr.prefix == 32 ? 0xffffffffu : ~((1u << (32 - cidr.prefix)) - 1);
  cidr.base = *ip & mask;
  return cidr;
}

bool CidrContains(absl::string_view cidr_text, absl::string_view ip_text) {
  bool bad_prefix = false;
  std::optional<Cidr> cidr = ParseCidr(cidr_text, &bad_prefix);
  std::optional<uint32_t> ip = ParseIpv4(ip_text);
  if (!cidr.has_value() || !ip.has_value()) return false;
  const uint32_t mask = cidr->prefix == 32 ? 0xffffffffu : ~((1u << (32 - cidr->prefix)) - 1);
  return (*ip & mask) == cidr->base;
}

rapidjson::Value Str(absl::string_view text, rapidjson::Document::AllocatorType& alloc) {
  return rapidjson::Value(fpgw::JsonChars(text), static_cast<rapidjson::SizeType>(text.size()),
                          alloc);
}

std::string StringMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// ----------------------------------------------------------------------------------------------
// The routes and the in-memory state of rules and overrides.

class StytchRoutes final : public VendorRoutes {
 public:
  StytchRoutes(uint64_t seed, absl::string_view credential)
      : VendorRoutes(kScenarios), seed_(seed), data_(seed), credential_(credential) {
    for (StytchRule& rule : data_.SeedRules()) rules_.emplace(next_rule_seq_++, std::move(rule));
    const PrepareFn read_body = BindPrepare(&StytchRoutes::ReadJsonBody);
    AddEndpoint({"GET", Exact("/v1/fingerprint/lookup"), kRouteStytchLookup, kLookup,
                 TokenFromQuery("telemetry_id"), Bind(&StytchRoutes::HandleLookup)});
    AddEndpoint({"POST", Exact("/v1/fingerprint/lookup"), kRouteStytchLookup, kLookup,
                 BindPrepare(&StytchRoutes::ReadLookupBody), Bind(&StytchRoutes::HandleLookup)});
    AddEndpoint({"POST", Exact("/v1/rules/set"), kRouteStytchSetRule, kManage, read_body,
                 Bind(&StytchRoutes::HandleSetRule)});
    AddEndpoint({"POST", Exact("/v1/rules/list"), kRouteStytchListRules, kManage, read_body,
                 Bind(&StytchRoutes::HandleListRules)});
    AddEndpoint({"POST", Exact("/v1/verdict_reasons/override"), kRouteStytchOverrideVerdictReason,
                 kManage, read_body, Bind(&StytchRoutes::HandleOverride)});
    AddEndpoint({"POST", Exact("/v1/verdict_reasons/list"), kRouteStytchListVerdictReasons, kManage,
                 read_body, Bind(&StytchRoutes::HandleListReasons)});
  }

 private:
  struct Override {
    std::string action;
    std::string description;
    int64_t created_at_ms = 0;
  };

  int HandleLookup(Exchange& ex, const Call& call);
  int HandleSetRule(Exchange& ex, const Call& call);
  int HandleListRules(Exchange& ex, const Call& call);
  int HandleOverride(Exchange& ex, const Call& call);
  int HandleListReasons(Exchange& ex, const Call& call);

  // Every Stytch error is the same object, whatever the endpoint.
  int WriteError(Exchange& ex, const Call& call, const VendorError& error,
                 const std::vector<Header>& extra) const override;
  int SendUnknownPath(Exchange& ex) const override {
    const std::string message = absl::StrCat("No route found for ", ex.path());
    return WriteError(ex, Call(), {404, "route_not_found", message}, {});
  }
  // Checks `Authorization: Basic base64(project_id:secret)`: missing or malformed → 400
  // invalid_authorization_header, credentials that do not match → 401.
  bool Authorized(Exchange& ex, const Call& call) const override;
  // Reads a JSON object body into `call.body`; sends 400 and returns false when it is not one.
  bool ReadJsonBody(Exchange& ex, Call& call) const;
  // ReadJsonBody, and the body's `telemetry_id` is the scenario token.
  bool ReadLookupBody(Exchange& ex, Call& call) const;
  // Applies stored rules (a matching rule decides) and verdict-reason overrides to `facts`.
  void ApplyRulesAndOverrides(StytchLookupFacts* facts) const;
  static void Drift(rapidjson::Document* doc);

  std::string NextRequestId() const {
    return data_.RequestId("call", request_seq_.fetch_add(1, std::memory_order_relaxed));
  }
  // `{"request_id": ..., "status_code": 200}`, the start of every successful answer but lookup's.
  rapidjson::Document OkBody() const {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& alloc = doc.GetAllocator();
    doc.AddMember("request_id", Str(NextRequestId(), alloc), alloc);
    doc.AddMember("status_code", 200, alloc);
    return doc;
  }
  rapidjson::Value RuleJson(const StytchRule& rule,
                            rapidjson::Document::AllocatorType& alloc) const;
  rapidjson::Value ReasonJson(absl::string_view reason, absl::string_view default_action,
                              const Override* override_entry,
                              rapidjson::Document::AllocatorType& alloc) const;

  const uint64_t seed_;
  const StytchData data_;
  // "project_id:secret", as the Basic credentials decode.
  const std::string credential_;
  mutable std::atomic<uint64_t> request_seq_{0};

  mutable absl::Mutex mu_;
  // Rules by insertion sequence: the list order, and the cursor's anchor.
  std::map<uint64_t, StytchRule> rules_ ABSL_GUARDED_BY(mu_);
  uint64_t next_rule_seq_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::string, Override> overrides_ ABSL_GUARDED_BY(mu_);
};

int StytchRoutes::WriteError(Exchange& ex, const Call&, const VendorError& error,
                             const std::vector<Header>& extra) const {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("status_code", error.status, alloc);
  doc.AddMember("request_id", Str(NextRequestId(), alloc), alloc);
  doc.AddMember("error_type", Str(error.code, alloc), alloc);
  doc.AddMember("error_message", Str(error.message, alloc), alloc);
  doc.AddMember("error_url", Str(absl::StrCat(kErrorUrlBase, error.status, "#", error.code), alloc),
                alloc);
  return ex.Send(error.status, "application/json", Serialize(doc), extra);
}

bool StytchRoutes::Authorized(Exchange& ex, const Call& call) const {
  std::string decoded;
  const std::optional<absl::string_view> header = ex.RequestHeader("Authorization");
  if (!header.has_value() || !DecodeBasicCredentials(*header, &decoded)) {
    OPENSSL_cleanse(decoded.data(), decoded.size());
    return Refuse(ex, call, kInvalidAuthorizationHeader);
  }
  const bool ok = SecretMatches(decoded, credential_);
  OPENSSL_cleanse(decoded.data(), decoded.size());
  if (!ok) return Refuse(ex, call, kUnauthorized);
  return true;
}

bool StytchRoutes::ReadJsonBody(Exchange& ex, Call& call) const {
  rapidjson::Document* doc = &call.body;
  std::optional<std::string> body = ex.ReadBody(kMaxBodyBytes);
  if (!body.has_value()) {
    return Refuse(ex, call, {400, "invalid_request_body", "The request body is too large."});
  }
  if (body->empty()) body = "{}";
  doc->Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
  if (doc->HasParseError() || !doc->IsObject()) {
    return Refuse(ex, call,
                  {400, "invalid_request_body", "The request body must be a JSON object."});
  }
  return true;
}

bool StytchRoutes::ReadLookupBody(Exchange& ex, Call& call) const {
  if (!ReadJsonBody(ex, call)) return false;
  call.token = StringMember(call.body, "telemetry_id");
  return true;
}

void StytchRoutes::ApplyRulesAndOverrides(StytchLookupFacts* f) const {
  StytchVerdict& verdict = f->verdict;
  absl::MutexLock lock(&mu_);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  // The first rule in precedence order wins.
  for (const IdentifierKind& kind : kIdentifierKinds) {
    for (const auto& [seq, rule] : rules_) {
      if (rule.key != kind.key) continue;
      if (rule.expires_at_ms != 0 && rule.expires_at_ms <= now_ms) continue;
      bool match = false;
      if (kind.key == "visitor_id") match = !f->visitor_id.empty() && rule.value == f->visitor_id;
      if (kind.key == "browser_id") match = !f->browser_id.empty() && rule.value == f->browser_id;
      if (kind.key == "visitor_fingerprint") match = rule.value == f->visitor_fingerprint;
      if (kind.key == "browser_fingerprint") match = rule.value == f->browser_fingerprint;
      if (kind.key == "hardware_fingerprint") match = rule.value == f->hardware_fingerprint;
      if (kind.key == "network_fingerprint") match = rule.value == f->network_fingerprint;
      if (kind.key == "cidr_block") match = CidrContains(rule.value, f->ip_address);
      if (kind.key == "asn") match = rule.value == f->asn;
      if (kind.key == "country_code") match = rule.value == f->country_code;
      if (!match) continue;
      verdict.action = rule.action;
      verdict.reasons.push_back("RULE_MATCH");
      verdict.rule_match_type = std::string(kind.rule_type);
      verdict.rule_match_identifier = rule.value;
      return;
    }
  }
  // No rule: overrides replace the default action of the reasons they name; the strictest wins.
  auto rank = [](absl::string_view action) {
    return action == "BLOCK" ? 3 : action == "CHALLENGE" ? 2 : action == "ALLOW" ? 1 : 0;
  };
  bool overridden = false;
  std::string action;
  for (const std::string& reason : verdict.reasons) {
    auto it = overrides_.find(reason);
    std::string reason_action;
    if (it != overrides_.end()) {
      verdict.overrides.push_back({reason, it->second.action});
      reason_action = it->second.action;
      overridden = true;
    } else {
      reason_action = std::string(DefaultAction(reason).value_or(verdict.action));
    }
    if (rank(reason_action) > rank(action)) action = reason_action;
  }
  if (overridden) verdict.action = action;
}

void StytchRoutes::Drift(rapidjson::Document* doc) {
  auto& alloc = doc->GetAllocator();
  auto set = [&](rapidjson::Value& object, const char* key, rapidjson::Value value) {
    if (!object.IsObject()) return;
    auto it = object.FindMember(key);
    if (it != object.MemberEnd()) {
      it->value = value;
    } else {
      object.AddMember(rapidjson::StringRef(key), value, alloc);
    }
  };
  // Type changes, an out-of-enum value and unknown fields, the way a schema drifts.
  set(*doc, "status_code", rapidjson::Value("200"));
  set(*doc, "created_at", rapidjson::Value(static_cast<int64_t>(1767225600)));
  set(*doc, "sandbox_future_field", rapidjson::Value("introduced later"));
  auto verdict = doc->FindMember("verdict");
  if (verdict != doc->MemberEnd()) {
    set(verdict->value, "action", rapidjson::Value("REVIEW"));
    set(verdict->value, "is_authentic_device", rapidjson::Value("yes"));
    set(verdict->value, "sandbox_extra", rapidjson::Value(42));
  }
  auto properties = doc->FindMember("properties");
  if (properties != doc->MemberEnd() && properties->value.IsObject()) {
    auto network = properties->value.FindMember("network_properties");
    if (network != properties->value.MemberEnd()) {
      set(network->value, "is_vpn", rapidjson::Value(1));
    }
  }
}

int StytchRoutes::HandleLookup(Exchange& ex, const Call& call) {
  const bool post = ex.method() == "POST";
  const std::string& telemetry_id = call.token;
  std::map<std::string, std::string> metadata;
  bool metadata_ok = true;
  if (post) {
    const rapidjson::Document& body = call.body;
    auto meta = body.FindMember("external_metadata");
    if (meta != body.MemberEnd() && !meta->value.IsNull()) {
      if (!meta->value.IsObject()) {
        metadata_ok = false;
      } else {
        for (const auto& member : meta->value.GetObject()) {
          const std::string key(member.name.GetString(), member.name.GetStringLength());
          if (!member.value.IsString() ||
              !IsExternalMetadataValue(
                  absl::string_view(member.value.GetString(), member.value.GetStringLength()))) {
            metadata_ok = false;
            break;
          }
          metadata[key] = member.value.GetString();
        }
      }
    }
  }

  if (!metadata_ok) {
    return SendError(ex, call,
                     {400, "invalid_external_metadata",
                      "External metadata values must be at most 65 characters and contain only "
                      "alphanumeric characters and _ - + . @"});
  }
  // A telemetry id the generator never made (not a UUID, or one of the UUIDs the seed leaves
  // unknown) is the vendor's 404, as an expired or forged one is.
  if (!IsKnownTelemetryId(seed_, telemetry_id) && !SelectsScenario(telemetry_id)) {
    return SendError(ex, call, kTelemetryIdNotFound);
  }

  StytchLookupFacts facts = data_.Facts(telemetry_id);
  ApplyRulesAndOverrides(&facts);
  if (call.scenario.Is("block")) {
    facts.verdict.action = "BLOCK";
    facts.verdict.reasons = {"HEADLESS_BROWSER_AUTOMATION"};
    facts.verdict.is_authentic_device = false;
  } else if (call.scenario.Is("challenge")) {
    facts.verdict.action = "CHALLENGE";
    facts.verdict.reasons = {"VIRTUAL_MACHINE"};
  } else if (call.scenario.Is("allow")) {
    facts.verdict.action = "ALLOW";
    facts.verdict.reasons.clear();
    facts.verdict.is_authentic_device = true;
  }
  rapidjson::Document doc;
  StytchData::BuildLookup(facts, post, metadata, &doc);
  if (call.scenario.Is("drift")) Drift(&doc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

rapidjson::Value StytchRoutes::RuleJson(const StytchRule& rule,
                                        rapidjson::Document::AllocatorType& alloc) const {
  rapidjson::Value out(rapidjson::kObjectType);
  out.AddMember("rule_type", Str(rule.rule_type, alloc), alloc);
  out.AddMember(Str(rule.key, alloc), Str(rule.value, alloc), alloc);
  out.AddMember("action", Str(rule.action, alloc), alloc);
  if (!rule.description.empty()) {
    out.AddMember("description", Str(rule.description, alloc), alloc);
  }
  out.AddMember("created_at", Str(StytchTime(rule.created_at_ms), alloc), alloc);
  if (rule.last_updated_at_ms != 0) {
    out.AddMember("last_updated_at", Str(StytchTime(rule.last_updated_at_ms), alloc), alloc);
  } else {
    out.AddMember("last_updated_at", rapidjson::Value(rapidjson::kNullType), alloc);
  }
  if (rule.expires_at_ms != 0) {
    out.AddMember("expires_at", Str(StytchTime(rule.expires_at_ms), alloc), alloc);
  }
  return out;
}

int StytchRoutes::HandleSetRule(Exchange& ex, const Call& call) {
  const rapidjson::Document& body = call.body;

  const std::string action = StringMember(body, "action");
  if (!IsAction(action) && action != "NONE") {
    return SendError(ex, call,
                     {400, "invalid_action_for_rules",
                      "action must be one of ALLOW, CHALLENGE, BLOCK or NONE."});
  }
  const IdentifierKind* kind = nullptr;
  std::string value;
  int identifiers = 0;
  for (const IdentifierKind& candidate : kIdentifierKinds) {
    auto it = body.FindMember(rapidjson::StringRef(candidate.key.data(), candidate.key.size()));
    if (it == body.MemberEnd() || it->value.IsNull()) continue;
    ++identifiers;
    kind = &candidate;
    value = it->value.IsString() ? it->value.GetString() : "";
  }
  if (identifiers != 1 || value.empty()) {
    return SendError(ex, call,
                     {400, "invalid_fingerprint_or_id",
                      "Exactly one fingerprint, ID, CIDR block, ASN or country code must be set."});
  }
  if (kind->key == "cidr_block") {
    bool bad_prefix = false;
    if (!ParseCidr(value, &bad_prefix).has_value()) {
      return bad_prefix ? SendError(ex, call,
                                    {400, "cidr_block_invalid_prefix",
                                     "CIDR block prefixes must be between 16 and 32."})
                        : SendError(ex, call,
                                    {400, "invalid_cidr_block",
                                     "cidr_block must be an IP address or a CIDR block."});
    }
  } else if (kind->key == "country_code") {
    if (value.size() != 2 || !absl::ascii_isupper(static_cast<unsigned char>(value[0])) ||
        !absl::ascii_isupper(static_cast<unsigned char>(value[1]))) {
      return SendError(
          ex, call,
          {400, "invalid_country_code", "country_code must be an ISO 3166-1 alpha-2 code."});
    }
    if (action == "ALLOW") {
      return SendError(
          ex, call,
          {400, "invalid_country_code_allow_rule", "ALLOW rules cannot be set on a country code."});
    }
  } else if (kind->key == "asn") {
    uint32_t asn = 0;
    if (!absl::SimpleAtoi(value, &asn) ||
        !std::all_of(value.begin(), value.end(), absl::ascii_isdigit)) {
      return SendError(ex, call,
                       {400, "invalid_asn", "asn must be an integer from 0 to 4294967295."});
    }
  }
  int64_t expires_in_minutes = 0;
  if (auto it = body.FindMember("expires_in_minutes");
      it != body.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64() || it->value.GetInt64() <= 0) {
      return SendError(
          ex, call,
          {400, "invalid_expires_in_minutes", "expires_in_minutes must be a positive integer."});
    }
    expires_in_minutes = it->value.GetInt64();
  }
  const std::string description = StringMember(body, "description");

  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  int64_t expires_at_ms = 0;
  {
    absl::MutexLock lock(&mu_);
    auto existing = std::find_if(rules_.begin(), rules_.end(), [&](const auto& entry) {
      return entry.second.key == kind->key && entry.second.value == value;
    });
    if (action == "NONE") {
      if (existing != rules_.end()) rules_.erase(existing);
    } else {
      StytchRule* rule = nullptr;
      if (existing != rules_.end()) {
        rule = &existing->second;
        rule->last_updated_at_ms = now_ms;
      } else {
        rule = &rules_[next_rule_seq_++];
        rule->rule_type = std::string(kind->rule_type);
        rule->key = std::string(kind->key);
        rule->value = value;
        rule->created_at_ms = now_ms;
      }
      rule->action = action;
      rule->description = description;
      rule->expires_at_ms = expires_in_minutes > 0 ? now_ms + expires_in_minutes * 60 * 1000 : 0;
      expires_at_ms = rule->expires_at_ms;
    }
  }

  rapidjson::Document doc = OkBody();
  auto& alloc = doc.GetAllocator();
  doc.AddMember("action", Str(action, alloc), alloc);
  doc.AddMember(Str(kind->key, alloc), Str(value, alloc), alloc);
  if (expires_at_ms != 0) {
    doc.AddMember("expires_at", Str(StytchTime(expires_at_ms), alloc), alloc);
  }
  return ex.SendJson(call.scenario, Serialize(doc));
}

int StytchRoutes::HandleListRules(Exchange& ex, const Call& call) {
  const rapidjson::Document& body = call.body;

  int limit = kDefaultLimit;
  if (auto it = body.FindMember("limit"); it != body.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt() || it->value.GetInt() < 1 || it->value.GetInt() > kMaxLimit) {
      return SendError(ex, call, {400, "invalid_limit", "limit must be between 1 and 100."});
    }
    limit = it->value.GetInt();
  }
  // The cursor names the last rule of the previous page, so deletions do not shift pages.
  uint64_t after = 0;
  if (auto it = body.FindMember("cursor"); it != body.MemberEnd() && !it->value.IsNull()) {
    std::string decoded;
    const std::string cursor = it->value.IsString() ? it->value.GetString() : "";
    if (cursor.empty() || !absl::WebSafeBase64Unescape(cursor, &decoded) ||
        !absl::StartsWith(decoded, kCursorPrefix) ||
        !absl::SimpleAtoi(absl::string_view(decoded).substr(kCursorPrefix.size()), &after)) {
      return SendError(ex, call, {400, "dfp_rule_invalid_cursor", "The cursor is invalid."});
    }
  }

  rapidjson::Document doc = OkBody();
  auto& alloc = doc.GetAllocator();
  rapidjson::Value rules(rapidjson::kArrayType);
  std::string next_cursor;
  {
    absl::MutexLock lock(&mu_);
    auto it = rules_.upper_bound(after);
    uint64_t last = after;
    for (int n = 0; n < limit && it != rules_.end(); ++n, ++it) {
      rules.PushBack(RuleJson(it->second, alloc), alloc);
      last = it->first;
    }
    if (it != rules_.end()) {
      next_cursor = absl::WebSafeBase64Escape(absl::StrCat(kCursorPrefix, last));
    }
  }
  doc.AddMember("rules", rules, alloc);
  if (next_cursor.empty()) {
    doc.AddMember("next_cursor", rapidjson::Value(rapidjson::kNullType), alloc);
  } else {
    doc.AddMember("next_cursor", Str(next_cursor, alloc), alloc);
  }
  return ex.SendJson(call.scenario, Serialize(doc));
}

rapidjson::Value StytchRoutes::ReasonJson(absl::string_view reason,
                                          absl::string_view default_action,
                                          const Override* override_entry,
                                          rapidjson::Document::AllocatorType& alloc) const {
  rapidjson::Value out(rapidjson::kObjectType);
  out.AddMember("verdict_reason", Str(reason, alloc), alloc);
  out.AddMember("default_action", Str(default_action, alloc), alloc);
  if (override_entry != nullptr) {
    out.AddMember("override_action", Str(override_entry->action, alloc), alloc);
    out.AddMember("override_created_at", Str(StytchTime(override_entry->created_at_ms), alloc),
                  alloc);
    out.AddMember("override_description", Str(override_entry->description, alloc), alloc);
  }
  return out;
}

int StytchRoutes::HandleOverride(Exchange& ex, const Call& call) {
  const rapidjson::Document& body = call.body;

  const std::string reason = StringMember(body, "verdict_reason");
  const std::string action = StringMember(body, "override_action");
  if (reason == "RULE_MATCH") {
    return SendError(
        ex, call,
        {400, "invalid_verdict_reason", "The RULE_MATCH verdict reason cannot be overridden."});
  }
  std::optional<absl::string_view> default_action = DefaultAction(reason);
  if (!default_action.has_value()) {
    return SendError(ex, call,
                     {400, "invalid_verdict_reason",
                      "verdict_reason is not a verdict reason that can be overridden."});
  }
  if (!IsAction(action) && action != "NONE") {
    return SendError(ex, call,
                     {400, "invalid_override_action",
                      "override_action must be one of ALLOW, CHALLENGE, BLOCK or NONE."});
  }
  rapidjson::Document doc = OkBody();
  auto& alloc = doc.GetAllocator();
  {
    absl::MutexLock lock(&mu_);
    if (action == "NONE") {
      overrides_.erase(reason);
      doc.AddMember("verdict_reason_action", ReasonJson(reason, *default_action, nullptr, alloc),
                    alloc);
    } else {
      Override& entry = overrides_[reason];
      entry.action = action;
      entry.description = StringMember(body, "override_description");
      entry.created_at_ms = absl::ToUnixMillis(absl::Now());
      doc.AddMember("verdict_reason_action", ReasonJson(reason, *default_action, &entry, alloc),
                    alloc);
    }
  }
  return ex.SendJson(call.scenario, Serialize(doc));
}

int StytchRoutes::HandleListReasons(Exchange& ex, const Call& call) {
  const rapidjson::Document& body = call.body;

  bool overrides_only = false;
  if (auto it = body.FindMember("overrides_only"); it != body.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsBool()) {
      return SendError(ex, call,
                       {400, "invalid_request_body", "overrides_only must be a boolean."});
    }
    overrides_only = it->value.GetBool();
  }
  rapidjson::Document doc = OkBody();
  auto& alloc = doc.GetAllocator();
  rapidjson::Value actions(rapidjson::kArrayType);
  {
    absl::MutexLock lock(&mu_);
    for (const StytchReasonDefault& entry : kStytchVerdictReasons) {
      auto it = overrides_.find(std::string(entry.verdict_reason));
      const Override* override_entry = it != overrides_.end() ? &it->second : nullptr;
      if (overrides_only && override_entry == nullptr) continue;
      actions.PushBack(
          ReasonJson(entry.verdict_reason, entry.default_action, override_entry, alloc), alloc);
    }
  }
  doc.AddMember("verdict_reason_actions", actions, alloc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

// ----------------------------------------------------------------------------------------------
// The module.

constexpr SandboxIntegration kIntegrations[] = {
    {"stytch", "stytch", "", "", true, R"({"token":"026ac93b-8cdf-4fcb-bfa6-36a31cfecac1"})"},
};
constexpr SandboxVendorInfo kInfo{"stytch", "FPGW_SANDBOX_STYTCH_CREDENTIAL", "stytch.credential",
                                  "project-test-sandbox:secret-test-", kIntegrations};
constexpr RoutePrefix kPrefixes[] = {{"/v1"}};

// "project_id:secret", both parts non-empty.
absl::Status CheckCredential(absl::string_view credential) {
  const size_t colon = credential.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == credential.size()) {
    return absl::InvalidArgumentError("must be project_id:secret, both set");
  }
  return absl::OkStatus();
}

}  // namespace

const SandboxVendor& StytchSandboxVendor() {
  static const SandboxVendor* const kModule =
      new RoutesModule<StytchRoutes>(kInfo, kPrefixes, kScenarios, &CheckCredential);
  return *kModule;
}

}  // namespace fpgw::sandbox
