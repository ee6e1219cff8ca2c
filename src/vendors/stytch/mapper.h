// Stytch Device Fingerprinting payloads ↔ fpgw.v1 messages. Pure functions (no I/O), shared by
// the adapter, the tests and the fuzzers: the fingerprint lookup response (POST and the deprecated
// GET shape) → Evaluation; the error object → vendor error code; rules and verdict reasons in both
// directions (request bodies from fpgw.v1 messages, response bodies to fpgw.v1 messages).
//
// Unknown fields are ignored (they stay in `raw`); a field of the wrong type, or a required field
// that is absent, is schema drift: the evaluation is marked partial and lists the field, and
// mapping goes on. See mapper.cc for the inferences the mapping makes.
#ifndef FPGW_VENDORS_STYTCH_MAPPER_H_
#define FPGW_VENDORS_STYTCH_MAPPER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fpgw/v1/admin_service.pb.h"
#include "fpgw/v1/evaluation.pb.h"
#include "fpgw/v1/evaluation_service.pb.h"
#include "rapidjson/document.h"
#include "vendors/common/json_reader.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::stytch {

// The API version every Stytch fraud endpoint lives under.
inline constexpr absl::string_view kApiVersion = "v1";

// Context for one mapping.
struct MapOptions {
  std::string integration;
  fpgw::v1::PayloadKind payload_kind = fpgw::v1::PAYLOAD_KIND_LOOKUP;
  absl::Time fetch_time = absl::Now();
  bool include_raw = false;
};

// The Stytch error object (every fraud endpoint, any status >= 400).
struct ErrorObject {
  int status_code = 0;
  std::string request_id;
  std::string error_type;
  std::string error_message;
  std::string error_url;
};

// One page of `POST /v1/rules/list`.
struct RuleList {
  std::vector<fpgw::v1::Rule> rules;
  // Empty on the last page (the vendor sends null or omits it).
  std::string next_cursor;
};

// Maps one lookup response object (POST or deprecated GET) whose JSON path is `path`.
void MapLookup(const Json& lookup, const std::string& path, const MapOptions& options,
               fpgw::v1::Evaluation* evaluation);

// Parses and maps a lookup body. INVALID_ARGUMENT when the body is not a JSON object.
absl::StatusOr<fpgw::v1::Evaluation> NormalizeLookup(absl::string_view body,
                                                     const MapOptions& options);

// Parses a Stytch error object. INVALID_ARGUMENT when it has no `error_type`.
absl::StatusOr<ErrorObject> ParseErrorObject(absl::string_view body);

// The `error_type` of an error body, or "" when there is none (an ErrorCodeReader).
std::string ReadErrorCode(absl::string_view body);

// ---- Lookup requests.

// Checks one external_metadata value: at most 65 characters of [A-Za-z0-9_\-+.@]. Empty is
// allowed (the field is left out). INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckExternalMetadataValue(absl::string_view field, absl::string_view value);

// The `POST /v1/fingerprint/lookup` body for `request` (token and `stytch` options).
// INVALID_ARGUMENT naming `stytch.<field>` when an external_metadata value is not acceptable.
absl::StatusOr<std::string> LookupRequestJson(const fpgw::v1::EvaluateRequest& request);

// ---- Actions and rules.

// "ALLOW" / "CHALLENGE" / "BLOCK" → Action; "NONE" and anything else → nullopt.
std::optional<fpgw::v1::Action> ParseAction(absl::string_view text);
// Action → "ALLOW" / "CHALLENGE" / "BLOCK"; ACTION_UNSPECIFIED → "NONE".
absl::string_view ActionName(fpgw::v1::Action action);

// The request-body key of an identifier type ("visitor_id", ..., "asn"); "" for UNSPECIFIED.
absl::string_view IdentifierKey(fpgw::v1::RuleIdentifierType type);
// The `rule_type` / `rule_match_type` value of an identifier type ("VISITOR_ID", ...).
absl::string_view RuleTypeName(fpgw::v1::RuleIdentifierType type);
// "VISITOR_ID" ... → identifier type; RULE_IDENTIFIER_TYPE_UNSPECIFIED for anything else.
fpgw::v1::RuleIdentifierType ParseRuleType(absl::string_view text);

// The `POST /v1/rules/set` body. INVALID_ARGUMENT (field `rule.identifier_type`) for an
// unspecified identifier type, (field `rule.action`) for ALLOW on a country code.
absl::StatusOr<std::string> SetRuleRequestJson(const fpgw::v1::SetRuleRequest& request);

// Maps a `rules/set` response to the rule as stored: identifier and description from `request`,
// action and expiry from the response. INVALID_ARGUMENT when the body is not a JSON object.
absl::StatusOr<fpgw::v1::Rule> ParseSetRuleResponse(absl::string_view body,
                                                    const fpgw::v1::SetRuleRequest& request);

// The `POST /v1/rules/list` body. `limit` <= 0 leaves it to the vendor's default.
std::string ListRulesRequestJson(int limit, absl::string_view cursor);

// Maps one `Rule` object. Unknown rule types keep UNSPECIFIED and the first identifier present.
fpgw::v1::Rule ParseRule(const Json& rule);

// Maps a `rules/list` response. INVALID_ARGUMENT when it is not an object with a `rules` array.
absl::StatusOr<RuleList> ParseListRulesResponse(absl::string_view body);

// ---- Verdict reasons.

// The `POST /v1/verdict_reasons/override` body (ACTION_UNSPECIFIED sends "NONE").
std::string VerdictReasonOverrideRequestJson(
    const fpgw::v1::SetVerdictReasonOverrideRequest& request);

// The `POST /v1/verdict_reasons/list` body.
std::string ListVerdictReasonsRequestJson(bool overrides_only);

// Maps one `VerdictReasonAction` object.
fpgw::v1::VerdictReason ParseVerdictReason(const Json& reason);

// Maps an override response (`verdict_reason_action`). INVALID_ARGUMENT when it has none.
absl::StatusOr<fpgw::v1::VerdictReason> ParseVerdictReasonOverrideResponse(absl::string_view body);

// Maps a list response (`verdict_reason_actions`). INVALID_ARGUMENT when it has none.
absl::StatusOr<std::vector<fpgw::v1::VerdictReason>> ParseListVerdictReasonsResponse(
    absl::string_view body);

// The vendor's error codes and what each means for the caller (errors.cc); every other answer
// goes by its HTTP status (vendors/common/vendor_errors.h).
ErrorRows ErrorTable();

}  // namespace fpgw::vendors::stytch

#endif  // FPGW_VENDORS_STYTCH_MAPPER_H_
