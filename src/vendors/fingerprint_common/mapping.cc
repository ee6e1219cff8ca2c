// Shared Fingerprint mapping.
#include "vendors/fingerprint_common/mapping.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace fpgw::vendors::fingerprint {

void MapSource(const MapOptions& options, ApiVersion version, fpgw::v1::Evaluation* evaluation) {
  fpgw::v1::Source* source = evaluation->mutable_source();
  source->set_vendor(fpgw::v1::VENDOR_FINGERPRINT);
  source->set_api_version(std::string(VersionName(version)));
  source->set_region(options.region);
  source->set_integration(options.integration);
  source->set_payload_kind(options.payload_kind);
  source->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  *source->mutable_fetch_time() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      absl::ToUnixMillis(options.fetch_time));
}

bool ChoosePrimaryAddress(fpgw::v1::Evaluation* evaluation) {
  fpgw::v1::Network* network = evaluation->mutable_network();
  const fpgw::v1::IpAddressInfo* primary = nullptr;
  if (network->has_ipv6() && network->ipv6().address() == network->ip_address()) {
    primary = &network->ipv6();
  } else if (network->has_ipv4()) {
    primary = &network->ipv4();
  } else if (network->has_ipv6()) {
    primary = &network->ipv6();
  }
  if (primary == nullptr) return false;
  *network->mutable_geolocation() = primary->geolocation();
  *network->mutable_asn() = primary->asn();
  if (network->ip_address().empty()) network->set_ip_address(primary->address());
  evaluation->mutable_signals()->mutable_datacenter()->set_detected(primary->datacenter());
  return true;
}

void MapSubdivisions(const JsonObject& geolocation, const char* iso_key,
                     fpgw::v1::Geolocation* out) {
  const Json* subdivisions = geolocation.Array("subdivisions");
  if (subdivisions == nullptr) return;
  size_t i = 0;
  for (const Json& item : subdivisions->GetArray()) {
    JsonObject sub(&item, absl::StrCat(geolocation.path(), ".subdivisions[", i++, "]"), nullptr);
    fpgw::v1::Subdivision* s = out->add_subdivisions();
    if (auto code = sub.String(iso_key)) s->set_iso_code(*code);
    if (auto name = sub.String("name")) s->set_name(*name);
  }
  if (out->subdivisions_size() > 0) out->set_region(out->subdivisions(0).name());
}

void MapLabels(const Json& labels, const std::string& path, const char* score_key,
               fpgw::v1::Evaluation* evaluation) {
  if (!labels.IsArray()) {
    fpgw::v1::FieldDrift* drift = evaluation->add_drift();
    drift->set_path(path);
    drift->set_expected("array");
    evaluation->set_partial(true);
    return;
  }
  size_t i = 0;
  for (const Json& item : labels.GetArray()) {
    JsonObject label(&item, absl::StrCat(path, "[", i++, "]"), evaluation);
    fpgw::v1::Label* out = evaluation->mutable_signals()->add_labels();
    if (auto text = label.String("label")) out->set_label(*text);
    out->set_prediction(ToTristate(label.Bool("prediction")));
    if (auto s = label.Number(score_key)) out->set_score(*s);
  }
}

namespace {

// One integration and, recursively, what it wraps (bounded: the vendor nests one level).
void MapSdkIntegration(const JsonObject& item, int depth, fpgw::v1::SdkIntegration* out) {
  if (auto name = item.String("name")) out->set_name(*name);
  if (auto version = item.String("version")) out->set_version(*version);
  if (depth >= 4) return;
  const JsonObject sub = item.Object("subintegration");
  if (sub.present()) MapSdkIntegration(sub, depth + 1, out->mutable_subintegration());
}

}  // namespace

void MapSdkIntegrations(const JsonObject& sdk, fpgw::v1::Client* client) {
  const Json* integrations = sdk.Array("integrations");
  if (integrations == nullptr) return;
  size_t i = 0;
  for (const Json& item : integrations->GetArray()) {
    const std::string key = absl::StrCat("integrations[", i++, "]");
    if (!item.IsObject()) {
      sdk.Drift(key.c_str(), "object");
      continue;
    }
    MapSdkIntegration(JsonObject(&item, absl::StrCat(sdk.path(), ".", key), sdk.evaluation()), 0,
                      client->add_sdk_integrations());
  }
}

void MapVelocity(const JsonObject& velocity, absl::Span<const Renamed> names,
                 const VelocityKeys& keys, fpgw::v1::Signals* signals) {
  if (!velocity.present()) return;
  for (const Renamed& name : names) {
    const JsonObject counts = velocity.Object(name.vendor);
    if (!counts.present()) continue;
    fpgw::v1::VelocityCounts& out = (*signals->mutable_velocity())[name.name];
    const JsonObject intervals = keys.holder[0] == '\0' ? counts : counts.Object(keys.holder);
    if (auto v = intervals.Int(keys.five_minutes)) out.set_last_5_minutes(*v);
    if (auto v = intervals.Int(keys.one_hour)) out.set_last_1_hour(*v);
    if (auto v = intervals.Int(keys.one_day)) out.set_last_24_hours(*v);
  }
}

void MapVpnMethods(const JsonObject& methods, absl::Span<const Renamed> names,
                   fpgw::v1::VpnSignal* vpn) {
  for (const Renamed& method : names) {
    if (methods.Bool(method.vendor).value_or(false)) vpn->add_methods(method.name);
  }
}

}  // namespace fpgw::vendors::fingerprint
