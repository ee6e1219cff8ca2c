// FieldTable: rows are checked against the descriptor when the table is built, and applying one
// copies present values, records drift once per bad field at its JSON path, creates messages only
// for values it sets, and lets later rows win.
#include "vendors/common/field_table.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "testing/fixtures.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors {
namespace {

using ::fpgw::testing::DriftPaths;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using C = Conversion;

rapidjson::Document Parse(const char* text) {
  rapidjson::Document doc;
  doc.Parse(text);
  return doc;
}

TEST(FieldTable, RowsThatDoNotFitTheMessageAreRefusedWhenBuilt) {
  const FieldRow bad_pointer[] = {{"no-slash", "identity.device_id", C::kString}};
  EXPECT_THAT(FieldTable::Create(fpgw::v1::Evaluation::descriptor(), bad_pointer),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON pointer")));
  const FieldRow bad_field[] = {{"/a", "identity.no_such_field", C::kString}};
  EXPECT_THAT(FieldTable::Create(fpgw::v1::Evaluation::descriptor(), bad_field),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no_such_field")));
  const FieldRow through_scalar[] = {{"/a", "identity.device_id.x", C::kString}};
  EXPECT_THAT(FieldTable::Create(fpgw::v1::Evaluation::descriptor(), through_scalar),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no message")));
  const FieldRow wrong_conversion[] = {{"/a", "identity.device_id", C::kTristate}};
  EXPECT_THAT(FieldTable::Create(fpgw::v1::Evaluation::descriptor(), wrong_conversion),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not fit")));
  const FieldRow repeated[] = {{"/a", "signals.labels", C::kString}};
  EXPECT_THAT(FieldTable::Create(fpgw::v1::Evaluation::descriptor(), repeated),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FieldTable, CopiesPresentValuesWithTheirConversions) {
  constexpr FieldRow kRows[] = {
      {"/id/visitor", "identity.device_id", C::kString},
      {"/id/score", "identity.confidence", C::kNumber},
      {"/id/seen", "identity.first_seen_time", C::kMillis},
      {"/id/since", "identity.last_seen_time", C::kRfc3339},
      {"/vpn", "signals.vpn.signal.detected", C::kTristate},
      {"/vpn_confidence", "signals.vpn.signal.confidence", C::kConfidence},
      {"/score", "signals.suspect_score", C::kInteger},
      {"/asn", "network.asn.number", C::kDecimalString},
      {"/tags", "identity.tags", C::kStruct},
  };
  absl::StatusOr<FieldTable> table = FieldTable::Create(fpgw::v1::Evaluation::descriptor(), kRows);
  ASSERT_THAT(table, IsOk());
  const rapidjson::Document doc = Parse(
      R"({"id": {"visitor": "v1", "score": 0.5, "seen": 1760000000123,
                  "since": "2025-10-09T08:53:20Z"},
          "vpn": false, "vpn_confidence": "high", "score": 7, "asn": "64500",
          "tags": {"k": "v"}})");
  fpgw::v1::Evaluation e;
  table->Apply(doc, "$", &e, &e);
  EXPECT_FALSE(e.partial());
  EXPECT_EQ(e.identity().device_id(), "v1");
  EXPECT_DOUBLE_EQ(e.identity().confidence(), 0.5);
  EXPECT_EQ(e.identity().first_seen_time().seconds(), 1760000000);
  EXPECT_EQ(e.identity().first_seen_time().nanos(), 123000000);
  EXPECT_EQ(e.identity().last_seen_time().seconds(), 1760000000);
  EXPECT_EQ(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(e.signals().vpn().signal().confidence(), fpgw::v1::CONFIDENCE_LEVEL_HIGH);
  EXPECT_EQ(e.signals().suspect_score(), 7);
  EXPECT_EQ(e.network().asn().number(), 64500u);
  EXPECT_EQ(e.identity().tags().fields().at("k").string_value(), "v");
}

TEST(FieldTable, AbsentAndNullValuesLeaveFieldsAndMessagesUnset) {
  constexpr FieldRow kRows[] = {
      {"/vpn", "signals.vpn.signal.detected", C::kTristate},
      {"/geo/city", "network.geolocation.city", C::kString},
  };
  const FieldTable table = FieldTable::CreateOrDie(fpgw::v1::Evaluation::descriptor(), kRows);
  const rapidjson::Document doc = Parse(R"({"vpn": null})");
  fpgw::v1::Evaluation e;
  table.Apply(doc, "$", &e, &e);
  EXPECT_FALSE(e.has_signals());
  EXPECT_FALSE(e.has_network());
  EXPECT_TRUE(e.drift().empty());
}

TEST(FieldTable, ABadValueIsOneDriftEntryAtItsPathAndMappingGoesOn) {
  constexpr FieldRow kRows[] = {
      {"/geo/city", "network.geolocation.city", C::kString},
      {"/geo/country", "network.geolocation.country_code", C::kString},
      {"/id", "identity.device_id", C::kString},
      {"/score", "signals.suspect_score", C::kInteger},
      {"/asn", "network.asn.number", C::kDecimalString},
      {"/when", "identity.last_seen_time", C::kRfc3339},
      {"/level", "signals.vpn.signal.confidence", C::kConfidence},
  };
  const FieldTable table = FieldTable::CreateOrDie(fpgw::v1::Evaluation::descriptor(), kRows);
  // `geo` is not an object: one entry for it, however many rows read through it.
  const rapidjson::Document doc = Parse(
      R"({"geo": "Berlin", "id": 5, "score": 99999999999, "asn": "AS-one", "when": "soon",
          "level": "extreme"})");
  fpgw::v1::Evaluation e;
  table.Apply(doc, "$.events[2]", &e, &e);
  EXPECT_TRUE(e.partial());
  EXPECT_THAT(DriftPaths(e),
              ElementsAre("$.events[2].geo", "$.events[2].id", "$.events[2].score",
                          "$.events[2].asn", "$.events[2].when", "$.events[2].level"));
  EXPECT_FALSE(e.has_network());
  EXPECT_FALSE(e.signals().has_suspect_score());
}

TEST(FieldTable, LaterRowsWinAndTheTargetMayBeAnyMessage) {
  constexpr FieldRow kRows[] = {
      {"/details/os", "os", C::kString},
      {"/os", "os", C::kString},
  };
  const FieldTable table = FieldTable::CreateOrDie(fpgw::v1::Client::descriptor(), kRows);
  const rapidjson::Document both = Parse(R"({"details": {"os": "Linux"}, "os": "Android"})");
  fpgw::v1::Client client;
  table.Apply(both, "$", &client, nullptr);
  EXPECT_EQ(client.os(), "Android");
  const rapidjson::Document only_details = Parse(R"({"details": {"os": "Linux"}})");
  client.Clear();
  table.Apply(only_details, "$", &client, nullptr);
  EXPECT_EQ(client.os(), "Linux");
  EXPECT_THAT(table.pointers(), ElementsAre("/details/os", "/os"));
}

}  // namespace
}  // namespace fpgw::vendors
