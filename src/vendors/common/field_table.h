// FieldTable: the simple fields of a vendor payload as data. Each row names a JSON pointer into
// the object being mapped (RFC 6901, parsed by rapidjson::Pointer), a field path in the target
// message ("identity.confidence") and a conversion; the rows are resolved once against the
// message's descriptor, so a typo or a conversion that does not fit the field fails at startup
// (and in the tests that build every table), not silently per request. Applying a table reads
// each value through JsonObject, so drift is recorded exactly as hand-written reads record it: a
// value of the wrong type is one drift entry at its JSON path ("$.identification.confidence"),
// the evaluation is partial, and mapping goes on. Only what is real logic (choices between
// fields, arrays of objects, maps, derived values) stays code.
//
//   constexpr FieldRow kRows[] = {
//       {"/identification/visitor_id", "identity.device_id", Conversion::kString},
//       {"/identification/confidence/score", "identity.confidence", Conversion::kNumber},
//   };
//   static const FieldTable& table = *new FieldTable(FieldTable::Create(
//       fpgw::v1::Evaluation::descriptor(), kRows).value());
//   table.Apply(event, "$", evaluation, evaluation);
#ifndef FPGW_VENDORS_COMMON_FIELD_TABLE_H_
#define FPGW_VENDORS_COMMON_FIELD_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fpgw/v1/evaluation.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "vendors/common/json_reader.h"

namespace fpgw::vendors {

// How a JSON value becomes a field value.
enum class Conversion {
  // A JSON string into a string field.
  kString,
  // A JSON number into a double or float field.
  kNumber,
  // A JSON integer into an integer field (int32 values must fit).
  kInteger,
  // A JSON string holding a decimal number ("64500") into an integer field.
  kDecimalString,
  // A JSON boolean into a fpgw.v1.Tristate field.
  kTristate,
  // "low" / "medium" / "high" into a fpgw.v1.ConfidenceLevel field.
  kConfidence,
  // Unix milliseconds into a google.protobuf.Timestamp field.
  kMillis,
  // An RFC 3339 string into a google.protobuf.Timestamp field.
  kRfc3339,
  // A JSON object into a google.protobuf.Struct field.
  kStruct,
};

// One simple field: where it is in the vendor's JSON, where it goes, how.
struct FieldRow {
  // JSON pointer relative to the object the table is applied to, e.g. "/ip_info/v4/address".
  const char* pointer;
  // Dotted field path from the table's target message, e.g. "network.ipv4.address".
  const char* field;
  Conversion conversion;
};

class FieldTable final {
 public:
  // Resolves `rows` against `target`. INVALID_ARGUMENT naming the row when its pointer does not
  // parse, its field path names no singular field, or its conversion does not fit the field.
  static absl::StatusOr<FieldTable> Create(const google::protobuf::Descriptor* target,
                                           absl::Span<const FieldRow> rows);

  // The table of `rows`; a programming error in a row aborts (the tests build every table).
  static FieldTable CreateOrDie(const google::protobuf::Descriptor* target,
                                absl::Span<const FieldRow> rows);

  // Maps every row whose value is present (and not null) in `object`, whose JSON path is `path`,
  // into `target` (of the descriptor given to Create). Drift goes to `drift` (may be null).
  // Intermediate messages are created only for values that are set.
  void Apply(const Json& object, const std::string& path, google::protobuf::Message* target,
             fpgw::v1::Evaluation* drift) const;

  // The JSON pointers of the rows, e.g. for documentation or tests.
  std::vector<std::string> pointers() const;

 private:
  // A JSON object the rows read from: `key` of the object at `parent` (-1: the table's root).
  struct JsonPrefix {
    int parent;
    std::string key;
  };
  // A message the rows write to: field `field` of the message at `parent` (-1: the target).
  struct MessagePrefix {
    int parent;
    const google::protobuf::FieldDescriptor* field;
  };
  struct Resolved {
    // Index into json_prefixes_ of the object holding the value, or -1 for the root.
    int object;
    std::string key;
    // Index into message_prefixes_ of the message holding the field, or -1 for the target.
    int message;
    const google::protobuf::FieldDescriptor* field;
    Conversion conversion;
  };

  FieldTable() = default;

  // Each prefix once, parents before children, so that applying reads each object and creates
  // each message once.
  std::vector<JsonPrefix> json_prefixes_;
  std::vector<MessagePrefix> message_prefixes_;
  std::vector<Resolved> rows_;
};

// The table of the row array `Rows` (a constexpr FieldRow array) for messages of `target`, resolved
// on first use, once per array; thread-safe.
template <const auto& Rows>
const FieldTable& StaticTable(const google::protobuf::Descriptor* target) {
  static const auto* table = new FieldTable(FieldTable::CreateOrDie(target, Rows));
  return *table;
}

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_FIELD_TABLE_H_
