// Stytch's config rules, through the config loader with every vendor's rules (as in the binary):
// a credential is required, its settings belong to Stytch integrations only, and the deprecated
// integration-level region is not one of its settings.
#include "config/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/config_problems.h"

namespace fpgw::vendors::stytch {
namespace {

using ::fpgw::testing::ParseIntegrations;
using ::fpgw::testing::ProblemPaths;
using ::testing::UnorderedElementsAre;

TEST(StytchConfig, NeedsACredentialAndReadsItsSettings) {
  fpgw::config::v1::Config config;
  const auto problems = ParseIntegrations(R"(
      - {name: st, vendor: stytch}
      - {name: st-get, vendor: stytch, credential: {env: K}, stytch: {lookup_method: get}}
)",
                                          &config);
  EXPECT_THAT(ProblemPaths(problems), UnorderedElementsAre("tenants[0].integrations[0].credential"))
      << config::FormatProblems(problems);
  EXPECT_EQ(config.tenants(0).integrations(1).api_version(), "v1");
  EXPECT_EQ(config.tenants(0).integrations(1).stytch().lookup_method(),
            fpgw::config::v1::STYTCH_LOOKUP_METHOD_GET);
}

TEST(StytchConfig, SettingsBelongToStytchAndTheRegionIsNotOne) {
  fpgw::config::v1::Config config;
  const auto problems = ParseIntegrations(R"(
      - {name: b, vendor: fingerprint, credential: {env: K}, stytch: {}}
      - {name: x, vendor: stytch, region: eu, credential: {env: K}}
)",
                                          &config);
  EXPECT_THAT(ProblemPaths(problems), UnorderedElementsAre("tenants[0].integrations[0].stytch",
                                                           "tenants[0].integrations[1].region"))
      << config::FormatProblems(problems);
}

}  // namespace
}  // namespace fpgw::vendors::stytch
