// Canary secrets: a recognisable value planted in every kind of secret fpgw holds — each vendor's
// credential (and a wrong one), a bearer token, a page-token key, a TLS private key — must never
// appear in a log line (standard error), an audit line (standard output), an error message or its
// details, a response, a reflection answer, `check-config` output or `normalize` output, across
// every vendor's success and error paths and every sandbox scenario of every module.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sandbox/test_pki.h"
#include "sandbox/vendor.h"
#include "testing/gateway_harness.h"
#include "testing/secret_volume.h"
#include "testing/test_files.h"

namespace fpgw::security {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessOptions;
using ::fpgw::testing::ReadTextFile;
using ::fpgw::testing::SecretVolume;
using ::fpgw::testing::TokenHash;
using ::fpgw::testing::WithTimeout;
using ::fpgw::testing::WithWrongCredential;

constexpr char kBearerToken[] = "CANARY-bearer-token-1f2e3d4c5b6a7980";
constexpr char kPageTokenKey[] = "CANARY-page-token-key-9f8e7d6c5b4a3210";

// The canary of a vendor module: of the module's credential form, unmistakable in any output.
std::string CanaryCredential(const sandbox::SandboxVendor& module) {
  return absl::StrCat(module.info().credential_prefix, "canary-", module.info().name,
                      "-c4n4ry0123456789");
}

// Redirects standard output and error into files while it lives (gtest's own output included, so
// assertions wait until Stop()).
class CapturedOutput final {
 public:
  explicit CapturedOutput(std::string dir) : dir_(std::move(dir)) {
    std::fflush(stdout);
    std::fflush(stderr);
    saved_out_ = dup(1);
    saved_err_ = dup(2);
    Redirect(1, dir_ + "/stdout");
    Redirect(2, dir_ + "/stderr");
  }
  ~CapturedOutput() { Stop(); }

  // Restores the streams; returns what was written, standard output first.
  std::string Stop() {
    if (saved_out_ < 0) return captured_;
    std::fflush(stdout);
    std::fflush(stderr);
    dup2(saved_out_, 1);
    dup2(saved_err_, 2);
    close(saved_out_);
    close(saved_err_);
    saved_out_ = saved_err_ = -1;
    captured_ = ReadTextFile(dir_ + "/stdout") + ReadTextFile(dir_ + "/stderr");
    return captured_;
  }

 private:
  static void Redirect(int fd, const std::string& path) {
    const int file = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    dup2(file, fd);
    close(file);
  }

  const std::string dir_;
  int saved_out_ = -1;
  int saved_err_ = -1;
  std::string captured_;
};

// How many calls Seen() has recorded.
int g_calls = 0;

// Everything a caller got back from one call.
std::string Seen(const grpc::Status& status, const google::protobuf::Message& response) {
  ++g_calls;
  return absl::StrCat(status.error_message(), "\n", status.error_details(), "\n",
                      response.DebugString());
}

class CanaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fpgw-canary-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
      canaries_.push_back(CanaryCredential(*module));
      canaries_.push_back(GatewayHarness::WrongCredential(module->info().name));
    }
    canaries_.push_back(kBearerToken);
    canaries_.push_back(kPageTokenKey);
    auto ca = sandbox::TestCa::Create("fpgw canary CA");
    ASSERT_TRUE(ca.ok());
    auto server =
        ca->Issue("localhost", "DNS:localhost,IP:127.0.0.1", sandbox::TestCa::Usage::kServer);
    ASSERT_TRUE(server.ok());
    tls_ = *std::move(server);
    // Every full line of the private key's body is a canary.
    for (absl::string_view line : absl::StrSplit(tls_.key_pem, '\n')) {
      if (line.size() >= 40 && !absl::StartsWith(line, "-----")) canaries_.emplace_back(line);
    }
    std::ofstream(dir_ + "/server.crt") << tls_.cert_pem;
    volume_.Swap({{"tls.key", tls_.key_pem},
                  {"page-key", kPageTokenKey},
                  {"batch-tokens", TokenHash(kBearerToken)}});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The first canary found in `text`, or "".
  std::string FindCanary(const std::string& text) const {
    for (const std::string& canary : canaries_) {
      if (absl::StrContains(text, canary)) return canary;
    }
    return "";
  }

  std::string dir_;
  std::vector<std::string> canaries_;
  sandbox::TestCa::Leaf tls_;
  SecretVolume volume_;
};

// Every RPC once against `integration`, and Evaluate once per scenario of `module`.
void Exercise(GatewayHarness& harness, const std::string& integration,
              const sandbox::SandboxVendor& module, const std::string& example_request,
              std::string* seen) {
  auto& evaluation = harness.evaluation();
  auto& admin = harness.admin();
  auto context = [] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    return c;
  };
  {
    fpgw::v1::EvaluateRequest request;
    (void)google::protobuf::util::JsonStringToMessage(example_request, &request);
    request.set_integration(integration);
    request.set_view(fpgw::v1::EVALUATION_VIEW_FULL);
    fpgw::v1::EvaluateResponse response;
    absl::StrAppend(seen, Seen(evaluation.Evaluate(context().get(), request, &response), response));
  }
  for (const std::string& scenario : module.ScenarioNames()) {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(absl::StrCat("sandbox-", scenario, "-1"));
    fpgw::v1::EvaluateResponse response;
    absl::StrAppend(seen, Seen(evaluation.Evaluate(context().get(), request, &response), response));
  }
  {
    fpgw::v1::SearchEvaluationsRequest request;
    request.set_integration(integration);
    request.set_page_size(1);
    request.mutable_filter()->set_visitor_id("visitorCanary0000001");
    fpgw::v1::SearchEvaluationsResponse response;
    absl::StrAppend(
        seen, Seen(evaluation.SearchEvaluations(context().get(), request, &response), response));
    if (!response.next_page_token().empty()) {
      request.set_page_token(response.next_page_token());
      absl::StrAppend(
          seen, Seen(evaluation.SearchEvaluations(context().get(), request, &response), response));
    }
  }
  {
    fpgw::v1::ListDeviceEvaluationsRequest request;
    request.set_integration(integration);
    request.set_device("visitorCanary0000002");
    fpgw::v1::ListDeviceEvaluationsResponse response;
    absl::StrAppend(
        seen,
        Seen(evaluation.ListDeviceEvaluations(context().get(), request, &response), response));
  }
  {
    fpgw::v1::ListRelatedDevicesRequest request;
    request.set_integration(integration);
    request.set_device_id("visitorCanary0000003");
    fpgw::v1::ListRelatedDevicesResponse response;
    absl::StrAppend(
        seen, Seen(evaluation.ListRelatedDevices(context().get(), request, &response), response));
  }
  {
    fpgw::v1::SetRuleRequest request;
    request.set_integration(integration);
    request.mutable_rule()->set_identifier_type(fpgw::v1::RULE_IDENTIFIER_TYPE_VISITOR_ID);
    request.mutable_rule()->set_identifier("visitor-canary");
    request.mutable_rule()->set_action(fpgw::v1::ACTION_BLOCK);
    fpgw::v1::SetRuleResponse response;
    absl::StrAppend(seen, Seen(admin.SetRule(context().get(), request, &response), response));
    fpgw::v1::ListRulesRequest list;
    list.set_integration(integration);
    fpgw::v1::ListRulesResponse rules;
    absl::StrAppend(seen, Seen(admin.ListRules(context().get(), list, &rules), rules));
  }
  {
    fpgw::v1::SetVerdictReasonOverrideRequest request;
    request.set_integration(integration);
    request.set_verdict_reason("VIRTUAL_MACHINE");
    request.set_override_action(fpgw::v1::ACTION_ALLOW);
    fpgw::v1::SetVerdictReasonOverrideResponse response;
    absl::StrAppend(
        seen, Seen(admin.SetVerdictReasonOverride(context().get(), request, &response), response));
    fpgw::v1::ListVerdictReasonsRequest list;
    list.set_integration(integration);
    fpgw::v1::ListVerdictReasonsResponse reasons;
    absl::StrAppend(seen, Seen(admin.ListVerdictReasons(context().get(), list, &reasons), reasons));
  }
  {
    fpgw::v1::UpdateEventRequest request;
    request.set_integration(integration);
    request.set_event_id("1760000000123.canary");
    request.set_suspect(true);
    fpgw::v1::UpdateEventResponse response;
    absl::StrAppend(seen, Seen(admin.UpdateEvent(context().get(), request, &response), response));
    fpgw::v1::DeleteDeviceDataRequest remove;
    remove.set_integration(integration);
    remove.set_device_id("visitorCanary0000004");
    fpgw::v1::DeleteDeviceDataResponse removed;
    absl::StrAppend(seen, Seen(admin.DeleteDeviceData(context().get(), remove, &removed), removed));
  }
}

TEST_F(CanaryTest, NoSecretReachesALogAnErrorOrAResponse) {
  GatewayHarnessOptions options;
  for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
    options.credentials[std::string(module->info().name)] = CanaryCredential(*module);
  }
  std::string seen;
  CapturedOutput output(dir_);
  {
    auto harness = GatewayHarness::Start(
        [&](GatewayConfigBuilder& config) {
          config.SetSecretDirectory(volume_.path());
          auto& bearer =
              config.AddListener("127.0.0.1:0", {fpgw::config::v1::CALLER_AUTHENTICATION_BEARER});
          bearer.mutable_tls()->set_cert_file(dir_ + "/server.crt");
          bearer.mutable_tls()->mutable_key()->set_file("tls.key");
          auto& app = config.AddCaller("app", "acme");
          app.set_local(true);
          app.add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
          app.add_services(fpgw::config::v1::CALLER_SERVICE_ADMIN);
          config.AddCaller("batch", "acme").mutable_bearer_token_sha256()->set_file("batch-tokens");
          config.EditServer([](fpgw::config::v1::Server& server) {
            auto* key = server.mutable_page_tokens()->add_keys();
            key->set_id("k1");
            key->mutable_key()->set_file("page-key");
          });
          for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
            for (const sandbox::SandboxIntegration& integration : module->info().integrations) {
              const std::string name(integration.name);
              config.AddIntegration(name, name, WithTimeout(absl::Seconds(1)));
              if (integration.uses_credential) {
                config.AddIntegration(name + "-wrong", name, WithWrongCredential());
              }
            }
          }
        },
        options);
    ASSERT_TRUE(harness.ok()) << output.Stop() << harness.status();
    for (const sandbox::SandboxVendor* module : sandbox::SandboxVendors()) {
      for (const sandbox::SandboxIntegration& integration : module->info().integrations) {
        const std::string name(integration.name);
        const std::string example(integration.example_request);
        Exercise(**harness, name, *module, example, &seen);
        if (integration.uses_credential) {
          Exercise(**harness, name + "-wrong", *module, example, &seen);
        }
      }
    }
    // The bearer listener over TLS: the right token, and the right token's neighbours.
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadTextFile(dir_ + "/server.crt");
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto stub = fpgw::v1::EvaluationService::NewStub(grpc::CreateCustomChannel(
        (*harness)->gateway().listening()[1], grpc::SslCredentials(tls), args));
    for (const std::string& token :
         {std::string(kBearerToken), absl::StrCat(kBearerToken, "0"), std::string(kPageTokenKey)}) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
      fpgw::v1::EvaluateRequest request;
      request.set_token("1760000000123.canary");
      fpgw::v1::EvaluateResponse response;
      absl::StrAppend(&seen, Seen(stub->Evaluate(&context, request, &response), response));
    }
  }  // The gateway drains and stops: its last log lines are written.
  const std::string logs = output.Stop();

  std::printf(
      "canary: %zu secrets looked for in %zu bytes of logs and %zu bytes of answers to "
      "%d calls\n",
      canaries_.size(), logs.size(), seen.size(), g_calls);
  ASSERT_NE(logs.find("\"msg\""), std::string::npos) << "no log line was captured";
  ASSERT_NE(logs.find("\"log\":\"audit\""), std::string::npos) << "no audit line was captured";
  EXPECT_EQ(FindCanary(logs), "") << "a secret in the log or audit output";
  EXPECT_EQ(FindCanary(seen), "") << "a secret in an answer to a caller";
  // The calls did reach every path: errors and successes alike.
  EXPECT_THAT(seen, ::testing::HasSubstr("VENDOR_CREDENTIAL_REJECTED"));
  EXPECT_THAT(seen, ::testing::HasSubstr("VENDOR_RATE_LIMITED"));
  EXPECT_THAT(seen, ::testing::HasSubstr("identity"));
}

// A command's standard output and error.
std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST_F(CanaryTest, NoSecretReachesCheckConfigNormalizeOrReflection) {
  const char* binary = std::getenv("FPGW_BINARY");
  ASSERT_NE(binary, nullptr) << "FPGW_BINARY names the fpgw binary (set by CMake)";
  // check-config of a config that references every canary, valid and not.
  const sandbox::SandboxVendor& module = *sandbox::SandboxVendors().front();
  setenv("FPGW_CANARY_KEY", CanaryCredential(module).c_str(), 1);
  const std::string config = dir_ + "/fpgw.yaml";
  std::ofstream(config) << absl::StrCat(
      "server:\n"
      "  listeners: [{address: \"127.0.0.1:0\", authentication: [local]}]\n"
      "  callers: [{name: app, tenant: acme, local: true}]\n"
      "  page_tokens: {keys: [{id: k1, key: {file: page-key}}]}\n"
      "secret_stores: {directory: ",
      volume_.path(),
      "}\n"
      "tenants:\n"
      "  - name: acme\n"
      "    integrations:\n"
      "      - {name: fp, vendor: fingerprint, credential: {env: FPGW_CANARY_KEY}}\n");
  std::string outputs = RunCommand(absl::StrCat(binary, " check-config ", config));
  EXPECT_THAT(outputs, ::testing::HasSubstr("OK"));
  std::ofstream(dir_ + "/bad.yaml") << absl::StrCat("tenants: [{name: \"", kPageTokenKey, "\"}]\n");
  absl::StrAppend(&outputs, RunCommand(absl::StrCat(binary, " check-config ", dir_, "/bad.yaml")));
  // Serving that config: its start and stop logs.
  absl::StrAppend(&outputs,
                  RunCommand(absl::StrCat("timeout -s INT 3 ", binary, " --config=", config)));
  EXPECT_THAT(outputs, ::testing::HasSubstr("\"msg\":\"serving\""));
  // normalize of a payload, of a payload holding a canary, and of garbage.
  const std::string payload = dir_ + "/payload.json";
  std::ofstream(payload) << absl::StrCat("{\"error\":\"", CanaryCredential(module), "\"}");
  absl::StrAppend(&outputs, RunCommand(absl::StrCat(binary, " normalize ", payload)));
  absl::StrAppend(&outputs,
                  RunCommand(absl::StrCat(binary, " normalize ", std::getenv("FPGW_TESTDATA"),
                                          "/fingerprint_v4/event_mobile_vpn.json")));
  EXPECT_EQ(FindCanary(outputs), "") << outputs;

  // Reflection, as grpcurl asks it.
  const char* tools = std::getenv("FPGW_TOOLS_BIN");
  const std::string grpcurl = tools == nullptr ? "" : std::string(tools) + "/grpcurl";
  if (grpcurl.empty() || !std::filesystem::exists(grpcurl)) {
    GTEST_SKIP() << "grpcurl is not installed (scripts/setup.sh installs it): reflection unchecked";
  }
  GatewayHarnessOptions options;
  options.credentials[std::string(module.info().name)] = CanaryCredential(module);
  auto harness = GatewayHarness::Start(
      [&](GatewayConfigBuilder& c) {
        c.AddIntegration("fp", std::string(module.info().integrations.front().name));
      },
      options);
  ASSERT_TRUE(harness.ok()) << harness.status();
  const std::string address = (*harness)->gateway().listening().front();
  std::string reflection = RunCommand(absl::StrCat(grpcurl, " -plaintext ", address, " list"));
  for (const char* symbol : {"fpgw.v1.EvaluationService", "fpgw.v1.AdminService",
                             "fpgw.v1.Evaluation", "grpc.health.v1.Health"}) {
    absl::StrAppend(&reflection, RunCommand(absl::StrCat(grpcurl, " -plaintext ", address,
                                                         " describe ", symbol)));
  }
  EXPECT_THAT(reflection, ::testing::HasSubstr("rpc Evaluate"));
  EXPECT_EQ(FindCanary(reflection), "");
}

}  // namespace
}  // namespace fpgw::security
