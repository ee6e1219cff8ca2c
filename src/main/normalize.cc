// `fpgw normalize`: every payload kind of every vendor (vendors/registry.h), named by flag or
// detected from the payload, one payload at a time or a stream of them, one per line.
#include "main/normalize.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fpgw/v1/evaluation.pb.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "vendors/common/json_reader.h"
#include "vendors/registry.h"

namespace fpgw::cli {
namespace {

// The registry's kinds, built once: a batch looks them up for every line.
const std::vector<vendors::RegisteredKind>& RegisteredKinds() {
  static const auto* kinds = new std::vector<vendors::RegisteredKind>(vendors::PayloadKinds());
  return *kinds;
}

const vendors::RegisteredKind* FindKind(absl::string_view name) {
  for (const vendors::RegisteredKind& kind : RegisteredKinds()) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

bool IsAuto(absl::string_view kind) { return kind.empty() || kind == "auto"; }

absl::Status UnknownKind(absl::string_view kind) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown --kind ", kind, " (one of ", absl::StrJoin(PayloadKinds(), ", "), ")"));
}

// `message` as proto JSON with the field names grpcurl prints, so saved outputs compare directly.
absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message,
                                      bool add_whitespace) {
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = add_whitespace;
  print.preserve_proto_field_names = true;
  std::string json;
  const google::protobuf::util::Status printed =
      google::protobuf::util::MessageToJsonString(message, &json, print);
  if (!printed.ok()) return absl::InternalError(std::string(printed.message()));
  return json;
}

// `payload` normalised as `kind` (a name of the registry).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NormalizeAs(absl::string_view payload,
                                                                       absl::string_view kind,
                                                                       bool include_raw) {
  const vendors::RegisteredKind* registered = FindKind(kind);
  if (registered == nullptr) return UnknownKind(kind);
  return registered->normalize(payload, include_raw);
}

// --- NormalizeLines ----------------------------------------------------------------------------

// One input line: as much of its text as is kept, and its full length.
struct Line {
  std::string text;
  size_t length = 0;
};

// Reads the next line of `in` into `line` (its '\n' consumed, not kept; the last line needs
// none), keeping at most `max_bytes` of it and skipping the rest. False at the end of the input,
// or when it cannot be read (in.bad()). istream::getline in chunks rather than std::getline, which
// would hold a line of any length.
bool ReadLine(std::istream& in, size_t max_bytes, Line& line) {
  line.text.clear();
  line.length = 0;
  bool started = false;
  char chunk[1 << 14];
  while (true) {
    in.getline(chunk, sizeof(chunk));
    if (in.bad()) return false;
    // gcount() counts the '\n' too when getline stopped at it (neither eof nor fail set).
    const bool at_newline = !in.eof() && !in.fail();
    size_t stored = static_cast<size_t>(in.gcount());
    if (at_newline) --stored;
    if (stored > 0) started = true;
    if (line.length <= max_bytes) {
      line.text.append(chunk, std::min(stored, max_bytes + 1 - line.length));
      if (line.text.size() > max_bytes) line.text.clear();
    }
    line.length += stored;
    if (at_newline) return true;
    if (in.eof()) return started;
    // The chunk filled up before the line ended: read on.
    in.clear(in.rdstate() & ~std::ios::failbit);
  }
}

bool IsBlank(absl::string_view text) {
  return text.find_first_not_of(" \t\r\n") == absl::string_view::npos;
}

// The output line of input line `number`: `kind` when known, then exactly one of `json` (the
// printed message, under `key`) or `error`.
std::string OutputLine(int64_t number, absl::string_view kind, const char* key,
                       absl::string_view json, const absl::Status& error) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("line");
  writer.Int64(number);
  if (!kind.empty()) {
    writer.Key("kind");
    writer.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
  }
  if (error.ok()) {
    writer.Key(key);
    writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  } else {
    const std::string code = absl::StatusCodeToString(error.code());
    writer.Key("error");
    writer.StartObject();
    writer.Key("code");
    writer.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
    writer.Key("message");
    writer.String(error.message().data(), static_cast<rapidjson::SizeType>(error.message().size()));
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// What a payload line gave: its output line, and why it failed (OK when it normalised).
struct LineResult {
  std::string output;
  absl::Status status;
};

LineResult Failed(int64_t number, absl::string_view kind, absl::Status status) {
  std::string output = OutputLine(number, kind, nullptr, "", status);
  return {std::move(output), std::move(status)};
}

LineResult NormalizeLine(int64_t number, const Line& line, const LinesOptions& options) {
  std::string kind = IsAuto(options.kind) ? "" : options.kind;
  if (line.length > options.max_line_bytes) {
    return Failed(number, kind,
                  absl::OutOfRangeError(absl::StrCat("the line is longer than the limit of ",
                                                     options.max_line_bytes, " bytes")));
  }
  if (kind.empty()) {
    absl::StatusOr<std::string> detected = DetectPayloadKind(line.text);
    if (!detected.ok()) return Failed(number, kind, detected.status());
    kind = *std::move(detected);
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
      NormalizeAs(line.text, kind, options.include_raw);
  if (!message.ok()) return Failed(number, kind, message.status());
  absl::StatusOr<std::string> json = PrintJson(**message, /*add_whitespace=*/false);
  if (!json.ok()) return Failed(number, kind, json.status());
  // A page kind answers the response of a listing, not one Evaluation.
  const bool evaluation = (*message)->GetDescriptor() == fpgw::v1::Evaluation::descriptor();
  return {OutputLine(number, kind, evaluation ? "evaluation" : "response", *json, absl::OkStatus()),
          absl::OkStatus()};
}

}  // namespace

const std::vector<std::string>& PayloadKinds() {
  static const auto* kinds = [] {
    auto* names = new std::vector<std::string>();
    for (const vendors::RegisteredKind& kind : RegisteredKinds()) names->push_back(kind.name);
    return names;
  }();
  return *kinds;
}

absl::Status CheckPayloadKind(absl::string_view kind) {
  if (IsAuto(kind) || FindKind(kind) != nullptr) return absl::OkStatus();
  return UnknownKind(kind);
}

absl::StatusOr<std::string> DetectPayloadKind(absl::string_view payload) {
  absl::StatusOr<rapidjson::Document> parsed = vendors::ParseJson(payload);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->IsObject()) return absl::InvalidArgumentError("the payload is not a JSON object");
  for (const vendors::RegisteredKind& kind : RegisteredKinds()) {
    if (kind.detect && kind.detect(*parsed)) return kind.name;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot tell the payload kind; pass --kind (one of ",
                   absl::StrJoin(PayloadKinds(), ", "), ")"));
}

absl::StatusOr<std::string> NormalizeToJson(absl::string_view payload, std::string kind,
                                            bool include_raw) {
  if (IsAuto(kind)) {
    absl::StatusOr<std::string> detected = DetectPayloadKind(payload);
    if (!detected.ok()) return detected.status();
    kind = *std::move(detected);
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
      NormalizeAs(payload, kind, include_raw);
  if (!message.ok()) return message.status();
  return PrintJson(**message, /*add_whitespace=*/true);
}

absl::StatusOr<LinesSummary> NormalizeLines(std::istream& in, std::ostream& out,
                                            std::ostream& diagnostics,
                                            const LinesOptions& options) {
  if (absl::Status known = CheckPayloadKind(options.kind); !known.ok()) return known;
  LinesSummary summary;
  Line line;
  for (int64_t number = 1; ReadLine(in, options.max_line_bytes, line); ++number) {
    if (line.length <= options.max_line_bytes && IsBlank(line.text)) continue;
    ++summary.payloads;
    const LineResult result = NormalizeLine(number, line, options);
    out << result.output << '\n' << std::flush;
    if (!out) return absl::UnavailableError("the output cannot be written");
    if (!result.status.ok()) {
      ++summary.failed;
      diagnostics << "fpgw normalize: line " << number << ": " << result.status.message() << '\n';
    }
  }
  if (in.bad()) return absl::UnavailableError("the input cannot be read");
  return summary;
}

}  // namespace fpgw::cli
