// Server assembly and drain.
#include "server/gateway.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "config/config_loader.h"
#include "credentials/credential_store.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "http/curl_http_client.h"
#include "telemetry/log.h"

namespace fpgw::server {
namespace {

constexpr const char* kServiceNames[] = {"fpgw.v1.EvaluationService", "fpgw.v1.AdminService"};

void SetServing(grpc::Server* server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);  // The overall status ("").
  for (const char* name : kServiceNames) health->SetServingStatus(name, serving);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(
    const fpgw::config::v1::Config& config, std::shared_ptr<http::HttpClient> http_client) {
  std::unique_ptr<Gateway> gateway(new Gateway());
  if (http_client == nullptr) {
    http::CurlHttpClientOptions options;
    options.ca_bundle_path = config.http().ca_bundle_path();
    options.max_response_bytes = static_cast<size_t>(config.http().max_response_bytes());
    options.connect_timeout = config::ToDuration(config.http().connect_timeout());
    absl::StatusOr<std::unique_ptr<http::CurlHttpClient>> client =
        http::CurlHttpClient::Create(std::move(options));
    if (!client.ok()) return client.status();
    http_client = std::move(*client);
  }
  gateway->http_client_ = http_client;
  auto store =
      std::make_shared<credentials::RoutingCredentialStore>(config.secret_stores().directory());

  if (config.server().has_page_token_key()) {
    absl::StatusOr<credentials::Secret> key =
        store->Get(config::SecretRefName(config.server().page_token_key()));
    if (!key.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("server.page_token_key: ", key.status().message()));
    }
    if (key->RevealForWire().size() < 16) {
      return absl::FailedPreconditionError("server.page_token_key: must be at least 16 bytes");
    }
    gateway->page_tokens_ = std::make_unique<PageTokenCodec>(*std::move(key));
  } else {
    absl::StatusOr<PageTokenCodec> codec = PageTokenCodec::WithRandomKey();
    if (!codec.ok()) return codec.status();
    gateway->page_tokens_ = std::make_unique<PageTokenCodec>(*std::move(codec));
  }
  gateway->timers_ = std::make_unique<async::TimerQueue>();
  vendors::AdapterDeps deps;
  deps.http = http_client;
  deps.credentials = store;
  deps.timers = gateway->timers_.get();
  gateway->vendor_counters_ = std::make_shared<telemetry::VendorCounters>();
  gateway->tenants_ =
      std::make_unique<Tenants>(config, deps, vendors::CounterMetrics(gateway->vendor_counters_));
  gateway->state_.tenants = gateway->tenants_.get();
  gateway->state_.page_tokens = gateway->page_tokens_.get();
  gateway->evaluation_service_ = std::make_unique<EvaluationServiceHandler>(&gateway->state_);
  gateway->admin_service_ = std::make_unique<AdminServiceHandler>(&gateway->state_);

  // Reflection describes every service registered here; grpc.health.v1 is described because its
  // schema is linked in (this reference keeps the linker from dropping it).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<int>> ports;
  for (const std::string& address : config.server().listen()) {
    ports.push_back(std::make_unique<int>(0));
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), ports.back().get());
  }
  builder.SetMaxReceiveMessageSize(config.server().max_receive_message_bytes());
  builder.SetMaxSendMessageSize(config.server().max_send_message_bytes());
  builder.RegisterService(gateway->evaluation_service_.get());
  builder.RegisterService(gateway->admin_service_.get());
  gateway->server_ = builder.BuildAndStart();
  if (gateway->server_ == nullptr) {
    return absl::FailedPreconditionError(
        "the gRPC server could not start (is a listen address in use?)");
  }
  for (int i = 0; i < config.server().listen_size(); ++i) {
    const std::string& address = config.server().listen(i);
    if (absl::StartsWith(address, "unix:")) {
      gateway->listening_.push_back(address);
      continue;
    }
    if (*ports[static_cast<size_t>(i)] == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("server.listen[", i, "]: cannot listen on ", address));
    }
    const std::string host = address.substr(0, address.rfind(':'));
    gateway->listening_.push_back(absl::StrCat(host, ":", *ports[static_cast<size_t>(i)]));
  }
  SetServing(gateway->server_.get(), true);
  return gateway;
}

void Gateway::Drain(absl::Duration grace, absl::Duration delay) {
  if (drained_ || server_ == nullptr) return;
  drained_ = true;
  const absl::Time start = absl::Now();
  // First tell health watchers and load balancers, while still serving every call; then stop
  // accepting calls and give the in-flight ones the rest of the grace period.
  SetServing(server_.get(), false);
  telemetry::Log(
      telemetry::LogLevel::kInfo, "draining",
      {{"grace_period", absl::FormatDuration(grace)}, {"delay", absl::FormatDuration(delay)}});
  absl::SleepFor(std::min(delay, grace));
  server_->Shutdown(absl::ToChronoTime(start + grace));
  server_->Wait();
}

Gateway::~Gateway() { Drain(absl::ZeroDuration(), absl::ZeroDuration()); }

}  // namespace fpgw::server
