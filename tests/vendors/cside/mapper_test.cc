// cside mapping on the project's own fixtures (tests/testdata/cside, written from CONTRACTS.md
// §1), and the check that ASSUMED_PATHS.md documents exactly the paths the mapper reads.
#include "vendors/cside/mapper.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::cside {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

using ::fpgw::testing::DriftPaths;
using ::fpgw::testing::ReadFile;

std::string Fixture(const std::string& name) {
  const std::string text = ::fpgw::testing::TestdataFile("cside/" + name);
  EXPECT_FALSE(text.empty()) << "missing fixture " << name;
  return text;
}

std::string ExpectedOf(const fpgw::v1::Evaluation& e, const std::string& path) {
  for (const auto& d : e.drift()) {
    if (d.path() == path) return d.expected();
  }
  return "";
}

MapOptions Options() {
  MapOptions options;
  options.integration = "cs";
  options.fetch_time = absl::FromUnixMillis(1779441700000);
  return options;
}

TEST(CsideMapper, MapsEveryAssumedPathOfACompletedPayload) {
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeVerify(Fixture("verify_completed.json"), Options());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial());
  EXPECT_THAT(DriftPaths(*e), ElementsAre());

  const auto& source = e->source();
  EXPECT_EQ(source.vendor(), fpgw::v1::VENDOR_CSIDE);
  EXPECT_EQ(source.api_version(), "v2");
  EXPECT_EQ(source.integration(), "cs");
  EXPECT_EQ(source.status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(source.payload_kind(), fpgw::v1::PAYLOAD_KIND_LOOKUP);
  EXPECT_EQ(source.event_time().seconds(), 1779441600);
  EXPECT_EQ(source.event_time().nanos(), 123000000);
  EXPECT_EQ(source.update_time().seconds(), 1779441601);
  EXPECT_EQ(source.update_time().nanos(), 456000000);
  EXPECT_EQ(source.fetch_time().seconds(), 1779441700);

  const auto& id = e->identity();
  EXPECT_EQ(id.device_id(), "fp_8c1d2e3f4a5b6c7d");
  EXPECT_DOUBLE_EQ(id.confidence(), 0.93);
  EXPECT_EQ(id.first_seen_time().seconds(), 1775000000);
  EXPECT_EQ(id.last_seen_time().seconds(), 1779441000);
  EXPECT_EQ(id.external_ids().at("accountId"), "acct-1007");
  EXPECT_EQ(id.external_ids().at("orderId"), "ord-55");

  const auto& network = e->network();
  EXPECT_EQ(network.ip_address(), "203.0.113.77");
  EXPECT_EQ(network.asn().number(), 64501u);
  EXPECT_EQ(network.asn().name(), "Example Transit s.r.o.");
  const auto& geo = network.geolocation();
  EXPECT_EQ(geo.country_code(), "CZ");
  EXPECT_EQ(geo.country_name(), "Czechia");
  EXPECT_EQ(geo.region(), "Prague");
  EXPECT_EQ(geo.city(), "Prague");
  EXPECT_EQ(geo.postal_code(), "110 00");
  EXPECT_DOUBLE_EQ(geo.latitude(), 50.0875);
  EXPECT_DOUBLE_EQ(geo.longitude(), 14.4213);
  EXPECT_EQ(geo.timezone(), "Europe/Prague");

  const auto& signals = e->signals();
  EXPECT_EQ(signals.vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(signals.proxy().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(signals.tor().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(signals.datacenter().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(signals.bot().result(), fpgw::v1::BOT_RESULT_NOT_DETECTED);
  EXPECT_EQ(signals.incognito().detected(), fpgw::v1::TRISTATE_FALSE);
  // Not reported by cside (or not assumed): unknown, never false.
  EXPECT_EQ(signals.emulator().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(signals.has_suspect_score());

  const auto& client = e->client();
  EXPECT_EQ(client.browser_name(), "Firefox");
  EXPECT_EQ(client.browser_full_version(), "131.0.2");
  EXPECT_EQ(client.os(), "Linux");
  EXPECT_EQ(client.os_version(), "6.8");
  EXPECT_EQ(client.device(), "desktop");
  EXPECT_THAT(client.user_agent(), ::testing::StartsWith("Mozilla/5.0 (X11; Linux"));

  EXPECT_FALSE(e->has_raw()) << "raw only with the full view";
}

TEST(CsideMapper, FullViewKeepsEveryFieldInRaw) {
  MapOptions options = Options();
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeVerify(Fixture("verify_completed.json"), options);
  ASSERT_TRUE(e.ok());
  const auto& raw = e->raw().fields();
  // Unmapped fields and unknown blocks survive.
  EXPECT_EQ(
      raw.at("future_block").struct_value().fields().at("anything").list_value().values_size(), 3);
  EXPECT_DOUBLE_EQ(raw.at("bot").struct_value().fields().at("score").number_value(), 0.04);
  EXPECT_EQ(raw.at("vpn_evaluation").struct_value().fields().at("provider_hint").string_value(),
            "corp");
  EXPECT_DOUBLE_EQ(raw.at("created_at").number_value(), 1779441600123.0);
}

TEST(CsideMapper, PendingPayloadHasOnlySource) {
  MapOptions options = Options();
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeVerify(Fixture("verify_pending.json"), options);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_EQ(e->source().vendor(), fpgw::v1::VENDOR_CSIDE);
  EXPECT_FALSE(e->has_identity());
  EXPECT_FALSE(e->has_signals());
  EXPECT_FALSE(e->has_network());
  EXPECT_FALSE(e->partial());
  EXPECT_EQ(e->raw().fields().at("status").string_value(), "pending");

  const fpgw::v1::Evaluation bare = PendingEvaluation(Options());
  EXPECT_EQ(bare.source().status(), fpgw::v1::EVALUATION_STATUS_PENDING);
  EXPECT_EQ(bare.source().api_version(), "v2");
}

TEST(CsideMapper, MinimalPayloadLeavesEverythingUnknown) {
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeVerify(Fixture("verify_minimal.json"), Options());
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->partial());
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_TRUE(e->identity().device_id().empty());
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_FALSE(e->network().geolocation().has_latitude());
}

TEST(CsideMapper, TypeChangesAreDriftNeverFailures) {
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeVerify(Fixture("verify_drift.json"), Options());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->partial());
  EXPECT_THAT(
      DriftPaths(*e),
      UnorderedElementsAre("$.status", "$.created_at", "$.updated_at", "$.fingerprint.id",
                           "$.fingerprint.confidence", "$.geo_data", "$.ip_enrichment.asn",
                           "$.ip_enrichment.is_datacenter", "$.vpn_evaluation.is_vpn", "$.bot.type",
                           "$.network_client_metrics", "$.external_ids.attempt"));
  EXPECT_EQ(ExpectedOf(*e, "$.geo_data"), "object");
  EXPECT_EQ(ExpectedOf(*e, "$.created_at"), "integer Unix milliseconds");
  EXPECT_EQ(ExpectedOf(*e, "$.fingerprint.confidence"), "number in [0, 1]");
  // An unknown status word on a 200 is still a completed evaluation.
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_FALSE(e->source().has_event_time());
  // The next row for the same field wins when the first has the wrong type.
  EXPECT_EQ(e->identity().device_id(), "dev_fallback_01");
  EXPECT_FALSE(e->identity().has_confidence());
  EXPECT_EQ(e->network().ip_address(), "198.51.100.9");
  EXPECT_FALSE(e->network().asn().has_number());
  EXPECT_EQ(e->signals().datacenter().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->signals().tor().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_BAD);
  EXPECT_EQ(e->identity().external_ids().at("accountId"), "acct-9");
  EXPECT_EQ(e->identity().external_ids().count("attempt"), 0u);
}

TEST(CsideMapper, OddBodiesNeverCrash) {
  for (const char* body :
       {"", "null", "[]", "42", "\"pending\"", "{\"status\":", "<html></html>",
        "{\"status\": null, \"fingerprint\": null, \"geo_data\": {}}",
        "{\"geo_data\": {\"latitude\": 1e400}}",
        "{\"geo_data\": {\"latitude\": 91, \"longitude\": -181}}",
        "{\"ip_enrichment\": {\"asn\": 99999999999}}", "{\"fingerprint\": {\"first_seen_at\": -5}}",
        "{\"fingerprint\": {\"first_seen_at\": 999999999999999999}}"}) {
    SCOPED_TRACE(body);
    absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeVerify(body, Options());
    if (e.ok()) {
      EXPECT_EQ(e->source().vendor(), fpgw::v1::VENDOR_CSIDE);
      EXPECT_FALSE(e->network().geolocation().has_latitude());
      EXPECT_FALSE(e->network().asn().has_number());
      EXPECT_FALSE(e->identity().has_first_seen_time());
    } else {
      EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  // Deep nesting is read iteratively and cut off in raw.
  std::string deep = "{\"future\":";
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  deep += "}";
  MapOptions options = Options();
  options.include_raw = true;
  EXPECT_TRUE(NormalizeVerify(deep, options).ok());
}

TEST(CsideMapper, GeoCountryIsACodeOnlyWhenItIsTwoLetters) {
  absl::StatusOr<fpgw::v1::Evaluation> code =
      NormalizeVerify(R"({"geo_data": {"country": "de"}})", Options());
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->network().geolocation().country_code(), "DE");
  EXPECT_TRUE(code->network().geolocation().country_name().empty());
  absl::StatusOr<fpgw::v1::Evaluation> name = NormalizeVerify(
      R"({"geo_data": {"country": "Germany", "country_name": "ignored"}})", Options());
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->network().geolocation().country_name(), "Germany");
  EXPECT_TRUE(name->network().geolocation().country_code().empty());
  absl::StatusOr<fpgw::v1::Evaluation> asn =
      NormalizeVerify(R"({"ip_enrichment": {"asn": 13335}})", Options());
  ASSERT_TRUE(asn.ok());
  EXPECT_EQ(asn->network().asn().number(), 13335u);
}

TEST(CsideMapper, DeviceEntriesFollowNextOffsetAndInheritTheDeviceId) {
  absl::StatusOr<DeviceEntriesPage> page =
      NormalizeDeviceEntries(Fixture("entries_first.json"), Options());
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->device_id, "dev_3f9a0c11");
  EXPECT_EQ(page->next_cursor, "3");
  EXPECT_TRUE(page->drift.empty());
  ASSERT_EQ(page->evaluations.size(), 3u);
  for (const auto& e : page->evaluations) {
    EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY);
    EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_CSIDE);
  }
  // Newest first, as cside sends them.
  EXPECT_GT(page->evaluations[0].source().event_time().seconds(),
            page->evaluations[1].source().event_time().seconds());
  EXPECT_EQ(page->evaluations[0].identity().device_id(), "dev_3f9a0c11");
  EXPECT_EQ(page->evaluations[0].network().geolocation().country_code(), "DE");
  EXPECT_EQ(page->evaluations[1].signals().vpn().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  // A non-object entry is a drifted evaluation, not a failed page.
  EXPECT_TRUE(page->evaluations[2].partial());
  EXPECT_THAT(DriftPaths(page->evaluations[2]), ElementsAre("$.entries[2]"));

  absl::StatusOr<DeviceEntriesPage> last =
      NormalizeDeviceEntries(Fixture("entries_last.json"), Options());
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->next_cursor.empty());
  EXPECT_TRUE(last->drift.empty());
  ASSERT_EQ(last->evaluations.size(), 1u);
}

TEST(CsideMapper, DeviceEntriesNeverLoopOrCrashOnOddPagination) {
  struct Case {
    const char* body;
    const char* cursor;
    const char* drift;
  };
  const Case cases[] = {
      {R"({"entries": [], "offset": 10, "next_offset": 10, "has_more": true})", "",
       "$.next_offset"},
      {R"({"entries": [], "offset": 0, "has_more": true})", "", "$.next_offset"},
      {R"({"entries": [], "offset": 0, "next_offset": "5", "has_more": true})", "",
       "$.next_offset"},
      {R"({"entries": [], "offset": 0, "next_offset": 5})", "5", "$.has_more"},
      {R"({"entries": [], "offset": 0, "next_offset": 5, "has_more": "yes"})", "5", "$.has_more"},
      {R"({"entries": [], "device_id": 7, "has_more": false})", "", "$.device_id"},
      {R"({"entries": [], "offset": -1, "limit": "500", "has_more": false})", "", "$.offset"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    absl::StatusOr<DeviceEntriesPage> page = NormalizeDeviceEntries(c.body, Options());
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->next_cursor, c.cursor);
    std::vector<std::string> paths;
    for (const auto& d : page->drift) paths.push_back(d.path());
    EXPECT_THAT(paths, ::testing::Contains(c.drift));
  }
  for (const char* body : {"", "[]", "{}", R"({"entries": {}})", "<html>"}) {
    EXPECT_EQ(NormalizeDeviceEntries(body, Options()).status().code(),
              absl::StatusCode::kInvalidArgument)
        << body;
  }
}

TEST(CsideMapper, ErrorCodesAreReadOnlyWhenTheyLookLikeCodes) {
  EXPECT_EQ(ReadErrorCode(R"({"error_message": "token_not_found"})"), "token_not_found");
  EXPECT_EQ(ReadErrorCode(R"({"error": "rate_limited"})"), "rate_limited");
  EXPECT_EQ(ReadErrorCode(R"({"error_message": "Invalid API key for team 42"})"), "");
  EXPECT_EQ(ReadErrorCode(R"({"error": "see https://cside.example/x"})"), "");
  EXPECT_EQ(ReadErrorCode(R"({"error": {"code": "x"}})"), "");
  EXPECT_EQ(ReadErrorCode(absl::StrCat(R"({"error": ")", std::string(65, 'a'), "\"}")), "");
  EXPECT_EQ(ReadErrorCode("<html>502</html>"), "");
  EXPECT_EQ(ReadErrorCode(""), "");
}

TEST(CsideMapper, EveryErrorFamilyOfTheProjectsFixturesMapsToItsDocumentedCode) {
  // File name: <HTTP status>_<endpoint>_<what>.json; the code is read only when it looks like one.
  struct Want {
    std::string vendor_code;
    absl::StatusCode code;
  };
  const std::map<std::string, Want> want = {
      {"401_verify_unauthorized.json", {"unauthorized", absl::StatusCode::kFailedPrecondition}},
      {"404_verify_token_not_found.json", {"token_not_found", absl::StatusCode::kNotFound}},
      {"429_entries_rate_limited.json", {"rate_limited", absl::StatusCode::kResourceExhausted}},
      {"500_verify_free_text.json", {"", absl::StatusCode::kUnavailable}},
  };
  const std::vector<std::string> names = ::fpgw::testing::TestdataFiles("cside/errors");
  ASSERT_EQ(names.size(), want.size());
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    ASSERT_EQ(want.count(name), 1u);
    const std::string code = ReadErrorCode(Fixture("errors/" + name));
    EXPECT_EQ(code, want.at(name).vendor_code);
    const absl::Status status =
        MapVendorHttpError({"cside", std::atoi(name.substr(0, 3).c_str()), code, std::nullopt});
    EXPECT_EQ(status.code(), want.at(name).code) << status;
    EXPECT_FALSE(absl::StrContains(status.message(), "team 42")) << status.message();
  }
}

TEST(CsideMapper, ClientIdIsPlainText) {
  EXPECT_EQ(*ParseClientId("fp_8c1d2e3f4a5b6c7d\n"), "fp_8c1d2e3f4a5b6c7d");
  for (const char* body : {"", "  \n", "two words", "{\"id\":\"x\"}", "<html>", "\"quoted\""}) {
    EXPECT_FALSE(ParseClientId(body).ok()) << body;
  }
  EXPECT_FALSE(ParseClientId(std::string(300, 'a')).ok());
}

// ASSUMED_PATHS.md must list exactly kAssumedPaths, in order, with the same type and field.
TEST(CsideMapper, AssumedPathsDocMatchesTheCode) {
  const std::string doc = ::fpgw::testing::TestdataFile("../../src/vendors/cside/ASSUMED_PATHS.md");
  ASSERT_FALSE(doc.empty());
  std::vector<std::string> documented;
  bool in_table = false;
  for (absl::string_view line : absl::StrSplit(doc, '\n')) {
    if (absl::StartsWith(line, "| assumed path |")) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (!absl::StartsWith(line, "|")) break;
    if (absl::StartsWith(line, "|---")) continue;
    std::vector<absl::string_view> cells = absl::StrSplit(line, " | ");
    ASSERT_GE(cells.size(), 3u) << line;
    absl::string_view path = absl::StripPrefix(cells[0], "| ");
    path = absl::StripSuffix(absl::StripPrefix(path, "`"), "`");
    absl::string_view field = absl::StripSuffix(absl::StripPrefix(cells[2], "`"), "`");
    documented.push_back(absl::StrCat(path, " | ", cells[1], " | ", field));
  }
  std::vector<std::string> coded;
  for (const AssumedPath& row : AssumedPaths()) {
    coded.push_back(
        absl::StrCat(row.path, " | ", TypeName(row.type), " | ", FieldDescription(row)));
  }
  EXPECT_EQ(documented, coded);
}

}  // namespace
}  // namespace fpgw::vendors::cside
