// Counter families.
#include "telemetry/counters.h"

namespace fpgw::telemetry {

void CounterFamily::Increment(const std::string& labels, uint64_t by) {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(labels);
  if (it == values_.end() && values_.size() >= kMaxLabelSets) {
    values_[std::string(kOverflowLabels)] += by;
    return;
  }
  values_[labels] += by;
}

uint64_t CounterFamily::Value(const std::string& labels) const {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

uint64_t CounterFamily::Total() const {
  absl::MutexLock lock(&mu_);
  uint64_t total = 0;
  for (const auto& [labels, value] : values_) total += value;
  return total;
}

std::map<std::string, uint64_t> CounterFamily::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return values_;
}

}  // namespace fpgw::telemetry
