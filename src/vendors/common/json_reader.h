// Typed, drift-tolerant reading of vendor JSON (RapidJSON DOM). A field that is absent or null is
// unknown (std::nullopt); a field whose value has the wrong type is also unknown, and is recorded
// as schema drift in the Evaluation (path + expected type), so one bad field yields a partial
// evaluation instead of a failure. Mapping code is pure: no I/O, no globals.
#ifndef FPGW_VENDORS_COMMON_JSON_READER_H_
#define FPGW_VENDORS_COMMON_JSON_READER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fpgw/v1/evaluation.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "rapidjson/document.h"

namespace fpgw::vendors {

using Json = rapidjson::Value;

// How every vendor body is parsed: iteratively (nesting cannot exhaust the stack) and with UTF-8
// validated (a proto3 string must be UTF-8, or callers cannot decode the response).
inline constexpr unsigned kVendorJsonParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Parses a vendor body with kVendorJsonParseFlags. INVALID_ARGUMENT naming the offset and the
// error (never quoting the body) when it is not valid JSON.
absl::StatusOr<rapidjson::Document> ParseJson(absl::string_view body);

// A JSON object being read at `path`; records drift into `evaluation`.
class JsonObject final {
 public:
  // `value` may be null (an absent object): every read then yields nullopt.
  JsonObject(const Json* value, std::string path, fpgw::v1::Evaluation* evaluation);

  bool present() const { return value_ != nullptr; }
  // The object itself (null when absent).
  const Json* value() const { return value_; }
  const std::string& path() const { return path_; }
  // Where drift is recorded (may be null).
  fpgw::v1::Evaluation* evaluation() const { return evaluation_; }

  std::optional<std::string> String(const char* key) const;
  std::optional<bool> Bool(const char* key) const;
  std::optional<double> Number(const char* key) const;
  std::optional<int64_t> Int(const char* key) const;
  // A nested object; drift if the value is not an object.
  JsonObject Object(const char* key) const;
  // A nested array, or nullptr; drift if the value is not an array.
  const Json* Array(const char* key) const;
  // The raw value, or nullptr when absent or null.
  const Json* Raw(const char* key) const;
  // Reads Unix milliseconds as a Timestamp; drift when not an integer or out of Timestamp's range.
  std::optional<google::protobuf::Timestamp> Millis(const char* key) const;

  // Records drift at `path.key`.
  void Drift(const char* key, const char* expected) const;

 private:
  const Json* Member(const char* key) const;

  const Json* value_;
  std::string path_;
  fpgw::v1::Evaluation* evaluation_;
};

// Tristate from an optional bool.
fpgw::v1::Tristate ToTristate(std::optional<bool> value);

// One vendor spelling of an enum value and the fpgw value it maps to.
template <typename E>
struct EnumName {
  const char* text;
  E value;
};

// Reads a string enum: the mapped value, or nullopt when absent; an unknown spelling is drift at
// `obj.path.key` ("one of a, b, c") and also nullopt.
template <typename E, size_t N>
std::optional<E> ReadEnum(const JsonObject& obj, const char* key, const EnumName<E> (&names)[N]) {
  std::optional<std::string> text = obj.String(key);
  if (!text.has_value()) return std::nullopt;
  std::string expected = "one of ";
  for (size_t i = 0; i < N; ++i) {
    if (*text == names[i].text) return names[i].value;
    expected += (i == 0 ? "" : ", ");
    expected += names[i].text;
  }
  obj.Drift(key, expected.c_str());
  return std::nullopt;
}

// "low" / "medium" / "high" → ConfidenceLevel; anything else is drift at `obj.path.key`.
fpgw::v1::ConfidenceLevel ReadConfidence(const JsonObject& obj, const char* key);

// Sets `out` from Unix milliseconds; false (and `out` untouched) when outside the years 1..9999
// that google.protobuf.Timestamp can hold.
bool SetTimestampMillis(int64_t millis, google::protobuf::Timestamp* out);

// Sets `out` from an RFC 3339 string; false if it does not parse or is out of Timestamp's range.
bool SetTimestampRfc3339(absl::string_view text, google::protobuf::Timestamp* out);

// Converts a JSON value to a protobuf Value / Struct (numbers become doubles). `max_depth` is a
// budget of protobuf nesting levels (a JSON array costs 2: Value, ListValue; an object 3: Value,
// Struct, map entry); deeper parts are cut off (replaced by null), so the message stays within
// the 100-level limit protobuf parsers enforce, with room for the Evaluation around it, and a
// hostile payload cannot exhaust the stack. `max_bytes` caps the size of the result (about 16
// bytes per value plus its text): once spent, the remaining values are null too, so that a large
// vendor payload cannot make the raw view (EVALUATION_VIEW_FULL) many times its own size.
inline constexpr int kMaxRawDepth = 88;
inline constexpr int64_t kMaxRawBytes = int64_t{1} << 20;
void JsonToValue(const Json& json, google::protobuf::Value* out, int max_depth = kMaxRawDepth,
                 int64_t max_bytes = kMaxRawBytes);
void JsonToStruct(const Json& json, google::protobuf::Struct* out, int max_depth = kMaxRawDepth,
                  int64_t max_bytes = kMaxRawBytes);

// Converts a protobuf Struct / Value to JSON (for request bodies built from caller input).
void StructToJson(const google::protobuf::Struct& in, Json* out,
                  rapidjson::Document::AllocatorType& alloc);
void ValueToJson(const google::protobuf::Value& in, Json* out,
                 rapidjson::Document::AllocatorType& alloc);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_JSON_READER_H_
