#include "sandbox/fingerprint_v3/routes.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/json_chars.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/fingerprint_v3/data.h"
#include "sandbox/fingerprint_v4/data.h"
#include "sandbox/fingerprint_v4/event_requests.h"
#include "sandbox/router.h"
#include "sandbox/scenario.h"
#include "sandbox/vendor_routes.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxUpdateBodyBytes = 64 * 1024;
constexpr int kDefaultVisitsLimit = 100;
constexpr int kMaxVisitsLimit = 500;
// Since openapi v3.7.1 GET /visitors/{id} returns at most one visit per page.
constexpr size_t kVisitsPerPage = 1;

// Endpoint kinds, for the error shapes and scenario answers that differ per endpoint.
constexpr uint32_t kGetEvent = 1;
constexpr uint32_t kUpdateEvent = 2;
constexpr uint32_t kSearch = 4;
constexpr uint32_t kVisits = 8;
constexpr uint32_t kDeleteVisitor = 16;
constexpr uint32_t kRelated = 32;

// ----------------------------------------------------------------------------------------------
// Fingerprint v3 errors (codes and messages as the vendor sends them).

constexpr VendorError kTokenRequired{403, "TokenRequired", "secret key is required"};
constexpr VendorError kTokenNotFound{403, "TokenNotFound", "secret key is not found"};
constexpr VendorError kRequestNotFound{404, "RequestNotFound", "request id is not found"};
constexpr VendorError kVisitorNotFound{404, "VisitorNotFound", "visitor not found"};
constexpr VendorError kStateNotReady{409, "StateNotReady",
                                     "resource is not mutable yet, try again"};
constexpr VendorError kRequestBodyInvalid{400, "RequestCannotBeParsed",
                                          "request body is not valid"};

constexpr VendorError BadRequest(absl::string_view message) {
  return VendorError{400, "RequestCannotBeParsed", message};
}

// getVisits answers errors with `{"error": "<text>"}` (ErrorPlainResponse); the texts are the
// vendor's published examples.
absl::string_view PlainMessage(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 403:
      return "Forbidden (HTTP 403)";
    case 429:
      return "too many requests";
    default:
      return "internal server error";
  }
}

// getVisits of an unknown visitor: no visits.
int SendNoVisits(Exchange& ex, absl::string_view visitor_id) {
  rapidjson::Document doc(rapidjson::kObjectType);
  doc.AddMember(
      "visitorId",
      rapidjson::Value(fpgw::JsonChars(visitor_id),
                       static_cast<rapidjson::SizeType>(visitor_id.size()), doc.GetAllocator()),
      doc.GetAllocator());
  doc.AddMember("visits", rapidjson::Value(rapidjson::kArrayType), doc.GetAllocator());
  return ex.Send(200, "application/json", Serialize(doc));
}

// The error scenarios, in v3's error shape (plain for getVisits).
constexpr ScenarioRow kScenarioRows[] = {
    Answer("not-found", kRequestNotFound).For(kGetEvent | kUpdateEvent),
    // Search has no 404: an unknown visitor has no events.
    AnswerBody("not-found", 200, "application/json", R"({"events":[]})").For(kSearch),
    AnswerWith("not-found", &SendNoVisits).For(kVisits),
    Answer("not-found", kVisitorNotFound),
    Answer("wrong-region", {403, "WrongRegion", "wrong region"}),
    Answer("feature-not-enabled", {403, "FeatureNotEnabled", "feature not enabled"}),
    Answer("subscription-not-active", {403, "SubscriptionNotActive", "forbidden"}),
    // `sandbox-rate-limited-<seconds>` chooses the Retry-After value.
    Answer("rate-limited", {429, "TooManyRequests", "too many requests"})
        .RetryAfterFromNumber(1, 3600),
    Answer("rate-limited-bare", {429, "TooManyRequests", "too many requests"}),
    Answer("server-error", {500, "Failed", "internal server error"}),
    Answer("bad-request", kRequestBodyInvalid).For(kUpdateEvent),
    Answer("bad-request", BadRequest("invalid request id")).For(kGetEvent),
    Answer("bad-request", BadRequest("invalid visitor id")),
    Answer("state-not-ready", kStateNotReady),
    // "Pending then complete": the first request for the token is refused as not ready yet,
    // later ones go through.
    Answer("not-ready-once", kStateNotReady).FirstRequestOnly(),
};
constexpr absl::string_view kBodyScenarios[] = {"product-errors", "drift", "unknown-fields"};
constexpr ScenarioTable kScenarios{"fingerprint_v3", kScenarioRows, kBodyScenarios,
                                   BadRequest("unknown sandbox scenario \"$0\"")};

// ----------------------------------------------------------------------------------------------
// The search filters of `GET /events/search` (CONTRACTS.md §3.2, OAS3 searchEvents), each applied
// to the product field of the EventsGetResponse it is about.

constexpr int kPrecisionRadii[] = {10, 25, 65, 175, 450, 1200, 3300, 8500, 22500};

using K = FilterKind;
constexpr FilterRow kSearchFilters[] = {
    {"visitor_id", K::kVisitorId, "/products/identification/data/visitorId"},
    {"bot", K::kBot, "/products/botd/data/bot/result", {}, kBotValues, {}, "invalid bot type"},
    // v3 takes ranges in CIDR notation only ("All ip_address filters must use CIDR notation").
    {"ip_address", K::kCidr, "/products/identification/data/ip"},
    {"linked_id",
     K::kEquals,
     "/products/identification/data/linkedId",
     {},
     {},
     {},
     kLinkedIdTooLong,
     {},
     kMaxLinkedIdChars},
    {"start",
     K::kStart,
     "/products/identification/data/timestamp",
     {},
     {},
     {},
     "invalid start time"},
    {"end", K::kEnd, "/products/identification/data/timestamp", {}, {}, {}, "invalid end time"},
    {"reverse", K::kOrder, ""},
    {"suspect", K::kBool, "/products/identification/data/suspect"},
    {"vpn", K::kBool, "/products/vpn/data/result"},
    {"virtual_machine", K::kBool, "/products/virtualMachine/data/result"},
    {"tampering", K::kBool, "/products/tampering/data/result"},
    {"anti_detect_browser", K::kBool, "/products/tampering/data/antiDetectBrowser"},
    {"incognito", K::kBool, "/products/incognito/data/result"},
    {"privacy_settings", K::kBool, "/products/privacySettings/data/result"},
    {"jailbroken", K::kBool, "/products/jailbroken/data/result"},
    {"frida", K::kBool, "/products/frida/data/result"},
    {"factory_reset", K::kPositive, "/products/factoryReset/data/timestamp"},
    {"cloned_app", K::kBool, "/products/clonedApp/data/result"},
    {"emulator", K::kBool, "/products/emulator/data/result"},
    {"root_apps", K::kBool, "/products/rootApps/data/result"},
    {"vpn_confidence", K::kEquals, "/products/vpn/data/confidence", {}, kConfidences},
    {"min_suspect_score", K::kAtLeast, "/products/suspectScore/data/result"},
    // "any of products.ipBlocklist.data.result / details": result is the OR of the details.
    {"ip_blocklist", K::kBool, "/products/ipBlocklist/data/result"},
    {"datacenter", K::kBool, "/products/ipInfo/data/v4/datacenter/result",
     "/products/ipInfo/data/v6/datacenter/result"},
    {"developer_tools", K::kBool, "/products/developerTools/data/result"},
    {"location_spoofing", K::kBool, "/products/locationSpoofing/data/result"},
    {"mitm_attack", K::kBool, "/products/mitmAttack/data/result"},
    {"rare_device", K::kBool, "/products/rareDevice/data/result"},
    {"rare_device_percentile_bucket",
     K::kEquals,
     "/products/rareDevice/data/percentileBucket",
     {},
     kPercentileBuckets},
    {"proxy", K::kBool, "/products/proxy/data/result"},
    {"sdk_version", K::kEquals, "/products/identification/data/sdk/version"},
    {"sdk_platform", K::kEquals, "/products/identification/data/sdk/platform", {}, kSdkPlatforms},
    // The spec's repeated `environment`; the v3 Node SDK writes `environment[]`.
    {"environment",
     K::kAnyOf,
     "/products/identification/data/environmentId",
     {},
     {},
     {},
     {},
     "environment[]"},
    {"proximity_id", K::kEquals, "/products/proximity/data/id"},
    {"proximity_precision_radius",
     K::kIntEquals,
     "/products/proximity/data/precisionRadius",
     {},
     {},
     kPrecisionRadii},
};

// What every v3 endpoint accepts besides its own parameters: the secret key as `api_key` and the
// SDKs' integration info `ii`.
constexpr absl::string_view kSearchParams[] = {"limit", "pagination_key", "ii", "api_key"};
constexpr absl::string_view kVisitsParams[] = {"request_id", "linked_id", "limit",  "paginationKey",
                                               "before",     "ii",        "api_key"};
constexpr absl::string_view kRelatedParams[] = {"visitor_id", "ii", "api_key"};
constexpr absl::string_view kNoParams[] = {"ii", "api_key"};

std::vector<absl::string_view> SearchParamNames() {
  std::vector<absl::string_view> names(std::begin(kSearchParams), std::end(kSearchParams));
  for (const FilterRow& row : kSearchFilters) {
    names.push_back(row.param);
    if (!row.alias.empty()) names.push_back(row.alias);
  }
  return names;
}

bool IsScenarioToken(absl::string_view id) { return absl::StartsWith(id, "sandbox-"); }
bool IsKnownEvent(absl::string_view id) {
  return FingerprintV4Data::IsGeneratedEventId(id) || IsScenarioToken(id);
}
bool IsKnownVisitor(absl::string_view id) {
  return FingerprintV4Data::IsGeneratedVisitorId(id) || IsScenarioToken(id);
}

rapidjson::Value* Find(rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Mutates one EventsGetResponse for the body scenarios (product errors, drift, unknown fields).
void MutateEvent(const Scenario& scenario, rapidjson::Document::AllocatorType& alloc,
                 rapidjson::Value* event) {
  rapidjson::Value* products = Find(*event, "products");
  if (products == nullptr) return;
  auto set = [&](rapidjson::Value& object, const char* key, rapidjson::Value value) {
    if (rapidjson::Value* existing = Find(object, key)) {
      *existing = value;
    } else {
      object.AddMember(rapidjson::Value(key, alloc), value, alloc);
    }
  };
  auto failed = [&](const char* code, const char* message) {
    rapidjson::Value error(rapidjson::kObjectType);
    error.AddMember("code", rapidjson::Value(code, alloc), alloc);
    error.AddMember("message", rapidjson::Value(message, alloc), alloc);
    rapidjson::Value product(rapidjson::kObjectType);
    product.AddMember("error", error, alloc);
    return product;
  };
  rapidjson::Value* identification = Find(*products, "identification");
  rapidjson::Value* id_data = identification ? Find(*identification, "data") : nullptr;
  if (scenario.Is("product-errors")) {
    // A product failing at the vendor inside an otherwise successful answer, in the three code
    // spellings v3 uses.
    set(*products, "botd", failed("Failed", "internal server error"));
    set(*products, "vpn", failed("TooManyRequests", "too many requests"));
    set(*products, "ipInfo", failed("429 Too Many Requests", "too many requests"));
  } else if (scenario.Is("drift")) {
    if (id_data != nullptr) {
      set(*id_data, "incognito", rapidjson::Value(1));
      set(*id_data, "timestamp", rapidjson::Value("1708102555327", alloc));
    }
    if (rapidjson::Value* score = Find(*products, "suspectScore")) {
      if (rapidjson::Value* data = Find(*score, "data")) {
        set(*data, "result", rapidjson::Value("7"));
      }
    }
    if (rapidjson::Value* vpn = Find(*products, "vpn")) {
      if (rapidjson::Value* data = Find(*vpn, "data")) {
        set(*data, "confidence", rapidjson::Value("extreme"));
      }
    }
    if (rapidjson::Value* botd = Find(*products, "botd")) {
      rapidjson::Value* data = Find(*botd, "data");
      rapidjson::Value* bot = data != nullptr ? Find(*data, "bot") : nullptr;
      if (bot != nullptr) set(*bot, "result", rapidjson::Value("suspicious"));
    }
    set(*products, "sandboxDrift", rapidjson::Value(true));
  } else if (scenario.Is("unknown-fields")) {
    rapidjson::Value data(rapidjson::kObjectType);
    data.AddMember("result", true, alloc);
    data.AddMember("introducedIn", "v3.99", alloc);
    rapidjson::Value product(rapidjson::kObjectType);
    product.AddMember("data", data, alloc);
    set(*products, "sandboxFutureProduct", std::move(product));
    if (id_data != nullptr) set(*id_data, "sandboxExtra", rapidjson::Value("nested unknown field"));
  }
}

// ----------------------------------------------------------------------------------------------
// The routes. Immutable after construction; shared by all worker threads.

class FingerprintV3Routes final : public VendorRoutes {
 public:
  FingerprintV3Routes(uint64_t seed, absl::string_view secret_key)
      : VendorRoutes(kScenarios),
        data_(seed),
        secret_key_(secret_key),
        search_params_(SearchParamNames()) {
    AddEndpoint({"GET", Exact("/events/search"), kRouteFingerprintV3SearchEvents, kSearch,
                 TokenFromQuery("visitor_id"), Bind(&FingerprintV3Routes::HandleSearch)});
    AddEndpoint({"GET", WithId("/events/"), kRouteFingerprintV3GetEvent, kGetEvent, nullptr,
                 Bind(&FingerprintV3Routes::HandleGetEvent)});
    AddEndpoint({"PUT", WithId("/events/"), kRouteFingerprintV3UpdateEvent, kUpdateEvent, nullptr,
                 Bind(&FingerprintV3Routes::HandleUpdateEvent)});
    for (PathPattern path : {Exact("/visitors"), WithOptionalId("/visitors/")}) {
      AddEndpoint({"GET", path, kRouteFingerprintV3GetVisits, kVisits, nullptr,
                   Bind(&FingerprintV3Routes::HandleVisits)});
      AddEndpoint({"DELETE", path, kRouteFingerprintV3DeleteVisitor, kDeleteVisitor, nullptr,
                   Bind(&FingerprintV3Routes::HandleDeleteVisitor)});
    }
    AddEndpoint({"GET", Exact("/related-visitors"), kRouteFingerprintV3RelatedVisitors, kRelated,
                 TokenFromQuery("visitor_id"), Bind(&FingerprintV3Routes::HandleRelated)});
  }

 private:
  // The secret key comes in the `Auth-API-Key` header or the `api_key` query parameter, the two
  // schemes of OAS3 securitySchemes (ApiKeyHeader, ApiKeyQuery); nothing else is a key.
  bool Authorized(Exchange& ex, const Call& call) const override {
    std::string key;
    if (auto header = ex.RequestHeader("Auth-API-Key"); header.has_value() && !header->empty()) {
      key = std::string(absl::StripAsciiWhitespace(*header));
    } else if (auto query = ex.QueryParam("api_key"); query.has_value()) {
      key = *query;
    }
    if (key.empty()) return Refuse(ex, call, kTokenRequired);
    if (!SecretMatches(key, secret_key_)) return Refuse(ex, call, kTokenNotFound);
    return true;
  }

  int WriteError(Exchange& ex, const Call& call, const VendorError& error,
                 const std::vector<Header>& extra) const override {
    if (call.endpoint == kVisits) {
      rapidjson::Document doc(rapidjson::kObjectType);
      const absl::string_view text = PlainMessage(error.status);
      doc.AddMember(
          "error",
          rapidjson::Value(fpgw::JsonChars(text), static_cast<rapidjson::SizeType>(text.size()),
                           doc.GetAllocator()),
          doc.GetAllocator());
      return ex.Send(error.status, "application/json", Serialize(doc), extra);
    }
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

  int HandleGetEvent(Exchange& ex, const Call& call) const;
  int HandleUpdateEvent(Exchange& ex, const Call& call) const;
  int HandleSearch(Exchange& ex, const Call& call) const;
  int HandleVisits(Exchange& ex, const Call& call) const;
  int HandleDeleteVisitor(Exchange& ex, const Call& call) const;
  int HandleRelated(Exchange& ex, const Call& call) const;

  const FingerprintV3Data data_;
  const std::string secret_key_;
  const std::vector<absl::string_view> search_params_;
};

int FingerprintV3Routes::HandleGetEvent(Exchange& ex, const Call& call) const {
  if (!OnlyKnownParams(ex, call, ParseQuery(ex.query_string()), kNoParams)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(call.id)) {
    return SendError(ex, call, BadRequest("invalid request id"));
  }
  if (!IsKnownEvent(call.id)) return SendError(ex, call, kRequestNotFound);
  rapidjson::Document doc;
  data_.BuildEvent(data_.Facts(call.id), &doc);
  MutateEvent(call.scenario, doc.GetAllocator(), &doc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV3Routes::HandleUpdateEvent(Exchange& ex, const Call& call) const {
  if (!OnlyKnownParams(ex, call, ParseQuery(ex.query_string()), kNoParams)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(call.id) || !IsKnownEvent(call.id)) {
    return SendError(ex, call, kRequestNotFound);
  }
  std::optional<std::string> body = ex.ReadBody(kMaxUpdateBodyBytes);
  if (!body.has_value() || !IsValidEventUpdate(*body, "linkedId", "tag")) {
    return SendError(ex, call, kRequestBodyInvalid);
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV3Routes::HandleSearch(Exchange& ex, const Call& call) const {
  const QueryParams params = ParseQuery(ex.query_string());
  if (!OnlyKnownParams(ex, call, params, search_params_)) return ex.status();
  // `limit` is required in v3.
  int limit = 0;
  std::optional<std::string> limit_text = FirstParam(params, "limit");
  if (!limit_text.has_value() || !absl::SimpleAtoi(*limit_text, &limit) || limit < 1) {
    return SendError(ex, call, BadRequest("invalid limit"));
  }
  EventFilters filters;
  if (std::optional<std::string> problem = filters.Read(params, kSearchFilters)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  // v3's key is the timestamp of the last event returned.
  std::optional<int64_t> after;
  if (!ReadMillisParam(params, "pagination_key", &after)) {
    return SendError(ex, call, BadRequest("invalid pagination key"));
  }

  const std::string visitor_id = FirstParam(params, "visitor_id").value_or("");
  // A visitor outside the generator's space has no events.
  std::vector<EventFacts> events;
  if (visitor_id.empty() || IsKnownVisitor(visitor_id)) events = data_.SearchSet(visitor_id);
  events.erase(
      std::remove_if(events.begin(), events.end(),
                     [&](const EventFacts& e) {
                       if (after.has_value() && (filters.reverse() ? e.timestamp_ms <= *after
                                                                   : e.timestamp_ms >= *after)) {
                         return true;
                       }
                       rapidjson::Document event;
                       data_.BuildEvent(e, &event);
                       return !filters.Matches(event);
                     }),
      events.end());
  if (filters.reverse()) std::reverse(events.begin(), events.end());

  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  rapidjson::Value page(rapidjson::kArrayType);
  const size_t count = std::min(events.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < count; ++i) {
    rapidjson::Document event(&alloc);
    data_.BuildEvent(events[i], &event);
    MutateEvent(call.scenario, alloc, &event);
    page.PushBack(rapidjson::Value(event, alloc), alloc);
  }
  doc.AddMember("events", page, alloc);
  if (count < events.size()) {
    doc.AddMember("paginationKey",
                  rapidjson::Value(absl::StrCat(events[count - 1].timestamp_ms).c_str(), alloc),
                  alloc);
  }
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV3Routes::HandleVisits(Exchange& ex, const Call& call) const {
  const QueryParams params = ParseQuery(ex.query_string());
  if (!OnlyKnownParams(ex, call, params, kVisitsParams)) return ex.status();
  const absl::string_view visitor_id = call.id;
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) {
    return SendError(ex, call, BadRequest("bad request"));
  }
  // `limit` is a scan limit: that many visits are read (after the pagination key) before the
  // request_id / linked_id filters; absent or 0, the vendor's 100.
  int limit = kDefaultVisitsLimit;
  if (std::optional<std::string> text = FirstParam(params, "limit"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 0 || limit > kMaxVisitsLimit) {
      return SendError(ex, call, BadRequest("bad request"));
    }
    if (limit == 0) limit = kDefaultVisitsLimit;
  }
  std::optional<int64_t> before;
  if (!ReadMillisParam(params, "before", &before)) {
    return SendError(ex, call, BadRequest("bad request"));
  }
  const std::optional<std::string> request_id = FirstParam(params, "request_id");
  const std::optional<std::string> linked_id = FirstParam(params, "linked_id");

  // getVisits documents no 404: a visitor the generator does not know has no visits.
  std::vector<EventFacts> visits;
  if (IsKnownVisitor(visitor_id)) visits = data_.SearchSet(visitor_id);
  // `before` (deprecated) pages by time: only visits older than it.
  if (before.has_value()) {
    visits.erase(std::remove_if(visits.begin(), visits.end(),
                                [&](const EventFacts& e) { return e.timestamp_ms >= *before; }),
                 visits.end());
  }
  // `paginationKey` is the request id of the last visit returned.
  size_t offset = 0;
  if (std::optional<std::string> key = FirstParam(params, "paginationKey"); key.has_value()) {
    auto it = std::find_if(visits.begin(), visits.end(),
                           [&](const EventFacts& e) { return e.event_id == *key; });
    if (it == visits.end()) return SendError(ex, call, BadRequest("bad request"));
    offset = static_cast<size_t>(it - visits.begin()) + 1;
  }
  const size_t scan_end = std::min(visits.size(), offset + static_cast<size_t>(limit));
  size_t last = offset;  // one past the last visit looked at
  std::vector<size_t> page_visits;
  for (size_t i = offset; i < scan_end && page_visits.size() < kVisitsPerPage; ++i) {
    last = i + 1;
    const EventFacts& e = visits[i];
    if (request_id.has_value() && e.event_id != *request_id) continue;
    if (linked_id.has_value() && e.linked_id != *linked_id) continue;
    page_visits.push_back(i);
  }
  if (page_visits.size() < kVisitsPerPage) last = scan_end;

  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("visitorId",
                rapidjson::Value(visitor_id.data(),
                                 static_cast<rapidjson::SizeType>(visitor_id.size()), alloc),
                alloc);
  rapidjson::Value page(rapidjson::kArrayType);
  for (size_t i : page_visits) {
    rapidjson::Value visit;
    data_.BuildVisit(visits[i], &visit, alloc);
    page.PushBack(visit, alloc);
  }
  doc.AddMember("visits", page, alloc);
  // More history after the visits looked at: the key continues after the last of them (pages are
  // cut before filtering, so a filtered page can be short, even empty).
  if (last > offset && last < visits.size()) {
    doc.AddMember("lastTimestamp", rapidjson::Value(visits[last - 1].timestamp_ms), alloc);
    doc.AddMember("paginationKey", rapidjson::Value(visits[last - 1].event_id.c_str(), alloc),
                  alloc);
  }
  return ex.SendJson(call.scenario, Serialize(doc));
}

int FingerprintV3Routes::HandleDeleteVisitor(Exchange& ex, const Call& call) const {
  if (!OnlyKnownParams(ex, call, ParseQuery(ex.query_string()), kNoParams)) return ex.status();
  if (std::optional<absl::string_view> problem = VisitorIdProblem(call.id)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  if (!IsKnownVisitor(call.id)) return SendError(ex, call, kVisitorNotFound);
  return ex.Send(200, "application/json", "");
}

int FingerprintV3Routes::HandleRelated(Exchange& ex, const Call& call) const {
  const QueryParams params = ParseQuery(ex.query_string());
  if (!OnlyKnownParams(ex, call, params, kRelatedParams)) return ex.status();
  const std::string visitor_id = FirstParam(params, "visitor_id").value_or("");
  if (std::optional<absl::string_view> problem = VisitorIdProblem(visitor_id)) {
    return SendError(ex, call, BadRequest(*problem));
  }
  if (!IsKnownVisitor(visitor_id)) return SendError(ex, call, kVisitorNotFound);
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  rapidjson::Value related(rapidjson::kArrayType);
  for (const std::string& id : data_.RelatedVisitors(visitor_id)) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("visitorId", rapidjson::Value(id.c_str(), alloc), alloc);
    related.PushBack(item, alloc);
  }
  doc.AddMember("relatedVisitors", related, alloc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

// ----------------------------------------------------------------------------------------------
// The module.

constexpr SandboxIntegration kIntegrations[] = {
    {"fingerprint-v3", "fingerprint", "v3", "", true, R"({"token":"1760000000456.demo02"})"},
};
constexpr SandboxVendorInfo kInfo{"fingerprint_v3", "FPGW_SANDBOX_FINGERPRINT_V3_KEY",
                                  "fingerprint_v3.key", "", kIntegrations};
constexpr RoutePrefix kPrefixes[] = {{"/events"}, {"/visitors"}, {"/related-visitors"}};

}  // namespace

const SandboxVendor& FingerprintV3SandboxVendor() {
  static const SandboxVendor* const kModule =
      new RoutesModule<FingerprintV3Routes>(kInfo, kPrefixes, kScenarios);
  return *kModule;
}

}  // namespace fpgw::sandbox
