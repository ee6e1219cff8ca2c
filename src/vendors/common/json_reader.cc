// Drift-tolerant JSON field access and JSON → protobuf Struct conversion.
#include "vendors/common/json_reader.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rapidjson/error/en.h"

namespace fpgw::vendors {

absl::StatusOr<rapidjson::Document> ParseJson(absl::string_view body) {
  rapidjson::Document doc;
  doc.Parse<kVendorJsonParseFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not valid JSON at offset ", doc.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(doc.GetParseError())));
  }
  return doc;
}

JsonObject::JsonObject(const Json* value, std::string path, fpgw::v1::Evaluation* evaluation)
    : value_(value != nullptr && value->IsObject() ? value : nullptr),
      path_(std::move(path)),
      evaluation_(evaluation) {}

const Json* JsonObject::Member(const char* key) const {
  if (value_ == nullptr) return nullptr;
  auto it = value_->FindMember(key);
  if (it == value_->MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

void JsonObject::Drift(const char* key, const char* expected) const {
  if (evaluation_ == nullptr) return;
  std::string path = absl::StrCat(path_, ".", key);
  // One entry per bad field, however many reads went through it.
  for (const auto& seen : evaluation_->drift()) {
    if (seen.path() == path) return;
  }
  fpgw::v1::FieldDrift* drift = evaluation_->add_drift();
  drift->set_path(std::move(path));
  drift->set_expected(expected);
  evaluation_->set_partial(true);
}

std::optional<std::string> JsonObject::String(const char* key) const {
  const Json* v = Member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    Drift(key, "string");
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<bool> JsonObject::Bool(const char* key) const {
  const Json* v = Member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsBool()) {
    Drift(key, "boolean");
    return std::nullopt;
  }
  return v->GetBool();
}

std::optional<double> JsonObject::Number(const char* key) const {
  const Json* v = Member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsNumber()) {
    Drift(key, "number");
    return std::nullopt;
  }
  return v->GetDouble();
}

std::optional<int64_t> JsonObject::Int(const char* key) const {
  const Json* v = Member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsInt64()) {
    Drift(key, "integer");
    return std::nullopt;
  }
  return v->GetInt64();
}

JsonObject JsonObject::Object(const char* key) const {
  const Json* v = Member(key);
  if (v != nullptr && !v->IsObject()) {
    Drift(key, "object");
    v = nullptr;
  }
  return JsonObject(v, absl::StrCat(path_, ".", key), evaluation_);
}

const Json* JsonObject::Array(const char* key) const {
  const Json* v = Member(key);
  if (v != nullptr && !v->IsArray()) {
    Drift(key, "array");
    return nullptr;
  }
  return v;
}

const Json* JsonObject::Raw(const char* key) const { return Member(key); }

fpgw::v1::Tristate ToTristate(std::optional<bool> value) {
  if (!value.has_value()) return fpgw::v1::TRISTATE_UNSPECIFIED;
  return *value ? fpgw::v1::TRISTATE_TRUE : fpgw::v1::TRISTATE_FALSE;
}

fpgw::v1::ConfidenceLevel ReadConfidence(const JsonObject& obj, const char* key) {
  static constexpr EnumName<fpgw::v1::ConfidenceLevel> kNames[] = {
      {"low", fpgw::v1::CONFIDENCE_LEVEL_LOW},
      {"medium", fpgw::v1::CONFIDENCE_LEVEL_MEDIUM},
      {"high", fpgw::v1::CONFIDENCE_LEVEL_HIGH}};
  return ReadEnum(obj, key, kNames).value_or(fpgw::v1::CONFIDENCE_LEVEL_UNSPECIFIED);
}

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

bool SetTimestampMillis(int64_t millis, google::protobuf::Timestamp* out) {
  int64_t secs = millis / 1000;
  int64_t rem = millis % 1000;
  if (rem < 0) {
    rem += 1000;
    secs -= 1;
  }
  if (secs < kMinTimestampSeconds || secs > kMaxTimestampSeconds) return false;
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(rem * 1000000));
  return true;
}

std::optional<google::protobuf::Timestamp> JsonObject::Millis(const char* key) const {
  std::optional<int64_t> millis = Int(key);
  if (!millis.has_value()) return std::nullopt;
  google::protobuf::Timestamp out;
  if (!SetTimestampMillis(*millis, &out)) {
    Drift(key, "Unix milliseconds within years 1..9999");
    return std::nullopt;
  }
  return out;
}

bool SetTimestampRfc3339(absl::string_view text, google::protobuf::Timestamp* out) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return false;
  const int64_t secs = absl::ToUnixSeconds(t);
  if (secs < kMinTimestampSeconds || secs > kMaxTimestampSeconds) return false;
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(secs))));
  return true;
}

namespace {

// A value's share of the raw view's size budget: a fixed cost plus its text.
constexpr int64_t kRawValueCost = 16;

void ToValue(const Json& json, google::protobuf::Value* out, int max_depth, int64_t* budget);

void ToStruct(const Json& json, google::protobuf::Struct* out, int max_depth, int64_t* budget) {
  // Struct and its map entry: two levels; each member Value then costs its own.
  max_depth -= 2;
  if (!json.IsObject() || max_depth <= 0) return;
  auto* fields = out->mutable_fields();
  for (const auto& member : json.GetObject()) {
    *budget -= member.name.GetStringLength();
    ToValue(member.value,
            &(*fields)[std::string(member.name.GetString(), member.name.GetStringLength())],
            max_depth, budget);
  }
}

void ToValue(const Json& json, google::protobuf::Value* out, int max_depth, int64_t* budget) {
  *budget -= kRawValueCost;
  if (json.IsNull() || max_depth <= 0 || *budget < 0) {
    out->set_null_value(google::protobuf::NULL_VALUE);
  } else if (json.IsBool()) {
    out->set_bool_value(json.GetBool());
  } else if (json.IsNumber()) {
    out->set_number_value(json.GetDouble());
  } else if (json.IsString()) {
    *budget -= json.GetStringLength();
    if (*budget < 0) {
      out->set_null_value(google::protobuf::NULL_VALUE);
    } else {
      out->set_string_value(std::string(json.GetString(), json.GetStringLength()));
    }
  } else if (json.IsArray()) {
    auto* list = out->mutable_list_value();
    for (const Json& item : json.GetArray()) {
      ToValue(item, list->add_values(), max_depth - 2, budget);
    }
  } else if (json.IsObject()) {
    ToStruct(json, out->mutable_struct_value(), max_depth - 1, budget);
  }
}

}  // namespace

void JsonToValue(const Json& json, google::protobuf::Value* out, int max_depth, int64_t max_bytes) {
  ToValue(json, out, max_depth, &max_bytes);
}

void JsonToStruct(const Json& json, google::protobuf::Struct* out, int max_depth,
                  int64_t max_bytes) {
  ToStruct(json, out, max_depth, &max_bytes);
}

void StructToJson(const google::protobuf::Struct& in, Json* out,
                  rapidjson::Document::AllocatorType& alloc) {
  out->SetObject();
  for (const auto& [key, value] : in.fields()) {
    Json item;
    ValueToJson(value, &item, alloc);
    out->AddMember(Json(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), alloc), item,
                   alloc);
  }
}

void ValueToJson(const google::protobuf::Value& in, Json* out,
                 rapidjson::Document::AllocatorType& alloc) {
  switch (in.kind_case()) {
    case google::protobuf::Value::kBoolValue:
      out->SetBool(in.bool_value());
      return;
    case google::protobuf::Value::kNumberValue:
      out->SetDouble(in.number_value());
      return;
    case google::protobuf::Value::kStringValue:
      out->SetString(in.string_value().c_str(),
                     static_cast<rapidjson::SizeType>(in.string_value().size()), alloc);
      return;
    case google::protobuf::Value::kStructValue:
      StructToJson(in.struct_value(), out, alloc);
      return;
    case google::protobuf::Value::kListValue:
      out->SetArray();
      for (const auto& item : in.list_value().values()) {
        Json element;
        ValueToJson(item, &element, alloc);
        out->PushBack(element, alloc);
      }
      return;
    default:
      out->SetNull();
  }
}

}  // namespace fpgw::vendors
