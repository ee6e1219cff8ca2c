// cside verify payloads and device-entries pages → fpgw.v1.Evaluation (CONTRACTS.md §1.3–1.4,
// §4 column "cside v2"). Pure functions: no I/O.
#include "vendors/cside/mapper.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json_chars.h"
#include "rapidjson/error/en.h"

namespace fpgw::vendors::cside {
namespace {

using fpgw::v1::Evaluation;

// The single table of assumed paths (see mapper.h and ASSUMED_PATHS.md).
constexpr AssumedPath kAssumedPaths[] = {
    {"fingerprint.id", ValueType::kString, Target::kDeviceId},
    {"fingerprint.device_id", ValueType::kString, Target::kDeviceId},
    {"fingerprint.fingerprint_id", ValueType::kString, Target::kDeviceId},
    {"fingerprint.confidence", ValueType::kUnitInterval, Target::kIdentityConfidence},
    {"fingerprint.first_seen_at", ValueType::kUnixMillis, Target::kFirstSeenTime},
    {"fingerprint.last_seen_at", ValueType::kUnixMillis, Target::kLastSeenTime},
    {"external_ids", ValueType::kStringMap, Target::kExternalIds},
    {"ip_enrichment.ip", ValueType::kString, Target::kIpAddress},
    {"ip_enrichment.ip_address", ValueType::kString, Target::kIpAddress},
    {"ip_enrichment.asn", ValueType::kAsNumber, Target::kAsnNumber},
    {"ip_enrichment.asn_name", ValueType::kString, Target::kAsnName},
    {"ip_enrichment.is_datacenter", ValueType::kBoolean, Target::kDatacenter},
    {"geo_data.country_code", ValueType::kString, Target::kCountryCode},
    {"geo_data.country", ValueType::kString, Target::kCountryCodeOrName},
    {"geo_data.country_name", ValueType::kString, Target::kCountryName},
    {"geo_data.region", ValueType::kString, Target::kRegion},
    {"geo_data.city", ValueType::kString, Target::kCity},
    {"geo_data.postal_code", ValueType::kString, Target::kPostalCode},
    {"geo_data.latitude", ValueType::kLatitude, Target::kLatitude},
    {"geo_data.longitude", ValueType::kLongitude, Target::kLongitude},
    {"geo_data.timezone", ValueType::kString, Target::kTimezone},
    {"vpn_evaluation.is_vpn", ValueType::kBoolean, Target::kVpn},
    {"vpn_evaluation.is_proxy", ValueType::kBoolean, Target::kProxy},
    {"vpn_evaluation.is_tor", ValueType::kBoolean, Target::kTor},
    {"bot.is_bot", ValueType::kBoolean, Target::kBotResult},
    {"bot.type", ValueType::kString, Target::kBotType},
    {"fingerprint_enrichment.browser_name", ValueType::kString, Target::kBrowserName},
    {"fingerprint_enrichment.browser_version", ValueType::kString, Target::kBrowserFullVersion},
    {"fingerprint_enrichment.os", ValueType::kString, Target::kOs},
    {"fingerprint_enrichment.os_version", ValueType::kString, Target::kOsVersion},
    {"fingerprint_enrichment.device_type", ValueType::kString, Target::kDevice},
    {"fingerprint_enrichment.is_incognito", ValueType::kBoolean, Target::kIncognito},
    {"network_client_metrics.user_agent", ValueType::kString, Target::kUserAgent},
};

// The enrichment blocks the contract names; documented as objects (CONTRACTS.md §1.4).
constexpr const char* kDocumentedBlocks[] = {
    "vpn_evaluation",         "fingerprint", "geo_data",
    "ip_enrichment",          "bot",         "network_client_metrics",
    "fingerprint_enrichment",
};

constexpr const char* kUnixMillisExpected = "integer Unix milliseconds";

// Drift recorder for one payload: each path is reported once.
class DriftLog final {
 public:
  explicit DriftLog(Evaluation* evaluation) : evaluation_(evaluation) {}

  void Add(const std::string& path, const char* expected) {
    if (!seen_.insert(path).second) return;
    fpgw::v1::FieldDrift* drift = evaluation_->add_drift();
    drift->set_path(path);
    drift->set_expected(expected);
    evaluation_->set_partial(true);
  }

 private:
  Evaluation* evaluation_;
  std::set<std::string> seen_;
};

const Json* Member(const Json& object, absl::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(fpgw::JsonChars(key), static_cast<rapidjson::SizeType>(key.size()))));
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

// Follows a dotted path. An intermediate value that is not an object is drift ("object") at its
// own path; the leaf is returned as is (nullptr when absent or null).
const Json* Resolve(const Json& root, const std::string& root_path, absl::string_view dotted,
                    DriftLog* drift) {
  const Json* node = &root;
  std::string path = root_path;
  const std::vector<absl::string_view> parts = absl::StrSplit(dotted, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    node = Member(*node, parts[i]);
    absl::StrAppend(&path, ".", parts[i]);
    if (node == nullptr) return nullptr;
    if (i + 1 < parts.size() && !node->IsObject()) {
      drift->Add(path, "object");
      return nullptr;
    }
  }
  return node;
}

bool InRange(const Json& value, double low, double high) {
  if (!value.IsNumber()) return false;
  const double v = value.GetDouble();
  return std::isfinite(v) && v >= low && v <= high;
}

bool ParseAsNumber(const Json& value, uint32_t* out) {
  if (value.IsUint64()) {
    if (value.GetUint64() > std::numeric_limits<uint32_t>::max()) return false;
    *out = static_cast<uint32_t>(value.GetUint64());
    return true;
  }
  if (!value.IsString()) return false;
  absl::string_view text(value.GetString(), value.GetStringLength());
  if (absl::StartsWithIgnoreCase(text, "AS")) text.remove_prefix(2);
  if (text.empty() || !std::all_of(text.begin(), text.end(), absl::ascii_isdigit)) return false;
  return absl::SimpleAtoi(text, out);
}

// Whether `value` has the shape `type` demands (ranges included).
bool TypeMatches(ValueType type, const Json& value) {
  switch (type) {
    case ValueType::kString:
      return value.IsString();
    case ValueType::kBoolean:
      return value.IsBool();
    case ValueType::kUnitInterval:
      return InRange(value, 0.0, 1.0);
    case ValueType::kLatitude:
      return InRange(value, -90.0, 90.0);
    case ValueType::kLongitude:
      return InRange(value, -180.0, 180.0);
    case ValueType::kUnixMillis: {
      google::protobuf::Timestamp unused;
      return value.IsInt64() && value.GetInt64() >= 0 &&
             SetTimestampMillis(value.GetInt64(), &unused);
    }
    case ValueType::kAsNumber: {
      uint32_t unused = 0;
      return ParseAsNumber(value, &unused);
    }
    case ValueType::kStringMap:
      return value.IsObject();
  }
  return false;
}

void SetStringOnce(const Json& value, std::string* out) {
  if (out->empty()) *out = std::string(value.GetString(), value.GetStringLength());
}

void SetTristateOnce(const Json& value, fpgw::v1::Signal* out) {
  if (out->detected() == fpgw::v1::TRISTATE_UNSPECIFIED) {
    out->set_detected(ToTristate(value.GetBool()));
  }
}

// Fills `row.target` from a value already known to match `row.type`, unless an earlier row filled
// it. Empty strings are "not reported".
void Apply(const AssumedPath& row, const Json& value, const std::string& path, DriftLog* drift,
           Evaluation* evaluation) {
  if (value.IsString() && value.GetStringLength() == 0) return;
  fpgw::v1::Identity* identity = evaluation->mutable_identity();
  fpgw::v1::Network* network = evaluation->mutable_network();
  fpgw::v1::Geolocation* geo = network->mutable_geolocation();
  fpgw::v1::Signals* signals = evaluation->mutable_signals();
  fpgw::v1::Client* client = evaluation->mutable_client();
  switch (row.target) {
    case Target::kDeviceId:
      SetStringOnce(value, identity->mutable_device_id());
      return;
    case Target::kIdentityConfidence:
      if (!identity->has_confidence()) identity->set_confidence(value.GetDouble());
      return;
    case Target::kFirstSeenTime:
      if (!identity->has_first_seen_time()) {
        SetTimestampMillis(value.GetInt64(), identity->mutable_first_seen_time());
      }
      return;
    case Target::kLastSeenTime:
      if (!identity->has_last_seen_time()) {
        SetTimestampMillis(value.GetInt64(), identity->mutable_last_seen_time());
      }
      return;
    case Target::kExternalIds:
      for (const auto& member : value.GetObject()) {
        const std::string key(member.name.GetString(), member.name.GetStringLength());
        if (!member.value.IsString()) {
          if (!member.value.IsNull()) drift->Add(absl::StrCat(path, ".", key), "string");
          continue;
        }
        identity->mutable_external_ids()->insert(
            {key, std::string(member.value.GetString(), member.value.GetStringLength())});
      }
      return;
    case Target::kIpAddress:
      SetStringOnce(value, network->mutable_ip_address());
      return;
    case Target::kAsnNumber:
      if (!network->asn().has_number()) {
        uint32_t number = 0;
        if (ParseAsNumber(value, &number)) network->mutable_asn()->set_number(number);
      }
      return;
    case Target::kAsnName:
      SetStringOnce(value, network->mutable_asn()->mutable_name());
      return;
    case Target::kDatacenter:
      SetTristateOnce(value, signals->mutable_datacenter());
      return;
    case Target::kCountryCode:
      SetStringOnce(value, geo->mutable_country_code());
      return;
    case Target::kCountryCodeOrName: {
      const absl::string_view text(value.GetString(), value.GetStringLength());
      const bool is_code =
          text.size() == 2 && absl::ascii_isalpha(text[0]) && absl::ascii_isalpha(text[1]);
      if (is_code) {
        if (geo->country_code().empty()) geo->set_country_code(absl::AsciiStrToUpper(text));
      } else {
        SetStringOnce(value, geo->mutable_country_name());
      }
      return;
    }
    case Target::kCountryName:
      SetStringOnce(value, geo->mutable_country_name());
      return;
    case Target::kRegion:
      SetStringOnce(value, geo->mutable_region());
      return;
    case Target::kCity:
      SetStringOnce(value, geo->mutable_city());
      return;
    case Target::kPostalCode:
      SetStringOnce(value, geo->mutable_postal_code());
      return;
    case Target::kLatitude:
      if (!geo->has_latitude()) geo->set_latitude(value.GetDouble());
      return;
    case Target::kLongitude:
      if (!geo->has_longitude()) geo->set_longitude(value.GetDouble());
      return;
    case Target::kTimezone:
      SetStringOnce(value, geo->mutable_timezone());
      return;
    case Target::kVpn:
      SetTristateOnce(value, signals->mutable_vpn()->mutable_signal());
      return;
    case Target::kProxy:
      SetTristateOnce(value, signals->mutable_proxy()->mutable_signal());
      return;
    case Target::kTor:
      SetTristateOnce(value, signals->mutable_tor());
      return;
    case Target::kBotResult:
      if (signals->bot().result() == fpgw::v1::BOT_RESULT_UNSPECIFIED) {
        signals->mutable_bot()->set_result(value.GetBool() ? fpgw::v1::BOT_RESULT_BAD
                                                           : fpgw::v1::BOT_RESULT_NOT_DETECTED);
      }
      return;
    case Target::kBotType:
      SetStringOnce(value, signals->mutable_bot()->mutable_type());
      return;
    case Target::kIncognito:
      SetTristateOnce(value, signals->mutable_incognito());
      return;
    case Target::kBrowserName:
      SetStringOnce(value, client->mutable_browser_name());
      return;
    case Target::kBrowserFullVersion:
      SetStringOnce(value, client->mutable_browser_full_version());
      return;
    case Target::kOs:
      SetStringOnce(value, client->mutable_os());
      return;
    case Target::kOsVersion:
      SetStringOnce(value, client->mutable_os_version());
      return;
    case Target::kDevice:
      SetStringOnce(value, client->mutable_device());
      return;
    case Target::kUserAgent:
      SetStringOnce(value, client->mutable_user_agent());
      return;
  }
}

void FillSource(const MapOptions& options, Evaluation* evaluation) {
  fpgw::v1::Source* source = evaluation->mutable_source();
  source->set_vendor(fpgw::v1::VENDOR_CSIDE);
  source->set_api_version(options.api_version);
  source->set_integration(options.integration);
  source->set_payload_kind(options.payload_kind);
  source->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  SetTimestampMillis(absl::ToUnixMillis(options.fetch_time), source->mutable_fetch_time());
}

bool LooksLikeCode(absl::string_view text) {
  if (text.empty() || text.size() > 64 || !absl::ascii_isalpha(text[0])) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

absl::Span<const AssumedPath> AssumedPaths() { return kAssumedPaths; }

const char* TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kBoolean:
      return "boolean";
    case ValueType::kUnitInterval:
      return "number in [0, 1]";
    case ValueType::kLatitude:
      return "number in [-90, 90]";
    case ValueType::kLongitude:
      return "number in [-180, 180]";
    case ValueType::kUnixMillis:
      return kUnixMillisExpected;
    case ValueType::kAsNumber:
      return "AS number (integer, or digits with optional AS prefix)";
    case ValueType::kStringMap:
      return "object of strings";
  }
  return "";
}

const char* FieldName(Target target) {
  switch (target) {
    case Target::kDeviceId:
      return "identity.device_id";
    case Target::kIdentityConfidence:
      return "identity.confidence";
    case Target::kFirstSeenTime:
      return "identity.first_seen_time";
    case Target::kLastSeenTime:
      return "identity.last_seen_time";
    case Target::kExternalIds:
      return "identity.external_ids";
    case Target::kIpAddress:
      return "network.ip_address";
    case Target::kAsnNumber:
      return "network.asn.number";
    case Target::kAsnName:
      return "network.asn.name";
    case Target::kDatacenter:
      return "signals.datacenter.detected";
    case Target::kCountryCode:
      return "network.geolocation.country_code";
    case Target::kCountryCodeOrName:
      return "network.geolocation.country_code or country_name";
    case Target::kCountryName:
      return "network.geolocation.country_name";
    case Target::kRegion:
      return "network.geolocation.region";
    case Target::kCity:
      return "network.geolocation.city";
    case Target::kPostalCode:
      return "network.geolocation.postal_code";
    case Target::kLatitude:
      return "network.geolocation.latitude";
    case Target::kLongitude:
      return "network.geolocation.longitude";
    case Target::kTimezone:
      return "network.geolocation.timezone";
    case Target::kVpn:
      return "signals.vpn.signal.detected";
    case Target::kProxy:
      return "signals.proxy.signal.detected";
    case Target::kTor:
      return "signals.tor.detected";
    case Target::kBotResult:
      return "signals.bot.result";
    case Target::kBotType:
      return "signals.bot.type";
    case Target::kIncognito:
      return "signals.incognito.detected";
    case Target::kBrowserName:
      return "client.browser_name";
    case Target::kBrowserFullVersion:
      return "client.browser_full_version";
    case Target::kOs:
      return "client.os";
    case Target::kOsVersion:
      return "client.os_version";
    case Target::kDevice:
      return "client.device";
    case Target::kUserAgent:
      return "client.user_agent";
  }
  return "";
}

bool IsPendingPayload(const Json& payload) {
  const Json* status = Member(payload, "status");
  return status != nullptr && status->IsString() &&
         absl::string_view(status->GetString(), status->GetStringLength()) == "pending";
}

void MapPayload(const Json& payload, const std::string& path, const MapOptions& options,
                Evaluation* evaluation) {
  FillSource(options, evaluation);
  DriftLog drift(evaluation);
  fpgw::v1::Source* source = evaluation->mutable_source();

  // Documented top level.
  if (const Json* status = Member(payload, "status")) {
    const absl::string_view text =
        status->IsString() ? absl::string_view(status->GetString(), status->GetStringLength())
                           : absl::string_view();
    if (text == "pending") {
      source->set_status(fpgw::v1::EVALUATION_STATUS_PENDING);
    } else if (text != "completed") {
      // A 200 means cside finished; an unknown status word is drift, the data is still mapped.
      drift.Add(absl::StrCat(path, ".status"), "one of completed, pending");
    }
  }
  if (const Json* created = Member(payload, "created_at")) {
    if (TypeMatches(ValueType::kUnixMillis, *created)) {
      SetTimestampMillis(created->GetInt64(), source->mutable_event_time());
    } else {
      drift.Add(absl::StrCat(path, ".created_at"), kUnixMillisExpected);
    }
  }
  if (const Json* updated = Member(payload, "updated_at")) {
    if (TypeMatches(ValueType::kUnixMillis, *updated)) {
      SetTimestampMillis(updated->GetInt64(), source->mutable_update_time());
    } else {
      drift.Add(absl::StrCat(path, ".updated_at"), kUnixMillisExpected);
    }
  }

  // A pending evaluation carries only `source` (evaluation.proto, EVALUATION_STATUS_PENDING).
  if (source->status() != fpgw::v1::EVALUATION_STATUS_PENDING) {
    for (const char* block : kDocumentedBlocks) {
      const Json* value = Member(payload, block);
      if (value != nullptr && !value->IsObject()) {
        drift.Add(absl::StrCat(path, ".", block), "object");
      }
    }
    for (const AssumedPath& row : kAssumedPaths) {
      const Json* value = Resolve(payload, path, row.path, &drift);
      if (value == nullptr) continue;
      const std::string value_path = absl::StrCat(path, ".", row.path);
      if (!TypeMatches(row.type, *value)) {
        drift.Add(value_path, TypeName(row.type));
        continue;
      }
      Apply(row, *value, value_path, &drift, evaluation);
    }
  }
  if (options.include_raw) JsonToStruct(payload, evaluation->mutable_raw());
}

absl::StatusOr<Evaluation> NormalizeVerify(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) return absl::InvalidArgumentError("a cside payload must be a JSON object");
  Evaluation evaluation;
  MapPayload(*doc, "$", options, &evaluation);
  return evaluation;
}

Evaluation PendingEvaluation(const MapOptions& options) {
  Evaluation evaluation;
  FillSource(options, &evaluation);
  evaluation.mutable_source()->set_status(fpgw::v1::EVALUATION_STATUS_PENDING);
  return evaluation;
}

absl::StatusOr<DeviceEntriesPage> NormalizeDeviceEntries(absl::string_view body,
                                                         const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) {
    return absl::InvalidArgumentError("a device-entries page must be a JSON object");
  }
  const Json* entries = Member(*doc, "entries");
  if (entries == nullptr || !entries->IsArray()) {
    return absl::InvalidArgumentError("a device-entries page needs an \"entries\" array");
  }
  DeviceEntriesPage page;
  auto page_drift = [&page](const char* field, const char* expected) {
    fpgw::v1::FieldDrift& drift = page.drift.emplace_back();
    drift.set_path(absl::StrCat("$.", field));
    drift.set_expected(expected);
  };

  if (const Json* device_id = Member(*doc, "device_id")) {
    if (device_id->IsString()) {
      page.device_id.assign(device_id->GetString(), device_id->GetStringLength());
    } else {
      page_drift("device_id", "string");
    }
  }
  int64_t offset = -1;
  if (const Json* value = Member(*doc, "offset")) {
    if (value->IsInt64() && value->GetInt64() >= 0) {
      offset = value->GetInt64();
    } else {
      page_drift("offset", "non-negative integer");
    }
  }
  if (const Json* value = Member(*doc, "limit"); value != nullptr && !value->IsInt64()) {
    page_drift("limit", "integer");
  }
  // Pagination follows next_offset while has_more is true (CONTRACTS.md §1.3), never computed.
  // A next_offset that does not move forward would loop forever: it ends the listing as drift.
  std::optional<bool> has_more;
  if (const Json* value = Member(*doc, "has_more")) {
    if (value->IsBool()) {
      has_more = value->GetBool();
    } else {
      page_drift("has_more", "boolean");
    }
  } else {
    page_drift("has_more", "boolean");
  }
  const Json* next = Member(*doc, "next_offset");
  if (has_more.value_or(next != nullptr)) {
    if (next != nullptr && next->IsInt64() && next->GetInt64() > offset && next->GetInt64() >= 0) {
      page.next_cursor = absl::StrCat(next->GetInt64());
    } else {
      page_drift("next_offset", "an integer greater than offset while has_more is true");
    }
  } else if (next != nullptr && !next->IsInt64()) {
    page_drift("next_offset", "null or an integer");
  }

  MapOptions entry_options = options;
  entry_options.payload_kind = fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY;
  size_t i = 0;
  for (const Json& entry : entries->GetArray()) {
    const std::string path = absl::StrCat("$.entries[", i++, "]");
    Evaluation& evaluation = page.evaluations.emplace_back();
    if (!entry.IsObject()) {
      FillSource(entry_options, &evaluation);
      fpgw::v1::FieldDrift* drift = evaluation.add_drift();
      drift->set_path(path);
      drift->set_expected("object");
      evaluation.set_partial(true);
      continue;
    }
    MapPayload(entry, path, entry_options, &evaluation);
    // Every entry belongs to the token's device (CONTRACTS.md §1.3).
    if (evaluation.identity().device_id().empty() && !page.device_id.empty() &&
        evaluation.source().status() == fpgw::v1::EVALUATION_STATUS_COMPLETED) {
      evaluation.mutable_identity()->set_device_id(page.device_id);
    }
  }
  return page;
}

std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok() || !doc->IsObject()) return "";
  for (const char* key : {"error_message", "error"}) {
    const Json* value = Member(*doc, key);
    if (value == nullptr || !value->IsString()) continue;
    const absl::string_view text(value->GetString(), value->GetStringLength());
    return LooksLikeCode(text) ? std::string(text) : "";
  }
  return "";
}

absl::StatusOr<std::string> ParseClientId(absl::string_view body) {
  const absl::string_view id = absl::StripAsciiWhitespace(body);
  if (id.empty()) return absl::InvalidArgumentError("the fingerprint id is empty");
  if (id.size() > 256) return absl::InvalidArgumentError("the fingerprint id is too long");
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) {
      return absl::InvalidArgumentError("the fingerprint id has spaces or non-ASCII characters");
    }
  }
  if (id.front() == '{' || id.front() == '[' || id.front() == '<' || id.front() == '"') {
    return absl::InvalidArgumentError("the fingerprint id is not plain text");
  }
  return std::string(id);
}

}  // namespace fpgw::vendors::cside
