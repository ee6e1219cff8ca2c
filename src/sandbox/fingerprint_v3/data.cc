// Fingerprint v3 sandbox data: the v4 generator's event, reshaped into v3's products and names.
#include "sandbox/fingerprint_v3/data.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/json_chars.h"
#include "sandbox/hash.h"

namespace fpgw::sandbox {
namespace {

using Value = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

const Value* Get(const Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool GetBool(const Value& object, const char* key) {
  const Value* v = Get(object, key);
  return v != nullptr && v->IsBool() && v->GetBool();
}

// Writes v3 JSON with one allocator; every key and string is copied.
class Writer final {
 public:
  explicit Writer(Allocator& alloc) : alloc_(alloc) {}

  void Add(Value& object, const char* key, Value value) {
    object.AddMember(Value(key, alloc_), value, alloc_);
  }
  void Add(Value& object, const char* key, absl::string_view text) {
    Add(object, key,
        Value(fpgw::JsonChars(text), static_cast<rapidjson::SizeType>(text.size()), alloc_));
  }
  void Add(Value& object, const char* key, bool flag) { Add(object, key, Value(flag)); }
  // A literal would silently pick the bool overload.
  void Add(Value& object, const char* key, const char* text) = delete;
  // Copies `from.<from_key>` (any JSON) to `object.<key>` when present.
  void Copy(Value& object, const char* key, const Value& from, const char* from_key) {
    if (const Value* v = Get(from, from_key)) Add(object, key, Value(*v, alloc_));
  }
  // `{"result": <from.from_key>}` (false when absent: v3 reports every signal).
  Value Result(const Value& from, const char* from_key) {
    Value data(rapidjson::kObjectType);
    Add(data, "result", GetBool(from, from_key));
    return data;
  }
  // `{"data": data}`.
  Value Product(Value data) {
    Value product(rapidjson::kObjectType);
    Add(product, "data", std::move(data));
    return product;
  }
  Allocator& alloc() { return alloc_; }

 private:
  Allocator& alloc_;
};

Value NameObject(Writer& w, const Value& from, const char* code_key, const char* name_key) {
  Value out(rapidjson::kObjectType);
  if (code_key != nullptr) w.Copy(out, "code", from, code_key);
  w.Copy(out, "name", from, name_key);
  return out;
}

Value Geolocation(Writer& w, const Value& geo) {
  Value out(rapidjson::kObjectType);
  w.Copy(out, "accuracyRadius", geo, "accuracy_radius");
  w.Copy(out, "latitude", geo, "latitude");
  w.Copy(out, "longitude", geo, "longitude");
  w.Copy(out, "postalCode", geo, "postal_code");
  w.Copy(out, "timezone", geo, "timezone");
  w.Add(out, "city", NameObject(w, geo, nullptr, "city_name"));
  w.Add(out, "country", NameObject(w, geo, "country_code", "country_name"));
  w.Add(out, "continent", NameObject(w, geo, "continent_code", "continent_name"));
  Value subdivisions(rapidjson::kArrayType);
  if (const Value* subs = Get(geo, "subdivisions"); subs != nullptr && subs->IsArray()) {
    for (const Value& sub : subs->GetArray()) {
      Value item(rapidjson::kObjectType);
      w.Copy(item, "isoCode", sub, "iso_code");
      w.Copy(item, "name", sub, "name");
      subdivisions.PushBack(item, w.alloc());
    }
  }
  w.Add(out, "subdivisions", std::move(subdivisions));
  return out;
}

Value IpInfoEntry(Writer& w, const Value& ip) {
  Value out(rapidjson::kObjectType);
  w.Copy(out, "address", ip, "address");
  if (const Value* geo = Get(ip, "geolocation")) w.Add(out, "geolocation", Geolocation(w, *geo));
  Value asn(rapidjson::kObjectType);
  w.Copy(asn, "asn", ip, "asn");
  w.Copy(asn, "name", ip, "asn_name");
  w.Copy(asn, "network", ip, "asn_network");
  w.Copy(asn, "type", ip, "asn_type");
  w.Add(out, "asn", std::move(asn));
  Value datacenter(rapidjson::kObjectType);
  w.Add(datacenter, "result", GetBool(ip, "datacenter_result"));
  w.Copy(datacenter, "name", ip, "datacenter_name");
  w.Add(out, "datacenter", std::move(datacenter));
  return out;
}

// `{"global": <iso>, "subscription": <iso>}`, both null when `millis` is absent.
Value SeenAt(Writer& w, const Value* millis) {
  Value out(rapidjson::kObjectType);
  if (millis != nullptr && millis->IsInt64()) {
    w.Add(out, "global", IsoTimeFromMillis(millis->GetInt64()));
    w.Add(out, "subscription", IsoTimeFromMillis(millis->GetInt64()));
  } else {
    w.Add(out, "global", Value());
    w.Add(out, "subscription", Value());
  }
  return out;
}

// The identification fields of a v3 event; `event_fields` adds what a Visit lacks (visitorId,
// suspect, replayed, sdk, environmentId).
Value Identification(Writer& w, const Value& e, bool event_fields) {
  Value out(rapidjson::kObjectType);
  const Value& id = *Get(e, "identification");
  if (event_fields) w.Copy(out, "visitorId", id, "visitor_id");
  w.Copy(out, "requestId", e, "event_id");
  Value browser(rapidjson::kObjectType);
  if (const Value* details = Get(e, "browser_details")) {
    w.Copy(browser, "browserName", *details, "browser_name");
    w.Copy(browser, "browserMajorVersion", *details, "browser_major_version");
    w.Copy(browser, "browserFullVersion", *details, "browser_full_version");
    w.Copy(browser, "os", *details, "os");
    w.Copy(browser, "osVersion", *details, "os_version");
    w.Copy(browser, "device", *details, "device");
  }
  w.Copy(browser, "userAgent", e, "user_agent");
  w.Add(out, "browserDetails", std::move(browser));
  w.Add(out, "incognito", GetBool(e, "incognito"));
  w.Copy(out, "ip", e, "ip_address");
  if (const Value* v4 = Get(*Get(e, "ip_info"), "v4")) {
    if (const Value* geo = Get(*v4, "geolocation")) w.Add(out, "ipLocation", Geolocation(w, *geo));
  }
  w.Copy(out, "linkedId", e, "linked_id");
  if (event_fields) w.Copy(out, "suspect", e, "suspect");
  const int64_t timestamp = Get(e, "timestamp")->GetInt64();
  w.Add(out, "timestamp", Value(timestamp));
  w.Add(out, "time", IsoTimeFromMillis(timestamp));
  const Value* url = Get(e, "url");
  w.Add(out, "url", url != nullptr ? absl::string_view(url->GetString()) : absl::string_view());
  w.Copy(out, "tag", e, "tags");
  Value confidence(rapidjson::kObjectType);
  if (const Value* c = Get(id, "confidence")) {
    w.Copy(confidence, "score", *c, "score");
    w.Copy(confidence, "revision", *c, "version");
  }
  w.Add(out, "confidence", std::move(confidence));
  const bool returning = GetBool(id, "visitor_found");
  w.Add(out, "visitorFound", returning);
  w.Add(out, "firstSeenAt", SeenAt(w, Get(id, "first_seen_at")));
  // A new visitor was never seen before this event.
  w.Add(out, "lastSeenAt", SeenAt(w, returning ? Get(id, "last_seen_at") : nullptr));
  if (event_fields) {
    w.Copy(out, "replayed", e, "replayed");
    w.Copy(out, "sdk", e, "sdk");
    w.Copy(out, "environmentId", e, "environment_id");
  }
  return out;
}

Value Botd(Writer& w, const Value& e) {
  Value out(rapidjson::kObjectType);
  Value bot(rapidjson::kObjectType);
  const std::string result = Get(e, "bot")->GetString();
  w.Add(bot, "result", result == "not_detected" ? absl::string_view("notDetected") : result);
  w.Copy(bot, "type", e, "bot_type");
  w.Add(out, "bot", std::move(bot));
  const Value* url = Get(e, "url");
  w.Add(out, "url", url != nullptr ? absl::string_view(url->GetString()) : absl::string_view());
  w.Copy(out, "ip", e, "ip_address");
  w.Add(out, "time", IsoTimeFromMillis(Get(e, "timestamp")->GetInt64()));
  w.Copy(out, "userAgent", e, "user_agent");
  w.Copy(out, "requestId", e, "event_id");
  w.Copy(out, "linkedId", e, "linked_id");
  return out;
}

Value Velocity(Writer& w, const Value& velocity) {
  static constexpr const char* kNames[][2] = {
      {"distinct_ip", "distinctIp"},
      {"distinct_linked_id", "distinctLinkedId"},
      {"distinct_country", "distinctCountry"},
      {"events", "events"},
      {"ip_events", "ipEvents"},
      {"distinct_ip_by_linked_id", "distinctIpByLinkedId"},
      {"distinct_visitor_id_by_linked_id", "distinctVisitorIdByLinkedId"},
  };
  Value out(rapidjson::kObjectType);
  for (const auto& name : kNames) {
    const Value* counts = Get(velocity, name[0]);
    if (counts == nullptr) continue;
    Value intervals(rapidjson::kObjectType);
    w.Copy(intervals, "5m", *counts, "5_minutes");
    w.Copy(intervals, "1h", *counts, "1_hour");
    w.Copy(intervals, "24h", *counts, "24_hours");
    Value item(rapidjson::kObjectType);
    w.Add(item, "intervals", std::move(intervals));
    w.Add(out, name[1], std::move(item));
  }
  return out;
}

}  // namespace

std::string IsoTimeFromMillis(int64_t millis) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(millis),
                          absl::UTCTimeZone());
}

void FingerprintV3Data::BuildEvent(const EventFacts& facts, rapidjson::Document* doc) const {
  rapidjson::Document e;
  v4_.BuildEvent(facts, "", &e);
  doc->SetObject();
  Writer w(doc->GetAllocator());
  Value products(rapidjson::kObjectType);

  w.Add(products, "identification", w.Product(Identification(w, e, /*event_fields=*/true)));
  w.Add(products, "botd", w.Product(Botd(w, e)));
  // Mobile signals are reported (as false) for web events too.
  w.Add(products, "rootApps", w.Product(w.Result(e, "root_apps")));
  w.Add(products, "emulator", w.Product(w.Result(e, "emulator")));

  Value ip_info(rapidjson::kObjectType);
  const Value& v4_ip_info = *Get(e, "ip_info");
  if (const Value* v4 = Get(v4_ip_info, "v4")) w.Add(ip_info, "v4", IpInfoEntry(w, *v4));
  if (const Value* v6 = Get(v4_ip_info, "v6")) w.Add(ip_info, "v6", IpInfoEntry(w, *v6));
  w.Add(products, "ipInfo", w.Product(std::move(ip_info)));

  const Value& blocklist = *Get(e, "ip_blocklist");
  Value ip_blocklist(rapidjson::kObjectType);
  w.Add(ip_blocklist, "result",
        GetBool(blocklist, "email_spam") || GetBool(blocklist, "attack_source"));
  Value details(rapidjson::kObjectType);
  w.Add(details, "emailSpam", GetBool(blocklist, "email_spam"));
  w.Add(details, "attackSource", GetBool(blocklist, "attack_source"));
  w.Add(ip_blocklist, "details", std::move(details));
  w.Add(products, "ipBlocklist", w.Product(std::move(ip_blocklist)));
  w.Add(products, "tor", w.Product(w.Result(blocklist, "tor_node")));

  Value vpn = w.Result(e, "vpn");
  w.Copy(vpn, "confidence", e, "vpn_confidence");
  w.Copy(vpn, "mlScore", e, "vpn_ml_score");
  w.Copy(vpn, "originTimezone", e, "vpn_origin_timezone");
  w.Copy(vpn, "originCountry", e, "vpn_origin_country");
  Value methods(rapidjson::kObjectType);
  const Value& v4_methods = *Get(e, "vpn_methods");
  w.Add(methods, "timezoneMismatch", GetBool(v4_methods, "timezone_mismatch"));
  w.Add(methods, "publicVPN", GetBool(v4_methods, "public_vpn"));
  w.Add(methods, "auxiliaryMobile", GetBool(v4_methods, "auxiliary_mobile"));
  w.Add(methods, "osMismatch", GetBool(v4_methods, "os_mismatch"));
  w.Add(methods, "relay", GetBool(v4_methods, "relay"));
  w.Add(methods, "mlPrediction", GetBool(v4_methods, "ml_prediction"));
  w.Add(vpn, "methods", std::move(methods));
  w.Add(products, "vpn", w.Product(std::move(vpn)));

  Value proxy = w.Result(e, "proxy");
  w.Copy(proxy, "confidence", e, "proxy_confidence");
  w.Copy(proxy, "mlScore", e, "proxy_ml_score");
  if (const Value* v4_details = Get(e, "proxy_details")) {
    Value proxy_details(rapidjson::kObjectType);
    w.Copy(proxy_details, "proxyType", *v4_details, "proxy_type");
    if (const Value* seen = Get(*v4_details, "last_seen_at"); seen != nullptr && seen->IsInt64()) {
      w.Add(proxy_details, "lastSeenAt", IsoTimeFromMillis(seen->GetInt64()));
    }
    w.Add(proxy, "details", std::move(proxy_details));
  } else {
    w.Add(proxy, "details", Value());
  }
  w.Add(products, "proxy", w.Product(std::move(proxy)));

  w.Add(products, "incognito", w.Product(w.Result(e, "incognito")));

  Value tampering = w.Result(e, "tampering");
  w.Copy(tampering, "confidence", e, "tampering_confidence");
  if (const Value* t = Get(e, "tampering_details")) {
    w.Copy(tampering, "anomalyScore", *t, "anomaly_score");
    w.Copy(tampering, "antiDetectBrowser", *t, "anti_detect_browser");
  }
  w.Copy(tampering, "mlScore", e, "tampering_ml_score");
  w.Add(products, "tampering", w.Product(std::move(tampering)));

  w.Add(products, "clonedApp", w.Product(w.Result(e, "cloned_app")));
  Value factory_reset(rapidjson::kObjectType);
  const Value* reset = Get(e, "factory_reset_timestamp");
  const int64_t reset_ms = reset != nullptr && reset->IsInt64() ? reset->GetInt64() : 0;
  w.Add(factory_reset, "time", IsoTimeFromMillis(reset_ms));
  w.Add(factory_reset, "timestamp", Value(reset_ms / 1000));
  w.Add(products, "factoryReset", w.Product(std::move(factory_reset)));
  w.Add(products, "jailbroken", w.Product(w.Result(e, "jailbroken")));
  w.Add(products, "frida", w.Product(w.Result(e, "frida")));
  w.Add(products, "privacySettings", w.Product(w.Result(e, "privacy_settings")));
  Value vm = w.Result(e, "virtual_machine");
  w.Copy(vm, "mlScore", e, "virtual_machine_ml_score");
  w.Add(products, "virtualMachine", w.Product(std::move(vm)));

  Value raw(rapidjson::kObjectType);
  if (const Value* attributes = Get(e, "raw_device_attributes")) {
    for (const auto& member : attributes->GetObject()) {
      Value item(rapidjson::kObjectType);
      w.Add(item, "value", Value(member.value, w.alloc()));
      raw.AddMember(Value(member.name, w.alloc()), item, w.alloc());
    }
  }
  w.Add(products, "rawDeviceAttributes", w.Product(std::move(raw)));
  w.Add(products, "highActivity", w.Product(w.Result(e, "high_activity_device")));
  w.Add(products, "locationSpoofing", w.Product(w.Result(e, "location_spoofing")));
  Value suspect_score(rapidjson::kObjectType);
  w.Copy(suspect_score, "result", e, "suspect_score");
  w.Add(products, "suspectScore", w.Product(std::move(suspect_score)));
  w.Add(products, "velocity", w.Product(Velocity(w, *Get(e, "velocity"))));
  w.Add(products, "developerTools", w.Product(w.Result(e, "developer_tools")));
  w.Add(products, "mitmAttack", w.Product(w.Result(e, "mitm_attack")));
  Value rare = w.Result(e, "rare_device");
  w.Copy(rare, "percentileBucket", e, "rare_device_percentile_bucket");
  w.Add(products, "rareDevice", w.Product(std::move(rare)));
  if (const Value* p = Get(e, "proximity")) {
    Value proximity(rapidjson::kObjectType);
    w.Copy(proximity, "id", *p, "id");
    w.Copy(proximity, "precisionRadius", *p, "precision_radius");
    w.Copy(proximity, "confidence", *p, "confidence");
    w.Add(products, "proximity", w.Product(std::move(proximity)));
  }
  Value labels(rapidjson::kArrayType);
  if (const Value* v4_labels = Get(e, "labels"); v4_labels != nullptr && v4_labels->IsArray()) {
    for (const Value& label : v4_labels->GetArray()) {
      Value item(rapidjson::kObjectType);
      w.Copy(item, "label", label, "label");
      w.Copy(item, "prediction", label, "prediction");
      w.Copy(item, "mlScore", label, "ml_score");
      labels.PushBack(item, w.alloc());
    }
  }
  w.Add(products, "labels", w.Product(std::move(labels)));
  w.Add(*doc, "products", std::move(products));
}

void FingerprintV3Data::BuildVisit(const EventFacts& facts, rapidjson::Value* out,
                                   rapidjson::Document::AllocatorType& alloc) const {
  rapidjson::Document e;
  v4_.BuildEvent(facts, "", &e);
  Writer w(alloc);
  *out = Identification(w, e, /*event_fields=*/false);
}

std::vector<std::string> FingerprintV3Data::RelatedVisitors(absl::string_view visitor_id) const {
  const uint64_t count = v4_.Hash("related-count", visitor_id) % 4;
  std::vector<std::string> ids;
  for (uint64_t i = 0; i < count; ++i) {
    std::mt19937_64 rng(v4_.Hash("related-visitor", absl::StrCat(visitor_id, "/", i)));
    std::string id(20, '0');
    for (char& c : id) c = kBase62[rng() % 62];
    ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace fpgw::sandbox
