// cside's config rules, through the config loader with every vendor's rules (as in the binary):
// a credential is required unless the integration asks for cside's public endpoints
// (`cside.public_mode`), which then take none; and its settings.
#include "config/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/config_problems.h"

namespace fpgw::vendors::cside {
namespace {

using ::fpgw::testing::ParseIntegrations;
using ::fpgw::testing::ProblemPaths;

TEST(CsideConfig, PublicModeIsExplicitAndTakesNoCredential) {
  fpgw::config::v1::Config config;
  const auto problems = ParseIntegrations(R"(
      - {name: cside-public, vendor: cside, cside: {public_mode: true, pending_policy: CSIDE_PENDING_POLICY_RETURN_PENDING}}
      - {name: cside-keyed, vendor: cside, credential: {env: CSIDE_KEY}, cside: {poll_initial_delay: 50ms}}
      - {name: cside-forgotten-key, vendor: cside}
      - {name: cside-public-with-key, vendor: cside, credential: {env: CSIDE_KEY}, cside: {public_mode: true}}
      - {name: fp, vendor: fingerprint}
)",
                                          &config);
  // A forgotten credential is a config error, never a silent switch to the public endpoints; a
  // credential that public mode would not use is one too.
  EXPECT_THAT(ProblemPaths(problems),
              ::testing::UnorderedElementsAre("tenants[0].integrations[2].credential",
                                              "tenants[0].integrations[3].credential",
                                              "tenants[0].integrations[4].credential"))
      << config::FormatProblems(problems);
  const auto& public_cside = config.tenants(0).integrations(0);
  EXPECT_FALSE(public_cside.has_credential());
  EXPECT_TRUE(public_cside.cside().public_mode());
  EXPECT_EQ(public_cside.cside().pending_policy(),
            fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING);
  EXPECT_EQ(config.tenants(0).integrations(1).cside().poll_initial_delay().nanos(), 50000000);
}

}  // namespace
}  // namespace fpgw::vendors::cside
