// StytchAdapter against a scripted HTTP transport (tests/testing/scripted_http_client.h): the
// requests it builds (method, path, Basic auth, JSON bodies, the deprecated GET), what it refuses
// before any request, and how answers and error objects reach the caller. The same adapter runs
// against the sandbox in the gateway tests. Last, the rules pager through a real gateway: a vendor
// that hands back the cursor it was given must end the listing, not page forever.
#include "vendors/stytch/adapter.h"

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/synchronization/notification.h"
#include "async/timer_queue.h"
#include "credentials/credential_store.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "testing/env_secrets.h"
#include "testing/fixtures.h"
#include "testing/gateway_harness.h"
#include "testing/scripted_http_client.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors::stytch {
namespace {

using ::fpgw::testing::Answer;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessOptions;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::HeaderOf;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::ScriptedHttpClient;
using ::fpgw::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kCredentialEnv[] = "FPGW_STYTCH_ADAPTER_TEST_CREDENTIAL";
constexpr char kBadCredentialEnv[] = "FPGW_STYTCH_ADAPTER_TEST_BAD_CREDENTIAL";
constexpr char kCredential[] = "project-test-adapter:secret-test-adapter";

std::string Fixture(const std::string& name) {
  return ::fpgw::testing::TestdataFile("stytch/" + name);
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  return doc;
}

class StytchAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv(kCredentialEnv, kCredential, 1);
    setenv(kBadCredentialEnv, "no-colon-here", 1);
    http_ = std::make_shared<ScriptedHttpClient>(&timers_);
  }

  std::unique_ptr<StytchAdapter> Adapter(
      const char* credential_env = kCredentialEnv,
      fpgw::config::v1::StytchLookupMethod method = fpgw::config::v1::STYTCH_LOOKUP_METHOD_POST) {
    fpgw::config::v1::Integration integration;
    integration.set_name("st");
    integration.set_vendor(fpgw::config::v1::VENDOR_STYTCH);
    integration.set_base_url("https://stytch.test/");
    integration.mutable_credential()->set_env(credential_env);
    integration.mutable_timeout()->set_seconds(5);
    integration.mutable_stytch()->set_lookup_method(method);
    AdapterDeps deps;
    deps.http = http_;
    deps.secrets = fpgw::testing::EnvSecrets({credential_env});
    deps.timers = &timers_;
    return std::make_unique<StytchAdapter>(MakeEndpoint(integration, deps));
  }

  // Runs one call of the adapter and waits for its answer.
  template <typename T, typename Call>
  absl::StatusOr<T> Run(Call call) {
    CallContext context;
    context.deadline = absl::Now() + absl::Seconds(5);
    absl::Notification finished;
    absl::StatusOr<T> out = absl::UnknownError("not answered");
    call(context, [&](absl::StatusOr<T> result) {
      out = std::move(result);
      finished.Notify();
    });
    finished.WaitForNotification();
    return out;
  }

  absl::StatusOr<fpgw::v1::Evaluation> Evaluate(StytchAdapter& adapter,
                                                const fpgw::v1::EvaluateRequest& request) {
    return Run<fpgw::v1::Evaluation>([&](const CallContext& context, auto done) {
      adapter.Evaluate(request, context, std::move(done));
    });
  }

  async::TimerQueue timers_;
  std::shared_ptr<ScriptedHttpClient> http_;
};

TEST_F(StytchAdapterTest, LookupPostsTheTelemetryIdAndMetadataWithBasicAuth) {
  http_->Script({{200, Fixture("lookup_post_block.json")}});
  fpgw::v1::EvaluateRequest request;
  request.set_token("026ac93b-8cdf-4fcb-bfa6-36a31cfecac1");
  request.mutable_stytch()->set_external_id("user-42");
  auto adapter = Adapter();
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, request);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->source().vendor(), fpgw::v1::VENDOR_STYTCH);
  EXPECT_EQ(e->source().integration(), "st");

  ASSERT_EQ(http_->requests().size(), 1u);
  const http::HttpRequest sent = http_->requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://stytch.test/v1/fingerprint/lookup");
  EXPECT_EQ(HeaderOf(sent, "Authorization"), "Basic " + absl::Base64Escape(kCredential));
  EXPECT_EQ(HeaderOf(sent, "Content-Type"), "application/json");
  const rapidjson::Document body = Json(sent.body);
  ASSERT_TRUE(body.IsObject()) << sent.body;
  EXPECT_STREQ(body["telemetry_id"].GetString(), "026ac93b-8cdf-4fcb-bfa6-36a31cfecac1");
  EXPECT_STREQ(body["external_metadata"]["external_id"].GetString(), "user-42");
}

TEST_F(StytchAdapterTest, DeprecatedGetPutsTheIdInTheQueryAndRefusesMetadata) {
  auto adapter = Adapter(kCredentialEnv, fpgw::config::v1::STYTCH_LOOKUP_METHOD_GET);
  http_->Script({{200, Fixture("lookup_get_allow.json")}});
  fpgw::v1::EvaluateRequest request;
  request.set_token("tel/1?x");
  ASSERT_THAT(Evaluate(*adapter, request), IsOk());
  ASSERT_EQ(http_->requests().size(), 1u);
  EXPECT_EQ(http_->requests()[0].method, "GET");
  EXPECT_EQ(http_->requests()[0].url,
            "https://stytch.test/v1/fingerprint/lookup?telemetry_id=tel%2F1%3Fx");
  EXPECT_EQ(http_->requests()[0].body, "");

  // The GET has no external_metadata: refused, not silently dropped, and nothing is sent.
  request.mutable_stytch()->set_user_action("login");
  EXPECT_THAT(Evaluate(*adapter, request), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(http_->requests().size(), 1u);
}

TEST_F(StytchAdapterTest, ACredentialNotOfTheProjectSecretFormIsNeverSent) {
  auto adapter = Adapter(kBadCredentialEnv);
  fpgw::v1::EvaluateRequest request;
  request.set_token("026ac93b-8cdf-4fcb-bfa6-36a31cfecac1");
  absl::StatusOr<fpgw::v1::Evaluation> e = Evaluate(*adapter, request);
  EXPECT_THAT(e, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("project_id:secret")));
  EXPECT_THAT(e, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING));
  EXPECT_THAT(e.status().message(), ::testing::Not(HasSubstr("no-colon-here")));
  EXPECT_TRUE(http_->requests().empty());
}

TEST_F(StytchAdapterTest, ErrorObjectsAndUnreadableBodiesReachTheCallerMapped) {
  auto adapter = Adapter();
  fpgw::v1::EvaluateRequest request;
  request.set_token("026ac93b-8cdf-4fcb-bfa6-36a31cfecac1");
  http_->Script({{404, Fixture("errors/404_telemetry_id_not_found.json")},
                 {200, "<html>gateway</html>"},
                 {503, Fixture("errors/503_service_unavailable.json")}});
  absl::StatusOr<fpgw::v1::Evaluation> not_found = Evaluate(*adapter, request);
  EXPECT_THAT(not_found, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(MetadataOf(not_found.status(), "vendor_advice"), "treat as BLOCK");
  EXPECT_THAT(Evaluate(*adapter, request),
              HasReason(fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID));
  absl::StatusOr<fpgw::v1::Evaluation> down = Evaluate(*adapter, request);
  EXPECT_THAT(down, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(RetryDelayOf(down.status()).has_value());
}

TEST_F(StytchAdapterTest, RulesAndVerdictReasonsPostTheirBodies) {
  auto adapter = Adapter();
  http_->Script(
      {{200, Fixture("rules_list_page.json")}, {200, Fixture("verdict_reasons_list.json")}});
  absl::StatusOr<RulePage> page = Run<RulePage>([&](const CallContext& context, auto done) {
    adapter->ListRules(500, "cursor-1", context, std::move(done));
  });
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->next_cursor, "c3R5dGNoLXJ1bGVzLjI");
  EXPECT_EQ(page->rules.size(), 3u);
  absl::StatusOr<std::vector<fpgw::v1::VerdictReason>> reasons =
      Run<std::vector<fpgw::v1::VerdictReason>>([&](const CallContext& context, auto done) {
        adapter->ListVerdictReasons(true, context, std::move(done));
      });
  ASSERT_THAT(reasons, IsOk());
  EXPECT_FALSE(reasons->empty());

  ASSERT_EQ(http_->requests().size(), 2u);
  EXPECT_EQ(http_->requests()[0].url, "https://stytch.test/v1/rules/list");
  const rapidjson::Document list = Json(http_->requests()[0].body);
  EXPECT_EQ(list["limit"].GetInt(), kMaxPageSize);
  EXPECT_STREQ(list["cursor"].GetString(), "cursor-1");
  EXPECT_EQ(http_->requests()[1].url, "https://stytch.test/v1/verdict_reasons/list");
  EXPECT_TRUE(Json(http_->requests()[1].body)["overrides_only"].GetBool());
}

// The server's pager, with the rules of a vendor that repeats the cursor it was given: the whole
// gateway (tests/testing/gateway_harness.h) with the scripted transport in place of libcurl.
TEST(StytchRulesPaging, AVendorRepeatingTheCursorEndsTheListing) {
  async::TimerQueue timers;
  auto http = std::make_shared<ScriptedHttpClient>(&timers);
  const std::string page = R"({"status_code": 200, "next_cursor": "same", "rules": []})";
  http->SetDefault(Answer(200, page));
  GatewayHarnessOptions options;
  options.http_client = http;
  absl::StatusOr<std::unique_ptr<GatewayHarness>> harness = GatewayHarness::Start(
      [](GatewayConfigBuilder& config) { config.AddIntegration("st", "stytch"); }, options);
  ASSERT_THAT(harness, IsOk());

  fpgw::v1::ListRulesRequest request;
  fpgw::v1::ListRulesResponse first;
  ASSERT_THAT((*harness)->Call(&fpgw::v1::AdminService::Stub::ListRules, request, &first), IsOk());
  ASSERT_FALSE(first.next_page_token().empty()) << "the first page has a next cursor";

  request.set_page_token(first.next_page_token());
  fpgw::v1::ListRulesResponse second;
  ASSERT_THAT((*harness)->Call(&fpgw::v1::AdminService::Stub::ListRules, request, &second), IsOk());
  // The vendor answered "same" for cursor "same": the listing ends here.
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_EQ(http->requests().size(), 2u);
}

}  // namespace
}  // namespace fpgw::vendors::stytch
