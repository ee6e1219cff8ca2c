#include "sandbox/fingerprint_v4/routes.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/fingerprint_v4/data.h"
#include "sandbox/fingerprint_v4/edge.h"
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
// visitor id (errors and scenario answers say so), that of edge the request's linked_id.
constexpr uint32_t kEvent = 1;
constexpr uint32_t kVisitor = 2;
constexpr uint32_t kEdge = 4;

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
// The search filters of `GET /v4/events` (CONTRACTS.md §3.6, OAS4 searchEvents), each applied to
// the field of the `Event` it is about.

constexpr absl::string_view kBotInfoValues[] = {"all", "none"};
constexpr absl::string_view kBotInfoCategories[] = {"advertising_and_marketing",
                                                    "aggregator",
                                                    "ai_agent",
                                                    "ai_assistant",
                                                    "ai_browser",
                                                    "ai_crawler",
                                                    "ai_search",
                                                    "browser_automation",
                                                    "ecommerce",
                                                    "monitoring_and_analytics",
                                                    "other",
                                                    "scraping",
                                                    "security",
                                                    "search_engine_crawler",
                                                    "search_engine_optimization",
                                                    "unknown"};
constexpr absl::string_view kBotInfoIdentities[] = {"verified", "signed", "spoofed", "unknown"};
constexpr absl::string_view kIdentificationStatuses[] = {"partially_completed", "completed"};

using K = FilterKind;
constexpr FilterRow kSearchFilters[] = {
    {"visitor_id", K::kVisitorId, "/identification/visitor_id"},
    {"high_recall_id", K::kEquals, "/supplementary_id_high_recall/visitor_id"},
    {"bot", K::kBot, "/bot", {}, kBotValues, {}, "invalid bot type"},
    {"bot_info", K::kPresence, "/bot_info", {}, kBotInfoValues},
    {"bot_info_category", K::kAnyOf, "/bot_info/category", {}, kBotInfoCategories},
    {"bot_info_identity", K::kAnyOf, "/bot_info/identity", {}, kBotInfoIdentities},
    {"bot_info_confidence", K::kAnyOf, "/bot_info/confidence", {}, kConfidences},
    {"bot_info_provider", K::kAnyOf, "/bot_info/provider"},
    {"bot_info_name", K::kAnyOf, "/bot_info/name"},
    {"ip_address", K::kIpRange, "/ip_address", "/ip_info/v4/address"},
    {"asn", K::kEquals, "/ip_info/v4/asn", "/ip_info/v6/asn"},
    {"linked_id", K::kEquals, "/linked_id", {}, {}, {}, kLinkedIdTooLong, {}, kMaxLinkedIdChars},
    {"url", K::kEquals, "/url"},
    {"bundle_id", K::kEquals, "/bundle_id"},
    {"package_name", K::kEquals, "/package_name"},
    {"origin", K::kOrigin, "/url"},
    {"start", K::kStart, "/timestamp", {}, {}, {}, "invalid start time", {}, 0, true},
    {"end", K::kEnd, "/timestamp", {}, {}, {}, "invalid end time", {}, 0, true},
    {"reverse", K::kOrder, ""},
    {"suspect", K::kBool, "/suspect"},
    {"vpn", K::kBool, "/vpn"},
    {"virtual_machine", K::kBool, "/virtual_machine"},
    {"tampering", K::kBool, "/tampering"},
    {"anti_detect_browser", K::kBool, "/tampering_details/anti_detect_browser"},
    {"incognito", K::kBool, "/incognito"},
    {"privacy_settings", K::kBool, "/privacy_settings"},
    {"jailbroken", K::kBool, "/jailbroken"},
    {"frida", K::kBool, "/frida"},
    {"factory_reset", K::kPositive, "/factory_reset_timestamp"},
    {"cloned_app", K::kBool, "/cloned_app"},
    {"emulator", K::kBool, "/emulator"},
    {"root_apps", K::kBool, "/root_apps"},
    {"vpn_confidence", K::kEquals, "/vpn_confidence", {}, kConfidences},
    {"min_suspect_score", K::kAtLeast, "/suspect_score"},
    {"developer_tools", K::kBool, "/developer_tools"},
    {"location_spoofing", K::kBool, "/location_spoofing"},
    {"mitm_attack", K::kBool, "/mitm_attack"},
    {"rare_device", K::kBool, "/rare_device"},
    {"rare_device_percentile_bucket",
     K::kEquals,
     "/rare_device_percentile_bucket",
     {},
     kPercentileBuckets},
    {"proxy", K::kBool, "/proxy"},
    {"sdk_version", K::kEquals, "/sdk/version"},
    {"sdk_platform", K::kEquals, "/sdk/platform", {}, kSdkPlatforms},
    {"environment", K::kAnyOf, "/environment_id"},
    {"proximity_id", K::kEquals, "/proximity/id"},
    {"tor_node", K::kBool, "/ip_blocklist/tor_node"},
    {"incremental_identification_status",
     K::kEquals,
     "/incremental_identification_status",
     {},
     kIdentificationStatuses},
    {"simulator", K::kBool, "/simulator"},
    {"active_call", K::kBool, "/active_call"},
};

// The parameters search takes besides its filters, and what every endpoint accepts: the SDKs'
// integration info `ii`.
constexpr absl::string_view kSearchParams[] = {"limit", "pagination_key", "total_hits", "source",
                                               "ii"};
constexpr absl::string_view kGetEventParams[] = {"ruleset_id", "ii"};
constexpr absl::string_view kNoParams[] = {"ii"};

std::vector<absl::string_view> SearchParamNames() {
  std::vector<absl::string_view> names(std::begin(kSearchParams), std::end(kSearchParams));
  for (const FilterRow& row : kSearchFilters) names.push_back(row.param);
  return names;
}

// Edge events created by POST /v4/edge, kept (the newest kMaxPostedEdgeEvents) so that GET
// /v4/events/{event_id} serves them as the vendor does.
constexpr size_t kMaxPostedEdgeEvents = 4096;

bool IsScenarioToken(absl::string_view id) { return absl::StartsWith(id, "sandbox-"); }

// ----------------------------------------------------------------------------------------------
// The routes. Shared by all worker threads: immutable but for the posted edge events (guarded).

class FingerprintV4Routes final : public VendorRoutes {
 public:
  FingerprintV4Routes(uint64_t seed, absl::string_view secret_key)
      : VendorRoutes(kScenarios),
        data_(seed),
        secret_key_(secret_key),
        search_params_(SearchParamNames()),
        edge_set_(EdgeSearchSet(data_)) {
    AddEndpoint({"GET", Exact("/v4/events"), kRouteFingerprintV4SearchEvents, kVisitor,
                 TokenFromQuery("visitor_id"), Bind(&FingerprintV4Routes::HandleSearch)});
    AddEndpoint({"POST", Exact("/v4/edge"), kRouteFingerprintV4Edge, kEdge,
                 BindPrepare(&FingerprintV4Routes::PrepareEdge),
                 Bind(&FingerprintV4Routes::HandleEdge)});
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
  // Only `Authorization: Bearer <key>` (OAS4 securitySchemes: bearerAuth is the only scheme).
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

  // 400 for a parameter the endpoint does not document; false when it answered.
  bool OnlyKnownParams(Exchange& ex, const Call& call, const QueryParams& params,
                       absl::Span<const absl::string_view> known) const {
    if (std::optional<std::string> unknown = UnknownParameter(params, known)) {
      return Refuse(ex, call, BadRequest(*unknown));
    }
    return true;
  }

  // The edge event `event_id` names (posted here or in the search set), if any.
  std::optional<EdgeFacts> EdgeEvent(absl::string_view event_id) const {
    {
      absl::MutexLock lock(&edge_mu_);
      if (auto it = posted_edge_.find(event_id); it != posted_edge_.end()) return it->second;
    }
    for (const EdgeFacts& facts : edge_set_) {
      if (facts.event_id == event_id) return facts;
    }
    return std::nullopt;
  }

  // Reads the EdgeRequest body (too large: 413 before any scenario); its linked_id is the token.
  bool PrepareEdge(Exchange& ex, Call& call) const {
    std::optional<std::string> body = ex.ReadBody(kMaxEdgeRequestBytes);
    if (!body.has_value()) return Refuse(ex, call, kPayloadTooLarge);
    call.body.Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
    if (!call.body.HasParseError() && call.body.IsObject()) {
      auto linked = call.body.FindMember("linked_id");
      if (linked != call.body.MemberEnd() && linked->value.IsString()) {
        call.token = linked->value.GetString();
      }
    } else {
      call.body.SetNull();
    }
    return true;
  }

  int HandleGetEvent(Exchange& ex, const Call& call) const;
  int HandleSearch(Exchange& ex, const Call& call) const;
  int HandleUpdateEvent(Exchange& ex, const Call& call) const;
  int HandleDeleteVisitor(Exchange& ex, const Call& call) const;
  int HandleEdge(Exchange& ex, const Call& call) const;

  const FingerprintV4Data data_;
  const std::string secret_key_;
  const std::vector<absl::string_view> search_params_;
  const std::vector<EdgeFacts> edge_set_;
  mutable absl::Mutex edge_mu_;
  mutable absl::flat_hash_map<std::string, EdgeFacts> posted_edge_ ABSL_GUARDED_BY(edge_mu_);
  mutable std::deque<std::string> posted_order_ ABSL_GUARDED_BY(edge_mu_);
};

int FingerprintV4Routes::HandleGetEvent(Exchange& ex, const Call& call) const {
  const QueryParams params = ParseQuery(ex.query_string());
  if (!OnlyKnownParams(ex, call, params, kGetEventParams)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(call.id)) {
    return SendError(ex, call, BadRequest("invalid event_id"));
  }
  std::optional<std::string> ruleset_id = FirstParam(params, "ruleset_id");
  if (ruleset_id.has_value() && absl::StartsWith(*ruleset_id, "rs_missing")) {
    return SendError(ex, call, kRulesetNotFound);
  }
  rapidjson::Document doc;
  if (std::optional<EdgeFacts> edge = EdgeEvent(call.id)) {
    BuildEdgeEvent(*edge, &doc);
  } else if (FingerprintV4Data::IsGeneratedEventId(call.id) || IsScenarioToken(call.id)) {
    data_.BuildEvent(data_.Facts(call.id), ruleset_id.value_or(""), &doc);
  } else {
    return SendError(ex, call, kEventNotFound);
  }
  MutateEvent(call.scenario, &doc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV4Routes::HandleSearch(Exchange& ex, const Call& call) const {
  const QueryParams params = ParseQuery(ex.query_string());
  if (!OnlyKnownParams(ex, call, params, search_params_)) return ex.status();
  int limit = kDefaultLimit;
  if (std::optional<std::string> text = FirstParam(params, "limit"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > kMaxLimit) {
      return SendError(ex, call, BadRequest("invalid limit"));
    }
  }
  EventFilters filters;
  if (std::optional<std::string> problem = filters.Read(params, kSearchFilters)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  int total_hits_cap = 0;
  if (std::optional<std::string> text = FirstParam(params, "total_hits"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &total_hits_cap) || total_hits_cap < 1 || total_hits_cap > 1000) {
      return SendError(ex, call, BadRequest("invalid total_hits"));
    }
  }
  // `source`: at most one value, `edge` (omitted: device events).
  bool edge = false;
  for (const QueryParam& param : params) {
    if (param.name != "source") continue;
    if (edge || param.value != "edge") return SendError(ex, call, BadRequest("invalid source"));
    edge = true;
  }
  const std::string visitor_id = FirstParam(params, "visitor_id").value_or("");
  if (absl::StartsWith(visitor_id, "sandbox-not-found")) {
    return SendError(ex, call, kVisitorNotFound);
  }

  // The candidates, newest first, and how to build each one's JSON.
  std::vector<EventFacts> devices;
  std::vector<EdgeFacts> edges;
  if (edge) {
    edges = edge_set_;
  } else if (visitor_id.empty() || FingerprintV4Data::IsGeneratedVisitorId(visitor_id) ||
             IsScenarioToken(visitor_id)) {
    // A visitor outside the generator's space has no events.
    devices = data_.SearchSet(visitor_id);
  }
  auto build = [&](size_t i, rapidjson::Document* doc) {
    if (edge) {
      BuildEdgeEvent(edges[i], doc);
    } else {
      data_.BuildEvent(devices[i], "", doc);
    }
  };
  std::vector<size_t> matches;
  const size_t candidates = edge ? edges.size() : devices.size();
  for (size_t i = 0; i < candidates; ++i) {
    rapidjson::Document doc;
    build(i, &doc);
    if (filters.Matches(doc)) matches.push_back(i);
  }
  if (filters.reverse()) std::reverse(matches.begin(), matches.end());

  // The pagination key binds the offset to every filter, so a key replayed with other filters is
  // rejected like the vendor's.
  const uint64_t filter_hash =
      data_.Hash("pagination", absl::StrCat(filters.Canonical(), "source=", edge));
  size_t offset = 0;
  if (std::optional<std::string> key = FirstParam(params, "pagination_key"); key.has_value()) {
    std::string decoded;
    std::vector<absl::string_view> parts;
    uint64_t hash = 0;
    if (absl::WebSafeBase64Unescape(*key, &decoded)) {
      parts = absl::StrSplit(decoded, '.');
    }
    if (parts.size() != 3 || parts[0] != kPaginationKeyPrefix ||
        !absl::SimpleAtoi(parts[1], &offset) || offset == 0 || offset > matches.size() ||
        !absl::SimpleHexAtoi(parts[2], &hash) || hash != filter_hash) {
      return SendError(ex, call, BadRequest("invalid pagination key"));
    }
  }

  rapidjson::Document doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  rapidjson::Value page(rapidjson::kArrayType);
  const size_t page_end = std::min(matches.size(), offset + static_cast<size_t>(limit));
  for (size_t i = offset; i < page_end; ++i) {
    rapidjson::Document event(&alloc);
    build(matches[i], &event);
    MutateEvent(call.scenario, &event);
    page.PushBack(rapidjson::Value(event, alloc), alloc);
  }
  doc.AddMember("events", page, alloc);
  if (page_end < matches.size()) {
    std::string key = absl::WebSafeBase64Escape(
        absl::StrCat(kPaginationKeyPrefix, ".", page_end, ".", absl::Hex(filter_hash)));
    doc.AddMember("pagination_key", rapidjson::Value(key.c_str(), alloc), alloc);
  }
  if (total_hits_cap > 0) {
    doc.AddMember(
        "total_hits",
        static_cast<int64_t>(std::min(matches.size(), static_cast<size_t>(total_hits_cap))), alloc);
  }
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV4Routes::HandleUpdateEvent(Exchange& ex, const Call& call) const {
  if (!OnlyKnownParams(ex, call, ParseQuery(ex.query_string()), kNoParams)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(call.id)) {
    return SendError(ex, call, BadRequest("invalid event_id"));
  }
  if (!FingerprintV4Data::IsGeneratedEventId(call.id) && !IsScenarioToken(call.id) &&
      !EdgeEvent(call.id).has_value()) {
    return SendError(ex, call, kEventNotFound);
  }
  std::optional<std::string> body = ex.ReadBody(kMaxUpdateBodyBytes);
  if (!body.has_value()) return SendError(ex, call, kPayloadTooLarge);
  if (!IsValidEventUpdate(*body, "linked_id", "tags")) {
    return SendError(ex, call, kRequestBodyInvalid);
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV4Routes::HandleDeleteVisitor(Exchange& ex, const Call& call) const {
  if (!OnlyKnownParams(ex, call, ParseQuery(ex.query_string()), kNoParams)) return ex.status();
  if (std::optional<absl::string_view> problem = VisitorIdProblem(call.id)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  if (!FingerprintV4Data::IsGeneratedVisitorId(call.id) && !IsScenarioToken(call.id)) {
    return SendError(ex, call, kVisitorNotFound);
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV4Routes::HandleEdge(Exchange& ex, const Call& call) const {
  if (!OnlyKnownParams(ex, call, ParseQuery(ex.query_string()), kNoParams)) return ex.status();
  if (!call.body.IsObject()) return SendError(ex, call, kRequestBodyInvalid);
  EdgeFacts facts;
  if (std::optional<std::string> problem = ReadEdgeRequest(data_, Serialize(call.body), &facts)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  rapidjson::Document doc;
  BuildEdgeEvent(facts, &doc);
  {
    absl::MutexLock lock(&edge_mu_);
    if (posted_edge_.emplace(facts.event_id, facts).second) {
      posted_order_.push_back(facts.event_id);
      if (posted_order_.size() > kMaxPostedEdgeEvents) {
        posted_edge_.erase(posted_order_.front());
        posted_order_.pop_front();
      }
    }
  }
  return ex.SendJson(call.scenario, Serialize(doc));
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
