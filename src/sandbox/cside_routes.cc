#include "sandbox/cside_routes.h"

#include <openssl/crypto.h>

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
#include "common/json_chars.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/exchange.h"
#include "sandbox/router.h"
#include "sandbox/sandbox.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr int kMaxLimit = 500;
constexpr absl::string_view kAttemptKeyPrefix = "cside:";
// 2026-05-22T00:00:00Z: the newest sandbox evaluations are from around then.
constexpr int64_t kBaseMillis = 1779408000000;
constexpr int64_t kHourMillis = 3600 * 1000;
constexpr int64_t kDayMillis = 24 * kHourMillis;

// cside's own scenarios; the delivery scenarios (slow, reset, malformed, html, ...) come from
// Exchange. `pending[-<n>]` answers 202 for the first n polls of the token (default 1);
// `no-fingerprint-id` lets /token/v1/client answer but makes /token/v1/clientId a 404.
constexpr absl::string_view kScenarios[] = {
    "not-found", "rate-limited", "server-error", "drift", "pending", "no-fingerprint-id",
};

// The error member of each endpoint's non-OK bodies (CONTRACTS.md §1.3): verify and the public
// endpoints `error_message`, device entries `error`. Messages are free text, as cside writes
// them; only the rate limit sends a code-like word.
constexpr absl::string_view kVerifyErrorField = "error_message";
constexpr absl::string_view kEntriesErrorField = "error";

std::string ErrorJson(absl::string_view field, absl::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key(fpgw::JsonChars(field), static_cast<rapidjson::SizeType>(field.size()));
  writer.String(fpgw::JsonChars(message), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

int SendError(Exchange& ex, int status, absl::string_view field, absl::string_view message,
              const std::vector<Header>& extra = {}) {
  return ex.Send(status, "application/json", ErrorJson(field, message), extra);
}

// ----------------------------------------------------------------------------------------------
// Deterministic data.

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, absl::string_view label, absl::string_view text, int64_t index = 0) {
  uint64_t h = 1469598103934665603ULL ^ Mix(seed);
  for (absl::string_view part : {label, absl::string_view("\x1f"), text}) {
    for (char c : part) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  }
  return Mix(h ^ Mix(static_cast<uint64_t>(index)));
}

// Draws successive pseudo-random numbers from one hash.
class Draw final {
 public:
  explicit Draw(uint64_t state) : state_(state) {}
  uint64_t Next() { return state_ = Mix(state_); }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  // Rounded to `decimals`.
  double Between(double low, double high, int decimals) {
    const double unit = static_cast<double>(Next() >> 11) / static_cast<double>(1ULL << 53);
    double scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    return static_cast<double>(static_cast<int64_t>((low + (high - low) * unit) * scale)) / scale;
  }

 private:
  uint64_t state_;
};

struct Place {
  const char* country_code;
  const char* country;
  const char* region;
  const char* city;
  const char* postal_code;
  double latitude;
  double longitude;
  const char* timezone;
};

constexpr Place kPlaces[] = {
    {"CZ", "Czechia", "Prague", "Prague", "110 00", 50.0875, 14.4213, "Europe/Prague"},
    {"DE", "Germany", "Berlin", "Berlin", "10115", 52.5200, 13.4050, "Europe/Berlin"},
    {"US", "United States", "California", "San Francisco", "94107", 37.7749, -122.4194,
     "America/Los_Angeles"},
    {"BR", "Brazil", "Sao Paulo", "Sao Paulo", "01000-000", -23.5505, -46.6333,
     "America/Sao_Paulo"},
    {"JP", "Japan", "Tokyo", "Tokyo", "100-0001", 35.6762, 139.6503, "Asia/Tokyo"},
    {"IN", "India", "Maharashtra", "Mumbai", "400001", 19.0760, 72.8777, "Asia/Kolkata"},
};

struct Browser {
  const char* name;
  const char* version;
  const char* os;
  const char* os_version;
  const char* device_type;
  const char* user_agent;
};

constexpr Browser kBrowsers[] = {
    {"Chrome", "131.0.6778.86", "Windows", "10", "desktop",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36"},
    {"Firefox", "133.0", "Linux", "6.8", "desktop",
     "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"},
    {"Safari", "18.1", "iOS", "18.1", "mobile",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/18.1 Mobile/15E148 Safari/604.1"},
    {"Edge", "131.0.2903.70", "macOS", "14.6", "desktop",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"},
};

struct Network {
  uint32_t asn;
  const char* asn_name;
  const char* ip_prefix;
  bool datacenter;
};

constexpr Network kNetworks[] = {
    {64501, "Example Residential Broadband", "203.0.113.", false},
    {64502, "Example Mobile Carrier", "198.51.100.", false},
    {64503, "Example Cloud Hosting", "192.0.2.", true},
};

constexpr const char* kBotTypes[] = {"headless_browser", "automation_framework", "scraper"};

void AddString(rapidjson::Value* object, const char* key, absl::string_view value,
               rapidjson::Document::AllocatorType& alloc) {
  object->AddMember(rapidjson::StringRef(key),
                    rapidjson::Value(fpgw::JsonChars(value),
                                     static_cast<rapidjson::SizeType>(value.size()), alloc),
                    alloc);
}

// The payload's creation time: for the verify of a token, from the token; for entry `index` of a
// device, strictly older with each index (3h apart, jitter under 1h).
int64_t CreatedAt(uint64_t seed, absl::string_view token, const std::string& device, int index) {
  if (index < 0) {
    return kBaseMillis - static_cast<int64_t>(Hash(seed, "created", token) % (7 * kDayMillis));
  }
  const int64_t newest =
      kBaseMillis - static_cast<int64_t>(Hash(seed, "device-newest", device) % kDayMillis);
  return newest - index * 3 * kHourMillis -
         static_cast<int64_t>(Hash(seed, "entry-jitter", device, index) % kHourMillis);
}

void SetOrAdd(rapidjson::Document* doc, const char* key, rapidjson::Value value) {
  auto it = doc->FindMember(key);
  if (it != doc->MemberEnd()) {
    it->value = value;
  } else {
    doc->AddMember(rapidjson::StringRef(key), value, doc->GetAllocator());
  }
}

// Type changes in the assumed shapes plus an unknown block, the way a vendor's schema drifts.
void Drift(rapidjson::Document* doc) {
  auto& alloc = doc->GetAllocator();
  SetOrAdd(doc, "created_at", rapidjson::Value("2026-05-22T00:00:00Z"));
  SetOrAdd(doc, "geo_data", rapidjson::Value("CZ"));
  auto fingerprint = doc->FindMember("fingerprint");
  if (fingerprint != doc->MemberEnd() && fingerprint->value.IsObject()) {
    fingerprint->value["id"].SetInt(123456);
  }
  auto bot = doc->FindMember("bot");
  if (bot != doc->MemberEnd() && bot->value.IsObject()) bot->value["is_bot"].SetString("yes");
  rapidjson::Value future(rapidjson::kObjectType);
  future.AddMember("risk", "elevated", alloc);
  future.AddMember("introduced_in", "v2.99", alloc);
  SetOrAdd(doc, "sandbox_future_block", std::move(future));
}

// How many polls `pending[-<n>]` keeps pending, from the token or the scenario header.
uint64_t PendingPolls(absl::string_view text) {
  const size_t at = text.find("pending");
  if (at == absl::string_view::npos) return 1;
  absl::string_view rest = text.substr(at + 7);
  if (rest.empty() || rest[0] != '-') return 1;
  rest.remove_prefix(1);
  size_t end = 0;
  while (end < rest.size() && absl::ascii_isdigit(rest[end])) ++end;
  uint64_t n = 1;
  if (end == 0 || !absl::SimpleAtoi(rest.substr(0, end), &n)) return 1;
  return std::min<uint64_t>(n, 1000000);
}

// ----------------------------------------------------------------------------------------------
// The routes. Immutable after construction; shared by all worker threads.

class CsideRoutes final {
 public:
  CsideRoutes(uint64_t seed, std::string api_key) : seed_(seed), api_key_(std::move(api_key)) {}

  int Handle(Exchange& ex) const;

 private:
  int HandleVerify(Exchange& ex) const;
  int HandleEntries(Exchange& ex) const;
  int HandleClient(Exchange& ex) const;
  int HandleClientId(Exchange& ex) const;

  // Checks the Bearer key; sends the 401 in the endpoint's error shape and returns false when it
  // is missing or wrong.
  bool Authorized(Exchange& ex, absl::string_view error_field) const;
  // Reads the JSON body's string `token`; sends the 400/413 and returns nullopt when it is not
  // there.
  std::optional<std::string> JsonToken(Exchange& ex, absl::string_view error_field,
                                       rapidjson::Document* doc) const;
  // Reads the raw text/plain token of the public endpoints.
  std::optional<std::string> TextToken(Exchange& ex) const;
  std::optional<Scenario> SelectScenario(Exchange& ex, absl::string_view token,
                                         absl::string_view error_field) const;
  // Answers the error scenarios; true when a response was sent (or the connection dropped).
  bool ApplyErrorScenario(Exchange& ex, const Scenario& scenario,
                          absl::string_view error_field) const;
  // Answers 202 pending while the token's `pending` polls last; true when it did.
  bool ApplyPending(Exchange& ex, const Scenario& scenario, absl::string_view endpoint,
                    absl::string_view token) const;

  const uint64_t seed_;
  const std::string api_key_;
};

int CsideRoutes::Handle(Exchange& ex) const {
  const absl::string_view path = ex.path();
  absl::string_view route;
  if (path == "/token/v2/verify") {
    route = kRouteCsideVerify;
  } else if (path == "/token/v2/device/entries") {
    route = kRouteCsideDeviceEntries;
  } else if (path == "/token/v1/client") {
    route = kRouteCsideClient;
  } else if (path == "/token/v1/clientId") {
    route = kRouteCsideClientId;
  } else {
    ex.set_route(kRouteUnknown);
    return ex.SendJsonError(404, "not_found", absl::StrCat("no route for ", path));
  }
  ex.set_route(route);
  ex.Count();
  if (ex.method() != "POST") return ex.SendMethodNotAllowed("POST");
  if (route == kRouteCsideVerify) return HandleVerify(ex);
  if (route == kRouteCsideDeviceEntries) return HandleEntries(ex);
  if (route == kRouteCsideClient) return HandleClient(ex);
  return HandleClientId(ex);
}

bool CsideRoutes::Authorized(Exchange& ex, absl::string_view error_field) const {
  const absl::string_view value =
      absl::StripAsciiWhitespace(ex.RequestHeader("Authorization").value_or(""));
  absl::string_view key;
  if (value.size() > 7 && absl::StartsWithIgnoreCase(value, "Bearer ")) {
    key = absl::StripAsciiWhitespace(value.substr(7));
  }
  if (key.size() == api_key_.size() && !key.empty() &&
      CRYPTO_memcmp(key.data(), api_key_.data(), api_key_.size()) == 0) {
    return true;
  }
  SendError(ex, 401, error_field, "Invalid or missing API key");
  return false;
}

std::optional<std::string> CsideRoutes::JsonToken(Exchange& ex, absl::string_view error_field,
                                                  rapidjson::Document* doc) const {
  std::optional<std::string> body = ex.ReadBody(kMaxBodyBytes);
  if (!body.has_value()) {
    SendError(ex, 413, error_field, "Request body too large");
    return std::nullopt;
  }
  doc->Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
  if (doc->HasParseError() || !doc->IsObject()) {
    SendError(ex, 400, error_field, "Request body must be a JSON object");
    return std::nullopt;
  }
  auto token = doc->FindMember("token");
  if (token == doc->MemberEnd() || !token->value.IsString() ||
      token->value.GetStringLength() == 0) {
    SendError(ex, 400, error_field, "token is required");
    return std::nullopt;
  }
  return std::string(token->value.GetString(), token->value.GetStringLength());
}

std::optional<std::string> CsideRoutes::TextToken(Exchange& ex) const {
  std::optional<std::string> body = ex.ReadBody(kMaxBodyBytes);
  if (!body.has_value()) {
    SendError(ex, 413, kVerifyErrorField, "Request body too large");
    return std::nullopt;
  }
  const absl::string_view token = absl::StripAsciiWhitespace(*body);
  if (token.empty()) {
    SendError(ex, 400, kVerifyErrorField, "token is required");
    return std::nullopt;
  }
  // The public endpoints take the raw token, not a JSON wrapper.
  if (token.front() == '{' || token.front() == '"') {
    SendError(ex, 400, kVerifyErrorField, "Send the raw token as text/plain");
    return std::nullopt;
  }
  return std::string(token);
}

std::optional<Scenario> CsideRoutes::SelectScenario(Exchange& ex, absl::string_view token,
                                                    absl::string_view error_field) const {
  std::optional<Scenario> scenario = ex.SelectScenario(token, kScenarios);
  if (!scenario.has_value()) {
    SendError(
        ex, 400, error_field,
        absl::StrCat("Unknown sandbox scenario ", ex.RequestHeader(kScenarioHeader).value_or("")));
  }
  return scenario;
}

bool CsideRoutes::ApplyErrorScenario(Exchange& ex, const Scenario& scenario,
                                     absl::string_view error_field) const {
  const bool entries = error_field == kEntriesErrorField;
  if (scenario.Is("not-found")) {
    SendError(ex, 404, error_field, entries ? "Device not found" : "Token not found");
  } else if (scenario.Is("rate-limited")) {
    SendError(ex, 429, error_field, "rate_limited", {{"Retry-After", "1"}});
  } else if (scenario.Is("server-error")) {
    SendError(ex, 500, error_field, "Internal server error");
  } else {
    return ex.ApplyDelivery(scenario);
  }
  return true;
}

bool CsideRoutes::ApplyPending(Exchange& ex, const Scenario& scenario, absl::string_view endpoint,
                               absl::string_view token) const {
  if (!scenario.Is("pending")) return false;
  const absl::string_view text = ex.RequestHeader(kScenarioHeader).value_or(token);
  const uint64_t attempt = ex.NoteAttempt(absl::StrCat(kAttemptKeyPrefix, endpoint, ":", token));
  if (attempt > PendingPolls(text)) return false;
  ex.Send(202, "application/json", R"({"status":"pending"})");
  return true;
}

int CsideRoutes::HandleVerify(Exchange& ex) const {
  if (!Authorized(ex, kVerifyErrorField)) return ex.status();
  rapidjson::Document request;
  std::optional<std::string> token = JsonToken(ex, kVerifyErrorField, &request);
  if (!token.has_value()) return ex.status();
  std::optional<Scenario> scenario = SelectScenario(ex, *token, kVerifyErrorField);
  if (!scenario.has_value()) return ex.status();
  if (ApplyErrorScenario(ex, *scenario, kVerifyErrorField)) return ex.status();
  if (ApplyPending(ex, *scenario, "verify", *token)) return ex.status();
  rapidjson::Document doc;
  BuildCsidePayload(seed_, *token, -1, &doc);
  if (scenario->Is("drift")) Drift(&doc);
  return ex.SendJson(*scenario, Serialize(doc));
}

int CsideRoutes::HandleEntries(Exchange& ex) const {
  if (!Authorized(ex, kEntriesErrorField)) return ex.status();
  rapidjson::Document request;
  std::optional<std::string> token = JsonToken(ex, kEntriesErrorField, &request);
  if (!token.has_value()) return ex.status();
  int64_t limit = kMaxLimit;
  if (auto it = request.FindMember("limit"); it != request.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64() || it->value.GetInt64() < 1) {
      return SendError(ex, 400, kEntriesErrorField, "limit must be a positive integer");
    }
    limit = std::min<int64_t>(it->value.GetInt64(), kMaxLimit);
  }
  int64_t offset = 0;
  if (auto it = request.FindMember("offset"); it != request.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64() || it->value.GetInt64() < 0) {
      return SendError(ex, 400, kEntriesErrorField, "offset must be a non-negative integer");
    }
    offset = it->value.GetInt64();
  }
  std::optional<Scenario> scenario = SelectScenario(ex, *token, kEntriesErrorField);
  if (!scenario.has_value()) return ex.status();
  if (ApplyErrorScenario(ex, *scenario, kEntriesErrorField)) return ex.status();

  const std::string device = CsideDeviceId(seed_, *token);
  // offset may be anything the client sent: compare before adding, so nothing overflows.
  const int64_t end = offset >= kCsideEntriesPerDevice
                          ? int64_t{kCsideEntriesPerDevice}
                          : std::min<int64_t>(offset + limit, kCsideEntriesPerDevice);
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  AddString(&doc, "device_id", device, alloc);
  rapidjson::Value entries(rapidjson::kArrayType);
  for (int64_t i = offset; i < end; ++i) {
    rapidjson::Document entry(&alloc);
    BuildCsidePayload(seed_, device, static_cast<int>(i), &entry);
    if (scenario->Is("drift")) Drift(&entry);
    entries.PushBack(rapidjson::Value(entry, alloc), alloc);
  }
  doc.AddMember("entries", entries, alloc);
  doc.AddMember("limit", limit, alloc);
  doc.AddMember("offset", offset, alloc);
  const bool has_more = end < kCsideEntriesPerDevice;
  if (has_more) {
    doc.AddMember("next_offset", end, alloc);
  } else {
    doc.AddMember("next_offset", rapidjson::Value(rapidjson::kNullType), alloc);
  }
  doc.AddMember("has_more", has_more, alloc);
  return ex.SendJson(*scenario, Serialize(doc));
}

int CsideRoutes::HandleClient(Exchange& ex) const {
  std::optional<std::string> token = TextToken(ex);
  if (!token.has_value()) return ex.status();
  std::optional<Scenario> scenario = SelectScenario(ex, *token, kVerifyErrorField);
  if (!scenario.has_value()) return ex.status();
  if (ApplyErrorScenario(ex, *scenario, kVerifyErrorField)) return ex.status();
  if (ApplyPending(ex, *scenario, "client", *token)) return ex.status();
  rapidjson::Document doc;
  BuildCsidePayload(seed_, *token, -1, &doc);
  // The public payload's shape is not published; the sandbox leaves out the fingerprint block,
  // so the stable id comes from /token/v1/clientId, as the contract describes it.
  doc.RemoveMember("fingerprint");
  if (scenario->Is("drift")) Drift(&doc);
  return ex.SendJson(*scenario, Serialize(doc));
}

int CsideRoutes::HandleClientId(Exchange& ex) const {
  std::optional<std::string> token = TextToken(ex);
  if (!token.has_value()) return ex.status();
  std::optional<Scenario> scenario = SelectScenario(ex, *token, kVerifyErrorField);
  if (!scenario.has_value()) return ex.status();
  if (scenario->Is("not-found") || scenario->Is("no-fingerprint-id")) {
    return ex.Send(404, "text/plain; charset=utf-8", "Not Found");
  }
  if (scenario->Is("rate-limited")) {
    return ex.Send(429, "text/plain; charset=utf-8", "Too Many Requests", {{"Retry-After", "1"}});
  }
  if (scenario->Is("server-error")) {
    return ex.Send(500, "text/plain; charset=utf-8", "Internal Server Error");
  }
  if (ex.ApplyDelivery(*scenario)) return ex.status();
  const std::string id = CsideDeviceId(seed_, *token);
  if (scenario->Is("html") || scenario->Is("malformed") || scenario->Is("slow-body")) {
    return ex.SendJson(*scenario, id);
  }
  return ex.Send(200, "text/plain; charset=utf-8", id);
}

}  // namespace

std::string CsideDeviceId(uint64_t seed, absl::string_view token) {
  // A device id of the entries page names itself (BuildCsidePayload is called with it).
  if (absl::StartsWith(token, "dev_")) return std::string(token);
  return absl::StrCat("dev_", absl::Hex(Hash(seed, "device", token), absl::kZeroPad16));
}

void BuildCsidePayload(uint64_t seed, absl::string_view token, int index,
                       rapidjson::Document* doc) {
  const std::string device = CsideDeviceId(seed, token);
  Draw draw(index < 0 ? Hash(seed, "verify", token) : Hash(seed, "entry", device, index));
  const Place& place = kPlaces[Hash(seed, "place", device) % std::size(kPlaces)];
  const Browser& browser = kBrowsers[Hash(seed, "browser", device) % std::size(kBrowsers)];
  const Network& network = kNetworks[draw.Below(std::size(kNetworks))];
  const int64_t created = CreatedAt(seed, token, device, index);

  doc->SetObject();
  auto& alloc = doc->GetAllocator();
  doc->AddMember("status", "completed", alloc);
  doc->AddMember("created_at", created, alloc);
  doc->AddMember("updated_at", created + 200 + static_cast<int64_t>(draw.Below(1800)), alloc);

  rapidjson::Value external(rapidjson::kObjectType);
  AddString(&external, "accountId", absl::StrCat("acct-", Hash(seed, "account", device) % 100000),
            alloc);
  doc->AddMember("external_ids", external, alloc);

  rapidjson::Value fingerprint(rapidjson::kObjectType);
  AddString(&fingerprint, "id", device, alloc);
  fingerprint.AddMember("confidence", draw.Between(0.8, 0.99, 2), alloc);
  const int64_t first_seen =
      created - 30 * kDayMillis - static_cast<int64_t>(Hash(seed, "first", device) % kDayMillis);
  fingerprint.AddMember("first_seen_at", first_seen, alloc);
  fingerprint.AddMember("last_seen_at", created - static_cast<int64_t>(draw.Below(kHourMillis)),
                        alloc);
  doc->AddMember("fingerprint", fingerprint, alloc);

  rapidjson::Value enrichment(rapidjson::kObjectType);
  AddString(&enrichment, "browser_name", browser.name, alloc);
  AddString(&enrichment, "browser_version", browser.version, alloc);
  AddString(&enrichment, "os", browser.os, alloc);
  AddString(&enrichment, "os_version", browser.os_version, alloc);
  AddString(&enrichment, "device_type", browser.device_type, alloc);
  enrichment.AddMember("is_incognito", draw.Chance(15), alloc);
  doc->AddMember("fingerprint_enrichment", enrichment, alloc);

  rapidjson::Value geo(rapidjson::kObjectType);
  AddString(&geo, "country_code", place.country_code, alloc);
  AddString(&geo, "country", place.country, alloc);
  AddString(&geo, "region", place.region, alloc);
  AddString(&geo, "city", place.city, alloc);
  AddString(&geo, "postal_code", place.postal_code, alloc);
  geo.AddMember("latitude", place.latitude, alloc);
  geo.AddMember("longitude", place.longitude, alloc);
  AddString(&geo, "timezone", place.timezone, alloc);
  doc->AddMember("geo_data", geo, alloc);

  rapidjson::Value ip(rapidjson::kObjectType);
  AddString(&ip, "ip", absl::StrCat(network.ip_prefix, 1 + draw.Below(254)), alloc);
  AddString(&ip, "asn", absl::StrCat("AS", network.asn), alloc);
  AddString(&ip, "asn_name", network.asn_name, alloc);
  ip.AddMember("is_datacenter", network.datacenter, alloc);
  doc->AddMember("ip_enrichment", ip, alloc);

  const bool vpn = draw.Chance(20);
  rapidjson::Value vpn_evaluation(rapidjson::kObjectType);
  vpn_evaluation.AddMember("is_vpn", vpn, alloc);
  vpn_evaluation.AddMember("is_proxy", !vpn && draw.Chance(10), alloc);
  vpn_evaluation.AddMember("is_tor", draw.Chance(3), alloc);
  doc->AddMember("vpn_evaluation", vpn_evaluation, alloc);

  const bool is_bot = network.datacenter && draw.Chance(60);
  rapidjson::Value bot(rapidjson::kObjectType);
  bot.AddMember("is_bot", is_bot, alloc);
  if (is_bot) AddString(&bot, "type", kBotTypes[draw.Below(std::size(kBotTypes))], alloc);
  bot.AddMember("score", is_bot ? draw.Between(0.7, 0.99, 2) : draw.Between(0.0, 0.2, 2), alloc);
  doc->AddMember("bot", bot, alloc);

  rapidjson::Value metrics(rapidjson::kObjectType);
  AddString(&metrics, "user_agent", browser.user_agent, alloc);
  metrics.AddMember("rtt_ms", static_cast<int64_t>(10 + draw.Below(190)), alloc);
  doc->AddMember("network_client_metrics", metrics, alloc);
}

void AddCsideRoutes(Router& router) {
  const SandboxOptions& options = router.options();
  auto routes = std::make_shared<const CsideRoutes>(options.seed, options.cside_api_key);
  RouteHandler handler = [routes](Exchange& ex) { return routes->Handle(ex); };
  if (options.cside_api_key.empty()) {
    // The public endpoints need no key, so they are served whatever the options say.
    router.Add("/token/v1", kRouteUnknown, std::move(handler));
    router.AddUnconfigured("/token/v2", kRouteUnknown, "cside_api_key");
    return;
  }
  router.Add("/token", kRouteUnknown, std::move(handler));
}

}  // namespace fpgw::sandbox
