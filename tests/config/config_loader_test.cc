// Config parsing and validation: defaults, and every problem reported with its field path. The
// vendors' own rules come from the vendor registry, as in the binary.
#include "config/config_loader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vendors/registry.h"

namespace fpgw::config {
namespace {

std::vector<ConfigProblem> ParseConfig(absl::string_view yaml, fpgw::config::v1::Config* out) {
  return vendors::ParseConfig(yaml, out);
}

using ::testing::Contains;
using ::testing::Field;

std::vector<std::string> Paths(const std::vector<ConfigProblem>& problems) {
  std::vector<std::string> paths;
  for (const auto& p : problems) paths.push_back(p.path);
  return paths;
}

TEST(ConfigLoader, ParsesAValidConfigAndFillsDefaults) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listen: ["0.0.0.0:50051", "unix:/run/fpgw.sock"]
  drain_grace_period: 250ms
secret_stores:
  directory: /var/run/secrets/fpgw
tenants:
  - name: acme
    integrations:
      - name: fp-eu
        vendor: fingerprint
        region: eu
        credential: {file: fingerprint-key}
        timeout: 1.5s
      - name: fp-v3
        vendor: VENDOR_FINGERPRINT
        api_version: v3
        credential: {env: FP_V3_KEY}
)",
                                    &config);
  ASSERT_TRUE(problems.empty()) << FormatProblems(problems);
  EXPECT_EQ(config.server().listen_size(), 2);
  EXPECT_EQ(config.server().drain_grace_period().nanos(), 250000000);
  EXPECT_EQ(config.server().max_receive_message_bytes(), 1 << 20);
  EXPECT_EQ(config.http().max_response_bytes(), 8 << 20);
  const auto& fp = config.tenants(0).integrations(0);
  // The deprecated integration-level region is read into fingerprint.region.
  EXPECT_EQ(fp.fingerprint().region(), fpgw::config::v1::REGION_EU);
  EXPECT_EQ(fp.timeout().seconds(), 1);
  EXPECT_EQ(fp.timeout().nanos(), 500000000);
  EXPECT_EQ(fp.api_version(), "v4");
  EXPECT_EQ(SecretRefName(fp.credential()), "file:fingerprint-key");
  EXPECT_EQ(config.tenants(0).integrations(1).api_version(), "v3");
}

TEST(ConfigLoader, ReportsEveryProblemWithItsFieldPath) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listen: ["no-port"]
  colour: blue
tenants:
  - name: acme
    integrations:
      - name: fp
        vendor: fingerprnt
        timeout: soon
        credential: {env: A, file: b}
)",
                                    &config);
  const auto paths = Paths(problems);
  EXPECT_THAT(paths, Contains("server.colour"));
  EXPECT_THAT(paths, Contains("tenants[0].integrations[0].vendor"));
  EXPECT_THAT(paths, Contains("tenants[0].integrations[0].timeout"));
  EXPECT_THAT(paths, Contains("tenants[0].integrations[0].credential.file"));
}

TEST(ConfigLoader, ReportsSemanticProblems) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listen: ["localhost"]
tenants:
  - name: a
    integrations:
      - {name: x, vendor: fingerprint, api_version: v9, credential: {env: K}}
      - {name: x, vendor: stytch, region: eu, base_url: "http://evil.test", credential: {file: k}}
      - {name: y, vendor: stytch}
  - name: a
    integrations: []
)",
                                    &config);
  const auto paths = Paths(problems);
  for (const char* path :
       {"server.listen[0]", "server.tenant_header", "tenants[0].integrations[0].api_version",
        "tenants[0].integrations[1].name", "tenants[0].integrations[1].region",
        "tenants[0].integrations[1].base_url", "tenants[0].integrations[1].credential.file",
        "tenants[0].integrations[2].credential", "tenants[1].name", "tenants[1].integrations"}) {
    EXPECT_THAT(paths, Contains(path)) << FormatProblems(problems);
  }
}

TEST(ConfigLoader, CsideCredentialIsOptionalOtherVendorsNeedOne) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
tenants:
  - name: acme
    integrations:
      - {name: cside-public, vendor: cside, cside: {pending_policy: CSIDE_PENDING_POLICY_RETURN_PENDING}}
      - {name: cside-keyed, vendor: cside, credential: {env: CSIDE_KEY}, cside: {poll_initial_delay: 50ms}}
      - {name: fp, vendor: fingerprint}
      - {name: st, vendor: stytch}
)",
                                    &config);
  EXPECT_THAT(Paths(problems),
              ::testing::UnorderedElementsAre("tenants[0].integrations[2].credential",
                                              "tenants[0].integrations[3].credential"))
      << FormatProblems(problems);
  const auto& public_cside = config.tenants(0).integrations(0);
  EXPECT_FALSE(public_cside.has_credential());
  EXPECT_EQ(public_cside.cside().pending_policy(),
            fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING);
  EXPECT_EQ(config.tenants(0).integrations(1).cside().poll_initial_delay().nanos(), 50000000);
}

TEST(ConfigLoader, RejectsBrokenYamlAndEmptyFiles) {
  fpgw::config::v1::Config config;
  EXPECT_FALSE(ParseConfig("tenants: [unclosed", &config).empty());
  EXPECT_FALSE(ParseConfig("", &config).empty());
  EXPECT_FALSE(ParseConfig("- just\n- a list\n", &config).empty());
  EXPECT_FALSE(ParseConfig("tenants: 5\n", &config).empty());
}

TEST(ConfigLoader, MissingFileIsNotFound) {
  EXPECT_EQ(vendors::LoadConfigFile("/nonexistent/fpgw.yaml").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace fpgw::config

namespace fpgw::config {
namespace {

TEST(ConfigLoader, VendorSettingsBelongToTheirVendorAndTheRegionMoved) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
tenants:
  - name: acme
    integrations:
      - {name: a, vendor: fingerprint, credential: {env: K}, fingerprint: {region: REGION_AP}}
      - {name: b, vendor: fingerprint, credential: {env: K}, stytch: {}}
      - {name: c, vendor: fingerprint, credential: {env: K}, region: eu, fingerprint: {region: ap}}
      - {name: d, vendor: fingerprint, api_version: v9, credential: {env: K}}
      - {name: e, vendor: fingerprint, credential: {env: K}, region: eu, fingerprint: {region: eu}}
)",
                                    &config);
  EXPECT_THAT(Paths(problems),
              ::testing::UnorderedElementsAre("tenants[0].integrations[1].stytch",
                                              "tenants[0].integrations[2].region",
                                              "tenants[0].integrations[3].api_version"))
      << FormatProblems(problems);
  EXPECT_EQ(config.tenants(0).integrations(0).fingerprint().region(), fpgw::config::v1::REGION_AP);
  EXPECT_EQ(config.tenants(0).integrations(4).fingerprint().region(), fpgw::config::v1::REGION_EU);
}

TEST(ConfigLoader, GuardsAgainstUnsafeOrUnboundedSettings) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listen: ["0.0.0.0:50051"]
  tenant_header: x-fpgw-tenant
  drain_grace_period: 2s
  drain_delay: 5s
  page_token_key: {}
http:
  max_response_bytes: 1073741824
tenants:
  - name: a
    integrations:
      - {name: fp, vendor: fingerprint, base_url: "http://127.evil.example/v4", credential: {env: K}, timeout: inf}
      - {name: fp2, vendor: fingerprint, base_url: "http://localhost.evil/v4", credential: {env: K}, timeout: 25h}
      - {name: fp3, vendor: fingerprint, base_url: "http://127.0.0.1:8443/v4", credential: {env: K}}
)",
                                    &config);
  const auto paths = Paths(problems);
  for (const char* path :
       {"server.listen[0]", "server.drain_delay", "server.page_token_key",
        "http.max_response_bytes", "tenants[0].integrations[0].base_url",
        "tenants[0].integrations[0].timeout", "tenants[0].integrations[1].base_url",
        "tenants[0].integrations[1].timeout"}) {
    EXPECT_THAT(paths, Contains(path)) << FormatProblems(problems);
  }
  EXPECT_THAT(paths, ::testing::Not(Contains("tenants[0].integrations[2].base_url")));
}

TEST(ConfigLoader, TenantHeaderIsAcceptedBehindLocalListenersAndDrainDelayDefaults) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listen: ["127.0.0.1:50051", "unix:/run/fpgw.sock"]
  tenant_header: x-fpgw-tenant
tenants:
  - {name: a, integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
  - {name: b, integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
)",
                                    &config);
  EXPECT_TRUE(problems.empty()) << FormatProblems(problems);
  EXPECT_EQ(ToDuration(config.server().drain_delay()), absl::Seconds(1));
}

TEST(ConfigLoader, ReportsSchemaAndSemanticProblemsInOneRun) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  colour: blue
tenants:
  - {name: "bad name!", integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
)",
                                    &config);
  EXPECT_THAT(Paths(problems), Contains("server.colour"));
  EXPECT_THAT(Paths(problems), Contains("tenants[0].name"));
}

}  // namespace
}  // namespace fpgw::config
