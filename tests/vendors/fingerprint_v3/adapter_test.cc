// Fingerprint v3 request building that is v3's own: the visits query (CONTRACTS.md §3.2 getVisits:
// `request_id`, `linked_id`, `limit` — default 100, max 500 —, `paginationKey`, and the deprecated
// `before`). (The search query and the update body are shared with v4:
// tests/vendors/fingerprint_common/search_test.cc; the calls are tested against the sandbox in
// gateway_test.cc.)
#include "vendors/fingerprint_v3/adapter.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(FingerprintV3Adapter, VisitsPageSizeZeroLeavesTheVendorsDefault) {
  // No `limit`: the vendor applies its own default (100), as page_size 0 promises.
  absl::StatusOr<http::QueryParams> params = FingerprintV3Adapter::VisitsParams({}, 0, "");
  ASSERT_TRUE(params.ok());
  EXPECT_THAT(*params, IsEmpty());
}

TEST(FingerprintV3Adapter, VisitsPageWithLimitAndPaginationKey) {
  EXPECT_THAT(*FingerprintV3Adapter::VisitsParams({}, 900, "1760000001000.vsit01"),
              ElementsAre(Pair("limit", "500"), Pair("paginationKey", "1760000001000.vsit01")));
}

TEST(FingerprintV3Adapter, VisitsFiltersAreSentAsTheVendorNamesThem) {
  fpgw::v1::DeviceHistoryFilter filter;
  filter.set_event_id("1760000001000.vsit01");
  filter.set_linked_id("account-7");
  filter.set_before_time_ms(1760000002000);
  EXPECT_THAT(*FingerprintV3Adapter::VisitsParams(filter, 20, ""),
              ElementsAre(Pair("limit", "20"), Pair("request_id", "1760000001000.vsit01"),
                          Pair("linked_id", "account-7"), Pair("before", "1760000002000")));
}

TEST(FingerprintV3Adapter, VisitsFiltersTheVendorRefusesAreNamed) {
  fpgw::v1::DeviceHistoryFilter long_linked_id;
  long_linked_id.set_linked_id(std::string(257, 'a'));
  absl::Status status = FingerprintV3Adapter::VisitsParams(long_linked_id, 0, "").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("filter.linked_id"));
  fpgw::v1::DeviceHistoryFilter before_epoch;
  before_epoch.set_before_time_ms(0);
  EXPECT_THAT(
      std::string(FingerprintV3Adapter::VisitsParams(before_epoch, 0, "").status().message()),
      ::testing::HasSubstr("filter.before_time_ms"));
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v3
