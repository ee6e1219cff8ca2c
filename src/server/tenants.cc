// Tenant and integration resolution.
#include "server/tenants.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "config/config_loader.h"
#include "vendors/registry.h"

namespace fpgw::server {

Tenants::Tenants(const fpgw::config::v1::Config& config, const vendors::AdapterDeps& deps,
                 telemetry::Metrics* metrics, std::shared_ptr<resilience::EvaluationCache> cache) {
  std::shared_ptr<vendors::VendorMetrics> vendor_metrics;
  if (metrics != nullptr) vendor_metrics = vendors::PrometheusVendorMetrics(metrics);
  for (const auto& tenant : config.tenants()) {
    auto& integrations = tenants_[tenant.name()];
    for (const auto& integration : tenant.integrations()) {
      Entry& entry = integrations[integration.name()];
      entry.config = integration;
      // The vendor's backends (capabilities, instrumentation: vendors/registry.cc), protected as
      // a tenant's integration (resilience/protect.h).
      resilience::ProtectOptions protection;
      protection.scope = absl::StrCat(tenant.name(), "/", integration.name());
      protection.integration = integration.name();
      protection.metrics = metrics;
      protection.limits.max_in_flight = integration.limits().max_concurrent_calls();
      protection.limits.max_queued = std::max(0, integration.limits().max_queued_calls());
      const vendors::VendorFactory* factory = vendors::FactoryFor(integration);
      if (factory != nullptr) entry.vendor = std::string(factory->name());
      protection.cache_ttl = integration.has_cache_ttl()
                                 ? config::ToDuration(integration.cache_ttl())
                             : factory != nullptr ? factory->default_cache_ttl()
                                                  : absl::ZeroDuration();
      vendors::AdapterDeps scoped = deps;
      scoped.scope = protection.scope;
      entry.backends =
          resilience::Protect(vendors::CreateBackends(integration, scoped, vendor_metrics),
                              std::move(protection), cache, deps.timers);
    }
    // The first integration listed is the tenant's default, used when a request names none.
    if (!tenant.integrations().empty()) {
      default_integration_[tenant.name()] = &integrations.at(tenant.integrations(0).name());
    }
  }
  for (const auto& tenant : config.tenants()) {
    for (const auto& integration : tenant.integrations()) {
      const Entry& entry = tenants_.at(tenant.name()).at(integration.name());
      list_.push_back({tenant.name(), &entry.config, entry.vendor, entry.backends.evaluation.get(),
                       entry.backends.admin.get()});
    }
  }
}

absl::StatusOr<IntegrationHandle> Tenants::Resolve(const std::string& tenant,
                                                   const std::string& integration) const {
  auto found = tenants_.find(tenant);
  if (found == tenants_.end()) {
    return MakeError(absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_INTERNAL,
                     "the caller's tenant is not configured");
  }
  const std::map<std::string, Entry>* integrations = &found->second;
  const Entry* entry = nullptr;
  if (integration.empty()) {
    entry = default_integration_.at(tenant);
  } else {
    auto it = integrations->find(integration);
    if (it == integrations->end()) {
      return MakeError(absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_UNKNOWN_INTEGRATION,
                       "integration: the tenant has no integration of that name",
                       {{"field", "integration"}});
    }
    entry = &it->second;
  }
  return IntegrationHandle{tenant, &entry->config, entry->vendor, entry->backends.evaluation.get(),
                           entry->backends.admin.get()};
}

}  // namespace fpgw::server
