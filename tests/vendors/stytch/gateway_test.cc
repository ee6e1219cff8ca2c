// Stytch through the whole gateway (tests/testing/gateway_harness.h): the real gRPC server and the
// sandbox's Stytch routes over TLS on loopback, called through the generated stubs. Covers the
// lookup (POST and the deprecated GET), its errors and credential checks, external metadata, and
// the admin calls (rules, verdict reason overrides).
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/stytch/data.h"
#include "sandbox/stytch/routes.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors::stytch {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::HasRetryDelay;
using ::fpgw::testing::HasRetryInfo;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::WithCredentialEnv;
using ::fpgw::v1::AdminService;
using ::testing::Not;

// A telemetry id the sandbox (seed 1, the harness's) finds: a UUID, as the vendor's are.
constexpr char kTelemetryId[] = "5e7c1a2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d";

// A credential that is not "project_id:secret".
constexpr char kNotAPairEnv[] = "FPGW_STYTCH_GATEWAY_TEST_NOT_A_PAIR";
constexpr char kNotAPair[] = "not-a-project-secret-pair-0123456789";

class StytchGatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.AddIntegration("stytch", "stytch");
      config.AddIntegration("stytch-get", "stytch", [](fpgw::config::v1::Integration& stytch) {
        stytch.mutable_stytch()->set_lookup_method(fpgw::config::v1::STYTCH_LOOKUP_METHOD_GET);
      });
      config.AddIntegration("stytch-not-found-error", "stytch",
                            [](fpgw::config::v1::Integration& stytch) {
                              stytch.set_not_found_policy(fpgw::config::v1::NOT_FOUND_POLICY_ERROR);
                            });
    });
  }

  static grpc::Status Evaluate(const std::string& token, fpgw::v1::EvaluateResponse* response,
                               const fpgw::v1::StytchOptions& stytch = {},
                               const std::string& integration = "stytch",
                               fpgw::v1::EvaluationView view = fpgw::v1::EVALUATION_VIEW_BASIC) {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    request.set_view(view);
    *request.mutable_stytch() = stytch;
    return harness().Evaluate(request, response);
  }

  static grpc::Status SetRule(fpgw::v1::RuleIdentifierType type, const std::string& identifier,
                              fpgw::v1::Action action, fpgw::v1::Rule* stored = nullptr) {
    fpgw::v1::SetRuleRequest request;
    request.set_integration("stytch");
    request.mutable_rule()->set_identifier_type(type);
    request.mutable_rule()->set_identifier(identifier);
    request.mutable_rule()->set_action(action);
    request.mutable_rule()->set_description("set by the gateway test");
    fpgw::v1::SetRuleResponse response;
    grpc::Status status = harness().Call(&AdminService::Stub::SetRule, request, &response);
    if (stored != nullptr) *stored = response.rule();
    return status;
  }

  static uint64_t Lookups() {
    return harness().sandbox().request_count(sandbox::kRouteStytchLookup);
  }
};

TEST_F(StytchGatewayTest, EvaluateFillsVerdictFingerprintsAndNetwork) {
  ASSERT_TRUE(sandbox::IsKnownTelemetryId(1, kTelemetryId));
  fpgw::v1::StytchOptions stytch;
  stytch.set_external_id("user-42@example.com");
  stytch.set_user_action("login");
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate(kTelemetryId, &response, stytch, "stytch", fpgw::v1::EVALUATION_VIEW_FULL),
              IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_FALSE(e.partial());
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_STYTCH);
  EXPECT_EQ(e.source().api_version(), "v1");
  EXPECT_EQ(e.source().integration(), "stytch");
  EXPECT_TRUE(absl::StartsWith(e.source().vendor_request_id(), "request-id-test-"));
  EXPECT_TRUE(e.source().has_event_time());
  EXPECT_TRUE(e.source().has_expire_time());

  EXPECT_EQ(e.identity().event_id(), kTelemetryId);
  EXPECT_FALSE(e.identity().device_id().empty());
  EXPECT_EQ(e.identity().fingerprints_size(), 4);
  EXPECT_EQ(e.identity().linked_id(), "user-42@example.com");
  EXPECT_EQ(e.identity().external_ids().at("user_action"), "login");

  EXPECT_NE(e.verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_EQ(e.verdict().origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_VERDICT);

  EXPECT_FALSE(e.network().ip_address().empty());
  EXPECT_FALSE(e.network().geolocation().city().empty());
  EXPECT_TRUE(!e.network().geolocation().country_code().empty() ||
              !e.network().geolocation().country_name().empty());
  EXPECT_TRUE(e.network().asn().has_number());
  EXPECT_NE(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().tampering().authentic_device(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e.client().user_agent().empty());
  ASSERT_TRUE(e.has_raw());
  EXPECT_EQ(e.raw().fields().at("telemetry_id").string_value(), kTelemetryId);

  // A forced BLOCK carries the bot inference.
  ASSERT_THAT(Evaluate("sandbox-block-7", &response), IsOk());
  EXPECT_EQ(response.evaluation().verdict().action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(response.evaluation().signals().bot().result(), fpgw::v1::BOT_RESULT_BAD);
  EXPECT_FALSE(response.evaluation().has_raw());

  // The deprecated GET lookup: same identity, no network properties.
  const uint64_t lookups = Lookups();
  ASSERT_THAT(Evaluate(kTelemetryId, &response, {}, "stytch-get"), IsOk());
  EXPECT_EQ(response.evaluation().identity().event_id(), kTelemetryId);
  EXPECT_FALSE(response.evaluation().has_network());
  EXPECT_EQ(Lookups() - lookups, 1u);
  // ... which cannot carry external metadata: refused rather than dropped.
  grpc::Status status = Evaluate("gwVisitor.1", &response, stytch, "stytch-get");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "stytch"));
}

// The vendor recommends treating an unknown telemetry id as BLOCK ("fail closed"): by default a
// forged or expired id is a BLOCK verdict decided by fpgw's policy, naming the vendor's code, so a
// caller that fails open on errors still blocks it.
TEST_F(StytchGatewayTest, UnknownTelemetryIdIsABlockByDefault) {
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate("sandbox-not-found-3", &response), IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.verdict().action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(e.verdict().origin(), fpgw::v1::VERDICT_ORIGIN_FPGW_POLICY);
  EXPECT_THAT(e.verdict().reasons(), ::testing::ElementsAre("telemetry_id_not_found"));
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_STYTCH);
  EXPECT_EQ(e.source().integration(), "stytch");
  EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  // Nothing is known of the device.
  EXPECT_TRUE(e.identity().device_id().empty());
  EXPECT_FALSE(e.has_signals());
}

TEST_F(StytchGatewayTest, UnknownTelemetryIdIsNotFoundWithTheVendorsAdviceWhenConfigured) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-not-found-3", &response, {}, "stytch-not-found-error");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND));
  EXPECT_THAT(status, HasMetadata("vendor", "stytch"));
  EXPECT_THAT(status, HasMetadata("vendor_code", "telemetry_id_not_found"));
  EXPECT_THAT(status, HasMetadata("vendor_advice", "treat as BLOCK"));
  EXPECT_THAT(status, Not(HasRetryInfo()));
}

TEST_F(StytchGatewayTest, VendorErrorsAndCredentials) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-rate-limited", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(status, HasRetryDelay(absl::Seconds(1)));

  status = Evaluate("sandbox-service-unavailable", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(status, HasMetadata("vendor_code", "service_unavailable"));

  status = Evaluate("sandbox-unauthorized", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED));

  ASSERT_THAT(Evaluate("sandbox-drift", &response), IsOk());
  EXPECT_TRUE(response.evaluation().partial());
  EXPECT_GT(response.evaluation().drift_size(), 0);
}

// A credential that is not "project_id:secret" stops the start, naming the field and the form,
// never the value, before any vendor call.
TEST(StytchGatewayStartTest, RefusesACredentialThatIsNotAPairWithoutQuotingIt) {
  setenv(kNotAPairEnv, kNotAPair, 1);
  absl::StatusOr<std::unique_ptr<fpgw::testing::GatewayHarness>> harness =
      fpgw::testing::GatewayHarness::Start([](GatewayConfigBuilder& config) {
        config.AddIntegration("stytch", "stytch");
        config.AddIntegration("stytch-bad-credential", "stytch", WithCredentialEnv(kNotAPairEnv));
      });
  ASSERT_FALSE(harness.ok());
  EXPECT_EQ(harness.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(harness.status().message()),
      ::testing::HasSubstr(absl::StrCat("tenants[0].integrations[1].credential (env:", kNotAPairEnv,
                                        "): the credential must be "
                                        "\"project_id:secret\"")));
  EXPECT_FALSE(absl::StrContains(harness.status().message(), kNotAPair));
}

TEST_F(StytchGatewayTest, ExternalMetadataIsValidatedBeforeAnyVendorCall) {
  const uint64_t lookups = Lookups();
  struct Case {
    const char* field;
    std::string value;
  };
  for (const Case& c : {Case{"stytch.external_id", "has space"},
                        Case{"stytch.organization_id", std::string(66, 'o')},
                        Case{"stytch.user_action", "login/../admin"}}) {
    fpgw::v1::StytchOptions stytch;
    if (absl::EndsWith(c.field, "external_id")) stytch.set_external_id(c.value);
    if (absl::EndsWith(c.field, "organization_id")) stytch.set_organization_id(c.value);
    if (absl::EndsWith(c.field, "user_action")) stytch.set_user_action(c.value);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate("gwVisitor.3", &response, stytch);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << c.field;
    EXPECT_THAT(status, HasMetadata("field", c.field));
  }
  EXPECT_EQ(Lookups(), lookups);
}

TEST_F(StytchGatewayTest, DeleteDeviceDataIsNamedAsAMissingCapability) {
  fpgw::v1::DeleteDeviceDataRequest request;
  request.set_integration("stytch");
  request.set_device_id("visitorAdmin00000001");
  fpgw::v1::DeleteDeviceDataResponse response;
  grpc::Status status = harness().Call(&AdminService::Stub::DeleteDeviceData, request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(status, HasMetadata("capability", "DeleteDeviceData"));
}

TEST_F(StytchGatewayTest, RulesSetAndPageThroughEveryRule) {
  fpgw::v1::Rule stored;
  ASSERT_THAT(SetRule(fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID, "visitor-gateway-test-rule",
                      fpgw::v1::ACTION_BLOCK, &stored),
              IsOk());
  EXPECT_EQ(stored.identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID);
  EXPECT_EQ(stored.identifier(), "visitor-gateway-test-rule");
  EXPECT_EQ(stored.action(), fpgw::v1::ACTION_BLOCK);

  std::set<std::string> identifiers;
  std::string token;
  int pages = 0;
  int rules = 0;
  do {
    fpgw::v1::ListRulesRequest request;
    request.set_integration("stytch");
    request.set_page_size(10);
    request.set_page_token(token);
    fpgw::v1::ListRulesResponse response;
    ASSERT_THAT(harness().Call(&AdminService::Stub::ListRules, request, &response), IsOk());
    EXPECT_LE(response.rules_size(), 10);
    for (const fpgw::v1::Rule& rule : response.rules()) {
      EXPECT_TRUE(identifiers.insert(rule.identifier()).second)
          << "listed twice: " << rule.identifier();
      EXPECT_NE(rule.identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_UNSPECIFIED);
      EXPECT_TRUE(rule.has_create_time());
      ++rules;
    }
    token = response.next_page_token();
    // The vendor cursor never reaches the caller in the clear.
    EXPECT_FALSE(absl::StrContains(token, "stytch-rules"));
    ++pages;
  } while (!token.empty() && pages < 20);
  EXPECT_GE(rules, sandbox::kStytchSeedRules + 1);
  EXPECT_EQ(pages, (rules + 9) / 10);
  EXPECT_TRUE(identifiers.count("visitor-gateway-test-rule"));

  // A page token is bound to its request: another integration cannot replay it, nor can a
  // forged one open.
  {
    fpgw::v1::ListRulesRequest first;
    first.set_integration("stytch");
    first.set_page_size(5);
    fpgw::v1::ListRulesResponse response;
    ASSERT_THAT(harness().Call(&AdminService::Stub::ListRules, first, &response), IsOk());
    ASSERT_FALSE(response.next_page_token().empty());
    for (const std::string integration : {"stytch-get", "stytch"}) {
      fpgw::v1::ListRulesRequest replay = first;
      replay.set_integration(integration);
      replay.set_page_token(integration == "stytch" ? "Zm9yZ2Vk" : response.next_page_token());
      fpgw::v1::ListRulesResponse ignored;
      grpc::Status status = harness().Call(&AdminService::Stub::ListRules, replay, &ignored);
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << integration;
      EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN)) << integration;
    }
  }

  // Validation: fpgw refuses ALLOW on a country; the vendor refuses a too-wide CIDR block.
  grpc::Status status =
      SetRule(fpgw::v1::RULE_IDENTIFIER_TYPE_COUNTRY_CODE, "DE", fpgw::v1::ACTION_ALLOW);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "rule.action"));
  status = SetRule(fpgw::v1::RULE_IDENTIFIER_TYPE_CIDR_BLOCK, "10.0.0.0/8", fpgw::v1::ACTION_BLOCK);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST));
  EXPECT_THAT(status, HasMetadata("vendor_code", "cidr_block_invalid_prefix"));

  // ACTION_UNSPECIFIED clears the rule.
  ASSERT_THAT(SetRule(fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID, "visitor-gateway-test-rule",
                      fpgw::v1::ACTION_UNSPECIFIED),
              IsOk());
}

TEST_F(StytchGatewayTest, VerdictReasonOverridesSetListAndClear) {
  auto set = [](fpgw::v1::Action action, fpgw::v1::SetVerdictReasonOverrideResponse* response) {
    fpgw::v1::SetVerdictReasonOverrideRequest request;
    request.set_integration("stytch");
    request.set_verdict_reason("VIRTUAL_MACHINE");
    request.set_override_action(action);
    request.set_override_description("QA runs in VMs");
    return harness().Call(&AdminService::Stub::SetVerdictReasonOverride, request, response);
  };
  auto list = [](bool overrides_only) {
    fpgw::v1::ListVerdictReasonsRequest request;
    request.set_integration("stytch");
    request.set_overrides_only(overrides_only);
    fpgw::v1::ListVerdictReasonsResponse response;
    EXPECT_THAT(harness().Call(&AdminService::Stub::ListVerdictReasons, request, &response),
                IsOk());
    return response;
  };

  fpgw::v1::SetVerdictReasonOverrideResponse set_response;
  ASSERT_THAT(set(fpgw::v1::ACTION_ALLOW, &set_response), IsOk());
  EXPECT_EQ(set_response.verdict_reason().verdict_reason(), "VIRTUAL_MACHINE");
  EXPECT_EQ(set_response.verdict_reason().default_action(), fpgw::v1::ACTION_CHALLENGE);
  EXPECT_EQ(set_response.verdict_reason().override_action(), fpgw::v1::ACTION_ALLOW);
  EXPECT_TRUE(set_response.verdict_reason().has_override_create_time());

  fpgw::v1::ListVerdictReasonsResponse all = list(false);
  EXPECT_GE(all.verdict_reasons_size(), 4);
  fpgw::v1::ListVerdictReasonsResponse overridden = list(true);
  ASSERT_EQ(overridden.verdict_reasons_size(), 1);
  EXPECT_EQ(overridden.verdict_reasons(0).override_description(), "QA runs in VMs");

  ASSERT_THAT(set(fpgw::v1::ACTION_UNSPECIFIED, &set_response), IsOk());
  EXPECT_EQ(set_response.verdict_reason().override_action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_EQ(list(true).verdict_reasons_size(), 0);

  fpgw::v1::SetVerdictReasonOverrideRequest rule_match;
  rule_match.set_integration("stytch");
  rule_match.set_verdict_reason("RULE_MATCH");
  rule_match.set_override_action(fpgw::v1::ACTION_ALLOW);
  grpc::Status status =
      harness().Call(&AdminService::Stub::SetVerdictReasonOverride, rule_match, &set_response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "verdict_reason"));
}

}  // namespace
}  // namespace fpgw::vendors::stytch
