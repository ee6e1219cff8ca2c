#include "sandbox/fingerprint_v4/data.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
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

constexpr int kGlobalVisitors = 5;

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
// The environment of search-issued events whose n is 1 modulo 4 (so that the `environment` filter
// splits a search set).
constexpr const char* kSecondEnvironmentId = "ae_sandbox02";
// kCities' datacenter range (where a showcased datacenter event comes from).
constexpr size_t kDatacenterCity = 7;

// The signal a search-issued event shows (forced true on top of its random draws).
enum class Showcase {
  kNone,
  kSuspect,
  kVpn,
  kTampering,
  kAntiDetectBrowser,
  kAttackSource,
  kDatacenter,
  kMitmAttack,
  kRareDevice,
  kProxy,
  kTorNode,
  kVirtualMachine,
  kPrivacySettings,
  kDeveloperTools,
  kRootApps,
  kEmulator,
  kClonedApp,
  kFactoryReset,
  kFrida,
  kLocationSpoofing,
  kActiveCall,
  kJailbroken,
  kSimulator,
};

// Event n of a search set shows list[n % size] of its platform's list. The sizes are prime to
// kGlobalVisitors (5): in the global set, visitor slot n % 5 owns event n, so each slot's events
// still meet every entry of its platform's list; a visitor's own 23 events meet each entry too.
constexpr Showcase kWebShowcase[] = {
    Showcase::kSuspect,        Showcase::kVpn,
    Showcase::kTampering,      Showcase::kAntiDetectBrowser,
    Showcase::kAttackSource,   Showcase::kDatacenter,
    Showcase::kMitmAttack,     Showcase::kRareDevice,
    Showcase::kProxy,          Showcase::kTorNode,
    Showcase::kVirtualMachine, Showcase::kPrivacySettings,
    Showcase::kDeveloperTools,
};
constexpr Showcase kAndroidShowcase[] = {
    Showcase::kRootApps,     Showcase::kEmulator, Showcase::kClonedApp,
    Showcase::kFactoryReset, Showcase::kFrida,    Showcase::kLocationSpoofing,
    Showcase::kActiveCall,
};
constexpr Showcase kIosShowcase[] = {
    Showcase::kJailbroken,       Showcase::kSimulator,  Showcase::kFrida,
    Showcase::kLocationSpoofing, Showcase::kActiveCall, Showcase::kSuspect,
};
// Search-issued events with n % 19 == 7 are only partially identified.
constexpr int kPartialEvery = 19;
constexpr int kPartialAt = 7;

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

bool IsBase62(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), absl::ascii_isalnum);
}

// The visitor id named by an issued event id's `<visitor>_<n>` suffix, or empty; sets `*n`.
absl::string_view EmbeddedVisitor(absl::string_view suffix, int* n) {
  size_t underscore = suffix.rfind('_');
  if (underscore == absl::string_view::npos || underscore + 1 == suffix.size()) return {};
  absl::string_view digits = suffix.substr(underscore + 1);
  if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, n)) {
    return {};
  }
  absl::string_view visitor = suffix.substr(0, underscore);
  return FingerprintV4Data::IsValidVisitorId(visitor) ? visitor : absl::string_view();
}

Platform PlatformOf(const FingerprintV4Data& data, absl::string_view visitor_id) {
  // The first draw of the visitor's stream, as EventWriter::ChooseDevice makes it.
  return Rng(data.Hash("visitor-profile", visitor_id)).Pick(kProfiles).platform;
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

// ----------------------------------------------------------------------------------------------
// The Event, group by group.
//
// Every group draws from two random streams: `visitor_` (seeded by the visitor id, so that every
// event of a visitor agrees on its device) and `rng_` (seeded by the event id). The order of the
// draws within each stream is part of the output: the groups run in the order of Write(), and
// a change of order or of a draw changes the bytes of every event after it.

class EventWriter final {
 public:
  EventWriter(const FingerprintV4Data& data, const EventFacts& facts, rapidjson::Document* doc)
      : data_(data),
        facts_(facts),
        b_(doc->GetAllocator()),
        e_(doc->SetObject()),
        visitor_(data.Hash("visitor-profile", facts.visitor_id)),
        rng_(data.Hash("event", facts.event_id)) {
    ChooseDevice();
    ChooseShowcase();
    ChooseLocation();
  }

  // Writes the event; a non-empty `ruleset_id` adds `rule_action`.
  void Write(absl::string_view ruleset_id) {
    AddEventHeader();
    AddSdk();
    AddIdentification();
    AddClient();
    AddMobileProximity();
    AddBot();
    AddMobileIntegrity();
    AddIpInfo();
    AddProxy();
    AddVpn();
    AddBrowserSignals();
    AddSuspectScore();
    AddVelocity();
    AddRawDeviceAttributes();
    AddLabels();
    if (!ruleset_id.empty()) AddRuleAction(ruleset_id);
  }

 private:
  // Visitor-level choices: the device, its software and when the visitor was first seen.
  void ChooseDevice() {
    profile_ = &visitor_.Pick(kProfiles);
    home_ = &visitor_.Pick(kCities);
    major_ = static_cast<int>(profile_->major_min + visitor_.Range(0, profile_->major_span - 1));
    full_version_ =
        absl::StrCat(major_, ".0.", visitor_.Range(1000, 6999), ".", visitor_.Range(10, 250));
    first_seen_ = kAnchorMs - 120 * kDayMs +
                  static_cast<int64_t>(visitor_.Below(static_cast<uint64_t>(60 * kDayMs)));
    high_recall_id_ = visitor_.Base62(20);
    proximity_id_ = visitor_.Base62(11);
    screen_index_ = static_cast<int>(visitor_.Below(3));
    hardware_concurrency_ = static_cast<int>(2 << visitor_.Below(4));
    mobile_ = profile_->platform != Platform::kJs;
    returning_ = facts_.timestamp_ms > first_seen_ + 60000;
  }

  // The signal a search-issued event shows (no draw: ordinary ids keep their bytes).
  void ChooseShowcase() {
    if (facts_.search_index < 0) return;
    const auto index = static_cast<size_t>(facts_.search_index);
    switch (profile_->platform) {
      case Platform::kJs:
        showcase_ = kWebShowcase[index % std::size(kWebShowcase)];
        break;
      case Platform::kAndroid:
        showcase_ = kAndroidShowcase[index % std::size(kAndroidShowcase)];
        break;
      case Platform::kIos:
        showcase_ = kIosShowcase[index % std::size(kIosShowcase)];
        break;
    }
  }
  bool Shows(Showcase signal) const { return showcase_ == signal; }

  // Event-level: where the visitor is (at home or travelling) and the IPv4 address.
  void ChooseLocation() {
    travelling_ = rng_.Chance(15);
    city_ = travelling_ ? &rng_.Pick(kCities) : home_;
    if (Shows(Showcase::kDatacenter)) city_ = &kCities[kDatacenterCity];
    const City& city = *city_;
    const int host = static_cast<int>(visitor_.Range(1, 254));
    ipv4_ = absl::StrCat(city.ipv4_first_octet, ".", city.ipv4_second_octet + visitor_.Below(8),
                         ".", visitor_.Below(256), ".", host);
  }

  // event_id, timestamp, source, status, linked_id, environment, suspect, tags.
  void AddEventHeader() {
    b_.Add(e_, "event_id", facts_.event_id);
    b_.Add(e_, "timestamp", facts_.timestamp_ms);
    b_.Add(e_, "source", "device");
    const bool partial = facts_.search_index % kPartialEvery == kPartialAt;
    b_.Add(e_, "incremental_identification_status", partial ? "partially_completed" : "completed");
    if (!facts_.linked_id.empty()) b_.Add(e_, "linked_id", facts_.linked_id);
    b_.Add(e_, "environment_id",
           facts_.search_index % 4 == 1 ? kSecondEnvironmentId : kEnvironmentId);
    b_.Add(e_, "suspect", rng_.Chance(4) || Shows(Showcase::kSuspect));
    Value tags = Object();
    if (rng_.Chance(50)) {
      b_.Add(tags, "campaign", rng_.Chance(50) ? "spring_sale" : "newsletter");
      b_.Add(tags, "cart_value", static_cast<int>(rng_.Range(5, 500)));
    }
    b_.Add(e_, "tags", std::move(tags));
  }

  // The SDK that identified the device, with a framework integration on some web visitors.
  void AddSdk() {
    Value sdk = Object();
    switch (profile_->platform) {
      case Platform::kJs:
        b_.Add(sdk, "platform", "js");
        b_.Add(sdk, "version", "3.11.10");
        break;
      case Platform::kAndroid:
        b_.Add(sdk, "platform", "android");
        b_.Add(sdk, "version", "2.7.0");
        break;
      case Platform::kIos:
        b_.Add(sdk, "platform", "ios");
        b_.Add(sdk, "version", "2.6.0");
        break;
    }
    if (profile_->platform == Platform::kJs && visitor_.Chance(50)) {
      Value integrations = Array();
      Value integration = Object();
      b_.Add(integration, "name", "fingerprint-pro-react");
      b_.Add(integration, "version", "2.6.3");
      Value sub = Object();
      b_.Add(sub, "name", "preact");
      b_.Add(sub, "version", "10.21.0");
      b_.Add(integration, "subintegration", std::move(sub));
      b_.Push(integrations, std::move(integration));
      b_.Add(sdk, "integrations", std::move(integrations));
    }
    b_.Add(e_, "sdk", std::move(sdk));
  }

  // replayed, identification and the high-recall supplementary id.
  void AddIdentification() {
    b_.Add(e_, "replayed", rng_.Chance(3));
    const int64_t first_seen = returning_ ? first_seen_ : facts_.timestamp_ms;
    Value identification = Object();
    b_.Add(identification, "visitor_id", facts_.visitor_id);
    b_.Add(identification, "confidence", Confidence(rng_.Real(0.9, 1.0, 2)));
    b_.Add(identification, "visitor_found", returning_);
    b_.Add(identification, "first_seen_at", first_seen);
    b_.Add(identification, "last_seen_at", facts_.timestamp_ms);
    b_.Add(e_, "identification", std::move(identification));

    Value high_recall = Object();
    b_.Add(high_recall, "visitor_id", high_recall_id_);
    b_.Add(high_recall, "visitor_found", returning_);
    b_.Add(high_recall, "confidence", Confidence(rng_.Real(0.85, 1.0, 2)));
    b_.Add(high_recall, "first_seen_at", first_seen);
    b_.Add(high_recall, "last_seen_at", facts_.timestamp_ms);
    b_.Add(e_, "supplementary_id_high_recall", std::move(high_recall));
  }

  // Where the event came from (page URL or app id), IP address, user agent, OS and browser.
  void AddClient() {
    const ClientProfile& profile = *profile_;
    if (profile.platform == Platform::kJs) {
      b_.Add(e_, "url", absl::StrCat("https://shop.example.com", rng_.Pick(kPages)));
    } else if (profile.platform == Platform::kAndroid) {
      b_.Add(e_, "package_name", "com.example.shop");
    } else {
      b_.Add(e_, "bundle_id", "com.example.shop");
    }
    b_.Add(e_, "ip_address", ipv4_);
    b_.Add(e_, "user_agent", FormatVersion(profile.ua_format, full_version_));
    b_.Add(e_, "device", profile.device);
    b_.Add(e_, "os", profile.os);
    b_.Add(e_, "os_version", profile.os_version);
    if (profile.platform == Platform::kJs && rng_.Chance(50)) {
      b_.Add(e_, "client_referrer", rng_.Pick(kReferrers));
    }
    Value browser = Object();
    b_.Add(browser, "browser_name", profile.browser_name);
    b_.Add(browser, "browser_major_version", absl::StrCat(major_));
    b_.Add(browser, "browser_full_version", full_version_);
    b_.Add(browser, "os", profile.os);
    b_.Add(browser, "os_version", profile.os_version);
    b_.Add(browser, "device", profile.device);
    b_.Add(e_, "browser_details", std::move(browser));
  }

  // Mobile SDKs only: the proximity id and whether a call was active.
  void AddMobileProximity() {
    if (!mobile_) return;
    Value proximity = Object();
    b_.Add(proximity, "id", proximity_id_);
    b_.Add(proximity, "precision_radius", rng_.Pick(kPrecisionRadii));
    b_.Add(proximity, "confidence", rng_.Real(0.5, 1.0, 2));
    b_.Add(e_, "proximity", std::move(proximity));
    b_.Add(e_, "active_call", rng_.Chance(5) || Shows(Showcase::kActiveCall));
  }

  // bot, and for a detected bot its type and info.
  void AddBot() {
    b_.Add(e_, "bot", facts_.bot);
    if (facts_.bot == "not_detected") return;
    const BotKind& kind = facts_.bot == "good" ? rng_.Pick(kGoodBots) : rng_.Pick(kBadBots);
    b_.Add(e_, "bot_type", kind.bot_type);
    Value info = Object();
    b_.Add(info, "category", kind.category);
    b_.Add(info, "provider", kind.provider);
    if (kind.provider_url[0] != '\0') b_.Add(info, "provider_url", kind.provider_url);
    b_.Add(info, "name", kind.name);
    b_.Add(info, "identity", kind.identity);
    b_.Add(info, "confidence", kind.confidence);
    b_.Add(e_, "bot_info", std::move(info));
  }

  // Mobile SDKs only: rooted / jailbroken, emulator / simulator, cloned app, factory reset, Frida.
  void AddMobileIntegrity() {
    if (profile_->platform == Platform::kAndroid) {
      b_.Add(e_, "root_apps", rng_.Chance(5) || Shows(Showcase::kRootApps));
      b_.Add(e_, "emulator", rng_.Chance(5) || Shows(Showcase::kEmulator));
      b_.Add(e_, "cloned_app", rng_.Chance(3) || Shows(Showcase::kClonedApp));
      const bool reset = rng_.Chance(20) || Shows(Showcase::kFactoryReset);
      b_.Add(e_, "factory_reset_timestamp",
             reset ? first_seen_ - static_cast<int64_t>(rng_.Below(30 * kDayMs)) : int64_t{0});
      b_.Add(e_, "frida", rng_.Chance(2) || Shows(Showcase::kFrida));
    } else if (profile_->platform == Platform::kIos) {
      b_.Add(e_, "jailbroken", rng_.Chance(5) || Shows(Showcase::kJailbroken));
      b_.Add(e_, "simulator", rng_.Chance(3) || Shows(Showcase::kSimulator));
      b_.Add(e_, "factory_reset_timestamp", int64_t{0});
      b_.Add(e_, "frida", rng_.Chance(2) || Shows(Showcase::kFrida));
    }
  }

  // ip_info (v4, and v6 for some events) and ip_blocklist.
  void AddIpInfo() {
    const City& city = *city_;
    Value ip_info = Object();
    Value v4 = Object();
    b_.Add(v4, "address", ipv4_);
    b_.Add(v4, "geolocation", Geolocation(b_, city, rng_));
    AddAsn(b_, v4, city,
           absl::StrCat(city.ipv4_first_octet, ".", city.ipv4_second_octet, ".0.0/13"));
    b_.Add(ip_info, "v4", std::move(v4));
    if (rng_.Chance(35)) {
      Value v6 = Object();
      b_.Add(v6, "address",
             absl::StrFormat("2001:db8:%x:%x::%x", visitor_.Below(0xffff) + 1,
                             rng_.Below(0xffff) + 1, rng_.Below(0xffff) + 1));
      b_.Add(v6, "geolocation", Geolocation(b_, city, rng_));
      AddAsn(b_, v6, city, "2001:db8::/32");
      b_.Add(ip_info, "v6", std::move(v6));
    }
    b_.Add(e_, "ip_info", std::move(ip_info));

    Value blocklist = Object();
    tor_ = rng_.Chance(2) || Shows(Showcase::kTorNode);
    b_.Add(blocklist, "email_spam", rng_.Chance(3));
    b_.Add(blocklist, "attack_source", rng_.Chance(2) || Shows(Showcase::kAttackSource));
    b_.Add(blocklist, "tor_node", tor_);
    b_.Add(e_, "ip_blocklist", std::move(blocklist));
  }

  void AddProxy() {
    proxy_ = rng_.Chance(8) || Shows(Showcase::kProxy);
    b_.Add(e_, "proxy", proxy_);
    b_.Add(e_, "proxy_confidence", rng_.Pick(kConfidences));
    if (proxy_) {
      Value details = Object();
      b_.Add(details, "proxy_type", rng_.Pick(kProxyTypes));
      b_.Add(details, "last_seen_at",
             facts_.timestamp_ms - static_cast<int64_t>(rng_.Below(kDayMs)));
      b_.Add(details, "provider", rng_.Pick(kProxyProviders));
      b_.Add(e_, "proxy_details", std::move(details));
    }
    b_.Add(e_, "proxy_ml_score", proxy_ ? rng_.Real(0.6, 1.0, 2) : rng_.Real(0.0, 0.3, 2));
  }

  // A VPN only ever hides a travelling visitor, whose home then shows as its origin.
  void AddVpn() {
    vpn_ = (travelling_ && rng_.Chance(50)) || Shows(Showcase::kVpn);
    b_.Add(e_, "vpn", vpn_);
    b_.Add(e_, "vpn_confidence", rng_.Pick(kConfidences));
    b_.Add(e_, "vpn_ml_score", vpn_ ? rng_.Real(0.6, 1.0, 2) : rng_.Real(0.0, 0.3, 2));
    b_.Add(e_, "vpn_origin_timezone", home_->timezone);
    b_.Add(e_, "vpn_origin_country", vpn_ ? home_->country_code : "unknown");
    Value vpn_methods = Object();
    b_.Add(vpn_methods, "timezone_mismatch", vpn_ && rng_.Chance(70));
    b_.Add(vpn_methods, "public_vpn", vpn_ && rng_.Chance(50));
    b_.Add(vpn_methods, "auxiliary_mobile", false);
    b_.Add(vpn_methods, "os_mismatch", vpn_ && rng_.Chance(10));
    b_.Add(vpn_methods, "relay", vpn_ && rng_.Chance(10));
    b_.Add(vpn_methods, "ml_prediction", vpn_ && rng_.Chance(30));
    b_.Add(e_, "vpn_methods", std::move(vpn_methods));
  }

  // Incognito, tampering, virtual machine and the other device and browser smart signals.
  void AddBrowserSignals() {
    incognito_ = !mobile_ && rng_.Chance(15);
    if (!mobile_) b_.Add(e_, "incognito", incognito_);
    tampering_ =
        rng_.Chance(4) || Shows(Showcase::kTampering) || Shows(Showcase::kAntiDetectBrowser);
    b_.Add(e_, "tampering", tampering_);
    b_.Add(e_, "tampering_confidence", rng_.Pick(kConfidences));
    b_.Add(e_, "tampering_ml_score", tampering_ ? rng_.Real(0.8, 1.0, 4) : rng_.Real(0.0, 0.2, 4));
    Value tampering_details = Object();
    b_.Add(tampering_details, "anomaly_score",
           tampering_ ? rng_.Real(0.5, 1.0, 4) : rng_.Real(0.0, 0.3, 4));
    b_.Add(tampering_details, "anti_detect_browser",
           (tampering_ && rng_.Chance(50)) || Shows(Showcase::kAntiDetectBrowser));
    b_.Add(e_, "tampering_details", std::move(tampering_details));
    if (!mobile_) {
      const bool vm = rng_.Chance(3) || Shows(Showcase::kVirtualMachine);
      b_.Add(e_, "virtual_machine", vm);
      b_.Add(e_, "virtual_machine_ml_score", vm ? rng_.Real(0.7, 1.0, 2) : rng_.Real(0.0, 0.2, 2));
      b_.Add(e_, "privacy_settings", rng_.Chance(5) || Shows(Showcase::kPrivacySettings));
      b_.Add(e_, "developer_tools", rng_.Chance(5) || Shows(Showcase::kDeveloperTools));
    }
    b_.Add(e_, "location_spoofing",
           (mobile_ && rng_.Chance(3)) || Shows(Showcase::kLocationSpoofing));
    b_.Add(e_, "mitm_attack", rng_.Chance(1) || Shows(Showcase::kMitmAttack));
    b_.Add(e_, "high_activity_device", rng_.Chance(5));
    b_.Add(e_, "rare_device", rng_.Chance(10) || Shows(Showcase::kRareDevice));
    b_.Add(e_, "rare_device_percentile_bucket", rng_.Pick(kRareBuckets));
  }

  // The sum of the signals above, plus noise.
  void AddSuspectScore() {
    if (facts_.bot == "bad") score_ += 10;
    if (vpn_) score_ += 5;
    if (proxy_) score_ += 4;
    if (tampering_) score_ += 7;
    if (incognito_) score_ += 2;
    if (tor_) score_ += 6;
    b_.Add(e_, "suspect_score", score_ + static_cast<int>(rng_.Below(3)));
  }

  void AddVelocity() {
    Value velocity = Object();
    const bool with_day = rng_.Chance(90);
    b_.Add(velocity, "distinct_ip", VelocityInterval(b_, rng_, 2, with_day));
    b_.Add(velocity, "distinct_linked_id", VelocityInterval(b_, rng_, 2, with_day));
    b_.Add(velocity, "distinct_country", VelocityInterval(b_, rng_, 1, with_day));
    b_.Add(velocity, "events", VelocityInterval(b_, rng_, 6, with_day));
    b_.Add(velocity, "ip_events", VelocityInterval(b_, rng_, 5, with_day));
    b_.Add(velocity, "distinct_ip_by_linked_id", VelocityInterval(b_, rng_, 2, with_day));
    b_.Add(velocity, "distinct_visitor_id_by_linked_id", VelocityInterval(b_, rng_, 2, with_day));
    b_.Add(e_, "velocity", std::move(velocity));
  }

  // The device's raw attributes: browser ones (fonts, canvas, ...) on the web, device model and
  // battery in apps.
  void AddRawDeviceAttributes() {
    const ClientProfile& profile = *profile_;
    Value raw = Object();
    static constexpr int kScreens[][2] = {{1920, 1080}, {2560, 1440}, {390, 844}};
    Value screen = Array();
    b_.Push(screen, Value(kScreens[screen_index_][0]));
    b_.Push(screen, Value(kScreens[screen_index_][1]));
    b_.Add(raw, "screen_resolution", std::move(screen));
    b_.Add(raw, "timezone", home_->timezone);
    Value languages = Array();
    Value language = Array();
    b_.Push(language, b_.Str(visitor_.Pick(kLanguages)));
    b_.Push(languages, std::move(language));
    b_.Add(raw, "languages", std::move(languages));
    b_.Add(raw, "hardware_concurrency", hardware_concurrency_);
    b_.Add(raw, "color_depth", 24);
    b_.Add(raw, "cookies_enabled", true);
    b_.Add(raw, "local_storage", true);
    b_.Add(raw, "session_storage", true);
    b_.Add(raw, "indexed_db", !mobile_);
    if (!mobile_) {
      Value fonts = Array();
      for (size_t i = 0; i < 4; ++i) b_.Push(fonts, b_.Str(kFonts[(visitor_.Below(8) + i) % 8]));
      b_.Add(raw, "fonts", std::move(fonts));
      b_.Add(raw, "platform", profile.js_platform);
      b_.Add(raw, "math", visitor_.Hex(32));
      b_.Add(raw, "audio", 124.0 + visitor_.Real(0.0, 1.0, 8));
      Value canvas = Object();
      b_.Add(canvas, "geometry", visitor_.Hex(32));
      b_.Add(canvas, "text", visitor_.Hex(32));
      b_.Add(canvas, "winding", true);
      b_.Add(raw, "canvas", std::move(canvas));
    } else {
      b_.Add(raw, "device_model", profile.device);
      b_.Add(raw, "device_manufacturer",
             profile.platform == Platform::kAndroid ? "samsung" : "Apple");
      b_.Add(raw, "battery_charging", rng_.Chance(40));
      b_.Add(raw, "battery_low_power_mode", rng_.Chance(10));
    }
    b_.Add(e_, "raw_device_attributes", std::move(raw));
  }

  // The fraud label, predicted from the suspect score.
  void AddLabels() {
    Value labels = Array();
    Value label = Object();
    b_.Add(label, "label", "fraud");
    const double fraud_score = std::min(1.0, static_cast<double>(score_) / 25.0);
    b_.Add(label, "prediction", fraud_score > 0.5);
    b_.Add(label, "ml_score", static_cast<double>(static_cast<int>(fraud_score * 100)) / 100);
    b_.Push(labels, std::move(label));
    b_.Add(e_, "labels", std::move(labels));
  }

  // What the ruleset decided: block (with the response to send) or allow (with header changes).
  // Drawn from its own stream, so a ruleset never changes the rest of the event.
  void AddRuleAction(absl::string_view ruleset_id) {
    Rng rule_rng(data_.Hash("rule", absl::StrCat(facts_.event_id, "/", ruleset_id)));
    const bool block = facts_.bot == "bad" || rule_rng.Chance(30);
    Value action = Object();
    b_.Add(action, "type", block ? "block" : "allow");
    b_.Add(action, "ruleset_id", ruleset_id);
    b_.Add(action, "rule_id", absl::StrCat("r_", rule_rng.Base62(14)));
    if (block) {
      b_.Add(action, "rule_expression", "bot in [\"bad\"] || incognito");
      b_.Add(action, "status_code", 403);
      Value headers = Array();
      b_.Push(headers, NameValue(b_, "Content-Type", "application/json"));
      b_.Add(action, "headers", std::move(headers));
      b_.Add(action, "body", "{\"title\":\"Forbidden\"}");
    } else {
      b_.Add(action, "rule_expression", "bot in [\"not_detected\", \"good\"]");
      Value mods = Object();
      Value remove = Array();
      b_.Push(remove, b_.Str("x-debug"));
      b_.Add(mods, "remove", std::move(remove));
      Value set = Array();
      b_.Push(set, NameValue(b_, "x-visitor-id", facts_.visitor_id));
      b_.Add(mods, "set", std::move(set));
      Value append = Array();
      b_.Push(append, NameValue(b_, "x-fp-signals", absl::StrCat("bot=", facts_.bot)));
      b_.Add(mods, "append", std::move(append));
      b_.Add(action, "request_header_modifications", std::move(mods));
    }
    b_.Add(e_, "rule_action", std::move(action));
  }

  // `{"score": score, "version": "1.1"}`.
  Value Confidence(double score) {
    Value confidence = Object();
    b_.Add(confidence, "score", score);
    b_.Add(confidence, "version", "1.1");
    return confidence;
  }

  const FingerprintV4Data& data_;
  const EventFacts& facts_;
  Builder b_;
  Value& e_;
  Rng visitor_;
  Rng rng_;

  // Visitor-level choices (ChooseDevice).
  const ClientProfile* profile_ = nullptr;
  const City* home_ = nullptr;
  int major_ = 0;
  std::string full_version_;
  int64_t first_seen_ = 0;
  std::string high_recall_id_;
  std::string proximity_id_;
  int screen_index_ = 0;
  int hardware_concurrency_ = 0;
  bool mobile_ = false;
  bool returning_ = false;
  Showcase showcase_ = Showcase::kNone;

  // Event-level choices that several groups use (ChooseLocation, then the signal groups).
  bool travelling_ = false;
  const City* city_ = nullptr;
  std::string ipv4_;
  bool tor_ = false;
  bool proxy_ = false;
  bool vpn_ = false;
  bool incognito_ = false;
  bool tampering_ = false;
  int score_ = 0;
};

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

bool FingerprintV4Data::IsGeneratedVisitorId(absl::string_view visitor_id) {
  return (visitor_id.size() == 20 || visitor_id.size() == 21) && IsBase62(visitor_id);
}

bool FingerprintV4Data::IsGeneratedEventId(absl::string_view event_id) {
  int64_t ms = 0;
  absl::string_view suffix;
  if (!SplitTimestamp(event_id, &ms, &suffix) || event_id.find('.') != 13) return false;
  if (!suffix.empty() && suffix.size() <= 16 && IsBase62(suffix)) return true;
  int n = -1;
  const absl::string_view visitor = EmbeddedVisitor(suffix, &n);
  return IsGeneratedVisitorId(visitor) && n < kGlobalEvents;
}

EventFacts FingerprintV4Data::Facts(absl::string_view event_id) const {
  EventFacts facts;
  facts.event_id = std::string(event_id);
  int64_t ms = 0;
  absl::string_view suffix;
  if (SplitTimestamp(event_id, &ms, &suffix)) {
    facts.timestamp_ms = ms;
    int n = -1;
    facts.visitor_id = std::string(EmbeddedVisitor(suffix, &n));
    if (!facts.visitor_id.empty()) facts.search_index = n;
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
  EventWriter(*this, facts, doc).Write(ruleset_id);
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
  // Three web visitors, one Android and one iOS, so that every platform's signals (and so every
  // search filter) have events in the global set. Event i belongs to visitor slot i % 5.
  static constexpr Platform kSlots[kGlobalVisitors] = {Platform::kJs, Platform::kJs, Platform::kJs,
                                                       Platform::kAndroid, Platform::kIos};
  std::vector<std::string> visitors;
  for (int v = 0; v < kGlobalVisitors; ++v) {
    for (int candidate = 0;; ++candidate) {
      std::string id = Rng(Hash("global-visitor", absl::StrCat(v, "/", candidate))).Base62(20);
      if (PlatformOf(*this, id) == kSlots[v]) {
        visitors.push_back(std::move(id));
        break;
      }
    }
  }
  Rng rng(Hash("search-global", ""));
  int64_t ts = kAnchorMs - static_cast<int64_t>(rng.Below(kDayMs));
  events.reserve(kGlobalEvents);
  for (int i = 0; i < kGlobalEvents; ++i) {
    const std::string& visitor = visitors[static_cast<size_t>(i % kGlobalVisitors)];
    events.push_back(Facts(absl::StrCat(ts, ".", visitor, "_", i)));
    ts -= rng.Range(1000, 20 * 60 * 1000);
  }
  return events;
}

}  // namespace fpgw::sandbox
