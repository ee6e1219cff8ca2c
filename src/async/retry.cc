// Backoff arithmetic.
#include "async/retry.h"

#include <cmath>

namespace fpgw::async {

absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt) {
  if (attempt <= 1) return absl::ZeroDuration();
  const double factor = std::pow(policy.multiplier, attempt - 2);
  const absl::Duration delay = policy.initial * factor;
  return delay > policy.max_delay ? policy.max_delay : delay;
}

}  // namespace fpgw::async
