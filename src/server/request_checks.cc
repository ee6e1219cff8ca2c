// Token validation.
#include "server/request_checks.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::server {

absl::Status CheckToken(absl::string_view field, absl::string_view value) {
  if (value.empty()) return InvalidField(field, "required");
  if (value.size() > kMaxTokenLength) {
    return InvalidField(field, absl::StrCat("longer than ", kMaxTokenLength, " characters"));
  }
  if (value == "." || value == "..") return InvalidField(field, "not a valid token");
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) {
      return InvalidField(field, "may hold only printable ASCII characters without spaces");
    }
    if (c == '/' || c == '?' || c == '#' || c == '%' || c == '\\') {
      return InvalidField(field, "may not contain / ? # % or \\");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_length) {
  if (value.size() > max_length) {
    return InvalidField(field, absl::StrCat("longer than ", max_length, " characters"));
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return InvalidField(field, "may not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status CheckTextFields(absl::string_view prefix, const google::protobuf::Message& message) {
  const google::protobuf::Descriptor* desc = message.GetDescriptor();
  const google::protobuf::Reflection* refl = message.GetReflection();
  for (int i = 0; i < desc->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = desc->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) continue;
    const std::string name = absl::StrCat(prefix, ".", field->name());
    if (field->is_repeated()) {
      for (int j = 0; j < refl->FieldSize(message, field); ++j) {
        if (absl::Status s = CheckText(name, refl->GetRepeatedString(message, field, j)); !s.ok()) {
          return s;
        }
      }
    } else if (absl::Status s = CheckText(name, refl->GetString(message, field)); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

namespace {
bool AllFinite(const google::protobuf::Value& value, int depth) {
  if (depth > 64) return false;
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      return std::isfinite(value.number_value());
    case google::protobuf::Value::kStructValue:
      for (const auto& [key, item] : value.struct_value().fields()) {
        if (!AllFinite(item, depth + 1)) return false;
      }
      return true;
    case google::protobuf::Value::kListValue:
      for (const auto& item : value.list_value().values()) {
        if (!AllFinite(item, depth + 1)) return false;
      }
      return true;
    default:
      return true;
  }
}
}  // namespace

absl::Status CheckFiniteNumbers(absl::string_view field, const google::protobuf::Struct& value) {
  for (const auto& [key, item] : value.fields()) {
    if (!AllFinite(item, 0))
      return InvalidField(field, "numbers must be finite (and nesting shallow)");
  }
  return absl::OkStatus();
}

}  // namespace fpgw::server
