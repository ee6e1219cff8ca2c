// Fingerprint Server API v3 → fpgw.v1.Evaluation, following the normalisation map (CONTRACTS.md
// §4, columns "FP v3 event" and "FP v3 visit"; field index in Appendix A). Pure functions: no I/O.
#include "vendors/fingerprint_v3/mapper.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vendors/common/field_table.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using fpgw::v1::Evaluation;
using fpgw::v1::Signals;
using C = Conversion;

void AddDrift(const std::string& path, const char* expected, Evaluation* evaluation) {
  fpgw::v1::FieldDrift* drift = evaluation->add_drift();
  drift->set_path(path);
  drift->set_expected(expected);
  evaluation->set_partial(true);
}

void MapSource(const MapOptions& options, Evaluation* evaluation) {
  fingerprint::MapSource(options, fingerprint::ApiVersion::kV3, evaluation);
}

// The identification fields: `products.identification.data`, a visit, or the webhook root
// (CONTRACTS.md §3.4). Required fields and the `time` fallback are code (MapIdentification).
constexpr FieldRow kIdentificationRows[] = {
    {"/visitorId", "identity.device_id", C::kString},
    {"/requestId", "identity.event_id", C::kString},
    {"/requestId", "source.vendor_request_id", C::kString},
    {"/linkedId", "identity.linked_id", C::kString},
    {"/environmentId", "identity.environment_id", C::kString},
    {"/tag", "identity.tags", C::kStruct},
    {"/confidence/score", "identity.confidence", C::kNumber},
    {"/confidence/revision", "identity.confidence_version", C::kString},
    {"/confidence/comment", "identity.confidence_comment", C::kString},
    {"/visitorFound", "identity.returning_visitor", C::kTristate},
    {"/firstSeenAt/global", "identity.first_seen_time", C::kRfc3339},
    {"/lastSeenAt/global", "identity.last_seen_time", C::kRfc3339},
    {"/firstSeenAt/subscription", "identity.subscription_first_seen_time", C::kRfc3339},
    {"/lastSeenAt/subscription", "identity.subscription_last_seen_time", C::kRfc3339},
    {"/browserDetails/browserName", "client.browser_name", C::kString},
    {"/browserDetails/browserMajorVersion", "client.browser_major_version", C::kString},
    {"/browserDetails/browserFullVersion", "client.browser_full_version", C::kString},
    {"/browserDetails/os", "client.os", C::kString},
    {"/browserDetails/osVersion", "client.os_version", C::kString},
    {"/browserDetails/device", "client.device", C::kString},
    {"/browserDetails/userAgent", "client.user_agent", C::kString},
    {"/url", "client.page_url", C::kString},
    {"/clientReferrer", "client.referrer", C::kString},
    {"/sdk/platform", "client.sdk_platform", C::kString},
    {"/sdk/version", "client.sdk_version", C::kString},
    {"/ip", "network.ip_address", C::kString},
    {"/incognito", "signals.incognito.detected", C::kTristate},
    {"/suspect", "signals.suspect", C::kTristate},
    {"/replayed", "signals.replayed.detected", C::kTristate},
};

// `supplementaryIds.highRecall` of a webhook.
constexpr FieldRow kHighRecallRows[] = {
    {"/visitorId", "device_id", C::kString},
    {"/visitorFound", "returning", C::kTristate},
    {"/confidence/score", "confidence", C::kNumber},
    {"/firstSeenAt/global", "first_seen_time", C::kRfc3339},
    {"/lastSeenAt/global", "last_seen_time", C::kRfc3339},
};

// A geolocation: of an ipInfo entry, or the deprecated `ipLocation` (same shape).
constexpr FieldRow kGeolocationRows[] = {
    {"/country/code", "country_code", C::kString},
    {"/country/name", "country_name", C::kString},
    {"/continent/code", "continent_code", C::kString},
    {"/continent/name", "continent_name", C::kString},
    {"/city/name", "city", C::kString},
    {"/postalCode", "postal_code", C::kString},
    {"/timezone", "timezone", C::kString},
    {"/latitude", "latitude", C::kNumber},
    {"/longitude", "longitude", C::kNumber},
    {"/accuracyRadius", "accuracy_radius_km", C::kInteger},
};

// One of `ipInfo.v4` / `ipInfo.v6` (its geolocation: kGeolocationRows).
constexpr FieldRow kAddressRows[] = {
    {"/address", "address", C::kString},
    {"/asn/asn", "asn.number", C::kDecimalString},
    {"/asn/name", "asn.name", C::kString},
    {"/asn/network", "asn.network", C::kString},
    {"/asn/type", "asn.type", C::kString},
    {"/datacenter/result", "datacenter", C::kTristate},
    {"/datacenter/name", "datacenter_name", C::kString},
};

// The Smart Signal products that are plain data (`products.<name>.data`, or `<name>` of a
// webhook): the rows of each, relative to its data object. A product's `result` only overrides
// what identification said (its `incognito`) when it is reported.
constexpr FieldRow kRootAppsRows[] = {{"/result", "signals.root_apps.detected", C::kTristate}};
constexpr FieldRow kEmulatorRows[] = {{"/result", "signals.emulator.detected", C::kTristate}};
constexpr FieldRow kTorRows[] = {{"/result", "signals.tor.detected", C::kTristate}};
constexpr FieldRow kIncognitoRows[] = {{"/result", "signals.incognito.detected", C::kTristate}};
constexpr FieldRow kClonedAppRows[] = {{"/result", "signals.cloned_app.detected", C::kTristate}};
constexpr FieldRow kJailbrokenRows[] = {{"/result", "signals.jailbroken.detected", C::kTristate}};
constexpr FieldRow kFridaRows[] = {{"/result", "signals.frida.detected", C::kTristate}};
constexpr FieldRow kPrivacySettingsRows[] = {
    {"/result", "signals.privacy_settings.detected", C::kTristate}};
constexpr FieldRow kVirtualMachineRows[] = {
    {"/result", "signals.virtual_machine.detected", C::kTristate},
    {"/mlScore", "signals.virtual_machine.score", C::kNumber}};
constexpr FieldRow kHighActivityRows[] = {
    {"/result", "signals.high_activity.detected", C::kTristate},
    {"/dailyRequests", "signals.high_activity_daily_requests", C::kInteger}};
constexpr FieldRow kLocationSpoofingRows[] = {
    {"/result", "signals.location_spoofing.detected", C::kTristate}};
constexpr FieldRow kDeveloperToolsRows[] = {
    {"/result", "signals.developer_tools.detected", C::kTristate}};
constexpr FieldRow kMitmAttackRows[] = {{"/result", "signals.mitm_attack.detected", C::kTristate}};
constexpr FieldRow kRareDeviceRows[] = {
    {"/result", "signals.rare_device.detected", C::kTristate},
    {"/percentileBucket", "signals.rare_device_percentile_bucket", C::kString}};
constexpr FieldRow kSuspectScoreRows[] = {{"/result", "signals.suspect_score", C::kInteger}};
constexpr FieldRow kIpBlocklistRows[] = {
    {"/details/emailSpam", "signals.ip_blocklist_email_spam.detected", C::kTristate},
    {"/details/attackSource", "signals.ip_blocklist_attack_source.detected", C::kTristate}};
constexpr FieldRow kVpnRows[] = {{"/result", "signals.vpn.signal.detected", C::kTristate},
                                 {"/confidence", "signals.vpn.signal.confidence", C::kConfidence},
                                 {"/mlScore", "signals.vpn.signal.score", C::kNumber},
                                 {"/originTimezone", "signals.vpn.origin_timezone", C::kString},
                                 {"/originCountry", "signals.vpn.origin_country", C::kString}};
constexpr FieldRow kProxyRows[] = {
    {"/result", "signals.proxy.signal.detected", C::kTristate},
    {"/confidence", "signals.proxy.signal.confidence", C::kConfidence},
    {"/mlScore", "signals.proxy.signal.score", C::kNumber},
    {"/details/proxyType", "signals.proxy.type", C::kString},
    {"/details/lastSeenAt", "signals.proxy.last_seen_time", C::kRfc3339}};
constexpr FieldRow kTamperingRows[] = {
    {"/result", "signals.tampering.signal.detected", C::kTristate},
    {"/confidence", "signals.tampering.signal.confidence", C::kConfidence},
    {"/mlScore", "signals.tampering.signal.score", C::kNumber},
    {"/anomalyScore", "signals.tampering.anomaly_score", C::kNumber},
    {"/antiDetectBrowser", "signals.tampering.anti_detect_browser", C::kTristate}};
constexpr FieldRow kProximityRows[] = {
    {"/id", "identity.proximity.id", C::kString},
    {"/precisionRadius", "identity.proximity.precision_radius_meters", C::kInteger},
    {"/confidence", "identity.proximity.confidence", C::kNumber}};

// The table of a plain-data product, or nullptr.
const FieldTable* ProductTable(absl::string_view name) {
  static const auto* tables = [] {
    auto* out = new std::map<std::string, const FieldTable*, std::less<>>();
    const google::protobuf::Descriptor* evaluation = Evaluation::descriptor();
    (*out)["rootApps"] = &StaticTable<kRootAppsRows>(evaluation);
    (*out)["emulator"] = &StaticTable<kEmulatorRows>(evaluation);
    (*out)["tor"] = &StaticTable<kTorRows>(evaluation);
    (*out)["incognito"] = &StaticTable<kIncognitoRows>(evaluation);
    (*out)["clonedApp"] = &StaticTable<kClonedAppRows>(evaluation);
    (*out)["jailbroken"] = &StaticTable<kJailbrokenRows>(evaluation);
    (*out)["frida"] = &StaticTable<kFridaRows>(evaluation);
    (*out)["privacySettings"] = &StaticTable<kPrivacySettingsRows>(evaluation);
    (*out)["virtualMachine"] = &StaticTable<kVirtualMachineRows>(evaluation);
    (*out)["highActivity"] = &StaticTable<kHighActivityRows>(evaluation);
    (*out)["locationSpoofing"] = &StaticTable<kLocationSpoofingRows>(evaluation);
    (*out)["developerTools"] = &StaticTable<kDeveloperToolsRows>(evaluation);
    (*out)["mitmAttack"] = &StaticTable<kMitmAttackRows>(evaluation);
    (*out)["rareDevice"] = &StaticTable<kRareDeviceRows>(evaluation);
    (*out)["suspectScore"] = &StaticTable<kSuspectScoreRows>(evaluation);
    (*out)["ipBlocklist"] = &StaticTable<kIpBlocklistRows>(evaluation);
    (*out)["vpn"] = &StaticTable<kVpnRows>(evaluation);
    (*out)["proxy"] = &StaticTable<kProxyRows>(evaluation);
    (*out)["tampering"] = &StaticTable<kTamperingRows>(evaluation);
    (*out)["proximity"] = &StaticTable<kProximityRows>(evaluation);
    return out;
  }();
  auto it = tables->find(name);
  return it == tables->end() ? nullptr : it->second;
}

// v3 velocity names → the velocity map keys the v4 mapping uses.
constexpr fingerprint::Renamed kVelocityNames[] = {
    {"distinctIp", "distinct_ip"},
    {"distinctLinkedId", "distinct_linked_id"},
    {"distinctCountry", "distinct_country"},
    {"events", "events"},
    {"ipEvents", "ip_events"},
    {"distinctIpByLinkedId", "distinct_ip_by_linked_id"},
    {"distinctVisitorIdByLinkedId", "distinct_visitor_id_by_linked_id"},
};

// v3 VPN method names → the names the v4 mapping reports.
constexpr fingerprint::Renamed kVpnMethods[] = {
    {"timezoneMismatch", "timezone_mismatch"},
    {"publicVPN", "public_vpn"},
    {"auxiliaryMobile", "auxiliary_mobile"},
    {"osMismatch", "os_mismatch"},
    {"relay", "relay"},
    {"mlPrediction", "ml_prediction"},
};

void MapGeolocation(const JsonObject& geo, fpgw::v1::Geolocation* out, Evaluation* evaluation) {
  if (!geo.present()) return;
  StaticTable<kGeolocationRows>(fpgw::v1::Geolocation::descriptor())
      .Apply(*geo.value(), geo.path(), out, evaluation);
  fingerprint::MapSubdivisions(geo, "isoCode", out);
}

void MapAddress(const JsonObject& ip, fpgw::v1::IpAddressInfo* out, Evaluation* evaluation) {
  StaticTable<kAddressRows>(fpgw::v1::IpAddressInfo::descriptor())
      .Apply(*ip.value(), ip.path(), out, evaluation);
  MapGeolocation(ip.Object("geolocation"), out->mutable_geolocation(), evaluation);
}

// The primary address's details once everything is mapped; a visit carries only the deprecated
// `ipLocation`, used when there is no ipInfo.
void FinishNetwork(const JsonObject& ip_location, Evaluation* evaluation) {
  if (!fingerprint::ChoosePrimaryAddress(evaluation) && ip_location.present()) {
    MapGeolocation(ip_location, evaluation->mutable_network()->mutable_geolocation(), evaluation);
  }
}

// The identification fields; the event id and time are required (the time falls back to `time`).
void MapIdentification(const JsonObject& id, bool visitor_id_required, Evaluation* evaluation) {
  StaticTable<kIdentificationRows>(Evaluation::descriptor())
      .Apply(*id.value(), id.path(), evaluation, evaluation);
  fingerprint::MapSdkIntegrations(id.Object("sdk"), evaluation->mutable_client());
  if (id.Raw("visitorId") == nullptr && visitor_id_required) {
    id.Drift("visitorId", "string (required)");
  }
  if (id.Raw("requestId") == nullptr) id.Drift("requestId", "string (required)");
  fpgw::v1::Source* source = evaluation->mutable_source();
  if (auto ts = id.Millis("timestamp")) {
    *source->mutable_event_time() = *ts;
  } else {
    if (id.Raw("timestamp") == nullptr) id.Drift("timestamp", "integer (required)");
    if (auto time = id.String("time")) {
      google::protobuf::Timestamp parsed;
      if (SetTimestampRfc3339(*time, &parsed)) {
        *source->mutable_event_time() = parsed;
      } else {
        id.Drift("time", "RFC 3339 date-time within years 1..9999");
      }
    }
  }
}

// `{result: notDetected|good|bad, type?}`.
void MapBot(const JsonObject& bot, fpgw::v1::BotSignal* out) {
  static constexpr EnumName<fpgw::v1::BotResult> kResults[] = {
      {"notDetected", fpgw::v1::BOT_RESULT_NOT_DETECTED},
      {"good", fpgw::v1::BOT_RESULT_GOOD},
      {"bad", fpgw::v1::BOT_RESULT_BAD}};
  if (auto result = ReadEnum(bot, "result", kResults)) out->set_result(*result);
  if (auto type = bot.String("type")) out->set_type(*type);
}

// `products.botd.data`: the bot result, and the event's facts when identification failed.
void MapBotd(const JsonObject& botd, Evaluation* evaluation) {
  MapBot(botd.Object("bot"), evaluation->mutable_signals()->mutable_bot());
  fpgw::v1::Identity* identity = evaluation->mutable_identity();
  fpgw::v1::Source* source = evaluation->mutable_source();
  if (identity->event_id().empty()) {
    if (auto request_id = botd.String("requestId")) {
      identity->set_event_id(*request_id);
      source->set_vendor_request_id(*request_id);
    }
  }
  if (identity->linked_id().empty()) {
    if (auto linked = botd.String("linkedId")) identity->set_linked_id(*linked);
  }
  if (!source->has_event_time()) {
    if (auto time = botd.String("time")) {
      google::protobuf::Timestamp parsed;
      if (SetTimestampRfc3339(*time, &parsed)) *source->mutable_event_time() = parsed;
    }
  }
  fpgw::v1::Client* client = evaluation->mutable_client();
  if (client->user_agent().empty()) {
    if (auto agent = botd.String("userAgent")) client->set_user_agent(*agent);
  }
  if (client->page_url().empty()) {
    if (auto url = botd.String("url")) client->set_page_url(*url);
  }
  fpgw::v1::Network* network = evaluation->mutable_network();
  if (network->ip_address().empty()) {
    if (auto ip = botd.String("ip")) network->set_ip_address(*ip);
  }
}

// The data of one Smart Signal product (`products.<name>.data`, or `<name>` of a webhook). Names
// without a typed field (rawDeviceAttributes, the deprecated remoteControl, products the vendor
// adds later) stay in `raw` only.
void MapSmartSignal(absl::string_view name, const JsonObject& data, Evaluation* evaluation) {
  if (!data.present()) return;
  if (const FieldTable* table = ProductTable(name)) {
    table->Apply(*data.value(), data.path(), evaluation, evaluation);
  }
  Signals* signals = evaluation->mutable_signals();
  if (name == "vpn") {
    fingerprint::MapVpnMethods(data.Object("methods"), kVpnMethods, signals->mutable_vpn());
  } else if (name == "factoryReset") {
    // `timestamp`'s unit is not documented; `time` is. The epoch means "never reset / unknown".
    if (auto time = data.String("time")) {
      google::protobuf::Timestamp reset;
      if (!SetTimestampRfc3339(*time, &reset)) {
        data.Drift("time", "RFC 3339 date-time within years 1..9999");
      } else if (reset.seconds() > 0) {
        *signals->mutable_factory_reset_time() = reset;
      }
    }
  } else if (name == "velocity") {
    fingerprint::MapVelocity(data, kVelocityNames, {"intervals", "5m", "1h", "24h"}, signals);
  } else if (name == "ipInfo") {
    fpgw::v1::Network* network = evaluation->mutable_network();
    const JsonObject v4 = data.Object("v4");
    const JsonObject v6 = data.Object("v6");
    if (v4.present()) MapAddress(v4, network->mutable_ipv4(), evaluation);
    if (v6.present()) MapAddress(v6, network->mutable_ipv6(), evaluation);
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
    if (auto code = error.String("code")) failure->set_code(*code);
    if (auto message = error.String("message")) failure->set_message(*message);
    evaluation->set_partial(true);
  }
  if (name == "labels") {
    if (const Json* labels = wrapper.Raw("data")) {
      fingerprint::MapLabels(*labels, absl::StrCat(path, ".data"), "mlScore", evaluation);
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
  if (client->user_agent().empty()) {
    if (auto agent = root.String("userAgent")) client->set_user_agent(*agent);
  }
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
    fingerprint::MapLabels(*labels, absl::StrCat(path, ".labels"), "mlScore", evaluation);
  }
  const JsonObject high_recall = root.Object("supplementaryIds").Object("highRecall");
  if (high_recall.present()) {
    StaticTable<kHighRecallRows>(fpgw::v1::SupplementaryId::descriptor())
        .Apply(*high_recall.value(), high_recall.path(),
               evaluation->mutable_identity()->mutable_high_recall_id(), evaluation);
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

std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorBody> error = ParseErrorBody(body);
  return error.ok() ? error->code : "";
}

}  // namespace fpgw::vendors::fingerprint_v3
