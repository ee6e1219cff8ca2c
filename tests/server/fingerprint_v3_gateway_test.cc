// Gateway integration for Fingerprint Server API v3: the real gRPC server and the sandbox's v3
// routes over TLS on loopback, called through the generated stubs. Asserts codes, ErrorInfo
// reasons, RetryInfo and normalised fields.
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

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
#include "sandbox/fingerprint_v3/data.h"
#include "sandbox/fingerprint_v3/routes.h"
#include "sandbox/sandbox.h"
#include "server/gateway.h"
#include "server/status_details.h"
#include "vendors/registry.h"

namespace fpgw::server {
namespace {

constexpr char kKey[] = "test-fingerprint-v3-key-0123456789";
constexpr char kKeyEnv[] = "FPGW_V3_GATEWAY_TEST_KEY";
constexpr char kWrongKeyEnv[] = "FPGW_V3_GATEWAY_TEST_WRONG_KEY";
constexpr char kWrongKey[] = "wrong-v3-key-that-must-never-leak";

using ::fpgw::testing::Details;
using ::fpgw::testing::DetailsOf;

class FingerprintV3GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv(kKeyEnv, kKey, 1);
    setenv(kWrongKeyEnv, kWrongKey, 1);
    sandbox::SandboxOptions options;
    options.credentials["fingerprint_v3"] = kKey;
    auto started = sandbox::Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = started->release();

    const std::string base = sandbox_->base_url();
    const std::string yaml = absl::StrCat(
        "server:\n  listen: ['127.0.0.1:0']\n  drain_grace_period: 1s\n"
        "http:\n  ca_bundle_path: '",
        sandbox_->ca_cert_path(),
        "'\n  max_response_bytes: 1048576\n"
        "tenants:\n  - name: acme\n    integrations:\n"
        "      - name: fp3\n        vendor: fingerprint\n        api_version: v3\n"
        "        fingerprint: {region: ap}\n        base_url: '",
        base, "'\n        credential: {env: ", kKeyEnv,
        "}\n        timeout: 3s\n"
        "      - name: fp3-wrong-key\n        vendor: fingerprint\n        api_version: v3\n"
        "        base_url: '",
        base, "'\n        credential: {env: ", kWrongKeyEnv,
        "}\n"
        "      - name: fp3-no-key\n        vendor: fingerprint\n        api_version: v3\n"
        "        base_url: '",
        base, "'\n        credential: {env: FPGW_V3_GATEWAY_TEST_UNSET}\n");
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
  std::unique_ptr<fpgw::v1::AdminService::Stub> Admin() {
    return fpgw::v1::AdminService::NewStub(*channel_);
  }

  grpc::Status Evaluate(const std::string& token, fpgw::v1::EvaluateResponse* response,
                        const std::string& integration = "fp3",
                        fpgw::v1::EvaluationView view = fpgw::v1::EVALUATION_VIEW_BASIC) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    request.set_view(view);
    return Stub()->Evaluate(&context, request, response);
  }

  grpc::Status ListDevice(const std::string& device, const std::string& page_token,
                          fpgw::v1::ListDeviceEvaluationsResponse* response,
                          const std::string& integration = "fp3") {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    fpgw::v1::ListDeviceEvaluationsRequest request;
    request.set_integration(integration);
    request.set_device(device);
    request.set_page_size(10);
    request.set_page_token(page_token);
    return Stub()->ListDeviceEvaluations(&context, request, response);
  }

  grpc::Status UpdateEvent(const std::string& event_id,
                           absl::Duration deadline = absl::Seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    fpgw::v1::UpdateEventRequest request;
    request.set_integration("fp3");
    request.set_event_id(event_id);
    request.set_linked_id("account-42");
    request.set_suspect(true);
    (*request.mutable_tags()->mutable_fields())["order"].set_string_value("A-1");
    fpgw::v1::UpdateEventResponse response;
    return Admin()->UpdateEvent(&context, request, &response);
  }

  grpc::Status DeleteDevice(const std::string& device_id) {
    grpc::ClientContext context;
    fpgw::v1::DeleteDeviceDataRequest request;
    request.set_integration("fp3");
    request.set_device_id(device_id);
    fpgw::v1::DeleteDeviceDataResponse response;
    return Admin()->DeleteDeviceData(&context, request, &response);
  }

  grpc::Status Related(const std::string& device_id, fpgw::v1::ListRelatedDevicesResponse* out) {
    grpc::ClientContext context;
    fpgw::v1::ListRelatedDevicesRequest request;
    request.set_integration("fp3");
    request.set_device_id(device_id);
    return Stub()->ListRelatedDevices(&context, request, out);
  }

  static sandbox::Sandbox* sandbox_;
  static Gateway* gateway_;
  static std::shared_ptr<grpc::Channel>* channel_;
};

sandbox::Sandbox* FingerprintV3GatewayTest::sandbox_ = nullptr;
Gateway* FingerprintV3GatewayTest::gateway_ = nullptr;
std::shared_ptr<grpc::Channel>* FingerprintV3GatewayTest::channel_ = nullptr;

TEST_F(FingerprintV3GatewayTest, EvaluateFillsEveryGroupFromTheV3Sandbox) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("1760000000123.gwV3", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_FINGERPRINT);
  EXPECT_EQ(e.source().api_version(), "v3");
  EXPECT_EQ(e.source().region(), "ap");
  EXPECT_EQ(e.source().integration(), "fp3");
  EXPECT_EQ(e.source().vendor_request_id(), "1760000000123.gwV3");
  EXPECT_EQ(e.source().event_time().seconds(), 1760000000);
  EXPECT_EQ(e.identity().event_id(), "1760000000123.gwV3");
  EXPECT_EQ(e.identity().device_id().size(), 20u);
  EXPECT_TRUE(e.identity().has_first_seen_time());
  EXPECT_NE(e.identity().returning_visitor(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_NE(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().tor().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().root_apps().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_TRUE(e.signals().has_suspect_score());
  EXPECT_EQ(e.signals().velocity().size(), 7u);
  EXPECT_FALSE(e.network().ip_address().empty());
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_FALSE(e.network().geolocation().city().empty());
  EXPECT_TRUE(e.network().asn().has_number());
  EXPECT_FALSE(e.client().browser_name().empty());
  EXPECT_FALSE(e.client().user_agent().empty());
  EXPECT_FALSE(e.partial()) << (e.drift_size() > 0 ? e.drift(0).path() : "");
  EXPECT_TRUE(e.signal_failures().empty());
  EXPECT_FALSE(e.has_raw());
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteFingerprintV3GetEvent), 1u);

  // The full view carries the v3 payload as received.
  ASSERT_TRUE(
      Evaluate("1760000000123.gwV3", &response, "fp3", fpgw::v1::EVALUATION_VIEW_FULL).ok());
  EXPECT_TRUE(response.evaluation()
                  .raw()
                  .fields()
                  .at("products")
                  .struct_value()
                  .fields()
                  .contains("identification"));
}

TEST_F(FingerprintV3GatewayTest, ProductErrorsGiveAPartialEvaluationNamingTheFailedSignals) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-product-errors-1", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_TRUE(e.partial());
  std::map<std::string, std::string> codes;
  for (const auto& failure : e.signal_failures()) codes[failure.signal()] = failure.code();
  EXPECT_EQ(codes, (std::map<std::string, std::string>{{"botd", "Failed"},
                                                       {"vpn", "TooManyRequests"},
                                                       {"ipInfo", "429 Too Many Requests"}}));
  EXPECT_EQ(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e.network().has_ipv4());
  // What did not fail is still there.
  EXPECT_EQ(e.identity().device_id().size(), 20u);
  EXPECT_NE(e.signals().tor().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e.client().browser_name().empty());
}

TEST_F(FingerprintV3GatewayTest, SchemaDriftAndUnknownFieldsAreToleratedNotErrors) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-drift", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.evaluation().partial());
  EXPECT_GE(response.evaluation().drift_size(), 4);

  status = Evaluate("sandbox-unknown-fields", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.evaluation().partial());
  EXPECT_TRUE(response.evaluation().signal_failures().empty());
}

TEST_F(FingerprintV3GatewayTest, SearchPagesThroughEveryEventWithPageTokens) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp3");
  request.set_page_size(5);
  request.mutable_filter()->set_visitor_id("visitorSearchV300001");
  std::set<std::string> seen;
  int64_t last_time = INT64_MAX;
  int pages = 0;
  do {
    grpc::ClientContext context;
    fpgw::v1::SearchEvaluationsResponse response;
    grpc::Status status = Stub()->SearchEvaluations(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GT(response.evaluations_size(), 0);
    EXPECT_LE(response.evaluations_size(), 5);
    for (const auto& e : response.evaluations()) {
      EXPECT_TRUE(seen.insert(e.identity().event_id()).second) << e.identity().event_id();
      EXPECT_EQ(e.identity().device_id(), "visitorSearchV300001");
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
      // Newest first, across pages too.
      EXPECT_LT(
          e.source().event_time().seconds() * 1000 + e.source().event_time().nanos() / 1000000,
          last_time);
      last_time =
          e.source().event_time().seconds() * 1000 + e.source().event_time().nanos() / 1000000;
    }
    // The token is opaque: the vendor's cursor (the last event's timestamp) does not show.
    EXPECT_FALSE(absl::StrContains(response.next_page_token(), absl::StrCat(last_time)));
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen.size(), 23u);
}

TEST_F(FingerprintV3GatewayTest, SearchRefusesFiltersOnlyV4HasWithoutCallingTheVendor) {
  const uint64_t before = sandbox_->request_count();
  grpc::ClientContext context;
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp3");
  request.mutable_filter()->set_url("https://shop.test/");
  fpgw::v1::SearchEvaluationsResponse response;
  grpc::Status status = Stub()->SearchEvaluations(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).metadata["field"], "filter.url");
  EXPECT_EQ(sandbox_->request_count(), before);
}

TEST_F(FingerprintV3GatewayTest, VisitsPageOneVisitAtATimeThroughTheWholeHistory) {
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    fpgw::v1::ListDeviceEvaluationsResponse response;
    grpc::Status status = ListDevice("visitorHistoryV30001", token, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.device_id(), "visitorHistoryV30001");
    // The v3 API returns at most one visit per page now.
    EXPECT_EQ(response.evaluations_size(), 1);
    for (const auto& e : response.evaluations()) {
      EXPECT_TRUE(seen.insert(e.identity().event_id()).second);
      EXPECT_EQ(e.identity().device_id(), "visitorHistoryV30001");
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY);
      EXPECT_FALSE(e.network().geolocation().country_code().empty());
      EXPECT_FALSE(e.partial());
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 40);
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteFingerprintV3GetVisits), 23u);
}

TEST_F(FingerprintV3GatewayTest, VisitsErrorsArePlainBodiesMappedByStatus) {
  struct Case {
    const char* device;
    grpc::StatusCode code;
    const char* reason;
  };
  for (const Case& c :
       {Case{"sandbox-rate-limited-4", grpc::StatusCode::RESOURCE_EXHAUSTED, "VENDOR_RATE_LIMITED"},
        Case{"sandbox-bad-request", grpc::StatusCode::INVALID_ARGUMENT, "VENDOR_REJECTED_REQUEST"},
        Case{"sandbox-wrong-region", grpc::StatusCode::FAILED_PRECONDITION,
             "VENDOR_CREDENTIAL_REJECTED"}}) {
    SCOPED_TRACE(c.device);
    fpgw::v1::ListDeviceEvaluationsResponse response;
    grpc::Status status = ListDevice(c.device, "", &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    const Details details = DetailsOf(status);
    EXPECT_EQ(details.reason, c.reason);
    // A plain body has no code to pass on.
    EXPECT_EQ(details.metadata.count("vendor_code"), 0u);
    if (c.code == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      EXPECT_EQ(details.retry_seconds, 4);
    }
  }
  // An unknown visitor has no visits (getVisits has no 404).
  fpgw::v1::ListDeviceEvaluationsResponse response;
  ASSERT_TRUE(ListDevice("sandbox-not-found", "", &response).ok());
  EXPECT_EQ(response.evaluations_size(), 0);
  EXPECT_TRUE(response.next_page_token().empty());
}

TEST_F(FingerprintV3GatewayTest, UpdateEventPutsAndRetriesWhileTheEventIsNotMutableYet) {
  EXPECT_TRUE(UpdateEvent("1760000000123.updV3").ok());

  const uint64_t puts_before = sandbox_->request_count(sandbox::kRouteFingerprintV3UpdateEvent);
  grpc::Status status = UpdateEvent("sandbox-not-ready-once-v3");
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteFingerprintV3UpdateEvent) - puts_before, 2u);

  // Never mutable: retried until the deadline nears, then UNAVAILABLE with RetryInfo.
  const absl::Time start = absl::Now();
  status = UpdateEvent("sandbox-state-not-ready", absl::Seconds(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(DetailsOf(status).reason, "NOT_READY");
  EXPECT_EQ(DetailsOf(status).metadata["vendor_code"], "StateNotReady");
  EXPECT_TRUE(DetailsOf(status).has_retry);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  EXPECT_EQ(UpdateEvent("sandbox-not-found").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(FingerprintV3GatewayTest, DeleteDeviceDataCallsTheVendorAndMapsItsErrors) {
  struct Case {
    const char* device;
    grpc::StatusCode code;
  };
  for (const Case& c : {Case{"visitorDeleteV300001", grpc::StatusCode::OK},
                        Case{"sandbox-not-found", grpc::StatusCode::NOT_FOUND},
                        Case{"sandbox-rate-limited", grpc::StatusCode::RESOURCE_EXHAUSTED},
                        Case{"sandbox-feature-not-enabled", grpc::StatusCode::FAILED_PRECONDITION},
                        Case{"../events", grpc::StatusCode::INVALID_ARGUMENT}}) {
    EXPECT_EQ(DeleteDevice(c.device).error_code(), c.code) << c.device;
  }
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteFingerprintV3DeleteVisitor), 4u);
}

TEST_F(FingerprintV3GatewayTest, RelatedDevicesListTheVendorsRelatedVisitors) {
  const sandbox::FingerprintV3Data data(1);
  std::string device;
  for (int i = 1; i < 50 && device.empty(); ++i) {
    const std::string candidate = absl::StrCat("visitorRelatedV3", 1000 + i);
    if (data.RelatedVisitors(candidate).size() >= 2) device = candidate;
  }
  ASSERT_FALSE(device.empty());
  fpgw::v1::ListRelatedDevicesResponse response;
  grpc::Status status = Related(device, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<std::string> want = data.RelatedVisitors(device);
  EXPECT_EQ(std::vector<std::string>(response.device_ids().begin(), response.device_ids().end()),
            want);

  status = Related("sandbox-not-found", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DetailsOf(status).metadata["vendor_code"], "VisitorNotFound");
  status = Related("sandbox-feature-not-enabled", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_FEATURE_NOT_ENABLED");
}

TEST_F(FingerprintV3GatewayTest, RateLimitIsResourceExhaustedWithTheVendorsRetryAfter) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-rate-limited-7", &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  Details details = DetailsOf(status);
  EXPECT_EQ(details.reason, "VENDOR_RATE_LIMITED");
  EXPECT_EQ(details.metadata["vendor_code"], "TooManyRequests");
  EXPECT_EQ(details.metadata["vendor"], "fingerprint");
  ASSERT_TRUE(details.has_retry);
  EXPECT_EQ(details.retry_seconds, 7);
}

TEST_F(FingerprintV3GatewayTest, VendorErrorsMapToCanonicalCodes) {
  struct Case {
    const char* token;
    grpc::StatusCode code;
    const char* reason;
  };
  for (const Case& c :
       {Case{"sandbox-not-found", grpc::StatusCode::NOT_FOUND, "TOKEN_NOT_FOUND"},
        Case{"sandbox-wrong-region", grpc::StatusCode::FAILED_PRECONDITION, "VENDOR_WRONG_REGION"},
        Case{"sandbox-subscription-not-active", grpc::StatusCode::FAILED_PRECONDITION,
             "VENDOR_FEATURE_NOT_ENABLED"},
        Case{"sandbox-server-error", grpc::StatusCode::UNAVAILABLE, "VENDOR_UNAVAILABLE"},
        Case{"sandbox-bad-request", grpc::StatusCode::INVALID_ARGUMENT, "VENDOR_REJECTED_REQUEST"},
        Case{"sandbox-html", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_INVALID"},
        Case{"sandbox-malformed", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_INVALID"}}) {
    SCOPED_TRACE(c.token);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate(c.token, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_EQ(DetailsOf(status).reason, c.reason);
  }
}

TEST_F(FingerprintV3GatewayTest, RejectedOrMissingVendorKeyIsFailedPreconditionAndNeverLeaks) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("1760000000123.keyV3", &response, "fp3-wrong-key");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  Details details = DetailsOf(status);
  EXPECT_EQ(details.reason, "VENDOR_CREDENTIAL_REJECTED");
  EXPECT_EQ(details.metadata["vendor_code"], "TokenNotFound");
  EXPECT_FALSE(absl::StrContains(status.error_message(), kWrongKey));
  EXPECT_FALSE(absl::StrContains(status.error_details(), kWrongKey));

  // getVisits refuses with its plain body: the status alone says the key was rejected.
  fpgw::v1::ListDeviceEvaluationsResponse visits;
  status = ListDevice("visitorHistoryV30001", "", &visits, "fp3-wrong-key");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_CREDENTIAL_REJECTED");

  status = Evaluate("1760000000123.keyV3", &response, "fp3-no-key");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailsOf(status).reason, "VENDOR_CREDENTIAL_MISSING");
}

TEST_F(FingerprintV3GatewayTest, RulesetsAreRefusedOnV3) {
  grpc::ClientContext context;
  fpgw::v1::EvaluateRequest request;
  request.set_integration("fp3");
  request.set_token("1760000000123.rsV3");
  request.mutable_fingerprint()->set_ruleset_id("rs_checkout");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Stub()->Evaluate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).metadata["field"], "fingerprint.ruleset_id");
}

}  // namespace
}  // namespace fpgw::server
