// Health statuses, computed and pushed.
#include "server/health.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "config/config_loader.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"

namespace fpgw::server {
namespace {

const char* const kServiceNames[] = {fpgw::v1::EvaluationService::service_full_name(),
                                     fpgw::v1::AdminService::service_full_name()};

}  // namespace

std::string IntegrationHealthName(const std::string& tenant, const std::string& integration) {
  return absl::StrCat("fpgw.integration/", tenant, "/", integration);
}

HealthReporter::HealthReporter(const Tenants* tenants, const credentials::SecretRegistry* secrets,
                               OpenCircuits open_circuits, telemetry::Metrics* metrics)
    : tenants_(tenants),
      secrets_(secrets),
      open_circuits_(std::move(open_circuits)),
      metrics_(metrics) {}

void HealthReporter::Start(Listeners* listeners, async::TimerQueue* timers,
                           absl::Duration interval) {
  {
    absl::MutexLock lock(&mu_);
    listeners_ = listeners;
    statuses_.clear();  // Every status is pushed afresh.
  }
  Update();
  UpdateEvery(interval, timers);
}

void HealthReporter::UpdateEvery(absl::Duration interval, async::TimerQueue* timers) {
  timers->RunAt(absl::Now() + interval,
                [weak = weak_from_this(), interval, timers](bool cancelled) {
                  std::shared_ptr<HealthReporter> self = weak.lock();
                  if (cancelled || self == nullptr) return;
                  {
                    absl::MutexLock lock(&self->mu_);
                    if (self->listeners_ == nullptr) return;  // Stopped.
                  }
                  self->Update();
                  self->UpdateEvery(interval, timers);
                });
}

void HealthReporter::SetDraining() {
  {
    absl::MutexLock lock(&mu_);
    draining_ = true;
  }
  Update();
}

void HealthReporter::Stop() {
  absl::MutexLock lock(&mu_);
  listeners_ = nullptr;
}

void HealthReporter::Update() {
  const std::set<std::string> open = open_circuits_ ? open_circuits_() : std::set<std::string>{};
  absl::MutexLock lock(&mu_);
  // Stopped (or not started): the gateway may be tearing down what the statuses are made of.
  if (listeners_ == nullptr) return;
  std::map<std::string, bool> now;
  now[kLivenessService] = true;
  bool any_usable = false;
  bool any_credential = false;
  for (const IntegrationHandle& handle : tenants_->List()) {
    const std::string scope = absl::StrCat(handle.tenant, "/", handle.config->name());
    const bool circuit_open = open.count(scope) > 0;
    const bool credential =
        !handle.config->has_credential() || secrets_ == nullptr ||
        secrets_->Resolvable(config::SecretRefName(handle.config->credential()));
    const bool usable = !draining_ && !circuit_open && credential;
    any_usable = any_usable || usable;
    any_credential = any_credential || credential;
    now[IntegrationHealthName(handle.tenant, handle.config->name())] = usable;
    if (metrics_ != nullptr) metrics_->SetCircuitOpen(scope, circuit_open);
  }
  // A vendor's open circuit is every replica's alike: it never makes the replica unready.
  now[""] = !draining_ && any_credential;
  for (const char* name : kServiceNames) now[name] = !draining_ && any_usable;
  for (const auto& [service, serving] : now) {
    auto it = statuses_.find(service);
    if (it != statuses_.end() && it->second == serving) continue;
    statuses_[service] = serving;
    if (listeners_ != nullptr) listeners_->SetHealth(service, serving);
    if (metrics_ != nullptr) metrics_->SetHealthServing(service, serving);
  }
}

std::map<std::string, bool> HealthReporter::Statuses() const {
  absl::MutexLock lock(&mu_);
  return statuses_;
}

}  // namespace fpgw::server
