// The gateway's vendor-neutral behaviour, through the real gRPC server and the real vendor sandbox
// over TLS on loopback (tests/testing/gateway_harness.h), with the default vendor (Fingerprint v4)
// where a vendor is needed: requests refused before any vendor call, integration and tenant
// resolution, page tokens bound to their request and tenant, schema drift counted by the
// instrumentation decorator, and every sandbox module's integration served. Each vendor's own
// behaviour is tested in tests/vendors/<vendor>/gateway_test.cc.
#include "server/gateway.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sandbox/vendor.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::server {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::fpgw::v1::EvaluationService;

// The default vendor's sandbox-mode integration.
constexpr char kDefaultVendor[] = "fingerprint-v4";

class GatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.AddIntegration("fp", kDefaultVendor, [](fpgw::config::v1::Integration& fp) {
        fp.mutable_fingerprint()->set_region(fpgw::config::v1::REGION_EU);
      });
      // Every module's sandbox-mode integrations, under their own names.
      for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
        for (const sandbox::SandboxIntegration& integration : module->info().integrations) {
          config.AddIntegration(integration.name, integration.name);
        }
      }
    });
  }
};

TEST_F(GatewayTest, SearchPagesAndRejectsForgedOrReusedTokens) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp");
  request.set_page_size(5);
  request.mutable_filter()->set_visitor_id("visitorSearch0000001");
  request.mutable_filter()->set_total_hits(100);
  fpgw::v1::SearchEvaluationsResponse first;
  ASSERT_THAT(harness().Call(&EvaluationService::Stub::SearchEvaluations, request, &first), IsOk());
  ASSERT_EQ(first.evaluations_size(), 5);
  EXPECT_EQ(first.total_size(), 23);
  ASSERT_FALSE(first.next_page_token().empty());

  // The next page with the same filter works.
  fpgw::v1::SearchEvaluationsRequest next = request;
  next.set_page_token(first.next_page_token());
  {
    fpgw::v1::SearchEvaluationsResponse second;
    ASSERT_THAT(harness().Call(&EvaluationService::Stub::SearchEvaluations, next, &second), IsOk());
    ASSERT_GT(second.evaluations_size(), 0);
    EXPECT_NE(second.evaluations(0).identity().event_id(),
              first.evaluations(0).identity().event_id());
  }
  // The token with another filter, an edited token, and garbage are all refused.
  fpgw::v1::SearchEvaluationsRequest other_filter = next;
  other_filter.mutable_filter()->set_visitor_id("visitorSearch0000002");
  std::string edited = first.next_page_token();
  edited[edited.size() / 2] = edited[edited.size() / 2] == 'A' ? 'B' : 'A';
  fpgw::v1::SearchEvaluationsRequest edited_request = request;
  edited_request.set_page_token(edited);
  fpgw::v1::SearchEvaluationsRequest garbage = request;
  garbage.set_page_token("not-a-token");
  const uint64_t before = harness().sandbox().request_count();
  for (const auto& bad : {other_filter, edited_request, garbage}) {
    fpgw::v1::SearchEvaluationsResponse response;
    grpc::Status status =
        harness().Call(&EvaluationService::Stub::SearchEvaluations, bad, &response);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN));
  }
  EXPECT_EQ(harness().sandbox().request_count(), before) << "a refused token reached the vendor";
}

TEST_F(GatewayTest, SchemaDriftGivesAPartialEvaluationNotAnError) {
  const double drift_before = harness().gateway().metrics().Sum("fpgw_vendor_schema_drift_total");
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(harness().Evaluate("fp", "sandbox-drift", &response), IsOk());
  EXPECT_TRUE(response.evaluation().partial());
  EXPECT_GT(response.evaluation().drift_size(), 0);
  EXPECT_EQ(harness().gateway().metrics().Sum("fpgw_vendor_schema_drift_total") - drift_before,
            response.evaluation().drift_size());
}

// Deadline, integration timeout and cancellation are tested below the gRPC layer, in
// tests/vendors/fingerprint_v4/adapter_test.cc, where the server's behaviour is observable.

TEST_F(GatewayTest, HostileTokensAreRefusedBeforeAnyVendorCall) {
  const std::string hostile[] = {"",
                                 std::string(4096, 'a'),
                                 "../../v4/visitors",
                                 "a/b",
                                 "a?api_key=x",
                                 "a#frag",
                                 "a%2F..",
                                 "a\r\nHost: evil",
                                 std::string("a\0b", 3),
                                 "a b",
                                 "..",
                                 "caf\xc3\xa9"};
  const uint64_t before = harness().sandbox().request_count();
  for (const std::string& token : hostile) {
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = harness().Evaluate("fp", token, &response);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << token.substr(0, 20);
    EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_FIELD));
    EXPECT_THAT(status, HasMetadata("field", "token"));
  }
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(GatewayTest, UnknownIntegrationIsNamedAndNoneIsTheTenantsDefault) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = harness().Evaluate("nope", "1760000000123.abc", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_UNKNOWN_INTEGRATION));

  // No integration named: the tenant's default, its first in the config ("fp", region eu).
  ASSERT_THAT(harness().Evaluate("", "1760000000123.abc", &response), IsOk());
  EXPECT_EQ(response.evaluation().source().integration(), "fp");
  EXPECT_EQ(response.evaluation().source().region(), "eu");
}

TEST_F(GatewayTest, EverySandboxModulesIntegrationEvaluatesItsExampleRequest) {
  int integrations = 0;
  for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
    for (const sandbox::SandboxIntegration& integration : module->info().integrations) {
      SCOPED_TRACE(integration.name);
      fpgw::v1::EvaluateRequest request;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                      std::string(integration.example_request), &request)
                      .ok());
      request.set_integration(std::string(integration.name));
      fpgw::v1::EvaluateResponse response;
      ASSERT_THAT(harness().Evaluate(request, &response), IsOk());
      EXPECT_EQ(response.evaluation().source().integration(), integration.name);
      EXPECT_FALSE(response.evaluation().partial());
      ++integrations;
    }
  }
  EXPECT_GT(integrations, 1);
}

// Several tenants behind a trusted proxy that names each call's tenant in the tenant header: each
// call reaches only the named tenant's integrations, page tokens do not cross tenants, and a
// missing, repeated or foreign tenant is refused before any vendor call.
class GatewayTenantsTest : public GatewayHarnessTest {
 protected:
  static constexpr char kTenantHeader[] = "x-fpgw-tenant";

  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.EditServer([](fpgw::config::v1::Server& server) {
        server.set_tenant_header(kTenantHeader);
        auto* mesh = server.add_callers();
        mesh->set_name("mesh");
        mesh->set_local(true);
        mesh->add_proxy_for_tenants("alpha");
        mesh->add_proxy_for_tenants("beta");
      });
      config.AddTenant("alpha")
          .AddIntegration("fp", kDefaultVendor)
          .AddIntegration("alpha-only", kDefaultVendor);
      config.AddTenant("beta").AddIntegration("fp", kDefaultVendor);
      config.AddTenant("gamma").AddIntegration("fp", kDefaultVendor);
    });
  }

  // SearchEvaluations with one tenant header per entry of `tenants`.
  static grpc::Status Search(const std::vector<std::string>& tenants,
                             const std::string& integration, const std::string& page_token,
                             fpgw::v1::SearchEvaluationsResponse* response) {
    fpgw::v1::SearchEvaluationsRequest request;
    request.set_integration(integration);
    request.set_page_size(5);
    request.mutable_filter()->set_visitor_id("visitorTenants000001");
    request.set_page_token(page_token);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + fpgw::testing::kDefaultCallDeadline));
    for (const std::string& tenant : tenants) context.AddMetadata(kTenantHeader, tenant);
    return harness().evaluation().SearchEvaluations(&context, request, response);
  }
  static grpc::Status Search(const std::string& tenant, const std::string& integration,
                             const std::string& page_token,
                             fpgw::v1::SearchEvaluationsResponse* response) {
    return Search(std::vector<std::string>{tenant}, integration, page_token, response);
  }
};

TEST_F(GatewayTenantsTest, CallersReachOnlyTheirTenantsIntegrations) {
  fpgw::v1::SearchEvaluationsResponse response;
  ASSERT_THAT(Search("alpha", "alpha-only", "", &response), IsOk());
  ASSERT_THAT(Search("beta", "fp", "", &response), IsOk());

  const uint64_t before = harness().sandbox().request_count();
  grpc::Status status = Search("beta", "alpha-only", "", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_UNKNOWN_INTEGRATION));
  // A tenant the proxy does not speak for, configured or not.
  for (const std::string tenant : {"gamma", "delta"}) {
    status = Search(tenant, "fp", "", &response);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied)) << tenant;
    EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_CALLER_NOT_AUTHORIZED)) << tenant;
    EXPECT_THAT(status, HasMetadata("tenant", tenant));
  }
  // No tenant, an empty one, or two (a proxy that appends instead of replacing).
  for (const std::vector<std::string>& tenants :
       std::vector<std::vector<std::string>>{{}, {""}, {"beta", "alpha"}, {"alpha", "alpha"}}) {
    status = Search(tenants, "fp", "", &response);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnauthenticated)) << tenants.size();
    EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_CALLER_UNAUTHENTICATED));
  }
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(GatewayTenantsTest, PageTokensDoNotCrossTenants) {
  fpgw::v1::SearchEvaluationsResponse alpha;
  ASSERT_THAT(Search("alpha", "fp", "", &alpha), IsOk());
  ASSERT_FALSE(alpha.next_page_token().empty());
  fpgw::v1::SearchEvaluationsResponse next;
  ASSERT_THAT(Search("alpha", "fp", alpha.next_page_token(), &next), IsOk());

  const uint64_t before = harness().sandbox().request_count();
  grpc::Status status = Search("beta", "fp", alpha.next_page_token(), &next);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

// A listener that allows unauthenticated callers, as its config says in words: everyone who
// connects is the anonymous caller, with its tenant and services only.
class GatewayAnonymousTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.EditServer([](fpgw::config::v1::Server& server) {
        server.clear_listeners();
        auto* listener = server.add_listeners();
        listener->set_address("0.0.0.0:0");
        listener->set_allow_unauthenticated_callers(true);
        auto* anyone = server.add_callers();
        anyone->set_name("anyone");
        anyone->set_tenant("acme");
        anyone->set_anonymous(true);
      });
      config.AddIntegration("fp", kDefaultVendor);
    });
  }
};

TEST_F(GatewayAnonymousTest, EveryoneIsTheAnonymousCallerWithItsServicesOnly) {
  fpgw::v1::EvaluateResponse response;
  EXPECT_THAT(harness().Evaluate("fp", "1760000000123.anon01", &response), IsOk());
  fpgw::v1::DeleteDeviceDataRequest request;
  request.set_integration("fp");
  request.set_device_id("visitorAnonymous0001");
  fpgw::v1::DeleteDeviceDataResponse deleted;
  const uint64_t before = harness().sandbox().request_count();
  grpc::Status status =
      harness().Call(&fpgw::v1::AdminService::Stub::DeleteDeviceData, request, &deleted);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(status, HasMetadata("caller", "anyone"));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

}  // namespace
}  // namespace fpgw::server
