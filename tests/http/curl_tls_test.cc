// CurlHttpClient's TLS against the real sandbox: a trusted CA works; an unknown CA and a
// certificate for another host are refused (verification is on and cannot be bypassed).
#include <memory>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "http/curl_http_client.h"
#include "sandbox/sandbox.h"

namespace fpgw::http {
namespace {

absl::StatusOr<HttpResponse> Fetch(const std::string& ca, const std::string& url) {
  CurlHttpClientOptions options;
  options.ca_bundle_path = ca;
  auto client = CurlHttpClient::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  HttpRequest request;
  request.url = url;
  request.timeout = absl::Seconds(10);
  absl::Notification done;
  absl::StatusOr<HttpResponse> result;
  (*client)->Start(std::move(request), [&](absl::StatusOr<HttpResponse> response) {
    result = std::move(response);
    done.Notify();
  });
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(20)));
  return result;
}

std::unique_ptr<sandbox::Sandbox> StartSandbox(const std::string& host) {
  sandbox::SandboxOptions options;
  options.host = host;
  options.credentials["fingerprint_v4"] = "k";
  auto started = sandbox::Sandbox::Start(options);
  EXPECT_TRUE(started.ok()) << started.status();
  return started.ok() ? *std::move(started) : nullptr;
}

TEST(CurlHttpClientTls, VerifiesThePeerAgainstTheConfiguredCa) {
  auto sandbox = StartSandbox("127.0.0.1");
  ASSERT_NE(sandbox, nullptr);
  const std::string url = sandbox->base_url() + "/_sandbox/stats";

  absl::StatusOr<HttpResponse> trusted = Fetch(sandbox->ca_cert_path(), url);
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  EXPECT_EQ(trusted->status_code, 200);

  // The system store does not know the sandbox's CA.
  absl::StatusOr<HttpResponse> untrusted = Fetch("", url);
  EXPECT_EQ(untrusted.status().code(), absl::StatusCode::kUnavailable);
}

TEST(CurlHttpClientTls, RefusesACertificateForAnotherHost) {
  // The sandbox's certificate names localhost, 127.0.0.1 and ::1, not 127.0.0.2.
  auto sandbox = StartSandbox("127.0.0.2");
  ASSERT_NE(sandbox, nullptr);
  absl::StatusOr<HttpResponse> mismatch =
      Fetch(sandbox->ca_cert_path(), sandbox->base_url() + "/_sandbox/stats");
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kUnavailable) << mismatch.status();
}

}  // namespace
}  // namespace fpgw::http
