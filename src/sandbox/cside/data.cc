#include "sandbox/cside/data.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/hash.h"

namespace fpgw::sandbox {
namespace {

// 2026-05-22T00:00:00Z: the newest sandbox evaluations are from around then.
constexpr int64_t kBaseMillis = 1779408000000;
constexpr int64_t kHourMillis = 3600 * 1000;
constexpr int64_t kDayMillis = 24 * kHourMillis;

uint64_t Mix(uint64_t x) { return Avalanche(x + 0x9e3779b97f4a7c15ULL); }

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

// One known token in this many has no fingerprint id; one JWT-looking token in this many is
// unknown.
constexpr uint64_t kNoFingerprintIdShare = 16;
constexpr uint64_t kUnknownJwtShare = 16;

constexpr absl::string_view kJwtStart = "eyJ";

bool IsBase64UrlSegment(absl::string_view segment) {
  return !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// Three non-empty base64url segments separated by dots, the first starting as a JSON object does.
bool IsWellFormedJwt(absl::string_view token) {
  if (!absl::StartsWith(token, kJwtStart)) return false;
  const std::vector<absl::string_view> segments = absl::StrSplit(token, '.');
  return segments.size() == 3 && std::all_of(segments.begin(), segments.end(), IsBase64UrlSegment);
}

void BuildAssumed(uint64_t seed, absl::string_view token, int index, rapidjson::Document* doc) {
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

// ----------------------------------------------------------------------------------------------
// The other shapes, made from the assumed one so that every shape carries the same facts.

// A field of the assumed shape and its name in the renamed shape. `block` empty: top level.
struct RenamedField {
  const char* block;
  const char* from;
  const char* to;
};

// Every assumed path gets a name no row of ASSUMED_PATHS.md reads (a name the mapper might try
// next, in another convention, or a synonym).
constexpr RenamedField kRenames[] = {
    {"", "external_ids", "externalIds"},
    {"fingerprint", "id", "visitor_id"},
    {"fingerprint", "confidence", "confidence_score"},
    {"fingerprint", "first_seen_at", "first_seen"},
    {"fingerprint", "last_seen_at", "last_seen"},
    {"fingerprint_enrichment", "browser_name", "browser"},
    {"fingerprint_enrichment", "browser_version", "browser_full_version"},
    {"fingerprint_enrichment", "os", "os_name"},
    {"fingerprint_enrichment", "os_version", "os_full_version"},
    {"fingerprint_enrichment", "device_type", "device"},
    {"fingerprint_enrichment", "is_incognito", "incognito"},
    {"geo_data", "country_code", "country_iso"},
    {"geo_data", "country", "countryName"},
    {"geo_data", "region", "subdivision"},
    {"geo_data", "city", "city_name"},
    {"geo_data", "postal_code", "postcode"},
    {"geo_data", "latitude", "lat"},
    {"geo_data", "longitude", "lng"},
    {"geo_data", "timezone", "time_zone"},
    {"ip_enrichment", "ip", "ip_addr"},
    {"ip_enrichment", "asn", "as_number"},
    {"ip_enrichment", "asn_name", "as_org"},
    {"ip_enrichment", "is_datacenter", "hosting"},
    {"vpn_evaluation", "is_vpn", "vpn"},
    {"vpn_evaluation", "is_proxy", "proxy"},
    {"vpn_evaluation", "is_tor", "tor"},
    {"bot", "is_bot", "detected"},
    {"bot", "type", "category"},
    {"network_client_metrics", "user_agent", "ua"},
};

// The value a drifted field gets instead of its own.
enum class WrongType { kString, kNumber, kArray, kObject };

struct DriftRow {
  const char* block;
  const char* field;
  WrongType to;
};

// Every assumed path the assumed shape writes, each with a type its row does not accept.
constexpr DriftRow kDriftRows[] = {
    {"", "external_ids", WrongType::kArray},
    {"fingerprint", "id", WrongType::kNumber},
    {"fingerprint", "confidence", WrongType::kString},
    {"fingerprint", "first_seen_at", WrongType::kString},
    {"fingerprint", "last_seen_at", WrongType::kString},
    {"fingerprint_enrichment", "browser_name", WrongType::kNumber},
    {"fingerprint_enrichment", "browser_version", WrongType::kNumber},
    {"fingerprint_enrichment", "os", WrongType::kObject},
    {"fingerprint_enrichment", "os_version", WrongType::kNumber},
    {"fingerprint_enrichment", "device_type", WrongType::kArray},
    {"fingerprint_enrichment", "is_incognito", WrongType::kString},
    {"geo_data", "country_code", WrongType::kNumber},
    {"geo_data", "country", WrongType::kArray},
    {"geo_data", "region", WrongType::kNumber},
    {"geo_data", "city", WrongType::kArray},
    {"geo_data", "postal_code", WrongType::kNumber},
    {"geo_data", "latitude", WrongType::kString},
    {"geo_data", "longitude", WrongType::kString},
    {"geo_data", "timezone", WrongType::kNumber},
    {"ip_enrichment", "ip", WrongType::kNumber},
    {"ip_enrichment", "asn", WrongType::kObject},
    {"ip_enrichment", "asn_name", WrongType::kNumber},
    {"ip_enrichment", "is_datacenter", WrongType::kString},
    {"vpn_evaluation", "is_vpn", WrongType::kString},
    {"vpn_evaluation", "is_proxy", WrongType::kNumber},
    {"vpn_evaluation", "is_tor", WrongType::kString},
    {"bot", "is_bot", WrongType::kString},
    {"bot", "type", WrongType::kNumber},
    {"network_client_metrics", "user_agent", WrongType::kObject},
};

// The object holding `block`'s fields (the document itself for the top level), or null.
rapidjson::Value* Block(rapidjson::Document* doc, const char* block) {
  if (*block == '\0') return doc;
  auto it = doc->FindMember(block);
  return it != doc->MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

void RenameFields(rapidjson::Document* doc) {
  for (const auto& row : kRenames) {
    rapidjson::Value* block = Block(doc, row.block);
    if (block == nullptr) continue;
    auto it = block->FindMember(row.from);
    if (it != block->MemberEnd()) it->name.SetString(rapidjson::StringRef(row.to));
  }
}

void KeepOnlyTheDocumentedTopLevel(rapidjson::Document* doc) {
  for (auto it = doc->MemberBegin(); it != doc->MemberEnd();) {
    const absl::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "status" || name == "created_at" || name == "updated_at") {
      ++it;
    } else {
      it = doc->EraseMember(it);
    }
  }
}

// `value`, turned into the type `to` (a string becomes a number derived from its text).
rapidjson::Value Wrong(const rapidjson::Value& value, WrongType to,
                       rapidjson::Document::AllocatorType& alloc) {
  switch (to) {
    case WrongType::kString: {
      // The JSON text of the number or boolean, quoted: "0.93", "true".
      rapidjson::StringBuffer text;
      rapidjson::Writer<rapidjson::StringBuffer> writer(text);
      value.Accept(writer);
      return rapidjson::Value(text.GetString(), static_cast<rapidjson::SizeType>(text.GetSize()),
                              alloc);
    }
    case WrongType::kNumber:
      if (value.IsBool()) return rapidjson::Value(value.GetBool() ? 1 : 0);
      if (value.IsString()) {
        return rapidjson::Value(static_cast<int64_t>(
            Fnv1a64(absl::string_view(value.GetString(), value.GetStringLength())) % 1000000));
      }
      return rapidjson::Value(0);
    case WrongType::kArray: {
      rapidjson::Value array(rapidjson::kArrayType);
      array.PushBack(rapidjson::Value(value, alloc), alloc);
      return array;
    }
    case WrongType::kObject: {
      rapidjson::Value object(rapidjson::kObjectType);
      object.AddMember("value", rapidjson::Value(value, alloc), alloc);
      return object;
    }
  }
  return rapidjson::Value();
}

void DriftTypes(rapidjson::Document* doc) {
  auto& alloc = doc->GetAllocator();
  for (const DriftRow& row : kDriftRows) {
    rapidjson::Value* block = Block(doc, row.block);
    if (block == nullptr) continue;
    auto it = block->FindMember(row.field);
    if (it != block->MemberEnd()) {
      it->value = Wrong(it->value, row.to, alloc);
    } else if (absl::string_view(row.field) == "type") {
      // Written only for bots; drifted on every payload, so every assumed path drifts.
      block->AddMember(rapidjson::StringRef(row.field),
                       Wrong(rapidjson::Value("headless"), row.to, alloc), alloc);
    }
  }
}

void AddExtraBlocks(uint64_t seed, absl::string_view token, int index, rapidjson::Document* doc) {
  auto& alloc = doc->GetAllocator();
  const std::string device = CsideDeviceId(seed, token);
  Draw draw(Hash(seed, "extra", device, index));
  const Browser& browser = kBrowsers[Hash(seed, "browser", device) % std::size(kBrowsers)];

  if (rapidjson::Value* fingerprint = Block(doc, "fingerprint")) {
    rapidjson::Value components(rapidjson::kObjectType);
    AddString(&components, "canvas", absl::StrCat(absl::Hex(Hash(seed, "canvas", device))), alloc);
    AddString(&components, "webgl", absl::StrCat(absl::Hex(Hash(seed, "webgl", device))), alloc);
    components.AddMember("audio", draw.Between(30, 40, 4), alloc);
    components.AddMember("fonts", static_cast<int64_t>(20 + draw.Below(80)), alloc);
    AddString(&components, "screen", draw.Chance(50) ? "1920x1080" : "2560x1440", alloc);
    fingerprint->AddMember("components", components, alloc);
  }
  if (rapidjson::Value* geo = Block(doc, "geo_data")) {
    geo->AddMember("accuracy_radius_km", static_cast<int64_t>(5 + draw.Below(50)), alloc);
  }
  if (rapidjson::Value* ip = Block(doc, "ip_enrichment")) {
    AddString(ip, "reverse_dns", absl::StrCat("host-", draw.Below(1000), ".example.net"), alloc);
  }

  rapidjson::Value risk(rapidjson::kObjectType);
  const int64_t score = static_cast<int64_t>(draw.Below(100));
  risk.AddMember("score", score, alloc);
  AddString(&risk, "level", score >= 70 ? "high" : score >= 30 ? "medium" : "low", alloc);
  doc->AddMember("risk", risk, alloc);

  rapidjson::Value browser_block(rapidjson::kObjectType);
  AddString(&browser_block, "name", browser.name, alloc);
  AddString(&browser_block, "version", browser.version, alloc);
  rapidjson::Value languages(rapidjson::kArrayType);
  languages.PushBack("en-US", alloc).PushBack("en", alloc);
  browser_block.AddMember("languages", languages, alloc);
  browser_block.AddMember("cookies_enabled", !draw.Chance(5), alloc);
  doc->AddMember("browser", browser_block, alloc);

  rapidjson::Value device_block(rapidjson::kObjectType);
  AddString(&device_block, "type", browser.device_type, alloc);
  AddString(&device_block, "platform", browser.os, alloc);
  device_block.AddMember("memory_gb", static_cast<int64_t>(4 << draw.Below(3)), alloc);
  device_block.AddMember("cpu_cores", static_cast<int64_t>(2 << draw.Below(3)), alloc);
  doc->AddMember("device", device_block, alloc);

  rapidjson::Value session(rapidjson::kObjectType);
  session.AddMember("page_views", static_cast<int64_t>(1 + draw.Below(20)), alloc);
  session.AddMember("duration_ms", static_cast<int64_t>(1000 + draw.Below(600000)), alloc);
  doc->AddMember("session", session, alloc);
}

}  // namespace

bool IsKnownCsideToken(uint64_t seed, absl::string_view token) {
  if (!absl::StartsWith(token, kJwtStart)) return !token.empty();
  return IsWellFormedJwt(token) && Hash(seed, "unknown-token", token) % kUnknownJwtShare != 0;
}

bool CsideHasFingerprintId(uint64_t seed, absl::string_view token) {
  return IsKnownCsideToken(seed, token) &&
         Hash(seed, "no-fingerprint-id", token) % kNoFingerprintIdShare != 0;
}

std::string CsideDeviceId(uint64_t seed, absl::string_view token) {
  // A device id of the entries page names itself (BuildCsidePayload is called with it).
  if (absl::StartsWith(token, "dev_")) return std::string(token);
  return absl::StrCat("dev_", absl::Hex(Hash(seed, "device", token), absl::kZeroPad16));
}

std::string CsideTestToken(uint64_t seed, absl::string_view prefix, bool has_fingerprint_id) {
  for (int n = 0;; ++n) {
    std::string token = absl::StrCat(prefix, n);
    if (IsKnownCsideToken(seed, token) &&
        CsideHasFingerprintId(seed, token) == has_fingerprint_id) {
      return token;
    }
  }
}

std::string CsideSessionToken(uint64_t seed, absl::string_view label, bool known) {
  // {"alg":"HS256","typ":"JWT"}, then a payload and a signature made of hex.
  constexpr absl::string_view kHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
  for (int attempt = 0;; ++attempt) {
    std::string token =
        absl::StrCat(kHeader, ".", absl::Hex(Hash(0, "session", label, attempt), absl::kZeroPad16),
                     ".", absl::Hex(Hash(1, "session", label, attempt), absl::kZeroPad16));
    if (IsKnownCsideToken(seed, token) == known) return token;
  }
}

void BuildCsidePayload(uint64_t seed, absl::string_view token, int index, CsidePayloadShape shape,
                       rapidjson::Document* doc) {
  BuildAssumed(seed, token, index, doc);
  switch (shape) {
    case CsidePayloadShape::kAssumed:
      break;
    case CsidePayloadShape::kRenamed:
      RenameFields(doc);
      break;
    case CsidePayloadShape::kMissingBlocks:
      KeepOnlyTheDocumentedTopLevel(doc);
      break;
    case CsidePayloadShape::kExtraBlocks:
      AddExtraBlocks(seed, token, index, doc);
      break;
    case CsidePayloadShape::kDrift:
      DriftTypes(doc);
      break;
  }
}

}  // namespace fpgw::sandbox
