// Fingerprint v3 request building that is v3's own: the visits query. (The search query and the
// update body are shared with v4: tests/vendors/fingerprint_common/search_test.cc; the calls are
// tested against the sandbox in tests/server/fingerprint_v3_gateway_test.cc.)
#include "vendors/fingerprint_v3/adapter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(FingerprintV3Adapter, VisitsPageWithLimitAndPaginationKey) {
  EXPECT_THAT(FingerprintV3Adapter::VisitsParams(0, ""), ElementsAre(Pair("limit", "10")));
  EXPECT_THAT(FingerprintV3Adapter::VisitsParams(900, "1760000001000.vsit01"),
              ElementsAre(Pair("limit", "500"), Pair("paginationKey", "1760000001000.vsit01")));
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v3
