// Stytch mapping on the project's own fixtures (tests/testdata/stytch, written from the vendor
// contract): lookup → Evaluation in the POST and GET shapes, drift, the error object, and the
// rules / verdict-reason bodies in both directions.
#include "vendors/stytch/mapper.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "testing/fixtures.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::stytch {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

using ::fpgw::testing::DriftPaths;

std::string Fixture(const std::string& name) {
  return ::fpgw::testing::TestdataFile("stytch/" + name);
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  return doc;
}

TEST(StytchMapper, MapsEveryGroupOfAPostLookup) {
  MapOptions options;
  options.integration = "stytch";
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeLookup(Fixture("lookup_post_block.json"), options);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial()) << absl::StrCat(e->DebugString());
  EXPECT_TRUE(e->drift().empty());

  const fpgw::v1::Source& source = e->source();
  EXPECT_EQ(source.vendor(), fpgw::v1::VENDOR_STYTCH);
  EXPECT_EQ(source.api_version(), "v1");
  EXPECT_EQ(source.integration(), "stytch");
  EXPECT_EQ(source.status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(source.payload_kind(), fpgw::v1::PAYLOAD_KIND_LOOKUP);
  EXPECT_EQ(source.vendor_request_id(), "request-id-test-5f0c2a1e-7b3d-4e52-9a61-0c8d2f4b7e19");
  EXPECT_EQ(TimeUtil::ToString(source.event_time()), "2025-11-03T14:22:05Z");
  EXPECT_EQ(TimeUtil::ToString(source.expire_time()), "2025-12-03T14:22:05Z");
  EXPECT_TRUE(source.has_fetch_time());

  const fpgw::v1::Identity& identity = e->identity();
  EXPECT_EQ(identity.device_id(), "visitor-1a2b3c4d-0000-4000-8000-00000000a005");
  EXPECT_EQ(identity.browser_id(), "browser-id-1a2b3c4d-0000-4000-8000-00000000a006");
  EXPECT_EQ(identity.event_id(), "8c1e4f2a-93b7-4d06-a5e8-2b7f9c3d1e60");
  EXPECT_EQ(identity.linked_id(), "user-4821");
  EXPECT_THAT(identity.external_ids(), UnorderedElementsAre(Pair("external_id", "user-4821"),
                                                            Pair("organization_id", "org_acme"),
                                                            Pair("user_action", "login")));
  EXPECT_THAT(
      identity.fingerprints(),
      UnorderedElementsAre(
          Pair("network_fingerprint", "network-fingerprint-1a2b3c4d-0000-4000-8000-00000000a001"),
          Pair("hardware_fingerprint", "hardware-fingerprint-1a2b3c4d-0000-4000-8000-00000000a002"),
          Pair("browser_fingerprint", "browser-fingerprint-1a2b3c4d-0000-4000-8000-00000000a003"),
          Pair("visitor_fingerprint", "visitor-fingerprint-1a2b3c4d-0000-4000-8000-00000000a004")));

  const fpgw::v1::Verdict& verdict = e->verdict();
  EXPECT_EQ(verdict.action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(verdict.origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_VERDICT);
  EXPECT_THAT(verdict.reasons(), ElementsAre("HEADLESS_BROWSER_AUTOMATION", "VIRTUAL_MACHINE"));
  ASSERT_EQ(verdict.overrides_size(), 1);
  EXPECT_EQ(verdict.overrides(0).verdict_reason(), "VIRTUAL_MACHINE");
  EXPECT_EQ(verdict.overrides(0).override_action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_TRUE(verdict.rule_match_type().empty());

  const fpgw::v1::Signals& signals = e->signals();
  EXPECT_EQ(signals.bot().result(), fpgw::v1::BOT_RESULT_BAD);
  EXPECT_EQ(signals.virtual_machine().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(signals.tampering().authentic_device(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(signals.tampering().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(signals.proxy().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(signals.vpn().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  // Not reported by Stytch: unknown, never false.
  EXPECT_EQ(signals.tor().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(signals.incognito().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(signals.has_suspect_score());

  const fpgw::v1::Network& network = e->network();
  EXPECT_EQ(network.ip_address(), "203.0.113.77");
  EXPECT_EQ(network.geolocation().city(), "Ashburn");
  EXPECT_EQ(network.geolocation().region(), "Virginia");
  EXPECT_EQ(network.geolocation().country_code(), "US");  // "us" upper-cased
  EXPECT_TRUE(network.geolocation().country_name().empty());
  EXPECT_EQ(network.asn().number(), 14618u);  // "AS14618"
  EXPECT_EQ(network.asn().name(), "AMAZON-AES");
  EXPECT_EQ(network.asn().network(), "3.208.0.0/12");

  EXPECT_EQ(e->client().os_architecture(), "LINUX_X86_64");
  EXPECT_EQ(e->client().device(), "");
  EXPECT_THAT(e->client().user_agent(), ::testing::HasSubstr("HeadlessChrome"));

  ASSERT_TRUE(e->has_raw());
  EXPECT_EQ(e->raw().fields().at("telemetry_id").string_value(),
            "8c1e4f2a-93b7-4d06-a5e8-2b7f9c3d1e60");
}

TEST(StytchMapper, RuleMatchCookielessLookupAndCountryName) {
  MapOptions options;
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeLookup(Fixture("lookup_post_rule_match_cookieless.json"), options);
  ASSERT_TRUE(e.ok()) << e.status();
  // Unknown top-level fields and free-form raw_signals are tolerated, not drift.
  EXPECT_FALSE(e->partial());
  EXPECT_FALSE(e->has_raw());

  // No visitor_id cookie: the cookie-less visitor fingerprint is the device id.
  EXPECT_EQ(e->identity().device_id(), "visitor-fingerprint-aa00bb11-2222-4333-8444-55556666aaaa");
  EXPECT_TRUE(e->identity().browser_id().empty());
  EXPECT_TRUE(e->identity().linked_id().empty());
  EXPECT_TRUE(e->identity().external_ids().empty());

  EXPECT_EQ(e->verdict().action(), fpgw::v1::ACTION_CHALLENGE);
  EXPECT_EQ(e->verdict().origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE);
  EXPECT_EQ(e->verdict().rule_match_type(), "COUNTRY_CODE");
  EXPECT_EQ(e->verdict().rule_match_identifier(), "DE");
  // An authentic device: tampering was checked and not found.
  EXPECT_EQ(e->signals().tampering().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  // No reason named a bot or a VM: unknown.
  EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(e->signals().virtual_machine().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);

  EXPECT_EQ(e->network().geolocation().country_name(), "Germany");
  EXPECT_TRUE(e->network().geolocation().country_code().empty());
  EXPECT_EQ(e->network().asn().number(), 3320u);
}

TEST(StytchMapper, DeprecatedGetShapeHasNoNetworkAndAnEmptyRuleMatch) {
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeLookup(Fixture("lookup_get_allow.json"), {});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial());
  EXPECT_EQ(e->identity().device_id(), "visitor-0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4da");
  EXPECT_EQ(e->identity().fingerprints_size(), 4);
  EXPECT_EQ(e->verdict().action(), fpgw::v1::ACTION_ALLOW);
  EXPECT_EQ(e->verdict().origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_VERDICT);
  EXPECT_TRUE(e->verdict().reasons().empty());
  EXPECT_TRUE(e->verdict().rule_match_type().empty());
  EXPECT_FALSE(e->has_network());
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->client().os_architecture(), "WINDOWS_X86_64");
  EXPECT_TRUE(e->client().user_agent().empty());
}

// The deprecated GET's fields as the vendor's document lists them (CONTRACTS.md §2.4, with its
// example values): no `request_id`, no `properties`, `detected_device_type` "UNKNOWN". Nothing is
// missing that the vendor promises, so nothing is partial.
TEST(StytchMapper, DeprecatedGetExampleWithoutRequestIdIsComplete) {
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeLookup(Fixture("lookup_get_doc_example.json"), {});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial());
  EXPECT_THAT(DriftPaths(*e), IsEmpty());
  EXPECT_TRUE(e->source().vendor_request_id().empty());
  EXPECT_EQ(e->identity().event_id(), "026ac93b-8cdf-4fcb-bfa6-36a31cfecac1");
  // "UNKNOWN" is unknown, not an operating system; and never a device type.
  EXPECT_TRUE(e->client().os_architecture().empty());
  EXPECT_TRUE(e->client().device().empty());
  EXPECT_EQ(TimeUtil::ToString(e->source().expire_time()), "2033-01-01T00:00:00Z");
}

TEST(StytchMapper, DriftIsRecordedAndMappingGoesOn) {
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeLookup(Fixture("lookup_drift.json"), {});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->partial());
  EXPECT_THAT(
      DriftPaths(*e),
      IsSupersetOf({"$.status_code", "$.fingerprints.hardware_fingerprint", "$.verdict.action",
                    "$.verdict.reasons[1]", "$.verdict.is_authentic_device",
                    "$.verdict.verdict_reason_overrides[0].override_action",
                    "$.verdict.verdict_reason_overrides[1]", "$.external_metadata.organization_id",
                    "$.created_at", "$.expires_at", "$.properties.network_properties.asn.asn",
                    "$.properties.network_properties.is_vpn"}));
  // What could be read still is.
  EXPECT_EQ(e->identity().event_id(), "0b7f3c2e-1d4a-4e59-8c6b-7a2f1e0d9c8b");
  EXPECT_EQ(e->identity().linked_id(), "user-1");
  EXPECT_EQ(e->verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_THAT(e->verdict().reasons(), ElementsAre("SMART_RATE_LIMIT_WARNING"));
  EXPECT_EQ(e->signals().tampering().authentic_device(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e->network().asn().has_number());
  EXPECT_FALSE(e->source().has_event_time());
  EXPECT_EQ(e->network().geolocation().country_code(), "CA");
}

TEST(StytchMapper, MissingRequiredFieldsAreDriftAndNonObjectsAreRefused) {
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeLookup("{}", {});
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(DriftPaths(*e),
              IsSupersetOf({"$.telemetry_id", "$.fingerprints", "$.verdict", "$.created_at"}));
  // Optional in practice (see DeprecatedGetExampleWithoutRequestIdIsComplete).
  EXPECT_THAT(DriftPaths(*e), Not(Contains("$.request_id")));
  EXPECT_EQ(NormalizeLookup("[1,2]", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizeLookup("{\"request_id\":", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizeLookup("<html></html>", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StytchMapper, ErrorObjectGivesTheCodeAndNotFoundCarriesTheVendorAdvice) {
  absl::StatusOr<ErrorObject> error =
      ParseErrorObject(Fixture("errors/404_telemetry_id_not_found.json"));
  ASSERT_TRUE(error.ok()) << error.status();
  EXPECT_EQ(error->status_code, 404);
  EXPECT_EQ(error->error_type, "telemetry_id_not_found");
  EXPECT_EQ(error->request_id, "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141");
  EXPECT_FALSE(error->error_url.empty());
  EXPECT_EQ(ReadErrorCode(Fixture("errors/404_telemetry_id_not_found.json")),
            "telemetry_id_not_found");
  EXPECT_EQ(ReadErrorCode("<html>bad gateway</html>"), "");
  EXPECT_EQ(ReadErrorCode("{\"error_message\":\"no type\"}"), "");

  VendorHttpError http;
  http.vendor = "stytch";
  http.http_status = 404;
  http.vendor_code = error->error_type;
  absl::Status status = MapVendorHttpError(http, ErrorTable());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(status), fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND);
  EXPECT_EQ(MetadataOf(status, "vendor_advice"), "treat as BLOCK");
  EXPECT_EQ(MetadataOf(status, "vendor_code"), "telemetry_id_not_found");

  // Other errors carry no advice.
  http.http_status = 503;
  http.vendor_code = "service_unavailable";
  EXPECT_EQ(MetadataOf(MapVendorHttpError(http, ErrorTable()), "vendor_advice"), "");
}

TEST(StytchMapper, EveryErrorFamilyOfTheProjectsFixturesMapsToItsDocumentedCode) {
  // File name: <HTTP status>_<error_type>.json.
  const std::map<std::string, absl::StatusCode> want = {
      {"400_invalid_external_metadata.json", absl::StatusCode::kInvalidArgument},
      {"401_unauthorized_credentials.json", absl::StatusCode::kFailedPrecondition},
      {"403_organization_suspended.json", absl::StatusCode::kFailedPrecondition},
      // fpgw's own misconfiguration, never "unknown token".
      {"404_route_not_found.json", absl::StatusCode::kFailedPrecondition},
      {"404_telemetry_id_not_found.json", absl::StatusCode::kNotFound},
      {"429_too_many_requests.json", absl::StatusCode::kResourceExhausted},
      {"499_context_canceled_error.json", absl::StatusCode::kUnavailable},
      {"503_service_unavailable.json", absl::StatusCode::kUnavailable},
  };
  const std::vector<std::string> names = ::fpgw::testing::TestdataFiles("stytch/errors");
  ASSERT_EQ(names.size(), want.size());
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string text = Fixture("errors/" + name);
    absl::StatusOr<ErrorObject> error = ParseErrorObject(text);
    ASSERT_TRUE(error.ok()) << error.status();
    EXPECT_EQ(error->status_code, std::atoi(name.substr(0, 3).c_str()));
    EXPECT_EQ(absl::StrCat(error->status_code, "_", error->error_type, ".json"), name);
    const absl::Status status = MapVendorHttpError(
        {"stytch", error->status_code, ReadErrorCode(text), std::nullopt}, ErrorTable());
    ASSERT_EQ(want.count(name), 1u);
    EXPECT_EQ(status.code(), want.at(name)) << status;
    EXPECT_EQ(MetadataOf(status, "vendor_code"), error->error_type);
    EXPECT_EQ(RetryDelayOf(status).has_value(),
              status.code() == absl::StatusCode::kUnavailable ||
                  status.code() == absl::StatusCode::kResourceExhausted);
    // No vendor body text in the caller-facing message.
    EXPECT_FALSE(absl::StrContains(status.message(), error->error_message)) << status.message();
  }
}

TEST(StytchMapper, ConfigurationFaultsNeverReadAsAnUnknownToken) {
  // A wrong base_url answers 404 route_not_found: treating it as "unknown telemetry id" would
  // make callers BLOCK everyone.
  const absl::Status route =
      MapVendorHttpError({"stytch", 404, "route_not_found", std::nullopt}, ErrorTable());
  EXPECT_EQ(route.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(route), fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED);
  const absl::Status auth = MapVendorHttpError(
      {"stytch", 400, "invalid_authorization_header", std::nullopt}, ErrorTable());
  EXPECT_EQ(ReasonOf(auth), fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED);
}

TEST(StytchMapper, LookupRequestCarriesValidatedExternalMetadata) {
  fpgw::v1::EvaluateRequest request;
  request.set_token("026ac93b-8cdf-4fcb-bfa6-36a31cfecac1");
  absl::StatusOr<std::string> body = LookupRequestJson(request);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, R"({"telemetry_id":"026ac93b-8cdf-4fcb-bfa6-36a31cfecac1"})");

  request.mutable_stytch()->set_external_id("user+42@example.com");
  request.mutable_stytch()->set_user_action("login");
  body = LookupRequestJson(request);
  ASSERT_TRUE(body.ok());
  rapidjson::Document doc = Parse(*body);
  EXPECT_STREQ(doc["external_metadata"]["external_id"].GetString(), "user+42@example.com");
  EXPECT_STREQ(doc["external_metadata"]["user_action"].GetString(), "login");
  EXPECT_FALSE(doc["external_metadata"].HasMember("organization_id"));

  request.mutable_stytch()->set_organization_id("org acme");  // space
  body = LookupRequestJson(request);
  EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetadataOf(body.status(), "field"), "stytch.organization_id");

  request.mutable_stytch()->set_organization_id("");
  request.mutable_stytch()->set_external_id(std::string(66, 'a'));
  body = LookupRequestJson(request);
  EXPECT_EQ(MetadataOf(body.status(), "field"), "stytch.external_id");
  request.mutable_stytch()->set_external_id(std::string(65, 'a'));
  EXPECT_TRUE(LookupRequestJson(request).ok());
}

TEST(StytchMapper, RuleBodiesBothWays) {
  fpgw::v1::SetRuleRequest request;
  request.mutable_rule()->set_identifier_type(fpgw::v1::RULE_IDENTIFIER_TYPE_CIDR_BLOCK);
  request.mutable_rule()->set_identifier("203.0.113.0/24");
  request.mutable_rule()->set_action(fpgw::v1::ACTION_CHALLENGE);
  request.mutable_rule()->set_description("office");
  request.set_expires_in_minutes(60);
  absl::StatusOr<std::string> body = SetRuleRequestJson(request);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, R"({"action":"CHALLENGE","cidr_block":"203.0.113.0/24","expires_in_minutes":60,)"
                   R"("description":"office"})");

  // ACTION_UNSPECIFIED clears the rule (NONE).
  request.mutable_rule()->set_action(fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_EQ(Parse(*SetRuleRequestJson(request))["action"].GetString(), std::string("NONE"));

  request.mutable_rule()->set_identifier_type(fpgw::v1::RULE_IDENTIFIER_TYPE_COUNTRY_CODE);
  request.mutable_rule()->set_identifier("DE");
  request.mutable_rule()->set_action(fpgw::v1::ACTION_ALLOW);
  EXPECT_EQ(MetadataOf(SetRuleRequestJson(request).status(), "field"), "rule.action");
  request.mutable_rule()->set_identifier_type(fpgw::v1::RULE_IDENTIFIER_TYPE_UNSPECIFIED);
  EXPECT_EQ(MetadataOf(SetRuleRequestJson(request).status(), "field"), "rule.identifier_type");

  fpgw::v1::SetRuleRequest set;
  set.mutable_rule()->set_identifier_type(fpgw::v1::RULE_IDENTIFIER_TYPE_ASN);
  set.mutable_rule()->set_identifier("64500");
  set.mutable_rule()->set_description("bulletproof hoster");
  absl::StatusOr<fpgw::v1::Rule> stored =
      ParseSetRuleResponse(R"({"request_id":"r","action":"BLOCK","status_code":200,"asn":"64500",)"
                           R"("expires_at":"2026-01-01T00:00:00Z"})",
                           set);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_ASN);
  EXPECT_EQ(stored->identifier(), "64500");
  EXPECT_EQ(stored->action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(stored->description(), "bulletproof hoster");
  EXPECT_EQ(TimeUtil::ToString(stored->expire_time()), "2026-01-01T00:00:00Z");

  EXPECT_EQ(ListRulesRequestJson(0, ""), "{}");
  EXPECT_EQ(ListRulesRequestJson(25, "abc"), R"({"cursor":"abc","limit":25})");

  absl::StatusOr<RuleList> list = ParseListRulesResponse(Fixture("rules_list_page.json"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->next_cursor, "c3R5dGNoLXJ1bGVzLjI");
  ASSERT_EQ(list->rules.size(), 3u);
  EXPECT_EQ(list->rules[0].identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID);
  EXPECT_EQ(list->rules[0].identifier(), "visitor-1a2b3c4d-0000-4000-8000-00000000a005");
  EXPECT_EQ(list->rules[0].action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(list->rules[0].description(), "chargeback on order 7713");
  EXPECT_TRUE(list->rules[0].has_create_time());
  EXPECT_FALSE(list->rules[0].has_update_time());  // null: never updated
  EXPECT_FALSE(list->rules[0].has_expire_time());
  EXPECT_EQ(list->rules[1].identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_CIDR_BLOCK);
  EXPECT_EQ(TimeUtil::ToString(list->rules[1].update_time()), "2025-09-03T11:30:00Z");
  EXPECT_TRUE(list->rules[1].has_expire_time());
  // An unknown rule type keeps UNSPECIFIED and still shows its identifier.
  EXPECT_EQ(list->rules[2].identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_UNSPECIFIED);
  EXPECT_EQ(list->rules[2].identifier(), "64500");

  absl::StatusOr<RuleList> last = ParseListRulesResponse(R"({"rules":[],"next_cursor":null})");
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->next_cursor.empty());
  EXPECT_FALSE(ParseListRulesResponse(R"({"next_cursor":null})").ok());
}

TEST(StytchMapper, VerdictReasonBodiesBothWays) {
  fpgw::v1::SetVerdictReasonOverrideRequest request;
  request.set_verdict_reason("VIRTUAL_MACHINE");
  request.set_override_action(fpgw::v1::ACTION_ALLOW);
  request.set_override_description("QA");
  EXPECT_EQ(VerdictReasonOverrideRequestJson(request),
            R"({"verdict_reason":"VIRTUAL_MACHINE","override_action":"ALLOW",)"
            R"("override_description":"QA"})");
  request.set_override_action(fpgw::v1::ACTION_UNSPECIFIED);
  request.clear_override_description();
  EXPECT_EQ(VerdictReasonOverrideRequestJson(request),
            R"({"verdict_reason":"VIRTUAL_MACHINE","override_action":"NONE"})");
  EXPECT_EQ(ListVerdictReasonsRequestJson(true), R"({"overrides_only":true})");

  absl::StatusOr<std::vector<fpgw::v1::VerdictReason>> reasons =
      ParseListVerdictReasonsResponse(Fixture("verdict_reasons_list.json"));
  ASSERT_TRUE(reasons.ok()) << reasons.status();
  ASSERT_EQ(reasons->size(), 2u);
  EXPECT_EQ((*reasons)[0].verdict_reason(), "HEADLESS_BROWSER_AUTOMATION");
  EXPECT_EQ((*reasons)[0].default_action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ((*reasons)[0].override_action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_FALSE((*reasons)[0].has_override_create_time());
  EXPECT_EQ((*reasons)[1].override_action(), fpgw::v1::ACTION_ALLOW);
  EXPECT_EQ((*reasons)[1].override_description(), "internal QA runs in VMs");
  EXPECT_EQ(TimeUtil::ToString((*reasons)[1].override_create_time()), "2025-10-01T09:15:00Z");

  absl::StatusOr<fpgw::v1::VerdictReason> one = ParseVerdictReasonOverrideResponse(
      R"({"request_id":"r","status_code":200,"verdict_reason_action":)"
      R"({"verdict_reason":"VIRTUAL_MACHINE","default_action":"CHALLENGE","override_action":"BLOCK"}})");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->override_action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_FALSE(ParseVerdictReasonOverrideResponse(R"({"status_code":200})").ok());
}

}  // namespace
}  // namespace fpgw::vendors::stytch
