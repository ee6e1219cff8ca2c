// Tenants and their integrations, built once from the config: resolves a tenant's integration
// name to the backends serving it. A tenant's calls reach only that tenant's integrations (which
// tenant a call acts for is the caller's: auth/callers.h).
#ifndef FPGW_SERVER_TENANTS_H_
#define FPGW_SERVER_TENANTS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fpgw/config/v1/config.pb.h"
#include "resilience/evaluation_cache.h"
#include "resilience/protect.h"
#include "telemetry/metrics.h"
#include "vendors/common/backend.h"
#include "vendors/common/instrumentation.h"
#include "vendors/common/vendor_call.h"

namespace fpgw::server {

// One resolved integration.
struct IntegrationHandle {
  std::string tenant;
  const fpgw::config::v1::Integration* config = nullptr;
  // The vendor module serving it, e.g. "fingerprint_v4".
  std::string vendor;
  vendors::EvaluationBackend* evaluation = nullptr;
  vendors::AdminBackend* admin = nullptr;
};

// Immutable after construction; thread-safe.
class Tenants final {
 public:
  // Builds every integration's backends (vendors::CreateBackends), measured into `metrics` (null:
  // not measured; else it outlives the tenants), and protects them (resilience::Protect) with
  // `cache` (null: none).
  Tenants(const fpgw::config::v1::Config& config, const vendors::AdapterDeps& deps,
          telemetry::Metrics* metrics, std::shared_ptr<resilience::EvaluationCache> cache);

  // Every integration of every tenant, in config order.
  const std::vector<IntegrationHandle>& List() const { return list_; }

  // `tenant`'s integration named `integration` (or, when empty, the tenant's default: its first
  // integration in the config). NOT_FOUND (UNKNOWN_INTEGRATION) for a name the tenant does not
  // have (whether or not another tenant has it); INTERNAL for a tenant that is not configured.
  absl::StatusOr<IntegrationHandle> Resolve(const std::string& tenant,
                                            const std::string& integration) const;

 private:
  struct Entry {
    fpgw::config::v1::Integration config;
    std::string vendor;
    vendors::Backends backends;
  };
  std::map<std::string, std::map<std::string, Entry>> tenants_;
  std::map<std::string, const Entry*> default_integration_;
  std::vector<IntegrationHandle> list_;
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_TENANTS_H_
