// Per-host circuit breaking.
#include "resilience/circuit_breaker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "http/url.h"

namespace fpgw::resilience {

bool IsHostFailure(const absl::StatusOr<http::HttpResponse>& result) {
  if (!result.ok()) {
    const absl::StatusCode code = result.status().code();
    return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded;
  }
  return result->status_code >= 500 && result->status_code <= 599;
}

CircuitBreakingHttpClient::CircuitBreakingHttpClient(std::shared_ptr<http::HttpClient> inner,
                                                     BreakerOptions options,
                                                     async::TimerQueue* timers)
    : inner_(std::move(inner)), options_(options), timers_(timers) {}

http::RequestId CircuitBreakingHttpClient::Start(http::HttpRequest request, Callback done) {
  const std::string origin = http::OriginOf(request.url);
  const std::string key = request.scope.empty() ? origin : absl::StrCat(origin, " ", request.scope);
  const absl::Time now = absl::Now();
  bool probe = false;
  absl::Duration refuse_for = absl::ZeroDuration();
  {
    absl::MutexLock lock(&mu_);
    Host& host = hosts_[key];
    host.scope = request.scope;
    if (host.open_until > now) {
      refuse_for = host.open_until - now;
    } else if (host.open_until != absl::InfinitePast()) {
      // Open time over: one request probes; the others wait for its outcome.
      if (host.probing) {
        refuse_for = std::max(options_.open_for / 4, absl::Milliseconds(100));
      } else {
        host.probing = true;
        probe = true;
      }
    }
  }
  if (refuse_for > absl::ZeroDuration()) {
    absl::Status refused =
        MakeError(absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN,
                  absl::StrCat("the vendor host failed repeatedly; fpgw calls it again in ",
                               absl::FormatDuration(absl::Ceil(refuse_for, absl::Milliseconds(1)))),
                  {}, refuse_for);
    timers_->RunAt(now, [done = std::move(done), refused = std::move(refused)](bool) mutable {
      std::move(done)(std::move(refused));
    });
    return 0;
  }
  return inner_->Start(std::move(request), [this, key, probe, done = std::move(done)](
                                               absl::StatusOr<http::HttpResponse> result) mutable {
    if (!(result.status().code() == absl::StatusCode::kCancelled)) {
      Record(key, IsHostFailure(result), probe);
    } else if (probe) {
      absl::MutexLock lock(&mu_);
      hosts_[key].probing = false;
    }
    std::move(done)(std::move(result));
  });
}

void CircuitBreakingHttpClient::Cancel(http::RequestId id) {
  if (id != 0) inner_->Cancel(id);
}

void CircuitBreakingHttpClient::Record(const std::string& key, bool failed, bool probe) {
  absl::MutexLock lock(&mu_);
  Host& host = hosts_[key];
  if (!failed) {
    host = Host{};
    return;
  }
  ++host.failures;
  if (probe || host.failures >= options_.consecutive_failures) {
    host.last_open_for = host.last_open_for == absl::ZeroDuration()
                             ? options_.open_for
                             : std::min(2 * host.last_open_for, options_.max_open_for);
    host.open_until = absl::Now() + host.last_open_for;
    host.probing = false;
  }
}

std::set<std::string> CircuitBreakingHttpClient::OpenScopes() const {
  std::set<std::string> open;
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  for (const auto& [key, host] : hosts_) {
    if (host.open_until > now && !host.scope.empty()) open.insert(host.scope);
  }
  return open;
}

std::vector<std::string> CircuitBreakingHttpClient::OpenCircuits() const {
  std::vector<std::string> open;
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  for (const auto& [key, host] : hosts_) {
    if (host.open_until > now) open.push_back(key);
  }
  return open;
}

}  // namespace fpgw::resilience
