// Resilience through the whole gateway and the sandbox: a thousand identical Evaluate calls in
// flight make one vendor call, and the next identical one is served from the cache; an
// integration whose calls are at their limit refuses the surplus at once while another integration
// on the same vendor host is served.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::resilience {
namespace {

using ::fpgw::testing::ErrorDetailsOf;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::HasRetryInfo;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;

class ResilienceGatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.AddIntegration("fp", "fingerprint-v4");
      config.AddIntegration("narrow", "fingerprint-v4", [](fpgw::config::v1::Integration& fp) {
        fp.mutable_limits()->set_max_concurrent_calls(4);
        fp.mutable_limits()->set_max_queued_calls(8);
      });
    });
  }

  struct Outcome {
    grpc::Status status;
    // The grpc-retry-pushback-ms trailer, or "" without one.
    std::string pushback;
  };

  // Starts `count` Evaluate calls at once (the callback API: no thread per call) and waits for
  // them all; returns their outcomes.
  static std::vector<Outcome> EvaluateAll(const std::vector<fpgw::v1::EvaluateRequest>& requests) {
    struct Call {
      grpc::ClientContext context;
      fpgw::v1::EvaluateResponse response;
      grpc::Status status;
    };
    std::vector<std::unique_ptr<Call>> calls;
    absl::Mutex mu;
    size_t pending = requests.size();
    for (const auto& request : requests) {
      calls.push_back(std::make_unique<Call>());
      Call* call = calls.back().get();
      call->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
      harness().evaluation().async()->Evaluate(&call->context, &request, &call->response,
                                               [call, &mu, &pending](grpc::Status status) {
                                                 absl::MutexLock lock(&mu);
                                                 call->status = std::move(status);
                                                 --pending;
                                               });
    }
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](size_t* left) { return *left == 0; }, &pending));
    std::vector<Outcome> outcomes;
    for (const auto& call : calls) {
      Outcome outcome{call->status, ""};
      const auto& trailers = call->context.GetServerTrailingMetadata();
      if (auto it = trailers.find("grpc-retry-pushback-ms"); it != trailers.end()) {
        outcome.pushback = std::string(it->second.data(), it->second.size());
      }
      outcomes.push_back(std::move(outcome));
    }
    return outcomes;
  }

  static fpgw::v1::EvaluateRequest Request(const std::string& integration,
                                           const std::string& token) {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    return request;
  }
};

TEST_F(ResilienceGatewayTest, AThousandIdenticalCallsInFlightMakeOneVendorCall) {
  // The sandbox answers after a second, so every call arrives while the first is in flight.
  const std::vector<fpgw::v1::EvaluateRequest> requests(
      1000, Request("fp", "sandbox-slow-1000.coalesce1"));
  const uint64_t before = harness().sandbox().request_count();
  for (const Outcome& outcome : EvaluateAll(requests)) EXPECT_THAT(outcome.status, IsOk());
  EXPECT_EQ(harness().sandbox().request_count() - before, 1u);
  // Completed, so cached: the same call again costs no vendor call; another token does.
  fpgw::v1::EvaluateResponse response;
  EXPECT_THAT(harness().Evaluate(requests.front(), &response), IsOk());
  EXPECT_EQ(harness().sandbox().request_count() - before, 1u);
  EXPECT_THAT(harness().Evaluate("fp", "1760000000123.other", &response), IsOk());
  EXPECT_EQ(harness().sandbox().request_count() - before, 2u);
}

TEST_F(ResilienceGatewayTest, AnIntegrationAtItsLimitRefusesTheSurplusOthersAreServed) {
  std::vector<fpgw::v1::EvaluateRequest> requests;
  for (int i = 0; i < 20; ++i) {
    requests.push_back(Request("narrow", absl::StrCat("sandbox-slow-1000.limit", i)));
  }
  std::vector<Outcome> outcomes;
  std::thread burst([&] { outcomes = EvaluateAll(requests); });
  // While "narrow" is full, "fp" on the same vendor host answers.
  absl::SleepFor(absl::Milliseconds(200));
  fpgw::v1::EvaluateResponse response;
  EXPECT_THAT(harness().Evaluate("fp", "1760000000123.beside", &response), IsOk());
  burst.join();
  int ok = 0;
  int refused = 0;
  for (const Outcome& outcome : outcomes) {
    if (outcome.status.ok()) {
      EXPECT_EQ(outcome.pushback, "");
      ++ok;
    } else {
      EXPECT_THAT(outcome.status, StatusIs(absl::StatusCode::kResourceExhausted));
      EXPECT_THAT(outcome.status, HasReason(fpgw::v1::ERROR_REASON_OVERLOADED));
      EXPECT_THAT(outcome.status, HasRetryInfo());
      // The same delay for gRPC's own retry policy, in whole milliseconds.
      const std::optional<absl::Duration> delay = ErrorDetailsOf(outcome.status).retry_delay;
      ASSERT_TRUE(delay.has_value());
      EXPECT_EQ(outcome.pushback,
                absl::StrCat(absl::ToInt64Milliseconds(absl::Ceil(*delay, absl::Milliseconds(1)))));
      ++refused;
    }
  }
  // 4 in flight and 8 waiting are served; the other 8 are refused at once.
  EXPECT_EQ(ok, 12);
  EXPECT_EQ(refused, 8);
}

// fpgw's own limit on calls in flight, across integrations: beyond it, calls are refused at once
// with OVERLOADED and a pushback for the client's retry policy.
class OverloadGatewayTest : public ResilienceGatewayTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.AddIntegration("fp", "fingerprint-v4");
      config.AddIntegration("fp-other", "fingerprint-v4");
      config.EditServer([](fpgw::config::v1::Server& server) {
        server.mutable_limits()->set_max_calls_in_flight(3);
      });
    });
  }
};

TEST_F(OverloadGatewayTest, CallsBeyondTheProcessLimitAreRefusedAtOnce) {
  std::vector<fpgw::v1::EvaluateRequest> requests;
  for (int i = 0; i < 6; ++i) {
    requests.push_back(
        Request(i % 2 == 0 ? "fp" : "fp-other", absl::StrCat("sandbox-slow-1000.guard", i)));
  }
  const uint64_t before = harness().sandbox().request_count();
  int ok = 0;
  for (const Outcome& outcome : EvaluateAll(requests)) {
    if (outcome.status.ok()) {
      ++ok;
      continue;
    }
    EXPECT_THAT(outcome.status, StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_THAT(outcome.status, HasReason(fpgw::v1::ERROR_REASON_OVERLOADED));
    EXPECT_EQ(outcome.pushback, "100");
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(harness().sandbox().request_count() - before, 3u);
  // The slots are free again.
  fpgw::v1::EvaluateResponse response;
  EXPECT_THAT(harness().Evaluate("fp", "1760000000123.after", &response), IsOk());
}

// Connections are asked to go away once older than server.limits.max_connection_age, so that
// long-lived client channels spread over replicas added since; the client reconnects by itself.
class ConnectionAgeTest : public ResilienceGatewayTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.AddIntegration("fp", "fingerprint-v4");
      config.EditServer([](fpgw::config::v1::Server& server) {
        server.mutable_limits()->mutable_max_connection_age()->set_nanos(300'000'000);
        server.mutable_limits()->mutable_max_connection_age_grace()->set_nanos(100'000'000);
      });
    });
  }
};

TEST_F(ConnectionAgeTest, AnAgedConnectionIsClosedAndTheClientReconnects) {
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(harness().Evaluate("fp", "1760000000123.age1", &response), IsOk());
  ASSERT_EQ(harness().channel()->GetState(false), GRPC_CHANNEL_READY);
  // Past its age (and grace), fpgw sends GOAWAY; an idle channel then leaves READY.
  bool left_ready = false;
  for (int i = 0; i < 100 && !left_ready; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    left_ready = harness().channel()->GetState(false) != GRPC_CHANNEL_READY;
  }
  EXPECT_TRUE(left_ready) << "the connection outlived max_connection_age";
  // The next call opens a new connection and is served.
  EXPECT_THAT(harness().Evaluate("fp", "1760000000123.age2", &response), IsOk());
}

}  // namespace
}  // namespace fpgw::resilience
