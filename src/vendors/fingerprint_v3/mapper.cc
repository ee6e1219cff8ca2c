// Fingerprint Server API v3 → fpgw.v1.Evaluation, following the normalisation map (CONTRACTS.md
// §4, columns "FP v3 event" and "FP v3 visit"; field index in Appendix A). Pure functions: no I/O.
#include "vendors/fingerprint_v3/mapper.h"

#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "rapidjson/error/en.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using fpgw::v1::Evaluation;
using fpgw::v1::Signals;

void SetIf(const std::optional<std::string>& value, std::string* out) {
  if (value.has_value()) *out = *value;
}

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// An RFC 3339 date-time (v3 gives first/last seen and a few other times only as strings). Absent
// or null is unknown; a string that does not parse is drift.
std::optional<google::protobuf::Timestamp> ReadTime(const JsonObject& obj, const char* key) {
  const std::optional<std::string> text = obj.String(key);
  if (!text.has_value()) return std::nullopt;
  google::protobuf::Timestamp time;
  if (!SetTimestampRfc3339(*text, &time) || time.seconds() < kMinTimestampSeconds ||
      time.seconds() > kMaxTimestampSeconds) {
    obj.Drift(key, "RFC 3339 date-time");
    return std::nullopt;
  }
  return time;
}

// Unix milliseconds that a Timestamp can hold; drift when not an integer or out of range.
std::optional<google::protobuf::Timestamp> ReadMillis(const JsonObject& obj, const char* key) {
  const std::optional<int64_t> millis = obj.Int(key);
  if (!millis.has_value()) return std::nullopt;
  if (*millis / 1000 < kMinTimestampSeconds || *millis / 1000 > kMaxTimestampSeconds) {
    obj.Drift(key, "Unix milliseconds within years 1..9999");
    return std::nullopt;
  }
  google::protobuf::Timestamp time;
  SetTimestampMillis(*millis, &time);
  return time;
}

void AddDrift(const std::string& path, const char* expected, Evaluation* evaluation) {
  fpgw::v1::FieldDrift* drift = evaluation->add_drift();
  drift->set_path(path);
  drift->set_expected(expected);
  evaluation->set_partial(true);
}

void MapSource(const MapOptions& options, Evaluation* evaluation) {
  fpgw::v1::Source* source = evaluation->mutable_source();
  source->set_vendor(fpgw::v1::VENDOR_FINGERPRINT);
  source->set_api_version("v3");
  source->set_region(options.region);
  source->set_integration(options.integration);
  source->set_payload_kind(options.payload_kind);
  source->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  *source->mutable_fetch_time() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      absl::ToUnixMillis(options.fetch_time));
}

// `geolocation` of an ipInfo entry, and the deprecated `ipLocation` (same shape).
void MapGeolocation(const JsonObject& geo, fpgw::v1::Geolocation* out) {
  if (!geo.present()) return;
  const JsonObject country = geo.Object("country");
  SetIf(country.String("code"), out->mutable_country_code());
  SetIf(country.String("name"), out->mutable_country_name());
  const JsonObject continent = geo.Object("continent");
  SetIf(continent.String("code"), out->mutable_continent_code());
  SetIf(continent.String("name"), out->mutable_continent_name());
  SetIf(geo.Object("city").String("name"), out->mutable_city());
  SetIf(geo.String("postalCode"), out->mutable_postal_code());
  SetIf(geo.String("timezone"), out->mutable_timezone());
  if (auto v = geo.Number("latitude")) out->set_latitude(*v);
  if (auto v = geo.Number("longitude")) out->set_longitude(*v);
  if (auto v = geo.Int("accuracyRadius")) out->set_accuracy_radius_km(static_cast<int32_t>(*v));
  if (const Json* subs = geo.Array("subdivisions")) {
    size_t i = 0;
    for (const Json& item : subs->GetArray()) {
      JsonObject sub(&item, absl::StrCat(geo.path(), ".subdivisions[", i++, "]"), nullptr);
      fpgw::v1::Subdivision* s = out->add_subdivisions();
      SetIf(sub.String("isoCode"), s->mutable_iso_code());
      SetIf(sub.String("name"), s->mutable_name());
    }
    if (out->subdivisions_size() > 0) out->set_region(out->subdivisions(0).name());
  }
}

// One of `ipInfo.v4` / `ipInfo.v6`.
void MapIpInfo(const JsonObject& ip, fpgw::v1::IpAddressInfo* out) {
  SetIf(ip.String("address"), out->mutable_address());
  MapGeolocation(ip.Object("geolocation"), out->mutable_geolocation());
  const JsonObject asn = ip.Object("asn");
  if (asn.present()) {
    if (auto number = asn.String("asn")) {
      uint32_t parsed = 0;
      if (absl::SimpleAtoi(*number, &parsed)) {
        out->mutable_asn()->set_number(parsed);
      } else {
        asn.Drift("asn", "AS number as a decimal string");
      }
    }
    SetIf(asn.String("name"), out->mutable_asn()->mutable_name());
    SetIf(asn.String("network"), out->mutable_asn()->mutable_network());
    SetIf(asn.String("type"), out->mutable_asn()->mutable_type());
  }
  const JsonObject datacenter = ip.Object("datacenter");
  out->set_datacenter(ToTristate(datacenter.Bool("result")));
  SetIf(datacenter.String("name"), out->mutable_datacenter_name());
}

// Picks the primary address's details for `network.geolocation`/`asn` once everything is mapped:
// the ipInfo entry the event came from (IPv4 preferred when neither matches), else the deprecated
// `ipLocation`, which is all a visit carries.
void FinishNetwork(const JsonObject& ip_location, Evaluation* evaluation) {
  fpgw::v1::Network* network = evaluation->mutable_network();
  const fpgw::v1::IpAddressInfo* primary = nullptr;
  if (network->has_ipv6() && network->ipv6().address() == network->ip_address()) {
    primary = &network->ipv6();
  } else if (network->has_ipv4()) {
    primary = &network->ipv4();
  } else if (network->has_ipv6()) {
    primary = &network->ipv6();
  }
  if (primary != nullptr) {
    *network->mutable_geolocation() = primary->geolocation();
    *network->mutable_asn() = primary->asn();
    if (network->ip_address().empty()) network->set_ip_address(primary->address());
    evaluation->mutable_signals()->mutable_datacenter()->set_detected(primary->datacenter());
  } else if (ip_location.present()) {
    MapGeolocation(ip_location, network->mutable_geolocation());
  }
}

// The identification fields: `products.identification.data`, a visit, or the webhook root.
void MapIdentification(const JsonObject& id, bool visitor_id_required, Evaluation* evaluation) {
  fpgw::v1::Identity* identity = evaluation->mutable_identity();
  fpgw::v1::Source* source = evaluation->mutable_source();
  if (auto visitor = id.String("visitorId")) {
    identity->set_device_id(*visitor);
  } else if (visitor_id_required) {
    id.Drift("visitorId", "string (required)");
  }
  if (auto request_id = id.String("requestId")) {
    identity->set_event_id(*request_id);
    source->set_vendor_request_id(*request_id);
  } else {
    id.Drift("requestId", "string (required)");
  }
  if (auto ts = ReadMillis(id, "timestamp")) {
    *source->mutable_event_time() = *ts;
  } else {
    if (id.Raw("timestamp") == nullptr) id.Drift("timestamp", "integer (required)");
    if (auto time = ReadTime(id, "time")) *source->mutable_event_time() = *time;
  }
  SetIf(id.String("linkedId"), identity->mutable_linked_id());
  SetIf(id.String("environmentId"), identity->mutable_environment_id());
  if (const Json* tag = id.Raw("tag")) {
    if (tag->IsObject()) {
      JsonToStruct(*tag, identity->mutable_tags());
    } else {
      id.Drift("tag", "object");
    }
  }
  const JsonObject confidence = id.Object("confidence");
  if (auto score = confidence.Number("score")) identity->set_confidence(*score);
  SetIf(confidence.String("revision"), identity->mutable_confidence_version());
  identity->set_returning_visitor(ToTristate(id.Bool("visitorFound")));
  if (auto t = ReadTime(id.Object("firstSeenAt"), "global")) {
    *identity->mutable_first_seen_time() = *t;
  }
  if (auto t = ReadTime(id.Object("lastSeenAt"), "global")) {
    *identity->mutable_last_seen_time() = *t;
  }

  fpgw::v1::Client* client = evaluation->mutable_client();
  const JsonObject browser = id.Object("browserDetails");
  SetIf(browser.String("browserName"), client->mutable_browser_name());
  SetIf(browser.String("browserMajorVersion"), client->mutable_browser_major_version());
  SetIf(browser.String("browserFullVersion"), client->mutable_browser_full_version());
  SetIf(browser.String("os"), client->mutable_os());
  SetIf(browser.String("osVersion"), client->mutable_os_version());
  SetIf(browser.String("device"), client->mutable_device());
  SetIf(browser.String("userAgent"), client->mutable_user_agent());
  SetIf(id.String("url"), client->mutable_page_url());
  SetIf(id.String("clientReferrer"), client->mutable_referrer());
  const JsonObject sdk = id.Object("sdk");
  SetIf(sdk.String("platform"), client->mutable_sdk_platform());
  SetIf(sdk.String("version"), client->mutable_sdk_version());

  SetIf(id.String("ip"), evaluation->mutable_network()->mutable_ip_address());

  Signals* signals = evaluation->mutable_signals();
  signals->mutable_incognito()->set_detected(ToTristate(id.Bool("incognito")));
  signals->set_suspect(ToTristate(id.Bool("suspect")));
  if (auto replayed = id.Bool("replayed")) {
    signals->mutable_replayed()->set_detected(ToTristate(replayed));
  }
}

// `{result: notDetected|good|bad, type?}`.
void MapBot(const JsonObject& bot, fpgw::v1::BotSignal* out) {
  static constexpr EnumName<fpgw::v1::BotResult> kResults[] = {
      {"notDetected", fpgw::v1::BOT_RESULT_NOT_DETECTED},
      {"good", fpgw::v1::BOT_RESULT_GOOD},
      {"bad", fpgw::v1::BOT_RESULT_BAD}};
  if (auto result = ReadEnum(bot, "result", kResults)) out->set_result(*result);
  SetIf(bot.String("type"), out->mutable_type());
}

// `products.botd.data`: the bot result, and the event's facts when identification failed.
void MapBotd(const JsonObject& botd, Evaluation* evaluation) {
  MapBot(botd.Object("bot"), evaluation->mutable_signals()->mutable_bot());
  fpgw::v1::Identity* identity = evaluation->mutable_identity();
  if (identity->event_id().empty()) {
    if (auto request_id = botd.String("requestId")) {
      identity->set_event_id(*request_id);
      evaluation->mutable_source()->set_vendor_request_id(*request_id);
    }
  }
  if (identity->linked_id().empty()) SetIf(botd.String("linkedId"), identity->mutable_linked_id());
  if (!evaluation->source().has_event_time()) {
    if (auto time = ReadTime(botd, "time"))
      *evaluation->mutable_source()->mutable_event_time() = *time;
  }
  fpgw::v1::Client* client = evaluation->mutable_client();
  if (client->user_agent().empty()) SetIf(botd.String("userAgent"), client->mutable_user_agent());
  if (client->page_url().empty()) SetIf(botd.String("url"), client->mutable_page_url());
  fpgw::v1::Network* network = evaluation->mutable_network();
  if (network->ip_address().empty()) SetIf(botd.String("ip"), network->mutable_ip_address());
}

// Smart Signals whose data is only `{result: boolean}` (plus extras handled below).
struct ResultSignal {
  const char* name;
  fpgw::v1::Signal* (Signals::*field)();
};
const ResultSignal kResultSignals[] = {
    {"rootApps", &Signals::mutable_root_apps},
    {"emulator", &Signals::mutable_emulator},
    {"tor", &Signals::mutable_tor},
    {"incognito", &Signals::mutable_incognito},
    {"clonedApp", &Signals::mutable_cloned_app},
    {"jailbroken", &Signals::mutable_jailbroken},
    {"frida", &Signals::mutable_frida},
    {"privacySettings", &Signals::mutable_privacy_settings},
    {"virtualMachine", &Signals::mutable_virtual_machine},
    {"highActivity", &Signals::mutable_high_activity},
    {"locationSpoofing", &Signals::mutable_location_spoofing},
    {"developerTools", &Signals::mutable_developer_tools},
    {"mitmAttack", &Signals::mutable_mitm_attack},
    {"rareDevice", &Signals::mutable_rare_device},
};

// v3 velocity names → the velocity map keys the v4 mapping uses.
struct VelocityName {
  const char* v3;
  const char* key;
};
const VelocityName kVelocityNames[] = {
    {"distinctIp", "distinct_ip"},
    {"distinctLinkedId", "distinct_linked_id"},
    {"distinctCountry", "distinct_country"},
    {"events", "events"},
    {"ipEvents", "ip_events"},
    {"distinctIpByLinkedId", "distinct_ip_by_linked_id"},
    {"distinctVisitorIdByLinkedId", "distinct_visitor_id_by_linked_id"},
};

// v3 VPN method names → the names the v4 mapping reports.
const VelocityName kVpnMethods[] = {
    {"timezoneMismatch", "timezone_mismatch"},
    {"publicVPN", "public_vpn"},
    {"auxiliaryMobile", "auxiliary_mobile"},
    {"osMismatch", "os_mismatch"},
    {"relay", "relay"},
    {"mlPrediction", "ml_prediction"},
};

void MapVelocity(const JsonObject& velocity, Signals* signals) {
  for (const VelocityName& name : kVelocityNames) {
    const JsonObject counts = velocity.Object(name.v3);
    if (!counts.present()) continue;
    fpgw::v1::VelocityCounts& out = (*signals->mutable_velocity())[name.key];
    const JsonObject intervals = counts.Object("intervals");
    if (auto v = intervals.Int("5m")) out.set_last_5_minutes(*v);
    if (auto v = intervals.Int("1h")) out.set_last_1_hour(*v);
    if (auto v = intervals.Int("24h")) out.set_last_24_hours(*v);
  }
}

void MapLabels(const Json& labels, const std::string& path, Evaluation* evaluation) {
  if (!labels.IsArray()) {
    AddDrift(path, "array", evaluation);
    return;
  }
  size_t i = 0;
  for (const Json& item : labels.GetArray()) {
    JsonObject label(&item, absl::StrCat(path, "[", i++, "]"), evaluation);
    fpgw::v1::Label* out = evaluation->mutable_signals()->add_labels();
    SetIf(label.String("label"), out->mutable_label());
    out->set_prediction(ToTristate(label.Bool("prediction")));
    if (auto s = label.Number("mlScore")) out->set_score(*s);
  }
}

// The data of one Smart Signal product (`products.<name>.data`, or `<name>` of a webhook). Names
// without a typed field (rawDeviceAttributes, the deprecated remoteControl, products the vendor
// adds later) stay in `raw` only.
void MapSmartSignal(absl::string_view name, const JsonObject& data, Evaluation* evaluation) {
  if (!data.present()) return;
  Signals* signals = evaluation->mutable_signals();
  for (const ResultSignal& signal : kResultSignals) {
    if (name == signal.name) {
      // Only a reported result overrides what identification said (its `incognito`).
      if (auto result = data.Bool("result")) {
        (signals->*signal.field)()->set_detected(ToTristate(result));
      }
    }
  }
  if (name == "virtualMachine") {
    if (auto s = data.Number("mlScore")) signals->mutable_virtual_machine()->set_score(*s);
  } else if (name == "rareDevice") {
    SetIf(data.String("percentileBucket"), signals->mutable_rare_device_percentile_bucket());
  } else if (name == "suspectScore") {
    if (auto score = data.Int("result")) signals->set_suspect_score(static_cast<int32_t>(*score));
  } else if (name == "ipBlocklist") {
    const JsonObject details = data.Object("details");
    signals->mutable_ip_blocklist_email_spam()->set_detected(ToTristate(details.Bool("emailSpam")));
    signals->mutable_ip_blocklist_attack_source()->set_detected(
        ToTristate(details.Bool("attackSource")));
  } else if (name == "vpn") {
    fpgw::v1::VpnSignal* vpn = signals->mutable_vpn();
    vpn->mutable_signal()->set_detected(ToTristate(data.Bool("result")));
    vpn->mutable_signal()->set_confidence(ReadConfidence(data, "confidence"));
    if (auto s = data.Number("mlScore")) vpn->mutable_signal()->set_score(*s);
    SetIf(data.String("originTimezone"), vpn->mutable_origin_timezone());
    SetIf(data.String("originCountry"), vpn->mutable_origin_country());
    const JsonObject methods = data.Object("methods");
    for (const VelocityName& method : kVpnMethods) {
      if (methods.Bool(method.v3).value_or(false)) vpn->add_methods(method.key);
    }
  } else if (name == "proxy") {
    fpgw::v1::ProxySignal* proxy = signals->mutable_proxy();
    proxy->mutable_signal()->set_detected(ToTristate(data.Bool("result")));
    proxy->mutable_signal()->set_confidence(ReadConfidence(data, "confidence"));
    if (auto s = data.Number("mlScore")) proxy->mutable_signal()->set_score(*s);
    const JsonObject details = data.Object("details");
    SetIf(details.String("proxyType"), proxy->mutable_type());
    if (auto t = ReadTime(details, "lastSeenAt")) *proxy->mutable_last_seen_time() = *t;
  } else if (name == "tampering") {
    fpgw::v1::TamperingSignal* tampering = signals->mutable_tampering();
    tampering->mutable_signal()->set_detected(ToTristate(data.Bool("result")));
    tampering->mutable_signal()->set_confidence(ReadConfidence(data, "confidence"));
    if (auto s = data.Number("mlScore")) tampering->mutable_signal()->set_score(*s);
    if (auto s = data.Number("anomalyScore")) tampering->set_anomaly_score(*s);
    tampering->set_anti_detect_browser(ToTristate(data.Bool("antiDetectBrowser")));
  } else if (name == "factoryReset") {
    // `timestamp`'s unit is not documented; `time` is. The epoch means "never reset / unknown".
    if (auto t = ReadTime(data, "time"); t.has_value() && t->seconds() > 0) {
      *signals->mutable_factory_reset_time() = *t;
    }
  } else if (name == "velocity") {
    MapVelocity(data, signals);
  } else if (name == "ipInfo") {
    fpgw::v1::Network* network = evaluation->mutable_network();
    const JsonObject v4 = data.Object("v4");
    const JsonObject v6 = data.Object("v6");
    if (v4.present()) MapIpInfo(v4, network->mutable_ipv4());
    if (v6.present()) MapIpInfo(v6, network->mutable_ipv6());
  } else if (name == "proximity") {
    fpgw::v1::Proximity* out = evaluation->mutable_identity()->mutable_proximity();
    SetIf(data.String("id"), out->mutable_id());
    if (auto r = data.Int("precisionRadius")) {
      out->set_precision_radius_meters(static_cast<int32_t>(*r));
    }
    if (auto c = data.Number("confidence")) out->set_confidence(*c);
  }
}

// `products.<name>` = `{data}` or `{error}`.
void MapProduct(absl::string_view name, const Json& product, const std::string& path,
                Evaluation* evaluation) {
  if (!product.IsObject()) {
    AddDrift(path, "object with data or error", evaluation);
    return;
  }
  const JsonObject wrapper(&product, path, evaluation);
  const JsonObject error = wrapper.Object("error");
  if (error.present()) {
    fpgw::v1::SignalFailure* failure = evaluation->add_signal_failures();
    failure->set_signal(std::string(name));
    SetIf(error.String("code"), failure->mutable_code());
    SetIf(error.String("message"), failure->mutable_message());
    evaluation->set_partial(true);
  }
  if (name == "labels") {
    if (const Json* labels = wrapper.Raw("data")) {
      MapLabels(*labels, absl::StrCat(path, ".data"), evaluation);
    }
    return;
  }
  const JsonObject data = wrapper.Object("data");
  if (name == "identification") {
    if (data.present()) MapIdentification(data, /*visitor_id_required=*/true, evaluation);
  } else if (name == "botd") {
    if (data.present()) MapBotd(data, evaluation);
  } else {
    MapSmartSignal(name, data, evaluation);
  }
}

const Json* Member(const Json& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

// `paginationKey` is a string; a number (drift seen in the wild for timestamps) is kept usable.
std::string PaginationKey(const Json& root) {
  const Json* key = Member(root, "paginationKey");
  if (key == nullptr) return "";
  if (key->IsString()) return std::string(key->GetString(), key->GetStringLength());
  if (key->IsInt64()) return absl::StrCat(key->GetInt64());
  return "";
}

}  // namespace

void MapEventsResponse(const Json& response, const std::string& path, const MapOptions& options,
                       Evaluation* evaluation) {
  MapSource(options, evaluation);
  const Json* products = Member(response, "products");
  if (products == nullptr || !products->IsObject()) {
    AddDrift(absl::StrCat(path, ".products"), "object (required)", evaluation);
  } else {
    const std::string products_path = absl::StrCat(path, ".products");
    // Identification first and botd second: botd only fills what identification left unknown.
    for (const char* first : {"identification", "botd"}) {
      if (const Json* product = Member(*products, first)) {
        MapProduct(first, *product, absl::StrCat(products_path, ".", first), evaluation);
      }
    }
    for (const auto& member : products->GetObject()) {
      const absl::string_view name(member.name.GetString(), member.name.GetStringLength());
      if (name == "identification" || name == "botd" || member.value.IsNull()) continue;
      MapProduct(name, member.value, absl::StrCat(products_path, ".", name), evaluation);
    }
    const JsonObject identification =
        JsonObject(products, products_path, nullptr).Object("identification").Object("data");
    FinishNetwork(identification.Object("ipLocation"), evaluation);
  }
  if (options.include_raw) JsonToStruct(response, evaluation->mutable_raw());
}

void MapVisit(const Json& visit, const std::string& path, const std::string& visitor_id,
              const MapOptions& options, Evaluation* evaluation) {
  MapSource(options, evaluation);
  const JsonObject obj(&visit, path, evaluation);
  MapIdentification(obj, /*visitor_id_required=*/false, evaluation);
  if (!visitor_id.empty()) evaluation->mutable_identity()->set_device_id(visitor_id);
  FinishNetwork(obj.Object("ipLocation"), evaluation);
  if (options.include_raw) JsonToStruct(visit, evaluation->mutable_raw());
}

void MapWebhook(const Json& webhook, const std::string& path, const MapOptions& options,
                Evaluation* evaluation) {
  MapSource(options, evaluation);
  const JsonObject root(&webhook, path, evaluation);
  MapIdentification(root, /*visitor_id_required=*/false, evaluation);
  MapBot(root.Object("bot"), evaluation->mutable_signals()->mutable_bot());
  fpgw::v1::Client* client = evaluation->mutable_client();
  if (client->user_agent().empty()) SetIf(root.String("userAgent"), client->mutable_user_agent());
  // The webhook's `incognito` is the identification boolean, not the Smart Signal object.
  for (const char* name : {"rootApps",
                           "emulator",
                           "ipInfo",
                           "ipBlocklist",
                           "tor",
                           "vpn",
                           "proxy",
                           "tampering",
                           "clonedApp",
                           "factoryReset",
                           "jailbroken",
                           "frida",
                           "privacySettings",
                           "virtualMachine",
                           "highActivity",
                           "locationSpoofing",
                           "suspectScore",
                           "velocity",
                           "developerTools",
                           "mitmAttack",
                           "rareDevice",
                           "proximity"}) {
    MapSmartSignal(name, root.Object(name), evaluation);
  }
  if (const Json* labels = root.Raw("labels")) {
    MapLabels(*labels, absl::StrCat(path, ".labels"), evaluation);
  }
  const JsonObject high_recall = root.Object("supplementaryIds").Object("highRecall");
  if (high_recall.present()) {
    fpgw::v1::SupplementaryId* out = evaluation->mutable_identity()->mutable_high_recall_id();
    SetIf(high_recall.String("visitorId"), out->mutable_device_id());
    out->set_returning(ToTristate(high_recall.Bool("visitorFound")));
    if (auto score = high_recall.Object("confidence").Number("score")) out->set_confidence(*score);
    if (auto t = ReadTime(high_recall.Object("firstSeenAt"), "global")) {
      *out->mutable_first_seen_time() = *t;
    }
    if (auto t = ReadTime(high_recall.Object("lastSeenAt"), "global")) {
      *out->mutable_last_seen_time() = *t;
    }
  }
  FinishNetwork(root.Object("ipLocation"), evaluation);
  if (options.include_raw) JsonToStruct(webhook, evaluation->mutable_raw());
}

absl::StatusOr<Evaluation> NormalizeEvent(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("an event must be a JSON object");
  const Json* products = Member(*doc, "products");
  if (products == nullptr || !products->IsObject()) {
    return absl::InvalidArgumentError("an event needs a \"products\" object");
  }
  Evaluation evaluation;
  MapEventsResponse(*doc, "$", options, &evaluation);
  return evaluation;
}

absl::StatusOr<SearchResult> NormalizeSearch(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("a search result must be a JSON object");
  SearchResult result;
  result.pagination_key = PaginationKey(*doc);
  const Json* events = Member(*doc, "events");
  if (events == nullptr) return result;
  if (!events->IsArray()) return absl::InvalidArgumentError("\"events\" must be an array");
  MapOptions hit = options;
  hit.payload_kind = fpgw::v1::PAYLOAD_KIND_SEARCH_HIT;
  size_t i = 0;
  for (const Json& event : events->GetArray()) {
    const std::string path = absl::StrCat("$.events[", i++, "]");
    Evaluation& evaluation = result.evaluations.emplace_back();
    if (!event.IsObject()) {
      MapSource(hit, &evaluation);
      AddDrift(path, "object", &evaluation);
      continue;
    }
    MapEventsResponse(event, path, hit, &evaluation);
  }
  return result;
}

absl::StatusOr<VisitsResult> NormalizeVisits(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("a visits answer must be a JSON object");
  const Json* visits = Member(*doc, "visits");
  if (visits == nullptr || !visits->IsArray()) {
    return absl::InvalidArgumentError("a visits answer needs a \"visits\" array");
  }
  VisitsResult result;
  const Json* visitor = Member(*doc, "visitorId");
  const bool visitor_ok = visitor != nullptr && visitor->IsString();
  if (visitor_ok) result.visitor_id.assign(visitor->GetString(), visitor->GetStringLength());
  result.pagination_key = PaginationKey(*doc);
  MapOptions entry = options;
  entry.payload_kind = fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY;
  size_t i = 0;
  for (const Json& visit : visits->GetArray()) {
    const std::string path = absl::StrCat("$.visits[", i++, "]");
    Evaluation& evaluation = result.evaluations.emplace_back();
    if (!visitor_ok) AddDrift("$.visitorId", "string (required)", &evaluation);
    if (!visit.IsObject()) {
      MapSource(entry, &evaluation);
      AddDrift(path, "object", &evaluation);
      continue;
    }
    MapVisit(visit, path, result.visitor_id, entry, &evaluation);
  }
  return result;
}

absl::StatusOr<Evaluation> NormalizeWebhook(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("a webhook body must be a JSON object");
  MapOptions webhook = options;
  if (webhook.payload_kind == fpgw::v1::PAYLOAD_KIND_LOOKUP) {
    webhook.payload_kind = fpgw::v1::PAYLOAD_KIND_WEBHOOK;
  }
  Evaluation evaluation;
  MapWebhook(*doc, "$", webhook, &evaluation);
  return evaluation;
}

absl::StatusOr<std::vector<std::string>> NormalizeRelatedVisitors(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  const Json* related = Member(*doc, "relatedVisitors");
  if (related == nullptr || !related->IsArray()) {
    return absl::InvalidArgumentError(
        "a related-visitors answer needs a \"relatedVisitors\" array");
  }
  std::vector<std::string> ids;
  for (const Json& item : related->GetArray()) {
    const Json* id = Member(item, "visitorId");
    if (id != nullptr && id->IsString()) ids.emplace_back(id->GetString(), id->GetStringLength());
  }
  return ids;
}

absl::StatusOr<ErrorBody> ParseErrorBody(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  const Json* error = Member(*doc, "error");
  if (error == nullptr) return absl::InvalidArgumentError("an error body needs \"error\"");
  ErrorBody out;
  if (error->IsString()) {
    out.plain = true;
    out.message.assign(error->GetString(), error->GetStringLength());
    return out;
  }
  if (!error->IsObject()) {
    return absl::InvalidArgumentError("\"error\" must be an object or a string");
  }
  const Json* code = Member(*error, "code");
  if (code != nullptr && code->IsString())
    out.code.assign(code->GetString(), code->GetStringLength());
  const Json* message = Member(*error, "message");
  if (message != nullptr && message->IsString()) {
    out.message.assign(message->GetString(), message->GetStringLength());
  }
  if (out.code.empty()) return absl::InvalidArgumentError("an error body needs error.code");
  return out;
}

}  // namespace fpgw::vendors::fingerprint_v3
