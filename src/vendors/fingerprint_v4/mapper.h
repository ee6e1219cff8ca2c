// Fingerprint Server API v4 payloads → fpgw.v1.Evaluation. Pure functions (no I/O), shared by the
// adapter, `fpgw normalize`, the conformance tests and the fuzzers. Unknown fields are ignored
// (they stay in `raw`); a field of the wrong type is schema drift: the evaluation is marked
// partial and lists the field, and mapping goes on.
#ifndef FPGW_VENDORS_FINGERPRINT_V4_MAPPER_H_
#define FPGW_VENDORS_FINGERPRINT_V4_MAPPER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fpgw/v1/evaluation.pb.h"
#include "rapidjson/document.h"
#include "vendors/common/json_reader.h"
#include "vendors/common/vendor_errors.h"
#include "vendors/fingerprint_common/mapping.h"

namespace fpgw::vendors::fingerprint_v4 {

// Context for one mapping.
using MapOptions = fingerprint::MapOptions;

// A page of search results.
struct SearchResult {
  std::vector<fpgw::v1::Evaluation> evaluations;
  std::string pagination_key;
  std::optional<int64_t> total_hits;
};

// The `error` object of a v4 error body.
struct ErrorBody {
  std::string code;
  std::string message;
};

// Maps one `Event` object (GET /v4/events/{id}, a search hit, a webhook or a sealed result) whose
// JSON path is `path` into `evaluation`.
void MapEvent(const Json& event, const std::string& path, const MapOptions& options,
              fpgw::v1::Evaluation* evaluation);

// Parses and maps an `Event` body. INVALID_ARGUMENT when the body is not a JSON object.
absl::StatusOr<fpgw::v1::Evaluation> NormalizeEvent(absl::string_view body,
                                                    const MapOptions& options);

// Parses and maps an `EventSearch` body. INVALID_ARGUMENT when it is not an object with `events`.
absl::StatusOr<SearchResult> NormalizeSearch(absl::string_view body, const MapOptions& options);

// Parses a v4 `ErrorResponse` body. INVALID_ARGUMENT when it has no `error.code`.
absl::StatusOr<ErrorBody> ParseErrorBody(absl::string_view body);

// The `error.code` of an error body; "" when the body has none (for v3's plain getVisits errors the
// HTTP status then decides) or is not an error body at all.
std::string ReadErrorCode(absl::string_view body);

// The vendor's error codes and what each means for the caller (errors.cc); every other answer
// goes by its HTTP status (vendors/common/vendor_errors.h).
ErrorRows ErrorTable();

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_MAPPER_H_
