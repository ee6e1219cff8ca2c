#include "sandbox/fingerprint_v4/data.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/hash.h"

namespace fpgw::sandbox {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// 2026-01-01T00:00:00Z: the "now" of the generated world, so that data never depends on the
// wall clock.
constexpr int64_t kAnchorMs = 1767225600000;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int kGlobalVisitors = 5;
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct City {
  const char* city;
  const char* country_code;
  const char* country_name;
  const char* continent_code;
  const char* continent_name;
  const char* subdivision_code;
  const char* subdivision_name;
  const char* postal_code;
  const char* timezone;
  double latitude;
  double longitude;
  const char* asn;
  const char* asn_name;
  int ipv4_first_octet;
  int ipv4_second_octet;
  const char* asn_type;
  const char* datacenter_name;  // non-empty: a datacenter range
};

constexpr City kCities[] = {
    {"Berlin", "DE", "Germany", "EU", "Europe", "BE", "Land Berlin", "10115", "Europe/Berlin",
     52.5200, 13.4050, "3320", "Deutsche Telekom AG", 84, 128, "isp", ""},
    {"New York", "US", "United States", "NA", "North America", "NY", "New York", "10001",
     "America/New_York", 40.7128, -74.0060, "7922", "COMCAST-7922", 73, 136, "isp", ""},
    {"S\u00e3o Paulo", "BR", "Brazil", "SA", "South America", "SP", "S\u00e3o Paulo", "01000-000",
     "America/Sao_Paulo", -23.5505, -46.6333, "28573", "Claro NXT Telecomunicacoes Ltda", 177, 32,
     "isp", ""},
    {"Mumbai", "IN", "India", "AS", "Asia", "MH", "Maharashtra", "400001", "Asia/Kolkata", 19.0760,
     72.8777, "55836", "Reliance Jio Infocomm Limited", 49, 36, "isp", ""},
    {"Tokyo", "JP", "Japan", "AS", "Asia", "13", "Tokyo", "100-0001", "Asia/Tokyo", 35.6762,
     139.6503, "2516", "KDDI CORPORATION", 106, 128, "isp", ""},
    {"Sydney", "AU", "Australia", "OC", "Oceania", "NSW", "New South Wales", "2000",
     "Australia/Sydney", -33.8688, 151.2093, "1221", "Telstra Limited", 101, 160, "isp", ""},
    {"Lagos", "NG", "Nigeria", "AF", "Africa", "LA", "Lagos", "100001", "Africa/Lagos", 6.5244,
     3.3792, "29465", "MTN NIGERIA Communication limited", 102, 88, "isp", ""},
    {"Ashburn", "US", "United States", "NA", "North America", "VA", "Virginia", "20147",
     "America/New_York", 39.0438, -77.4874, "14618", "AMAZON-AES", 54, 144, "hosting",
     "Amazon AWS"},
    {"London", "GB", "United Kingdom", "EU", "Europe", "ENG", "England", "EC1A", "Europe/London",
     51.5074, -0.1278, "2856", "British Telecommunications PLC", 86, 128, "isp", ""},
    {"Prague", "CZ", "Czechia", "EU", "Europe", "10", "Hlavni mesto Praha", "150 00",
     "Europe/Prague", 50.0755, 14.4378, "5610", "O2 Czech Republic, a.s.", 94, 142, "isp", ""},
};

enum class Platform { kJs, kAndroid, kIos };

struct ClientProfile {
  Platform platform;
  const char* browser_name;
  int major_min;
  int major_span;
  const char* os;
  const char* os_version;
  const char* device;
  const char* ua_format;  // %s = full browser version
  const char* js_platform;
};

constexpr ClientProfile kProfiles[] = {
    {Platform::kJs, "Chrome", 120, 12, "Windows", "10", "Other",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/%s Safari/537.36",
     "Win32"},
    {Platform::kJs, "Safari", 16, 3, "Mac OS X", "10.15.7", "Other",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/%s Safari/605.1.15",
     "MacIntel"},
    {Platform::kJs, "Firefox", 121, 12, "Linux", "x86_64", "Other",
     "Mozilla/5.0 (X11; Linux x86_64; rv:%s) Gecko/20100101 Firefox/%s", "Linux x86_64"},
    {Platform::kJs, "Mobile Safari", 16, 3, "iOS", "17.4", "iPhone",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/%s Mobile/15E148 Safari/604.1",
     "iPhone"},
    {Platform::kJs, "Chrome Mobile", 120, 12, "Android", "14", "Pixel 8",
     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/%s Mobile Safari/537.36",
     "Linux armv8l"},
    {Platform::kJs, "Edge", 120, 12, "Windows", "11", "Other",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/%s Safari/537.36 Edg/%s",
     "Win32"},
    {Platform::kAndroid, "Chrome Mobile WebView", 120, 12, "Android", "13", "SM-S921U",
     "Dalvik/2.1.0 (Linux; U; Android 13; SM-S921U Build/TP1A.220624.014) okhttp/%s", ""},
    {Platform::kIos, "Mobile Safari", 16, 3, "iOS", "17.5", "iPhone 15 Pro",
     "FingerprintSDK/2.6.0 (iPhone16,1; iOS 17.5) CFNetwork/%s", ""},
};

struct BotKind {
  const char* bot_type;
  const char* category;
  const char* provider;
  const char* provider_url;
  const char* name;
  const char* identity;
  const char* confidence;
};

constexpr BotKind kGoodBots[] = {
    {"googlebot", "search_engine_crawler", "Google", "https://google.com", "Googlebot", "verified",
     "high"},
    {"chatgpt_agent", "ai_agent", "OpenAI", "https://openai.com", "ChatGPT Agent", "signed",
     "high"},
    {"uptime_monitor", "monitoring_and_analytics", "Pingdom", "https://pingdom.com", "Pingdom Bot",
     "verified", "medium"},
};
constexpr BotKind kBadBots[] = {
    {"headless_chrome", "browser_automation", "unknown", "", "Headless Chrome", "unknown", "high"},
    {"selenium", "browser_automation", "unknown", "", "Selenium", "unknown", "medium"},
    {"scraper", "scraping", "unknown", "", "Generic scraper", "spoofed", "low"},
};

constexpr const char* kConfidences[] = {"low", "medium", "high"};
constexpr const char* kProxyTypes[] = {"residential", "data_center", "unknown"};
constexpr const char* kProxyProviders[] = {"Massive", "Bright Data", "Oxylabs"};
constexpr const char* kRareBuckets[] = {"<p95",        "p95-p99", "p99-p99.5",
                                        "p99.5-p99.9", "p99.9+",  "not_seen"};
constexpr int kPrecisionRadii[] = {10, 25, 65, 175, 450, 1200, 3300, 8500, 22500};
constexpr const char* kPages[] = {"/login", "/checkout?step=2", "/signup", "/account/settings",
                                  "/cart",  "/search?q=shoes"};
constexpr const char* kReferrers[] = {"https://www.google.com/", "https://example.com/blog/post",
                                      "https://news.example.org/"};
constexpr const char* kFonts[] = {"Arial",  "Helvetica Neue", "Menlo",     "Segoe UI",
                                  "Roboto", "Noto Sans",      "Gill Sans", "Courier New"};
constexpr const char* kLanguages[] = {"en-US", "de-DE", "pt-BR", "hi-IN", "ja-JP", "en-GB"};
constexpr const char* kEnvironmentId = "ae_sandbox01";

// A deterministic stream of choices. Uses only mt19937_64's raw output (its sequence is fixed by
// the standard), never the implementation-defined std distributions.
class Rng final {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform-enough integer in [0, n).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  // A double in [lo, hi] rounded to `decimals` places (so JSON stays short and stable).
  double Real(double lo, double hi, int decimals) {
    double unit = static_cast<double>(Next() >> 11) / 9007199254740992.0;
    double scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    double v = lo + unit * (hi - lo);
    return static_cast<double>(static_cast<int64_t>(v * scale + (v >= 0 ? 0.5 : -0.5))) / scale;
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }
  std::string Base62(size_t length) {
    std::string out(length, '0');
    for (char& c : out) c = kBase62[Below(62)];
    return out;
  }
  std::string Hex(size_t length) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(length, '0');
    for (char& c : out) c = kHex[Below(16)];
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

// Builds JSON values with the document's allocator; strings are always copied.
class Builder final {
 public:
  explicit Builder(Allocator& alloc) : alloc_(alloc) {}
  Value Str(absl::string_view s) {
    return Value(fpgw::JsonChars(s), static_cast<rapidjson::SizeType>(s.size()), alloc_);
  }
  void Add(Value& obj, const char* key, Value v) {
    obj.AddMember(Value(rapidjson::StringRef(key)), v, alloc_);
  }
  void Add(Value& obj, const char* key, absl::string_view s) { Add(obj, key, Str(s)); }
  void Add(Value& obj, const char* key, const char* s) { Add(obj, key, Str(s)); }
  void Add(Value& obj, const char* key, bool b) { Add(obj, key, Value(b)); }
  void Add(Value& obj, const char* key, int i) { Add(obj, key, Value(i)); }
  void Add(Value& obj, const char* key, int64_t i) { Add(obj, key, Value(i)); }
  void Add(Value& obj, const char* key, double d) { Add(obj, key, Value(d)); }
  void Push(Value& arr, Value v) { arr.PushBack(v, alloc_); }
  Allocator& alloc() { return alloc_; }

 private:
  Allocator& alloc_;
};

Value Object() { return Value(rapidjson::kObjectType); }
Value Array() { return Value(rapidjson::kArrayType); }

// Splits an id of the form `<digits>.<rest>`; returns false when it has no such prefix.
bool SplitTimestamp(absl::string_view event_id, int64_t* ms, absl::string_view* rest) {
  size_t dot = event_id.find('.');
  if (dot == absl::string_view::npos || dot < 10 || dot > 16) return false;
  absl::string_view digits = event_id.substr(0, dot);
  if (!std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit)) return false;
  if (!absl::SimpleAtoi(digits, ms)) return false;
  *rest = event_id.substr(dot + 1);
  return true;
}

// The visitor id named by an issued event id's `<visitor>_<n>` suffix, or empty.
absl::string_view EmbeddedVisitor(absl::string_view suffix) {
  size_t underscore = suffix.rfind('_');
  if (underscore == absl::string_view::npos || underscore + 1 == suffix.size()) return {};
  absl::string_view n = suffix.substr(underscore + 1);
  if (!std::all_of(n.begin(), n.end(), absl::ascii_isdigit)) return {};
  absl::string_view visitor = suffix.substr(0, underscore);
  return FingerprintV4Data::IsValidVisitorId(visitor) ? visitor : absl::string_view();
}

std::string FormatVersion(const char* format, absl::string_view full) {
  // Every format has one or two %s; both take the full version.
  std::string out;
  for (const char* p = format; *p != '\0'; ++p) {
    if (p[0] == '%' && p[1] == 's') {
      absl::StrAppend(&out, full);
      ++p;
    } else {
      out.push_back(*p);
    }
  }
  return out;
}

Value Geolocation(Builder& b, const City& city, Rng& rng) {
  Value geo = Object();
  b.Add(geo, "accuracy_radius", static_cast<int>(rng.Pick(kPrecisionRadii) % 1000 + 5));
  b.Add(geo, "latitude", city.latitude + rng.Real(-0.05, 0.05, 4));
  b.Add(geo, "longitude", city.longitude + rng.Real(-0.05, 0.05, 4));
  b.Add(geo, "postal_code", city.postal_code);
  b.Add(geo, "timezone", city.timezone);
  b.Add(geo, "city_name", city.city);
  b.Add(geo, "country_code", city.country_code);
  b.Add(geo, "country_name", city.country_name);
  b.Add(geo, "continent_code", city.continent_code);
  b.Add(geo, "continent_name", city.continent_name);
  Value subdivisions = Array();
  Value subdivision = Object();
  b.Add(subdivision, "iso_code", city.subdivision_code);
  b.Add(subdivision, "name", city.subdivision_name);
  b.Push(subdivisions, std::move(subdivision));
  b.Add(geo, "subdivisions", std::move(subdivisions));
  return geo;
}

void AddAsn(Builder& b, Value& ip, const City& city, absl::string_view network) {
  b.Add(ip, "asn", city.asn);
  b.Add(ip, "asn_name", city.asn_name);
  b.Add(ip, "asn_network", network);
  b.Add(ip, "asn_type", city.asn_type);
  b.Add(ip, "datacenter_result", city.datacenter_name[0] != '\0');
  b.Add(ip, "datacenter_name", city.datacenter_name);
}

Value VelocityInterval(Builder& b, Rng& rng, int base, bool with_day) {
  Value v = Object();
  int five = static_cast<int>(rng.Range(1, base));
  int hour = five + static_cast<int>(rng.Range(0, base * 2));
  b.Add(v, "5_minutes", five);
  b.Add(v, "1_hour", hour);
  if (with_day) b.Add(v, "24_hours", hour + static_cast<int>(rng.Range(0, base * 5)));
  return v;
}

Value NameValue(Builder& b, absl::string_view name, absl::string_view value) {
  Value v = Object();
  b.Add(v, "name", name);
  b.Add(v, "value", value);
  return v;
}

}  // namespace

uint64_t FingerprintV4Data::Hash(absl::string_view a, absl::string_view b) const {
  uint64_t h = Fnv1a64(a);
  h = Fnv1a64("\x1f", h);
  h = Fnv1a64(b, h);
  return Avalanche(h ^ seed_);
}

bool FingerprintV4Data::IsValidEventId(absl::string_view event_id) {
  if (event_id.empty() || event_id.size() > 128) return false;
  return std::all_of(event_id.begin(), event_id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

bool FingerprintV4Data::IsValidVisitorId(absl::string_view visitor_id) {
  if (visitor_id.empty() || visitor_id.size() > 64) return false;
  return std::all_of(visitor_id.begin(), visitor_id.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '-'; });
}

EventFacts FingerprintV4Data::Facts(absl::string_view event_id) const {
  EventFacts facts;
  facts.event_id = std::string(event_id);
  int64_t ms = 0;
  absl::string_view suffix;
  if (SplitTimestamp(event_id, &ms, &suffix)) {
    facts.timestamp_ms = ms;
    facts.visitor_id = std::string(EmbeddedVisitor(suffix));
  } else {
    facts.timestamp_ms =
        kAnchorMs - static_cast<int64_t>(Hash("timestamp", event_id) % (30 * kDayMs));
  }
  if (facts.visitor_id.empty()) {
    facts.visitor_id = Rng(Hash("visitor", event_id)).Base62(20);
  }
  Rng rng(Hash("facts", event_id));
  uint64_t bot_roll = rng.Below(100);
  facts.bot = bot_roll < 6 ? "bad" : bot_roll < 12 ? "good" : "not_detected";
  if (rng.Chance(40)) {
    facts.linked_id = absl::StrCat("user-", Hash("linked", facts.visitor_id) % 100000);
  }
  return facts;
}

void FingerprintV4Data::BuildEvent(const EventFacts& facts, absl::string_view ruleset_id,
                                   rapidjson::Document* doc) const {
  doc->SetObject();
  Builder b(doc->GetAllocator());
  Value& e = *doc;

  // Visitor-level choices.
  Rng visitor(Hash("visitor-profile", facts.visitor_id));
  const ClientProfile& profile = visitor.Pick(kProfiles);
  const City& home = visitor.Pick(kCities);
  const int major = static_cast<int>(profile.major_min + visitor.Range(0, profile.major_span - 1));
  const std::string full_version =
      absl::StrCat(major, ".0.", visitor.Range(1000, 6999), ".", visitor.Range(10, 250));
  const int64_t first_seen =
      kAnchorMs - 120 * kDayMs +
      static_cast<int64_t>(visitor.Below(static_cast<uint64_t>(60 * kDayMs)));
  const std::string high_recall_id = visitor.Base62(20);
  const std::string proximity_id = visitor.Base62(11);
  const int screen_index = static_cast<int>(visitor.Below(3));
  const int hardware_concurrency = static_cast<int>(2 << visitor.Below(4));

  // Event-level choices.
  Rng rng(Hash("event", facts.event_id));
  const bool travelling = rng.Chance(15);
  const City& city = travelling ? rng.Pick(kCities) : home;
  const int host = static_cast<int>(visitor.Range(1, 254));
  const std::string ipv4 =
      absl::StrCat(city.ipv4_first_octet, ".", city.ipv4_second_octet + visitor.Below(8), ".",
                   visitor.Below(256), ".", host);

  b.Add(e, "event_id", facts.event_id);
  b.Add(e, "timestamp", facts.timestamp_ms);
  b.Add(e, "source", "device");
  b.Add(e, "incremental_identification_status", "completed");
  if (!facts.linked_id.empty()) b.Add(e, "linked_id", facts.linked_id);
  b.Add(e, "environment_id", kEnvironmentId);
  b.Add(e, "suspect", rng.Chance(4));
  Value tags = Object();
  if (rng.Chance(50)) {
    b.Add(tags, "campaign", rng.Chance(50) ? "spring_sale" : "newsletter");
    b.Add(tags, "cart_value", static_cast<int>(rng.Range(5, 500)));
  }
  b.Add(e, "tags", std::move(tags));

  Value sdk = Object();
  switch (profile.platform) {
    case Platform::kJs:
      b.Add(sdk, "platform", "js");
      b.Add(sdk, "version", "3.11.10");
      break;
    case Platform::kAndroid:
      b.Add(sdk, "platform", "android");
      b.Add(sdk, "version", "2.7.0");
      break;
    case Platform::kIos:
      b.Add(sdk, "platform", "ios");
      b.Add(sdk, "version", "2.6.0");
      break;
  }
  if (profile.platform == Platform::kJs && visitor.Chance(50)) {
    Value integrations = Array();
    Value integration = Object();
    b.Add(integration, "name", "fingerprint-pro-react");
    b.Add(integration, "version", "2.6.3");
    Value sub = Object();
    b.Add(sub, "name", "preact");
    b.Add(sub, "version", "10.21.0");
    b.Add(integration, "subintegration", std::move(sub));
    b.Push(integrations, std::move(integration));
    b.Add(sdk, "integrations", std::move(integrations));
  }
  b.Add(e, "sdk", std::move(sdk));
  b.Add(e, "replayed", rng.Chance(3));

  const bool returning = facts.timestamp_ms > first_seen + 60000;
  Value identification = Object();
  b.Add(identification, "visitor_id", facts.visitor_id);
  Value confidence = Object();
  b.Add(confidence, "score", rng.Real(0.9, 1.0, 2));
  b.Add(confidence, "version", "1.1");
  b.Add(identification, "confidence", std::move(confidence));
  b.Add(identification, "visitor_found", returning);
  b.Add(identification, "first_seen_at", returning ? first_seen : facts.timestamp_ms);
  b.Add(identification, "last_seen_at", facts.timestamp_ms);
  b.Add(e, "identification", std::move(identification));

  Value high_recall = Object();
  b.Add(high_recall, "visitor_id", high_recall_id);
  b.Add(high_recall, "visitor_found", returning);
  Value hr_confidence = Object();
  b.Add(hr_confidence, "score", rng.Real(0.85, 1.0, 2));
  b.Add(hr_confidence, "version", "1.1");
  b.Add(high_recall, "confidence", std::move(hr_confidence));
  b.Add(high_recall, "first_seen_at", returning ? first_seen : facts.timestamp_ms);
  b.Add(high_recall, "last_seen_at", facts.timestamp_ms);
  b.Add(e, "supplementary_id_high_recall", std::move(high_recall));

  if (profile.platform == Platform::kJs) {
    b.Add(e, "url", absl::StrCat("https://shop.example.com", rng.Pick(kPages)));
  } else if (profile.platform == Platform::kAndroid) {
    b.Add(e, "package_name", "com.example.shop");
  } else {
    b.Add(e, "bundle_id", "com.example.shop");
  }
  b.Add(e, "ip_address", ipv4);
  b.Add(e, "user_agent", FormatVersion(profile.ua_format, full_version));
  b.Add(e, "device", profile.device);
  b.Add(e, "os", profile.os);
  b.Add(e, "os_version", profile.os_version);
  if (profile.platform == Platform::kJs && rng.Chance(50)) {
    b.Add(e, "client_referrer", rng.Pick(kReferrers));
  }
  Value browser = Object();
  b.Add(browser, "browser_name", profile.browser_name);
  b.Add(browser, "browser_major_version", absl::StrCat(major));
  b.Add(browser, "browser_full_version", full_version);
  b.Add(browser, "os", profile.os);
  b.Add(browser, "os_version", profile.os_version);
  b.Add(browser, "device", profile.device);
  b.Add(e, "browser_details", std::move(browser));

  const bool mobile = profile.platform != Platform::kJs;
  if (mobile) {
    Value proximity = Object();
    b.Add(proximity, "id", proximity_id);
    b.Add(proximity, "precision_radius", rng.Pick(kPrecisionRadii));
    b.Add(proximity, "confidence", rng.Real(0.5, 1.0, 2));
    b.Add(e, "proximity", std::move(proximity));
    b.Add(e, "active_call", rng.Chance(5));
  }

  b.Add(e, "bot", facts.bot);
  if (facts.bot != "not_detected") {
    const BotKind& kind = facts.bot == "good" ? rng.Pick(kGoodBots) : rng.Pick(kBadBots);
    b.Add(e, "bot_type", kind.bot_type);
    Value info = Object();
    b.Add(info, "category", kind.category);
    b.Add(info, "provider", kind.provider);
    if (kind.provider_url[0] != '\0') b.Add(info, "provider_url", kind.provider_url);
    b.Add(info, "name", kind.name);
    b.Add(info, "identity", kind.identity);
    b.Add(info, "confidence", kind.confidence);
    b.Add(e, "bot_info", std::move(info));
  }

  if (profile.platform == Platform::kAndroid) {
    b.Add(e, "root_apps", rng.Chance(5));
    b.Add(e, "emulator", rng.Chance(5));
    b.Add(e, "cloned_app", rng.Chance(3));
    b.Add(e, "factory_reset_timestamp",
          rng.Chance(20) ? first_seen - static_cast<int64_t>(rng.Below(30 * kDayMs)) : int64_t{0});
    b.Add(e, "frida", rng.Chance(2));
  } else if (profile.platform == Platform::kIos) {
    b.Add(e, "jailbroken", rng.Chance(5));
    b.Add(e, "simulator", rng.Chance(3));
    b.Add(e, "factory_reset_timestamp", int64_t{0});
    b.Add(e, "frida", rng.Chance(2));
  }

  Value ip_info = Object();
  Value v4 = Object();
  b.Add(v4, "address", ipv4);
  b.Add(v4, "geolocation", Geolocation(b, city, rng));
  AddAsn(b, v4, city, absl::StrCat(city.ipv4_first_octet, ".", city.ipv4_second_octet, ".0.0/13"));
  b.Add(ip_info, "v4", std::move(v4));
  if (rng.Chance(35)) {
    Value v6 = Object();
    b.Add(v6, "address",
          absl::StrFormat("2001:db8:%x:%x::%x", visitor.Below(0xffff) + 1, rng.Below(0xffff) + 1,
                          rng.Below(0xffff) + 1));
    b.Add(v6, "geolocation", Geolocation(b, city, rng));
    AddAsn(b, v6, city, "2001:db8::/32");
    b.Add(ip_info, "v6", std::move(v6));
  }
  b.Add(e, "ip_info", std::move(ip_info));

  Value blocklist = Object();
  const bool tor = rng.Chance(2);
  b.Add(blocklist, "email_spam", rng.Chance(3));
  b.Add(blocklist, "attack_source", rng.Chance(2));
  b.Add(blocklist, "tor_node", tor);
  b.Add(e, "ip_blocklist", std::move(blocklist));

  const bool proxy = rng.Chance(8);
  b.Add(e, "proxy", proxy);
  b.Add(e, "proxy_confidence", rng.Pick(kConfidences));
  if (proxy) {
    Value details = Object();
    b.Add(details, "proxy_type", rng.Pick(kProxyTypes));
    b.Add(details, "last_seen_at", facts.timestamp_ms - static_cast<int64_t>(rng.Below(kDayMs)));
    b.Add(details, "provider", rng.Pick(kProxyProviders));
    b.Add(e, "proxy_details", std::move(details));
  }
  b.Add(e, "proxy_ml_score", proxy ? rng.Real(0.6, 1.0, 2) : rng.Real(0.0, 0.3, 2));

  const bool vpn = travelling && rng.Chance(50);
  b.Add(e, "vpn", vpn);
  b.Add(e, "vpn_confidence", rng.Pick(kConfidences));
  b.Add(e, "vpn_ml_score", vpn ? rng.Real(0.6, 1.0, 2) : rng.Real(0.0, 0.3, 2));
  b.Add(e, "vpn_origin_timezone", home.timezone);
  b.Add(e, "vpn_origin_country", vpn ? home.country_code : "unknown");
  Value vpn_methods = Object();
  b.Add(vpn_methods, "timezone_mismatch", vpn && rng.Chance(70));
  b.Add(vpn_methods, "public_vpn", vpn && rng.Chance(50));
  b.Add(vpn_methods, "auxiliary_mobile", false);
  b.Add(vpn_methods, "os_mismatch", vpn && rng.Chance(10));
  b.Add(vpn_methods, "relay", vpn && rng.Chance(10));
  b.Add(vpn_methods, "ml_prediction", vpn && rng.Chance(30));
  b.Add(e, "vpn_methods", std::move(vpn_methods));

  const bool incognito = !mobile && rng.Chance(15);
  if (!mobile) b.Add(e, "incognito", incognito);
  const bool tampering = rng.Chance(4);
  b.Add(e, "tampering", tampering);
  b.Add(e, "tampering_confidence", rng.Pick(kConfidences));
  b.Add(e, "tampering_ml_score", tampering ? rng.Real(0.8, 1.0, 4) : rng.Real(0.0, 0.2, 4));
  Value tampering_details = Object();
  b.Add(tampering_details, "anomaly_score",
        tampering ? rng.Real(0.5, 1.0, 4) : rng.Real(0.0, 0.3, 4));
  b.Add(tampering_details, "anti_detect_browser", tampering && rng.Chance(50));
  b.Add(e, "tampering_details", std::move(tampering_details));
  if (!mobile) {
    const bool vm = rng.Chance(3);
    b.Add(e, "virtual_machine", vm);
    b.Add(e, "virtual_machine_ml_score", vm ? rng.Real(0.7, 1.0, 2) : rng.Real(0.0, 0.2, 2));
    b.Add(e, "privacy_settings", rng.Chance(5));
    b.Add(e, "developer_tools", rng.Chance(5));
  }
  b.Add(e, "location_spoofing", mobile && rng.Chance(3));
  b.Add(e, "mitm_attack", rng.Chance(1));
  b.Add(e, "high_activity_device", rng.Chance(5));
  b.Add(e, "rare_device", rng.Chance(10));
  b.Add(e, "rare_device_percentile_bucket", rng.Pick(kRareBuckets));

  int score = 0;
  if (facts.bot == "bad") score += 10;
  if (vpn) score += 5;
  if (proxy) score += 4;
  if (tampering) score += 7;
  if (incognito) score += 2;
  if (tor) score += 6;
  b.Add(e, "suspect_score", score + static_cast<int>(rng.Below(3)));

  Value velocity = Object();
  const bool with_day = rng.Chance(90);
  b.Add(velocity, "distinct_ip", VelocityInterval(b, rng, 2, with_day));
  b.Add(velocity, "distinct_linked_id", VelocityInterval(b, rng, 2, with_day));
  b.Add(velocity, "distinct_country", VelocityInterval(b, rng, 1, with_day));
  b.Add(velocity, "events", VelocityInterval(b, rng, 6, with_day));
  b.Add(velocity, "ip_events", VelocityInterval(b, rng, 5, with_day));
  b.Add(velocity, "distinct_ip_by_linked_id", VelocityInterval(b, rng, 2, with_day));
  b.Add(velocity, "distinct_visitor_id_by_linked_id", VelocityInterval(b, rng, 2, with_day));
  b.Add(e, "velocity", std::move(velocity));

  Value raw = Object();
  static constexpr int kScreens[][2] = {{1920, 1080}, {2560, 1440}, {390, 844}};
  Value screen = Array();
  b.Push(screen, Value(kScreens[screen_index][0]));
  b.Push(screen, Value(kScreens[screen_index][1]));
  b.Add(raw, "screen_resolution", std::move(screen));
  b.Add(raw, "timezone", home.timezone);
  Value languages = Array();
  Value language = Array();
  b.Push(language, b.Str(visitor.Pick(kLanguages)));
  b.Push(languages, std::move(language));
  b.Add(raw, "languages", std::move(languages));
  b.Add(raw, "hardware_concurrency", hardware_concurrency);
  b.Add(raw, "color_depth", 24);
  b.Add(raw, "cookies_enabled", true);
  b.Add(raw, "local_storage", true);
  b.Add(raw, "session_storage", true);
  b.Add(raw, "indexed_db", !mobile);
  if (!mobile) {
    Value fonts = Array();
    for (size_t i = 0; i < 4; ++i) b.Push(fonts, b.Str(kFonts[(visitor.Below(8) + i) % 8]));
    b.Add(raw, "fonts", std::move(fonts));
    b.Add(raw, "platform", profile.js_platform);
    b.Add(raw, "math", visitor.Hex(32));
    b.Add(raw, "audio", 124.0 + visitor.Real(0.0, 1.0, 8));
    Value canvas = Object();
    b.Add(canvas, "geometry", visitor.Hex(32));
    b.Add(canvas, "text", visitor.Hex(32));
    b.Add(canvas, "winding", true);
    b.Add(raw, "canvas", std::move(canvas));
  } else {
    b.Add(raw, "device_model", profile.device);
    b.Add(raw, "device_manufacturer", profile.platform == Platform::kAndroid ? "samsung" : "Apple");
    b.Add(raw, "battery_charging", rng.Chance(40));
    b.Add(raw, "battery_low_power_mode", rng.Chance(10));
  }
  b.Add(e, "raw_device_attributes", std::move(raw));

  Value labels = Array();
  Value label = Object();
  b.Add(label, "label", "fraud");
  const double fraud_score = std::min(1.0, static_cast<double>(score) / 25.0);
  b.Add(label, "prediction", fraud_score > 0.5);
  b.Add(label, "ml_score", static_cast<double>(static_cast<int>(fraud_score * 100)) / 100);
  b.Push(labels, std::move(label));
  b.Add(e, "labels", std::move(labels));

  if (!ruleset_id.empty()) {
    Rng rule_rng(Hash("rule", absl::StrCat(facts.event_id, "/", ruleset_id)));
    const bool block = facts.bot == "bad" || rule_rng.Chance(30);
    Value action = Object();
    b.Add(action, "type", block ? "block" : "allow");
    b.Add(action, "ruleset_id", ruleset_id);
    b.Add(action, "rule_id", absl::StrCat("r_", rule_rng.Base62(14)));
    if (block) {
      b.Add(action, "rule_expression", "bot in [\"bad\"] || incognito");
      b.Add(action, "status_code", 403);
      Value headers = Array();
      b.Push(headers, NameValue(b, "Content-Type", "application/json"));
      b.Add(action, "headers", std::move(headers));
      b.Add(action, "body", "{\"title\":\"Forbidden\"}");
    } else {
      b.Add(action, "rule_expression", "bot in [\"not_detected\", \"good\"]");
      Value mods = Object();
      Value remove = Array();
      b.Push(remove, b.Str("x-debug"));
      b.Add(mods, "remove", std::move(remove));
      Value set = Array();
      b.Push(set, NameValue(b, "x-visitor-id", facts.visitor_id));
      b.Add(mods, "set", std::move(set));
      Value append = Array();
      b.Push(append, NameValue(b, "x-fp-signals", absl::StrCat("bot=", facts.bot)));
      b.Add(mods, "append", std::move(append));
      b.Add(action, "request_header_modifications", std::move(mods));
    }
    b.Add(e, "rule_action", std::move(action));
  }
}

std::string FingerprintV4Data::EventJson(absl::string_view event_id,
                                         absl::string_view ruleset_id) const {
  rapidjson::Document doc;
  BuildEvent(Facts(event_id), ruleset_id, &doc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<EventFacts> FingerprintV4Data::SearchSet(absl::string_view visitor_id) const {
  std::vector<EventFacts> events;
  if (!visitor_id.empty()) {
    Rng rng(Hash("search-visitor", visitor_id));
    int64_t ts = kAnchorMs - static_cast<int64_t>(rng.Below(7 * kDayMs));
    events.reserve(kEventsPerVisitor);
    for (int i = 0; i < kEventsPerVisitor; ++i) {
      events.push_back(Facts(absl::StrCat(ts, ".", visitor_id, "_", i)));
      ts -= rng.Range(60 * 1000, 3 * 60 * 60 * 1000);
    }
    return events;
  }
  std::vector<std::string> visitors;
  for (int v = 0; v < kGlobalVisitors; ++v) {
    visitors.push_back(Rng(Hash("global-visitor", absl::StrCat(v))).Base62(20));
  }
  Rng rng(Hash("search-global", ""));
  int64_t ts = kAnchorMs - static_cast<int64_t>(rng.Below(kDayMs));
  events.reserve(kGlobalEvents);
  for (int i = 0; i < kGlobalEvents; ++i) {
    const std::string& visitor = visitors[rng.Below(visitors.size())];
    events.push_back(Facts(absl::StrCat(ts, ".", visitor, "_", i)));
    ts -= rng.Range(1000, 20 * 60 * 1000);
  }
  return events;
}

}  // namespace fpgw::sandbox
