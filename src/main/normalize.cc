// `fpgw normalize`: every payload kind of every vendor (vendors/registry.h), named by flag or
// detected from the payload.
#include "main/normalize.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "vendors/common/json_reader.h"
#include "vendors/registry.h"

namespace fpgw::cli {

const std::vector<std::string>& PayloadKinds() {
  static const auto* kinds = [] {
    auto* names = new std::vector<std::string>();
    for (const vendors::RegisteredKind& kind : vendors::PayloadKinds()) names->push_back(kind.name);
    return names;
  }();
  return *kinds;
}

absl::StatusOr<std::string> DetectPayloadKind(absl::string_view payload) {
  absl::StatusOr<rapidjson::Document> parsed = vendors::ParseJson(payload);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->IsObject()) return absl::InvalidArgumentError("the payload is not a JSON object");
  for (const vendors::RegisteredKind& kind : vendors::PayloadKinds()) {
    if (kind.detect && kind.detect(*parsed)) return kind.name;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot tell the payload kind; pass --kind (one of ",
                   absl::StrJoin(PayloadKinds(), ", "), ")"));
}

absl::StatusOr<std::string> NormalizeToJson(absl::string_view payload, std::string kind,
                                            bool include_raw) {
  if (kind.empty() || kind == "auto") {
    absl::StatusOr<std::string> detected = DetectPayloadKind(payload);
    if (!detected.ok()) return detected.status();
    kind = *std::move(detected);
  }
  for (const vendors::RegisteredKind& candidate : vendors::PayloadKinds()) {
    if (candidate.name != kind) continue;
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
        candidate.normalize(payload, include_raw);
    if (!message.ok()) return message.status();
    google::protobuf::util::JsonPrintOptions print;
    print.add_whitespace = true;
    // The same field names grpcurl prints, so saved outputs compare directly.
    print.preserve_proto_field_names = true;
    std::string json;
    const google::protobuf::util::Status printed =
        google::protobuf::util::MessageToJsonString(**message, &json, print);
    if (!printed.ok()) return absl::InternalError(std::string(printed.message()));
    return json;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown --kind ", kind, " (one of ", absl::StrJoin(PayloadKinds(), ", "), ")"));
}

}  // namespace fpgw::cli
