// Log lines: JSON with typed fields, level filtering, and lines that are never filtered.
#include "telemetry/log.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace fpgw::telemetry {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([this](absl::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    SetLogSink(nullptr);
    SetLogLevel(LogLevel::kInfo);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesStringsAndNumbersAsJson) {
  Log(LogLevel::kInfo, "rpc", {{"method", "/a/B"}, {"vendor_requests", int64_t{2}}, {"ms", 1.5}});
  ASSERT_EQ(lines_.size(), 1u);
  rapidjson::Document line;
  ASSERT_FALSE(line.Parse(lines_[0].c_str()).HasParseError()) << lines_[0];
  EXPECT_STREQ(line["level"].GetString(), "info");
  EXPECT_STREQ(line["msg"].GetString(), "rpc");
  EXPECT_STREQ(line["method"].GetString(), "/a/B");
  EXPECT_EQ(line["vendor_requests"].GetInt64(), 2);
  EXPECT_DOUBLE_EQ(line["ms"].GetDouble(), 1.5);
}

TEST_F(LogTest, FiltersByLevelUnlessUnfiltered) {
  SetLogLevel(LogLevel::kError);
  EXPECT_FALSE(LogEnabled(LogLevel::kWarning));
  Log(LogLevel::kWarning, "dropped");
  EXPECT_TRUE(lines_.empty());
  LogUnfiltered(LogLevel::kWarning, "kept");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_THAT(lines_[0], ::testing::HasSubstr("\"msg\":\"kept\""));
}

}  // namespace
}  // namespace fpgw::telemetry
