// cside through the whole gateway: the real gRPC server and the real sandbox over TLS on
// loopback, called through the generated stubs. Covers verify, pending polling under both
// policies and a short deadline, device history paging, public mode and the error mapping.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "config/config_loader.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sandbox/cside/data.h"
#include "sandbox/cside/routes.h"
#include "sandbox/sandbox.h"
#include "server/gateway.h"
#include "server/status_details.h"
#include "telemetry/counters.h"
#include "vendors/registry.h"

namespace fpgw::server {
namespace {

constexpr char kKey[] = "cside_tgatv1_gateway-test-0123456789";
constexpr char kKeyEnv[] = "FPGW_CSIDE_GATEWAY_TEST_KEY";
constexpr char kWrongKey[] = "cside_tgatv1_wrong-key-that-must-never-leak";
constexpr char kWrongKeyEnv[] = "FPGW_CSIDE_GATEWAY_TEST_WRONG_KEY";
constexpr uint64_t kSeed = 11;

using ::fpgw::testing::Details;
using ::fpgw::testing::DetailsOf;

int64_t Millis(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

class CsideGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv(kKeyEnv, kKey, 1);
    setenv(kWrongKeyEnv, kWrongKey, 1);
    sandbox::SandboxOptions options;
    options.credentials["cside"] = kKey;
    options.seed = kSeed;
    auto started = sandbox::Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = started->release();

    const std::string base = absl::StrCat("        base_url: '", sandbox_->base_url(), "'\n");
    const std::string yaml = absl::StrCat(
        "server:\n  listen: ['127.0.0.1:0']\n  drain_grace_period: 1s\n"
        "http:\n  ca_bundle_path: '",
        sandbox_->ca_cert_path(),
        "'\n  max_response_bytes: 1048576\n"
        "tenants:\n  - name: acme\n    integrations:\n"
        "      - name: cs\n        vendor: cside\n",
        base, "        credential: {env: ", kKeyEnv,
        "}\n        timeout: 3s\n        cside: {poll_initial_delay: 20ms}\n"
        "      - name: cs-return\n        vendor: cside\n",
        base, "        credential: {env: ", kKeyEnv,
        "}\n        cside: {pending_policy: CSIDE_PENDING_POLICY_RETURN_PENDING, "
        "poll_initial_delay: 20ms}\n"
        "      - name: cs-wrong-key\n        vendor: cside\n",
        base, "        credential: {env: ", kWrongKeyEnv,
        "}\n"
        "      - name: cs-public\n        vendor: cside\n",
        base);
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

  grpc::Status Evaluate(const fpgw::v1::EvaluateRequest& request,
                        fpgw::v1::EvaluateResponse* response,
                        absl::Duration deadline = absl::Seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    return Stub()->Evaluate(&context, request, response);
  }

  grpc::Status Evaluate(const std::string& token, fpgw::v1::EvaluateResponse* response,
                        const std::string& integration = "cs",
                        absl::Duration deadline = absl::Seconds(10)) {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    return Evaluate(request, response, deadline);
  }

  grpc::Status ListDevice(const std::string& device, int page_size, const std::string& page_token,
                          fpgw::v1::ListDeviceEvaluationsResponse* response,
                          const std::string& integration = "cs") {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    fpgw::v1::ListDeviceEvaluationsRequest request;
    request.set_integration(integration);
    request.set_device(device);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return Stub()->ListDeviceEvaluations(&context, request, response);
  }

  static sandbox::Sandbox* sandbox_;
  static Gateway* gateway_;
  static std::shared_ptr<grpc::Channel>* channel_;
};

sandbox::Sandbox* CsideGatewayTest::sandbox_ = nullptr;
Gateway* CsideGatewayTest::gateway_ = nullptr;
std::shared_ptr<grpc::Channel>* CsideGatewayTest::channel_ = nullptr;

TEST_F(CsideGatewayTest, EvaluateReturnsTheCompletedEvaluation) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("gw-complete-1", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_CSIDE);
  EXPECT_EQ(e.source().api_version(), "v2");
  EXPECT_EQ(e.source().integration(), "cs");
  EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_LOOKUP);
  EXPECT_GT(e.source().event_time().seconds(), 0);
  EXPECT_GE(Millis(e.source().update_time()), Millis(e.source().event_time()));
  EXPECT_EQ(e.identity().device_id(), sandbox::CsideDeviceId(kSeed, "gw-complete-1"));
  EXPECT_TRUE(e.identity().has_confidence());
  EXPECT_FALSE(e.network().ip_address().empty());
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_TRUE(e.network().asn().has_number());
  EXPECT_NE(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_FALSE(e.client().user_agent().empty());
  EXPECT_FALSE(e.partial());
  EXPECT_FALSE(e.has_raw());

  fpgw::v1::EvaluateRequest full;
  full.set_integration("cs");
  full.set_token("gw-complete-1");
  full.set_view(fpgw::v1::EVALUATION_VIEW_FULL);
  ASSERT_TRUE(Evaluate(full, &response).ok());
  const auto& raw = response.evaluation().raw().fields();
  EXPECT_TRUE(raw.at("geo_data").has_struct_value());
  // Fields no assumed path maps are still there.
  EXPECT_TRUE(raw.at("bot").struct_value().fields().count("score") == 1);
}

TEST_F(CsideGatewayTest, WaitPollsUntilCompleteWithinTheDeadline) {
  const uint64_t before = sandbox_->request_count(sandbox::kRouteCsideVerify);
  const absl::Time start = absl::Now();
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-pending-3-gw-wait", &response, "cs", absl::Seconds(5));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_FALSE(response.evaluation().identity().device_id().empty());
  // Three pending answers, then the completed one; backoff 20 + 40 + 80 ms.
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideVerify) - before, 4u);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(140));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(CsideGatewayTest, ReturnPendingAnswersAtOnce) {
  // Asked for by the request.
  uint64_t before = sandbox_->request_count(sandbox::kRouteCsideVerify);
  fpgw::v1::EvaluateRequest request;
  request.set_integration("cs");
  request.set_token("sandbox-pending-2-gw-return");
  request.mutable_cside()->set_pending_policy(fpgw::v1::PENDING_POLICY_RETURN_PENDING);
  request.set_view(fpgw::v1::EVALUATION_VIEW_FULL);
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_CSIDE);
  EXPECT_FALSE(e.has_identity());
  EXPECT_EQ(e.raw().fields().at("status").string_value(), "pending");
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideVerify) - before, 1u);

  // The integration's default, and a request that overrides it with WAIT.
  before = sandbox_->request_count(sandbox::kRouteCsideVerify);
  ASSERT_TRUE(Evaluate("sandbox-pending-1-gw-default", &response, "cs-return").ok());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  request.set_integration("cs-return");
  request.set_token("sandbox-pending-1-gw-override");
  request.mutable_cside()->set_pending_policy(fpgw::v1::PENDING_POLICY_WAIT);
  ASSERT_TRUE(Evaluate(request, &response).ok());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideVerify) - before, 3u);
}

TEST_F(CsideGatewayTest, ShortDeadlineGivesAPendingEvaluationNotAnError) {
  const uint64_t before = sandbox_->request_count(sandbox::kRouteCsideVerify);
  const absl::Time start = absl::Now();
  fpgw::v1::EvaluateResponse response;
  grpc::Status status =
      Evaluate("sandbox-pending-1000-gw-deadline", &response, "cs", absl::Milliseconds(600));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(600));
  EXPECT_GT(sandbox_->request_count(sandbox::kRouteCsideVerify) - before, 2u) << "did not poll";
}

TEST_F(CsideGatewayTest, HistoryPagesThroughEveryEntryNewestFirst) {
  std::set<int64_t> seen;
  int64_t previous = INT64_MAX;
  std::string page_token;
  int pages = 0;
  const uint64_t before = sandbox_->request_count(sandbox::kRouteCsideDeviceEntries);
  do {
    fpgw::v1::ListDeviceEvaluationsResponse response;
    grpc::Status status = ListDevice("gw-history-token", 10, page_token, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.device_id(), sandbox::CsideDeviceId(kSeed, "gw-history-token"));
    for (const auto& e : response.evaluations()) {
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY);
      EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
      EXPECT_EQ(e.identity().device_id(), response.device_id());
      const int64_t created = Millis(e.source().event_time());
      EXPECT_LT(created, previous) << "not newest first";
      previous = created;
      EXPECT_TRUE(seen.insert(created).second);
    }
    page_token = response.next_page_token();
    ++pages;
  } while (!page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen.size(), static_cast<size_t>(sandbox::kCsideEntriesPerDevice));
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideDeviceEntries) - before, 4u);

  // page_size 0 takes the vendor's default (500): one page, no token.
  fpgw::v1::ListDeviceEvaluationsResponse all;
  ASSERT_TRUE(ListDevice("gw-history-token", 0, "", &all).ok());
  EXPECT_EQ(all.evaluations_size(), sandbox::kCsideEntriesPerDevice);
  EXPECT_TRUE(all.next_page_token().empty());

  // A page token is bound to its request.
  fpgw::v1::ListDeviceEvaluationsResponse first;
  ASSERT_TRUE(ListDevice("gw-history-token", 10, "", &first).ok());
  fpgw::v1::ListDeviceEvaluationsResponse other;
  grpc::Status status = ListDevice("gw-other-device", 10, first.next_page_token(), &other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).reason, "INVALID_PAGE_TOKEN");
}

TEST_F(CsideGatewayTest, PublicModeUsesTheTokenV1Endpoints) {
  const uint64_t client_before = sandbox_->request_count(sandbox::kRouteCsideClient);
  const uint64_t id_before = sandbox_->request_count(sandbox::kRouteCsideClientId);
  const uint64_t verify_before = sandbox_->request_count(sandbox::kRouteCsideVerify);
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("gw-public-1", &response, "cs-public");
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().api_version(), "v1");
  EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(e.identity().device_id(), sandbox::CsideDeviceId(kSeed, "gw-public-1"));
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_FALSE(e.partial());
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideClient) - client_before, 1u);
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideClientId) - id_before, 1u);
  EXPECT_EQ(sandbox_->request_count(sandbox::kRouteCsideVerify), verify_before);

  // No fingerprint id for the token: the id is unknown, the evaluation is still returned.
  status = Evaluate("sandbox-no-fingerprint-id-gw", &response, "cs-public");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.evaluation().identity().device_id().empty());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);

  status = Evaluate("sandbox-not-found", &response, "cs-public");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DetailsOf(status).reason, "TOKEN_NOT_FOUND");

  fpgw::v1::ListDeviceEvaluationsResponse history;
  status = ListDevice("gw-public-1", 10, "", &history, "cs-public");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(DetailsOf(status).metadata["capability"], "ListDeviceEvaluations");
}

TEST_F(CsideGatewayTest, UnknownTokenIsNotFound) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-not-found", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  Details details = DetailsOf(status);
  EXPECT_EQ(details.reason, "TOKEN_NOT_FOUND");
  EXPECT_EQ(details.metadata["vendor"], "cside");
  EXPECT_EQ(details.metadata.count("vendor_code"), 0u) << "free text became a vendor code";
  EXPECT_FALSE(absl::StrContains(status.error_message(), "Token not found"));

  fpgw::v1::ListDeviceEvaluationsResponse history;
  EXPECT_EQ(ListDevice("sandbox-not-found", 10, "", &history).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CsideGatewayTest, RejectedKeyIsFailedPreconditionAndNeverLeaks) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("gw-key-1", &response, "cs-wrong-key");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  Details details = DetailsOf(status);
  EXPECT_EQ(details.reason, "VENDOR_CREDENTIAL_REJECTED");
  EXPECT_EQ(details.metadata["http_status"], "401");
  EXPECT_FALSE(absl::StrContains(status.error_message(), kWrongKey));
  EXPECT_FALSE(absl::StrContains(status.error_details(), kWrongKey));

  fpgw::v1::ListDeviceEvaluationsResponse history;
  EXPECT_EQ(ListDevice("gw-key-1", 10, "", &history, "cs-wrong-key").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CsideGatewayTest, HostileTokensAreRefusedBeforeAnyVendorCall) {
  const uint64_t before = sandbox_->request_count();
  for (const std::string& token :
       {std::string(""), std::string(4096, 'a'), std::string("a/b"), std::string("a b"),
        std::string("a\r\nX: y"), std::string("a%2F")}) {
    for (const char* integration : {"cs", "cs-public"}) {
      fpgw::v1::EvaluateResponse response;
      grpc::Status status = Evaluate(token, &response, integration);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token.substr(0, 20);
      EXPECT_EQ(DetailsOf(status).metadata["field"], "token");
    }
  }
  fpgw::v1::ListDeviceEvaluationsResponse history;
  EXPECT_EQ(ListDevice("../verify", 10, "", &history).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(sandbox_->request_count(), before);
}

TEST_F(CsideGatewayTest, VendorFailuresMapToCanonicalCodes) {
  struct Case {
    const char* token;
    grpc::StatusCode code;
    const char* reason;
    bool retry;
  };
  for (const Case& c : {
           Case{"sandbox-rate-limited", grpc::StatusCode::RESOURCE_EXHAUSTED, "VENDOR_RATE_LIMITED",
                true},
           Case{"sandbox-server-error", grpc::StatusCode::UNAVAILABLE, "VENDOR_UNAVAILABLE", true},
           Case{"sandbox-malformed", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_INVALID", false},
           Case{"sandbox-html", grpc::StatusCode::INTERNAL, "VENDOR_RESPONSE_INVALID", false},
           Case{"sandbox-reset", grpc::StatusCode::UNAVAILABLE, "VENDOR_UNAVAILABLE", true},
       }) {
    SCOPED_TRACE(c.token);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate(c.token, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    Details details = DetailsOf(status);
    EXPECT_EQ(details.reason, c.reason);
    EXPECT_EQ(details.metadata["vendor"], "cside");
    EXPECT_EQ(details.has_retry, c.retry);
  }
  // A code-like error word is passed on as the vendor code, with the vendor's Retry-After.
  fpgw::v1::EvaluateResponse response;
  Details limited = DetailsOf(Evaluate("sandbox-rate-limited", &response));
  EXPECT_EQ(limited.metadata["vendor_code"], "rate_limited");
  EXPECT_EQ(limited.retry_seconds, 1);
}

TEST_F(CsideGatewayTest, SchemaDriftGivesAPartialEvaluation) {
  const uint64_t drift_before = gateway_->vendor_counters().schema_drift.Total();
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-drift", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_TRUE(e.partial());
  std::set<std::string> paths;
  for (const auto& d : e.drift()) paths.insert(d.path());
  EXPECT_THAT(paths, ::testing::IsSupersetOf(
                         {"$.created_at", "$.geo_data", "$.fingerprint.id", "$.bot.is_bot"}));
  EXPECT_EQ(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(gateway_->vendor_counters().schema_drift.Total() - drift_before,
            static_cast<uint64_t>(e.drift_size()));
}

}  // namespace
}  // namespace fpgw::server
