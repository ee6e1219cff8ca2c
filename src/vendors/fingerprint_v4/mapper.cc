// Fingerprint Server API v4 `Event` → fpgw.v1.Evaluation, following the normalisation map
// (CONTRACTS.md §4, column "FP v4 event"). Pure functions: no I/O.
#include "vendors/fingerprint_v4/mapper.h"

#include "absl/strings/str_cat.h"
#include "vendors/common/field_table.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

using fpgw::v1::Evaluation;
using C = Conversion;

// The simple fields of an `Event` (CONTRACTS.md §3.5, §4 column "FP v4 event"). Later rows win:
// the top-level os, os_version and device are authoritative; browser_details repeats them.
constexpr FieldRow kEventRows[] = {
    {"/linked_id", "identity.linked_id", C::kString},
    {"/environment_id", "identity.environment_id", C::kString},
    {"/tags", "identity.tags", C::kStruct},
    {"/identification/visitor_id", "identity.device_id", C::kString},
    {"/identification/visitor_found", "identity.returning_visitor", C::kTristate},
    {"/identification/confidence/score", "identity.confidence", C::kNumber},
    {"/identification/confidence/version", "identity.confidence_version", C::kString},
    {"/identification/confidence/comment", "identity.confidence_comment", C::kString},
    {"/identification/first_seen_at", "identity.first_seen_time", C::kMillis},
    {"/identification/last_seen_at", "identity.last_seen_time", C::kMillis},
    {"/supplementary_id_high_recall/visitor_id", "identity.high_recall_id.device_id", C::kString},
    {"/supplementary_id_high_recall/visitor_found", "identity.high_recall_id.returning",
     C::kTristate},
    {"/supplementary_id_high_recall/confidence/score", "identity.high_recall_id.confidence",
     C::kNumber},
    {"/supplementary_id_high_recall/first_seen_at", "identity.high_recall_id.first_seen_time",
     C::kMillis},
    {"/supplementary_id_high_recall/last_seen_at", "identity.high_recall_id.last_seen_time",
     C::kMillis},
    {"/proximity/id", "identity.proximity.id", C::kString},
    {"/proximity/precision_radius", "identity.proximity.precision_radius_meters", C::kInteger},
    {"/proximity/confidence", "identity.proximity.confidence", C::kNumber},

    {"/browser_details/browser_name", "client.browser_name", C::kString},
    {"/browser_details/browser_major_version", "client.browser_major_version", C::kString},
    {"/browser_details/browser_full_version", "client.browser_full_version", C::kString},
    {"/browser_details/os", "client.os", C::kString},
    {"/browser_details/os_version", "client.os_version", C::kString},
    {"/browser_details/device", "client.device", C::kString},
    {"/os", "client.os", C::kString},
    {"/os_version", "client.os_version", C::kString},
    {"/device", "client.device", C::kString},
    {"/user_agent", "client.user_agent", C::kString},
    {"/url", "client.page_url", C::kString},
    {"/client_referrer", "client.referrer", C::kString},
    {"/bundle_id", "client.bundle_id", C::kString},
    {"/package_name", "client.package_name", C::kString},
    {"/sdk/platform", "client.sdk_platform", C::kString},
    {"/sdk/version", "client.sdk_version", C::kString},

    {"/ip_address", "network.ip_address", C::kString},

    {"/bot_type", "signals.bot.type", C::kString},
    {"/bot_info/category", "signals.bot.category", C::kString},
    {"/bot_info/provider", "signals.bot.provider", C::kString},
    {"/bot_info/provider_url", "signals.bot.provider_url", C::kString},
    {"/bot_info/name", "signals.bot.name", C::kString},
    {"/bot_info/identity", "signals.bot.identity", C::kString},
    {"/bot_info/confidence", "signals.bot.confidence", C::kConfidence},
    {"/suspect_score", "signals.suspect_score", C::kInteger},
    {"/suspect", "signals.suspect", C::kTristate},
    {"/vpn", "signals.vpn.signal.detected", C::kTristate},
    {"/vpn_confidence", "signals.vpn.signal.confidence", C::kConfidence},
    {"/vpn_ml_score", "signals.vpn.signal.score", C::kNumber},
    {"/vpn_origin_timezone", "signals.vpn.origin_timezone", C::kString},
    {"/vpn_origin_country", "signals.vpn.origin_country", C::kString},
    {"/proxy", "signals.proxy.signal.detected", C::kTristate},
    {"/proxy_confidence", "signals.proxy.signal.confidence", C::kConfidence},
    {"/proxy_ml_score", "signals.proxy.signal.score", C::kNumber},
    {"/proxy_details/proxy_type", "signals.proxy.type", C::kString},
    {"/proxy_details/provider", "signals.proxy.provider", C::kString},
    {"/proxy_details/last_seen_at", "signals.proxy.last_seen_time", C::kMillis},
    {"/ip_blocklist/tor_node", "signals.tor.detected", C::kTristate},
    {"/ip_blocklist/email_spam", "signals.ip_blocklist_email_spam.detected", C::kTristate},
    {"/ip_blocklist/attack_source", "signals.ip_blocklist_attack_source.detected", C::kTristate},
    {"/incognito", "signals.incognito.detected", C::kTristate},
    {"/tampering", "signals.tampering.signal.detected", C::kTristate},
    {"/tampering_confidence", "signals.tampering.signal.confidence", C::kConfidence},
    {"/tampering_ml_score", "signals.tampering.signal.score", C::kNumber},
    {"/tampering_details/anomaly_score", "signals.tampering.anomaly_score", C::kNumber},
    {"/tampering_details/anti_detect_browser", "signals.tampering.anti_detect_browser",
     C::kTristate},
    {"/emulator", "signals.emulator.detected", C::kTristate},
    {"/simulator", "signals.simulator.detected", C::kTristate},
    {"/virtual_machine", "signals.virtual_machine.detected", C::kTristate},
    {"/virtual_machine_ml_score", "signals.virtual_machine.score", C::kNumber},
    {"/replayed", "signals.replayed.detected", C::kTristate},
    {"/root_apps", "signals.root_apps.detected", C::kTristate},
    {"/jailbroken", "signals.jailbroken.detected", C::kTristate},
    {"/frida", "signals.frida.detected", C::kTristate},
    {"/cloned_app", "signals.cloned_app.detected", C::kTristate},
    {"/privacy_settings", "signals.privacy_settings.detected", C::kTristate},
    {"/location_spoofing", "signals.location_spoofing.detected", C::kTristate},
    {"/developer_tools", "signals.developer_tools.detected", C::kTristate},
    {"/mitm_attack", "signals.mitm_attack.detected", C::kTristate},
    {"/active_call", "signals.active_call.detected", C::kTristate},
    {"/high_activity_device", "signals.high_activity.detected", C::kTristate},
    {"/rare_device", "signals.rare_device.detected", C::kTristate},
    {"/rare_device_percentile_bucket", "signals.rare_device_percentile_bucket", C::kString},

    {"/rule_action/ruleset_id", "verdict.ruleset_id", C::kString},
    {"/rule_action/rule_id", "verdict.rule_id", C::kString},
    {"/rule_action/rule_expression", "verdict.rule_expression", C::kString},
    {"/rule_action/status_code", "verdict.block_status_code", C::kInteger},
    {"/rule_action/body", "verdict.block_body", C::kString},
};

// One of `ip_info.v4` / `ip_info.v6`, into an IpAddressInfo.
constexpr FieldRow kAddressRows[] = {
    {"/address", "address", C::kString},
    {"/geolocation/country_code", "geolocation.country_code", C::kString},
    {"/geolocation/country_name", "geolocation.country_name", C::kString},
    {"/geolocation/continent_code", "geolocation.continent_code", C::kString},
    {"/geolocation/continent_name", "geolocation.continent_name", C::kString},
    {"/geolocation/city_name", "geolocation.city", C::kString},
    {"/geolocation/postal_code", "geolocation.postal_code", C::kString},
    {"/geolocation/timezone", "geolocation.timezone", C::kString},
    {"/geolocation/latitude", "geolocation.latitude", C::kNumber},
    {"/geolocation/longitude", "geolocation.longitude", C::kNumber},
    {"/geolocation/accuracy_radius", "geolocation.accuracy_radius_km", C::kInteger},
    {"/asn", "asn.number", C::kDecimalString},
    {"/asn_name", "asn.name", C::kString},
    {"/asn_network", "asn.network", C::kString},
    {"/asn_type", "asn.type", C::kString},
    {"/datacenter_result", "datacenter", C::kTristate},
    {"/datacenter_name", "datacenter_name", C::kString},
};

constexpr fingerprint::Renamed kVelocityNames[] = {
    {"distinct_ip", "distinct_ip"},
    {"distinct_linked_id", "distinct_linked_id"},
    {"distinct_country", "distinct_country"},
    {"events", "events"},
    {"ip_events", "ip_events"},
    {"distinct_ip_by_linked_id", "distinct_ip_by_linked_id"},
    {"distinct_visitor_id_by_linked_id", "distinct_visitor_id_by_linked_id"}};
constexpr fingerprint::Renamed kVpnMethods[] = {{"timezone_mismatch", "timezone_mismatch"},
                                                {"public_vpn", "public_vpn"},
                                                {"auxiliary_mobile", "auxiliary_mobile"},
                                                {"os_mismatch", "os_mismatch"},
                                                {"relay", "relay"},
                                                {"ml_prediction", "ml_prediction"}};

void MapAddress(const JsonObject& ip, fpgw::v1::IpAddressInfo* out, Evaluation* evaluation) {
  StaticTable<kAddressRows>(fpgw::v1::IpAddressInfo::descriptor())
      .Apply(*ip.value(), ip.path(), out, evaluation);
  fingerprint::MapSubdivisions(ip.Object("geolocation"), "iso_code", out->mutable_geolocation());
}

void MapHeaders(const Json* array, google::protobuf::RepeatedPtrField<fpgw::v1::HttpHeader>* out) {
  if (array == nullptr || !array->IsArray()) return;
  for (const Json& item : array->GetArray()) {
    JsonObject header(&item, "", nullptr);
    fpgw::v1::HttpHeader* h = out->Add();
    if (auto name = header.String("name")) h->set_name(*name);
    if (auto value = header.String("value")) h->set_value(*value);
  }
}

// What is not a plain copy: enums, the primary address, velocity, labels, headers, the reset time.
void MapLogic(const JsonObject& event, Evaluation* evaluation) {
  fpgw::v1::Signals* signals = evaluation->mutable_signals();
  static constexpr EnumName<fpgw::v1::BotResult> kResults[] = {
      {"bad", fpgw::v1::BOT_RESULT_BAD},
      {"good", fpgw::v1::BOT_RESULT_GOOD},
      {"not_detected", fpgw::v1::BOT_RESULT_NOT_DETECTED}};
  if (auto result = ReadEnum(event, "bot", kResults)) signals->mutable_bot()->set_result(*result);
  fingerprint::MapVpnMethods(event.Object("vpn_methods"), kVpnMethods, signals->mutable_vpn());
  fingerprint::MapVelocity(event.Object("velocity"), kVelocityNames,
                           {"", "5_minutes", "1_hour", "24_hours"}, signals);
  if (const Json* labels = event.Raw("labels")) {
    fingerprint::MapLabels(*labels, absl::StrCat(event.path(), ".labels"), "ml_score", evaluation);
  }
  // 0 means "never reset" in the vendor's examples: leave the time unknown then.
  if (auto t = event.Int("factory_reset_timestamp"); t.has_value() && *t > 0) {
    google::protobuf::Timestamp reset;
    if (SetTimestampMillis(*t, &reset)) {
      *signals->mutable_factory_reset_time() = reset;
    } else {
      event.Drift("factory_reset_timestamp", "Unix milliseconds within years 1..9999");
    }
  }

  fpgw::v1::Network* network = evaluation->mutable_network();
  const JsonObject ip_info = event.Object("ip_info");
  const JsonObject v4 = ip_info.Object("v4");
  const JsonObject v6 = ip_info.Object("v6");
  if (v4.present()) MapAddress(v4, network->mutable_ipv4(), evaluation);
  if (v6.present()) MapAddress(v6, network->mutable_ipv6(), evaluation);
  fingerprint::ChoosePrimaryAddress(evaluation);

  const JsonObject rule = event.Object("rule_action");
  if (rule.present()) {
    fpgw::v1::Verdict* verdict = evaluation->mutable_verdict();
    verdict->set_origin(fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE);
    static constexpr EnumName<fpgw::v1::Action> kTypes[] = {{"allow", fpgw::v1::ACTION_ALLOW},
                                                            {"block", fpgw::v1::ACTION_BLOCK}};
    if (auto action = ReadEnum(rule, "type", kTypes)) verdict->set_action(*action);
    MapHeaders(rule.Array("headers"), verdict->mutable_headers());
    const JsonObject mods = rule.Object("request_header_modifications");
    MapHeaders(mods.Array("set"), verdict->mutable_headers());
    MapHeaders(mods.Array("append"), verdict->mutable_append_headers());
    if (const Json* remove = mods.Array("remove")) {
      for (const Json& item : remove->GetArray()) {
        if (item.IsString()) verdict->add_remove_headers(item.GetString());
      }
    }
  }
}

}  // namespace

void MapEvent(const Json& event_json, const std::string& path, const MapOptions& options,
              Evaluation* evaluation) {
  const JsonObject event(&event_json, path, evaluation);
  fingerprint::MapSource(options, fingerprint::ApiVersion::kV4, evaluation);
  fpgw::v1::Source* source = evaluation->mutable_source();
  // Each field is read once, so a bad value is one drift entry. Required fields that are
  // absent are drift too; a wrongly typed one is already recorded by the read.
  if (auto event_id = event.String("event_id")) {
    source->set_vendor_request_id(*event_id);
    evaluation->mutable_identity()->set_event_id(*event_id);
  } else if (event.Raw("event_id") == nullptr) {
    event.Drift("event_id", "string (required)");
  }
  if (auto ts = event.Millis("timestamp")) {
    *source->mutable_event_time() = *ts;
  } else if (event.Raw("timestamp") == nullptr) {
    event.Drift("timestamp", "integer (required)");
  }
  StaticTable<kEventRows>(Evaluation::descriptor()).Apply(event_json, path, evaluation, evaluation);
  fingerprint::MapSdkIntegrations(event.Object("sdk"), evaluation->mutable_client());
  MapLogic(event, evaluation);

  // Smart Signals of a partially completed identification must be ignored (OAS4).
  if (event.String("incremental_identification_status") == std::string("partially_completed")) {
    evaluation->clear_signals();
    evaluation->set_partial(true);
    fpgw::v1::SignalFailure* failure = evaluation->add_signal_failures();
    failure->set_signal("smart_signals");
    failure->set_code("partially_completed");
    failure->set_message("identification is partially completed; smart signals are not yet valid");
  }
  if (options.include_raw) JsonToStruct(event_json, evaluation->mutable_raw());
}

absl::StatusOr<Evaluation> NormalizeEvent(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("an event must be a JSON object");
  Evaluation evaluation;
  MapEvent(*doc, "$", options, &evaluation);
  return evaluation;
}

absl::StatusOr<SearchResult> NormalizeSearch(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("a search result must be a JSON object");
  auto events = doc->FindMember("events");
  if (events == doc->MemberEnd() || !events->value.IsArray()) {
    return absl::InvalidArgumentError("a search result needs an \"events\" array");
  }
  SearchResult result;
  MapOptions hit = options;
  hit.payload_kind = fpgw::v1::PAYLOAD_KIND_SEARCH_HIT;
  size_t i = 0;
  for (const Json& event : events->value.GetArray()) {
    Evaluation& evaluation = result.evaluations.emplace_back();
    if (!event.IsObject()) {
      evaluation.set_partial(true);
      fpgw::v1::FieldDrift* drift = evaluation.add_drift();
      drift->set_path(absl::StrCat("$.events[", i++, "]"));
      drift->set_expected("object");
      continue;
    }
    MapEvent(event, absl::StrCat("$.events[", i++, "]"), hit, &evaluation);
  }
  auto key = doc->FindMember("pagination_key");
  if (key != doc->MemberEnd() && key->value.IsString())
    result.pagination_key = key->value.GetString();
  auto hits = doc->FindMember("total_hits");
  if (hits != doc->MemberEnd() && hits->value.IsInt64()) result.total_hits = hits->value.GetInt64();
  return result;
}

absl::StatusOr<ErrorBody> ParseErrorBody(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("an error body must be a JSON object");
  auto error = doc->FindMember("error");
  if (error == doc->MemberEnd() || !error->value.IsObject()) {
    return absl::InvalidArgumentError("an error body needs an \"error\" object");
  }
  ErrorBody out;
  auto code = error->value.FindMember("code");
  if (code != error->value.MemberEnd() && code->value.IsString())
    out.code = code->value.GetString();
  auto message = error->value.FindMember("message");
  if (message != error->value.MemberEnd() && message->value.IsString()) {
    out.message = message->value.GetString();
  }
  if (out.code.empty()) return absl::InvalidArgumentError("an error body needs error.code");
  return out;
}

std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorBody> error = ParseErrorBody(body);
  return error.ok() ? error->code : "";
}

}  // namespace fpgw::vendors::fingerprint_v4
