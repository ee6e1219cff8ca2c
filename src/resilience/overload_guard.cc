// fpgw's own overload protection.
#include "resilience/overload_guard.h"

#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::resilience {

absl::Status OverloadGuard::Admit() {
  const int64_t now = in_flight_.fetch_add(1, std::memory_order_relaxed) + 1;
  const bool too_many = options_.max_calls_in_flight > 0 && now > options_.max_calls_in_flight;
  const bool memory_high = memory_high_.load(std::memory_order_relaxed);
  if (!too_many && !memory_high) return absl::OkStatus();
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  return MakeError(absl::StatusCode::kResourceExhausted, fpgw::v1::ERROR_REASON_OVERLOADED,
                   memory_high
                       ? "fpgw is short of memory and sheds load; retry later"
                       : absl::StrCat("fpgw has ", options_.max_calls_in_flight,
                                      " calls in flight, as many as it allows; retry later"),
                   {}, options_.retry_after);
}

std::optional<int64_t> ResidentMemoryBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size_pages = 0;
  int64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return std::nullopt;
  return resident_pages * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

std::optional<int64_t> CgroupMemoryLimitBytes() {
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream file(path);
    std::string value;
    if (!(file >> value)) continue;
    int64_t bytes = 0;
    // "max", or v1's "no limit" (a number near 2^63), mean none.
    if (absl::SimpleAtoi(value, &bytes) && bytes > 0 && bytes < (int64_t{1} << 50)) return bytes;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace fpgw::resilience
