// Every metric fpgw exports, in one Prometheus registry (prometheus-cpp) that a gateway owns and
// hands to the parts it measures (no process-wide singletons). The gRPC server metrics carry the
// grpc-ecosystem names and labels that dashboards expect; the rest are fpgw's, one set per
// integration. Label values are config names, method names and bounded codes only: never a
// secret, token, device id, address or any other value a request can choose. The list, with what
// each metric means, is in docs/operations.md.
#ifndef FPGW_TELEMETRY_METRICS_H_
#define FPGW_TELEMETRY_METRICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace fpgw::telemetry {

// Whose integration a measurement is of (config names).
struct IntegrationLabels {
  std::string tenant;
  std::string integration;
  // The vendor module, e.g. "fingerprint_v4".
  std::string vendor;
};

// Thread-safe.
class Metrics final {
 public:
  // Schema-drift label sets kept; further paths are counted under path="overflow".
  static constexpr size_t kMaxDriftLabelSets = 1000;

  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The Prometheus text exposition format (version 0.0.4) of every metric.
  std::string Scrape() const;

  // The sum of every series of metric `name` (a counter or gauge, or a histogram's count) whose
  // labels include `labels`; 0 when there is none. For tests.
  double Sum(absl::string_view name, const std::map<std::string, std::string>& labels = {}) const;

  // gRPC server: an RPC of `service` ("fpgw.v1.EvaluationService") and `method` ("Evaluate")
  // started, and finished with `code` after `latency`.
  void RpcStarted(absl::string_view service, absl::string_view method);
  void RpcHandled(absl::string_view service, absl::string_view method, absl::StatusCode code,
                  absl::Duration latency);

  // An integration's backend call (`operation`, e.g. "Evaluate") finished with `code`.
  void VendorCall(const IntegrationLabels& labels, absl::string_view operation,
                  absl::StatusCode code, absl::Duration latency);
  // A vendor HTTP request of the integration `scope` ("tenant/integration") was answered with HTTP
  // `status` (0: no answer arrived).
  void VendorResponse(absl::string_view scope, int status);
  // A vendor field at `path` (a JSON path) did not match the vendor's schema.
  void VendorDrift(absl::string_view vendor, absl::string_view path);
  // The integration `scope` ("tenant/integration") retried a vendor request.
  void VendorRetry(absl::string_view scope);
  // Whether the integration `scope` has an open circuit now.
  void SetCircuitOpen(absl::string_view scope, bool open);
  // An evaluation cache lookup of integration `scope`.
  void CacheLookup(absl::string_view scope, bool hit);
  // An Evaluate call of integration `scope` joined an identical one in flight.
  void Coalesced(absl::string_view scope);
  // A secret file changed: replaced, or rejected (the last good value stays).
  void CredentialReload(bool replaced);
  // Whether health service `service` ("" for the overall status) is SERVING.
  void SetHealthServing(absl::string_view service, bool serving);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& rpc_started_;
  prometheus::Family<prometheus::Counter>& rpc_handled_;
  prometheus::Family<prometheus::Histogram>& rpc_seconds_;
  prometheus::Family<prometheus::Counter>& vendor_calls_;
  prometheus::Family<prometheus::Histogram>& vendor_seconds_;
  prometheus::Family<prometheus::Counter>& vendor_responses_;
  prometheus::Family<prometheus::Counter>& vendor_retries_;
  prometheus::Family<prometheus::Gauge>& circuit_open_;
  prometheus::Family<prometheus::Counter>& cache_lookups_;
  prometheus::Family<prometheus::Counter>& coalesced_;
  prometheus::Family<prometheus::Counter>& drift_;
  prometheus::Family<prometheus::Counter>& credential_reloads_;
  prometheus::Family<prometheus::Gauge>& health_serving_;

  absl::Mutex drift_mu_;
  std::set<std::pair<std::string, std::string>> drift_label_sets_ ABSL_GUARDED_BY(drift_mu_);
};

// gRPC's name of a status code, as the grpc-ecosystem metrics spell it ("OK", "InvalidArgument").
absl::string_view GrpcCodeName(absl::StatusCode code);

}  // namespace fpgw::telemetry

#endif  // FPGW_TELEMETRY_METRICS_H_
