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
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/json_chars.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "rapidjson/pointer.h"

namespace fpgw::vendors::cside {
namespace {

using fpgw::v1::Evaluation;

// The single table of assumed paths (see mapper.h and ASSUMED_PATHS.md).
constexpr AssumedPath kAssumedPaths[] = {
    {"fingerprint.id", ValueType::kString, "identity.device_id"},
    {"fingerprint.device_id", ValueType::kString, "identity.device_id"},
    {"fingerprint.fingerprint_id", ValueType::kString, "identity.device_id"},
    {"fingerprint.confidence", ValueType::kUnitInterval, "identity.confidence"},
    {"fingerprint.first_seen_at", ValueType::kUnixMillis, "identity.first_seen_time"},
    {"fingerprint.last_seen_at", ValueType::kUnixMillis, "identity.last_seen_time"},
    {"external_ids", ValueType::kStringMap, "identity.external_ids"},
    {"ip_enrichment.ip", ValueType::kString, "network.ip_address"},
    {"ip_enrichment.ip_address", ValueType::kString, "network.ip_address"},
    {"ip_enrichment.asn", ValueType::kAsNumber, "network.asn.number"},
    {"ip_enrichment.asn_name", ValueType::kString, "network.asn.name"},
    {"ip_enrichment.is_datacenter", ValueType::kBoolean, "signals.datacenter.detected"},
    {"geo_data.country_code", ValueType::kString, "network.geolocation.country_code"},
    {"geo_data.country", ValueType::kCountryCodeOrName, "network.geolocation.country_code"},
    {"geo_data.country_name", ValueType::kString, "network.geolocation.country_name"},
    {"geo_data.region", ValueType::kString, "network.geolocation.region"},
    {"geo_data.city", ValueType::kString, "network.geolocation.city"},
    {"geo_data.postal_code", ValueType::kString, "network.geolocation.postal_code"},
    {"geo_data.latitude", ValueType::kLatitude, "network.geolocation.latitude"},
    {"geo_data.longitude", ValueType::kLongitude, "network.geolocation.longitude"},
    {"geo_data.timezone", ValueType::kString, "network.geolocation.timezone"},
    {"vpn_evaluation.is_vpn", ValueType::kBoolean, "signals.vpn.signal.detected"},
    {"vpn_evaluation.is_proxy", ValueType::kBoolean, "signals.proxy.signal.detected"},
    {"vpn_evaluation.is_tor", ValueType::kBoolean, "signals.tor.detected"},
    {"bot.is_bot", ValueType::kBotFlag, "signals.bot.result"},
    {"bot.type", ValueType::kString, "signals.bot.type"},
    {"fingerprint_enrichment.browser_name", ValueType::kString, "client.browser_name"},
    {"fingerprint_enrichment.browser_version", ValueType::kString, "client.browser_full_version"},
    {"fingerprint_enrichment.os", ValueType::kString, "client.os"},
    {"fingerprint_enrichment.os_version", ValueType::kString, "client.os_version"},
    {"fingerprint_enrichment.device_type", ValueType::kString, "client.device"},
    {"fingerprint_enrichment.is_incognito", ValueType::kBoolean, "signals.incognito.detected"},
    {"network_client_metrics.user_agent", ValueType::kString, "client.user_agent"},
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

// A row resolved once: its JSON pointer, its field path, the dotted path of each prefix (for
// drift).
struct ResolvedRow {
  const AssumedPath* row;
  rapidjson::Pointer pointer;
  std::vector<std::string> prefixes;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
};

const std::vector<ResolvedRow>& ResolvedRows() {
  static const auto* rows = [] {
    auto* out = new std::vector<ResolvedRow>();
    for (const AssumedPath& row : kAssumedPaths) {
      ResolvedRow resolved{
          &row,
          rapidjson::Pointer(
              absl::StrCat("/", absl::StrReplaceAll(row.path, {{".", "/"}})).c_str()),
          {},
          {}};
      std::string prefix;
      for (absl::string_view part : absl::StrSplit(row.path, '.')) {
        prefix = prefix.empty() ? std::string(part) : absl::StrCat(prefix, ".", part);
        resolved.prefixes.push_back(prefix);
      }
      const google::protobuf::Descriptor* message = Evaluation::descriptor();
      for (absl::string_view name : absl::StrSplit(row.field, '.')) {
        const google::protobuf::FieldDescriptor* field =
            message == nullptr ? nullptr : message->FindFieldByName(std::string(name));
        // The table is code: a name that resolves to nothing is a programming error.
        if (field == nullptr) std::abort();
        resolved.fields.push_back(field);
        message = field->message_type();
      }
      out->push_back(std::move(resolved));
    }
    return out;
  }();
  return *rows;
}

// The value of a row (nullptr when absent or null). When the pointer does not resolve, an
// intermediate value that is not an object is drift ("object") at its own path.
const Json* Resolve(const Json& root, const std::string& root_path, const ResolvedRow& row,
                    DriftLog* drift) {
  if (const Json* value = row.pointer.Get(root)) return value->IsNull() ? nullptr : value;
  const Json* node = &root;
  for (size_t i = 0; i + 1 < row.prefixes.size(); ++i) {
    const std::string& prefix = row.prefixes[i];
    node = Member(*node, absl::string_view(prefix).substr(prefix.rfind('.') + 1));
    if (node == nullptr) return nullptr;
    if (!node->IsObject()) {
      drift->Add(absl::StrCat(root_path, ".", prefix), "object");
      return nullptr;
    }
  }
  return nullptr;
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
    case ValueType::kCountryCodeOrName:
      return value.IsString();
    case ValueType::kBoolean:
    case ValueType::kBotFlag:
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

// Fills the row's field from a value already known to match its type, unless an earlier row
// filled it. Empty strings are "not reported".
void Apply(const ResolvedRow& resolved, const Json& value, const std::string& path, DriftLog* drift,
           Evaluation* evaluation) {
  namespace pb = ::google::protobuf;
  if (value.IsString() && value.GetStringLength() == 0) return;
  pb::Message* message = evaluation;
  for (size_t i = 0; i + 1 < resolved.fields.size(); ++i) {
    message = message->GetReflection()->MutableMessage(message, resolved.fields[i]);
  }
  const pb::Reflection* r = message->GetReflection();
  const pb::FieldDescriptor* field = resolved.fields.back();
  if (field->is_map()) {
    const pb::Descriptor* entry = field->message_type();
    for (const auto& member : value.GetObject()) {
      const std::string key(member.name.GetString(), member.name.GetStringLength());
      if (!member.value.IsString()) {
        if (!member.value.IsNull()) drift->Add(absl::StrCat(path, ".", key), "string");
        continue;
      }
      pb::Message* item = r->AddMessage(message, field);
      item->GetReflection()->SetString(item, entry->map_key(), key);
      item->GetReflection()->SetString(
          item, entry->map_value(),
          std::string(member.value.GetString(), member.value.GetStringLength()));
    }
    return;
  }
  // The first row to fill a field wins.
  const bool filled = field->has_presence() ? r->HasField(*message, field)
                      : field->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING
                          ? !r->GetString(*message, field).empty()
                          : r->GetEnumValue(*message, field) != 0;
  switch (resolved.row->type) {
    case ValueType::kString:
      if (!filled)
        r->SetString(message, field, std::string(value.GetString(), value.GetStringLength()));
      return;
    case ValueType::kCountryCodeOrName: {
      const absl::string_view text(value.GetString(), value.GetStringLength());
      const bool is_code =
          text.size() == 2 && absl::ascii_isalpha(text[0]) && absl::ascii_isalpha(text[1]);
      const pb::FieldDescriptor* target =
          is_code ? field : field->containing_type()->FindFieldByName("country_name");
      if (r->GetString(*message, target).empty()) {
        r->SetString(message, target, is_code ? absl::AsciiStrToUpper(text) : std::string(text));
      }
      return;
    }
    case ValueType::kBoolean:
      if (!filled) r->SetEnumValue(message, field, ToTristate(value.GetBool()));
      return;
    case ValueType::kBotFlag:
      if (!filled) {
        r->SetEnumValue(
            message, field,
            value.GetBool() ? fpgw::v1::BOT_RESULT_BAD : fpgw::v1::BOT_RESULT_NOT_DETECTED);
      }
      return;
    case ValueType::kUnitInterval:
    case ValueType::kLatitude:
    case ValueType::kLongitude:
      if (!filled) r->SetDouble(message, field, value.GetDouble());
      return;
    case ValueType::kUnixMillis:
      if (!filled) {
        SetTimestampMillis(value.GetInt64(),
                           static_cast<pb::Timestamp*>(r->MutableMessage(message, field)));
      }
      return;
    case ValueType::kAsNumber:
      if (!filled) {
        uint32_t number = 0;
        if (ParseAsNumber(value, &number)) r->SetUInt32(message, field, number);
      }
      return;
    case ValueType::kStringMap:
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
    case ValueType::kCountryCodeOrName:
      return "string";
    case ValueType::kBotFlag:
      return "boolean";
  }
  return "";
}

std::string FieldDescription(const AssumedPath& row) {
  return row.type == ValueType::kCountryCodeOrName ? absl::StrCat(row.field, " or country_name")
                                                   : row.field;
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
    for (const ResolvedRow& row : ResolvedRows()) {
      const Json* value = Resolve(payload, path, row, &drift);
      if (value == nullptr) continue;
      const std::string value_path = absl::StrCat(path, ".", row.row->path);
      if (!TypeMatches(row.row->type, *value)) {
        drift.Add(value_path, TypeName(row.row->type));
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
