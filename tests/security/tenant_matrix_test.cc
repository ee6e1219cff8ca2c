// The tenant matrix: through every RPC of both services, a caller of tenant alpha reaches only
// alpha's integrations with alpha's credentials — never beta's integrations (by name or by the
// tenant header), never beta's credentials, never a page token beta was given — and a caller
// limited to some services or integrations gets no further. Tenants share integration names, so
// that only the caller's tenant decides which one a call reaches; beta's credentials are ones the
// vendor refuses, so that a call made with them shows.
#include <cctype>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/gateway_harness.h"
#include "testing/sealed_results.h"
#include "testing/status_matchers.h"
#include "testing/test_files.h"

namespace fpgw::security {
namespace {

using ::fpgw::testing::ErrorDetailsOf;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::IntegrationEdit;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::TokenHash;
using ::fpgw::testing::WithWrongCredential;

constexpr char kTenantHeader[] = "x-fpgw-tenant";

// The callers: name -> token.
struct CallerToken {
  const char* name;
  const char* tenant;
  bool admin;
  std::vector<std::string> integrations;
};
const CallerToken kCallers[] = {
    {"a", "alpha", true, {}},
    {"b", "beta", true, {}},
    {"a-eval", "alpha", false, {}},
    {"a-stytch-only", "alpha", true, {"stytch"}},
};
std::string TokenOf(const std::string& caller) {
  return "token-of-" + caller + "-0123456789abcdef";
}

// The environment variable holding a caller's token hash.
std::string TokenEnv(std::string caller) {
  for (char& c : caller) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return "FPGW_MATRIX_TOKENS_" + caller;
}

// How a call is made: as `caller` (by its token; empty: none), naming `tenant_header` (empty:
// none).
struct As {
  As(std::string as_caller, std::string naming = "")  // NOLINT(google-explicit-constructor)
      : caller(std::move(as_caller)), tenant_header(std::move(naming)) {}
  std::string caller;
  std::string tenant_header;
};

using Rpc = std::function<grpc::Status(const std::string& integration, grpc::ClientContext*)>;

// One RPC of the matrix, with the integration (by vendor) that serves it.
struct Row {
  std::string name;
  bool admin;
  std::string integration;
  Rpc call;
  // What beta's own keys make of alpha's call: its vendor refuses beta's credential, or (for what
  // is opened with a tenant's own keys, not sent to a vendor) the input does not open.
  fpgw::v1::ErrorReason refused_for_beta = fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED;
};

constexpr char kAlphaSealedKeyEnv[] = "FPGW_TENANT_MATRIX_SEALED_KEY_ALPHA";
constexpr char kBetaSealedKeyEnv[] = "FPGW_TENANT_MATRIX_SEALED_KEY_BETA";

// Sealed-result keys per tenant: alpha's and beta's differ.
IntegrationEdit WithSealedKey(const char* env) {
  return [env](fpgw::config::v1::Integration& integration) {
    integration.mutable_fingerprint()->add_sealed_result_keys()->set_env(env);
  };
}

class TenantMatrixTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    for (const char* caller : {"a", "b", "a-eval", "a-stytch-only", "mesh"}) {
      setenv(TokenEnv(caller).c_str(), TokenHash(TokenOf(caller)).c_str(), 1);
    }
    setenv(kAlphaSealedKeyEnv, absl::Base64Escape(::fpgw::testing::TestKey(1)).c_str(), 1);
    setenv(kBetaSealedKeyEnv, absl::Base64Escape(::fpgw::testing::TestKey(2)).c_str(), 1);
    StartHarness([](GatewayConfigBuilder& config) {
      config.ClearListeners().AddListener("127.0.0.1:0",
                                          {fpgw::config::v1::CALLER_AUTHENTICATION_BEARER});
      for (const CallerToken& c : kCallers) {
        auto& caller = config.AddCaller(c.name, c.tenant);
        caller.add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
        if (c.admin) caller.add_services(fpgw::config::v1::CALLER_SERVICE_ADMIN);
        for (const auto& integration : c.integrations) caller.add_integrations(integration);
        caller.mutable_bearer_token_sha256()->set_env(TokenEnv(c.name));
      }
      // A proxy for alpha only: it may name alpha, never beta.
      auto& mesh = config.AddCaller("mesh", "");
      mesh.add_proxy_for_tenants("alpha");
      mesh.add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
      mesh.add_services(fpgw::config::v1::CALLER_SERVICE_ADMIN);
      mesh.mutable_bearer_token_sha256()->set_env(TokenEnv("mesh"));
      config.EditServer(
          [](fpgw::config::v1::Server& server) { server.set_tenant_header(kTenantHeader); });
      // The same names in both tenants.
      config.AddTenant("alpha")
          .AddIntegration("fp", "fingerprint-v4", WithSealedKey(kAlphaSealedKeyEnv))
          .AddIntegration("fp3", "fingerprint-v3")
          .AddIntegration("stytch", "stytch")
          .AddIntegration("cside", "cside");
      config.AddTenant("beta")
          .AddIntegration("fp", "fingerprint-v4",
                          [](fpgw::config::v1::Integration& fp) {
                            WithWrongCredential()(fp);
                            WithSealedKey(kBetaSealedKeyEnv)(fp);
                          })
          .AddIntegration("fp3", "fingerprint-v3", WithWrongCredential())
          .AddIntegration("stytch", "stytch", WithWrongCredential())
          .AddIntegration("cside", "cside", WithWrongCredential())
          .AddIntegration("beta-only", "fingerprint-v4", WithWrongCredential());
    });
  }

  static std::unique_ptr<grpc::ClientContext> Context(const As& as) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (!as.caller.empty()) {
      context->AddMetadata("authorization", absl::StrCat("Bearer ", TokenOf(as.caller)));
    }
    if (!as.tenant_header.empty()) context->AddMetadata(kTenantHeader, as.tenant_header);
    return context;
  }

  static grpc::Status Run(const Row& row, const As& as, const std::string& integration) {
    auto context = Context(as);
    return row.call(integration, context.get());
  }

  // Every RPC of both services, each with an integration whose vendor serves it.
  static std::vector<Row> Rows() {
    auto& evaluation = harness().evaluation();
    auto& admin = harness().admin();
    std::vector<Row> rows;
    rows.push_back({"Evaluate", false, "fp", [&](const std::string& integration, auto* context) {
                      fpgw::v1::EvaluateRequest request;
                      request.set_integration(integration);
                      request.set_token("1760000000123.matrix");
                      fpgw::v1::EvaluateResponse response;
                      return evaluation.Evaluate(context, request, &response);
                    }});
    rows.push_back({"UnsealResult", false, "fp",
                    [&](const std::string& integration, auto* context) {
                      fpgw::v1::UnsealResultRequest request;
                      request.set_integration(integration);
                      request.set_sealed_result(::fpgw::testing::SealedBase64(
                          ::fpgw::testing::TestdataFile("fingerprint_sealed/event.json"),
                          ::fpgw::testing::TestKey(1)));
                      fpgw::v1::UnsealResultResponse response;
                      return evaluation.UnsealResult(context, request, &response);
                    },
                    fpgw::v1::ERROR_REASON_INVALID_FIELD});
    rows.push_back(
        {"EvaluateHttpRequest", false, "fp", [&](const std::string& integration, auto* context) {
           fpgw::v1::EvaluateHttpRequestRequest request;
           request.set_integration(integration);
           fpgw::v1::HttpHeader* header = request.add_headers();
           header->set_name("User-Agent");
           header->set_value("matrix/1.0");
           request.set_method("GET");
           request.set_url("https://matrix.example/");
           request.set_ipv4_address("192.0.2.10");
           fpgw::v1::EvaluateHttpRequestResponse response;
           return evaluation.EvaluateHttpRequest(context, request, &response);
         }});
    rows.push_back(
        {"ListDeviceEvaluations", false, "fp3", [&](const std::string& integration, auto* context) {
           fpgw::v1::ListDeviceEvaluationsRequest request;
           request.set_integration(integration);
           request.set_device("visitorMatrixDevice1");
           fpgw::v1::ListDeviceEvaluationsResponse response;
           return evaluation.ListDeviceEvaluations(context, request, &response);
         }});
    rows.push_back(
        {"SearchEvaluations", false, "fp", [&](const std::string& integration, auto* context) {
           fpgw::v1::SearchEvaluationsRequest request;
           request.set_integration(integration);
           request.mutable_filter()->set_visitor_id("visitorMatrixSearch1");
           fpgw::v1::SearchEvaluationsResponse response;
           return evaluation.SearchEvaluations(context, request, &response);
         }});
    rows.push_back(
        {"ListRelatedDevices", false, "fp3", [&](const std::string& integration, auto* context) {
           fpgw::v1::ListRelatedDevicesRequest request;
           request.set_integration(integration);
           request.set_device_id("visitorMatrixRelated");
           fpgw::v1::ListRelatedDevicesResponse response;
           return evaluation.ListRelatedDevices(context, request, &response);
         }});
    rows.push_back({"SetRule", true, "stytch", [&](const std::string& integration, auto* context) {
                      fpgw::v1::SetRuleRequest request;
                      request.set_integration(integration);
                      request.mutable_rule()->set_identifier_type(
                          fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID);
                      request.mutable_rule()->set_identifier("visitor-matrix-rule");
                      request.mutable_rule()->set_action(fpgw::v1::ACTION_BLOCK);
                      fpgw::v1::SetRuleResponse response;
                      return admin.SetRule(context, request, &response);
                    }});
    rows.push_back(
        {"ListRules", true, "stytch", [&](const std::string& integration, auto* context) {
           fpgw::v1::ListRulesRequest request;
           request.set_integration(integration);
           fpgw::v1::ListRulesResponse response;
           return admin.ListRules(context, request, &response);
         }});
    rows.push_back({"SetVerdictReasonOverride", true, "stytch",
                    [&](const std::string& integration, auto* context) {
                      fpgw::v1::SetVerdictReasonOverrideRequest request;
                      request.set_integration(integration);
                      request.set_verdict_reason("VIRTUAL_MACHINE");
                      request.set_override_action(fpgw::v1::ACTION_ALLOW);
                      fpgw::v1::SetVerdictReasonOverrideResponse response;
                      return admin.SetVerdictReasonOverride(context, request, &response);
                    }});
    rows.push_back(
        {"ListVerdictReasons", true, "stytch", [&](const std::string& integration, auto* context) {
           fpgw::v1::ListVerdictReasonsRequest request;
           request.set_integration(integration);
           fpgw::v1::ListVerdictReasonsResponse response;
           return admin.ListVerdictReasons(context, request, &response);
         }});
    rows.push_back({"UpdateEvent", true, "fp", [&](const std::string& integration, auto* context) {
                      fpgw::v1::UpdateEventRequest request;
                      request.set_integration(integration);
                      request.set_event_id("1760000000123.matrixU");
                      request.set_suspect(true);
                      fpgw::v1::UpdateEventResponse response;
                      return admin.UpdateEvent(context, request, &response);
                    }});
    rows.push_back(
        {"DeleteDeviceData", true, "fp", [&](const std::string& integration, auto* context) {
           fpgw::v1::DeleteDeviceDataRequest request;
           request.set_integration(integration);
           request.set_device_id("visitorMatrixDelete1");
           fpgw::v1::DeleteDeviceDataResponse response;
           return admin.DeleteDeviceData(context, request, &response);
         }});
    return rows;
  }
};

// Each tenant's calls use that tenant's credentials: alpha's succeed with alpha's key, and the
// same call by beta, on an integration of the same name, is made with beta's key (refused).
TEST_F(TenantMatrixTest, EachTenantsCallsUseItsOwnCredentials) {
  for (const Row& row : Rows()) {
    SCOPED_TRACE(row.name);
    grpc::Status alpha = Run(row, {"a"}, row.integration);
    if (ErrorDetailsOf(alpha).reason == fpgw::v1::ERROR_REASON_CAPABILITY_UNAVAILABLE) continue;
    EXPECT_THAT(alpha, IsOk());
    grpc::Status beta = Run(row, {"b"}, row.integration);
    EXPECT_THAT(beta, HasReason(row.refused_for_beta));
  }
}

TEST_F(TenantMatrixTest, NoCallerOfAlphaReachesBetasIntegrationsThroughAnyRpc) {
  for (const Row& row : Rows()) {
    SCOPED_TRACE(row.name);
    const uint64_t before = harness().sandbox().request_count();
    // By name: beta's integration does not exist for alpha.
    grpc::Status by_name = Run(row, {"a"}, "beta-only");
    EXPECT_THAT(by_name, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(by_name, HasReason(fpgw::v1::ERROR_REASON_UNKNOWN_INTEGRATION));
    // By the tenant header, from a caller bound to alpha and from a proxy for alpha only.
    for (const As& as : {As{"a", "beta"}, As{"mesh", "beta"}}) {
      grpc::Status by_header = Run(row, as, row.integration);
      EXPECT_THAT(by_header, StatusIs(absl::StatusCode::kPermissionDenied)) << as.caller;
      EXPECT_THAT(by_header, HasReason(fpgw::v1::ERROR_REASON_CALLER_NOT_AUTHORIZED));
      EXPECT_THAT(by_header, HasMetadata("tenant", "beta"));
    }
    // Two tenant headers: the first or the last must not win.
    {
      auto context = Context({"mesh", "alpha"});
      context->AddMetadata(kTenantHeader, "beta");
      EXPECT_THAT(row.call(row.integration, context.get()),
                  StatusIs(absl::StatusCode::kUnauthenticated));
    }
    // No credential at all.
    EXPECT_THAT(Run(row, {""}, row.integration), StatusIs(absl::StatusCode::kUnauthenticated));
    EXPECT_EQ(harness().sandbox().request_count(), before);
  }
}

TEST_F(TenantMatrixTest, ACallerGetsNoFurtherThanItsServicesAndIntegrations) {
  for (const Row& row : Rows()) {
    SCOPED_TRACE(row.name);
    const uint64_t before = harness().sandbox().request_count();
    if (row.admin) {
      grpc::Status status = Run(row, {"a-eval"}, row.integration);
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied));
      EXPECT_THAT(status, HasMetadata("service", "AdminService"));
    }
    if (row.integration != "stytch") {
      grpc::Status status = Run(row, {"a-stytch-only"}, row.integration);
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied));
      EXPECT_THAT(status, HasMetadata("integration", row.integration));
    }
    EXPECT_EQ(harness().sandbox().request_count(), before);
  }
  // Naming no integration, a limited caller gets its own first one, not its tenant's default.
  for (const Row& row : Rows()) {
    if (row.integration != "stytch") continue;
    EXPECT_THAT(Run(row, {"a-stytch-only"}, ""), IsOk()) << row.name;
  }
}

TEST_F(TenantMatrixTest, PageTokensDoNotCrossTenants) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp");
  request.set_page_size(2);
  request.mutable_filter()->set_visitor_id("visitorMatrixPages01");
  fpgw::v1::SearchEvaluationsResponse alpha;
  {
    auto context = Context({"a"});
    ASSERT_THAT(harness().evaluation().SearchEvaluations(context.get(), request, &alpha), IsOk());
  }
  ASSERT_FALSE(alpha.next_page_token().empty());
  request.set_page_token(alpha.next_page_token());
  const uint64_t before = harness().sandbox().request_count();
  fpgw::v1::SearchEvaluationsResponse beta;
  auto context = Context({"b"});
  grpc::Status status = harness().evaluation().SearchEvaluations(context.get(), request, &beta);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN));
  EXPECT_EQ(harness().sandbox().request_count(), before);
  // Alpha's own next call with it goes on.
  auto again = Context({"a"});
  EXPECT_THAT(harness().evaluation().SearchEvaluations(again.get(), request, &beta), IsOk());
}

}  // namespace
}  // namespace fpgw::security
