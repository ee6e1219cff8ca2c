// `fpgw normalize`: turns a saved vendor payload (any kind of any vendor) into the JSON of the
// Evaluation — or, for pages, of the response — that fpgw would have answered, for debugging,
// batch exports and tests. NormalizeLines() does the same for a stream of payloads, one per line
// (NDJSON), answering one JSON line per payload as it reads them.
#ifndef FPGW_MAIN_NORMALIZE_H_
#define FPGW_MAIN_NORMALIZE_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fpgw::cli {

// The kinds `--kind` accepts.
const std::vector<std::string>& PayloadKinds();

// OK when `kind` is "auto", "" (both: detect) or one of PayloadKinds(); INVALID_ARGUMENT naming
// the kinds otherwise.
absl::Status CheckPayloadKind(absl::string_view kind);

// The kind of `payload` when its shape tells it unambiguously; INVALID_ARGUMENT otherwise (or
// when it is not a JSON object).
absl::StatusOr<std::string> DetectPayloadKind(absl::string_view payload);

// Normalises `payload` of `kind` ("auto" or "" to detect) to grpcurl-style JSON (proto field
// names). `include_raw` fills Evaluation.raw. INVALID_ARGUMENT for an unreadable payload or an
// unknown kind.
absl::StatusOr<std::string> NormalizeToJson(absl::string_view payload, std::string kind,
                                            bool include_raw);

// The longest input line NormalizeLines() reads by default, without its '\n'. A longer line is an
// OUT_OF_RANGE error line; its bytes past the limit are skipped, never held.
inline constexpr size_t kMaxLineBytes = size_t{4} << 20;

struct LinesOptions {
  // "auto" (or "") detects each line's kind on its own; any other value must pass
  // CheckPayloadKind() and applies to every line.
  std::string kind = "auto";
  // Fills Evaluation.raw (EVALUATION_VIEW_FULL).
  bool include_raw = false;
  size_t max_line_bytes = kMaxLineBytes;
};

struct LinesSummary {
  // Payload lines read (blank lines are not payloads).
  int64_t payloads = 0;
  // Of those, the lines answered with an error.
  int64_t failed = 0;
};

// Reads newline-delimited payloads from `in` and writes one compact JSON line per payload to
// `out`, in input order, flushing each as soon as it is written (so a consumer at the other end
// of a pipe sees it before the next line is read). Memory is bounded by the longest line kept
// (at most `options.max_line_bytes`); the input is never held whole. Each output line is one of
//   {"line":N,"kind":K,"evaluation":{...}}                 the line's Evaluation
//   {"line":N,"kind":K,"response":{...}}                   the response of a page kind
//   {"line":N,"kind":K,"error":{"code":C,"message":M}}     a line that could not be normalised
// where N is the line's number in the input (from 1), K the kind named or detected ("kind" is
// absent from an error line when it is not known), C a canonical status code name and M the
// reason, which never quotes the line. Blank lines (only JSON whitespace) are skipped: no output,
// but they are counted in N. A '\r' before '\n' is JSON whitespace, so CRLF input reads as is.
// A failing line is also named on `diagnostics`, and the batch goes on.
//
// Fails only as a whole: INVALID_ARGUMENT for an unknown `options.kind` (before reading), and
// UNAVAILABLE when `in` cannot be read or `out` cannot be written (what was written stands).
absl::StatusOr<LinesSummary> NormalizeLines(std::istream& in, std::ostream& out,
                                            std::ostream& diagnostics, const LinesOptions& options);

}  // namespace fpgw::cli

#endif  // FPGW_MAIN_NORMALIZE_H_
