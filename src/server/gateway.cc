// Server assembly and drain.
#include "server/gateway.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "config/config_loader.h"
#include "credentials/credential_store.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "http/curl_http_client.h"
#include "http/measured_http_client.h"
#include "resilience/circuit_breaker.h"
#include "resilience/retrying_http_client.h"
#include "telemetry/log.h"
#include "vendors/registry.h"

namespace fpgw::server {

using telemetry::Log;
using telemetry::LogLevel;

std::vector<credentials::SecretUse> SecretUses(const fpgw::config::v1::Config& config) {
  std::vector<credentials::SecretUse> uses;
  for (int t = 0; t < config.tenants_size(); ++t) {
    for (int i = 0; i < config.tenants(t).integrations_size(); ++i) {
      const auto& integration = config.tenants(t).integrations(i);
      const std::string path = absl::StrCat("tenants[", t, "].integrations[", i, "]");
      for (credentials::SecretUse& use : vendors::SettingsSecretUses(integration, path)) {
        uses.push_back(std::move(use));
      }
      if (integration.credential().source_case() == fpgw::config::v1::SecretRef::SOURCE_NOT_SET) {
        continue;
      }
      uses.push_back({path + ".credential", config::SecretRefName(integration.credential()),
                      vendors::CredentialCheck(integration)});
    }
  }
  const auto& server = config.server();
  for (int i = 0; i < server.listeners_size(); ++i) {
    if (!server.listeners(i).has_tls()) continue;
    uses.push_back({absl::StrCat("server.listeners[", i, "].tls.key"),
                    config::SecretRefName(server.listeners(i).tls().key()),
                    Listeners::TlsKeyCheck(server.listeners(i).tls().cert_file())});
  }
  for (int i = 0; i < server.callers_size(); ++i) {
    if (!server.callers(i).has_bearer_token_sha256()) continue;
    uses.push_back({absl::StrCat("server.callers[", i, "].bearer_token_sha256"),
                    config::SecretRefName(server.callers(i).bearer_token_sha256()),
                    &auth::Callers::CheckTokenHashes});
  }
  for (int i = 0; i < server.page_tokens().keys_size(); ++i) {
    uses.push_back({absl::StrCat("server.page_tokens.keys[", i, "].key"),
                    config::SecretRefName(server.page_tokens().keys(i).key()),
                    &PageTokenCodec::CheckKey});
  }
  return uses;
}

namespace {

// The overload guard's limits, with the memory limit resolved: the configured one, or 85% of the
// cgroup's limit in a container.
resilience::OverloadOptions OverloadOptionsOf(const fpgw::config::v1::Config& config) {
  const auto& limits = config.server().limits();
  resilience::OverloadOptions options;
  options.max_calls_in_flight = std::max(0, limits.max_calls_in_flight());
  options.max_memory_bytes = limits.max_memory_bytes();
  if (options.max_memory_bytes == 0) {
    const std::optional<int64_t> cgroup = resilience::CgroupMemoryLimitBytes();
    options.max_memory_bytes = cgroup.has_value() ? *cgroup / 100 * 85 : 0;
  }
  options.max_memory_bytes = std::max<int64_t>(0, options.max_memory_bytes);
  return options;
}

// Samples the resident memory for the overload guard every 100 ms while it lives.
void SampleMemoryEvery(std::weak_ptr<resilience::OverloadGuard> guard, async::TimerQueue* timers) {
  timers->RunAt(absl::Now() + absl::Milliseconds(100),
                [guard = std::move(guard), timers](bool cancelled) mutable {
                  std::shared_ptr<resilience::OverloadGuard> held = guard.lock();
                  if (cancelled || held == nullptr) return;
                  if (const std::optional<int64_t> resident = resilience::ResidentMemoryBytes()) {
                    held->SampleMemory(*resident);
                  }
                  SampleMemoryEvery(std::move(guard), timers);
                });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(const fpgw::config::v1::Config& config,
                                                        GatewayOptions options) {
  std::unique_ptr<Gateway> gateway(new Gateway());
  gateway->metrics_ = std::make_unique<telemetry::Metrics>();
  telemetry::Metrics* metrics = gateway->metrics_.get();
  // Every secret first: a start without one of them fails here, naming its field.
  absl::StatusOr<std::unique_ptr<credentials::SecretRegistry>> secrets =
      credentials::SecretRegistry::Load(
          std::make_shared<credentials::RoutingCredentialStore>(config.secret_stores().directory()),
          SecretUses(config), options.secret_settle);
  if (!secrets.ok()) return secrets.status();
  gateway->secrets_ = *std::move(secrets);
  gateway->secrets_->SetMetrics(metrics);
  if (absl::Status watching = gateway->secrets_->StartWatching(config.secret_stores().directory());
      !watching.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("secret_stores.directory: ", watching.message()));
  }

  std::shared_ptr<http::HttpClient> http_client = std::move(options.http_client);
  if (http_client == nullptr) {
    http::CurlHttpClientOptions http_options;
    http_options.ca_bundle_path = config.http().ca_bundle_path();
    http_options.max_response_bytes = static_cast<size_t>(config.http().max_response_bytes());
    http_options.connect_timeout = config::ToDuration(config.http().connect_timeout());
    http_options.proxy = config.http().proxy();
    gateway->workers_ = std::make_unique<async::ThreadPool>(
        static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
    http_options.completions = gateway->workers_.get();
    // Each integration's concurrency limit is the one that bites: libcurl's per-host connection
    // cap is their sum, so one integration at its limit never holds the connections another on
    // the same vendor host needs.
    long connections = 0;  // NOLINT(runtime/int): libcurl takes a long.
    for (const auto& tenant : config.tenants()) {
      for (const auto& integration : tenant.integrations()) {
        connections += integration.limits().max_concurrent_calls();
      }
    }
    http_options.max_connections_per_host = std::max(connections, 64L);
    absl::StatusOr<std::unique_ptr<http::CurlHttpClient>> client =
        http::CurlHttpClient::Create(std::move(http_options));
    if (!client.ok()) return client.status();
    http_client = *std::move(client);
  }
  // Around the transport, per vendor request: the count of the vendor's answers, circuit
  // breaking per host, then retries within a budget (resilience/).
  http_client = std::make_shared<http::MeasuredHttpClient>(std::move(http_client), metrics);
  gateway->timers_ = std::make_unique<async::TimerQueue>();
  const auto& breaker = config.http().circuit_breaker();
  HealthReporter::OpenCircuits open_circuits;
  if (breaker.consecutive_failures() > 0) {
    resilience::BreakerOptions breaker_options;
    breaker_options.consecutive_failures = breaker.consecutive_failures();
    breaker_options.open_for = config::ToDuration(breaker.open_for());
    breaker_options.max_open_for = config::ToDuration(breaker.max_open_for());
    auto breaking = std::make_shared<resilience::CircuitBreakingHttpClient>(
        std::move(http_client), breaker_options, gateway->timers_.get());
    open_circuits = [weak = std::weak_ptr<resilience::CircuitBreakingHttpClient>(breaking)] {
      auto held = weak.lock();
      return held == nullptr ? std::set<std::string>{} : held->OpenScopes();
    };
    http_client = std::move(breaking);
  }
  const auto& retry = config.http().retry();
  if (retry.max_attempts() > 1) {
    resilience::RetryOptions retry_options;
    retry_options.max_attempts = retry.max_attempts();
    retry_options.initial_backoff = config::ToDuration(retry.initial_backoff());
    retry_options.max_backoff = config::ToDuration(retry.max_backoff());
    retry_options.budget = retry.budget_percent() / 100.0;
    retry_options.min_concurrency = retry.min_retry_concurrency();
    retry_options.metrics = metrics;
    http_client = std::make_shared<resilience::RetryingHttpClient>(
        std::move(http_client), retry_options, gateway->timers_.get());
  }
  gateway->http_client_ = http_client;

  const auto& page_tokens = config.server().page_tokens();
  const absl::Duration lifetime = config::ToDuration(page_tokens.lifetime());
  if (page_tokens.keys().empty()) {
    Log(LogLevel::kWarning,
        "server.page_tokens.keys is empty: page tokens are sealed with a random key of this "
        "process, so they fail after a restart and on any other replica (INVALID_PAGE_TOKEN). "
        "Give every replica the same keys.");
    absl::StatusOr<std::unique_ptr<PageTokenCodec>> codec =
        PageTokenCodec::WithRandomKey(lifetime > absl::ZeroDuration() ? lifetime : absl::Hours(1));
    if (!codec.ok()) return codec.status();
    gateway->page_tokens_ = *std::move(codec);
  } else {
    std::vector<PageTokenKeyRef> keys;
    for (const auto& key : page_tokens.keys()) {
      keys.push_back({key.id(), config::SecretRefName(key.key())});
    }
    gateway->page_tokens_ =
        std::make_unique<PageTokenCodec>(gateway->secrets_.get(), std::move(keys), lifetime);
  }

  absl::StatusOr<std::unique_ptr<telemetry::AuditLog>> audit =
      telemetry::AuditLog::Open(config.audit().path());
  if (!audit.ok()) return audit.status();
  gateway->audit_ = *std::move(audit);

  vendors::AdapterDeps deps;
  deps.http = http_client;
  deps.secrets = gateway->secrets_;
  deps.timers = gateway->timers_.get();
  std::shared_ptr<resilience::EvaluationCache> cache;
  if (config.evaluation_cache().max_bytes() > 0) {
    cache = std::make_shared<resilience::InMemoryEvaluationCache>(
        config.evaluation_cache().max_bytes());
  }
  gateway->tenants_ = std::make_unique<Tenants>(config, deps, metrics, std::move(cache));
  gateway->callers_ = auth::Callers::Create(config, gateway->secrets_.get());
  gateway->state_.tenants = gateway->tenants_.get();
  gateway->state_.page_tokens = gateway->page_tokens_.get();
  gateway->state_.audit = gateway->audit_.get();
  gateway->state_.vendor_retries = config.http().retry().max_attempts() > 1;
  gateway->overload_ = std::make_shared<resilience::OverloadGuard>(OverloadOptionsOf(config));
  gateway->state_.overload = gateway->overload_.get();
  gateway->state_.metrics = metrics;
  const auto& access_log = config.server().access_log();
  switch (access_log.level()) {
    case fpgw::config::v1::ACCESS_LOG_LEVEL_DEBUG:
      gateway->state_.access_log_level = LogLevel::kDebug;
      break;
    case fpgw::config::v1::ACCESS_LOG_LEVEL_OFF:
      gateway->state_.access_log_level = std::nullopt;
      break;
    default:
      gateway->state_.access_log_level = LogLevel::kInfo;
      break;
  }
  gateway->state_.access_log_sample_rate =
      access_log.has_sample_rate() ? access_log.sample_rate() : 1.0;
  if (gateway->overload_->options().max_memory_bytes > 0) {
    SampleMemoryEvery(gateway->overload_, gateway->timers_.get());
  }

  // Reflection describes every service registered here; grpc.health.v1 is described because its
  // schema is linked in (this reference keeps the linker from dropping it).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  absl::StatusOr<std::unique_ptr<Listeners>> listeners =
      Listeners::Start(config, &gateway->state_, gateway->callers_.get(), gateway->secrets_.get());
  if (!listeners.ok()) return listeners.status();
  gateway->listeners_ = *std::move(listeners);
  gateway->health_ = std::make_shared<HealthReporter>(
      gateway->tenants_.get(), gateway->secrets_.get(), std::move(open_circuits), metrics);
  gateway->health_->Start(gateway->listeners_.get(), gateway->timers_.get(),
                          options.health_interval);

  if (const std::string& address = config.server().metrics_listen(); !address.empty()) {
    auto statuses = [health = gateway->health_] { return health->Statuses(); };
    absl::StatusOr<std::unique_ptr<MetricsListener>> listener =
        MetricsListener::Start(address, metrics, statuses);
    if (!listener.ok() && options.metrics_port_fallback) {
      const std::string any_port = address.substr(0, address.rfind(':')) + ":0";
      Log(LogLevel::kWarning, "the metrics address is taken: listening on a free port instead",
          {{"metrics_listen", address}});
      listener = MetricsListener::Start(any_port, metrics, statuses);
    }
    if (!listener.ok()) return listener.status();
    gateway->metrics_listener_ = *std::move(listener);
  }
  return gateway;
}

std::string Gateway::metrics_address() const {
  return metrics_listener_ == nullptr ? "" : metrics_listener_->address();
}

void Gateway::Drain(absl::Duration grace, absl::Duration delay) {
  if (drained_ || listeners_ == nullptr) return;
  drained_ = true;
  const absl::Time start = absl::Now();
  // First tell health watchers and load balancers, while still serving every call; then stop
  // accepting calls and give the in-flight ones the rest of the grace period.
  health_->SetDraining();
  Log(LogLevel::kInfo, "draining",
      {{"grace_period", absl::FormatDuration(grace)}, {"delay", absl::FormatDuration(delay)}});
  absl::SleepFor(std::min(delay, grace));
  health_->Stop();
  listeners_->Shutdown(start + grace);
}

Gateway::~Gateway() { Drain(absl::ZeroDuration(), absl::ZeroDuration()); }

}  // namespace fpgw::server
