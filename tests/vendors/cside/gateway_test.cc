// cside through the whole gateway (tests/testing/gateway_harness.h): the real gRPC server and the
// real sandbox over TLS on loopback, called through the generated stubs. Covers verify, pending
// polling under both policies and a short deadline, device history paging, public mode and the
// error mapping.
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/cside/data.h"
#include "sandbox/cside/routes.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors::cside {
namespace {

using ::fpgw::testing::ErrorDetailsOf;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessOptions;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::HasRetryDelay;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::WithTimeout;
using ::fpgw::testing::WithWrongCredential;
using ::testing::_;
using ::testing::Not;

// The sandbox's data seed, to predict its device ids.
constexpr uint64_t kSeed = 11;

int64_t Millis(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

void PollQuickly(fpgw::config::v1::Integration& cs) {
  cs.mutable_cside()->mutable_poll_initial_delay()->set_nanos(20000000);
}

class CsideGatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    GatewayHarnessOptions options;
    options.seed = kSeed;
    StartHarness(
        [](GatewayConfigBuilder& config) {
          config.AddIntegration("cs", "cside", [](fpgw::config::v1::Integration& cs) {
            WithTimeout(absl::Seconds(3))(cs);
            PollQuickly(cs);
          });
          config.AddIntegration("cs-return", "cside", [](fpgw::config::v1::Integration& cs) {
            cs.mutable_cside()->set_pending_policy(
                fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING);
            PollQuickly(cs);
          });
          config.AddIntegration("cs-wrong-key", "cside", WithWrongCredential());
          config.AddIntegration("cs-public", "cside-public");
        },
        options);
  }

  static uint64_t Requests(absl::string_view route) {
    return harness().sandbox().request_count(route);
  }

  static grpc::Status Evaluate(const fpgw::v1::EvaluateRequest& request,
                               fpgw::v1::EvaluateResponse* response,
                               absl::Duration deadline = absl::Seconds(10)) {
    return harness().Evaluate(request, response, deadline);
  }

  static grpc::Status Evaluate(const std::string& token, fpgw::v1::EvaluateResponse* response,
                               const std::string& integration = "cs",
                               absl::Duration deadline = absl::Seconds(10)) {
    return harness().Evaluate(integration, token, response, deadline);
  }

  static grpc::Status ListDevice(const std::string& device, int page_size,
                                 const std::string& page_token,
                                 fpgw::v1::ListDeviceEvaluationsResponse* response,
                                 const std::string& integration = "cs") {
    return harness().ListDeviceEvaluations(integration, device, page_size, page_token, response);
  }
};

TEST_F(CsideGatewayTest, EvaluateReturnsTheCompletedEvaluation) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("gw-complete-1", &response);
  ASSERT_THAT(status, IsOk());
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
  ASSERT_THAT(Evaluate(full, &response), IsOk());
  const auto& raw = response.evaluation().raw().fields();
  EXPECT_TRUE(raw.at("geo_data").has_struct_value());
  // Fields no assumed path maps are still there.
  EXPECT_TRUE(raw.at("bot").struct_value().fields().count("score") == 1);
}

TEST_F(CsideGatewayTest, WaitPollsUntilCompleteWithinTheDeadline) {
  const uint64_t before = Requests(sandbox::kRouteCsideVerify);
  const absl::Time start = absl::Now();
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-pending-3-gw-wait", &response, "cs", absl::Seconds(5));
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_FALSE(response.evaluation().identity().device_id().empty());
  // Three pending answers, then the completed one; backoff 20 + 40 + 80 ms.
  EXPECT_EQ(Requests(sandbox::kRouteCsideVerify) - before, 4u);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(140));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(CsideGatewayTest, ReturnPendingAnswersAtOnce) {
  // Asked for by the request.
  uint64_t before = Requests(sandbox::kRouteCsideVerify);
  fpgw::v1::EvaluateRequest request;
  request.set_integration("cs");
  request.set_token("sandbox-pending-2-gw-return");
  request.mutable_cside()->set_pending_policy(fpgw::v1::PENDING_POLICY_RETURN_PENDING);
  request.set_view(fpgw::v1::EVALUATION_VIEW_FULL);
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate(request, &response);
  ASSERT_THAT(status, IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_CSIDE);
  EXPECT_FALSE(e.has_identity());
  EXPECT_EQ(e.raw().fields().at("status").string_value(), "pending");
  EXPECT_EQ(Requests(sandbox::kRouteCsideVerify) - before, 1u);

  // The integration's default, and a request that overrides it with WAIT.
  before = Requests(sandbox::kRouteCsideVerify);
  ASSERT_THAT(Evaluate("sandbox-pending-1-gw-default", &response, "cs-return"), IsOk());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  request.set_integration("cs-return");
  request.set_token("sandbox-pending-1-gw-override");
  request.mutable_cside()->set_pending_policy(fpgw::v1::PENDING_POLICY_WAIT);
  ASSERT_THAT(Evaluate(request, &response), IsOk());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(Requests(sandbox::kRouteCsideVerify) - before, 3u);
}

TEST_F(CsideGatewayTest, ShortDeadlineGivesAPendingEvaluationNotAnError) {
  const uint64_t before = Requests(sandbox::kRouteCsideVerify);
  const absl::Time start = absl::Now();
  fpgw::v1::EvaluateResponse response;
  grpc::Status status =
      Evaluate("sandbox-pending-1000-gw-deadline", &response, "cs", absl::Milliseconds(600));
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(600));
  EXPECT_GT(Requests(sandbox::kRouteCsideVerify) - before, 2u) << "did not poll";
}

TEST_F(CsideGatewayTest, HistoryPagesThroughEveryEntryNewestFirst) {
  std::set<int64_t> seen;
  int64_t previous = INT64_MAX;
  std::string page_token;
  int pages = 0;
  const uint64_t before = Requests(sandbox::kRouteCsideDeviceEntries);
  do {
    fpgw::v1::ListDeviceEvaluationsResponse response;
    grpc::Status status = ListDevice("gw-history-token", 10, page_token, &response);
    ASSERT_THAT(status, IsOk());
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
  EXPECT_EQ(Requests(sandbox::kRouteCsideDeviceEntries) - before, 4u);

  // page_size 0 takes the vendor's default (500): one page, no token.
  fpgw::v1::ListDeviceEvaluationsResponse all;
  ASSERT_THAT(ListDevice("gw-history-token", 0, "", &all), IsOk());
  EXPECT_EQ(all.evaluations_size(), sandbox::kCsideEntriesPerDevice);
  EXPECT_TRUE(all.next_page_token().empty());

  // A page token is bound to its request.
  fpgw::v1::ListDeviceEvaluationsResponse first;
  ASSERT_THAT(ListDevice("gw-history-token", 10, "", &first), IsOk());
  fpgw::v1::ListDeviceEvaluationsResponse other;
  grpc::Status status = ListDevice("gw-other-device", 10, first.next_page_token(), &other);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN));
}

TEST_F(CsideGatewayTest, PublicModeUsesTheTokenV1Endpoints) {
  const uint64_t client_before = Requests(sandbox::kRouteCsideClient);
  const uint64_t id_before = Requests(sandbox::kRouteCsideClientId);
  const uint64_t verify_before = Requests(sandbox::kRouteCsideVerify);
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("gw-public-1", &response, "cs-public");
  ASSERT_THAT(status, IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().api_version(), "v1");
  EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(e.identity().device_id(), sandbox::CsideDeviceId(kSeed, "gw-public-1"));
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_FALSE(e.partial());
  EXPECT_EQ(Requests(sandbox::kRouteCsideClient) - client_before, 1u);
  EXPECT_EQ(Requests(sandbox::kRouteCsideClientId) - id_before, 1u);
  EXPECT_EQ(Requests(sandbox::kRouteCsideVerify), verify_before);

  // No fingerprint id for the token: the id is unknown, the evaluation is still returned.
  status = Evaluate("sandbox-no-fingerprint-id-gw", &response, "cs-public");
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(response.evaluation().identity().device_id().empty());
  EXPECT_EQ(response.evaluation().source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);

  status = Evaluate("sandbox-not-found", &response, "cs-public");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND));

  fpgw::v1::ListDeviceEvaluationsResponse history;
  status = ListDevice("gw-public-1", 10, "", &history, "cs-public");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(status, HasMetadata("capability", "ListDeviceEvaluations"));
}

TEST_F(CsideGatewayTest, UnknownTokenIsNotFound) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-not-found", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND));
  EXPECT_THAT(status, HasMetadata("vendor", "cside"));
  EXPECT_THAT(status, Not(HasMetadata("vendor_code", _))) << "free text became a vendor code";
  EXPECT_FALSE(absl::StrContains(status.error_message(), "Token not found"));

  fpgw::v1::ListDeviceEvaluationsResponse history;
  EXPECT_THAT(ListDevice("sandbox-not-found", 10, "", &history),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CsideGatewayTest, RejectedKeyIsFailedPreconditionAndNeverLeaks) {
  const std::string wrong_key = GatewayHarness::WrongCredential("cside");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("gw-key-1", &response, "cs-wrong-key");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED));
  EXPECT_THAT(status, HasMetadata("http_status", "401"));
  EXPECT_FALSE(absl::StrContains(status.error_message(), wrong_key));
  EXPECT_FALSE(absl::StrContains(status.error_details(), wrong_key));

  fpgw::v1::ListDeviceEvaluationsResponse history;
  EXPECT_THAT(ListDevice("gw-key-1", 10, "", &history, "cs-wrong-key"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(CsideGatewayTest, HostileTokensAreRefusedBeforeAnyVendorCall) {
  const uint64_t before = harness().sandbox().request_count();
  for (const std::string& token :
       {std::string(""), std::string(4096, 'a'), std::string("a/b"), std::string("a b"),
        std::string("a\r\nX: y"), std::string("a%2F")}) {
    for (const char* integration : {"cs", "cs-public"}) {
      fpgw::v1::EvaluateResponse response;
      grpc::Status status = Evaluate(token, &response, integration);
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << token.substr(0, 20);
      EXPECT_THAT(status, HasMetadata("field", "token"));
    }
  }
  fpgw::v1::ListDeviceEvaluationsResponse history;
  EXPECT_THAT(ListDevice("../verify", 10, "", &history),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(CsideGatewayTest, VendorFailuresMapToCanonicalCodes) {
  struct Case {
    const char* token;
    absl::StatusCode code;
    fpgw::v1::ErrorReason reason;
    bool retry;
  };
  for (const Case& c : {
           Case{"sandbox-rate-limited", absl::StatusCode::kResourceExhausted,
                fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED, true},
           Case{"sandbox-server-error", absl::StatusCode::kUnavailable,
                fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, true},
           Case{"sandbox-malformed", absl::StatusCode::kInternal,
                fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID, false},
           Case{"sandbox-html", absl::StatusCode::kInternal,
                fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID, false},
           Case{"sandbox-reset", absl::StatusCode::kUnavailable,
                fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, true},
       }) {
    SCOPED_TRACE(c.token);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate(c.token, &response);
    EXPECT_THAT(status, StatusIs(c.code));
    EXPECT_THAT(status, HasReason(c.reason));
    EXPECT_THAT(status, HasMetadata("vendor", "cside"));
    EXPECT_EQ(ErrorDetailsOf(status).retry_delay.has_value(), c.retry);
  }
  // A code-like error word is passed on as the vendor code, with the vendor's Retry-After.
  fpgw::v1::EvaluateResponse response;
  grpc::Status limited = Evaluate("sandbox-rate-limited", &response);
  EXPECT_THAT(limited, HasMetadata("vendor_code", "rate_limited"));
  EXPECT_THAT(limited, HasRetryDelay(absl::Seconds(1)));
}

TEST_F(CsideGatewayTest, SchemaDriftGivesAPartialEvaluation) {
  const double drift_before = harness().gateway().metrics().Sum("fpgw_vendor_schema_drift_total");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-drift", &response);
  ASSERT_THAT(status, IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_TRUE(e.partial());
  std::set<std::string> paths;
  for (const auto& d : e.drift()) paths.insert(d.path());
  EXPECT_THAT(paths, ::testing::IsSupersetOf(
                         {"$.created_at", "$.geo_data", "$.fingerprint.id", "$.bot.is_bot"}));
  EXPECT_EQ(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(harness().gateway().metrics().Sum("fpgw_vendor_schema_drift_total") - drift_before,
            e.drift_size());
}

// cside does not document the payload's inner names: when its real names differ from the assumed
// ones, the device id still comes from /token/v1/clientId (the documented source), and the rest
// stays unknown instead of guessed.
TEST_F(CsideGatewayTest, RenamedFieldsTakeTheDeviceIdFromClientId) {
  const std::string token = sandbox::CsideTestToken(kSeed, "sandbox-shape-renamed.", true);
  const uint64_t client_ids = Requests("cside.client_id");
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate(token, &response), IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.identity().device_id(), sandbox::CsideDeviceId(kSeed, token));
  EXPECT_EQ(Requests("cside.client_id") - client_ids, 1u);
  EXPECT_FALSE(e.partial());
  // Renamed geo and network fields are not guessed.
  EXPECT_TRUE(e.network().geolocation().country_code().empty());
  EXPECT_TRUE(e.network().ip_address().empty());
}

TEST_F(CsideGatewayTest, NoDeviceIdFromEitherSourceIsANamedDrift) {
  for (const char* prefix : {"sandbox-shape-renamed.", "sandbox-shape-missing-blocks."}) {
    SCOPED_TRACE(prefix);
    const std::string token = sandbox::CsideTestToken(kSeed, prefix, false);
    fpgw::v1::EvaluateResponse response;
    ASSERT_THAT(Evaluate(token, &response), IsOk());
    const fpgw::v1::Evaluation& e = response.evaluation();
    EXPECT_EQ(e.source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
    EXPECT_TRUE(e.identity().device_id().empty());
    EXPECT_TRUE(e.partial());
    ASSERT_GE(e.drift_size(), 1);
    EXPECT_EQ(e.drift(e.drift_size() - 1).path(), "$.fingerprint");
  }
}

TEST_F(CsideGatewayTest, ExtraBlocksChangeNothingTheAssumedPathsRead) {
  const std::string token = sandbox::CsideTestToken(kSeed, "sandbox-shape-extra-blocks.", true);
  const uint64_t client_ids = Requests("cside.client_id");
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate(token, &response), IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.identity().device_id(), sandbox::CsideDeviceId(kSeed, token));
  EXPECT_FALSE(e.partial());
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  // The payload named the device: no extra round trip.
  EXPECT_EQ(Requests("cside.client_id"), client_ids);
}

// A page that says more entries exist but gives no way to reach them ends the listing and says so.
TEST_F(CsideGatewayTest, ABrokenEntriesPageIsPartialNotSilentlyShort) {
  for (const char* token : {"sandbox-next-offset-null-gw", "sandbox-next-offset-stuck-gw"}) {
    SCOPED_TRACE(token);
    fpgw::v1::ListDeviceEvaluationsResponse response;
    ASSERT_THAT(ListDevice(token, 5, "", &response), IsOk());
    EXPECT_FALSE(response.evaluations().empty());
    EXPECT_TRUE(response.next_page_token().empty());
    EXPECT_TRUE(response.partial());
    ASSERT_GE(response.drift_size(), 1);
    EXPECT_EQ(response.drift(0).path(), "$.next_offset");
  }
  fpgw::v1::ListDeviceEvaluationsResponse healthy;
  ASSERT_THAT(ListDevice("gw-history-token", 5, "", &healthy), IsOk());
  EXPECT_FALSE(healthy.partial());
}

TEST_F(CsideGatewayTest, DeviceEntriesRefuseFiltersTheyCannotApply) {
  fpgw::v1::ListDeviceEvaluationsRequest request;
  request.set_integration("cs");
  request.set_device("gw-history-token");
  request.mutable_filter()->set_linked_id("account-1");
  fpgw::v1::ListDeviceEvaluationsResponse response;
  grpc::Status status =
      harness().Call(&fpgw::v1::EvaluationService::Stub::ListDeviceEvaluations, request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "filter.linked_id"));
}

}  // namespace
}  // namespace fpgw::vendors::cside
