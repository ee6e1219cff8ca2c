#include "sandbox/fingerprint_v4/edge.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/fingerprint_v4/event_requests.h"
#include "sandbox/hash.h"

namespace fpgw::sandbox {
namespace {

using rapidjson::Value;

// Where an address is located (one is chosen per address).
struct Network {
  const char* city;
  const char* postal_code;
  const char* timezone;
  const char* subdivision_code;
  const char* subdivision_name;
  const char* country_code;
  const char* country_name;
  const char* continent_code;
  const char* continent_name;
  double latitude;
  double longitude;
  const char* asn;
  const char* asn_name;
  const char* asn_type;
  const char* datacenter_name;  // non-empty: a datacenter range
};

constexpr Network kNetworks[] = {
    {"San Antonio", "78205", "America/Chicago", "TX", "Texas", "US", "United States", "NA",
     "North America", 29.42412, -98.49363, "8075", "Microsoft Corporation", "hosting",
     "Microsoft Azure"},
    {"New York City", "10001", "America/New_York", "NY", "New York", "US", "United States", "NA",
     "North America", 40.71427, -74.00597, "701", "Verizon Business", "isp", ""},
    {"Frankfurt am Main", "60311", "Europe/Berlin", "HE", "Hesse", "DE", "Germany", "EU", "Europe",
     50.11552, 8.68417, "3320", "Deutsche Telekom AG", "isp", ""},
    {"Singapore", "018989", "Asia/Singapore", "01", "Central Singapore", "SG", "Singapore", "AS",
     "Asia", 1.28967, 103.85007, "7473", "Singapore Telecommunications Ltd", "isp", ""},
    {"Ashburn", "20147", "America/New_York", "VA", "Virginia", "US", "United States", "NA",
     "North America", 39.04372, -77.48749, "14618", "Amazon.com, Inc.", "hosting", "Amazon AWS"},
};

struct EdgeBot {
  // Matched case-insensitively in the User-Agent.
  const char* user_agent;
  const char* category;
  const char* provider;
  const char* provider_url;
  const char* name;
  const char* identity;
  const char* confidence;
};

constexpr EdgeBot kSignedChatGpt = {
    "", "ai_agent", "OpenAI", "https://openai.com", "ChatGPT Agent", "signed", "high"};
constexpr EdgeBot kBots[] = {
    {"googlebot", "search_engine_crawler", "Google", "https://google.com", "Googlebot", "verified",
     "high"},
    {"gptbot", "ai_crawler", "OpenAI", "https://openai.com", "GPTBot", "verified", "high"},
    {"claudebot", "ai_crawler", "Anthropic", "https://anthropic.com", "ClaudeBot", "verified",
     "high"},
    {"headlesschrome", "browser_automation", "unknown", "", "Headless Chrome", "unknown", "high"},
    {"python-requests", "scraping", "unknown", "", "python-requests", "unknown", "medium"},
    {"curl/", "other", "unknown", "", "curl", "unknown", "medium"},
    {"bot", "unknown", "unknown", "", "Generic bot", "unknown", "low"},
};

// The bot a request shows, or null.
const EdgeBot* BotOf(const EdgeFacts& facts) {
  if (!facts.signature_agent.empty()) {
    // Web Bot Auth: the agent names its platform. The sandbox knows ChatGPT's; any other signer is
    // an unnamed signed agent.
    static constexpr EdgeBot kSigned = {"",       "ai_agent", "unknown", "", "Signed agent",
                                        "signed", "medium"};
    return absl::StrContains(facts.signature_agent, "chatgpt.com") ? &kSignedChatGpt : &kSigned;
  }
  const std::string agent = absl::AsciiStrToLower(facts.user_agent);
  for (const EdgeBot& bot : kBots) {
    if (absl::StrContains(agent, bot.user_agent)) return &bot;
  }
  return nullptr;
}

bool InRange(const std::string& ipv4, absl::string_view prefix) {
  return absl::StartsWith(ipv4, prefix);
}

class EdgeWriter final {
 public:
  explicit EdgeWriter(rapidjson::Document* doc) : alloc_(doc->GetAllocator()) {}

  Value Str(absl::string_view s) {
    return Value(fpgw::JsonChars(s), static_cast<rapidjson::SizeType>(s.size()), alloc_);
  }
  void Add(Value& object, const char* key, Value value) {
    object.AddMember(Value(rapidjson::StringRef(key)), value, alloc_);
  }
  void AddStr(Value& object, const char* key, absl::string_view s) { Add(object, key, Str(s)); }

  Value IpEntry(const std::string& address, bool v6) {
    // Seed-independent: an address is in the same place in every sandbox.
    const Network& net = kNetworks[Fnv1a64(address) % std::size(kNetworks)];
    Value entry(rapidjson::kObjectType);
    AddStr(entry, "address", address);
    Value geo(rapidjson::kObjectType);
    Add(geo, "accuracy_radius", Value(20));
    Add(geo, "latitude", Value(net.latitude));
    Add(geo, "longitude", Value(net.longitude));
    AddStr(geo, "postal_code", net.postal_code);
    AddStr(geo, "timezone", net.timezone);
    AddStr(geo, "city_name", net.city);
    AddStr(geo, "country_code", net.country_code);
    AddStr(geo, "country_name", net.country_name);
    AddStr(geo, "continent_code", net.continent_code);
    AddStr(geo, "continent_name", net.continent_name);
    Value subdivisions(rapidjson::kArrayType);
    Value subdivision(rapidjson::kObjectType);
    AddStr(subdivision, "iso_code", net.subdivision_code);
    AddStr(subdivision, "name", net.subdivision_name);
    subdivisions.PushBack(subdivision, alloc_);
    Add(geo, "subdivisions", std::move(subdivisions));
    Add(entry, "geolocation", std::move(geo));
    AddStr(entry, "asn", net.asn);
    AddStr(entry, "asn_name", net.asn_name);
    AddStr(entry, "asn_network", NetworkOf(address, v6));
    AddStr(entry, "asn_type", net.asn_type);
    const bool datacenter = net.datacenter_name[0] != '\0';
    Add(entry, "datacenter_result", Value(datacenter));
    if (datacenter) AddStr(entry, "datacenter_name", net.datacenter_name);
    return entry;
  }

 private:
  // The /16 (IPv4) or /32 (IPv6) the address is in, as the announced network.
  static std::string NetworkOf(const std::string& address, bool v6) {
    if (!v6) {
      std::vector<std::string> octets = absl::StrSplit(address, '.');
      return absl::StrCat(octets[0], ".", octets[1], ".0.0/16");
    }
    std::vector<std::string> groups = absl::StrSplit(address, ':');
    return absl::StrCat(groups[0], ":", groups.size() > 1 && !groups[1].empty() ? groups[1] : "0",
                        "::/32");
  }

  rapidjson::Document::AllocatorType& alloc_;
};

// RFC 7230 `token` (header names, methods).
bool IsToken(absl::string_view text) {
  static constexpr absl::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(c) || kSpecials.find(c) != absl::string_view::npos;
  });
}

// An absolute http(s) URL with a host and no fragment.
bool IsAbsoluteHttpUrl(absl::string_view url) {
  absl::string_view rest;
  if (absl::StartsWithIgnoreCase(url, "http://")) {
    rest = url.substr(7);
  } else if (absl::StartsWithIgnoreCase(url, "https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const size_t host_end = rest.find_first_of("/?");
  const absl::string_view authority = rest.substr(0, host_end);
  if (authority.empty() || authority.front() == ':' || authority.front() == '@') return false;
  return std::none_of(url.begin(), url.end(), [](char c) {
    return c == '#' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
  });
}

std::string Serialize(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string EventIdFor(const FingerprintV4Data& data, absl::string_view what, int64_t* ts) {
  uint64_t h = data.Hash("edge-event", what);
  *ts = kAnchorMs - static_cast<int64_t>(h % kDayMs);
  std::string suffix(6, '0');
  h = data.Hash("edge-event-id", what);
  for (char& c : suffix) {
    c = kBase62[h % 62];
    h /= 62;
  }
  return absl::StrCat(*ts, ".", suffix);
}

}  // namespace

std::optional<std::string> ReadEdgeRequest(const FingerprintV4Data& data, absl::string_view body,
                                           EdgeFacts* facts) {
  constexpr absl::string_view kInvalid = "request body is not valid";
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(fpgw::JsonChars(body), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::string(kInvalid);
  auto unknown = [](absl::string_view name) {
    return absl::StrCat("request body contains an unknown field \"", name, "\"");
  };
  // Decoding first, as the vendor's decoder does: unknown fields and wrong types.
  static constexpr absl::string_view kFields[] = {
      "headers", "method", "url", "ipv4_address", "ipv6_address", "linked_id", "tags"};
  for (const auto& member : doc.GetObject()) {
    const absl::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields)) {
      return unknown(name);
    }
    const Value& value = member.value;
    if (name == "headers") {
      if (!value.IsArray()) return std::string(kInvalid);
      for (const Value& header : value.GetArray()) {
        if (!header.IsObject()) return std::string(kInvalid);
        for (const auto& field : header.GetObject()) {
          const absl::string_view key(field.name.GetString(), field.name.GetStringLength());
          if (key != "name" && key != "value") return unknown(key);
          if (!field.value.IsString()) return std::string(kInvalid);
        }
      }
    } else if (name == "tags") {
      if (!value.IsObject()) return std::string(kInvalid);
    } else if (!value.IsString()) {
      return std::string(kInvalid);
    }
  }
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd()) return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
  };

  EdgeFacts out;
  auto headers = doc.FindMember("headers");
  if (headers == doc.MemberEnd() || headers->value.Empty()) return "headers is required";
  for (const Value& header : headers->value.GetArray()) {
    auto name = header.FindMember("name");
    if (name == header.MemberEnd() || !header.HasMember("value")) {
      return "each header needs a name and a value";
    }
    const absl::string_view header_name(name->value.GetString(), name->value.GetStringLength());
    if (!IsToken(header_name)) return absl::StrCat("invalid header name \"", header_name, "\"");
    const std::string value = header["value"].GetString();
    if (absl::EqualsIgnoreCase(header_name, "User-Agent") && out.user_agent.empty()) {
      out.user_agent = value;
    } else if (absl::EqualsIgnoreCase(header_name, "Signature-Agent") &&
               out.signature_agent.empty()) {
      out.signature_agent = value;
    }
  }
  const std::optional<std::string> method = text("method");
  if (!method.has_value() || method->empty()) return "method is required";
  if (!IsToken(*method)) return "invalid method";
  const std::optional<std::string> url = text("url");
  if (!url.has_value() || url->empty()) return "url is required";
  if (!IsAbsoluteHttpUrl(*url)) return "invalid url";
  out.url = *url;
  const std::optional<std::string> ipv4 = text("ipv4_address");
  const std::optional<std::string> ipv6 = text("ipv6_address");
  if (!ipv4.has_value() && !ipv6.has_value()) {
    return "at least one of ipv4_address or ipv6_address is required";
  }
  if (ipv4.has_value()) {
    if (!IsIpAddress(*ipv4, 4)) return "invalid ipv4_address";
    out.ipv4 = *ipv4;
  }
  if (ipv6.has_value()) {
    if (!IsIpAddress(*ipv6, 6)) return "invalid ipv6_address";
    // An IPv4-mapped address is reported as IPv4.
    if (absl::StartsWithIgnoreCase(*ipv6, "::ffff:") && ipv6->find('.') != std::string::npos) {
      if (out.ipv4.empty()) out.ipv4 = ipv6->substr(7);
    } else {
      out.ipv6 = *ipv6;
    }
  }
  out.linked_id = text("linked_id");
  if (out.linked_id.has_value() && out.linked_id->size() > kMaxLinkedIdChars) {
    return std::string(kLinkedIdTooLong);
  }
  if (auto tags = doc.FindMember("tags"); tags != doc.MemberEnd()) {
    out.tags_json = Serialize(tags->value);
  }
  out.event_id = EventIdFor(data, Serialize(doc), &out.timestamp_ms);
  *facts = std::move(out);
  return std::nullopt;
}

void BuildEdgeEvent(const EdgeFacts& facts, rapidjson::Document* doc) {
  doc->SetObject();
  EdgeWriter w(doc);
  Value& e = *doc;
  w.AddStr(e, "event_id", facts.event_id);
  w.Add(e, "timestamp", Value(facts.timestamp_ms));
  w.AddStr(e, "source", "edge");
  if (facts.linked_id.has_value()) w.AddStr(e, "linked_id", *facts.linked_id);
  if (!facts.tags_json.empty()) {
    rapidjson::Document tags(&doc->GetAllocator());
    tags.Parse(facts.tags_json.data(), facts.tags_json.size());
    w.Add(e, "tags", Value(tags, doc->GetAllocator()));
  }
  w.AddStr(e, "url", facts.url);
  if (const EdgeBot* bot = BotOf(facts)) {
    Value info(rapidjson::kObjectType);
    w.AddStr(info, "category", bot->category);
    w.AddStr(info, "provider", bot->provider);
    if (bot->provider_url[0] != '\0') w.AddStr(info, "provider_url", bot->provider_url);
    w.AddStr(info, "name", bot->name);
    w.AddStr(info, "identity", bot->identity);
    w.AddStr(info, "confidence", bot->confidence);
    w.Add(e, "bot_info", std::move(info));
  }
  Value ip_info(rapidjson::kObjectType);
  if (!facts.ipv4.empty()) w.Add(ip_info, "v4", w.IpEntry(facts.ipv4, false));
  if (!facts.ipv6.empty()) w.Add(ip_info, "v6", w.IpEntry(facts.ipv6, true));
  w.Add(e, "ip_info", std::move(ip_info));

  const bool proxy = InRange(facts.ipv4, "203.0.113.");
  const bool vpn = InRange(facts.ipv4, "198.51.100.");
  w.Add(e, "proxy", Value(proxy));
  w.AddStr(e, "proxy_confidence", "high");
  if (proxy) {
    Value details(rapidjson::kObjectType);
    w.AddStr(details, "proxy_type", "residential");
    // Hourly resolution, as the vendor reports it.
    w.Add(details, "last_seen_at", Value(facts.timestamp_ms - facts.timestamp_ms % 3600000));
    w.AddStr(details, "provider", "Massive");
    w.Add(e, "proxy_details", std::move(details));
  }
  w.Add(e, "vpn", Value(vpn));
  w.AddStr(e, "vpn_confidence", vpn ? "high" : "medium");
  Value methods(rapidjson::kObjectType);
  w.Add(methods, "public_vpn", Value(vpn));
  w.Add(methods, "relay", Value(false));
  w.Add(e, "vpn_methods", std::move(methods));
}

std::vector<EdgeFacts> EdgeSearchSet(const FingerprintV4Data& data) {
  static constexpr const char* kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/18.1 Safari/605.1.15",
      "python-requests/2.32.3",
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
      "+https://openai.com/gptbot)",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0"
      ".0.0 Safari/537.36",
  };
  static constexpr const char* kPaths[] = {"/", "/login", "/checkout?step=2", "/api/cart",
                                           "/search?q=shoes"};
  std::vector<EdgeFacts> events;
  int64_t ts = kAnchorMs - static_cast<int64_t>(data.Hash("edge-search", "") % kDayMs);
  for (int i = 0; i < kEdgeSearchEvents; ++i) {
    const uint64_t h = data.Hash("edge-search-event", absl::StrCat(i));
    EdgeFacts facts;
    facts.url = absl::StrCat("https://shop.example.com", kPaths[h % std::size(kPaths)]);
    facts.user_agent = kAgents[(h >> 8) % std::size(kAgents)];
    if (i % 5 == 2) facts.signature_agent = "\"https://chatgpt.com\"";
    // Every fourth event through the documented proxy range, every fourth through the VPN range.
    const uint64_t host = (h >> 16) % 250 + 2;
    facts.ipv4 = i % 4 == 1   ? absl::StrCat("203.0.113.", host)
                 : i % 4 == 3 ? absl::StrCat("198.51.100.", host)
                              : absl::StrCat(34 + (h >> 24) % 60, ".", (h >> 32) % 256, ".",
                                             (h >> 40) % 256, ".", host);
    if (i % 3 == 0) facts.ipv6 = absl::StrCat("2600:1f18:", absl::Hex((h >> 44) % 0xffff), "::1");
    if (i % 2 == 0) facts.linked_id = absl::StrCat("edge-user-", (h >> 48) % 1000);
    facts.timestamp_ms = ts;
    std::string suffix(6, '0');
    uint64_t id_hash = data.Hash("edge-search-id", absl::StrCat(i));
    for (char& c : suffix) {
      c = kBase62[id_hash % 62];
      id_hash /= 62;
    }
    facts.event_id = absl::StrCat(ts, ".", suffix);
    events.push_back(std::move(facts));
    ts -= static_cast<int64_t>(60000 + (h >> 20) % (2 * 3600000));
  }
  return events;
}

}  // namespace fpgw::sandbox
