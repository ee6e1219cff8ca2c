// Config parsing and validation: defaults, and every problem reported with its field path.
#include "config/config_loader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::config {
namespace {

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
  EXPECT_EQ(fp.region(), fpgw::config::v1::REGION_EU);
  EXPECT_EQ(fp.timeout().seconds(), 1);
  EXPECT_EQ(fp.timeout().nanos(), 500000000);
  EXPECT_EQ(EffectiveApiVersion(fp), "v4");
  EXPECT_EQ(SecretRefName(fp.credential()), "file:fingerprint-key");
  EXPECT_EQ(EffectiveApiVersion(config.tenants(0).integrations(1)), "v3");
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
      - {name: y, vendor: cside}
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

TEST(ConfigLoader, RejectsBrokenYamlAndEmptyFiles) {
  fpgw::config::v1::Config config;
  EXPECT_FALSE(ParseConfig("tenants: [unclosed", &config).empty());
  EXPECT_FALSE(ParseConfig("", &config).empty());
  EXPECT_FALSE(ParseConfig("- just\n- a list\n", &config).empty());
  EXPECT_FALSE(ParseConfig("tenants: 5\n", &config).empty());
}

TEST(ConfigLoader, MissingFileIsNotFound) {
  EXPECT_EQ(LoadConfigFile("/nonexistent/fpgw.yaml").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace fpgw::config
