// Counter families, each a set of counters keyed by a label string, and the vendor-side counters a
// gateway owns and injects into its backends (no process-wide singletons). Names follow
// Prometheus conventions so that an exporter can publish them unchanged
// (docs/decisions/0004-metrics-counters.md).
#ifndef FPGW_TELEMETRY_COUNTERS_H_
#define FPGW_TELEMETRY_COUNTERS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace fpgw::telemetry {

// A family of counters keyed by a label string. Thread-safe. At most kMaxLabelSets distinct label
// sets are kept; further ones are counted under kOverflowLabels, so label values that come from
// outside cannot grow memory without bound.
class CounterFamily final {
 public:
  static constexpr size_t kMaxLabelSets = 1000;
  static constexpr const char* kOverflowLabels = "overflow=\"true\"";

  explicit CounterFamily(std::string name) : name_(std::move(name)) {}

  void Increment(const std::string& labels, uint64_t by = 1);
  uint64_t Value(const std::string& labels) const;
  uint64_t Total() const;
  std::map<std::string, uint64_t> Snapshot() const;
  const std::string& name() const { return name_; }

 private:
  const std::string name_;
  mutable absl::Mutex mu_;
  std::map<std::string, uint64_t> values_ ABSL_GUARDED_BY(mu_);
};

// The vendor-side counters of one gateway.
struct VendorCounters {
  // Backend calls; labels `integration,vendor,operation,code` (code: the canonical status name).
  CounterFamily calls{"fpgw_vendor_calls_total"};
  // Time spent in those calls, milliseconds; same labels.
  CounterFamily call_milliseconds{"fpgw_vendor_call_milliseconds_total"};
  // Vendor fields whose value did not match the vendor's schema; labels `vendor,path`.
  CounterFamily schema_drift{"fpgw_vendor_schema_drift_total"};
};

}  // namespace fpgw::telemetry

#endif  // FPGW_TELEMETRY_COUNTERS_H_
