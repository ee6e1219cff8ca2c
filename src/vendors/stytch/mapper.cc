// Stytch `POST /v1/fingerprint/lookup` (and the deprecated GET) → fpgw.v1.Evaluation, following
// the normalisation map (CONTRACTS.md §4, column "Stytch lookup"), plus the rules and
// verdict-reason bodies (§2.5, §2.6). Pure functions: no I/O.
//
// Inferences the mapping makes, because Stytch has no dedicated field for them:
// - identity.device_id is `fingerprints.visitor_id` (the cookie) when present, else the cookie-less
//   `fingerprints.visitor_fingerprint`; the four `*_fingerprint` values go to
//   identity.fingerprints by their JSON names.
// - verdict.origin is VENDOR_RULE when `verdict.reasons` contains RULE_MATCH (a customer rule
//   decided), else VENDOR_VERDICT. An empty `rule_match_type` (the GET example sends "") is unset.
// - signals.tampering.authentic_device is `verdict.is_authentic_device`; tampering is detected
//   (TRUE) when it is false, and FALSE when it is true (the vendor checked and found no hardware or
//   browser deception).
// - signals.bot.result is BAD when reasons contain HEADLESS_BROWSER_AUTOMATION, and
//   signals.virtual_machine is TRUE when reasons contain VIRTUAL_MACHINE. Their absence says
//   nothing (Stytch reports no "not detected"), so they stay unknown otherwise.
// - `ip_geolocation.country` is documented without a format: two letters are an ISO 3166-1
//   alpha-2 code (upper-cased into country_code), anything else a name (country_name).
// - `asn.asn` is a decimal string, with or without an "AS" prefix.
// - client.os_architecture is `verdict.detected_device_type`, which the vendor describes as "the
//   operating system and architecture that took the fingerprint"; its "UNKNOWN" stays unset.
// - `request_id` may be absent (the vendor's own GET example has none): source.vendor_request_id
//   then stays unset, without drift.
#include "vendors/stytch/mapper.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "common/json_chars.h"
#include "google/protobuf/util/time_util.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace fpgw::vendors::stytch {
namespace {

using fpgw::v1::Evaluation;

constexpr size_t kMaxExternalMetadataChars = 65;

// The four fingerprints of `fingerprints`, by their JSON names.
constexpr const char* kFingerprintKeys[] = {"visitor_fingerprint", "browser_fingerprint",
                                            "hardware_fingerprint", "network_fingerprint"};

struct IdentifierName {
  fpgw::v1::RuleIdentifierType type;
  absl::string_view key;
  absl::string_view rule_type;
};

// In the vendor's precedence order (CONTRACTS.md §2.5).
constexpr IdentifierName kIdentifiers[] = {
    {fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID, "visitor_id", "VISITOR_ID"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_BROWSER_ID, "browser_id", "BROWSER_ID"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_FINGERPRINT, "visitor_fingerprint",
     "VISITOR_FINGERPRINT"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_BROWSER_FINGERPRINT, "browser_fingerprint",
     "BROWSER_FINGERPRINT"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_HARDWARE_FINGERPRINT, "hardware_fingerprint",
     "HARDWARE_FINGERPRINT"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_NETWORK_FINGERPRINT, "network_fingerprint",
     "NETWORK_FINGERPRINT"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_CIDR_BLOCK, "cidr_block", "CIDR_BLOCK"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_ASN, "asn", "ASN"},
    {fpgw::v1::RULE_IDENTIFIER_TYPE_COUNTRY_CODE, "country_code", "COUNTRY_CODE"},
};

void SetIf(const std::optional<std::string>& value, std::string* out) {
  if (value.has_value()) *out = *value;
}

std::string Write(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Value Str(absl::string_view text, rapidjson::Document::AllocatorType& alloc) {
  return rapidjson::Value(fpgw::JsonChars(text), static_cast<rapidjson::SizeType>(text.size()),
                          alloc);
}

// Reads an RFC 3339 string at `obj.key`; drift when it is not one.
bool ReadTime(const JsonObject& obj, const char* key, google::protobuf::Timestamp* out) {
  std::optional<std::string> text = obj.String(key);
  if (!text.has_value()) return false;
  if (SetTimestampRfc3339(*text, out)) return true;
  obj.Drift(key, "RFC 3339 timestamp");
  return false;
}

// Reads an action at `obj.key`; drift for a value outside ALLOW/CHALLENGE/BLOCK (and NONE when
// `none_ok`).
fpgw::v1::Action ReadAction(const JsonObject& obj, const char* key, bool none_ok) {
  std::optional<std::string> text = obj.String(key);
  if (!text.has_value()) return fpgw::v1::ACTION_UNSPECIFIED;
  if (std::optional<fpgw::v1::Action> action = ParseAction(*text)) return *action;
  if (!(none_ok && *text == "NONE")) {
    obj.Drift(key,
              none_ok ? "one of ALLOW, CHALLENGE, BLOCK, NONE" : "one of ALLOW, CHALLENGE, BLOCK");
  }
  return fpgw::v1::ACTION_UNSPECIFIED;
}

bool IsExternalMetadataChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' ||
         c == '.' || c == '@';
}

void MapIdentity(const JsonObject& lookup, Evaluation* evaluation) {
  fpgw::v1::Identity* identity = evaluation->mutable_identity();
  if (std::optional<std::string> telemetry_id = lookup.String("telemetry_id")) {
    identity->set_event_id(*telemetry_id);
  } else if (lookup.Raw("telemetry_id") == nullptr) {
    lookup.Drift("telemetry_id", "string (required)");
  }

  const JsonObject fingerprints = lookup.Object("fingerprints");
  if (!fingerprints.present() && lookup.Raw("fingerprints") == nullptr) {
    lookup.Drift("fingerprints", "object (required)");
  }
  for (const char* key : kFingerprintKeys) {
    std::optional<std::string> value = fingerprints.String(key);
    if (value.has_value() && !value->empty()) (*identity->mutable_fingerprints())[key] = *value;
  }
  std::optional<std::string> visitor_id = fingerprints.String("visitor_id");
  if (visitor_id.has_value() && !visitor_id->empty()) {
    identity->set_device_id(*visitor_id);
  } else {
    auto it = identity->fingerprints().find("visitor_fingerprint");
    if (it != identity->fingerprints().end()) identity->set_device_id(it->second);
  }
  SetIf(fingerprints.String("browser_id"), identity->mutable_browser_id());

  const JsonObject metadata = lookup.Object("external_metadata");
  if (const Json* raw = lookup.Raw("external_metadata"); raw != nullptr && raw->IsObject()) {
    for (const auto& member : raw->GetObject()) {
      const std::string key(member.name.GetString(), member.name.GetStringLength());
      if (member.value.IsString()) {
        if (member.value.GetStringLength() == 0) continue;
        (*identity->mutable_external_ids())[key] =
            std::string(member.value.GetString(), member.value.GetStringLength());
      } else if (!member.value.IsNull()) {
        metadata.Drift(key.c_str(), "string");
      }
    }
  }
  auto linked = identity->external_ids().find("external_id");
  if (linked != identity->external_ids().end()) identity->set_linked_id(linked->second);
}

void MapVerdict(const JsonObject& lookup, Evaluation* evaluation) {
  const JsonObject verdict = lookup.Object("verdict");
  if (!verdict.present()) {
    if (lookup.Raw("verdict") == nullptr) lookup.Drift("verdict", "object (required)");
    return;
  }
  fpgw::v1::Verdict* out = evaluation->mutable_verdict();
  out->set_action(ReadAction(verdict, "action", /*none_ok=*/false));

  bool rule_match = false;
  if (const Json* reasons = verdict.Array("reasons")) {
    size_t i = 0;
    for (const Json& reason : reasons->GetArray()) {
      if (!reason.IsString()) {
        verdict.Drift(absl::StrCat("reasons[", i, "]").c_str(), "string");
      } else {
        const absl::string_view name(reason.GetString(), reason.GetStringLength());
        out->add_reasons(std::string(name));
        if (name == "RULE_MATCH") rule_match = true;
      }
      ++i;
    }
  }
  if (out->action() != fpgw::v1::ACTION_UNSPECIFIED || out->reasons_size() > 0) {
    out->set_origin(rule_match ? fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE
                               : fpgw::v1::VERDICT_ORIGIN_VENDOR_VERDICT);
  }
  SetIf(verdict.String("rule_match_type"), out->mutable_rule_match_type());
  SetIf(verdict.String("rule_match_identifier"), out->mutable_rule_match_identifier());

  if (const Json* overrides = verdict.Array("verdict_reason_overrides")) {
    size_t i = 0;
    for (const Json& item : overrides->GetArray()) {
      const JsonObject entry(
          &item, absl::StrCat(verdict.path(), ".verdict_reason_overrides[", i++, "]"), evaluation);
      if (!entry.present()) {
        evaluation->set_partial(true);
        fpgw::v1::FieldDrift* drift = evaluation->add_drift();
        drift->set_path(entry.path());
        drift->set_expected("object");
        continue;
      }
      fpgw::v1::VerdictReasonOverride* override_out = out->add_overrides();
      SetIf(entry.String("verdict_reason"), override_out->mutable_verdict_reason());
      override_out->set_override_action(ReadAction(entry, "override_action", /*none_ok=*/true));
    }
  }

  // Signals Stytch reports only through the verdict.
  fpgw::v1::Signals* signals = evaluation->mutable_signals();
  if (std::optional<bool> authentic = verdict.Bool("is_authentic_device")) {
    signals->mutable_tampering()->set_authentic_device(ToTristate(authentic));
    signals->mutable_tampering()->mutable_signal()->set_detected(ToTristate(!*authentic));
  }
  for (const std::string& reason : out->reasons()) {
    if (reason == "HEADLESS_BROWSER_AUTOMATION") {
      signals->mutable_bot()->set_result(fpgw::v1::BOT_RESULT_BAD);
    } else if (reason == "VIRTUAL_MACHINE") {
      signals->mutable_virtual_machine()->set_detected(fpgw::v1::TRISTATE_TRUE);
    }
  }
  // "The operating system and architecture that took the fingerprint": not a device type.
  if (std::optional<std::string> os = verdict.String("detected_device_type");
      os && *os != "UNKNOWN") {
    evaluation->mutable_client()->set_os_architecture(*os);
  }
}

void MapProperties(const JsonObject& lookup, Evaluation* evaluation) {
  const JsonObject properties = lookup.Object("properties");
  if (!properties.present()) return;
  const JsonObject network = properties.Object("network_properties");
  fpgw::v1::Network* out = evaluation->mutable_network();
  SetIf(network.String("ip_address"), out->mutable_ip_address());

  const JsonObject geo = network.Object("ip_geolocation");
  if (geo.present()) {
    fpgw::v1::Geolocation* g = out->mutable_geolocation();
    SetIf(geo.String("city"), g->mutable_city());
    SetIf(geo.String("region"), g->mutable_region());
    if (std::optional<std::string> country = geo.String("country")) {
      if (country->size() == 2 && absl::ascii_isalpha(static_cast<unsigned char>((*country)[0])) &&
          absl::ascii_isalpha(static_cast<unsigned char>((*country)[1]))) {
        g->set_country_code(absl::AsciiStrToUpper(*country));
      } else if (!country->empty()) {
        g->set_country_name(*country);
      }
    }
  }

  const JsonObject asn = network.Object("asn");
  if (asn.present()) {
    fpgw::v1::Asn* a = out->mutable_asn();
    if (std::optional<std::string> number = asn.String("asn"); number && !number->empty()) {
      absl::string_view digits = *number;
      if (digits.size() > 2 && absl::StartsWithIgnoreCase(digits, "AS")) digits.remove_prefix(2);
      uint32_t value = 0;
      if (absl::SimpleAtoi(digits, &value)) {
        a->set_number(value);
      } else {
        asn.Drift("asn", "AS number as a decimal string");
      }
    }
    SetIf(asn.String("name"), a->mutable_name());
    SetIf(asn.String("network"), a->mutable_network());
  }

  fpgw::v1::Signals* signals = evaluation->mutable_signals();
  if (std::optional<bool> vpn = network.Bool("is_vpn")) {
    signals->mutable_vpn()->mutable_signal()->set_detected(ToTristate(vpn));
  }
  if (std::optional<bool> proxy = network.Bool("is_proxy")) {
    signals->mutable_proxy()->mutable_signal()->set_detected(ToTristate(proxy));
  }

  const JsonObject browser = properties.Object("browser_properties");
  SetIf(browser.String("user_agent"), evaluation->mutable_client()->mutable_user_agent());
}

// Reads a `Timestamp`-valued RFC 3339 member of a plain JSON object (rules, verdict reasons),
// where there is no evaluation to record drift in.
void TimeMember(const Json& object, const char* key, google::protobuf::Timestamp* out,
                bool* present) {
  auto it = object.FindMember(key);
  *present = false;
  if (it == object.MemberEnd() || !it->value.IsString()) return;
  *present = SetTimestampRfc3339(
      absl::string_view(it->value.GetString(), it->value.GetStringLength()), out);
}

std::string StringMember(const Json& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

absl::StatusOr<rapidjson::Document> ParseObject(absl::string_view body, absl::string_view what) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return doc.status();
  if (!doc->IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " must be a JSON object"));
  }
  return doc;
}

}  // namespace

void MapLookup(const Json& lookup_json, const std::string& path, const MapOptions& options,
               Evaluation* evaluation) {
  const JsonObject lookup(&lookup_json, path, evaluation);
  fpgw::v1::Source* source = evaluation->mutable_source();
  source->set_vendor(fpgw::v1::VENDOR_STYTCH);
  source->set_api_version(std::string(kApiVersion));
  source->set_integration(options.integration);
  source->set_payload_kind(options.payload_kind);
  source->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  *source->mutable_fetch_time() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      absl::ToUnixMillis(options.fetch_time));
  // Typed as required by the SDKs, yet absent from the vendor's own GET example: an absent id is
  // unknown, not drift (a value of another type still is).
  if (std::optional<std::string> request_id = lookup.String("request_id")) {
    source->set_vendor_request_id(*request_id);
  }
  if (!ReadTime(lookup, "created_at", source->mutable_event_time())) {
    source->clear_event_time();
    if (lookup.Raw("created_at") == nullptr) lookup.Drift("created_at", "RFC 3339 (required)");
  }
  if (!ReadTime(lookup, "expires_at", source->mutable_expire_time())) source->clear_expire_time();
  // Read for drift only: the HTTP status already said it.
  (void)lookup.Int("status_code");

  MapIdentity(lookup, evaluation);
  MapVerdict(lookup, evaluation);
  MapProperties(lookup, evaluation);
  // Free-form and only for enabled projects: kept in `raw` only.
  (void)lookup.Object("raw_signals");

  if (options.include_raw) JsonToStruct(lookup_json, evaluation->mutable_raw());
}

absl::StatusOr<Evaluation> NormalizeLookup(absl::string_view body, const MapOptions& options) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(body, "a lookup response");
  if (!doc.ok()) return doc.status();
  Evaluation evaluation;
  MapLookup(*doc, "$", options, &evaluation);
  return evaluation;
}

absl::StatusOr<ErrorObject> ParseErrorObject(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(body, "an error body");
  if (!doc.ok()) return doc.status();
  ErrorObject out;
  out.error_type = StringMember(*doc, "error_type");
  if (out.error_type.empty()) return absl::InvalidArgumentError("an error body needs error_type");
  out.request_id = StringMember(*doc, "request_id");
  out.error_message = StringMember(*doc, "error_message");
  out.error_url = StringMember(*doc, "error_url");
  auto status = doc->FindMember("status_code");
  if (status != doc->MemberEnd() && status->value.IsInt()) out.status_code = status->value.GetInt();
  return out;
}

std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorObject> error = ParseErrorObject(body);
  return error.ok() ? error->error_type : "";
}

absl::Status CheckExternalMetadataValue(absl::string_view field, absl::string_view value) {
  if (value.size() > kMaxExternalMetadataChars ||
      !std::all_of(value.begin(), value.end(), IsExternalMetadataChar)) {
    return InvalidField(field, "at most 65 characters of letters, digits and _ - + . @");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LookupRequestJson(const fpgw::v1::EvaluateRequest& request) {
  const fpgw::v1::StytchOptions& stytch = request.stytch();
  const std::pair<const char*, const std::string*> fields[] = {
      {"external_id", &stytch.external_id()},
      {"organization_id", &stytch.organization_id()},
      {"user_action", &stytch.user_action()},
  };
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("telemetry_id", Str(request.token(), alloc), alloc);
  rapidjson::Value metadata(rapidjson::kObjectType);
  for (const auto& [key, value] : fields) {
    absl::Status check = CheckExternalMetadataValue(absl::StrCat("stytch.", key), *value);
    if (!check.ok()) return check;
    if (!value->empty()) metadata.AddMember(rapidjson::StringRef(key), Str(*value, alloc), alloc);
  }
  if (!metadata.ObjectEmpty()) doc.AddMember("external_metadata", metadata, alloc);
  return Write(doc);
}

std::optional<fpgw::v1::Action> ParseAction(absl::string_view text) {
  if (text == "ALLOW") return fpgw::v1::ACTION_ALLOW;
  if (text == "CHALLENGE") return fpgw::v1::ACTION_CHALLENGE;
  if (text == "BLOCK") return fpgw::v1::ACTION_BLOCK;
  return std::nullopt;
}

absl::string_view ActionName(fpgw::v1::Action action) {
  switch (action) {
    case fpgw::v1::ACTION_ALLOW:
      return "ALLOW";
    case fpgw::v1::ACTION_CHALLENGE:
      return "CHALLENGE";
    case fpgw::v1::ACTION_BLOCK:
      return "BLOCK";
    default:
      return "NONE";
  }
}

absl::string_view IdentifierKey(fpgw::v1::RuleIdentifierType type) {
  for (const IdentifierName& id : kIdentifiers) {
    if (id.type == type) return id.key;
  }
  return "";
}

absl::string_view RuleTypeName(fpgw::v1::RuleIdentifierType type) {
  for (const IdentifierName& id : kIdentifiers) {
    if (id.type == type) return id.rule_type;
  }
  return "";
}

fpgw::v1::RuleIdentifierType ParseRuleType(absl::string_view text) {
  for (const IdentifierName& id : kIdentifiers) {
    if (id.rule_type == text) return id.type;
  }
  return fpgw::v1::RULE_IDENTIFIER_TYPE_UNSPECIFIED;
}

absl::StatusOr<std::string> SetRuleRequestJson(const fpgw::v1::SetRuleRequest& request) {
  const fpgw::v1::Rule& rule = request.rule();
  const absl::string_view key = IdentifierKey(rule.identifier_type());
  if (key.empty()) return InvalidField("rule.identifier_type", "required");
  if (rule.identifier_type() == fpgw::v1::RULE_IDENTIFIER_TYPE_COUNTRY_CODE &&
      rule.action() == fpgw::v1::ACTION_ALLOW) {
    // Stytch refuses ALLOW rules on countries (invalid_country_code_allow_rule).
    return InvalidField("rule.action", "ALLOW is not allowed for a country code rule");
  }
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("action", Str(ActionName(rule.action()), alloc), alloc);
  doc.AddMember(Str(key, alloc), Str(rule.identifier(), alloc), alloc);
  if (request.expires_in_minutes() > 0) {
    doc.AddMember("expires_in_minutes", request.expires_in_minutes(), alloc);
  }
  if (!rule.description().empty()) {
    doc.AddMember("description", Str(rule.description(), alloc), alloc);
  }
  return Write(doc);
}

absl::StatusOr<fpgw::v1::Rule> ParseSetRuleResponse(absl::string_view body,
                                                    const fpgw::v1::SetRuleRequest& request) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(body, "a set-rule response");
  if (!doc.ok()) return doc.status();
  fpgw::v1::Rule rule;
  rule.set_identifier_type(request.rule().identifier_type());
  rule.set_identifier(request.rule().identifier());
  rule.set_description(request.rule().description());
  // The vendor's echo of the identifier wins: it is what was stored.
  const std::string echoed =
      StringMember(*doc, std::string(IdentifierKey(rule.identifier_type())).c_str());
  if (!echoed.empty()) rule.set_identifier(echoed);
  const std::string action = StringMember(*doc, "action");
  rule.set_action(ParseAction(action).value_or(fpgw::v1::ACTION_UNSPECIFIED));
  bool present = false;
  TimeMember(*doc, "expires_at", rule.mutable_expire_time(), &present);
  if (!present) rule.clear_expire_time();
  return rule;
}

std::string ListRulesRequestJson(int limit, absl::string_view cursor) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  if (!cursor.empty()) doc.AddMember("cursor", Str(cursor, alloc), alloc);
  if (limit > 0) doc.AddMember("limit", limit, alloc);
  return Write(doc);
}

fpgw::v1::Rule ParseRule(const Json& json) {
  fpgw::v1::Rule rule;
  if (!json.IsObject()) return rule;
  rule.set_identifier_type(ParseRuleType(StringMember(json, "rule_type")));
  const absl::string_view key = IdentifierKey(rule.identifier_type());
  if (!key.empty()) {
    rule.set_identifier(StringMember(json, std::string(key).c_str()));
  } else {
    for (const IdentifierName& id : kIdentifiers) {
      std::string value = StringMember(json, std::string(id.key).c_str());
      if (!value.empty()) {
        rule.set_identifier(std::move(value));
        break;
      }
    }
  }
  rule.set_action(ParseAction(StringMember(json, "action")).value_or(fpgw::v1::ACTION_UNSPECIFIED));
  rule.set_description(StringMember(json, "description"));
  bool present = false;
  TimeMember(json, "created_at", rule.mutable_create_time(), &present);
  if (!present) rule.clear_create_time();
  TimeMember(json, "last_updated_at", rule.mutable_update_time(), &present);
  if (!present) rule.clear_update_time();
  TimeMember(json, "expires_at", rule.mutable_expire_time(), &present);
  if (!present) rule.clear_expire_time();
  return rule;
}

absl::StatusOr<RuleList> ParseListRulesResponse(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(body, "a rules list");
  if (!doc.ok()) return doc.status();
  auto rules = doc->FindMember("rules");
  if (rules == doc->MemberEnd() || !rules->value.IsArray()) {
    return absl::InvalidArgumentError("a rules list needs a \"rules\" array");
  }
  RuleList out;
  for (const Json& rule : rules->value.GetArray()) out.rules.push_back(ParseRule(rule));
  out.next_cursor = StringMember(*doc, "next_cursor");
  return out;
}

std::string VerdictReasonOverrideRequestJson(
    const fpgw::v1::SetVerdictReasonOverrideRequest& request) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("verdict_reason", Str(request.verdict_reason(), alloc), alloc);
  doc.AddMember("override_action", Str(ActionName(request.override_action()), alloc), alloc);
  if (!request.override_description().empty()) {
    doc.AddMember("override_description", Str(request.override_description(), alloc), alloc);
  }
  return Write(doc);
}

std::string ListVerdictReasonsRequestJson(bool overrides_only) {
  rapidjson::Document doc(rapidjson::kObjectType);
  doc.AddMember("overrides_only", overrides_only, doc.GetAllocator());
  return Write(doc);
}

fpgw::v1::VerdictReason ParseVerdictReason(const Json& json) {
  fpgw::v1::VerdictReason reason;
  if (!json.IsObject()) return reason;
  reason.set_verdict_reason(StringMember(json, "verdict_reason"));
  reason.set_default_action(
      ParseAction(StringMember(json, "default_action")).value_or(fpgw::v1::ACTION_UNSPECIFIED));
  reason.set_override_action(
      ParseAction(StringMember(json, "override_action")).value_or(fpgw::v1::ACTION_UNSPECIFIED));
  reason.set_override_description(StringMember(json, "override_description"));
  bool present = false;
  TimeMember(json, "override_created_at", reason.mutable_override_create_time(), &present);
  if (!present) reason.clear_override_create_time();
  return reason;
}

absl::StatusOr<fpgw::v1::VerdictReason> ParseVerdictReasonOverrideResponse(absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(body, "an override response");
  if (!doc.ok()) return doc.status();
  auto action = doc->FindMember("verdict_reason_action");
  if (action == doc->MemberEnd() || !action->value.IsObject()) {
    return absl::InvalidArgumentError("an override response needs \"verdict_reason_action\"");
  }
  return ParseVerdictReason(action->value);
}

absl::StatusOr<std::vector<fpgw::v1::VerdictReason>> ParseListVerdictReasonsResponse(
    absl::string_view body) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(body, "a verdict reasons list");
  if (!doc.ok()) return doc.status();
  auto actions = doc->FindMember("verdict_reason_actions");
  if (actions == doc->MemberEnd() || !actions->value.IsArray()) {
    return absl::InvalidArgumentError("a verdict reasons list needs \"verdict_reason_actions\"");
  }
  std::vector<fpgw::v1::VerdictReason> out;
  for (const Json& item : actions->value.GetArray()) out.push_back(ParseVerdictReason(item));
  return out;
}

}  // namespace fpgw::vendors::stytch
