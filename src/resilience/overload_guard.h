// OverloadGuard: fpgw's last line of defence for itself. Every RPC asks it for admission before
// any other work; beyond a number of calls in flight across all listeners, or while the process's
// resident memory is above a limit, calls are refused at once with RESOURCE_EXHAUSTED (reason
// OVERLOADED) and RetryInfo — shedding load while there is still memory to answer with, instead
// of queueing until the kernel's OOM killer ends every call at once.
#ifndef FPGW_RESILIENCE_OVERLOAD_GUARD_H_
#define FPGW_RESILIENCE_OVERLOAD_GUARD_H_

#include <atomic>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace fpgw::resilience {

struct OverloadOptions {
  // Calls in flight at once, all listeners together; 0: no limit.
  int64_t max_calls_in_flight = 0;
  // Resident memory (RSS) above which new calls are refused; 0: no limit.
  int64_t max_memory_bytes = 0;
  // The RetryInfo delay of a refusal.
  absl::Duration retry_after = absl::Milliseconds(100);
};

// Thread-safe; admission is two atomic operations.
class OverloadGuard final {
 public:
  explicit OverloadGuard(OverloadOptions options) : options_(options) {}

  // OK (the call must Release() when done) or the refusal to finish the call with.
  absl::Status Admit();
  void Release() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  // Records the process's resident memory now; called periodically (every 100 ms by the gateway).
  void SampleMemory(int64_t resident_bytes) {
    memory_high_.store(options_.max_memory_bytes > 0 && resident_bytes > options_.max_memory_bytes,
                       std::memory_order_relaxed);
  }

  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  const OverloadOptions& options() const { return options_; }

 private:
  const OverloadOptions options_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<bool> memory_high_{false};
};

// This process's resident memory in bytes (from /proc/self/statm), or nullopt where unreadable.
std::optional<int64_t> ResidentMemoryBytes();

// The memory limit of this process's cgroup (v2 memory.max, or v1 memory.limit_in_bytes), or
// nullopt when there is none.
std::optional<int64_t> CgroupMemoryLimitBytes();

}  // namespace fpgw::resilience

#endif  // FPGW_RESILIENCE_OVERLOAD_GUARD_H_
