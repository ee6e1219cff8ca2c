#include "sandbox/cside/data.h"

#include <cstdint>
#include <iterator>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json_chars.h"
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

}  // namespace fpgw::sandbox
