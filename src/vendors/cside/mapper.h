// cside payloads → fpgw.v1.Evaluation. Pure functions (no I/O), shared by the adapter, the tests
// and the fuzzers.
//
// What is documented (CONTRACTS.md §1.3–1.4) is mapped as fact: `status` ("pending" or completed),
// `created_at` / `updated_at` (integer Unix milliseconds), the seven enrichment blocks being JSON
// objects, and the device-entries page (`device_id`, `entries`, `limit`, `offset`, `next_offset`,
// `has_more`). The inner structure of the enrichment blocks is NOT published: every inner field the
// mapper reads is an assumption, listed once in kAssumedPaths (mirrored, and checked by a test, in
// src/vendors/cside/ASSUMED_PATHS.md). Everything else stays in `raw`. A value of an unexpected
// type is schema drift (the evaluation is partial and names the path); mapping never fails on it.
#ifndef FPGW_VENDORS_CSIDE_MAPPER_H_
#define FPGW_VENDORS_CSIDE_MAPPER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "fpgw/v1/evaluation.pb.h"
#include "rapidjson/document.h"
#include "vendors/common/json_reader.h"

namespace fpgw::vendors::cside {

// The JSON shape an assumed path must have; anything else is drift (`expected` = TypeName()).
enum class ValueType {
  kString,
  kBoolean,
  // A number in [0, 1].
  kUnitInterval,
  // A number in [-90, 90].
  kLatitude,
  // A number in [-180, 180].
  kLongitude,
  // An integer count of Unix milliseconds (the unit of the documented `created_at`).
  kUnixMillis,
  // An AS number: a JSON integer, or a string of digits optionally prefixed "AS".
  kAsNumber,
  // A JSON object whose values are strings.
  kStringMap,
  // A string: two ASCII letters go to the field (a country code, upper-cased), anything longer to
  // the message's `country_name`.
  kCountryCodeOrName,
  // A boolean "is a bot": true → BOT_RESULT_BAD, false → BOT_RESULT_NOT_DETECTED.
  kBotFlag,
};

// One assumed (unpublished) path inside a cside payload. When several rows fill the same field,
// the first row whose value is present and well-typed wins.
struct AssumedPath {
  // Dotted path from the payload root, e.g. "geo_data.country_code".
  const char* path;
  ValueType type;
  // The Evaluation field it fills, as a dotted field path resolved against the descriptor.
  const char* field;
};

// Every assumed path the mapper reads, in precedence order. The one source of truth; the table in
// ASSUMED_PATHS.md must list exactly these rows (assumed_paths_doc test).
absl::Span<const AssumedPath> AssumedPaths();

// "string", "boolean", ... as written in ASSUMED_PATHS.md and in FieldDrift.expected.
const char* TypeName(ValueType type);
// The row's Evaluation field as ASSUMED_PATHS.md describes it ("identity.device_id", ...).
std::string FieldDescription(const AssumedPath& row);

// Context for one mapping.
struct MapOptions {
  std::string integration;
  // "v2" for /token/v2/*, "v1" for the public /token/v1/client payload.
  std::string api_version = "v2";
  fpgw::v1::PayloadKind payload_kind = fpgw::v1::PAYLOAD_KIND_LOOKUP;
  absl::Time fetch_time = absl::Now();
  bool include_raw = false;
};

// One page of `/token/v2/device/entries`.
struct DeviceEntriesPage {
  std::vector<fpgw::v1::Evaluation> evaluations;
  // `next_offset` as decimal text when `has_more` is true; empty on the last page.
  std::string next_cursor;
  std::string device_id;
  // Page-level fields of an unexpected type or value (they belong to no single evaluation).
  std::vector<fpgw::v1::FieldDrift> drift;
};

// True when `payload` is `{"status": "pending", ...}`.
bool IsPendingPayload(const Json& payload);

// Maps one verify payload (or one device entry) whose JSON path is `path` into `evaluation`.
void MapPayload(const Json& payload, const std::string& path, const MapOptions& options,
                fpgw::v1::Evaluation* evaluation);

// Parses and maps a verify (or public /token/v1/client) body. INVALID_ARGUMENT when the body is
// not a JSON object.
absl::StatusOr<fpgw::v1::Evaluation> NormalizeVerify(absl::string_view body,
                                                     const MapOptions& options);

// The evaluation of a 202 whose body could not be read: only `source`, status PENDING.
fpgw::v1::Evaluation PendingEvaluation(const MapOptions& options);

// Parses and maps a device-entries page; entries are PAYLOAD_KIND_HISTORY_ENTRY and inherit the
// page's `device_id` when they carry none. INVALID_ARGUMENT when the body is not an object with an
// `entries` array. The cursor follows `next_offset`; it is never computed.
absl::StatusOr<DeviceEntriesPage> NormalizeDeviceEntries(absl::string_view body,
                                                         const MapOptions& options);

// The vendor error code of a cside error body: `error_message` (verify) or `error` (entries), but
// only when it looks like a code (one token of letters, digits, `_ - .`, at most 64 characters).
// Free text is never returned: it would reach callers. "" otherwise.
std::string ReadErrorCode(absl::string_view body);

// The fingerprint id of a `/token/v1/clientId` plain-text body (surrounding whitespace trimmed).
// INVALID_ARGUMENT when the body is not a plausible id (empty, over 256 characters, spaces or
// control characters, or JSON/HTML).
absl::StatusOr<std::string> ParseClientId(absl::string_view body);

}  // namespace fpgw::vendors::cside

#endif  // FPGW_VENDORS_CSIDE_MAPPER_H_
