// The resilience decorators of one integration, around a backend the test answers by hand:
// identical in-flight Evaluate calls share one inner call, completed evaluations are served again
// (pending ones never), writes drop the integration's cache, a follower that gives up leaves, a
// follower outliving its leader goes on alone, and the concurrency limit holds for every call.
#include "resilience/protect.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::resilience {
namespace {

using vendors::CallContext;
using vendors::Done;
using vendors::DoneStatus;

// Records every inner call; the test completes them.
struct Script {
  absl::Mutex mu;
  std::deque<std::pair<fpgw::v1::EvaluateRequest, Done<fpgw::v1::Evaluation>>> evaluations;
  std::deque<DoneStatus> deletions;
  int evaluate_calls = 0;

  // Completes the oldest open Evaluate with `result`.
  void Answer(absl::StatusOr<fpgw::v1::Evaluation> result) {
    Done<fpgw::v1::Evaluation> done;
    {
      absl::MutexLock lock(&mu);
      done = std::move(evaluations.front().second);
      evaluations.pop_front();
    }
    std::move(done)(std::move(result));
  }
  size_t open() {
    absl::MutexLock lock(&mu);
    return evaluations.size();
  }
};

class ScriptedEvaluation final : public vendors::EvaluationBackend {
 public:
  explicit ScriptedEvaluation(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext&,
                Done<fpgw::v1::Evaluation> done) override {
    absl::MutexLock lock(&script_->mu);
    ++script_->evaluate_calls;
    script_->evaluations.emplace_back(request, std::move(done));
  }
  void ListDevice(const std::string&, const fpgw::v1::DeviceHistoryFilter&, int, const std::string&,
                  const CallContext&, Done<vendors::EvaluationPage> done) override {
    std::move(done)(vendors::EvaluationPage{});
  }
  void Search(const fpgw::v1::SearchFilter&, int, const std::string&, const CallContext&,
              Done<vendors::EvaluationPage> done) override {
    std::move(done)(vendors::EvaluationPage{});
  }
  void ListRelatedDevices(const std::string&, const CallContext&,
                          Done<std::vector<std::string>> done) override {
    std::move(done)(std::vector<std::string>{});
  }
  void Unseal(const fpgw::v1::UnsealResultRequest&, const CallContext&,
              Done<fpgw::v1::Evaluation> done) override {
    std::move(done)(absl::UnimplementedError("unseal"));
  }
  void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest&, const CallContext&,
                           Done<fpgw::v1::Evaluation> done) override {
    std::move(done)(absl::UnimplementedError("http request"));
  }

 private:
  std::shared_ptr<Script> script_;
};

class ScriptedAdmin final : public vendors::AdminBackend {
 public:
  explicit ScriptedAdmin(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  void UpdateEvent(const fpgw::v1::UpdateEventRequest&, const CallContext&,
                   DoneStatus done) override {
    std::move(done)(absl::OkStatus());
  }
  void DeleteDevice(const std::string&, const CallContext&, DoneStatus done) override {
    absl::MutexLock lock(&script_->mu);
    script_->deletions.push_back(std::move(done));
  }
  void SetRule(const fpgw::v1::SetRuleRequest&, const CallContext&,
               Done<fpgw::v1::Rule> done) override {
    std::move(done)(fpgw::v1::Rule{});
  }
  void ListRules(int, const std::string&, const CallContext&,
                 Done<vendors::RulePage> done) override {
    std::move(done)(vendors::RulePage{});
  }
  void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest&,
                                const CallContext&, Done<fpgw::v1::VerdictReason> done) override {
    std::move(done)(fpgw::v1::VerdictReason{});
  }
  void ListVerdictReasons(bool, const CallContext&,
                          Done<std::vector<fpgw::v1::VerdictReason>> done) override {
    std::move(done)(std::vector<fpgw::v1::VerdictReason>{});
  }

 private:
  std::shared_ptr<Script> script_;
};

fpgw::v1::Evaluation Completed(const std::string& device) {
  fpgw::v1::Evaluation evaluation;
  evaluation.mutable_source()->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  evaluation.mutable_identity()->set_device_id(device);
  return evaluation;
}

fpgw::v1::EvaluateRequest Request(const std::string& token) {
  fpgw::v1::EvaluateRequest request;
  request.set_token(token);
  return request;
}

class ProtectTest : public ::testing::Test {
 protected:
  vendors::Backends Make(absl::Duration ttl, int max_in_flight = 64, int max_queued = 1024) {
    vendors::Backends inner;
    inner.evaluation = std::make_unique<ScriptedEvaluation>(script_);
    inner.admin = std::make_unique<ScriptedAdmin>(script_);
    ProtectOptions options;
    options.scope = "acme/fp";
    options.integration = "fp";
    options.cache_ttl = ttl;
    options.limits.max_in_flight = max_in_flight;
    options.limits.max_queued = max_queued;
    return Protect(std::move(inner), options, cache_, &timers_);
  }

  // Starts Evaluate; its outcome lands in `outcomes[i]`.
  void Evaluate(vendors::EvaluationBackend& backend, const std::string& token,
                const CallContext& context, size_t i) {
    backend.Evaluate(Request(token), context,
                     [this, i](absl::StatusOr<fpgw::v1::Evaluation> result) {
                       absl::MutexLock lock(&mu_);
                       outcomes_[i] = std::move(result);
                     });
  }
  std::optional<absl::StatusOr<fpgw::v1::Evaluation>> Outcome(size_t i) {
    absl::MutexLock lock(&mu_);
    auto it = outcomes_.find(i);
    if (it == outcomes_.end()) return std::nullopt;
    return it->second;
  }

  std::shared_ptr<Script> script_ = std::make_shared<Script>();
  std::shared_ptr<InMemoryEvaluationCache> cache_ =
      std::make_shared<InMemoryEvaluationCache>(1 << 20);
  async::TimerQueue timers_;
  absl::Mutex mu_;
  std::map<size_t, absl::StatusOr<fpgw::v1::Evaluation>> outcomes_;
};

TEST_F(ProtectTest, IdenticalCallsInFlightShareOneInnerCall) {
  auto backends = Make(absl::ZeroDuration());
  for (size_t i = 0; i < 100; ++i) Evaluate(*backends.evaluation, "tok", CallContext{}, i);
  Evaluate(*backends.evaluation, "other", CallContext{}, 100);
  EXPECT_EQ(script_->evaluate_calls, 2);
  script_->Answer(Completed("dev-tok"));
  for (size_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(Outcome(i).has_value()) << i;
    EXPECT_EQ(Outcome(i)->value().identity().device_id(), "dev-tok");
  }
  EXPECT_FALSE(Outcome(100).has_value());
  script_->Answer(Completed("dev-other"));
  EXPECT_EQ(Outcome(100)->value().identity().device_id(), "dev-other");
  // Nothing cached with a zero TTL: the next call goes to the vendor.
  Evaluate(*backends.evaluation, "tok", CallContext{}, 101);
  EXPECT_EQ(script_->evaluate_calls, 3);
}

TEST_F(ProtectTest, CompletedEvaluationsAreServedAgainPendingOnesAndErrorsNever) {
  auto backends = Make(absl::Minutes(1));
  Evaluate(*backends.evaluation, "done", CallContext{}, 0);
  script_->Answer(Completed("dev"));
  Evaluate(*backends.evaluation, "done", CallContext{}, 1);
  EXPECT_EQ(script_->evaluate_calls, 1);
  EXPECT_EQ(Outcome(1)->value().identity().device_id(), "dev");

  fpgw::v1::Evaluation pending;
  pending.mutable_source()->set_status(fpgw::v1::EVALUATION_STATUS_PENDING);
  Evaluate(*backends.evaluation, "pending", CallContext{}, 2);
  script_->Answer(pending);
  Evaluate(*backends.evaluation, "pending", CallContext{}, 3);
  EXPECT_EQ(script_->evaluate_calls, 3);
  script_->Answer(Completed("later"));

  Evaluate(*backends.evaluation, "error", CallContext{}, 4);
  script_->Answer(absl::UnavailableError("vendor down"));
  Evaluate(*backends.evaluation, "error", CallContext{}, 5);
  EXPECT_EQ(script_->evaluate_calls, 5);
  script_->Answer(Completed("recovered"));
}

TEST_F(ProtectTest, AWriteThroughTheIntegrationDropsItsCache) {
  auto backends = Make(absl::Minutes(1));
  Evaluate(*backends.evaluation, "tok", CallContext{}, 0);
  script_->Answer(Completed("v1"));
  absl::Status updated = absl::UnknownError("unset");
  fpgw::v1::UpdateEventRequest update;
  backends.admin->UpdateEvent(update, CallContext{}, [&](absl::Status s) { updated = s; });
  EXPECT_TRUE(updated.ok());
  Evaluate(*backends.evaluation, "tok", CallContext{}, 1);
  EXPECT_EQ(script_->evaluate_calls, 2);
  script_->Answer(Completed("v2"));
  EXPECT_EQ(Outcome(1)->value().identity().device_id(), "v2");
}

TEST_F(ProtectTest, AFollowerThatGivesUpLeavesAndOneThatOutlivesTheLeaderGoesOn) {
  auto backends = Make(absl::ZeroDuration());
  CallContext leader;
  CallContext quitter;
  CallContext patient;
  Evaluate(*backends.evaluation, "tok", leader, 0);
  Evaluate(*backends.evaluation, "tok", quitter, 1);
  Evaluate(*backends.evaluation, "tok", patient, 2);
  EXPECT_EQ(script_->evaluate_calls, 1);
  quitter.cancellation->Cancel();
  ASSERT_TRUE(Outcome(1).has_value());
  EXPECT_EQ(Outcome(1)->status().code(), absl::StatusCode::kCancelled);
  // The leader's caller cancels, its call ends CANCELLED: the patient follower calls again.
  leader.cancellation->Cancel();
  script_->Answer(absl::CancelledError("cancelled"));
  EXPECT_EQ(Outcome(0)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(Outcome(2).has_value());
  EXPECT_EQ(script_->evaluate_calls, 2);
  script_->Answer(Completed("dev"));
  EXPECT_EQ(Outcome(2)->value().identity().device_id(), "dev");
}

TEST_F(ProtectTest, TheConcurrencyLimitHoldsForEveryCall) {
  auto backends = Make(absl::ZeroDuration(), /*max_in_flight=*/1, /*max_queued=*/1);
  Evaluate(*backends.evaluation, "a", CallContext{}, 0);
  Evaluate(*backends.evaluation, "b", CallContext{}, 1);  // queued
  Evaluate(*backends.evaluation, "c", CallContext{}, 2);  // refused
  EXPECT_EQ(script_->evaluate_calls, 1);
  ASSERT_TRUE(Outcome(2).has_value());
  EXPECT_EQ(Outcome(2)->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(Outcome(2)->status()), fpgw::v1::ERROR_REASON_OVERLOADED);
  // An admin call waits for the same slots.
  std::optional<absl::Status> deleted;
  backends.admin->DeleteDevice("d", CallContext{}, [&](absl::Status s) { deleted = s; });
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->code(), absl::StatusCode::kResourceExhausted);
  script_->Answer(Completed("a"));
  EXPECT_EQ(script_->evaluate_calls, 2);  // b got the slot
  script_->Answer(Completed("b"));
  EXPECT_EQ(Outcome(1)->value().identity().device_id(), "b");
}

}  // namespace
}  // namespace fpgw::resilience
