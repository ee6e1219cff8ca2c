// The instrumentation decorator: wraps both backends of one integration and records, for every
// call, its operation, outcome code and latency, and the schema drift of every evaluation (or page)
// it returns. The sink is injected (VendorMetrics), never a global. It is the first decorator
// stacked around every backend (vendors/registry.cc).
#ifndef FPGW_VENDORS_COMMON_INSTRUMENTATION_H_
#define FPGW_VENDORS_COMMON_INSTRUMENTATION_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "telemetry/metrics.h"
#include "vendors/common/backend.h"

namespace fpgw::vendors {

// Who a call was for; bounded values only (config names), never request data.
struct CallLabels {
  std::string tenant;
  std::string integration;
  // The vendor module, e.g. "fingerprint_v4".
  std::string vendor;
};

// Where measurements go. Thread-safe.
class VendorMetrics {
 public:
  virtual ~VendorMetrics() = default;
  // One backend call finished with `code` after `latency`.
  virtual void RecordCall(const CallLabels& labels, absl::string_view operation,
                          absl::StatusCode code, absl::Duration latency) = 0;
  // One vendor field at `path` (a JSON path, e.g. "$.events[3].bot") did not match the schema.
  virtual void RecordDrift(const CallLabels& labels, absl::string_view path) = 0;
};

// VendorMetrics into a gateway's Prometheus metrics (`metrics` outlives them).
std::shared_ptr<VendorMetrics> PrometheusVendorMetrics(telemetry::Metrics* metrics);

// `inner` with every call measured into `metrics` (null: `inner` as it is).
Backends Instrument(Backends inner, std::shared_ptr<VendorMetrics> metrics, CallLabels labels);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_INSTRUMENTATION_H_
