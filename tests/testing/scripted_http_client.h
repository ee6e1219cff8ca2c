// ScriptedHttpClient: an http::HttpClient that answers from a script instead of a network, for
// adapter tests that need exact timing or failures no real server produces on demand (a poll cut
// short by the deadline, a transport error between two answers). Everything else is tested
// against the sandbox over real TLS.
#ifndef FPGW_TESTS_TESTING_SCRIPTED_HTTP_CLIENT_H_
#define FPGW_TESTS_TESTING_SCRIPTED_HTTP_CLIENT_H_

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "async/timer_queue.h"
#include "http/http_client.h"

namespace fpgw::testing {

// One scripted answer: after `delay`, `status` with `body` (or the transport error `error`).
struct Answer {
  Answer(int status_code = 200, std::string response_body = "",
         absl::Duration answer_delay = absl::ZeroDuration())
      : status(status_code), body(std::move(response_body)), delay(answer_delay) {}

  int status;
  std::string body;
  absl::Duration delay;
  absl::Status error;
  std::vector<::fpgw::http::Header> headers;  // names lower-cased, as the transport gives them
};

// Answers requests from a script on the TimerQueue; a request whose answer would come after its
// timeout gets DEADLINE_EXCEEDED at the timeout, as libcurl does; a cancelled request gets
// CANCELLED at once.
class ScriptedHttpClient final : public ::fpgw::http::HttpClient {
 public:
  explicit ScriptedHttpClient(::fpgw::async::TimerQueue* timers) : timers_(timers) {}

  void Script(std::vector<Answer> answers) {
    absl::MutexLock lock(&mu_);
    answers_.assign(answers.begin(), answers.end());
  }
  // When the script runs out, every further request gets this answer.
  void SetDefault(Answer answer) {
    absl::MutexLock lock(&mu_);
    default_ = std::move(answer);
  }
  std::vector<::fpgw::http::HttpRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

  ::fpgw::http::RequestId Start(::fpgw::http::HttpRequest request, Callback done) override {
    Answer answer;
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(request);
      if (!answers_.empty()) {
        answer = answers_.front();
        answers_.pop_front();
      } else {
        answer = default_;
      }
    }
    absl::StatusOr<::fpgw::http::HttpResponse> result;
    absl::Duration delay = answer.delay;
    if (delay > request.timeout) {
      delay = request.timeout;
      result = absl::DeadlineExceededError("timeout");
    } else if (!answer.error.ok()) {
      result = answer.error;
    } else {
      ::fpgw::http::HttpResponse response;
      response.status_code = answer.status;
      response.body = answer.body;
      response.headers = answer.headers;
      result = std::move(response);
    }
    const ::fpgw::http::RequestId id = ++next_id_;
    {
      absl::MutexLock lock(&pending_->mu);
      pending_->callbacks[id] = std::move(done);
    }
    // The timers may outlive this client (they run what is left when they stop): they hold only
    // the pending callbacks.
    timers_->RunAt(absl::Now() + delay,
                   [pending = pending_, id, result = std::move(result)](bool) mutable {
                     if (Callback taken = pending->Take(id)) {
                       std::move(taken)(std::move(result));
                     }
                   });
    return id;
  }
  void Cancel(::fpgw::http::RequestId id) override {
    timers_->RunAt(absl::Now(), [pending = pending_, id](bool) {
      if (Callback taken = pending->Take(id)) {
        std::move(taken)(absl::CancelledError("cancelled"));
      }
    });
  }
  // Requests started whose answer has not been delivered yet.
  size_t pending() const {
    absl::MutexLock lock(&pending_->mu);
    return pending_->callbacks.size();
  }

 private:
  // The callbacks of requests whose answer is still due.
  struct Pending {
    // The callback of request `id` when its answer is still due (once).
    Callback Take(::fpgw::http::RequestId id) {
      absl::MutexLock lock(&mu);
      auto it = callbacks.find(id);
      if (it == callbacks.end()) return nullptr;
      Callback done = std::move(it->second);
      callbacks.erase(it);
      return done;
    }

    absl::Mutex mu;
    std::map<::fpgw::http::RequestId, Callback> callbacks ABSL_GUARDED_BY(mu);
  };

  ::fpgw::async::TimerQueue* const timers_;
  mutable absl::Mutex mu_;
  std::deque<Answer> answers_ ABSL_GUARDED_BY(mu_);
  Answer default_ ABSL_GUARDED_BY(mu_);
  std::vector<::fpgw::http::HttpRequest> requests_ ABSL_GUARDED_BY(mu_);
  const std::shared_ptr<Pending> pending_ = std::make_shared<Pending>();
  std::atomic<::fpgw::http::RequestId> next_id_{0};
};

// The value of header `name` of `request`, or "".
inline std::string HeaderOf(const ::fpgw::http::HttpRequest& request, const std::string& name) {
  for (const auto& header : request.headers) {
    if (header.name == name) return header.value;
  }
  return "";
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_SCRIPTED_HTTP_CLIENT_H_
