// cside's config rules, through the config loader with every vendor's rules (as in the binary):
// the credential is optional (without one, the integration uses cside's public endpoints), and
// its settings.
#include "config/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/config_problems.h"

namespace fpgw::vendors::cside {
namespace {

using ::fpgw::testing::ParseIntegrations;
using ::fpgw::testing::ProblemPaths;

TEST(CsideConfig, CredentialIsOptionalOtherVendorsNeedOne) {
  fpgw::config::v1::Config config;
  const auto problems = ParseIntegrations(R"(
      - {name: cside-public, vendor: cside, cside: {pending_policy: CSIDE_PENDING_POLICY_RETURN_PENDING}}
      - {name: cside-keyed, vendor: cside, credential: {env: CSIDE_KEY}, cside: {poll_initial_delay: 50ms}}
      - {name: fp, vendor: fingerprint}
)",
                                          &config);
  EXPECT_THAT(ProblemPaths(problems),
              ::testing::UnorderedElementsAre("tenants[0].integrations[2].credential"))
      << config::FormatProblems(problems);
  const auto& public_cside = config.tenants(0).integrations(0);
  EXPECT_FALSE(public_cside.has_credential());
  EXPECT_EQ(public_cside.cside().pending_policy(),
            fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING);
  EXPECT_EQ(config.tenants(0).integrations(1).cside().poll_initial_delay().nanos(), 50000000);
}

}  // namespace
}  // namespace fpgw::vendors::cside
