// `fpgw normalize`: turns a saved vendor payload (any kind of any vendor) into the JSON of the
// Evaluation — or, for pages, of the response — that fpgw would have answered, for debugging,
// batch exports and tests.
#ifndef FPGW_MAIN_NORMALIZE_H_
#define FPGW_MAIN_NORMALIZE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fpgw::cli {

// The kinds `--kind` accepts.
const std::vector<std::string>& PayloadKinds();

// The kind of `payload` when its shape tells it unambiguously; INVALID_ARGUMENT otherwise (or
// when it is not a JSON object).
absl::StatusOr<std::string> DetectPayloadKind(absl::string_view payload);

// Normalises `payload` of `kind` ("auto" or "" to detect) to grpcurl-style JSON (proto field
// names). `include_raw` fills Evaluation.raw. INVALID_ARGUMENT for an unreadable payload or an
// unknown kind.
absl::StatusOr<std::string> NormalizeToJson(absl::string_view payload, std::string kind,
                                            bool include_raw);

}  // namespace fpgw::cli

#endif  // FPGW_MAIN_NORMALIZE_H_
