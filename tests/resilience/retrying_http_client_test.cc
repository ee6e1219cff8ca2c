// RetryingHttpClient against a scripted transport: which outcomes it retries and which it does
// not, Retry-After, the deadline, the budget per host, and cancellation while an attempt is in
// flight or while it waits between attempts.
#include "resilience/retrying_http_client.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "async/timer_queue.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/scripted_http_client.h"

namespace fpgw::resilience {
namespace {

using ::fpgw::testing::Answer;
using ::fpgw::testing::ScriptedHttpClient;

// A request's outcome, waited for.
struct Outcome {
  absl::Notification done;
  absl::StatusOr<http::HttpResponse> result = absl::UnknownError("not finished");
  absl::Time at;

  http::HttpClient::Callback Callback() {
    return [this](absl::StatusOr<http::HttpResponse> r) {
      result = std::move(r);
      at = absl::Now();
      done.Notify();
    };
  }
  // Waits (generously); false when it never finished.
  bool Wait() { return done.WaitForNotificationWithTimeout(absl::Seconds(30)); }
};

http::HttpRequest Get(std::string url = "https://vendor.test/v4/events/e1",
                      absl::Duration timeout = absl::Seconds(10)) {
  http::HttpRequest request;
  request.url = std::move(url);
  request.timeout = timeout;
  return request;
}

Answer Status(int status, std::vector<http::Header> headers = {}) {
  Answer answer(status, "{}");
  answer.headers = std::move(headers);
  return answer;
}

Answer Refused() {
  Answer answer;
  answer.error = absl::UnavailableError("connection refused");
  return answer;
}

class RetryingHttpClientTest : public ::testing::Test {
 protected:
  RetryingHttpClientTest() : transport_(std::make_shared<ScriptedHttpClient>(&timers_)) {}

  std::shared_ptr<RetryingHttpClient> Client(RetryOptions options = Fast()) {
    return std::make_shared<RetryingHttpClient>(transport_, options, &timers_);
  }
  static RetryOptions Fast() {
    RetryOptions options;
    options.initial_backoff = absl::Milliseconds(1);
    options.max_backoff = absl::Milliseconds(4);
    return options;
  }

  async::TimerQueue timers_;
  std::shared_ptr<ScriptedHttpClient> transport_;
};

TEST_F(RetryingHttpClientTest, RetriesTransientFailuresUntilOneSucceeds) {
  transport_->Script({Refused(), Status(503), Status(200)});
  auto client = Client();
  Outcome outcome;
  client->Start(Get(), outcome.Callback());
  ASSERT_TRUE(outcome.Wait());
  ASSERT_TRUE(outcome.result.ok()) << outcome.result.status();
  EXPECT_EQ(outcome.result->status_code, 200);
  EXPECT_EQ(transport_->requests().size(), 3u);
  EXPECT_EQ(client->retries(), 2u);
}

TEST_F(RetryingHttpClientTest, GivesTheLastAnswerWhenAttemptsRunOut) {
  transport_->SetDefault(Status(502));
  auto client = Client();
  Outcome outcome;
  client->Start(Get(), outcome.Callback());
  ASSERT_TRUE(outcome.Wait());
  ASSERT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.result->status_code, 502);
  EXPECT_EQ(transport_->requests().size(), 3u);
}

TEST_F(RetryingHttpClientTest, EachRetryableOutcomeIsRetriedAndNoOtherIs) {
  struct Case {
    Answer first;
    bool retried;
  };
  Answer timeout;
  timeout.error = absl::DeadlineExceededError("vendor did not answer");
  const Case cases[] = {{Status(429), true},  {Status(500), true},  {Status(502), true},
                        {Status(503), true},  {Status(504), true},  {Refused(), true},
                        {Status(400), false}, {Status(401), false}, {Status(404), false},
                        {Status(409), false}, {Status(501), false}, {timeout, false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.first.error.ok() ? std::to_string(c.first.status) : c.first.error.ToString());
    auto transport = std::make_shared<ScriptedHttpClient>(&timers_);
    transport->Script({c.first, Status(200)});
    auto client = std::make_shared<RetryingHttpClient>(transport, Fast(), &timers_);
    Outcome outcome;
    client->Start(Get(), outcome.Callback());
    ASSERT_TRUE(outcome.Wait());
    EXPECT_EQ(transport->requests().size(), c.retried ? 2u : 1u);
  }
}

TEST_F(RetryingHttpClientTest, PostIsRetriedOnlyWhenMarkedIdempotent) {
  transport_->SetDefault(Status(503));
  auto client = Client();
  http::HttpRequest post = Get();
  post.method = "POST";
  Outcome plain;
  client->Start(post, plain.Callback());
  ASSERT_TRUE(plain.Wait());
  EXPECT_EQ(transport_->requests().size(), 1u);

  post.idempotent = true;
  Outcome marked;
  client->Start(post, marked.Callback());
  ASSERT_TRUE(marked.Wait());
  EXPECT_EQ(transport_->requests().size(), 1u + 3u);
}

TEST_F(RetryingHttpClientTest, WaitsAsLongAsRetryAfterAsks) {
  transport_->Script({Status(429, {{"retry-after", "1"}}), Status(200)});
  auto client = Client();
  Outcome outcome;
  const absl::Time start = absl::Now();
  client->Start(Get(), outcome.Callback());
  ASSERT_TRUE(outcome.Wait());
  ASSERT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.result->status_code, 200);
  // The scripted backoff would be at most 4 ms; the vendor asked for a second.
  EXPECT_GE(outcome.at - start, absl::Seconds(1));
}

TEST_F(RetryingHttpClientTest, NeverWaitsPastTheDeadline) {
  // Retry-After longer than the time left: the 429 is the answer, at once.
  transport_->Script({Status(429, {{"retry-after", "60"}}), Status(200)});
  auto client = Client();
  Outcome outcome;
  const absl::Time start = absl::Now();
  client->Start(Get("https://vendor.test/x", absl::Seconds(5)), outcome.Callback());
  ASSERT_TRUE(outcome.Wait());
  ASSERT_TRUE(outcome.result.ok());
  EXPECT_EQ(outcome.result->status_code, 429);
  EXPECT_EQ(transport_->requests().size(), 1u);
  EXPECT_LT(outcome.at - start, absl::Seconds(5));
}

TEST_F(RetryingHttpClientTest, EachAttemptGetsOnlyTheTimeLeft) {
  transport_->Script({Answer(503, "", absl::Milliseconds(300)), Status(200)});
  auto client = Client();
  Outcome outcome;
  client->Start(Get("https://vendor.test/x", absl::Seconds(2)), outcome.Callback());
  ASSERT_TRUE(outcome.Wait());
  const auto requests = transport_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_LE(requests[0].timeout, absl::Seconds(2));
  EXPECT_LE(requests[1].timeout, absl::Seconds(2) - absl::Milliseconds(300));
}

TEST_F(RetryingHttpClientTest, BudgetBoundsRetriesInFlightPerHost) {
  // Twenty requests to one host whose answers fail slowly: with a 20 % budget (minimum 1), at
  // most 4 of them are retrying at any time, so fewer than 20 retries happen before the first
  // answers finish; a second host has a budget of its own.
  RetryOptions options = Fast();
  options.max_attempts = 2;
  options.budget = 0.2;
  options.min_concurrency = 1;
  transport_->SetDefault(Answer(503, "", absl::Milliseconds(200)));
  auto client = Client(options);
  std::vector<std::unique_ptr<Outcome>> outcomes;
  for (int i = 0; i < 20; ++i) {
    outcomes.push_back(std::make_unique<Outcome>());
    client->Start(Get("https://a.test/x"), outcomes.back()->Callback());
  }
  outcomes.push_back(std::make_unique<Outcome>());
  client->Start(Get("https://b.test/x"), outcomes.back()->Callback());
  for (auto& outcome : outcomes) ASSERT_TRUE(outcome->Wait());
  size_t to_a = 0;
  size_t to_b = 0;
  for (const auto& request : transport_->requests()) {
    (request.url.rfind("https://a.test", 0) == 0 ? to_a : to_b) += 1;
  }
  // All 20 first attempts fail together: 20 in flight allow 4 retries at once; those retries
  // fail after the others finished, so no further retry starts.
  EXPECT_EQ(to_a, 20u + 4u);
  EXPECT_EQ(to_b, 2u);  // the minimum concurrency lets its one retry through
}

TEST_F(RetryingHttpClientTest, CancelDuringBackoffFinishesAtOnceWithoutAnotherAttempt) {
  transport_->SetDefault(Status(503, {{"retry-after", "5"}}));
  auto client = Client();
  Outcome outcome;
  const http::RequestId id = client->Start(Get(), outcome.Callback());
  // Once the first answer is delivered, the client waits the 5 s the vendor asked for.
  while (transport_->pending() != 0) absl::SleepFor(absl::Milliseconds(1));
  absl::SleepFor(absl::Milliseconds(200));
  const absl::Time cancelled_at = absl::Now();
  client->Cancel(id);
  ASSERT_TRUE(outcome.Wait());
  EXPECT_EQ(outcome.result.status().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(outcome.at - cancelled_at, absl::Seconds(4));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(transport_->requests().size(), 1u);
}

TEST_F(RetryingHttpClientTest, CancelDuringAnAttemptCancelsTheVendorRequest) {
  transport_->SetDefault(Answer(200, "{}", absl::Seconds(20)));
  auto client = Client();
  Outcome outcome;
  const http::RequestId id =
      client->Start(Get("https://vendor.test/x", absl::Seconds(25)), outcome.Callback());
  client->Cancel(id);
  ASSERT_TRUE(outcome.Wait());
  EXPECT_EQ(outcome.result.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(transport_->pending(), 0u);
  EXPECT_EQ(transport_->requests().size(), 1u);
}

}  // namespace
}  // namespace fpgw::resilience
