// Fingerprint Server API v3 payloads → fpgw.v1.Evaluation. Pure functions (no I/O), shared by the
// adapter, the conformance tests and the fuzzers. The evaluation has the same groups as the v4
// mapping; only the vendor shapes differ:
// - `EventsGetResponse` (GET /events/{request_id}, search hits, sealed results): one
//   `products.<name>` object per product, holding either `data` or `error`. A product with `error`
//   does not fail the call: it becomes a SignalFailure {signal: <name>, code, message}, the
//   evaluation is partial, and the product's signals stay unknown.
// - `VisitorsGetResponse` (GET /visitors/{visitor_id}): identification-only visits; the visitor id
//   is at the response root.
// - `Webhook`: the identification fields and one object per Smart Signal, flat at the root.
// Unknown fields and products are ignored (they stay in `raw`); a field of the wrong type or an
// out-of-enum value is schema drift: the evaluation is marked partial and lists the field, and
// mapping goes on.
#ifndef FPGW_VENDORS_FINGERPRINT_V3_MAPPER_H_
#define FPGW_VENDORS_FINGERPRINT_V3_MAPPER_H_

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

namespace fpgw::vendors::fingerprint_v3 {

// Context for one mapping.
using MapOptions = fingerprint::MapOptions;

// A page of `GET /events/search`: `pagination_key` is the vendor's `paginationKey` (the timestamp
// of the last event), empty on the last page.
struct SearchResult {
  std::vector<fpgw::v1::Evaluation> evaluations;
  std::string pagination_key;
};

// A page of `GET /visitors/{visitor_id}`: `pagination_key` is the vendor's `paginationKey` (the
// request id of the last visit), empty on the last page.
struct VisitsResult {
  std::string visitor_id;
  std::vector<fpgw::v1::Evaluation> evaluations;
  std::string pagination_key;
};

// A v3 error body. `ErrorResponse` is `{"error": {"code", "message"}}`; getVisits answers with
// `ErrorPlainResponse` `{"error": "<message>"}`, which has no code (`plain` is then true, `code`
// empty, and the HTTP status alone decides the mapping).
struct ErrorBody {
  std::string code;
  std::string message;
  bool plain = false;
};

// Maps one `EventsGetResponse` object whose JSON path is `path` into `evaluation`.
void MapEventsResponse(const Json& response, const std::string& path, const MapOptions& options,
                       fpgw::v1::Evaluation* evaluation);

// Maps one element of `visits[]`; `visitor_id` is the response's root `visitorId`.
void MapVisit(const Json& visit, const std::string& path, const std::string& visitor_id,
              const MapOptions& options, fpgw::v1::Evaluation* evaluation);

// Maps one flat `Webhook` body whose JSON path is `path`.
void MapWebhook(const Json& webhook, const std::string& path, const MapOptions& options,
                fpgw::v1::Evaluation* evaluation);

// Parses and maps an `EventsGetResponse` body. INVALID_ARGUMENT when the body is not JSON or not
// an object with a `products` object.
absl::StatusOr<fpgw::v1::Evaluation> NormalizeEvent(absl::string_view body,
                                                    const MapOptions& options);

// Parses and maps a `SearchEventsResponse` body (hits get PAYLOAD_KIND_SEARCH_HIT). A missing
// `events` is an empty page (the field is optional in the schema); INVALID_ARGUMENT when the body
// is not a JSON object or `events` is not an array. A hit that is not an event object yields a
// partial evaluation with drift.
absl::StatusOr<SearchResult> NormalizeSearch(absl::string_view body, const MapOptions& options);

// Parses and maps a `VisitorsGetResponse` body (entries get PAYLOAD_KIND_HISTORY_ENTRY).
// INVALID_ARGUMENT when it is not an object with a `visits` array.
absl::StatusOr<VisitsResult> NormalizeVisits(absl::string_view body, const MapOptions& options);

// Parses and maps a `Webhook` body (PAYLOAD_KIND_WEBHOOK unless `options` says otherwise).
// INVALID_ARGUMENT when the body is not a JSON object.
absl::StatusOr<fpgw::v1::Evaluation> NormalizeWebhook(absl::string_view body,
                                                      const MapOptions& options);

// The visitor ids of a `RelatedVisitorsResponse` body, in vendor order. INVALID_ARGUMENT when it is
// not an object with a `relatedVisitors` array; entries without a string `visitorId` are skipped.
absl::StatusOr<std::vector<std::string>> NormalizeRelatedVisitors(absl::string_view body);

// Parses either v3 error body. INVALID_ARGUMENT when it is neither shape.
absl::StatusOr<ErrorBody> ParseErrorBody(absl::string_view body);

// The `error.code` of an error body; "" when the body has none (for v3's plain getVisits errors the
// HTTP status then decides) or is not an error body at all.
std::string ReadErrorCode(absl::string_view body);

// The vendor's error codes and what each means for the caller (errors.cc); every other answer
// goes by its HTTP status (vendors/common/vendor_errors.h).
ErrorRows ErrorTable();

}  // namespace fpgw::vendors::fingerprint_v3

#endif  // FPGW_VENDORS_FINGERPRINT_V3_MAPPER_H_
