// CallCancellation.
#include "vendors/common/backend.h"

namespace fpgw::vendors {

void CallCancellation::Bind(absl::AnyInvocable<void()> cancel) {
  bool run_now = false;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) {
      run_now = true;
    } else {
      cancel_ = std::move(cancel);
    }
  }
  if (run_now && cancel) cancel();
}

void CallCancellation::Unbind() {
  absl::MutexLock lock(&mu_);
  cancel_ = nullptr;
}

void CallCancellation::Cancel() {
  absl::AnyInvocable<void()> cancel;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    cancel = std::move(cancel_);
  }
  if (cancel) cancel();
}

bool CallCancellation::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

}  // namespace fpgw::vendors
