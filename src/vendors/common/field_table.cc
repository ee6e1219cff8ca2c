// FieldTable: resolution against descriptors and application through JsonObject.
#include "vendors/common/field_table.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "rapidjson/pointer.h"

namespace fpgw::vendors {
namespace {

namespace pb = ::google::protobuf;
using FD = pb::FieldDescriptor;

bool Fits(Conversion conversion, const FD* field) {
  const auto type = field->cpp_type();
  switch (conversion) {
    case Conversion::kString:
      return type == FD::CPPTYPE_STRING;
    case Conversion::kNumber:
      return type == FD::CPPTYPE_DOUBLE || type == FD::CPPTYPE_FLOAT;
    case Conversion::kInteger:
    case Conversion::kDecimalString:
      return type == FD::CPPTYPE_INT32 || type == FD::CPPTYPE_INT64 || type == FD::CPPTYPE_UINT32 ||
             type == FD::CPPTYPE_UINT64;
    case Conversion::kTristate:
      return type == FD::CPPTYPE_ENUM && field->enum_type() == fpgw::v1::Tristate_descriptor();
    case Conversion::kConfidence:
      return type == FD::CPPTYPE_ENUM &&
             field->enum_type() == fpgw::v1::ConfidenceLevel_descriptor();
    case Conversion::kMillis:
    case Conversion::kRfc3339:
      return type == FD::CPPTYPE_MESSAGE && field->message_type() == pb::Timestamp::descriptor();
    case Conversion::kStruct:
      return type == FD::CPPTYPE_MESSAGE && field->message_type() == pb::Struct::descriptor();
  }
  return false;
}

// Sets an integer field, or records drift when `value` does not fit it.
void SetInteger(pb::Message* message, const FD* field, int64_t value, const JsonObject& object,
                const char* key) {
  const pb::Reflection* r = message->GetReflection();
  switch (field->cpp_type()) {
    case FD::CPPTYPE_INT32:
      if (value < std::numeric_limits<int32_t>::min() ||
          value > std::numeric_limits<int32_t>::max()) {
        object.Drift(key, "integer within 32 bits");
        return;
      }
      r->SetInt32(message, field, static_cast<int32_t>(value));
      return;
    case FD::CPPTYPE_UINT32:
      if (value < 0 || value > std::numeric_limits<uint32_t>::max()) {
        object.Drift(key, "unsigned integer within 32 bits");
        return;
      }
      r->SetUInt32(message, field, static_cast<uint32_t>(value));
      return;
    case FD::CPPTYPE_UINT64:
      if (value < 0) {
        object.Drift(key, "unsigned integer");
        return;
      }
      r->SetUInt64(message, field, static_cast<uint64_t>(value));
      return;
    default:
      r->SetInt64(message, field, value);
      return;
  }
}

}  // namespace

absl::StatusOr<FieldTable> FieldTable::Create(const pb::Descriptor* target,
                                              absl::Span<const FieldRow> rows) {
  FieldTable table;
  for (const FieldRow& row : rows) {
    const std::string where = absl::StrCat("field table row ", row.pointer, " -> ", row.field);
    const rapidjson::Pointer pointer(row.pointer);
    if (!pointer.IsValid() || pointer.GetTokenCount() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": not a JSON pointer"));
    }
    Resolved resolved;
    resolved.conversion = row.conversion;
    // The object path, each prefix registered once.
    resolved.object = -1;
    for (size_t i = 0; i + 1 < pointer.GetTokenCount(); ++i) {
      const auto& token = pointer.GetTokens()[i];
      const std::string key(token.name, token.length);
      int found = -1;
      for (size_t p = 0; p < table.json_prefixes_.size(); ++p) {
        if (table.json_prefixes_[p].parent == resolved.object &&
            table.json_prefixes_[p].key == key) {
          found = static_cast<int>(p);
        }
      }
      if (found < 0) {
        table.json_prefixes_.push_back({resolved.object, key});
        found = static_cast<int>(table.json_prefixes_.size() - 1);
      }
      resolved.object = found;
    }
    const auto& last = pointer.GetTokens()[pointer.GetTokenCount() - 1];
    resolved.key.assign(last.name, last.length);

    // The field path, each message prefix registered once.
    const pb::Descriptor* message = target;
    resolved.message = -1;
    const std::vector<std::string> names = absl::StrSplit(row.field, '.');
    for (size_t i = 0; i < names.size(); ++i) {
      const FD* field = message == nullptr ? nullptr : message->FindFieldByName(names[i]);
      if (field == nullptr || field->is_repeated()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": no singular field ", names[i]));
      }
      if (i + 1 == names.size()) {
        resolved.field = field;
        break;
      }
      if (field->cpp_type() != FD::CPPTYPE_MESSAGE) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", names[i], " is no message"));
      }
      int found = -1;
      for (size_t p = 0; p < table.message_prefixes_.size(); ++p) {
        if (table.message_prefixes_[p].parent == resolved.message &&
            table.message_prefixes_[p].field == field) {
          found = static_cast<int>(p);
        }
      }
      if (found < 0) {
        table.message_prefixes_.push_back({resolved.message, field});
        found = static_cast<int>(table.message_prefixes_.size() - 1);
      }
      resolved.message = found;
      message = field->message_type();
    }
    if (!Fits(row.conversion, resolved.field)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": conversion does not fit the field"));
    }
    table.rows_.push_back(std::move(resolved));
  }
  return table;
}

FieldTable FieldTable::CreateOrDie(const pb::Descriptor* target, absl::Span<const FieldRow> rows) {
  absl::StatusOr<FieldTable> table = Create(target, rows);
  if (!table.ok()) {
    std::fprintf(stderr, "fpgw: invalid vendor field table: %s\n",
                 std::string(table.status().message()).c_str());
    std::abort();
  }
  return *std::move(table);
}

void FieldTable::Apply(const Json& object, const std::string& path, pb::Message* target,
                       fpgw::v1::Evaluation* drift) const {
  // Every object the rows read from, read once (absent objects stay absent).
  std::vector<JsonObject> objects;
  objects.reserve(json_prefixes_.size());
  const JsonObject root(&object, path, drift);
  for (const JsonPrefix& prefix : json_prefixes_) {
    const JsonObject& parent =
        prefix.parent < 0 ? root : objects[static_cast<size_t>(prefix.parent)];
    objects.push_back(parent.present() ? parent.Object(prefix.key.c_str())
                                       : JsonObject(nullptr, "", nullptr));
  }
  // Every message the rows write to, created on first use.
  std::vector<pb::Message*> messages(message_prefixes_.size(), nullptr);
  std::function<pb::Message*(int)> message_at = [&](int index) -> pb::Message* {
    if (index < 0) return target;
    pb::Message*& cached = messages[static_cast<size_t>(index)];
    if (cached == nullptr) {
      const MessagePrefix& prefix = message_prefixes_[static_cast<size_t>(index)];
      pb::Message* parent = message_at(prefix.parent);
      cached = parent->GetReflection()->MutableMessage(parent, prefix.field);
    }
    return cached;
  };

  for (const Resolved& row : rows_) {
    const JsonObject& current = row.object < 0 ? root : objects[static_cast<size_t>(row.object)];
    const char* key = row.key.c_str();
    if (!current.present() || current.Raw(key) == nullptr) continue;
    auto holder = [&]() { return message_at(row.message); };
    const FD* field = row.field;
    switch (row.conversion) {
      case Conversion::kString:
        if (auto v = current.String(key)) {
          pb::Message* m = holder();
          m->GetReflection()->SetString(m, field, *std::move(v));
        }
        break;
      case Conversion::kNumber:
        if (auto v = current.Number(key)) {
          pb::Message* m = holder();
          if (field->cpp_type() == FD::CPPTYPE_FLOAT) {
            m->GetReflection()->SetFloat(m, field, static_cast<float>(*v));
          } else {
            m->GetReflection()->SetDouble(m, field, *v);
          }
        }
        break;
      case Conversion::kInteger:
        if (auto v = current.Int(key)) SetInteger(holder(), field, *v, current, key);
        break;
      case Conversion::kDecimalString:
        if (auto text = current.String(key)) {
          int64_t value = 0;
          if (absl::SimpleAtoi(*text, &value)) {
            SetInteger(holder(), field, value, current, key);
          } else {
            current.Drift(key, "a decimal number as a string");
          }
        }
        break;
      case Conversion::kTristate:
        if (auto v = current.Bool(key)) {
          pb::Message* m = holder();
          m->GetReflection()->SetEnumValue(m, field, ToTristate(v));
        }
        break;
      case Conversion::kConfidence:
        if (const auto level = ReadConfidence(current, key);
            level != fpgw::v1::CONFIDENCE_LEVEL_UNSPECIFIED) {
          pb::Message* m = holder();
          m->GetReflection()->SetEnumValue(m, field, level);
        }
        break;
      case Conversion::kMillis:
        if (auto t = current.Millis(key)) {
          pb::Message* m = holder();
          m->GetReflection()->MutableMessage(m, field)->CopyFrom(*t);
        }
        break;
      case Conversion::kRfc3339:
        if (auto text = current.String(key)) {
          pb::Timestamp t;
          if (SetTimestampRfc3339(*text, &t)) {
            pb::Message* m = holder();
            m->GetReflection()->MutableMessage(m, field)->CopyFrom(t);
          } else {
            current.Drift(key, "RFC 3339 date-time within years 1..9999");
          }
        }
        break;
      case Conversion::kStruct: {
        const Json* value = current.Raw(key);
        if (value->IsObject()) {
          pb::Message* m = holder();
          JsonToStruct(*value,
                       static_cast<pb::Struct*>(m->GetReflection()->MutableMessage(m, field)));
        } else {
          current.Drift(key, "object");
        }
        break;
      }
    }
  }
}

std::vector<std::string> FieldTable::pointers() const {
  std::vector<std::string> out;
  for (const Resolved& row : rows_) {
    std::string pointer = "/" + row.key;
    for (int p = row.object; p >= 0; p = json_prefixes_[static_cast<size_t>(p)].parent) {
      pointer = "/" + json_prefixes_[static_cast<size_t>(p)].key + pointer;
    }
    out.push_back(std::move(pointer));
  }
  return out;
}

}  // namespace fpgw::vendors
