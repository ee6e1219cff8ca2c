#include "sandbox/fingerprint_v4/routes.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/fingerprint_v4/data.h"
#include "sandbox/fingerprint_v4/event_requests.h"
#include "sandbox/router.h"
#include "sandbox/scenario.h"
#include "sandbox/vendor_routes.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxUpdateBodyBytes = 64 * 1024;
constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 100;
constexpr absl::string_view kPaginationKeyPrefix = "sbx1";

// Endpoint kinds: the token of get and update is an event id, that of search and delete a
// visitor id (errors and scenario answers say so).
constexpr uint32_t kEvent = 1;
constexpr uint32_t kVisitor = 2;

// ----------------------------------------------------------------------------------------------
// Fingerprint v4 errors (codes and messages as the vendor sends them).

constexpr VendorError kSecretKeyRequired{403, "secret_api_key_required",
                                         "secret API key in header is missing or empty"};
constexpr VendorError kSecretKeyNotFound{
    403, "secret_api_key_not_found", "no fingerprint workspace found for specified secret API key"};
constexpr VendorError kEventNotFound{404, "event_not_found", "event id not found"};
constexpr VendorError kVisitorNotFound{404, "visitor_not_found", "visitor not found"};
constexpr VendorError kStateNotReady{409, "state_not_ready",
                                     "resource is not mutable yet, try again"};
constexpr VendorError kPayloadTooLarge{413, "payload_too_large", "payload too large"};
constexpr VendorError kRulesetNotFound{400, "ruleset_not_found", "ruleset not found"};
constexpr VendorError kRequestBodyInvalid{400, "request_cannot_be_parsed",
                                          "request body is not valid"};

constexpr VendorError BadRequest(absl::string_view message) {
  return VendorError{400, "request_cannot_be_parsed", message};
}

// The error scenarios (the delivery scenarios come with every vendor).
constexpr ScenarioRow kScenarioRows[] = {
    Answer("not-found", kVisitorNotFound).For(kVisitor),
    Answer("not-found", kEventNotFound),
    Answer("wrong-region", {403, "wrong_region", "wrong region"}),
    Answer("feature-not-enabled", {403, "feature_not_enabled", "feature not enabled"}),
    Answer("subscription-not-active", {403, "subscription_not_active", "forbidden"}),
    Answer("rate-limited", {429, "too_many_requests", "too many requests"}).RetryAfter(1),
    Answer("rate-limited-bare", {429, "too_many_requests", "too many requests"}),
    Answer("search-rate-limited", {429, "too_many_requests", "too many search requests"})
        .RetryAfter(1),
    Answer("server-error", {500, "failed", "internal server error"}),
    Answer("gateway-timeout", {504, "failed", "gateway timeout"}),
    Answer("bad-request", BadRequest("invalid visitor id")).For(kVisitor),
    Answer("bad-request", BadRequest("invalid event_id")),
    Answer("state-not-ready", kStateNotReady),
    // The vendor's "pending then complete": the first request for the token is refused as not
    // ready yet, later ones go through.
    Answer("not-ready-once", kStateNotReady).FirstRequestOnly(),
    Answer("payload-too-large", kPayloadTooLarge),
};
constexpr absl::string_view kBodyScenarios[] = {"drift", "unknown-fields", "partial"};
constexpr ScenarioTable kScenarios{"fingerprint_v4", kScenarioRows, kBodyScenarios,
                                   BadRequest("unknown sandbox scenario \"$0\"")};

// Mutates one event for the body scenarios (drift, unknown fields, partial).
void MutateEvent(const Scenario& scenario, rapidjson::Document* doc) {
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

// ----------------------------------------------------------------------------------------------
// The routes. Immutable after construction; shared by all worker threads.

class FingerprintV4Routes final : public VendorRoutes {
 public:
  FingerprintV4Routes(uint64_t seed, absl::string_view secret_key)
      : VendorRoutes(kScenarios), data_(seed), secret_key_(secret_key) {
    AddEndpoint({"GET", Exact("/v4/events"), kRouteFingerprintV4SearchEvents, kVisitor,
                 TokenFromQuery("visitor_id"), Bind(&FingerprintV4Routes::HandleSearch)});
    for (absl::string_view prefix : {"/v4/events/", "/v4/event/"}) {
      AddEndpoint({"GET", WithOptionalId(prefix), kRouteFingerprintV4GetEvent, kEvent, nullptr,
                   Bind(&FingerprintV4Routes::HandleGetEvent)});
      AddEndpoint({"PATCH", WithOptionalId(prefix), kRouteFingerprintV4UpdateEvent, kEvent, nullptr,
                   Bind(&FingerprintV4Routes::HandleUpdateEvent)});
    }
    for (PathPattern path : {Exact("/v4/visitors"), WithOptionalId("/v4/visitors/")}) {
      AddEndpoint({"DELETE", path, kRouteFingerprintV4DeleteVisitor, kVisitor, nullptr,
                   Bind(&FingerprintV4Routes::HandleDeleteVisitor)});
    }
  }

 private:
  bool Authorized(Exchange& ex, const Call& call) const override {
    const absl::string_view key = BearerKey(ex);
    if (key.empty()) return Refuse(ex, call, kSecretKeyRequired);
    if (!SecretMatches(key, secret_key_)) return Refuse(ex, call, kSecretKeyNotFound);
    return true;
  }

  int WriteError(Exchange& ex, const Call&, const VendorError& error,
                 const std::vector<Header>& extra) const override {
    return ex.SendJsonError(error.status, error.code, error.message, extra);
  }

  int HandleGetEvent(Exchange& ex, const Call& call) const;
  int HandleSearch(Exchange& ex, const Call& call) const;
  int HandleUpdateEvent(Exchange& ex, const Call& call) const;
  int HandleDeleteVisitor(Exchange& ex, const Call& call) const;

  const FingerprintV4Data data_;
  const std::string secret_key_;
};

int FingerprintV4Routes::HandleGetEvent(Exchange& ex, const Call& call) const {
  if (!FingerprintV4Data::IsValidEventId(call.id)) {
    return SendError(ex, call, BadRequest("invalid event_id"));
  }
  std::optional<std::string> ruleset_id = ex.QueryParam("ruleset_id");
  if (ruleset_id.has_value() && absl::StartsWith(*ruleset_id, "rs_missing")) {
    return SendError(ex, call, kRulesetNotFound);
  }
  rapidjson::Document doc;
  data_.BuildEvent(data_.Facts(call.id), ruleset_id.value_or(""), &doc);
  MutateEvent(call.scenario, &doc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV4Routes::HandleSearch(Exchange& ex, const Call& call) const {
  int limit = kDefaultLimit;
  if (std::optional<std::string> text = ex.QueryParam("limit"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > kMaxLimit) {
      return SendError(ex, call, BadRequest("invalid limit"));
    }
  }
  EventFilter filter;
  if (std::optional<std::string> problem =
          ReadEventFilter(ex, TimeBounds::kMillisOrRfc3339, &filter)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  int total_hits_cap = 0;
  if (std::optional<std::string> text = ex.QueryParam("total_hits"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &total_hits_cap) || total_hits_cap < 1 || total_hits_cap > 1000) {
      return SendError(ex, call, BadRequest("invalid total_hits"));
    }
  }
  const std::string visitor_id = filter.visitor_id.value_or("");
  if (absl::StartsWith(visitor_id, "sandbox-not-found")) {
    return SendError(ex, call, kVisitorNotFound);
  }

  std::vector<EventFacts> events = data_.SearchSet(visitor_id);
  events.erase(std::remove_if(events.begin(), events.end(),
                              [&](const EventFacts& e) { return !MatchesEventFilter(filter, e); }),
               events.end());
  if (filter.reverse) std::reverse(events.begin(), events.end());

  // The pagination key binds the offset to the filters, so a key replayed with other filters is
  // rejected like the vendor's.
  const std::string filters =
      absl::StrCat(visitor_id, "|", filter.linked_id.value_or(""), "|", filter.bot, "|",
                   filter.start.value_or(-1), "|", filter.end.value_or(-1), "|", filter.reverse);
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
      return SendError(ex, call, BadRequest("invalid pagination key"));
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
    MutateEvent(call.scenario, &event);
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
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV4Routes::HandleUpdateEvent(Exchange& ex, const Call& call) const {
  if (!FingerprintV4Data::IsValidEventId(call.id)) {
    return SendError(ex, call, BadRequest("invalid event_id"));
  }
  std::optional<std::string> body = ex.ReadBody(kMaxUpdateBodyBytes);
  if (!body.has_value()) return SendError(ex, call, kPayloadTooLarge);
  if (!IsValidEventUpdate(*body, "linked_id", "tags")) {
    return SendError(ex, call, kRequestBodyInvalid);
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV4Routes::HandleDeleteVisitor(Exchange& ex, const Call& call) const {
  if (std::optional<absl::string_view> problem = VisitorIdProblem(call.id)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  return ex.Send(200, "application/json", "");
}

// ----------------------------------------------------------------------------------------------
// The module.

constexpr SandboxIntegration kIntegrations[] = {
    {"fingerprint-v4", "fingerprint", "v4", "/v4", true,
     R"({"token":"1760000000123.demo01","fingerprint":{"ruleset_id":"rs_demo"}})"},
};
constexpr SandboxVendorInfo kInfo{"fingerprint_v4", "FPGW_SANDBOX_FINGERPRINT_V4_KEY",
                                  "fingerprint_v4.key", "", kIntegrations};
constexpr RoutePrefix kPrefixes[] = {{"/v4"}};

}  // namespace

const SandboxVendor& FingerprintV4SandboxVendor() {
  static const SandboxVendor* const kModule =
      new RoutesModule<FingerprintV4Routes>(kInfo, kPrefixes, kScenarios);
  return *kModule;
}

}  // namespace fpgw::sandbox
