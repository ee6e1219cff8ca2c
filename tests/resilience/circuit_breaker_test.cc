// CircuitBreakingHttpClient against a scripted transport: what opens a host's circuit, that an
// open circuit refuses at once with the time left, that one probe closes or re-opens it, and that
// other hosts and other scopes (tenants' integrations) on the same host are not affected.
#include "resilience/circuit_breaker.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "async/timer_queue.h"
#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/scripted_http_client.h"

namespace fpgw::resilience {
namespace {

using ::fpgw::testing::Answer;
using ::fpgw::testing::ScriptedHttpClient;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreakerTest()
      : transport_(std::make_shared<ScriptedHttpClient>(&timers_)),
        breaker_(transport_, Options(), &timers_) {}

  static BreakerOptions Options() {
    BreakerOptions options;
    options.consecutive_failures = 3;
    options.open_for = absl::Milliseconds(300);
    options.max_open_for = absl::Milliseconds(600);
    return options;
  }

  // Sends one request to `origin` and waits for its outcome.
  absl::StatusOr<http::HttpResponse> Call(const std::string& origin = "https://a.test",
                                          const std::string& scope = "") {
    http::HttpRequest request;
    request.url = origin + "/v1/lookup";
    request.scope = scope;
    absl::Notification done;
    absl::StatusOr<http::HttpResponse> result;
    breaker_.Start(std::move(request), [&](absl::StatusOr<http::HttpResponse> r) {
      result = std::move(r);
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
    return result;
  }

  // Declared last, so destroyed first: the answers still due run while the breaker and the
  // transport they call into exist.
  std::shared_ptr<ScriptedHttpClient> transport_;
  CircuitBreakingHttpClient breaker_;
  async::TimerQueue timers_;
};

TEST_F(CircuitBreakerTest, FailuresInARowOpenTheCircuitAndItRefusesWithTheTimeLeft) {
  transport_->SetDefault(Answer(503));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call()->status_code, 503);
  EXPECT_THAT(breaker_.OpenCircuits(), ::testing::ElementsAre("https://a.test:443"));

  absl::StatusOr<http::HttpResponse> refused = Call();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  const std::optional<absl::Duration> delay = RetryDelayOf(refused.status());
  ASSERT_TRUE(delay.has_value());
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Milliseconds(300));
  EXPECT_EQ(transport_->requests().size(), 3u);  // the refusal never reached the host

  // Another host is not affected.
  EXPECT_EQ(Call("https://b.test")->status_code, 503);
  EXPECT_EQ(transport_->requests().size(), 4u);
}

TEST_F(CircuitBreakerTest, OneScopesFailuresNeverOpenAnothersCircuit) {
  transport_->SetDefault(Answer(503));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("https://a.test", "acme/fp")->status_code, 503);
  EXPECT_THAT(breaker_.OpenCircuits(), ::testing::ElementsAre("https://a.test:443 acme/fp"));
  EXPECT_EQ(Call("https://a.test", "acme/fp").status().code(), absl::StatusCode::kUnavailable);
  // The same host for another tenant's integration is still called.
  EXPECT_EQ(Call("https://a.test", "globex/fp")->status_code, 503);
  EXPECT_EQ(transport_->requests().size(), 4u);
}

TEST_F(CircuitBreakerTest, AnswersThatAreNotHostFailuresKeepItClosed) {
  Answer refused_connection;
  refused_connection.error = absl::UnavailableError("connection refused");
  // Two failures, a 4xx answer (the host works), two failures: never three in a row.
  transport_->Script({Answer(500), refused_connection, Answer(429), Answer(404), Answer(502),
                      Answer(504), Answer(200)});
  for (int i = 0; i < 7; ++i) (void)Call();
  EXPECT_THAT(breaker_.OpenCircuits(), ::testing::IsEmpty());
  EXPECT_EQ(transport_->requests().size(), 7u);
}

TEST_F(CircuitBreakerTest, ASuccessfulProbeClosesIt) {
  transport_->Script({Answer(503), Answer(503), Answer(503), Answer(200), Answer(200)});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call()->status_code, 503);
  ASSERT_EQ(Call().status().code(), absl::StatusCode::kUnavailable);
  absl::SleepFor(absl::Milliseconds(350));
  EXPECT_EQ(Call()->status_code, 200);  // the probe
  EXPECT_THAT(breaker_.OpenCircuits(), ::testing::IsEmpty());
  EXPECT_EQ(Call()->status_code, 200);
  EXPECT_EQ(transport_->requests().size(), 5u);
}

TEST_F(CircuitBreakerTest, AFailedProbeOpensItForLonger) {
  transport_->SetDefault(Answer(503));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call()->status_code, 503);
  absl::SleepFor(absl::Milliseconds(350));
  EXPECT_EQ(Call()->status_code, 503);  // the probe fails
  absl::StatusOr<http::HttpResponse> refused = Call();
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  // Open for twice as long now: more than the first open time is left.
  EXPECT_GT(*RetryDelayOf(refused.status()), absl::Milliseconds(300));
  EXPECT_EQ(transport_->requests().size(), 4u);
}

TEST_F(CircuitBreakerTest, CancelledRequestsDoNotCount) {
  transport_->SetDefault(Answer(200, "", absl::Seconds(20)));
  for (int i = 0; i < 5; ++i) {
    http::HttpRequest request;
    request.url = "https://a.test/x";
    request.timeout = absl::Seconds(25);
    absl::Notification done;
    absl::StatusCode code = absl::StatusCode::kOk;
    const http::RequestId id =
        breaker_.Start(std::move(request), [&](absl::StatusOr<http::HttpResponse> r) {
          code = r.status().code();
          done.Notify();
        });
    breaker_.Cancel(id);
    ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
    EXPECT_EQ(code, absl::StatusCode::kCancelled);
  }
  EXPECT_THAT(breaker_.OpenCircuits(), ::testing::IsEmpty());
}

}  // namespace
}  // namespace fpgw::resilience
