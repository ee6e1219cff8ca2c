// The one integration-test base of the gateway (after Envoy's HttpIntegrationTest): the real
// vendor sandbox with every vendor module over TLS, the real gateway on loopback, and the
// generated stubs, so that a test states only the integrations it needs and what it expects.
//
//   class AcmeGatewayTest : public fpgw::testing::GatewayHarnessTest {
//    protected:
//     static void SetUpTestSuite() {
//       StartHarness([](GatewayConfigBuilder& config) {
//         config.AddIntegration("acme", "acme-v2", WithTimeout(absl::Seconds(3)));
//         config.AddIntegration("acme-wrong-key", "acme-v2", WithWrongCredential());
//       });
//     }
//   };
//
//   TEST_F(AcmeGatewayTest, Evaluates) {
//     fpgw::v1::EvaluateResponse response;
//     EXPECT_THAT(harness().Evaluate("acme", "token-1", &response), IsOk());
//     EXPECT_EQ(harness().sandbox().request_count(kRouteAcmeLookup), 1u);
//   }
//
// Integrations are cloned from the ones the sandbox modules declare for sandbox mode
// (sandbox::SandboxVendorInfo::integrations, named e.g. "fingerprint-v4"), so the harness names no
// vendor: each module gets a fixed test credential of its own form through its credential
// environment variable, and the config is checked by the config loader with every vendor's rules,
// exactly as a config file would be.
#ifndef FPGW_TESTS_TESTING_GATEWAY_HARNESS_H_
#define FPGW_TESTS_TESTING_GATEWAY_HARNESS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fpgw/config/v1/config.pb.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "sandbox/sandbox.h"
#include "server/gateway.h"
#include "telemetry/metrics.h"

namespace fpgw::testing {

// How long a harness call may take unless the test says otherwise.
inline constexpr absl::Duration kDefaultCallDeadline = absl::Seconds(10);

// An environment variable the harness keeps unset: an integration referencing it has no
// credential to resolve (VENDOR_CREDENTIAL_MISSING).
inline constexpr char kUnsetCredentialEnv[] = "FPGW_TEST_HARNESS_UNSET_CREDENTIAL";

// Appended to a module's credential environment variable, it names the variable the harness sets
// to a credential of the module's form that the sandbox refuses (GatewayHarness::WrongCredential).
inline constexpr char kWrongCredentialSuffix[] = "_WRONG";

// A change to a cloned integration.
using IntegrationEdit = std::function<void(fpgw::config::v1::Integration&)>;

// The vendor call's timeout.
IntegrationEdit WithTimeout(absl::Duration timeout);
// The credential is read from environment variable `env`.
IntegrationEdit WithCredentialEnv(std::string env);
// The credential is one the sandbox refuses (the module's wrong credential).
IntegrationEdit WithWrongCredential();
// The credential references an environment variable that is not set.
IntegrationEdit WithUnsetCredentialEnv();
// No credential reference at all.
IntegrationEdit WithoutCredential();

// A typed builder of the gateway's config (fpgw.config.v1.Config) against a running sandbox.
// Starts as: one listener on 127.0.0.1:0 with local trust, a 1 s drain grace period, the sandbox's
// CA, vendor bodies capped at 1 MiB, no tenant. A config without callers gets one when built: the
// local caller "harness" of the first tenant, with both services.
class GatewayConfigBuilder final {
 public:
  GatewayConfigBuilder(std::string sandbox_base_url, std::string sandbox_ca_cert_path);

  // Starts tenant `name`; the integrations added next belong to it. Without a call, the first
  // integration starts tenant "acme".
  GatewayConfigBuilder& AddTenant(absl::string_view name);

  // Adds to the current tenant, under `name`, a clone of the sandbox-mode integration
  // `sandbox_integration` (a SandboxIntegration::name of any module, e.g. "fingerprint-v4"): its
  // vendor, API version and base URL on this sandbox, and its module's credential environment
  // variable when it uses one; then applies `edit`. A name no module declares is reported by
  // Build().
  GatewayConfigBuilder& AddIntegration(absl::string_view name,
                                       absl::string_view sandbox_integration,
                                       const IntegrationEdit& edit = nullptr);

  // Adds a listener on `address` ("127.0.0.1:0": a free port) that recognises callers by `modes`;
  // edit the returned listener for TLS.
  fpgw::config::v1::Listener& AddListener(
      absl::string_view address,
      std::initializer_list<fpgw::config::v1::CallerAuthentication> modes);
  // Removes every listener, the default local one included.
  GatewayConfigBuilder& ClearListeners();
  // Adds caller `name` acting for `tenant` (empty: none, for a proxy); edit the returned caller
  // to say how it is recognised and what it may use.
  fpgw::config::v1::Caller& AddCaller(absl::string_view name, absl::string_view tenant);
  // Secret files are read from `directory`.
  GatewayConfigBuilder& SetSecretDirectory(const std::string& directory);

  // Edits server options (listeners, tenant header, message limits, drain).
  GatewayConfigBuilder& EditServer(const std::function<void(fpgw::config::v1::Server&)>& edit);
  // Edits the vendor HTTP client's options (body cap, timeouts, CA).
  GatewayConfigBuilder& EditHttp(const std::function<void(fpgw::config::v1::Http&)>& edit);
  // Edits anything else (secret stores, audit log).
  GatewayConfigBuilder& EditConfig(const std::function<void(fpgw::config::v1::Config&)>& edit);

  // The config as built so far, unchecked.
  const fpgw::config::v1::Config& proto() const { return config_; }

  // The config as a config file holds it (JSON, which is YAML).
  std::string ToYaml() const;

  // The config as the gateway would load it: checked by the config loader with every vendor's
  // rules, defaults filled in. INVALID_ARGUMENT listing every problem with its field path.
  absl::StatusOr<fpgw::config::v1::Config> Build() const;

 private:
  fpgw::config::v1::Tenant& CurrentTenant();

  std::string base_url_;
  fpgw::config::v1::Config config_;
  std::string unknown_integrations_;
};

// Options of a GatewayHarness.
struct GatewayHarnessOptions {
  // Seed of the sandbox's data generators.
  uint64_t seed = 1;
  // Credentials that replace the harness's fixed ones, by module name.
  std::map<std::string, std::string> credentials;
  // The gateway's vendor HTTP client; null: a real one (libcurl) built from the config.
  std::shared_ptr<http::HttpClient> http_client;
};

// A running sandbox (every module) and gateway, and stubs connected to the gateway.
// Thread-safe after Start().
class GatewayHarness final {
 public:
  using Configure = std::function<void(GatewayConfigBuilder&)>;

  // Starts the sandbox on 127.0.0.1:0 over TLS, sets every module's credential environment
  // variables (right and wrong credential), builds the config with `configure` and starts the
  // gateway. Errors: the sandbox's or the gateway's, or INVALID_ARGUMENT for a config problem.
  static absl::StatusOr<std::unique_ptr<GatewayHarness>> Start(const Configure& configure,
                                                               GatewayHarnessOptions options = {});

  GatewayHarness(const GatewayHarness&) = delete;
  GatewayHarness& operator=(const GatewayHarness&) = delete;
  // Stops the gateway, then the sandbox.
  ~GatewayHarness();

  // The fixed test credential of module `module` (SandboxVendorInfo::name), of the form the
  // module checks, and one of the same form the sandbox refuses.
  static std::string TestCredential(absl::string_view module);
  static std::string WrongCredential(absl::string_view module);

  // The credential the sandbox accepts for `module` in this harness.
  const std::string& credential(absl::string_view module) const;

  sandbox::Sandbox& sandbox() const { return *sandbox_; }
  server::Gateway& gateway() const { return *gateway_; }
  // The config the gateway runs with (checked, defaults filled in).
  const fpgw::config::v1::Config& config() const { return config_; }

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  fpgw::v1::EvaluationService::Stub& evaluation() const { return *evaluation_; }
  fpgw::v1::AdminService::Stub& admin() const { return *admin_; }

  // One unary call of either service with a deadline (and client metadata):
  //   harness.Call(&fpgw::v1::AdminService::Stub::DeleteDeviceData, request, &response);
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    absl::Duration deadline = kDefaultCallDeadline,
                    const std::map<std::string, std::string>& metadata = {}) const {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
    if constexpr (std::is_same_v<Stub, fpgw::v1::EvaluationService::Stub>) {
      return (evaluation_.get()->*method)(&context, request, response);
    } else {
      static_assert(std::is_same_v<Stub, fpgw::v1::AdminService::Stub>, "not an fpgw stub");
      return (admin_.get()->*method)(&context, request, response);
    }
  }

  grpc::Status Evaluate(const fpgw::v1::EvaluateRequest& request,
                        fpgw::v1::EvaluateResponse* response,
                        absl::Duration deadline = kDefaultCallDeadline) const;
  // Evaluate of `token` with `integration` ("": the tenant's default), basic view.
  grpc::Status Evaluate(absl::string_view integration, absl::string_view token,
                        fpgw::v1::EvaluateResponse* response,
                        absl::Duration deadline = kDefaultCallDeadline) const;
  // One page of `device`'s evaluations with `integration`.
  grpc::Status ListDeviceEvaluations(absl::string_view integration, absl::string_view device,
                                     int page_size, absl::string_view page_token,
                                     fpgw::v1::ListDeviceEvaluationsResponse* response) const;

 private:
  GatewayHarness() = default;

  std::map<std::string, std::string, std::less<>> credentials_;
  // Destroyed in reverse: the stubs and the gateway before the sandbox.
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  fpgw::config::v1::Config config_;
  std::unique_ptr<server::Gateway> gateway_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<fpgw::v1::EvaluationService::Stub> evaluation_;
  std::unique_ptr<fpgw::v1::AdminService::Stub> admin_;
};

// Base of a test suite whose tests share one GatewayHarness (its start costs a test PKI). The
// suite starts it from its own static SetUpTestSuite() with StartHarness(); this base stops it.
class GatewayHarnessTest : public ::testing::Test {
 protected:
  // Starts the suite's harness; a failure fails the suite's every test.
  static void StartHarness(const GatewayHarness::Configure& configure,
                           GatewayHarnessOptions options = {});
  static void TearDownTestSuite();

  void SetUp() override;

  static GatewayHarness& harness() { return *harness_; }

 private:
  static std::unique_ptr<GatewayHarness> harness_;
};

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_GATEWAY_HARNESS_H_
