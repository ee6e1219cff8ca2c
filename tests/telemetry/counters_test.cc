// Counter families bound the label sets that outside data can create.
#include "telemetry/counters.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace fpgw::telemetry {
namespace {

TEST(CounterFamily, CountsPerLabelSetAndFoldsTheOverflow) {
  CounterFamily family("test_total");
  family.Increment("a=\"1\"");
  family.Increment("a=\"1\"", 2);
  EXPECT_EQ(family.Value("a=\"1\""), 3u);
  for (size_t i = 0; i < CounterFamily::kMaxLabelSets + 50; ++i) {
    family.Increment(absl::StrCat("n=\"", i, "\""));
  }
  EXPECT_LE(family.Snapshot().size(), CounterFamily::kMaxLabelSets + 1);
  EXPECT_GT(family.Value(CounterFamily::kOverflowLabels), 0u);
  EXPECT_EQ(family.Total(), 3u + CounterFamily::kMaxLabelSets + 50);
}

}  // namespace
}  // namespace fpgw::telemetry
