#include "sandbox/fingerprint_v4_routes.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/fingerprint_v4_data.h"
#include "sandbox/router.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxUpdateBodyBytes = 64 * 1024;
constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 100;
constexpr size_t kMaxLinkedIdChars = 256;
constexpr absl::string_view kPaginationKeyPrefix = "sbx1";
constexpr absl::string_view kAttemptKeyPrefix = "fingerprint_v4:";

// Fingerprint v4's own scenarios; the delivery scenarios (slow, reset, ...) come from Exchange.
constexpr absl::string_view kScenarios[] = {
    "not-found",
    "wrong-region",
    "feature-not-enabled",
    "subscription-not-active",
    "rate-limited",
    "search-rate-limited",
    "server-error",
    "gateway-timeout",
    "bad-request",
    "state-not-ready",
    "not-ready-once",
    "payload-too-large",
    "drift",
    "unknown-fields",
    "partial",
};

// ----------------------------------------------------------------------------------------------
// Fingerprint v4 errors (codes and messages as the vendor sends them).

struct VendorError {
  int status;
  absl::string_view code;
  absl::string_view message;
};

constexpr VendorError kSecretKeyRequired{403, "secret_api_key_required",
                                         "secret API key in header is missing or empty"};
constexpr VendorError kSecretKeyNotFound{
    403, "secret_api_key_not_found", "no fingerprint workspace found for specified secret API key"};
constexpr VendorError kWrongRegion{403, "wrong_region", "wrong region"};
constexpr VendorError kFeatureNotEnabled{403, "feature_not_enabled", "feature not enabled"};
constexpr VendorError kSubscriptionNotActive{403, "subscription_not_active", "forbidden"};
constexpr VendorError kEventNotFound{404, "event_not_found", "event id not found"};
constexpr VendorError kVisitorNotFound{404, "visitor_not_found", "visitor not found"};
constexpr VendorError kTooManyRequests{429, "too_many_requests", "too many requests"};
constexpr VendorError kTooManySearchRequests{429, "too_many_requests", "too many search requests"};
constexpr VendorError kInternalError{500, "failed", "internal server error"};
constexpr VendorError kGatewayTimeout{504, "failed", "gateway timeout"};
constexpr VendorError kStateNotReady{409, "state_not_ready",
                                     "resource is not mutable yet, try again"};
constexpr VendorError kPayloadTooLarge{413, "payload_too_large", "payload too large"};
constexpr VendorError kRulesetNotFound{400, "ruleset_not_found", "ruleset not found"};
constexpr VendorError kRequestBodyInvalid{400, "request_cannot_be_parsed",
                                          "request body is not valid"};

constexpr VendorError BadRequest(absl::string_view message) {
  return VendorError{400, "request_cannot_be_parsed", message};
}

int SendError(Exchange& ex, const VendorError& error, const std::vector<Header>& extra = {}) {
  return ex.SendJsonError(error.status, error.code, error.message, extra);
}

// Parses a search time bound: Unix milliseconds or RFC 3339.
std::optional<int64_t> ParseTimeBound(const std::string& text) {
  int64_t ms = 0;
  if (!text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit) &&
      absl::SimpleAtoi(text, &ms)) {
    return ms;
  }
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return absl::ToUnixMillis(t);
  return std::nullopt;
}

bool IsIpOrCidr(const std::string& text) {
  std::string address = text;
  size_t slash = text.find('/');
  int max_prefix = 0;
  if (slash != std::string::npos) address = text.substr(0, slash);
  unsigned char buf[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    max_prefix = 128;
  } else {
    return false;
  }
  if (slash == std::string::npos) return true;
  int prefix = -1;
  return absl::SimpleAtoi(text.substr(slash + 1), &prefix) && prefix >= 0 && prefix <= max_prefix;
}

// ----------------------------------------------------------------------------------------------
// The routes. Immutable after construction; shared by all worker threads.

class FingerprintV4Routes final {
 public:
  FingerprintV4Routes(uint64_t seed, std::string secret_key)
      : data_(seed), secret_key_(std::move(secret_key)) {}

  // `/v4/events`, `/v4/events/{id}` (alias `/v4/event/{id}`), `/v4/visitors/{id}`.
  int Handle(Exchange& ex) const;

 private:
  int HandleGetEvent(Exchange& ex, absl::string_view event_id) const;
  int HandleSearch(Exchange& ex) const;
  int HandleUpdateEvent(Exchange& ex, absl::string_view event_id) const;
  int HandleDeleteVisitor(Exchange& ex, absl::string_view visitor_id) const;

  // Checks the Bearer key; sends the 403 and returns false when it is wrong.
  bool Authorized(Exchange& ex) const;
  // The scenario for `token`; sends a 400 and returns nullopt when the control header names an
  // unknown scenario.
  std::optional<Scenario> SelectScenario(Exchange& ex, absl::string_view token) const;
  // Answers failure scenarios that replace the response entirely. Returns true when a response
  // was sent (or the connection dropped). `search` picks route-specific errors.
  bool ApplyTerminalScenario(Exchange& ex, const Scenario& scenario, bool search,
                             absl::string_view token) const;
  // Mutates one event for body-level scenarios (drift, unknown fields, partial).
  static void MutateEvent(const Scenario& scenario, rapidjson::Document* doc);

  const FingerprintV4Data data_;
  const std::string secret_key_;
};

int FingerprintV4Routes::Handle(Exchange& ex) const {
  const absl::string_view path = ex.path();
  const absl::string_view method = ex.method();
  absl::string_view route;
  absl::string_view id;
  absl::string_view allow;
  if (path == "/v4/events") {
    route = kRouteFingerprintV4SearchEvents;
    allow = "GET";
  } else if (absl::StartsWith(path, "/v4/events/") || absl::StartsWith(path, "/v4/event/")) {
    id = path.substr(path.find('/', 4) + 1);
    allow = "GET, PATCH";
    route = method == "PATCH" ? kRouteFingerprintV4UpdateEvent : kRouteFingerprintV4GetEvent;
  } else if (path == "/v4/visitors" || absl::StartsWith(path, "/v4/visitors/")) {
    id = path.size() > 13 ? path.substr(13) : absl::string_view();
    route = kRouteFingerprintV4DeleteVisitor;
    allow = "DELETE";
  } else {
    ex.set_route(kRouteUnknown);
    return ex.SendJsonError(404, "not_found", absl::StrCat("no route for ", path));
  }
  ex.set_route(route);
  ex.Count();

  if (!MethodAllowed(allow, method)) return ex.SendMethodNotAllowed(allow);
  if (!Authorized(ex)) return ex.status();

  if (route == kRouteFingerprintV4SearchEvents) return HandleSearch(ex);
  if (route == kRouteFingerprintV4UpdateEvent) return HandleUpdateEvent(ex, id);
  if (route == kRouteFingerprintV4DeleteVisitor) return HandleDeleteVisitor(ex, id);
  return HandleGetEvent(ex, id);
}

bool FingerprintV4Routes::Authorized(Exchange& ex) const {
  absl::string_view value =
      absl::StripAsciiWhitespace(ex.RequestHeader("Authorization").value_or(""));
  absl::string_view key;
  if (value.size() > 7 && absl::StartsWithIgnoreCase(value, "Bearer ")) {
    key = absl::StripAsciiWhitespace(value.substr(7));
  }
  if (key.empty()) {
    SendError(ex, kSecretKeyRequired);
    return false;
  }
  if (key.size() != secret_key_.size() ||
      CRYPTO_memcmp(key.data(), secret_key_.data(), secret_key_.size()) != 0) {
    SendError(ex, kSecretKeyNotFound);
    return false;
  }
  return true;
}

std::optional<Scenario> FingerprintV4Routes::SelectScenario(Exchange& ex,
                                                            absl::string_view token) const {
  std::optional<Scenario> scenario = ex.SelectScenario(token, kScenarios);
  if (!scenario.has_value()) {
    SendError(ex, BadRequest(absl::StrCat("unknown sandbox scenario \"",
                                          ex.RequestHeader(kScenarioHeader).value_or(""), "\"")));
  }
  return scenario;
}

bool FingerprintV4Routes::ApplyTerminalScenario(Exchange& ex, const Scenario& scenario, bool search,
                                                absl::string_view token) const {
  const std::vector<Header> retry_after = {{"Retry-After", "1"}};
  const absl::string_view name = scenario.name;
  if (name == "not-found") {
    SendError(ex, search ? kVisitorNotFound : kEventNotFound);
  } else if (name == "wrong-region") {
    SendError(ex, kWrongRegion);
  } else if (name == "feature-not-enabled") {
    SendError(ex, kFeatureNotEnabled);
  } else if (name == "subscription-not-active") {
    SendError(ex, kSubscriptionNotActive);
  } else if (name == "rate-limited") {
    SendError(ex, kTooManyRequests, retry_after);
  } else if (name == "search-rate-limited") {
    SendError(ex, kTooManySearchRequests, retry_after);
  } else if (name == "server-error") {
    SendError(ex, kInternalError);
  } else if (name == "gateway-timeout") {
    SendError(ex, kGatewayTimeout);
  } else if (name == "bad-request") {
    SendError(ex, BadRequest(search ? "invalid visitor id" : "invalid event_id"));
  } else if (name == "state-not-ready") {
    SendError(ex, kStateNotReady);
  } else if (name == "not-ready-once") {
    // The vendor's "pending then complete": the first request for this token is refused as not
    // ready yet, later ones go through.
    if (ex.NoteAttempt(absl::StrCat(kAttemptKeyPrefix, token)) != 1) return false;
    SendError(ex, kStateNotReady);
  } else if (name == "payload-too-large") {
    SendError(ex, kPayloadTooLarge);
  } else {
    return ex.ApplyDelivery(scenario);
  }
  return true;
}

void FingerprintV4Routes::MutateEvent(const Scenario& scenario, rapidjson::Document* doc) {
  auto& alloc = doc->GetAllocator();
  auto set = [&](const char* key, rapidjson::Value value) {
    rapidjson::Value::MemberIterator it = doc->FindMember(key);
    if (it != doc->MemberEnd()) {
      it->value = value;
    } else {
      doc->AddMember(rapidjson::StringRef(key), value, alloc);
    }
  };
  if (scenario.Is("partial")) {
    set("incremental_identification_status", rapidjson::Value("partially_completed"));
  } else if (scenario.Is("drift")) {
    // Type changes and out-of-enum values, the way a vendor's schema drifts under a client.
    set("incognito", rapidjson::Value(1));
    set("suspect_score", rapidjson::Value("7"));
    set("vpn_confidence", rapidjson::Value("extreme"));
    set("bot", rapidjson::Value("suspicious"));
    set("timestamp", rapidjson::Value(rapidjson::StringRef("1708102555327")));
    set("sandbox_drift", rapidjson::Value(true));
    rapidjson::Value::MemberIterator ident = doc->FindMember("identification");
    if (ident != doc->MemberEnd() && ident->value.IsObject()) {
      rapidjson::Value::MemberIterator confidence = ident->value.FindMember("confidence");
      if (confidence != ident->value.MemberEnd()) confidence->value.SetString("high");
    }
  } else if (scenario.Is("unknown-fields")) {
    rapidjson::Value future(rapidjson::kObjectType);
    future.AddMember("result", true, alloc);
    future.AddMember("confidence", "high", alloc);
    future.AddMember("introduced_in", "v4.99", alloc);
    set("sandbox_future_signal", std::move(future));
    set("sandbox_future_flag", rapidjson::Value(false));
    rapidjson::Value::MemberIterator ident = doc->FindMember("identification");
    if (ident != doc->MemberEnd() && ident->value.IsObject()) {
      ident->value.AddMember("sandbox_extra", "nested unknown field", alloc);
    }
    rapidjson::Value::MemberIterator ip_info = doc->FindMember("ip_info");
    if (ip_info != doc->MemberEnd() && ip_info->value.HasMember("v4")) {
      ip_info->value["v4"].AddMember("sandbox_extra", 42, alloc);
    }
  }
}

int FingerprintV4Routes::HandleGetEvent(Exchange& ex, absl::string_view event_id) const {
  std::optional<Scenario> scenario = SelectScenario(ex, event_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, /*search=*/false, event_id)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(event_id)) {
    return SendError(ex, BadRequest("invalid event_id"));
  }
  std::optional<std::string> ruleset_id = ex.QueryParam("ruleset_id");
  if (ruleset_id.has_value() && absl::StartsWith(*ruleset_id, "rs_missing")) {
    return SendError(ex, kRulesetNotFound);
  }
  rapidjson::Document doc;
  data_.BuildEvent(data_.Facts(event_id), ruleset_id.value_or(""), &doc);
  MutateEvent(*scenario, &doc);
  return ex.SendJson(*scenario, Serialize(doc));
}

int FingerprintV4Routes::HandleSearch(Exchange& ex) const {
  std::optional<std::string> visitor_id = ex.QueryParam("visitor_id");
  std::optional<Scenario> scenario = SelectScenario(ex, visitor_id.value_or(""));
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, /*search=*/true, visitor_id.value_or(""))) {
    return ex.status();
  }

  int limit = kDefaultLimit;
  if (std::optional<std::string> text = ex.QueryParam("limit"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > kMaxLimit) {
      return SendError(ex, BadRequest("invalid limit"));
    }
  }
  if (visitor_id.has_value() && !FingerprintV4Data::IsValidVisitorId(*visitor_id)) {
    return SendError(ex, BadRequest("invalid visitor id"));
  }
  std::optional<std::string> linked_id = ex.QueryParam("linked_id");
  if (linked_id.has_value() && linked_id->size() > kMaxLinkedIdChars) {
    return SendError(ex, BadRequest("linked_id can't be greater than 256 characters long"));
  }
  std::string bot = ex.QueryParam("bot").value_or("all");
  if (bot != "all" && bot != "good" && bot != "bad" && bot != "none") {
    return SendError(ex, BadRequest("invalid bot type"));
  }
  if (std::optional<std::string> ip = ex.QueryParam("ip_address"); ip.has_value()) {
    if (!IsIpOrCidr(*ip)) return SendError(ex, BadRequest("invalid ip address"));
  }
  std::optional<int64_t> start;
  if (std::optional<std::string> text = ex.QueryParam("start"); text.has_value()) {
    start = ParseTimeBound(*text);
    if (!start.has_value()) return SendError(ex, BadRequest("invalid start time"));
  }
  std::optional<int64_t> end;
  if (std::optional<std::string> text = ex.QueryParam("end"); text.has_value()) {
    end = ParseTimeBound(*text);
    if (!end.has_value()) return SendError(ex, BadRequest("invalid end time"));
  }
  bool reverse = false;
  if (std::optional<std::string> text = ex.QueryParam("reverse"); text.has_value()) {
    if (*text == "true") {
      reverse = true;
    } else if (*text != "false") {
      return SendError(ex, BadRequest("invalid reverse param"));
    }
  }
  int total_hits_cap = 0;
  if (std::optional<std::string> text = ex.QueryParam("total_hits"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &total_hits_cap) || total_hits_cap < 1 || total_hits_cap > 1000) {
      return SendError(ex, BadRequest("invalid total_hits"));
    }
  }

  if (visitor_id.has_value() && !visitor_id->empty() &&
      absl::StartsWith(*visitor_id, "sandbox-not-found")) {
    return SendError(ex, kVisitorNotFound);
  }

  std::vector<EventFacts> events = data_.SearchSet(visitor_id.value_or(""));
  events.erase(std::remove_if(events.begin(), events.end(),
                              [&](const EventFacts& e) {
                                if (bot == "none" && e.bot != "not_detected") return true;
                                if (bot == "good" && e.bot != "good") return true;
                                if (bot == "bad" && e.bot != "bad") return true;
                                if (linked_id.has_value() && e.linked_id != *linked_id) {
                                  return true;
                                }
                                if (start.has_value() && e.timestamp_ms < *start) return true;
                                if (end.has_value() && e.timestamp_ms > *end) return true;
                                return false;
                              }),
               events.end());
  if (reverse) std::reverse(events.begin(), events.end());

  // The pagination key binds the offset to the filters, so a key replayed with other filters is
  // rejected like the vendor's.
  const std::string filters =
      absl::StrCat(visitor_id.value_or(""), "|", linked_id.value_or(""), "|", bot, "|",
                   start.value_or(-1), "|", end.value_or(-1), "|", reverse);
  const uint64_t filter_hash = data_.Hash("pagination", filters);
  size_t offset = 0;
  if (std::optional<std::string> key = ex.QueryParam("pagination_key"); key.has_value()) {
    std::string decoded;
    std::vector<absl::string_view> parts;
    uint64_t hash = 0;
    if (absl::WebSafeBase64Unescape(*key, &decoded)) {
      parts = absl::StrSplit(decoded, '.');
    }
    if (parts.size() != 3 || parts[0] != kPaginationKeyPrefix ||
        !absl::SimpleAtoi(parts[1], &offset) || offset == 0 || offset > events.size() ||
        !absl::SimpleHexAtoi(parts[2], &hash) || hash != filter_hash) {
      return SendError(ex, BadRequest("invalid pagination key"));
    }
  }

  rapidjson::Document doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  rapidjson::Value page(rapidjson::kArrayType);
  const size_t page_end = std::min(events.size(), offset + static_cast<size_t>(limit));
  for (size_t i = offset; i < page_end; ++i) {
    rapidjson::Document event(&alloc);
    data_.BuildEvent(events[i], "", &event);
    MutateEvent(*scenario, &event);
    page.PushBack(rapidjson::Value(event, alloc), alloc);
  }
  doc.AddMember("events", page, alloc);
  if (page_end < events.size()) {
    std::string key = absl::WebSafeBase64Escape(
        absl::StrCat(kPaginationKeyPrefix, ".", page_end, ".", absl::Hex(filter_hash)));
    doc.AddMember("pagination_key", rapidjson::Value(key.c_str(), alloc), alloc);
  }
  if (total_hits_cap > 0) {
    doc.AddMember(
        "total_hits",
        static_cast<int64_t>(std::min(events.size(), static_cast<size_t>(total_hits_cap))), alloc);
  }
  return ex.SendJson(*scenario, Serialize(doc));
}

int FingerprintV4Routes::HandleUpdateEvent(Exchange& ex, absl::string_view event_id) const {
  std::optional<Scenario> scenario = SelectScenario(ex, event_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, /*search=*/false, event_id)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(event_id)) {
    return SendError(ex, BadRequest("invalid event_id"));
  }
  std::optional<std::string> body = ex.ReadBody(kMaxUpdateBodyBytes);
  if (!body.has_value()) return SendError(ex, kPayloadTooLarge);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
  if (doc.HasParseError() || !doc.IsObject() || doc.ObjectEmpty()) {
    return SendError(ex, kRequestBodyInvalid);
  }
  for (const auto& member : doc.GetObject()) {
    absl::string_view name(member.name.GetString(), member.name.GetStringLength());
    bool ok = (name == "linked_id" && member.value.IsString()) ||
              (name == "tags" && member.value.IsObject()) ||
              (name == "suspect" && member.value.IsBool());
    if (!ok) return SendError(ex, kRequestBodyInvalid);
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV4Routes::HandleDeleteVisitor(Exchange& ex, absl::string_view visitor_id) const {
  std::optional<Scenario> scenario = SelectScenario(ex, visitor_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, /*search=*/true, visitor_id)) return ex.status();
  if (visitor_id.empty()) return SendError(ex, BadRequest("visitor id is required"));
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) {
    return SendError(ex, BadRequest("invalid visitor id"));
  }
  return ex.Send(200, "application/json", "");
}

}  // namespace

void AddFingerprintV4Routes(Router& router) {
  const SandboxOptions& options = router.options();
  if (options.fingerprint_v4_secret_key.empty()) {
    router.AddUnconfigured("/v4", kRouteUnknown, "fingerprint_v4_secret_key");
    return;
  }
  auto routes =
      std::make_shared<const FingerprintV4Routes>(options.seed, options.fingerprint_v4_secret_key);
  router.Add("/v4", kRouteUnknown, [routes](Exchange& ex) { return routes->Handle(ex); });
}

}  // namespace fpgw::sandbox
