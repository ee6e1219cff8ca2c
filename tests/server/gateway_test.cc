// Gateway integration: the real gRPC server and the real vendor sandbox over TLS on loopback,
// called through the generated stubs. Asserts codes, ErrorInfo reasons and normalised fields.
#include "server/gateway.h"

#include <cmath>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "config/config_loader.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sandbox/fingerprint_v4/routes.h"
#include "sandbox/sandbox.h"
#include "sandbox/stytch/data.h"
#include "sandbox/stytch/routes.h"
#include "server/status_details.h"
#include "telemetry/counters.h"
#include "vendors/registry.h"

namespace fpgw::server {
namespace {

constexpr char kKey[] = "test-fingerprint-key-0123456789abcdef";
constexpr char kKeyEnv[] = "FPGW_GATEWAY_TEST_FP_KEY";
constexpr char kWrongKeyEnv[] = "FPGW_GATEWAY_TEST_WRONG_KEY";
constexpr char kWrongKey[] = "wrong-key-that-must-never-leak-42";
constexpr char kStytchProject[] = "project-test-6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
constexpr char kStytchSecret[] = "secret-test-gateway-0123456789abcdef";
constexpr char kStytchEnv[] = "FPGW_GATEWAY_TEST_STYTCH";

using ::fpgw::testing::Details;
using ::fpgw::testing::DetailsOf;

class GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv(kKeyEnv, kKey, 1);
    setenv(kWrongKeyEnv, kWrongKey, 1);
    setenv(kStytchEnv, absl::StrCat(kStytchProject, ":", kStytchSecret).c_str(), 1);
    sandbox::SandboxOptions options;
    options.credentials["fingerprint_v4"] = kKey;
    options.credentials["stytch"] = absl::StrCat(kStytchProject, ":", kStytchSecret);
    auto started = sandbox::Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = started->release();

    const std::string yaml = absl::StrCat(
        "server:\n  listen: ['127.0.0.1:0']\n  drain_grace_period: 1s\n"
        "http:\n  ca_bundle_path: '",
        sandbox_->ca_cert_path(),
        "'\n  max_response_bytes: 1048576\n"
        "tenants:\n  - name: acme\n    integrations:\n"
        "      - name: fp\n        vendor: fingerprint\n        region: eu\n        base_url: '",
        sandbox_->base_url(), "/v4'\n        credential: {env: ", kKeyEnv,
        "}\n        timeout: 3s\n"
        "      - name: fp-wrong-key\n        vendor: fingerprint\n        base_url: '",
        sandbox_->base_url(), "/v4'\n        credential: {env: ", kWrongKeyEnv,
        "}\n"
        "      - name: fp-no-key\n        vendor: fingerprint\n        base_url: '",
        sandbox_->base_url(),
        "/v4'\n        credential: {env: FPGW_GATEWAY_TEST_UNSET}\n"
        "      - name: stytch\n        vendor: stytch\n        base_url: '",
        sandbox_->base_url(), "'\n        credential: {env: ", kStytchEnv,
        "}\n"
        "      - name: stytch-get\n        vendor: stytch\n        base_url: '",
        sandbox_->base_url(), "'\n        credential: {env: ", kStytchEnv,
        "}\n        stytch: {lookup_method: get}\n"
        "      - name: stytch-bad-credential\n        vendor: stytch\n        base_url: '",
        sandbox_->base_url(), "'\n        credential: {env: ", kKeyEnv, "}\n");
    fpgw::config::v1::Config config;
    auto problems = vendors::ParseConfig(yaml, &config);
    ASSERT_TRUE(problems.empty()) << config::FormatProblems(problems);
    auto gateway = Gateway::Start(config);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = gateway->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(gateway_->listening().front(), grpc::InsecureChannelCredentials()));
  }

  static void TearDownTestSuite() {
    delete channel_;
    delete gateway_;
    delete sandbox_;
  }

  std::unique_ptr<fpgw::v1::EvaluationService::Stub> Stub() {
    return fpgw::v1::EvaluationService::NewStub(*channel_);
  }

  grpc::Status Evaluate(const std::string& token, fpgw::v1::EvaluateResponse* response,
                        const std::string& integration = "fp",
                        absl::Duration deadline = absl::Seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    return Stub()->Evaluate(&context, request, response);
  }

  static sandbox::Sandbox* sandbox_;
  static Gateway* gateway_;
  static std::shared_ptr<grpc::Channel>* channel_;
};

sandbox::Sandbox* GatewayTest::sandbox_ = nullptr;
Gateway* GatewayTest::gateway_ = nullptr;
std::shared_ptr<grpc::Channel>* GatewayTest::channel_ = nullptr;

TEST_F(GatewayTest, EvaluateFillsEveryGroupFromTheSandbox) {
  grpc::ClientContext context;
  fpgw::v1::EvaluateRequest request;
  request.set_integration("fp");
  request.set_token("1760000000123.gwTest");
  request.mutable_fingerprint()->set_ruleset_id("rs_checkout");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Stub()->Evaluate(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_FINGERPRINT);
  EXPECT_EQ(e.source().region(), "eu");
  EXPECT_EQ(e.source().integration(), "fp");
  EXPECT_EQ(e.identity().event_id(), "1760000000123.gwTest");
  EXPECT_EQ(e.identity().device_id().size(), 20u);
  EXPECT_NE(e.verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_EQ(e.verdict().origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE);
  EXPECT_NE(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_FALSE(e.network().ip_address().empty());
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_FALSE(e.client().browser_name().empty());
  EXPECT_FALSE(e.partial());
  EXPECT_FALSE(e.has_raw());
}

TEST_F(GatewayTest, FullViewReturnsTheRawPayload) {
  grpc::ClientContext context;
  fpgw::v1::EvaluateRequest request;
  request.set_token("1760000000123.gwFull");
  request.set_integration("fp");
  request.set_view(fpgw::v1::EVALUATION_VIEW_FULL);
  fpgw::v1::EvaluateResponse response;
  ASSERT_TRUE(Stub()->Evaluate(&context, request, &response).ok());
  EXPECT_EQ(response.evaluation().raw().fields().at("event_id").string_value(),
            "1760000000123.gwFull");
}

TEST_F(GatewayTest, DeviceHistoryPagesThroughEveryEventOnce) {
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    fpgw::v1::ListDeviceEvaluationsRequest request;
    request.set_integration("fp");
    request.set_device("visitorHistory000001");
    request.set_page_size(10);
    request.set_page_token(token);
    fpgw::v1::ListDeviceEvaluationsResponse response;
    grpc::Status status = Stub()->ListDeviceEvaluations(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.device_id(), "visitorHistory000001");
    for (const auto& e : response.evaluations()) {
      EXPECT_TRUE(seen.insert(e.identity().event_id()).second)
          << "duplicate " << e.identity().event_id();
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 20);
  EXPECT_GT(pages, 1);
  EXPECT_EQ(seen.size(), 23u);
}

TEST_F(GatewayTest, SearchPagesAndRejectsForgedOrReusedTokens) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp");
  request.set_page_size(5);
  request.mutable_filter()->set_visitor_id("visitorSearch0000001");
  request.mutable_filter()->set_total_hits(100);
  fpgw::v1::SearchEvaluationsResponse first;
  {
    grpc::ClientContext context;
    grpc::Status status = Stub()->SearchEvaluations(&context, request, &first);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(first.evaluations_size(), 5);
  EXPECT_EQ(first.total_size(), 23);
  ASSERT_FALSE(first.next_page_token().empty());

  // The next page with the same filter works.
  fpgw::v1::SearchEvaluationsRequest next = request;
  next.set_page_token(first.next_page_token());
  {
    grpc::ClientContext context;
    fpgw::v1::SearchEvaluationsResponse second;
    ASSERT_TRUE(Stub()->SearchEvaluations(&context, next, &second).ok());
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
  const uint64_t before = sandbox_->request_count();
  for (const auto& bad : {other_filter, edited_request, garbage}) {
    grpc::ClientContext context;
    fpgw::v1::SearchEvaluationsResponse response;
    grpc::Status status = Stub()->SearchEvaluations(&context, bad, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).reason, "INVALID_PAGE_TOKEN");
  }
  EXPECT_EQ(sandbox_->request_count(), before) << "a refused token reached the vendor";
}

struct ScenarioCase {
  const char* token;
  grpc::StatusCode code;
  const char* reason;
  bool retry;
};

TEST_F(GatewayTest, VendorErrorsMapToCanonicalCodes) {
  const ScenarioCase cases[] = {
      {"sandbox-not-found", grpc::StatusCode::NOT_FOUND, "TOKEN_NOT_FOUND", false},
      {"sandbox-wrong-region", grpc::StatusCode::FAILED_PRECONDITION, "VENDOR_WRONG_REGION", false},
      {"sandbox-feature-not-enabled", grpc::StatusCode::FAILED_PRECONDITION,
       "VENDOR_FEATURE_NOT_ENABLED", false},
      {"sandbox-rate-limited", grpc::StatusCode::RESOURCE_EXHAUSTED, "VENDOR_RATE_LIMITED", true},
      {"sandbox-server-error", grpc::StatusCode::UNAVAILABLE, "VENDOR_UNAVAILABLE", true},
      {"sandbox-gateway-timeout", grpc::StatusCode::UNAVAILABLE, "VENDOR_TIMEOUT", true},
      {"sandbox-bad-request", grpc::StatusCode::INVALID_ARGUMENT, "VENDOR_REJECTED_REQUEST", false},
      {"sandbox-malformed", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_INVALID", false},
      {"sandbox-html", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_INVALID", false},
      {"sandbox-oversized", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_TOO_LARGE", false},
      {"sandbox-reset", grpc::StatusCode::UNAVAILABLE, "VENDOR_UNAVAILABLE", true},
  };
  for (const ScenarioCase& c : cases) {
    SCOPED_TRACE(c.token);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate(c.token, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    Details details = DetailsOf(status);
    EXPECT_EQ(details.reason, c.reason);
    EXPECT_EQ(details.metadata["vendor"], "fingerprint");
    EXPECT_EQ(details.has_retry, c.retry);
  }
}

TEST_F(GatewayTest, RateLimitCarriesTheVendorsRetryAfter) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-rate-limited", &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const Details details = DetailsOf(status);
  EXPECT_EQ(details.metadata.at("vendor_code"), "too_many_requests");
  EXPECT_EQ(details.retry_seconds, 1);
}

TEST_F(GatewayTest, SchemaDriftGivesAPartialEvaluationNotAnError) {
  const uint64_t drift_before = gateway_->vendor_counters().schema_drift.Total();
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-drift", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.evaluation().partial());
  EXPECT_GT(response.evaluation().drift_size(), 0);
  EXPECT_EQ(gateway_->vendor_counters().schema_drift.Total() - drift_before,
            static_cast<uint64_t>(response.evaluation().drift_size()));
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
  const uint64_t before = sandbox_->request_count();
  for (const std::string& token : hostile) {
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate(token, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token.substr(0, 20);
    Details details = DetailsOf(status);
    EXPECT_EQ(details.reason, "INVALID_FIELD");
    EXPECT_EQ(details.metadata["field"], "token");
  }
  EXPECT_EQ(sandbox_->request_count(), before);
}

TEST_F(GatewayTest, RejectedVendorKeyIsFpgwsFailureAndNeverLeaks) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("1760000000123.keyTst", &response, "fp-wrong-key");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_CREDENTIAL_REJECTED");
  EXPECT_FALSE(absl::StrContains(status.error_message(), kWrongKey));
  EXPECT_FALSE(absl::StrContains(status.error_details(), kWrongKey));

  status = Evaluate("1760000000123.keyTst", &response, "fp-no-key");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_CREDENTIAL_MISSING");
}

TEST_F(GatewayTest, UnknownIntegrationAndMissingCapabilitiesAreNamed) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("1760000000123.abc", &response, "nope");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DetailsOf(status).reason, "UNKNOWN_INTEGRATION");

  {
    // Fingerprint v4 has no related-visitors endpoint.
    grpc::ClientContext context;
    fpgw::v1::ListRelatedDevicesRequest request;
    request.set_integration("fp");
    request.set_device_id("visitorRelated000001");
    fpgw::v1::ListRelatedDevicesResponse related;
    status = Stub()->ListRelatedDevices(&context, request, &related);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_EQ(DetailsOf(status).metadata["capability"], "ListRelatedDevices");
  }

  // No integration named: the tenant's default, its first in the config ("fp", region eu).
  status = Evaluate("1760000000123.abc", &response, "");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.evaluation().source().integration(), "fp");

  auto admin = fpgw::v1::AdminService::NewStub(*channel_);
  grpc::ClientContext context;
  fpgw::v1::DeleteDeviceDataRequest request;
  request.set_integration("stytch");
  request.set_device_id("visitorAdmin00000001");
  fpgw::v1::DeleteDeviceDataResponse admin_response;
  status = admin->DeleteDeviceData(&context, request, &admin_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(DetailsOf(status).metadata["capability"], "DeleteDeviceData");
}

grpc::Status UpdateEvent(fpgw::v1::AdminService::Stub* admin, const std::string& event_id,
                         absl::Duration deadline = absl::Seconds(10)) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  fpgw::v1::UpdateEventRequest request;
  request.set_integration("fp");
  request.set_event_id(event_id);
  request.set_linked_id("account-42");
  request.set_suspect(true);
  (*request.mutable_tags()->mutable_fields())["order"].set_string_value("A-1");
  fpgw::v1::UpdateEventResponse response;
  return admin->UpdateEvent(&context, request, &response);
}

TEST_F(GatewayTest, UpdateEventPatchesAndRetriesWhileTheEventIsNotMutableYet) {
  auto admin = fpgw::v1::AdminService::NewStub(*channel_);
  EXPECT_TRUE(UpdateEvent(admin.get(), "1760000000123.update").ok());

  const uint64_t patches_before = sandbox_->request_count(sandbox::kRouteFingerprintV4UpdateEvent);
  grpc::Status status = UpdateEvent(admin.get(), "sandbox-not-ready-once-1");
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteFingerprintV4UpdateEvent) - patches_before, 2u);

  // Never mutable: retried until the deadline nears, then UNAVAILABLE with RetryInfo.
  const absl::Time start = absl::Now();
  status = UpdateEvent(admin.get(), "sandbox-state-not-ready", absl::Seconds(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(DetailsOf(status).reason, "NOT_READY");
  EXPECT_TRUE(DetailsOf(status).has_retry);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  EXPECT_EQ(UpdateEvent(admin.get(), "sandbox-not-found").error_code(),
            grpc::StatusCode::NOT_FOUND);

  {
    // A NUL would cut the linked id short on its way to the vendor; NaN is not JSON.
    grpc::ClientContext nul_context;
    fpgw::v1::UpdateEventRequest nul;
    nul.set_integration("fp");
    nul.set_event_id("1760000000123.update");
    nul.set_linked_id(std::string("acc\0unt", 7));
    fpgw::v1::UpdateEventResponse ignored;
    EXPECT_EQ(admin->UpdateEvent(&nul_context, nul, &ignored).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    grpc::ClientContext nan_context;
    fpgw::v1::UpdateEventRequest nan = nul;
    nan.clear_linked_id();
    (*nan.mutable_tags()->mutable_fields())["n"].set_number_value(std::nan(""));
    EXPECT_EQ(admin->UpdateEvent(&nan_context, nan, &ignored).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  grpc::ClientContext context;
  fpgw::v1::UpdateEventRequest empty;
  empty.set_integration("fp");
  empty.set_event_id("1760000000123.update");
  fpgw::v1::UpdateEventResponse response;
  status = admin->UpdateEvent(&context, empty, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GatewayTest, DeleteDeviceDataCallsTheVendorAndMapsItsErrors) {
  auto admin = fpgw::v1::AdminService::NewStub(*channel_);
  struct Case {
    const char* device;
    grpc::StatusCode code;
  };
  for (const Case& c : {Case{"visitorDelete0000001", grpc::StatusCode::OK},
                        Case{"sandbox-not-found", grpc::StatusCode::NOT_FOUND},
                        Case{"sandbox-rate-limited", grpc::StatusCode::RESOURCE_EXHAUSTED},
                        Case{"../events", grpc::StatusCode::INVALID_ARGUMENT}}) {
    grpc::ClientContext context;
    fpgw::v1::DeleteDeviceDataRequest request;
    request.set_integration("fp");
    request.set_device_id(c.device);
    fpgw::v1::DeleteDeviceDataResponse response;
    EXPECT_EQ(admin->DeleteDeviceData(&context, request, &response).error_code(), c.code)
        << c.device;
  }
}

// ---- Stytch, against the sandbox's Stytch routes.

grpc::Status EvaluateStytch(fpgw::v1::EvaluationService::Stub* stub, const std::string& token,
                            fpgw::v1::EvaluateResponse* response,
                            const fpgw::v1::StytchOptions& stytch = {},
                            const std::string& integration = "stytch",
                            fpgw::v1::EvaluationView view = fpgw::v1::EVALUATION_VIEW_BASIC) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  fpgw::v1::EvaluateRequest request;
  request.set_integration(integration);
  request.set_token(token);
  request.set_view(view);
  *request.mutable_stytch() = stytch;
  return stub->Evaluate(&context, request, response);
}

TEST_F(GatewayTest, StytchEvaluateFillsVerdictFingerprintsAndNetwork) {
  fpgw::v1::StytchOptions stytch;
  stytch.set_external_id("user-42@example.com");
  stytch.set_user_action("login");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = EvaluateStytch(Stub().get(), "gwVisitor.5e7c1a2b", &response, stytch,
                                       "stytch", fpgw::v1::EVALUATION_VIEW_FULL);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_FALSE(e.partial());
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_STYTCH);
  EXPECT_EQ(e.source().api_version(), "v1");
  EXPECT_EQ(e.source().integration(), "stytch");
  EXPECT_TRUE(absl::StartsWith(e.source().vendor_request_id(), "request-id-test-"));
  EXPECT_TRUE(e.source().has_event_time());
  EXPECT_TRUE(e.source().has_expire_time());

  EXPECT_EQ(e.identity().event_id(), "gwVisitor.5e7c1a2b");
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
  EXPECT_EQ(e.raw().fields().at("telemetry_id").string_value(), "gwVisitor.5e7c1a2b");

  // A forced BLOCK carries the bot inference.
  status = EvaluateStytch(Stub().get(), "sandbox-block-7", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.evaluation().verdict().action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(response.evaluation().signals().bot().result(), fpgw::v1::BOT_RESULT_BAD);
  EXPECT_FALSE(response.evaluation().has_raw());

  // The deprecated GET lookup: same identity, no network properties.
  const uint64_t lookups = sandbox_->request_count(sandbox::kRouteStytchLookup);
  status = EvaluateStytch(Stub().get(), "gwVisitor.5e7c1a2b", &response, {}, "stytch-get");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.evaluation().identity().event_id(), "gwVisitor.5e7c1a2b");
  EXPECT_FALSE(response.evaluation().has_network());
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteStytchLookup) - lookups, 1u);
  // ... which cannot carry external metadata: refused rather than dropped.
  status = EvaluateStytch(Stub().get(), "gwVisitor.1", &response, stytch, "stytch-get");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).metadata["field"], "stytch");
}

TEST_F(GatewayTest, StytchUnknownTelemetryIdIsNotFoundWithTheVendorsAdvice) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = EvaluateStytch(Stub().get(), "sandbox-not-found-3", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  Details details = DetailsOf(status);
  EXPECT_EQ(details.reason, "TOKEN_NOT_FOUND");
  EXPECT_EQ(details.metadata["vendor"], "stytch");
  EXPECT_EQ(details.metadata["vendor_code"], "telemetry_id_not_found");
  EXPECT_EQ(details.metadata["vendor_advice"], "treat as BLOCK");
  EXPECT_FALSE(details.has_retry);
}

TEST_F(GatewayTest, StytchVendorErrorsAndCredentials) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = EvaluateStytch(Stub().get(), "sandbox-rate-limited", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(DetailsOf(status).has_retry);
  EXPECT_EQ(DetailsOf(status).retry_seconds, 1);

  status = EvaluateStytch(Stub().get(), "sandbox-service-unavailable", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(DetailsOf(status).metadata["vendor_code"], "service_unavailable");

  status = EvaluateStytch(Stub().get(), "sandbox-unauthorized", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_CREDENTIAL_REJECTED");

  status = EvaluateStytch(Stub().get(), "sandbox-drift", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.evaluation().partial());
  EXPECT_GT(response.evaluation().drift_size(), 0);

  // A credential that is not "project_id:secret" never reaches the vendor and never leaks.
  const uint64_t lookups = sandbox_->request_count(sandbox::kRouteStytchLookup);
  status = EvaluateStytch(Stub().get(), "gwVisitor.2", &response, {}, "stytch-bad-credential");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_CREDENTIAL_MISSING");
  EXPECT_FALSE(absl::StrContains(status.error_message(), kKey));
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteStytchLookup), lookups);
}

TEST_F(GatewayTest, StytchExternalMetadataIsValidatedBeforeAnyVendorCall) {
  const uint64_t lookups = sandbox_->request_count(sandbox::kRouteStytchLookup);
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
    grpc::Status status = EvaluateStytch(Stub().get(), "gwVisitor.3", &response, stytch);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(DetailsOf(status).metadata["field"], c.field);
  }
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteStytchLookup), lookups);
}

grpc::Status SetRule(fpgw::v1::AdminService::Stub* admin, fpgw::v1::RuleIdentifierType type,
                     const std::string& identifier, fpgw::v1::Action action,
                     fpgw::v1::Rule* stored = nullptr) {
  grpc::ClientContext context;
  fpgw::v1::SetRuleRequest request;
  request.set_integration("stytch");
  request.mutable_rule()->set_identifier_type(type);
  request.mutable_rule()->set_identifier(identifier);
  request.mutable_rule()->set_action(action);
  request.mutable_rule()->set_description("set by the gateway test");
  fpgw::v1::SetRuleResponse response;
  grpc::Status status = admin->SetRule(&context, request, &response);
  if (stored != nullptr) *stored = response.rule();
  return status;
}

TEST_F(GatewayTest, StytchRulesSetAndPageThroughEveryRule) {
  auto admin = fpgw::v1::AdminService::NewStub(*channel_);
  fpgw::v1::Rule stored;
  grpc::Status status = SetRule(admin.get(), fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID,
                                "visitor-gateway-test-rule", fpgw::v1::ACTION_BLOCK, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stored.identifier_type(), fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID);
  EXPECT_EQ(stored.identifier(), "visitor-gateway-test-rule");
  EXPECT_EQ(stored.action(), fpgw::v1::ACTION_BLOCK);

  std::set<std::string> identifiers;
  std::string token;
  int pages = 0;
  int rules = 0;
  do {
    grpc::ClientContext context;
    fpgw::v1::ListRulesRequest request;
    request.set_integration("stytch");
    request.set_page_size(10);
    request.set_page_token(token);
    fpgw::v1::ListRulesResponse response;
    status = admin->ListRules(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
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
    grpc::ClientContext context;
    fpgw::v1::ListRulesRequest first;
    first.set_integration("stytch");
    first.set_page_size(5);
    fpgw::v1::ListRulesResponse response;
    ASSERT_TRUE(admin->ListRules(&context, first, &response).ok());
    ASSERT_FALSE(response.next_page_token().empty());
    for (const std::string integration : {"stytch-get", "stytch"}) {
      grpc::ClientContext replay_context;
      fpgw::v1::ListRulesRequest replay = first;
      replay.set_integration(integration);
      replay.set_page_token(integration == "stytch" ? "Zm9yZ2Vk" : response.next_page_token());
      fpgw::v1::ListRulesResponse ignored;
      status = admin->ListRules(&replay_context, replay, &ignored);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << integration;
      EXPECT_EQ(DetailsOf(status).reason, "INVALID_PAGE_TOKEN") << integration;
    }
  }

  // Validation: fpgw refuses ALLOW on a country; the vendor refuses a too-wide CIDR block.
  status = SetRule(admin.get(), fpgw::v1::RULE_IDENTIFIER_TYPE_COUNTRY_CODE, "DE",
                   fpgw::v1::ACTION_ALLOW);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).metadata["field"], "rule.action");
  status = SetRule(admin.get(), fpgw::v1::RULE_IDENTIFIER_TYPE_CIDR_BLOCK, "10.0.0.0/8",
                   fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_REJECTED_REQUEST");
  EXPECT_EQ(DetailsOf(status).metadata["vendor_code"], "cidr_block_invalid_prefix");

  // ACTION_UNSPECIFIED clears the rule.
  ASSERT_TRUE(SetRule(admin.get(), fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID,
                      "visitor-gateway-test-rule", fpgw::v1::ACTION_UNSPECIFIED)
                  .ok());
}

TEST_F(GatewayTest, StytchVerdictReasonOverridesSetListAndClear) {
  auto admin = fpgw::v1::AdminService::NewStub(*channel_);
  auto set = [&](fpgw::v1::Action action, fpgw::v1::SetVerdictReasonOverrideResponse* response) {
    grpc::ClientContext context;
    fpgw::v1::SetVerdictReasonOverrideRequest request;
    request.set_integration("stytch");
    request.set_verdict_reason("VIRTUAL_MACHINE");
    request.set_override_action(action);
    request.set_override_description("QA runs in VMs");
    return admin->SetVerdictReasonOverride(&context, request, response);
  };
  auto list = [&](bool overrides_only) {
    grpc::ClientContext context;
    fpgw::v1::ListVerdictReasonsRequest request;
    request.set_integration("stytch");
    request.set_overrides_only(overrides_only);
    fpgw::v1::ListVerdictReasonsResponse response;
    EXPECT_TRUE(admin->ListVerdictReasons(&context, request, &response).ok());
    return response;
  };

  fpgw::v1::SetVerdictReasonOverrideResponse set_response;
  grpc::Status status = set(fpgw::v1::ACTION_ALLOW, &set_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(set_response.verdict_reason().verdict_reason(), "VIRTUAL_MACHINE");
  EXPECT_EQ(set_response.verdict_reason().default_action(), fpgw::v1::ACTION_CHALLENGE);
  EXPECT_EQ(set_response.verdict_reason().override_action(), fpgw::v1::ACTION_ALLOW);
  EXPECT_TRUE(set_response.verdict_reason().has_override_create_time());

  fpgw::v1::ListVerdictReasonsResponse all = list(false);
  EXPECT_GE(all.verdict_reasons_size(), 4);
  fpgw::v1::ListVerdictReasonsResponse overridden = list(true);
  ASSERT_EQ(overridden.verdict_reasons_size(), 1);
  EXPECT_EQ(overridden.verdict_reasons(0).override_description(), "QA runs in VMs");

  ASSERT_TRUE(set(fpgw::v1::ACTION_UNSPECIFIED, &set_response).ok());
  EXPECT_EQ(set_response.verdict_reason().override_action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_EQ(list(true).verdict_reasons_size(), 0);

  grpc::ClientContext context;
  fpgw::v1::SetVerdictReasonOverrideRequest rule_match;
  rule_match.set_integration("stytch");
  rule_match.set_verdict_reason("RULE_MATCH");
  rule_match.set_override_action(fpgw::v1::ACTION_ALLOW);
  status = admin->SetVerdictReasonOverride(&context, rule_match, &set_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).metadata["field"], "verdict_reason");
}

}  // namespace
}  // namespace fpgw::server
