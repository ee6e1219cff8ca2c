// Fingerprint Server API v4 `Event` → fpgw.v1.Evaluation, following the normalisation map
// (CONTRACTS.md §4, column "FP v4 event"). Pure functions: no I/O.
#include "vendors/fingerprint_v4/mapper.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "rapidjson/error/en.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

using fpgw::v1::Evaluation;

void SetIf(const std::optional<std::string>& value, std::string* out) {
  if (value.has_value()) *out = *value;
}

void MapSignal(const JsonObject& event, const char* key, fpgw::v1::Signal* out) {
  out->set_detected(ToTristate(event.Bool(key)));
}

void MapGeolocation(const JsonObject& geo, fpgw::v1::Geolocation* out) {
  if (!geo.present()) return;
  SetIf(geo.String("country_code"), out->mutable_country_code());
  SetIf(geo.String("country_name"), out->mutable_country_name());
  SetIf(geo.String("continent_code"), out->mutable_continent_code());
  SetIf(geo.String("continent_name"), out->mutable_continent_name());
  SetIf(geo.String("city_name"), out->mutable_city());
  SetIf(geo.String("postal_code"), out->mutable_postal_code());
  SetIf(geo.String("timezone"), out->mutable_timezone());
  if (auto v = geo.Number("latitude")) out->set_latitude(*v);
  if (auto v = geo.Number("longitude")) out->set_longitude(*v);
  if (auto v = geo.Int("accuracy_radius")) out->set_accuracy_radius_km(static_cast<int32_t>(*v));
  if (const Json* subs = geo.Array("subdivisions")) {
    size_t i = 0;
    for (const Json& item : subs->GetArray()) {
      JsonObject sub(&item, absl::StrCat(geo.path(), ".subdivisions[", i++, "]"), nullptr);
      auto* s = out->add_subdivisions();
      SetIf(sub.String("iso_code"), s->mutable_iso_code());
      SetIf(sub.String("name"), s->mutable_name());
    }
    if (out->subdivisions_size() > 0) out->set_region(out->subdivisions(0).name());
  }
}

void MapIpInfo(const JsonObject& ip, fpgw::v1::IpAddressInfo* out) {
  SetIf(ip.String("address"), out->mutable_address());
  MapGeolocation(ip.Object("geolocation"), out->mutable_geolocation());
  if (auto asn = ip.String("asn")) {
    uint32_t number = 0;
    if (absl::SimpleAtoi(*asn, &number)) {
      out->mutable_asn()->set_number(number);
    } else {
      ip.Drift("asn", "AS number as a decimal string");
    }
  }
  SetIf(ip.String("asn_name"), out->mutable_asn()->mutable_name());
  SetIf(ip.String("asn_network"), out->mutable_asn()->mutable_network());
  SetIf(ip.String("asn_type"), out->mutable_asn()->mutable_type());
  out->set_datacenter(ToTristate(ip.Bool("datacenter_result")));
  SetIf(ip.String("datacenter_name"), out->mutable_datacenter_name());
}

void MapNetwork(const JsonObject& event, Evaluation* evaluation) {
  fpgw::v1::Network* network = evaluation->mutable_network();
  SetIf(event.String("ip_address"), network->mutable_ip_address());
  const JsonObject ip_info = event.Object("ip_info");
  const JsonObject v4 = ip_info.Object("v4");
  const JsonObject v6 = ip_info.Object("v6");
  if (v4.present()) MapIpInfo(v4, network->mutable_ipv4());
  if (v6.present()) MapIpInfo(v6, network->mutable_ipv6());
  // The primary address is the one the event came from; when it matches neither entry (or is
  // absent), IPv4 is preferred.
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
    fpgw::v1::Signal* dc = evaluation->mutable_signals()->mutable_datacenter();
    dc->set_detected(primary->datacenter());
  }
}

void MapIdentity(const JsonObject& event, Evaluation* evaluation) {
  fpgw::v1::Identity* identity = evaluation->mutable_identity();
  identity->set_event_id(evaluation->source().vendor_request_id());
  SetIf(event.String("linked_id"), identity->mutable_linked_id());
  SetIf(event.String("environment_id"), identity->mutable_environment_id());
  if (const Json* tags = event.Raw("tags")) {
    if (tags->IsObject()) {
      JsonToStruct(*tags, identity->mutable_tags());
    } else {
      event.Drift("tags", "object");
    }
  }
  const JsonObject id = event.Object("identification");
  SetIf(id.String("visitor_id"), identity->mutable_device_id());
  identity->set_returning_visitor(ToTristate(id.Bool("visitor_found")));
  const JsonObject confidence = id.Object("confidence");
  if (auto score = confidence.Number("score")) identity->set_confidence(*score);
  SetIf(confidence.String("version"), identity->mutable_confidence_version());
  if (auto t = id.Millis("first_seen_at")) *identity->mutable_first_seen_time() = *t;
  if (auto t = id.Millis("last_seen_at")) *identity->mutable_last_seen_time() = *t;

  const JsonObject hr = event.Object("supplementary_id_high_recall");
  if (hr.present()) {
    fpgw::v1::SupplementaryId* out = identity->mutable_high_recall_id();
    SetIf(hr.String("visitor_id"), out->mutable_device_id());
    out->set_returning(ToTristate(hr.Bool("visitor_found")));
    if (auto score = hr.Object("confidence").Number("score")) out->set_confidence(*score);
    if (auto t = hr.Millis("first_seen_at")) *out->mutable_first_seen_time() = *t;
    if (auto t = hr.Millis("last_seen_at")) *out->mutable_last_seen_time() = *t;
  }
  const JsonObject proximity = event.Object("proximity");
  if (proximity.present()) {
    fpgw::v1::Proximity* out = identity->mutable_proximity();
    SetIf(proximity.String("id"), out->mutable_id());
    if (auto r = proximity.Int("precision_radius"))
      out->set_precision_radius_meters(static_cast<int32_t>(*r));
    if (auto c = proximity.Number("confidence")) out->set_confidence(*c);
  }
}

void MapClient(const JsonObject& event, Evaluation* evaluation) {
  fpgw::v1::Client* client = evaluation->mutable_client();
  const JsonObject browser = event.Object("browser_details");
  SetIf(browser.String("browser_name"), client->mutable_browser_name());
  SetIf(browser.String("browser_major_version"), client->mutable_browser_major_version());
  SetIf(browser.String("browser_full_version"), client->mutable_browser_full_version());
  // Top-level os/os_version/device are authoritative; browser_details repeats them.
  SetIf(browser.String("os"), client->mutable_os());
  SetIf(browser.String("os_version"), client->mutable_os_version());
  SetIf(browser.String("device"), client->mutable_device());
  SetIf(event.String("os"), client->mutable_os());
  SetIf(event.String("os_version"), client->mutable_os_version());
  SetIf(event.String("device"), client->mutable_device());
  SetIf(event.String("user_agent"), client->mutable_user_agent());
  SetIf(event.String("url"), client->mutable_page_url());
  SetIf(event.String("client_referrer"), client->mutable_referrer());
  SetIf(event.String("bundle_id"), client->mutable_bundle_id());
  SetIf(event.String("package_name"), client->mutable_package_name());
  const JsonObject sdk = event.Object("sdk");
  SetIf(sdk.String("platform"), client->mutable_sdk_platform());
  SetIf(sdk.String("version"), client->mutable_sdk_version());
}

void MapBot(const JsonObject& event, fpgw::v1::BotSignal* bot) {
  static constexpr EnumName<fpgw::v1::BotResult> kResults[] = {
      {"bad", fpgw::v1::BOT_RESULT_BAD},
      {"good", fpgw::v1::BOT_RESULT_GOOD},
      {"not_detected", fpgw::v1::BOT_RESULT_NOT_DETECTED}};
  if (auto result = ReadEnum(event, "bot", kResults)) bot->set_result(*result);
  SetIf(event.String("bot_type"), bot->mutable_type());
  const JsonObject info = event.Object("bot_info");
  if (info.present()) {
    SetIf(info.String("category"), bot->mutable_category());
    SetIf(info.String("provider"), bot->mutable_provider());
    SetIf(info.String("provider_url"), bot->mutable_provider_url());
    SetIf(info.String("name"), bot->mutable_name());
    SetIf(info.String("identity"), bot->mutable_identity());
    bot->set_confidence(ReadConfidence(info, "confidence"));
  }
}

void MapVelocity(const JsonObject& event, fpgw::v1::Signals* signals) {
  const JsonObject velocity = event.Object("velocity");
  if (!velocity.present()) return;
  static constexpr const char* kNames[] = {"distinct_ip",
                                           "distinct_linked_id",
                                           "distinct_country",
                                           "events",
                                           "ip_events",
                                           "distinct_ip_by_linked_id",
                                           "distinct_visitor_id_by_linked_id"};
  for (const char* name : kNames) {
    const JsonObject counts = velocity.Object(name);
    if (!counts.present()) continue;
    fpgw::v1::VelocityCounts& out = (*signals->mutable_velocity())[name];
    if (auto v = counts.Int("5_minutes")) out.set_last_5_minutes(*v);
    if (auto v = counts.Int("1_hour")) out.set_last_1_hour(*v);
    if (auto v = counts.Int("24_hours")) out.set_last_24_hours(*v);
  }
}

void MapSignals(const JsonObject& event, Evaluation* evaluation) {
  fpgw::v1::Signals* signals = evaluation->mutable_signals();
  MapBot(event, signals->mutable_bot());
  if (auto score = event.Int("suspect_score"))
    signals->set_suspect_score(static_cast<int32_t>(*score));
  signals->set_suspect(ToTristate(event.Bool("suspect")));

  fpgw::v1::VpnSignal* vpn = signals->mutable_vpn();
  vpn->mutable_signal()->set_detected(ToTristate(event.Bool("vpn")));
  vpn->mutable_signal()->set_confidence(ReadConfidence(event, "vpn_confidence"));
  if (auto s = event.Number("vpn_ml_score")) vpn->mutable_signal()->set_score(*s);
  SetIf(event.String("vpn_origin_timezone"), vpn->mutable_origin_timezone());
  SetIf(event.String("vpn_origin_country"), vpn->mutable_origin_country());
  const JsonObject methods = event.Object("vpn_methods");
  for (const char* method : {"timezone_mismatch", "public_vpn", "auxiliary_mobile", "os_mismatch",
                             "relay", "ml_prediction"}) {
    if (methods.Bool(method).value_or(false)) vpn->add_methods(method);
  }

  fpgw::v1::ProxySignal* proxy = signals->mutable_proxy();
  proxy->mutable_signal()->set_detected(ToTristate(event.Bool("proxy")));
  proxy->mutable_signal()->set_confidence(ReadConfidence(event, "proxy_confidence"));
  if (auto s = event.Number("proxy_ml_score")) proxy->mutable_signal()->set_score(*s);
  const JsonObject proxy_details = event.Object("proxy_details");
  SetIf(proxy_details.String("proxy_type"), proxy->mutable_type());
  SetIf(proxy_details.String("provider"), proxy->mutable_provider());
  if (auto t = proxy_details.Millis("last_seen_at")) *proxy->mutable_last_seen_time() = *t;

  const JsonObject blocklist = event.Object("ip_blocklist");
  signals->mutable_tor()->set_detected(ToTristate(blocklist.Bool("tor_node")));
  signals->mutable_ip_blocklist_email_spam()->set_detected(
      ToTristate(blocklist.Bool("email_spam")));
  signals->mutable_ip_blocklist_attack_source()->set_detected(
      ToTristate(blocklist.Bool("attack_source")));

  MapSignal(event, "incognito", signals->mutable_incognito());

  fpgw::v1::TamperingSignal* tampering = signals->mutable_tampering();
  tampering->mutable_signal()->set_detected(ToTristate(event.Bool("tampering")));
  tampering->mutable_signal()->set_confidence(ReadConfidence(event, "tampering_confidence"));
  if (auto s = event.Number("tampering_ml_score")) tampering->mutable_signal()->set_score(*s);
  const JsonObject tampering_details = event.Object("tampering_details");
  if (auto s = tampering_details.Number("anomaly_score")) tampering->set_anomaly_score(*s);
  tampering->set_anti_detect_browser(ToTristate(tampering_details.Bool("anti_detect_browser")));

  MapSignal(event, "emulator", signals->mutable_emulator());
  MapSignal(event, "simulator", signals->mutable_simulator());
  MapSignal(event, "virtual_machine", signals->mutable_virtual_machine());
  if (auto s = event.Number("virtual_machine_ml_score"))
    signals->mutable_virtual_machine()->set_score(*s);
  MapSignal(event, "replayed", signals->mutable_replayed());
  MapSignal(event, "root_apps", signals->mutable_root_apps());
  MapSignal(event, "jailbroken", signals->mutable_jailbroken());
  MapSignal(event, "frida", signals->mutable_frida());
  MapSignal(event, "cloned_app", signals->mutable_cloned_app());
  MapSignal(event, "privacy_settings", signals->mutable_privacy_settings());
  MapSignal(event, "location_spoofing", signals->mutable_location_spoofing());
  MapSignal(event, "developer_tools", signals->mutable_developer_tools());
  MapSignal(event, "mitm_attack", signals->mutable_mitm_attack());
  MapSignal(event, "active_call", signals->mutable_active_call());
  MapSignal(event, "high_activity_device", signals->mutable_high_activity());
  MapSignal(event, "rare_device", signals->mutable_rare_device());
  SetIf(event.String("rare_device_percentile_bucket"),
        signals->mutable_rare_device_percentile_bucket());
  // 0 means "never reset" in the vendor's examples: leave the time unknown then.
  if (auto t = event.Int("factory_reset_timestamp"); t.has_value() && *t > 0) {
    google::protobuf::Timestamp reset;
    if (SetTimestampMillis(*t, &reset)) {
      *signals->mutable_factory_reset_time() = reset;
    } else {
      event.Drift("factory_reset_timestamp", "Unix milliseconds within years 1..9999");
    }
  }
  MapVelocity(event, signals);
  if (const Json* labels = event.Array("labels")) {
    size_t i = 0;
    for (const Json& item : labels->GetArray()) {
      JsonObject label(&item, absl::StrCat(event.path(), ".labels[", i++, "]"), nullptr);
      fpgw::v1::Label* out = signals->add_labels();
      SetIf(label.String("label"), out->mutable_label());
      out->set_prediction(ToTristate(label.Bool("prediction")));
      if (auto s = label.Number("ml_score")) out->set_score(*s);
    }
  }
}

void MapHeaders(const Json* array, google::protobuf::RepeatedPtrField<fpgw::v1::HttpHeader>* out) {
  if (array == nullptr || !array->IsArray()) return;
  for (const Json& item : array->GetArray()) {
    JsonObject header(&item, "", nullptr);
    fpgw::v1::HttpHeader* h = out->Add();
    SetIf(header.String("name"), h->mutable_name());
    SetIf(header.String("value"), h->mutable_value());
  }
}

void MapRuleAction(const JsonObject& event, Evaluation* evaluation) {
  const JsonObject rule = event.Object("rule_action");
  if (!rule.present()) return;
  fpgw::v1::Verdict* verdict = evaluation->mutable_verdict();
  verdict->set_origin(fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE);
  static constexpr EnumName<fpgw::v1::Action> kTypes[] = {{"allow", fpgw::v1::ACTION_ALLOW},
                                                          {"block", fpgw::v1::ACTION_BLOCK}};
  if (auto action = ReadEnum(rule, "type", kTypes)) verdict->set_action(*action);
  SetIf(rule.String("ruleset_id"), verdict->mutable_ruleset_id());
  SetIf(rule.String("rule_id"), verdict->mutable_rule_id());
  SetIf(rule.String("rule_expression"), verdict->mutable_rule_expression());
  if (auto code = rule.Int("status_code"))
    verdict->set_block_status_code(static_cast<int32_t>(*code));
  SetIf(rule.String("body"), verdict->mutable_block_body());
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

}  // namespace

void MapEvent(const Json& event_json, const std::string& path, const MapOptions& options,
              Evaluation* evaluation) {
  const JsonObject event(&event_json, path, evaluation);
  fpgw::v1::Source* source = evaluation->mutable_source();
  source->set_vendor(fpgw::v1::VENDOR_FINGERPRINT);
  source->set_api_version("v4");
  source->set_region(options.region);
  source->set_integration(options.integration);
  source->set_payload_kind(options.payload_kind);
  source->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  *source->mutable_fetch_time() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      absl::ToUnixMillis(options.fetch_time));
  // Each field is read once, so a bad value is one drift entry. Required fields that are
  // absent are drift too; a wrongly typed one is already recorded by the read.
  if (auto event_id = event.String("event_id")) {
    source->set_vendor_request_id(*event_id);
  } else if (event.Raw("event_id") == nullptr) {
    event.Drift("event_id", "string (required)");
  }
  if (auto ts = event.Millis("timestamp")) {
    *source->mutable_event_time() = *ts;
  } else if (event.Raw("timestamp") == nullptr) {
    event.Drift("timestamp", "integer (required)");
  }

  MapIdentity(event, evaluation);
  MapClient(event, evaluation);
  MapNetwork(event, evaluation);
  MapSignals(event, evaluation);
  MapRuleAction(event, evaluation);

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

}  // namespace fpgw::vendors::fingerprint_v4
