// The search parameter table.
#include "vendors/fingerprint_common/search.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/error.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace fpgw::vendors::fingerprint {
namespace {

namespace pb = ::google::protobuf;

constexpr unsigned kV3 = 1;
constexpr unsigned kV4 = 2;
constexpr unsigned kBoth = kV3 | kV4;

// One filter: its SearchFilter field, the vendor's parameter name, and the versions that have it
// (CONTRACTS.md §3.2 for v3, §3.6 for v4).
struct Row {
  const char* field;
  const char* parameter;
  unsigned versions;
};

constexpr Row kRows[] = {
    {"visitor_id", "visitor_id", kBoth},
    {"high_recall_id", "high_recall_id", kV4},
    {"bot", "bot", kBoth},
    {"ip_address", "ip_address", kBoth},
    {"linked_id", "linked_id", kBoth},
    {"start_time_ms", "start", kBoth},
    {"end_time_ms", "end", kBoth},
    {"reverse", "reverse", kBoth},
    {"suspect", "suspect", kBoth},
    {"vpn", "vpn", kBoth},
    {"virtual_machine", "virtual_machine", kBoth},
    {"tampering", "tampering", kBoth},
    {"anti_detect_browser", "anti_detect_browser", kBoth},
    {"incognito", "incognito", kBoth},
    {"privacy_settings", "privacy_settings", kBoth},
    {"jailbroken", "jailbroken", kBoth},
    {"frida", "frida", kBoth},
    {"factory_reset", "factory_reset", kBoth},
    {"cloned_app", "cloned_app", kBoth},
    {"emulator", "emulator", kBoth},
    {"root_apps", "root_apps", kBoth},
    {"vpn_confidence", "vpn_confidence", kBoth},
    {"min_suspect_score", "min_suspect_score", kBoth},
    {"developer_tools", "developer_tools", kBoth},
    {"location_spoofing", "location_spoofing", kBoth},
    {"mitm_attack", "mitm_attack", kBoth},
    {"rare_device", "rare_device", kBoth},
    {"proxy", "proxy", kBoth},
    {"sdk_version", "sdk_version", kBoth},
    {"sdk_platform", "sdk_platform", kBoth},
    // The spec declares `environment` form/explode: repeated keys (the v3 Node SDK's
    // `environment[]` is an SDK habit, not the contract).
    {"environment", "environment", kBoth},
    {"proximity_id", "proximity_id", kBoth},
    {"url", "url", kV4},
    {"origin", "origin", kV4},
    {"asn", "asn", kV4},
    {"tor_node", "tor_node", kV4},
    {"simulator", "simulator", kV4},
    {"active_call", "active_call", kV4},
    {"bot_info", "bot_info", kV4},
    {"bot_info_category", "bot_info_category", kV4},
    {"bot_info_identity", "bot_info_identity", kV4},
    {"bot_info_confidence", "bot_info_confidence", kV4},
    {"bot_info_provider", "bot_info_provider", kV4},
    {"bot_info_name", "bot_info_name", kV4},
    {"bundle_id", "bundle_id", kV4},
    {"package_name", "package_name", kV4},
    {"rare_device_percentile_bucket", "rare_device_percentile_bucket", kBoth},
    {"incremental_identification_status", "incremental_identification_status", kV4},
    {"source", "source", kV4},
    {"proximity_precision_radius", "proximity_precision_radius", kV3},
    {"ip_blocklist", "ip_blocklist", kV3},
    {"datacenter", "datacenter", kV3},
    {"total_hits", "total_hits", kV4},
};

// The table resolved against the SearchFilter descriptor, once.
const std::map<const pb::FieldDescriptor*, const Row*>& RowsByField() {
  static const auto* rows = [] {
    auto* out = new std::map<const pb::FieldDescriptor*, const Row*>();
    const pb::Descriptor* descriptor = fpgw::v1::SearchFilter::descriptor();
    for (const Row& row : kRows) {
      if (const pb::FieldDescriptor* field = descriptor->FindFieldByName(row.field)) {
        (*out)[field] = &row;
      }
    }
    return out;
  }();
  return *rows;
}

unsigned Bit(ApiVersion version) { return version == ApiVersion::kV3 ? kV3 : kV4; }

// The parameter value of a singular field, or of element `index` of a repeated one.
std::string ValueOf(const pb::Message& message, const pb::FieldDescriptor* field, int index) {
  const pb::Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r->GetRepeatedInt32(message, field, index)
                                   : r->GetInt32(message, field));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? r->GetRepeatedInt64(message, field, index)
                                   : r->GetInt64(message, field));
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r->GetRepeatedString(message, field, index) : r->GetString(message, field);
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      // The value's name without the enum's prefix (that of its `_UNSPECIFIED` value), in lower
      // case: BOT_FILTER_BAD → "bad".
      const pb::EnumValueDescriptor* value =
          repeated ? r->GetRepeatedEnum(message, field, index) : r->GetEnum(message, field);
      const absl::string_view prefix =
          absl::StripSuffix(field->enum_type()->value(0)->name(), "UNSPECIFIED");
      return absl::AsciiStrToLower(absl::StripPrefix(value->name(), prefix));
    }
    default:
      return "";
  }
}

}  // namespace

absl::string_view VersionName(ApiVersion version) {
  return version == ApiVersion::kV3 ? "v3" : "v4";
}

absl::StatusOr<QueryParams> SearchParams(const fpgw::v1::SearchFilter& filter, ApiVersion version,
                                         int page_size, const std::string& cursor) {
  QueryParams params;
  params.emplace_back("limit",
                      absl::StrCat(page_size <= 0 ? kDefaultSearchPageSize
                                                  : std::min(page_size, kMaxSearchPageSize)));
  if (!cursor.empty()) params.emplace_back("pagination_key", cursor);
  std::vector<const pb::FieldDescriptor*> set;
  // Set fields only (proto3 scalars at their default are not listed), in field-number order.
  filter.GetReflection()->ListFields(filter, &set);
  for (const pb::FieldDescriptor* field : set) {
    auto row = RowsByField().find(field);
    if (row == RowsByField().end() || (row->second->versions & Bit(version)) == 0) {
      return InvalidField(absl::StrCat("filter.", field->name()),
                          absl::StrCat("Fingerprint Server API ", VersionName(version),
                                       " search has no such filter",
                                       version == ApiVersion::kV3 ? "; use a v4 integration" : ""));
    }
    const int count = field->is_repeated() ? filter.GetReflection()->FieldSize(filter, field) : 1;
    for (int i = 0; i < count; ++i) {
      params.emplace_back(row->second->parameter, ValueOf(filter, field, i));
    }
  }
  return params;
}

std::vector<std::string> FiltersWithoutParameter() {
  std::vector<std::string> missing;
  const pb::Descriptor* descriptor = fpgw::v1::SearchFilter::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    if (RowsByField().count(descriptor->field(i)) == 0) {
      missing.push_back(descriptor->field(i)->name());
    }
  }
  return missing;
}

}  // namespace fpgw::vendors::fingerprint
