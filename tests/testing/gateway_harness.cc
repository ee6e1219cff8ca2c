// GatewayHarness: the sandbox, the config builder and the gateway of the integration tests.
#include "testing/gateway_harness.h"

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "config/config_loader.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "sandbox/vendor.h"
#include "vendors/registry.h"

namespace fpgw::testing {
namespace {

using fpgw::config::v1::Config;
using fpgw::config::v1::Integration;

void SetDuration(absl::Duration duration, google::protobuf::Duration* out) {
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &duration);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
}

// The sandbox module that declares the sandbox-mode integration `name`, and that integration.
struct SandboxTemplate {
  const sandbox::SandboxVendor* module = nullptr;
  const sandbox::SandboxIntegration* integration = nullptr;
};

SandboxTemplate FindSandboxIntegration(absl::string_view name) {
  for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
    for (const sandbox::SandboxIntegration& integration : module->info().integrations) {
      if (integration.name == name) return {module, &integration};
    }
  }
  return {};
}

const sandbox::SandboxVendor* FindModule(absl::string_view name) {
  for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
    if (module->info().name == name) return module;
  }
  return nullptr;
}

// The config's Vendor value for a SandboxIntegration::vendor ("fingerprint"), as the config file
// spells it; VENDOR_UNSPECIFIED when there is none.
fpgw::config::v1::Vendor VendorValue(absl::string_view vendor) {
  fpgw::config::v1::Vendor value = fpgw::config::v1::VENDOR_UNSPECIFIED;
  fpgw::config::v1::Vendor_Parse(absl::StrCat("VENDOR_", absl::AsciiStrToUpper(vendor)), &value);
  return value;
}

}  // namespace

IntegrationEdit WithTimeout(absl::Duration timeout) {
  return
      [timeout](Integration& integration) { SetDuration(timeout, integration.mutable_timeout()); };
}

IntegrationEdit WithCredentialEnv(std::string env) {
  return [env = std::move(env)](Integration& integration) {
    integration.mutable_credential()->set_env(env);
  };
}

IntegrationEdit WithWrongCredential() {
  return [](Integration& integration) {
    integration.mutable_credential()->set_env(
        absl::StrCat(integration.credential().env(), kWrongCredentialSuffix));
  };
}

IntegrationEdit WithUnsetCredentialEnv() { return WithCredentialEnv(kUnsetCredentialEnv); }

IntegrationEdit WithoutCredential() {
  return [](Integration& integration) { integration.clear_credential(); };
}

// ---- GatewayConfigBuilder

GatewayConfigBuilder::GatewayConfigBuilder(std::string sandbox_base_url,
                                           std::string sandbox_ca_cert_path)
    : base_url_(std::move(sandbox_base_url)) {
  auto* listener = config_.mutable_server()->add_listeners();
  listener->set_address("127.0.0.1:0");
  listener->add_authentication(fpgw::config::v1::CALLER_AUTHENTICATION_LOCAL);
  SetDuration(absl::Seconds(1), config_.mutable_server()->mutable_drain_grace_period());
  config_.mutable_http()->set_ca_bundle_path(std::move(sandbox_ca_cert_path));
  config_.mutable_http()->set_max_response_bytes(1 << 20);
  // One vendor answer per call, so that the vendor tests see each scenario's own mapping; the
  // resilience tests (tests/resilience) turn retries and circuit breaking back on.
  config_.mutable_http()->mutable_retry()->set_max_attempts(1);
  config_.mutable_http()->mutable_circuit_breaker()->set_consecutive_failures(-1);
}

GatewayConfigBuilder& GatewayConfigBuilder::AddTenant(absl::string_view name) {
  config_.add_tenants()->set_name(std::string(name));
  return *this;
}

fpgw::config::v1::Tenant& GatewayConfigBuilder::CurrentTenant() {
  if (config_.tenants().empty()) AddTenant("acme");
  return *config_.mutable_tenants(config_.tenants_size() - 1);
}

GatewayConfigBuilder& GatewayConfigBuilder::AddIntegration(absl::string_view name,
                                                           absl::string_view sandbox_integration,
                                                           const IntegrationEdit& edit) {
  Integration& integration = *CurrentTenant().add_integrations();
  integration.set_name(std::string(name));
  const SandboxTemplate found = FindSandboxIntegration(sandbox_integration);
  if (found.integration == nullptr) {
    absl::StrAppend(&unknown_integrations_, " \"", sandbox_integration, "\"");
  } else {
    integration.set_vendor(VendorValue(found.integration->vendor));
    integration.set_api_version(std::string(found.integration->api_version));
    integration.set_base_url(absl::StrCat(base_url_, found.integration->base_url_suffix));
    if (found.integration->uses_credential) {
      integration.mutable_credential()->set_env(std::string(found.module->info().credential_env));
    }
    if (!found.integration->extra_fields.empty()) {
      fpgw::config::v1::Integration extra;
      const auto parsed = google::protobuf::util::JsonStringToMessage(
          absl::StrCat("{", found.integration->extra_fields, "}"), &extra);
      if (parsed.ok()) {
        integration.MergeFrom(extra);
      } else {
        absl::StrAppend(&unknown_integrations_, " \"", sandbox_integration, "\" (extra fields)");
      }
    }
  }
  if (edit) edit(integration);
  return *this;
}

fpgw::config::v1::Listener& GatewayConfigBuilder::AddListener(
    absl::string_view address,
    std::initializer_list<fpgw::config::v1::CallerAuthentication> modes) {
  fpgw::config::v1::Listener& listener = *config_.mutable_server()->add_listeners();
  listener.set_address(std::string(address));
  for (auto mode : modes) listener.add_authentication(mode);
  return listener;
}

GatewayConfigBuilder& GatewayConfigBuilder::ClearListeners() {
  config_.mutable_server()->clear_listeners();
  return *this;
}

fpgw::config::v1::Caller& GatewayConfigBuilder::AddCaller(absl::string_view name,
                                                          absl::string_view tenant) {
  fpgw::config::v1::Caller& caller = *config_.mutable_server()->add_callers();
  caller.set_name(std::string(name));
  caller.set_tenant(std::string(tenant));
  return caller;
}

GatewayConfigBuilder& GatewayConfigBuilder::SetSecretDirectory(const std::string& directory) {
  config_.mutable_secret_stores()->set_directory(directory);
  return *this;
}

GatewayConfigBuilder& GatewayConfigBuilder::EditServer(
    const std::function<void(fpgw::config::v1::Server&)>& edit) {
  edit(*config_.mutable_server());
  return *this;
}

GatewayConfigBuilder& GatewayConfigBuilder::EditHttp(
    const std::function<void(fpgw::config::v1::Http&)>& edit) {
  edit(*config_.mutable_http());
  return *this;
}

GatewayConfigBuilder& GatewayConfigBuilder::EditConfig(
    const std::function<void(fpgw::config::v1::Config&)>& edit) {
  edit(config_);
  return *this;
}

std::string GatewayConfigBuilder::ToYaml() const {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(config_, &json, options).ok()) return "";
  return json;
}

absl::StatusOr<Config> GatewayConfigBuilder::Build() const {
  if (!unknown_integrations_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no sandbox module declares the integration(s)", unknown_integrations_));
  }
  // Without callers of its own, the test calls as the local caller of the first tenant, with
  // both services.
  GatewayConfigBuilder with_caller = *this;
  if (config_.server().callers().empty() && !config_.tenants().empty()) {
    auto* caller = with_caller.config_.mutable_server()->add_callers();
    caller->set_name("harness");
    caller->set_tenant(config_.tenants(0).name());
    caller->set_local(true);
    caller->add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
    caller->add_services(fpgw::config::v1::CALLER_SERVICE_ADMIN);
  }
  // Through the config file's form, so that the gateway runs with what the loader makes of it.
  Config config;
  const std::vector<config::ConfigProblem> problems =
      vendors::ParseConfig(with_caller.ToYaml(), &config);
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the test config is invalid:\n", config::FormatProblems(problems)));
  }
  return config;
}

// ---- GatewayHarness

std::string GatewayHarness::TestCredential(absl::string_view module) {
  const sandbox::SandboxVendor* found = FindModule(module);
  const absl::string_view prefix = found == nullptr ? "" : found->info().credential_prefix;
  return absl::StrCat(prefix, "harness-", module, "-0123456789abcdef");
}

std::string GatewayHarness::WrongCredential(absl::string_view module) {
  const sandbox::SandboxVendor* found = FindModule(module);
  const absl::string_view prefix = found == nullptr ? "" : found->info().credential_prefix;
  return absl::StrCat(prefix, "wrong-credential-that-must-never-leak-42");
}

absl::StatusOr<std::unique_ptr<GatewayHarness>> GatewayHarness::Start(
    const Configure& configure, GatewayHarnessOptions options) {
  std::unique_ptr<GatewayHarness> harness(new GatewayHarness());
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.seed = options.seed;
  unsetenv(kUnsetCredentialEnv);
  for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
    const sandbox::SandboxVendorInfo& info = module->info();
    const std::string name(info.name);
    auto given = options.credentials.find(name);
    const std::string credential =
        given != options.credentials.end() ? given->second : TestCredential(name);
    for (absl::string_view one : absl::StrSplit(credential, '\n', absl::SkipEmpty())) {
      if (absl::Status status = module->CheckCredential(one); !status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("the test credential of module ", name, ": ", status.message()));
      }
    }
    sandbox_options.credentials[name] = credential;
    harness->credentials_[name] = credential;
    const std::string env(info.credential_env);
    setenv(env.c_str(), credential.c_str(), 1);
    setenv(absl::StrCat(env, kWrongCredentialSuffix).c_str(), WrongCredential(name).c_str(), 1);
  }
  absl::StatusOr<std::unique_ptr<sandbox::Sandbox>> started_sandbox =
      sandbox::Sandbox::Start(std::move(sandbox_options));
  if (!started_sandbox.ok()) return started_sandbox.status();
  harness->sandbox_ = *std::move(started_sandbox);

  GatewayConfigBuilder builder(harness->sandbox_->base_url(), harness->sandbox_->ca_cert_path());
  configure(builder);
  absl::StatusOr<Config> built = builder.Build();
  if (!built.ok()) return built.status();
  harness->config_ = *std::move(built);

  absl::StatusOr<std::unique_ptr<server::Gateway>> started_gateway =
      server::Gateway::Start(harness->config_, {std::move(options.http_client)});
  if (!started_gateway.ok()) return started_gateway.status();
  harness->gateway_ = *std::move(started_gateway);
  harness->channel_ = grpc::CreateChannel(harness->gateway_->listening().front(),
                                          grpc::InsecureChannelCredentials());
  harness->evaluation_ = fpgw::v1::EvaluationService::NewStub(harness->channel_);
  harness->admin_ = fpgw::v1::AdminService::NewStub(harness->channel_);
  return harness;
}

GatewayHarness::~GatewayHarness() {
  admin_.reset();
  evaluation_.reset();
  channel_.reset();
  gateway_.reset();
  sandbox_.reset();
}

const std::string& GatewayHarness::credential(absl::string_view module) const {
  static const std::string* const kNone = new std::string();
  auto it = credentials_.find(module);
  return it == credentials_.end() ? *kNone : it->second;
}

grpc::Status GatewayHarness::Evaluate(const fpgw::v1::EvaluateRequest& request,
                                      fpgw::v1::EvaluateResponse* response,
                                      absl::Duration deadline) const {
  return Call(&fpgw::v1::EvaluationService::Stub::Evaluate, request, response, deadline);
}

grpc::Status GatewayHarness::Evaluate(absl::string_view integration, absl::string_view token,
                                      fpgw::v1::EvaluateResponse* response,
                                      absl::Duration deadline) const {
  fpgw::v1::EvaluateRequest request;
  request.set_integration(std::string(integration));
  request.set_token(std::string(token));
  return Evaluate(request, response, deadline);
}

grpc::Status GatewayHarness::ListDeviceEvaluations(
    absl::string_view integration, absl::string_view device, int page_size,
    absl::string_view page_token, fpgw::v1::ListDeviceEvaluationsResponse* response) const {
  fpgw::v1::ListDeviceEvaluationsRequest request;
  request.set_integration(std::string(integration));
  request.set_device(std::string(device));
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return Call(&fpgw::v1::EvaluationService::Stub::ListDeviceEvaluations, request, response);
}

// ---- GatewayHarnessTest

std::unique_ptr<GatewayHarness> GatewayHarnessTest::harness_;

void GatewayHarnessTest::StartHarness(const GatewayHarness::Configure& configure,
                                      GatewayHarnessOptions options) {
  absl::StatusOr<std::unique_ptr<GatewayHarness>> started =
      GatewayHarness::Start(configure, std::move(options));
  ASSERT_TRUE(started.ok()) << started.status();
  harness_ = *std::move(started);
}

void GatewayHarnessTest::TearDownTestSuite() { harness_.reset(); }

void GatewayHarnessTest::SetUp() {
  ASSERT_NE(harness_, nullptr) << "the suite's gateway harness did not start";
}

}  // namespace fpgw::testing
