// Fingerprint's config rules (v3 and v4), through the config loader with every vendor's rules (as
// in the binary): its API versions, and the region, which moved from the integration to
// fingerprint.region.
#include "config/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/config_problems.h"

namespace fpgw::vendors::fingerprint {
namespace {

using ::fpgw::testing::ParseIntegrations;
using ::fpgw::testing::ProblemPaths;

TEST(FingerprintConfig, SettingsAndVersionsAreCheckedAndTheRegionMoved) {
  fpgw::config::v1::Config config;
  const auto problems = ParseIntegrations(R"(
      - {name: a, vendor: fingerprint, credential: {env: K}, fingerprint: {region: REGION_AP}}
      - {name: b, vendor: fingerprint, credential: {env: K}, region: eu}
      - {name: c, vendor: fingerprint, credential: {env: K}, region: eu, fingerprint: {region: ap}}
      - {name: d, vendor: fingerprint, api_version: v9, credential: {env: K}}
      - {name: e, vendor: fingerprint, credential: {env: K}, region: eu, fingerprint: {region: eu}}
)",
                                          &config);
  EXPECT_THAT(ProblemPaths(problems),
              ::testing::UnorderedElementsAre("tenants[0].integrations[2].region",
                                              "tenants[0].integrations[3].api_version"))
      << config::FormatProblems(problems);
  EXPECT_EQ(config.tenants(0).integrations(0).fingerprint().region(), fpgw::config::v1::REGION_AP);
  // The deprecated integration-level region is read into fingerprint.region.
  EXPECT_EQ(config.tenants(0).integrations(1).fingerprint().region(), fpgw::config::v1::REGION_EU);
  EXPECT_EQ(config.tenants(0).integrations(4).fingerprint().region(), fpgw::config::v1::REGION_EU);
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint
