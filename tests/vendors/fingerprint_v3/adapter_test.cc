// Fingerprint v3 request building: search and visits queries, the update body, and the search
// filters v3 lacks. (The calls themselves are tested against the sandbox in
// tests/server/fingerprint_v3_gateway_test.cc.)
#include "vendors/fingerprint_v3/adapter.h"

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Pair;
using Params = std::vector<std::pair<std::string, std::string>>;

TEST(FingerprintV3Adapter, SearchAlwaysSendsTheRequiredLimit) {
  const fpgw::v1::SearchFilter none;
  EXPECT_THAT(FingerprintV3Adapter::SearchParams(none, 0, ""), ElementsAre(Pair("limit", "10")));
  EXPECT_THAT(FingerprintV3Adapter::SearchParams(none, 1000, "1759"),
              ElementsAre(Pair("limit", "100"), Pair("pagination_key", "1759")));
}

TEST(FingerprintV3Adapter, SearchSendsEveryV3Filter) {
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
  ASSERT_TRUE(FingerprintV3Adapter::CheckSearchFilter(f).ok());
  const Params p = FingerprintV3Adapter::SearchParams(f, 25, "");
  EXPECT_EQ(p.size(), 33u);
  for (const auto& expected : Params{{"limit", "25"},
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
                                     {"proximity_id", "prox"}}) {
    EXPECT_THAT(p, Contains(expected)) << expected.first;
  }
}

TEST(FingerprintV3Adapter, FiltersV3LacksAreRefusedNotIgnored) {
  const auto refused = [](void (*set)(fpgw::v1::SearchFilter*), const char* field) {
    fpgw::v1::SearchFilter f;
    set(&f);
    const absl::Status status = FingerprintV3Adapter::CheckSearchFilter(f);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(MetadataOf(status, "field"), field);
  };
  refused([](fpgw::v1::SearchFilter* f) { f->set_high_recall_id("x"); }, "filter.high_recall_id");
  refused([](fpgw::v1::SearchFilter* f) { f->set_url("https://a"); }, "filter.url");
  refused([](fpgw::v1::SearchFilter* f) { f->set_origin("https://a"); }, "filter.origin");
  refused([](fpgw::v1::SearchFilter* f) { f->set_asn("64500"); }, "filter.asn");
  refused([](fpgw::v1::SearchFilter* f) { f->set_tor_node(false); }, "filter.tor_node");
  refused([](fpgw::v1::SearchFilter* f) { f->set_simulator(true); }, "filter.simulator");
  refused([](fpgw::v1::SearchFilter* f) { f->set_active_call(true); }, "filter.active_call");
}

TEST(FingerprintV3Adapter, VisitsPageWithLimitAndPaginationKey) {
  EXPECT_THAT(FingerprintV3Adapter::VisitsParams(0, ""), ElementsAre(Pair("limit", "10")));
  EXPECT_THAT(FingerprintV3Adapter::VisitsParams(900, "1760000001000.vsit01"),
              ElementsAre(Pair("limit", "500"), Pair("paginationKey", "1760000001000.vsit01")));
}

TEST(FingerprintV3Adapter, UpdateBodyHasOnlyTheFieldsTheCallerSet) {
  fpgw::v1::UpdateEventRequest request;
  request.set_linked_id("acct-1");
  EXPECT_EQ(FingerprintV3Adapter::UpdateBody(request), R"({"linkedId":"acct-1"})");
  request.set_suspect(true);
  (*request.mutable_tags()->mutable_fields())["k"].set_string_value("v");
  EXPECT_EQ(FingerprintV3Adapter::UpdateBody(request),
            R"({"linkedId":"acct-1","tag":{"k":"v"},"suspect":true})");
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v3
