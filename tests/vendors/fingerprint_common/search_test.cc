// The Fingerprint search parameter table (v3 and v4) and the update bodies, shared by both
// adapters.
#include "vendors/fingerprint_common/search.h"

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vendors/fingerprint_common/admin.h"

namespace fpgw::vendors::fingerprint {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(FingerprintSearch, EveryFilterOfTheApiIsInTheTable) {
  // A filter added to SearchFilter must say which versions send it, or it would be refused.
  EXPECT_THAT(FiltersWithoutParameter(), IsEmpty());
}

TEST(FingerprintSearch, LimitIsAlwaysSentAndClamped) {
  const fpgw::v1::SearchFilter none;
  EXPECT_THAT(SearchParams(none, ApiVersion::kV3, 0, "").value(), ElementsAre(Pair("limit", "10")));
  EXPECT_THAT(SearchParams(none, ApiVersion::kV4, 1000, "1759").value(),
              ElementsAre(Pair("limit", "100"), Pair("pagination_key", "1759")));
}

TEST(FingerprintSearch, V3SendsEveryFilterItHasAsTheVendorNamesIt) {
  fpgw::v1::SearchFilter f;
  f.set_visitor_id("vis1");
  f.set_bot(fpgw::v1::BOT_FILTER_BAD);
  f.set_ip_address("192.0.2.0/24");
  f.set_linked_id("acct");
  f.set_start_time_ms(1);
  f.set_end_time_ms(2);
  f.set_reverse(true);
  f.set_suspect(false);
  f.set_vpn(true);
  f.set_virtual_machine(true);
  f.set_tampering(true);
  f.set_anti_detect_browser(true);
  f.set_incognito(true);
  f.set_privacy_settings(true);
  f.set_jailbroken(true);
  f.set_frida(true);
  f.set_factory_reset(true);
  f.set_cloned_app(true);
  f.set_emulator(true);
  f.set_root_apps(true);
  f.set_vpn_confidence("high");
  f.set_min_suspect_score(5);
  f.set_developer_tools(true);
  f.set_location_spoofing(true);
  f.set_mitm_attack(true);
  f.set_rare_device(true);
  f.set_proxy(true);
  f.set_sdk_version("3.12.1");
  f.set_sdk_platform("js");
  f.add_environment("env_a");
  f.add_environment("env_b");
  f.set_proximity_id("prox");
  f.set_ip_blocklist(true);
  f.set_datacenter(false);
  f.set_rare_device_percentile_bucket("p99+");
  f.set_proximity_precision_radius(450);
  absl::StatusOr<QueryParams> params = SearchParams(f, ApiVersion::kV3, 25, "");
  ASSERT_TRUE(params.ok()) << params.status();
  const QueryParams& p = *params;
  EXPECT_EQ(p.size(), 37u);
  for (const auto& expected : QueryParams{{"limit", "25"},
                                          {"visitor_id", "vis1"},
                                          {"bot", "bad"},
                                          {"ip_address", "192.0.2.0/24"},
                                          {"linked_id", "acct"},
                                          {"start", "1"},
                                          {"end", "2"},
                                          {"reverse", "true"},
                                          {"suspect", "false"},
                                          {"vpn", "true"},
                                          {"virtual_machine", "true"},
                                          {"tampering", "true"},
                                          {"anti_detect_browser", "true"},
                                          {"incognito", "true"},
                                          {"privacy_settings", "true"},
                                          {"jailbroken", "true"},
                                          {"frida", "true"},
                                          {"factory_reset", "true"},
                                          {"cloned_app", "true"},
                                          {"emulator", "true"},
                                          {"root_apps", "true"},
                                          {"vpn_confidence", "high"},
                                          {"min_suspect_score", "5"},
                                          {"developer_tools", "true"},
                                          {"location_spoofing", "true"},
                                          {"mitm_attack", "true"},
                                          {"rare_device", "true"},
                                          {"proxy", "true"},
                                          {"sdk_version", "3.12.1"},
                                          {"sdk_platform", "js"},
                                          {"environment", "env_a"},
                                          {"environment", "env_b"},
                                          {"proximity_id", "prox"},
                                          {"ip_blocklist", "true"},
                                          {"datacenter", "false"},
                                          {"rare_device_percentile_bucket", "p99+"},
                                          {"proximity_precision_radius", "450"}}) {
    EXPECT_THAT(p, Contains(expected)) << expected.first;
  }
}

TEST(FingerprintSearch, V4SendsItsOwnFiltersIncludingRepeatedOnes) {
  fpgw::v1::SearchFilter f;
  f.set_high_recall_id("hr1");
  f.set_bot(fpgw::v1::BOT_FILTER_GOOD);
  f.set_url("https://shop.test");
  f.set_asn("64500");
  f.set_tor_node(false);
  f.set_bot_info("all");
  f.add_bot_info_category("ai_agent");
  f.add_bot_info_category("crawler");
  f.set_total_hits(100);
  f.set_source("edge");
  absl::StatusOr<QueryParams> p = SearchParams(f, ApiVersion::kV4, 5, "");
  ASSERT_TRUE(p.ok()) << p.status();
  for (const auto& expected : QueryParams{{"high_recall_id", "hr1"},
                                          {"bot", "good"},
                                          {"url", "https://shop.test"},
                                          {"asn", "64500"},
                                          {"tor_node", "false"},
                                          {"bot_info", "all"},
                                          {"bot_info_category", "ai_agent"},
                                          {"bot_info_category", "crawler"},
                                          {"total_hits", "100"},
                                          {"source", "edge"}}) {
    EXPECT_THAT(*p, Contains(expected)) << expected.first;
  }
}

// A filter a version lacks is refused naming it: dropping it would widen the caller's search.
void ExpectRefused(ApiVersion version, void (*set)(fpgw::v1::SearchFilter*), const char* field) {
  fpgw::v1::SearchFilter f;
  set(&f);
  const absl::StatusOr<QueryParams> params = SearchParams(f, version, 10, "");
  EXPECT_EQ(params.status().code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(MetadataOf(params.status(), "field"), field);
}

TEST(FingerprintSearch, FiltersV3LacksAreRefusedNotIgnored) {
  using F = fpgw::v1::SearchFilter;
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_high_recall_id("x"); }, "filter.high_recall_id");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_url("https://a"); }, "filter.url");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_origin("https://a"); }, "filter.origin");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_asn("64500"); }, "filter.asn");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_tor_node(false); }, "filter.tor_node");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_simulator(true); }, "filter.simulator");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_active_call(true); }, "filter.active_call");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->add_bot_info_name("x"); }, "filter.bot_info_name");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_bundle_id("x"); }, "filter.bundle_id");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_total_hits(10); }, "filter.total_hits");
  ExpectRefused(
      ApiVersion::kV3, [](F* f) { f->set_source("edge"); }, "filter.source");
}

TEST(FingerprintSearch, FiltersV4LacksAreRefusedNotIgnored) {
  using F = fpgw::v1::SearchFilter;
  ExpectRefused(
      ApiVersion::kV4, [](F* f) { f->set_ip_blocklist(true); }, "filter.ip_blocklist");
  ExpectRefused(
      ApiVersion::kV4, [](F* f) { f->set_datacenter(true); }, "filter.datacenter");
  ExpectRefused(
      ApiVersion::kV4, [](F* f) { f->set_proximity_precision_radius(10); },
      "filter.proximity_precision_radius");
}

TEST(FingerprintAdmin, UpdateBodyHasOnlyTheFieldsTheCallerSetNamedPerVersion) {
  fpgw::v1::UpdateEventRequest request;
  request.set_linked_id("acct-1");
  EXPECT_EQ(UpdateBody(request, ApiVersion::kV3), R"({"linkedId":"acct-1"})");
  EXPECT_EQ(UpdateBody(request, ApiVersion::kV4), R"({"linked_id":"acct-1"})");
  request.set_suspect(true);
  (*request.mutable_tags()->mutable_fields())["k"].set_string_value("v");
  EXPECT_EQ(UpdateBody(request, ApiVersion::kV3),
            R"({"linkedId":"acct-1","tag":{"k":"v"},"suspect":true})");
  EXPECT_EQ(UpdateBody(request, ApiVersion::kV4),
            R"({"linked_id":"acct-1","tags":{"k":"v"},"suspect":true})");
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint
