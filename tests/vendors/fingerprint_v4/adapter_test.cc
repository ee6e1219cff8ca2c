// FingerprintV4Adapter against the real sandbox over TLS, below the gRPC layer, so that deadline,
// integration timeout and cancellation are observed where they act (a gRPC client would see its
// own deadline or cancellation whatever the server did).
#include "vendors/fingerprint_v4/adapter.h"

#include <cstdlib>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "gtest/gtest.h"
#include "http/curl_http_client.h"
#include "rapidjson/document.h"
#include "sandbox/sandbox.h"
#include "testing/env_secrets.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

constexpr char kKey[] = "adapter-test-key";

class FingerprintV4AdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("FPGW_ADAPTER_TEST_KEY", kKey, 1);
    sandbox::SandboxOptions options;
    options.credentials["fingerprint_v4"] = kKey;
    auto started = sandbox::Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = *std::move(started);
    http::CurlHttpClientOptions http_options;
    http_options.ca_bundle_path = sandbox_->ca_cert_path();
    auto client = http::CurlHttpClient::Create(http_options);
    ASSERT_TRUE(client.ok());
    deps_.http = *std::move(client);
    deps_.secrets = fpgw::testing::EnvSecrets({"FPGW_ADAPTER_TEST_KEY"});
    deps_.timers = &timers_;
  }

  std::unique_ptr<FingerprintV4Adapter> Adapter(absl::Duration timeout) {
    fpgw::config::v1::Integration integration;
    integration.set_name("fp");
    integration.set_base_url(sandbox_->base_url() + "/v4");
    integration.mutable_credential()->set_env("FPGW_ADAPTER_TEST_KEY");
    integration.mutable_timeout()->set_seconds(absl::ToInt64Seconds(timeout));
    integration.mutable_timeout()->set_nanos(static_cast<int32_t>(
        absl::ToInt64Nanoseconds(timeout - absl::Seconds(absl::ToInt64Seconds(timeout)))));
    return std::make_unique<FingerprintV4Adapter>(fingerprint::MakeEndpoint(
        integration, deps_, fingerprint::ApiVersion::kV4, &ReadErrorCode, ErrorTable()));
  }

  // Evaluates `token`; returns the result and how long it took.
  std::pair<absl::Status, absl::Duration> Evaluate(
      FingerprintV4Adapter* adapter, const std::string& token, CallContext context,
      absl::Duration cancel_after = absl::InfiniteDuration()) {
    fpgw::v1::EvaluateRequest request;
    request.set_token(token);
    absl::Notification done;
    absl::Status status;
    const absl::Time start = absl::Now();
    adapter->Evaluate(request, context, [&](absl::StatusOr<fpgw::v1::Evaluation> evaluation) {
      status = evaluation.status();
      done.Notify();
    });
    if (cancel_after != absl::InfiniteDuration()) {
      absl::SleepFor(cancel_after);
      context.cancellation->Cancel();
    }
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(20)));
    return {status, absl::Now() - start};
  }

  async::TimerQueue timers_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  AdapterDeps deps_;
};

TEST_F(FingerprintV4AdapterTest, TheCallersDeadlineCutsTheVendorCallShort) {
  auto adapter = Adapter(absl::Seconds(10));
  CallContext context;
  context.deadline = absl::Now() + absl::Milliseconds(500);
  auto [status, elapsed] = Evaluate(adapter.get(), "sandbox-slow", context);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(ReasonOf(status), fpgw::v1::ERROR_REASON_DEADLINE_EXCEEDED);
  EXPECT_LT(elapsed, absl::Milliseconds(1500)) << "the vendor request outlived the deadline";
}

TEST_F(FingerprintV4AdapterTest, TheIntegrationTimeoutIsTheVendorsFailure) {
  auto adapter = Adapter(absl::Milliseconds(500));
  CallContext context;
  context.deadline = absl::Now() + absl::Seconds(10);
  auto [status, elapsed] = Evaluate(adapter.get(), "sandbox-slow", context);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(ReasonOf(status), fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT);
  EXPECT_TRUE(RetryDelayOf(status).has_value());
  EXPECT_LT(elapsed, absl::Milliseconds(1500));
}

TEST_F(FingerprintV4AdapterTest, CancellingTheCallCancelsTheVendorRequest) {
  auto adapter = Adapter(absl::Seconds(10));
  CallContext context;
  context.deadline = absl::Now() + absl::Seconds(10);
  // The sandbox holds "slow" for 3 s: an answer well before that means the request was cancelled.
  auto [status, elapsed] =
      Evaluate(adapter.get(), "sandbox-slow", context, absl::Milliseconds(200));
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  EXPECT_LT(elapsed, absl::Seconds(1));
}

// The EdgeRequest as the vendor documents it; credential and session header values go as empty
// strings, as the vendor asks, so callers can forward the headers they received.
TEST(FingerprintV4EdgeRequest, KeepsTheHeadersInOrderAndBlanksCredentials) {
  fpgw::v1::EvaluateHttpRequestRequest request;
  const char* headers[][2] = {{"Host", "shop.example"},
                              {"Authorization", "Bearer caller-secret"},
                              {"cookie", "sid=caller-cookie"},
                              {"X-CSRF-Token", "csrf-secret"},
                              {"User-Agent", "curl/8.0"}};
  for (const auto& h : headers) {
    fpgw::v1::HttpHeader* header = request.add_headers();
    header->set_name(h[0]);
    header->set_value(h[1]);
  }
  request.set_method("POST");
  request.set_url("https://shop.example/login");
  request.set_ipv6_address("2001:db8::1");
  const std::string body = FingerprintV4Adapter::EdgeRequestBody(request);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_TRUE(doc.IsObject()) << body;
  ASSERT_EQ(doc["headers"].Size(), 5u);
  const char* expected[] = {"shop.example", "", "", "", "curl/8.0"};
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    EXPECT_STREQ(doc["headers"][i]["name"].GetString(), headers[i][0]);
    EXPECT_STREQ(doc["headers"][i]["value"].GetString(), expected[i]) << headers[i][0];
  }
  EXPECT_STREQ(doc["method"].GetString(), "POST");
  EXPECT_STREQ(doc["url"].GetString(), "https://shop.example/login");
  EXPECT_STREQ(doc["ipv6_address"].GetString(), "2001:db8::1");
  EXPECT_FALSE(doc.HasMember("ipv4_address"));
  EXPECT_EQ(body.find("secret"), std::string::npos);
  EXPECT_EQ(body.find("caller-cookie"), std::string::npos);
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v4
