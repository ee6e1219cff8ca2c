#include "sandbox/fingerprint_v3_routes.h"

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
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/json_chars.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/fingerprint_v3_data.h"
#include "sandbox/fingerprint_v4_data.h"
#include "sandbox/router.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxUpdateBodyBytes = 64 * 1024;
constexpr int kDefaultVisitsLimit = 100;
constexpr int kMaxVisitsLimit = 500;
// Since openapi v3.7.1 GET /visitors/{id} returns at most one visit per page.
constexpr int kVisitsPerPage = 1;
constexpr size_t kMaxLinkedIdChars = 256;
constexpr absl::string_view kAttemptKeyPrefix = "fingerprint_v3:";

// Fingerprint v3's own scenarios; the delivery scenarios (slow, reset, ...) come from Exchange.
constexpr absl::string_view kScenarios[] = {
    "not-found",
    "wrong-region",
    "feature-not-enabled",
    "subscription-not-active",
    "rate-limited",
    "server-error",
    "bad-request",
    "state-not-ready",
    "not-ready-once",
    "product-errors",
    "drift",
    "unknown-fields",
};

// ----------------------------------------------------------------------------------------------
// Fingerprint v3 errors (codes and messages as the vendor sends them).

struct VendorError {
  int status;
  absl::string_view code;
  absl::string_view message;
};

constexpr VendorError kTokenRequired{403, "TokenRequired", "secret key is required"};
constexpr VendorError kTokenNotFound{403, "TokenNotFound", "secret key is not found"};
constexpr VendorError kWrongRegion{403, "WrongRegion", "wrong region"};
constexpr VendorError kFeatureNotEnabled{403, "FeatureNotEnabled", "feature not enabled"};
constexpr VendorError kSubscriptionNotActive{403, "SubscriptionNotActive", "forbidden"};
constexpr VendorError kRequestNotFound{404, "RequestNotFound", "request id is not found"};
constexpr VendorError kVisitorNotFound{404, "VisitorNotFound", "visitor not found"};
constexpr VendorError kTooManyRequests{429, "TooManyRequests", "too many requests"};
constexpr VendorError kFailed{500, "Failed", "internal server error"};
constexpr VendorError kStateNotReady{409, "StateNotReady",
                                     "resource is not mutable yet, try again"};
constexpr VendorError kRequestBodyInvalid{400, "RequestCannotBeParsed",
                                          "request body is not valid"};

constexpr VendorError BadRequest(absl::string_view message) {
  return VendorError{400, "RequestCannotBeParsed", message};
}

// What a request is, for the error shapes and scenario answers that differ per endpoint.
enum class Endpoint { kGetEvent, kUpdateEvent, kSearch, kVisits, kDeleteVisitor, kRelated };

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

// `retry_after_seconds` is sent as `Retry-After` with a 429.
int SendError(Exchange& ex, Endpoint endpoint, const VendorError& error,
              int retry_after_seconds = 1) {
  std::vector<Header> extra;
  if (error.status == 429) extra.push_back({"Retry-After", absl::StrCat(retry_after_seconds)});
  if (endpoint == Endpoint::kVisits) {
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

bool IsDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

bool IsIpOrCidr(const std::string& text) {
  std::string address = text;
  const size_t slash = text.find('/');
  if (slash != std::string::npos) address = text.substr(0, slash);
  unsigned char buf[sizeof(struct in6_addr)];
  int max_prefix = 0;
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

rapidjson::Value* Find(rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// ----------------------------------------------------------------------------------------------
// The routes. Immutable after construction; shared by all worker threads.

class FingerprintV3Routes final {
 public:
  FingerprintV3Routes(uint64_t seed, std::string secret_key)
      : data_(seed), secret_key_(std::move(secret_key)) {}

  // `/events/search`, `/events/{id}`, `/visitors/{id}`, `/related-visitors`.
  int Handle(Exchange& ex) const;

 private:
  int HandleGetEvent(Exchange& ex, absl::string_view request_id) const;
  int HandleUpdateEvent(Exchange& ex, absl::string_view request_id) const;
  int HandleSearch(Exchange& ex) const;
  int HandleVisits(Exchange& ex, absl::string_view visitor_id) const;
  int HandleDeleteVisitor(Exchange& ex, absl::string_view visitor_id) const;
  int HandleRelated(Exchange& ex) const;

  // Checks the secret key (`Auth-API-Key`, `api_key`, legacy `Auth-Token`, `token`); sends the
  // 403 and returns false when it is missing or wrong.
  bool Authorized(Exchange& ex, Endpoint endpoint) const;
  // The scenario for `token`; sends a 400 and returns nullopt when the control header names an
  // unknown scenario.
  std::optional<Scenario> SelectScenario(Exchange& ex, Endpoint endpoint,
                                         absl::string_view token) const;
  // Answers failure scenarios that replace the response entirely. Returns true when a response
  // was sent (or the connection dropped).
  bool ApplyTerminalScenario(Exchange& ex, const Scenario& scenario, Endpoint endpoint,
                             absl::string_view token) const;
  // Mutates one EventsGetResponse for the body scenarios (product errors, drift, unknown fields).
  static void MutateEvent(const Scenario& scenario, rapidjson::Document::AllocatorType& alloc,
                          rapidjson::Value* event);

  const FingerprintV3Data data_;
  const std::string secret_key_;
};

int FingerprintV3Routes::Handle(Exchange& ex) const {
  const absl::string_view path = ex.path();
  const absl::string_view method = ex.method();
  Endpoint endpoint;
  absl::string_view id;
  absl::string_view allow;
  if (path == "/events/search") {
    endpoint = Endpoint::kSearch;
    allow = "GET";
    ex.set_route(kRouteFingerprintV3SearchEvents);
  } else if (absl::StartsWith(path, "/events/") && path.size() > 8) {
    id = path.substr(8);
    allow = "GET, PUT";
    endpoint = method == "PUT" ? Endpoint::kUpdateEvent : Endpoint::kGetEvent;
    ex.set_route(method == "PUT" ? kRouteFingerprintV3UpdateEvent : kRouteFingerprintV3GetEvent);
  } else if (path == "/visitors" || absl::StartsWith(path, "/visitors/")) {
    id = path.size() > 10 ? path.substr(10) : absl::string_view();
    allow = "GET, DELETE";
    endpoint = method == "DELETE" ? Endpoint::kDeleteVisitor : Endpoint::kVisits;
    ex.set_route(method == "DELETE" ? kRouteFingerprintV3DeleteVisitor
                                    : kRouteFingerprintV3GetVisits);
  } else if (path == "/related-visitors") {
    endpoint = Endpoint::kRelated;
    allow = "GET";
    ex.set_route(kRouteFingerprintV3RelatedVisitors);
  } else {
    ex.set_route(kRouteUnknown);
    return ex.SendJsonError(404, "not_found", absl::StrCat("no route for ", path));
  }
  ex.Count();

  if (!MethodAllowed(allow, method)) return ex.SendMethodNotAllowed(allow);
  if (!Authorized(ex, endpoint)) return ex.status();

  switch (endpoint) {
    case Endpoint::kGetEvent:
      return HandleGetEvent(ex, id);
    case Endpoint::kUpdateEvent:
      return HandleUpdateEvent(ex, id);
    case Endpoint::kSearch:
      return HandleSearch(ex);
    case Endpoint::kVisits:
      return HandleVisits(ex, id);
    case Endpoint::kDeleteVisitor:
      return HandleDeleteVisitor(ex, id);
    case Endpoint::kRelated:
      return HandleRelated(ex);
  }
  return ex.status();
}

bool FingerprintV3Routes::Authorized(Exchange& ex, Endpoint endpoint) const {
  std::string key;
  if (auto header = ex.RequestHeader("Auth-API-Key"); header.has_value() && !header->empty()) {
    key = std::string(absl::StripAsciiWhitespace(*header));
  } else if (auto query = ex.QueryParam("api_key"); query.has_value() && !query->empty()) {
    key = *query;
  } else if (auto legacy = ex.RequestHeader("Auth-Token"); legacy.has_value() && !legacy->empty()) {
    key = std::string(absl::StripAsciiWhitespace(*legacy));
  } else if (auto token = ex.QueryParam("token"); token.has_value()) {
    key = *token;
  }
  if (key.empty()) {
    SendError(ex, endpoint, kTokenRequired);
    return false;
  }
  if (key.size() != secret_key_.size() ||
      CRYPTO_memcmp(key.data(), secret_key_.data(), secret_key_.size()) != 0) {
    SendError(ex, endpoint, kTokenNotFound);
    return false;
  }
  return true;
}

std::optional<Scenario> FingerprintV3Routes::SelectScenario(Exchange& ex, Endpoint endpoint,
                                                            absl::string_view token) const {
  std::optional<Scenario> scenario = ex.SelectScenario(token, kScenarios);
  if (!scenario.has_value()) {
    SendError(ex, endpoint,
              BadRequest(absl::StrCat("unknown sandbox scenario \"",
                                      ex.RequestHeader(kScenarioHeader).value_or(""), "\"")));
  }
  return scenario;
}

bool FingerprintV3Routes::ApplyTerminalScenario(Exchange& ex, const Scenario& scenario,
                                                Endpoint endpoint, absl::string_view token) const {
  const absl::string_view name = scenario.name;
  if (name == "not-found") {
    switch (endpoint) {
      case Endpoint::kGetEvent:
      case Endpoint::kUpdateEvent:
        SendError(ex, endpoint, kRequestNotFound);
        break;
      case Endpoint::kSearch:
        // Search has no 404: an unknown visitor has no events.
        ex.Send(200, "application/json", R"({"events":[]})");
        break;
      case Endpoint::kVisits: {
        rapidjson::Document doc(rapidjson::kObjectType);
        doc.AddMember(
            "visitorId",
            rapidjson::Value(fpgw::JsonChars(token), static_cast<rapidjson::SizeType>(token.size()),
                             doc.GetAllocator()),
            doc.GetAllocator());
        doc.AddMember("visits", rapidjson::Value(rapidjson::kArrayType), doc.GetAllocator());
        ex.Send(200, "application/json", Serialize(doc));
        break;
      }
      case Endpoint::kDeleteVisitor:
      case Endpoint::kRelated:
        SendError(ex, endpoint, kVisitorNotFound);
        break;
    }
  } else if (name == "wrong-region") {
    SendError(ex, endpoint, kWrongRegion);
  } else if (name == "feature-not-enabled") {
    SendError(ex, endpoint, kFeatureNotEnabled);
  } else if (name == "subscription-not-active") {
    SendError(ex, endpoint, kSubscriptionNotActive);
  } else if (name == "rate-limited") {
    // `sandbox-rate-limited-<seconds>` chooses the Retry-After value (default 1, at most 3600).
    int seconds = 1;
    const absl::string_view prefix = "sandbox-rate-limited-";
    int parsed = 0;
    if (absl::StartsWith(token, prefix) && IsDigits(token.substr(prefix.size())) &&
        absl::SimpleAtoi(token.substr(prefix.size()), &parsed)) {
      seconds = std::min(parsed, 3600);
    }
    SendError(ex, endpoint, kTooManyRequests, seconds);
  } else if (name == "server-error") {
    SendError(ex, endpoint, kFailed);
  } else if (name == "bad-request") {
    SendError(ex, endpoint,
              endpoint == Endpoint::kUpdateEvent ? kRequestBodyInvalid
              : endpoint == Endpoint::kGetEvent  ? BadRequest("invalid request id")
                                                 : BadRequest("invalid visitor id"));
  } else if (name == "state-not-ready") {
    SendError(ex, endpoint, kStateNotReady);
  } else if (name == "not-ready-once") {
    // "Pending then complete": the first request for this token is refused as not ready yet,
    // later ones go through.
    if (ex.NoteAttempt(absl::StrCat(kAttemptKeyPrefix, token)) != 1) return false;
    SendError(ex, endpoint, kStateNotReady);
  } else {
    return ex.ApplyDelivery(scenario);
  }
  return true;
}

void FingerprintV3Routes::MutateEvent(const Scenario& scenario,
                                      rapidjson::Document::AllocatorType& alloc,
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
      if (rapidjson::Value* data = Find(*score, "data"))
        set(*data, "result", rapidjson::Value("7"));
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

int FingerprintV3Routes::HandleGetEvent(Exchange& ex, absl::string_view request_id) const {
  std::optional<Scenario> scenario = SelectScenario(ex, Endpoint::kGetEvent, request_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, Endpoint::kGetEvent, request_id)) return ex.status();
  if (!FingerprintV4Data::IsValidEventId(request_id)) {
    return SendError(ex, Endpoint::kGetEvent, BadRequest("invalid request id"));
  }
  rapidjson::Document doc;
  data_.BuildEvent(data_.Facts(request_id), &doc);
  MutateEvent(*scenario, doc.GetAllocator(), &doc);
  return ex.SendJson(*scenario, Serialize(doc));
}

int FingerprintV3Routes::HandleUpdateEvent(Exchange& ex, absl::string_view request_id) const {
  std::optional<Scenario> scenario = SelectScenario(ex, Endpoint::kUpdateEvent, request_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, Endpoint::kUpdateEvent, request_id)) {
    return ex.status();
  }
  if (!FingerprintV4Data::IsValidEventId(request_id)) {
    return SendError(ex, Endpoint::kUpdateEvent, kRequestNotFound);
  }
  std::optional<std::string> body = ex.ReadBody(kMaxUpdateBodyBytes);
  if (!body.has_value()) return SendError(ex, Endpoint::kUpdateEvent, kRequestBodyInvalid);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
  if (doc.HasParseError() || !doc.IsObject() || doc.ObjectEmpty()) {
    return SendError(ex, Endpoint::kUpdateEvent, kRequestBodyInvalid);
  }
  for (const auto& member : doc.GetObject()) {
    const absl::string_view name(member.name.GetString(), member.name.GetStringLength());
    const bool ok = (name == "linkedId" && member.value.IsString()) ||
                    (name == "tag" && member.value.IsObject()) ||
                    (name == "suspect" && member.value.IsBool());
    if (!ok) return SendError(ex, Endpoint::kUpdateEvent, kRequestBodyInvalid);
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV3Routes::HandleSearch(Exchange& ex) const {
  const Endpoint endpoint = Endpoint::kSearch;
  std::optional<std::string> visitor_id = ex.QueryParam("visitor_id");
  std::optional<Scenario> scenario = SelectScenario(ex, endpoint, visitor_id.value_or(""));
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, endpoint, visitor_id.value_or(""))) {
    return ex.status();
  }
  // `limit` is required in v3.
  int limit = 0;
  std::optional<std::string> limit_text = ex.QueryParam("limit");
  if (!limit_text.has_value() || !absl::SimpleAtoi(*limit_text, &limit) || limit < 1) {
    return SendError(ex, endpoint, BadRequest("invalid limit"));
  }
  if (visitor_id.has_value() && !FingerprintV4Data::IsValidVisitorId(*visitor_id)) {
    return SendError(ex, endpoint, BadRequest("invalid visitor id"));
  }
  std::optional<std::string> linked_id = ex.QueryParam("linked_id");
  if (linked_id.has_value() && linked_id->size() > kMaxLinkedIdChars) {
    return SendError(ex, endpoint,
                     BadRequest("linked_id can't be greater than 256 characters long"));
  }
  const std::string bot = ex.QueryParam("bot").value_or("all");
  if (bot != "all" && bot != "good" && bot != "bad" && bot != "none") {
    return SendError(ex, endpoint, BadRequest("invalid bot type"));
  }
  if (std::optional<std::string> ip = ex.QueryParam("ip_address"); ip.has_value()) {
    if (!IsIpOrCidr(*ip)) return SendError(ex, endpoint, BadRequest("invalid ip address"));
  }
  // v3 time bounds are Unix milliseconds only.
  std::optional<int64_t> start;
  if (std::optional<std::string> text = ex.QueryParam("start"); text.has_value()) {
    int64_t ms = 0;
    if (!IsDigits(*text) || !absl::SimpleAtoi(*text, &ms)) {
      return SendError(ex, endpoint, BadRequest("invalid start time"));
    }
    start = ms;
  }
  std::optional<int64_t> end;
  if (std::optional<std::string> text = ex.QueryParam("end"); text.has_value()) {
    int64_t ms = 0;
    if (!IsDigits(*text) || !absl::SimpleAtoi(*text, &ms)) {
      return SendError(ex, endpoint, BadRequest("invalid end time"));
    }
    end = ms;
  }
  bool reverse = false;
  if (std::optional<std::string> text = ex.QueryParam("reverse"); text.has_value()) {
    if (*text == "true") {
      reverse = true;
    } else if (*text != "false") {
      return SendError(ex, endpoint, BadRequest("invalid reverse param"));
    }
  }
  // v3's key is the timestamp of the last event returned.
  std::optional<int64_t> after;
  if (std::optional<std::string> key = ex.QueryParam("pagination_key"); key.has_value()) {
    int64_t ms = 0;
    if (!IsDigits(*key) || !absl::SimpleAtoi(*key, &ms)) {
      return SendError(ex, endpoint, BadRequest("invalid pagination key"));
    }
    after = ms;
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
                                if (after.has_value() && (reverse ? e.timestamp_ms <= *after
                                                                  : e.timestamp_ms >= *after)) {
                                  return true;
                                }
                                return false;
                              }),
               events.end());
  if (reverse) std::reverse(events.begin(), events.end());

  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  rapidjson::Value page(rapidjson::kArrayType);
  const size_t count = std::min(events.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < count; ++i) {
    rapidjson::Document event(&alloc);
    data_.BuildEvent(events[i], &event);
    MutateEvent(*scenario, alloc, &event);
    page.PushBack(rapidjson::Value(event, alloc), alloc);
  }
  doc.AddMember("events", page, alloc);
  if (count < events.size()) {
    doc.AddMember("paginationKey",
                  rapidjson::Value(absl::StrCat(events[count - 1].timestamp_ms).c_str(), alloc),
                  alloc);
  }
  return ex.SendJson(*scenario, Serialize(doc));
}

int FingerprintV3Routes::HandleVisits(Exchange& ex, absl::string_view visitor_id) const {
  const Endpoint endpoint = Endpoint::kVisits;
  std::optional<Scenario> scenario = SelectScenario(ex, endpoint, visitor_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, endpoint, visitor_id)) return ex.status();
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) {
    return SendError(ex, endpoint, BadRequest("bad request"));
  }
  int limit = kDefaultVisitsLimit;
  if (std::optional<std::string> text = ex.QueryParam("limit"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 0 || limit > kMaxVisitsLimit) {
      return SendError(ex, endpoint, BadRequest("bad request"));
    }
    if (limit == 0) limit = kDefaultVisitsLimit;
  }
  std::optional<int64_t> before;
  if (std::optional<std::string> text = ex.QueryParam("before"); text.has_value()) {
    int64_t ms = 0;
    if (!IsDigits(*text) || !absl::SimpleAtoi(*text, &ms)) {
      return SendError(ex, endpoint, BadRequest("bad request"));
    }
    before = ms;
  }
  const std::optional<std::string> request_id = ex.QueryParam("request_id");
  const std::optional<std::string> linked_id = ex.QueryParam("linked_id");

  std::vector<EventFacts> visits = data_.SearchSet(visitor_id);
  // `paginationKey` is the request id of the last visit returned.
  size_t offset = 0;
  if (std::optional<std::string> key = ex.QueryParam("paginationKey"); key.has_value()) {
    auto it = std::find_if(visits.begin(), visits.end(),
                           [&](const EventFacts& e) { return e.event_id == *key; });
    if (it == visits.end()) return SendError(ex, endpoint, BadRequest("bad request"));
    offset = static_cast<size_t>(it - visits.begin()) + 1;
  }
  visits.erase(visits.begin(), visits.begin() + static_cast<std::ptrdiff_t>(offset));
  visits.erase(std::remove_if(visits.begin(), visits.end(),
                              [&](const EventFacts& e) {
                                if (request_id.has_value() && e.event_id != *request_id) {
                                  return true;
                                }
                                if (linked_id.has_value() && e.linked_id != *linked_id) {
                                  return true;
                                }
                                return before.has_value() && e.timestamp_ms >= *before;
                              }),
               visits.end());

  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("visitorId",
                rapidjson::Value(visitor_id.data(),
                                 static_cast<rapidjson::SizeType>(visitor_id.size()), alloc),
                alloc);
  rapidjson::Value page(rapidjson::kArrayType);
  const size_t count =
      std::min(visits.size(), static_cast<size_t>(std::min(limit, kVisitsPerPage)));
  for (size_t i = 0; i < count; ++i) {
    rapidjson::Value visit;
    data_.BuildVisit(visits[i], &visit, alloc);
    page.PushBack(visit, alloc);
  }
  doc.AddMember("visits", page, alloc);
  if (count > 0 && count < visits.size()) {
    doc.AddMember("lastTimestamp", rapidjson::Value(visits[count - 1].timestamp_ms), alloc);
    doc.AddMember("paginationKey", rapidjson::Value(visits[count - 1].event_id.c_str(), alloc),
                  alloc);
  }
  return ex.SendJson(*scenario, Serialize(doc));
}

int FingerprintV3Routes::HandleDeleteVisitor(Exchange& ex, absl::string_view visitor_id) const {
  const Endpoint endpoint = Endpoint::kDeleteVisitor;
  std::optional<Scenario> scenario = SelectScenario(ex, endpoint, visitor_id);
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, endpoint, visitor_id)) return ex.status();
  if (visitor_id.empty()) return SendError(ex, endpoint, BadRequest("visitor id is required"));
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) {
    return SendError(ex, endpoint, BadRequest("invalid visitor id"));
  }
  return ex.Send(200, "application/json", "");
}

int FingerprintV3Routes::HandleRelated(Exchange& ex) const {
  const Endpoint endpoint = Endpoint::kRelated;
  const std::optional<std::string> visitor_id = ex.QueryParam("visitor_id");
  std::optional<Scenario> scenario = SelectScenario(ex, endpoint, visitor_id.value_or(""));
  if (!scenario.has_value()) return ex.status();
  if (ApplyTerminalScenario(ex, *scenario, endpoint, visitor_id.value_or(""))) {
    return ex.status();
  }
  if (!visitor_id.has_value() || visitor_id->empty()) {
    return SendError(ex, endpoint, BadRequest("visitor id is required"));
  }
  if (!FingerprintV4Data::IsValidVisitorId(*visitor_id)) {
    return SendError(ex, endpoint, BadRequest("invalid visitor id"));
  }
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  rapidjson::Value related(rapidjson::kArrayType);
  for (const std::string& id : data_.RelatedVisitors(*visitor_id)) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("visitorId", rapidjson::Value(id.c_str(), alloc), alloc);
    related.PushBack(item, alloc);
  }
  doc.AddMember("relatedVisitors", related, alloc);
  return ex.SendJson(*scenario, Serialize(doc));
}

}  // namespace

void AddFingerprintV3Routes(Router& router) {
  const SandboxOptions& options = router.options();
  constexpr absl::string_view kPrefixes[] = {"/events", "/visitors", "/related-visitors"};
  if (options.fingerprint_v3_secret_key.empty()) {
    for (absl::string_view prefix : kPrefixes) {
      router.AddUnconfigured(prefix, kRouteUnknown, "fingerprint_v3_secret_key");
    }
    return;
  }
  auto routes =
      std::make_shared<const FingerprintV3Routes>(options.seed, options.fingerprint_v3_secret_key);
  for (absl::string_view prefix : kPrefixes) {
    router.Add(prefix, kRouteUnknown, [routes](Exchange& ex) { return routes->Handle(ex); });
  }
}

}  // namespace fpgw::sandbox
