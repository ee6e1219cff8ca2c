// CsideAdapter against a scripted HTTP transport (tests/testing/scripted_http_client.h): the
// requests it builds (paths, bodies, headers, limits, offsets), the pending policy and its wait
// budget, including a poll cut short by the deadline, cancellation during a wait, and public mode's
// clientId follow-up. The transport is a fake because these cases need exact timing and failures no
// real server produces on demand; the gateway test runs the same adapter against the sandbox.
#include "vendors/cside/adapter.h"

#include <atomic>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "async/timer_queue.h"
#include "common/error.h"
#include "credentials/credential_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "testing/env_secrets.h"
#include "testing/scripted_http_client.h"

namespace fpgw::vendors::cside {
namespace {

using ::fpgw::testing::Answer;
using ::fpgw::testing::HeaderOf;
using ::fpgw::testing::ScriptedHttpClient;

constexpr char kKeyEnv[] = "FPGW_CSIDE_ADAPTER_TEST_KEY";
constexpr char kKey[] = "cside_tgatv1_adapter-test";
// A completed payload that names the device where fpgw assumes it (ASSUMED_PATHS.md)...
constexpr char kCompleted[] =
    R"({"status":"completed","created_at":1779441600000,"updated_at":1779441600500,)"
    R"("fingerprint":{"id":"dev_in_payload"},"geo_data":{"country_code":"CZ"}})";
// ... and one that does not: the documented top level only (CONTRACTS.md §1.4).
constexpr char kCompletedWithoutId[] =
    R"({"status":"completed","created_at":1779441600000,"updated_at":1779441600500,)"
    R"("geo_data":{"country_code":"CZ"}})";

class CsideAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv(kKeyEnv, kKey, 1);
    http_ = std::make_shared<ScriptedHttpClient>(&timers_);
  }

  static fpgw::config::v1::Integration Integration(
      bool with_key = true, fpgw::config::v1::CsidePendingPolicy policy =
                                fpgw::config::v1::CSIDE_PENDING_POLICY_UNSPECIFIED) {
    fpgw::config::v1::Integration integration;
    integration.set_name("cs");
    integration.set_vendor(fpgw::config::v1::VENDOR_CSIDE);
    integration.set_base_url("https://cside.test/");
    integration.mutable_timeout()->set_seconds(5);
    if (with_key) {
      integration.mutable_credential()->set_env(kKeyEnv);
    } else {
      integration.mutable_cside()->set_public_mode(true);
    }
    integration.mutable_cside()->set_pending_policy(policy);
    integration.mutable_cside()->mutable_poll_initial_delay()->set_nanos(20 * 1000 * 1000);
    return integration;
  }

  AdapterDeps Deps() {
    AdapterDeps deps;
    deps.http = http_;
    deps.secrets = fpgw::testing::EnvSecrets({kKeyEnv});
    deps.timers = &timers_;
    return deps;
  }

  std::unique_ptr<CsideAdapter> Adapter(bool with_key = true,
                                        fpgw::config::v1::CsidePendingPolicy policy =
                                            fpgw::config::v1::CSIDE_PENDING_POLICY_UNSPECIFIED) {
    return std::make_unique<CsideAdapter>(Integration(with_key, policy), Deps());
  }

  absl::StatusOr<fpgw::v1::Evaluation> Evaluate(
      CsideAdapter& adapter, const std::string& token, absl::Duration deadline = absl::Seconds(5),
      fpgw::v1::PendingPolicy policy = fpgw::v1::PENDING_POLICY_UNSPECIFIED,
      CallContext context = CallContext()) {
    fpgw::v1::EvaluateRequest request;
    request.set_token(token);
    request.mutable_cside()->set_pending_policy(policy);
    context.deadline = absl::Now() + deadline;
    absl::Notification finished;
    absl::StatusOr<fpgw::v1::Evaluation> out;
    adapter.Evaluate(request, context, [&](absl::StatusOr<fpgw::v1::Evaluation> result) {
      out = std::move(result);
      finished.Notify();
    });
    finished.WaitForNotification();
    return out;
  }

  absl::StatusOr<EvaluationPage> List(CsideAdapter& adapter, int page_size,
                                      const std::string& cursor) {
    CallContext context;
    context.deadline = absl::Now() + absl::Seconds(5);
    absl::Notification finished;
    absl::StatusOr<EvaluationPage> out;
    adapter.ListDevice("tok-device", {}, page_size, cursor, context,
                       [&](absl::StatusOr<EvaluationPage> result) {
                         out = std::move(result);
                         finished.Notify();
                       });
    finished.WaitForNotification();
    return out;
  }

  async::TimerQueue timers_;
  std::shared_ptr<ScriptedHttpClient> http_;
};

TEST_F(CsideAdapterTest, VerifyPostsTheTokenAsJsonWithTheBearerKey) {
  auto adapter = Adapter();
  http_->Script({{200, kCompleted}});
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok\"with-quote");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(e->network().geolocation().country_code(), "CZ");
  const std::vector<http::HttpRequest> requests = http_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, "https://cside.test/token/v2/verify");
  EXPECT_EQ(HeaderOf(requests[0], "Authorization"), absl::StrCat("Bearer ", kKey));
  EXPECT_EQ(HeaderOf(requests[0], "Content-Type"), "application/json");
  rapidjson::Document body;
  body.Parse(requests[0].body.c_str());
  ASSERT_TRUE(body.IsObject()) << requests[0].body;
  EXPECT_STREQ(body["token"].GetString(), "tok\"with-quote");
}

// With the API key, the device id comes from /token/v1/clientId (within the same deadline) when
// the verify payload names none at the assumed paths; neither giving one is a named drift.
TEST_F(CsideAdapterTest, VerifyWithoutADeviceIdFallsBackToClientId) {
  auto adapter = Adapter();
  http_->Script({{200, kCompletedWithoutId}, {200, "dev_from_client_id"}});
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok-renamed");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->identity().device_id(), "dev_from_client_id");
  EXPECT_FALSE(e->partial());
  EXPECT_EQ(e->source().api_version(), "v2");
  std::vector<http::HttpRequest> requests = http_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].url, "https://cside.test/token/v2/verify");
  EXPECT_EQ(requests[1].url, "https://cside.test/token/v1/clientId");
  EXPECT_EQ(requests[1].body, "tok-renamed");
  EXPECT_EQ(HeaderOf(requests[1], "Content-Type"), "text/plain");

  http_->Script({{200, kCompletedWithoutId}, {404, "Not Found"}});
  e = Evaluate(*adapter, "tok-unknown-device");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->identity().device_id().empty());
  EXPECT_TRUE(e->partial());
  ASSERT_EQ(e->drift_size(), 1);
  EXPECT_EQ(e->drift(0).path(), "$.fingerprint");
  EXPECT_THAT(e->drift(0).expected(), ::testing::HasSubstr("/token/v1/clientId"));
  // What the payload did give is kept.
  EXPECT_EQ(e->network().geolocation().country_code(), "CZ");
}

TEST_F(CsideAdapterTest, WaitPollsWithDoublingBackoff) {
  auto adapter = Adapter();
  http_->Script({{202, R"({"status":"pending"})"},
                 {202, R"({"status":"pending"})"},
                 {200, R"({"status":"pending"})"},
                 {200, kCompleted}});
  const absl::Time start = absl::Now();
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(http_->requests().size(), 4u) << "a 200 pending body is pending too";
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(20 + 40 + 80));
}

TEST_F(CsideAdapterTest, PollCutShortByTheDeadlineStillAnswersPending) {
  auto adapter = Adapter();
  http_->Script({{202, R"({"status":"pending"})"}});
  http_->SetDefault({202, R"({"status":"pending"})", absl::Seconds(30)});
  const absl::Time start = absl::Now();
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok", absl::Milliseconds(400));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(400));
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(CsideAdapterTest, AFirstCallThatTimesOutIsTheCallersDeadline) {
  auto adapter = Adapter();
  http_->SetDefault({200, kCompleted, absl::Seconds(30)});
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok", absl::Milliseconds(200));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(CsideAdapterTest, ErrorsWhileWaitingEndTheWait) {
  auto adapter = Adapter();
  http_->Script({{202, R"({"status":"pending"})"}, {429, R"({"error_message":"rate_limited"})"}});
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok");
  EXPECT_EQ(e.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(MetadataOf(e.status(), "vendor_code"), "rate_limited");
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(CsideAdapterTest, PolicyComesFromTheRequestThenTheIntegration) {
  fpgw::config::v1::Integration integration;
  fpgw::v1::EvaluateRequest request;
  EXPECT_EQ(CsideAdapter::EffectivePolicy(request, integration), fpgw::v1::PENDING_POLICY_WAIT);
  integration.mutable_cside()->set_pending_policy(
      fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING);
  EXPECT_EQ(CsideAdapter::EffectivePolicy(request, integration),
            fpgw::v1::PENDING_POLICY_RETURN_PENDING);
  request.mutable_cside()->set_pending_policy(fpgw::v1::PENDING_POLICY_WAIT);
  EXPECT_EQ(CsideAdapter::EffectivePolicy(request, integration), fpgw::v1::PENDING_POLICY_WAIT);

  EXPECT_EQ(CsideAdapter::PollReserve(absl::Seconds(10)), absl::Milliseconds(200));
  EXPECT_EQ(CsideAdapter::PollReserve(absl::Seconds(1)), absl::Milliseconds(100));
  EXPECT_EQ(CsideAdapter::PollReserve(absl::Milliseconds(50)), absl::Milliseconds(20));

  auto adapter = Adapter(true, fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING);
  http_->SetDefault({202, R"({"status":"pending"})"});
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_EQ(http_->requests().size(), 1u);
}

TEST_F(CsideAdapterTest, CancellationDuringTheWaitStopsPolling) {
  auto adapter = Adapter();
  http_->SetDefault({202, R"({"status":"pending"})"});
  CallContext context;
  std::thread canceller([cancellation = context.cancellation] {
    absl::SleepFor(absl::Milliseconds(50));
    cancellation->Cancel();
  });
  absl::StatusOr<fpgw::v1::Evaluation> e =
      Evaluate(*adapter, "tok", absl::Seconds(5), fpgw::v1::PENDING_POLICY_UNSPECIFIED, context);
  canceller.join();
  EXPECT_EQ(e.status().code(), absl::StatusCode::kCancelled);
  EXPECT_LE(http_->requests().size(), 3u);
}

TEST_F(CsideAdapterTest, EntriesClampTheLimitAndFollowTheCursor) {
  auto adapter = Adapter();
  const std::string page =
      R"({"device_id":"dev_1","entries":[{"status":"completed","created_at":1}],)"
      R"("limit":500,"offset":40,"next_offset":41,"has_more":true})";
  http_->SetDefault({200, page});
  struct Case {
    int page_size;
    const char* cursor;
    int limit;
    int offset;
  };
  for (const Case& c : {Case{0, "", 500, 0}, Case{9999, "", 500, 0}, Case{7, "40", 7, 40}}) {
    absl::StatusOr<EvaluationPage> result = List(*adapter, c.page_size, c.cursor);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->device_id, "dev_1");
    EXPECT_EQ(result->next_cursor, "41");
    const http::HttpRequest request = http_->requests().back();
    EXPECT_EQ(request.url, "https://cside.test/token/v2/device/entries");
    rapidjson::Document body;
    body.Parse(request.body.c_str());
    EXPECT_STREQ(body["token"].GetString(), "tok-device");
    EXPECT_EQ(body["limit"].GetInt(), c.limit);
    EXPECT_EQ(body["offset"].GetInt(), c.offset);
  }
  const size_t sent = http_->requests().size();
  absl::StatusOr<EvaluationPage> bad = List(*adapter, 10, "not-an-offset");
  EXPECT_EQ(ReasonOf(bad.status()), fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN);
  EXPECT_EQ(http_->requests().size(), sent);
}

TEST_F(CsideAdapterTest, PublicModeUsesTextPlainAndFillsTheIdFromClientId) {
  auto adapter = Adapter(/*with_key=*/false);
  EXPECT_TRUE(adapter->public_mode());
  http_->Script({{200, kCompletedWithoutId}, {200, "dev_public_42\n"}});
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, "tok-public");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->source().api_version(), "v1");
  EXPECT_EQ(e->identity().device_id(), "dev_public_42");
  std::vector<http::HttpRequest> requests = http_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].url, "https://cside.test/token/v1/client");
  EXPECT_EQ(requests[1].url, "https://cside.test/token/v1/clientId");
  for (const auto& request : requests) {
    EXPECT_EQ(request.body, "tok-public");
    EXPECT_EQ(HeaderOf(request, "Content-Type"), "text/plain");
    EXPECT_EQ(HeaderOf(request, "Authorization"), "");
  }

  // An id in the payload makes clientId unnecessary.
  http_->Script({{200, kCompleted}});
  e = Evaluate(*adapter, "tok-public-2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->identity().device_id(), "dev_in_payload");
  EXPECT_EQ(http_->requests().size(), 3u);

  // clientId failures leave the id unknown and the evaluation partial: a 404 or an unreadable
  // answer as a drift naming the missing id, others as a signal failure.
  http_->Script({{200, kCompletedWithoutId}, {404, "Not Found"}});
  e = Evaluate(*adapter, "tok-public-3");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->identity().device_id().empty());
  EXPECT_TRUE(e->partial());
  ASSERT_EQ(e->drift_size(), 1);
  EXPECT_EQ(e->drift(0).path(), "$.fingerprint");
  http_->Script({{200, kCompletedWithoutId}, {500, "oops"}});
  e = Evaluate(*adapter, "tok-public-4");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->partial());
  ASSERT_EQ(e->signal_failures_size(), 1);
  EXPECT_EQ(e->signal_failures(0).signal(), "client_id");
  EXPECT_EQ(e->signal_failures(0).code(), "VENDOR_UNAVAILABLE");
  http_->Script({{200, kCompletedWithoutId}, {200, "<html>proxy</html>"}});
  e = Evaluate(*adapter, "tok-public-5");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->partial());
  EXPECT_EQ(e->drift(0).path(), "$.fingerprint");

  // Device entries need the API key: in public mode the factory does not offer them.
  Backends backends = CapabilityBackends(Factory().Create(Integration(false), Deps()), "cs");
  const size_t sent = http_->requests().size();
  absl::Notification finished;
  absl::Status history;
  CallContext context;
  backends.evaluation->ListDevice("tok-device", {}, 10, "", context,
                                  [&](absl::StatusOr<EvaluationPage> result) {
                                    history = result.status();
                                    finished.Notify();
                                  });
  finished.WaitForNotification();
  EXPECT_EQ(history.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(ReasonOf(history), fpgw::v1::ERROR_REASON_CAPABILITY_UNAVAILABLE);
  EXPECT_EQ(http_->requests().size(), sent);
}

TEST_F(CsideAdapterTest, MissingCredentialIsNamedNotSent) {
  fpgw::config::v1::Integration integration;
  integration.set_name("cs-unset");
  integration.mutable_credential()->set_env("FPGW_CSIDE_ADAPTER_TEST_UNSET");
  integration.mutable_timeout()->set_seconds(1);
  AdapterDeps deps;
  deps.http = http_;
  deps.secrets = fpgw::testing::EnvSecrets({"FPGW_CSIDE_ADAPTER_TEST_UNSET"});
  deps.timers = &timers_;
  CsideAdapter adapter(integration, deps);
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(adapter, "tok");
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(e.status()), fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING);
  EXPECT_TRUE(http_->requests().empty());
}

}  // namespace
}  // namespace fpgw::vendors::cside
