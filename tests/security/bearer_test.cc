// Callers recognised by bearer tokens whose SHA-256 hashes sit in secret files: the right token
// acts for its caller; a wrong, missing, malformed or repeated one is refused before any vendor
// call; tokens rotate by swapping the hash file the Kubernetes way, without a restart; a file that
// holds a token instead of a hash stops the start.
#include <stdlib.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/gateway_harness.h"
#include "testing/secret_volume.h"
#include "testing/status_matchers.h"
#include "testing/test_files.h"

namespace fpgw::security {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::SecretVolume;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::TokenHash;

constexpr char kOldToken[] = "old-token-8f2a61c0d9e4b7a35c1e";
constexpr char kNewToken[] = "new-token-1b9e7d3f5a0c2e4d6f81";
constexpr char kSharedToken[] = "shared-token-0e1d2c3b4a5968778";

// A gateway whose only listener takes bearer tokens on loopback (the one place a token may
// travel without TLS), with caller "batch" of tenant acme recognised by `tokens` (a SecretRef's
// edit).
void BearerOnly(GatewayConfigBuilder& config,
                const std::function<void(fpgw::config::v1::SecretRef&)>& tokens) {
  config.ClearListeners().AddListener("127.0.0.1:0",
                                      {fpgw::config::v1::CALLER_AUTHENTICATION_BEARER});
  tokens(*config.AddCaller("batch", "acme").mutable_bearer_token_sha256());
  config.AddIntegration("fp", "fingerprint-v4");
}

class BearerTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    volume_ = new SecretVolume();
    volume_->Swap({{"batch-tokens", TokenHash(kOldToken) + "\n"},
                   {"one-tokens", TokenHash(kSharedToken)},
                   {"two-tokens", TokenHash(kSharedToken)}});
    StartHarness([](GatewayConfigBuilder& config) {
      config.SetSecretDirectory(volume_->path());
      BearerOnly(config,
                 [](fpgw::config::v1::SecretRef& tokens) { tokens.set_file("batch-tokens"); });
      for (const char* name : {"one", "two"}) {
        config.AddCaller(name, "acme")
            .mutable_bearer_token_sha256()
            ->set_file(absl::StrCat(name, "-tokens"));
      }
    });
  }

  static void TearDownTestSuite() {
    GatewayHarnessTest::TearDownTestSuite();
    delete volume_;
  }

  // Evaluate with these values of the authorization metadata.
  static grpc::Status Evaluate(const std::vector<std::string>& authorization) {
    fpgw::v1::EvaluateRequest request;
    request.set_token("1760000000123.bearer");
    fpgw::v1::EvaluateResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    for (const std::string& value : authorization) context.AddMetadata("authorization", value);
    return harness().evaluation().Evaluate(&context, request, &response);
  }
  static grpc::Status EvaluateWith(const std::string& token) {
    return Evaluate({absl::StrCat("Bearer ", token)});
  }

  // Waits until EvaluateWith(token) succeeds (`ok`) or fails; false after 10 s.
  static bool WaitUntil(const std::string& token, bool ok) {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      if (EvaluateWith(token).ok() == ok) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  static SecretVolume* volume_;
};

SecretVolume* BearerTest::volume_ = nullptr;

TEST_F(BearerTest, TheRightTokenActsForItsCaller) {
  EXPECT_THAT(EvaluateWith(kOldToken), IsOk());
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_THAT(Evaluate({absl::StrCat("bearer ", kOldToken)}), IsOk());
}

TEST_F(BearerTest, WrongMissingMalformedOrRepeatedTokensAreRefused) {
  const uint64_t before = harness().sandbox().request_count();
  const std::vector<std::vector<std::string>> cases = {
      {},                                                             // none
      {"Bearer wrong-token-0000000000000000"},                        // unknown
      {absl::StrCat("Bearer ", kOldToken, "x")},                      // almost right
      {"Bearer "},                                                    // empty
      {absl::StrCat("Basic ", kOldToken)},                            // another scheme
      {kOldToken},                                                    // no scheme
      {absl::StrCat("Bearer ", kOldToken), "Bearer wrong-token-01"},  // repeated
      {absl::StrCat("Bearer ", TokenHash(kOldToken))},                // the hash itself
  };
  for (const auto& authorization : cases) {
    grpc::Status status = Evaluate(authorization);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnauthenticated))
        << (authorization.empty() ? "(none)" : authorization[0]);
    EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_CALLER_UNAUTHENTICATED));
    EXPECT_FALSE(absl::StrContains(status.error_message(), kOldToken));
  }
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(BearerTest, ATokenListedForTwoCallersNamesNeither) {
  grpc::Status status = EvaluateWith(kSharedToken);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(BearerTest, TokensRotateWithoutARestart) {
  // List the new token beside the old one: both work while callers move over.
  volume_->Swap({{"batch-tokens", TokenHash(kOldToken) + "\n" + TokenHash(kNewToken) + "\n"},
                 {"one-tokens", TokenHash(kSharedToken)},
                 {"two-tokens", TokenHash(kSharedToken)}});
  ASSERT_TRUE(WaitUntil(kNewToken, /*ok=*/true));
  EXPECT_THAT(EvaluateWith(kOldToken), IsOk());
  // Drop the old one: it stops working, the new one goes on.
  volume_->Swap({{"batch-tokens", TokenHash(kNewToken) + "\n"},
                 {"one-tokens", TokenHash(kSharedToken)},
                 {"two-tokens", TokenHash(kSharedToken)}});
  ASSERT_TRUE(WaitUntil(kOldToken, /*ok=*/false));
  EXPECT_THAT(EvaluateWith(kOldToken), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(EvaluateWith(kNewToken), IsOk());
  // A rotation to a broken file (a token instead of a hash) is not taken: the last good stays.
  volume_->Swap({{"batch-tokens", std::string(kOldToken) + "\n"},
                 {"one-tokens", TokenHash(kSharedToken)},
                 {"two-tokens", TokenHash(kSharedToken)}});
  absl::SleepFor(absl::Seconds(1));
  EXPECT_THAT(EvaluateWith(kNewToken), IsOk());
  EXPECT_THAT(EvaluateWith(kOldToken), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(BearerStart, AFileThatHoldsATokenInsteadOfItsHashStopsTheStart) {
  setenv("FPGW_BEARER_TEST_TOKENS", kOldToken, 1);
  auto harness = GatewayHarness::Start([](GatewayConfigBuilder& config) {
    BearerOnly(config, [](fpgw::config::v1::SecretRef& tokens) {
      tokens.set_env("FPGW_BEARER_TEST_TOKENS");
    });
  });
  ASSERT_FALSE(harness.ok());
  EXPECT_EQ(harness.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(harness.status().message()),
              ::testing::HasSubstr("server.callers[0].bearer_token_sha256 "
                                   "(env:FPGW_BEARER_TEST_TOKENS): line 1 is not a hex SHA-256"));
  EXPECT_FALSE(absl::StrContains(harness.status().message(), kOldToken));
}

}  // namespace
}  // namespace fpgw::security
