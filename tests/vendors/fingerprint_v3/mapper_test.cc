// Fingerprint v3 mapping on the project's own fixtures (tests/testdata/fingerprint_v3), and the
// conformance run over every v3 example the vendor publishes (FPGW_VENDOR_REFERENCE_DIR; skipped
// when absent): each file is classified by name and must normalise, or map through the error
// table, as documented.
#include "vendors/fingerprint_v3/mapper.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/vendor_reference.h"
#include "vendors/common/vendor_errors.h"
#include "vendors/fingerprint_common/admin.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

using ::fpgw::testing::DriftPaths;
using ::fpgw::testing::ReadFile;

std::string Fixture(const std::string& name) {
  return ::fpgw::testing::TestdataFile("fingerprint_v3/" + name);
}

std::vector<std::string> FailedSignals(const fpgw::v1::Evaluation& e) {
  std::vector<std::string> names;
  for (const auto& f : e.signal_failures()) names.push_back(f.signal());
  return names;
}

TEST(FingerprintV3Mapper, MapsEveryGroupOfAFullEvent) {
  MapOptions options;
  options.region = "ap";
  options.integration = "fp3";
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(Fixture("event_full.json"), options);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial());
  EXPECT_TRUE(e->drift().empty()) << e->drift(0).path();
  EXPECT_TRUE(e->signal_failures().empty());

  const auto& src = e->source();
  EXPECT_EQ(src.vendor(), fpgw::v1::VENDOR_FINGERPRINT);
  EXPECT_EQ(src.api_version(), "v3");
  EXPECT_EQ(src.region(), "ap");
  EXPECT_EQ(src.integration(), "fp3");
  EXPECT_EQ(src.payload_kind(), fpgw::v1::PAYLOAD_KIND_LOOKUP);
  EXPECT_EQ(src.status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(src.vendor_request_id(), "1760000000123.v3AbCd");
  EXPECT_EQ(src.event_time().seconds(), 1760000000);
  EXPECT_EQ(src.event_time().nanos(), 123000000);
  EXPECT_GT(src.fetch_time().seconds(), 0);

  const auto& id = e->identity();
  EXPECT_EQ(id.device_id(), "v3vis00000000000A1b2");
  EXPECT_EQ(id.event_id(), "1760000000123.v3AbCd");
  EXPECT_EQ(id.linked_id(), "account-3301");
  EXPECT_EQ(id.environment_id(), "ae_test_v3");
  EXPECT_DOUBLE_EQ(id.confidence(), 0.88);
  EXPECT_EQ(id.confidence_version(), "v1.1");
  EXPECT_EQ(id.confidence_comment(), "incognito detected");
  ASSERT_EQ(e->client().sdk_integrations_size(), 1);
  EXPECT_EQ(e->client().sdk_integrations(0).name(), "fingerprint-pro-vue");
  EXPECT_FALSE(e->client().sdk_integrations(0).has_subintegration());
  EXPECT_EQ(id.returning_visitor(), fpgw::v1::TRISTATE_TRUE);
  // First/last seen come from the ISO-8601 `global` values.
  EXPECT_EQ(id.first_seen_time().seconds(), 1749981600);
  EXPECT_EQ(id.first_seen_time().nanos(), 250000000);
  EXPECT_EQ(id.last_seen_time().seconds(), 1759999800);
  // The subscription's own times: a null one stays unknown.
  EXPECT_EQ(TimeUtil::ToString(id.subscription_first_seen_time()), "2025-06-16T10:00:00Z");
  EXPECT_FALSE(id.has_subscription_last_seen_time());
  EXPECT_EQ(e->signals().high_activity_daily_requests(), 42);
  EXPECT_EQ(id.tags().fields().at("flow").string_value(), "login");
  EXPECT_DOUBLE_EQ(id.tags().fields().at("attempt").number_value(), 2);
  EXPECT_EQ(id.proximity().id(), "prox_v3_77");
  EXPECT_EQ(id.proximity().precision_radius_meters(), 175);
  EXPECT_DOUBLE_EQ(id.proximity().confidence(), 0.5);
  EXPECT_FALSE(id.has_high_recall_id());

  // v3 has no rules: no verdict.
  EXPECT_EQ(e->verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);

  const auto& s = e->signals();
  EXPECT_EQ(s.bot().result(), fpgw::v1::BOT_RESULT_GOOD);
  EXPECT_EQ(s.bot().type(), "googlebot");
  EXPECT_EQ(s.suspect_score(), 17);
  EXPECT_EQ(s.suspect(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.vpn().signal().confidence(), fpgw::v1::CONFIDENCE_LEVEL_MEDIUM);
  EXPECT_DOUBLE_EQ(s.vpn().signal().score(), 0.71);
  EXPECT_EQ(s.vpn().origin_country(), "US");
  EXPECT_EQ(s.vpn().origin_timezone(), "America/Chicago");
  EXPECT_THAT(s.vpn().methods(), ElementsAre("timezone_mismatch", "os_mismatch", "ml_prediction"));
  EXPECT_EQ(s.proxy().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.proxy().signal().confidence(), fpgw::v1::CONFIDENCE_LEVEL_LOW);
  EXPECT_EQ(s.proxy().type(), "data_center");
  EXPECT_EQ(s.proxy().last_seen_time().seconds(), 1759320000);
  EXPECT_EQ(s.tor().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.ip_blocklist_email_spam().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.ip_blocklist_attack_source().detected(), fpgw::v1::TRISTATE_FALSE);
  // The incognito Smart Signal overrides identification's own flag.
  EXPECT_EQ(s.incognito().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.tampering().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.tampering().signal().confidence(), fpgw::v1::CONFIDENCE_LEVEL_HIGH);
  EXPECT_DOUBLE_EQ(s.tampering().signal().score(), 0.91);
  EXPECT_DOUBLE_EQ(s.tampering().anomaly_score(), 0.77);
  EXPECT_EQ(s.tampering().anti_detect_browser(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.virtual_machine().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_DOUBLE_EQ(s.virtual_machine().score(), 0.66);
  EXPECT_EQ(s.root_apps().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.emulator().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.cloned_app().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.jailbroken().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.frida().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.privacy_settings().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.high_activity().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.location_spoofing().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.developer_tools().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.mitm_attack().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.rare_device().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.rare_device_percentile_bucket(), "p99.5-p99.9");
  EXPECT_EQ(s.replayed().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.factory_reset_time().seconds(), 1735787045);
  // The datacenter verdict of the address the event came from (IPv6 here).
  EXPECT_EQ(s.datacenter().detected(), fpgw::v1::TRISTATE_TRUE);
  // v3 has no simulator or active-call signal: unknown, never false.
  EXPECT_EQ(s.simulator().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(s.active_call().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);

  // Velocity: v3 names and intervals → the v4 mapping's keys.
  std::vector<std::string> keys;
  for (const auto& [key, counts] : s.velocity()) keys.push_back(key);
  EXPECT_THAT(keys,
              UnorderedElementsAreArray({"distinct_ip", "distinct_linked_id", "distinct_country",
                                         "events", "ip_events", "distinct_ip_by_linked_id",
                                         "distinct_visitor_id_by_linked_id"}));
  EXPECT_EQ(s.velocity().at("distinct_ip").last_5_minutes(), 1);
  EXPECT_EQ(s.velocity().at("distinct_ip").last_1_hour(), 3);
  EXPECT_EQ(s.velocity().at("distinct_ip").last_24_hours(), 8);
  EXPECT_EQ(s.velocity().at("ip_events").last_24_hours(), 40);
  EXPECT_FALSE(s.velocity().at("events").has_last_24_hours());
  EXPECT_FALSE(s.velocity().at("distinct_linked_id").has_last_5_minutes());
  ASSERT_EQ(s.labels_size(), 1);
  EXPECT_EQ(s.labels(0).label(), "account_takeover");
  EXPECT_EQ(s.labels(0).prediction(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_DOUBLE_EQ(s.labels(0).score(), 0.83);

  const auto& n = e->network();
  EXPECT_EQ(n.ip_address(), "2001:db8::42");
  // The primary address is the IPv6 entry (it matches `ip`), not IPv4 nor the deprecated
  // ipLocation.
  EXPECT_EQ(n.geolocation().city(), "Lyon");
  EXPECT_EQ(n.geolocation().country_code(), "FR");
  EXPECT_EQ(n.geolocation().region(), "Auvergne-Rhone-Alpes");
  ASSERT_EQ(n.geolocation().subdivisions_size(), 2);
  EXPECT_EQ(n.geolocation().subdivisions(1).iso_code(), "69");
  EXPECT_EQ(n.geolocation().accuracy_radius_km(), 20);
  EXPECT_EQ(n.asn().number(), 64502u);
  EXPECT_EQ(n.asn().type(), "hosting");
  EXPECT_EQ(n.ipv4().address(), "198.51.100.23");
  EXPECT_EQ(n.ipv4().geolocation().city(), "Paris");
  EXPECT_EQ(n.ipv4().geolocation().continent_name(), "Europe");
  EXPECT_EQ(n.ipv4().geolocation().subdivisions(0).iso_code(), "IDF");
  EXPECT_DOUBLE_EQ(n.ipv4().geolocation().latitude(), 48.85);
  EXPECT_EQ(n.ipv4().geolocation().postal_code(), "75001");
  EXPECT_EQ(n.ipv4().asn().number(), 64501u);
  EXPECT_EQ(n.ipv4().datacenter(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(n.ipv6().datacenter(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(n.ipv6().datacenter_name(), "ExampleDC");

  const auto& c = e->client();
  EXPECT_EQ(c.browser_name(), "Firefox");
  EXPECT_EQ(c.browser_major_version(), "128");
  EXPECT_EQ(c.browser_full_version(), "128.0.3");
  EXPECT_EQ(c.os(), "Linux");
  EXPECT_EQ(c.os_version(), "6.1");
  EXPECT_EQ(c.device(), "Other");
  // Identification's user agent wins over botd's.
  EXPECT_TRUE(absl::StartsWith(c.user_agent(), "Mozilla/5.0 (X11")) << c.user_agent();
  EXPECT_EQ(c.page_url(), "https://shop.test/login");
  EXPECT_EQ(c.sdk_platform(), "js");
  EXPECT_EQ(c.sdk_version(), "3.12.1");

  EXPECT_FALSE(e->has_raw());
}

TEST(FingerprintV3Mapper, FullViewKeepsUnknownProductsAndFields) {
  MapOptions options;
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(Fixture("event_full.json"), options);
  ASSERT_TRUE(e.ok());
  const auto& products = e->raw().fields().at("products").struct_value().fields();
  EXPECT_TRUE(products.contains("sandboxFutureProduct"));
  EXPECT_TRUE(products.contains("rawDeviceAttributes"));
  EXPECT_TRUE(products.at("identification")
                  .struct_value()
                  .fields()
                  .at("data")
                  .struct_value()
                  .fields()
                  .contains("sandboxFutureField"));
}

TEST(FingerprintV3Mapper, ProductErrorsBecomeSignalFailuresOfAPartialEvaluation) {
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeEvent(Fixture("event_product_errors.json"), MapOptions());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->partial());
  EXPECT_TRUE(e->drift().empty());
  EXPECT_THAT(FailedSignals(*e), UnorderedElementsAreArray({"botd", "vpn", "ipInfo", "incognito",
                                                            "sandboxFutureProduct"}));
  for (const auto& failure : e->signal_failures()) {
    if (failure.signal() == "ipInfo") {
      EXPECT_EQ(failure.code(), "429 Too Many Requests");
      EXPECT_EQ(failure.message(), "too many requests");
    } else if (failure.signal() == "vpn") {
      EXPECT_EQ(failure.code(), "TooManyRequests");
    } else if (failure.signal() == "botd") {
      EXPECT_EQ(failure.code(), "Failed");
      EXPECT_EQ(failure.message(), "internal server error");
    }
  }
  // Failed signals stay unknown; the rest maps.
  EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e->network().has_ipv4());
  EXPECT_FALSE(e->network().has_geolocation());
  EXPECT_EQ(e->signals().tor().detected(), fpgw::v1::TRISTATE_TRUE);
  // The incognito product failed; identification's own flag is still reported.
  EXPECT_EQ(e->signals().incognito().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(e->identity().device_id(), "v3vis0000000000Err01");
  EXPECT_EQ(e->identity().returning_visitor(), fpgw::v1::TRISTATE_FALSE);
  // Null first/last seen are unknown, not drift.
  EXPECT_FALSE(e->identity().has_first_seen_time());
  EXPECT_FALSE(e->identity().has_last_seen_time());
  EXPECT_EQ(e->network().ip_address(), "203.0.113.77");
}

TEST(FingerprintV3Mapper, TypeMismatchesAndUnknownEnumsYieldDriftAndMappingGoesOn) {
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeEvent(Fixture("event_drift.json"), MapOptions());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->partial());
  const std::string id = "$.products.identification.data";
  EXPECT_THAT(DriftPaths(*e),
              UnorderedElementsAreArray(
                  {id + ".browserDetails.browserMajorVersion", id + ".incognito", id + ".timestamp",
                   id + ".tag", id + ".confidence.score", id + ".visitorFound",
                   id + ".firstSeenAt.global", std::string("$.products.botd.data.bot.result"),
                   std::string("$.products.vpn.data.confidence"),
                   std::string("$.products.suspectScore.data.result"),
                   std::string("$.products.tor"), std::string("$.products.ipInfo.data.v4.asn.asn"),
                   std::string("$.products.labels.data")}));
  EXPECT_TRUE(e->signal_failures().empty());
  // The rest still maps.
  EXPECT_EQ(e->identity().device_id(), "v3vis000000000Drift1");
  EXPECT_EQ(e->client().browser_name(), "Chrome");
  EXPECT_TRUE(e->client().browser_major_version().empty());
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(e->signals().vpn().signal().confidence(), fpgw::v1::CONFIDENCE_LEVEL_UNSPECIFIED);
  EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(e->signals().incognito().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e->signals().has_suspect_score());
  EXPECT_EQ(e->signals().proxy().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_FALSE(e->identity().has_confidence());
  // A string timestamp is drift; the ISO `time` still gives the event time.
  EXPECT_EQ(e->source().event_time().seconds(), 1760000000);
  EXPECT_EQ(e->source().event_time().nanos(), 777000000);
  EXPECT_EQ(e->network().geolocation().city(), "Nowhere");
  EXPECT_EQ(e->network().asn().name(), "X");
  EXPECT_FALSE(e->network().asn().has_number());
}

TEST(FingerprintV3Mapper, BotdFillsWhatAFailedIdentificationLeftUnknown) {
  const std::string body = R"({"products": {
      "identification": {"error": {"code": "Failed", "message": "internal server error"}},
      "botd": {"data": {"bot": {"result": "bad", "type": "selenium"}, "url": "https://a.test/",
               "ip": "192.0.2.1", "time": "2025-10-09T08:53:20Z", "userAgent": "UA",
               "linkedId": "l-1", "requestId": "1760000000000.botdId"}}}})";
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(body, MapOptions());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->partial());
  EXPECT_THAT(FailedSignals(*e), ElementsAre("identification"));
  EXPECT_EQ(e->identity().event_id(), "1760000000000.botdId");
  EXPECT_EQ(e->source().vendor_request_id(), "1760000000000.botdId");
  EXPECT_TRUE(e->identity().device_id().empty());
  EXPECT_EQ(e->identity().linked_id(), "l-1");
  EXPECT_EQ(e->source().event_time().seconds(), 1760000000);
  EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_BAD);
  EXPECT_EQ(e->signals().bot().type(), "selenium");
  EXPECT_EQ(e->client().user_agent(), "UA");
  EXPECT_EQ(e->client().page_url(), "https://a.test/");
  EXPECT_EQ(e->network().ip_address(), "192.0.2.1");
}

TEST(FingerprintV3Mapper, RejectsBodiesThatAreNotEvents) {
  for (const std::string& body :
       {std::string("<html><body>502 Bad Gateway</body></html>"),
        std::string("{\"products\": {\"identification\": "), std::string(""),
        std::string("[1,2,3]"), std::string("null"), std::string("{}"),
        std::string("{\"products\": []}"), std::string(200000, '[')}) {
    EXPECT_FALSE(NormalizeEvent(body, MapOptions()).ok()) << body.substr(0, 40);
  }
}

TEST(FingerprintV3Mapper, OutOfRangeTimestampIsDriftNotAnInvalidTimestamp) {
  const std::string body = R"({"products": {"identification": {"data": {
      "visitorId": "v", "requestId": "r", "timestamp": 9223372036854775807,
      "time": "2025-10-09T08:53:20Z"}}}})";
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(body, MapOptions());
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(DriftPaths(*e), Contains("$.products.identification.data.timestamp"));
  EXPECT_EQ(e->source().event_time().seconds(), 1760000000);
}

TEST(FingerprintV3Mapper, SearchMapsEveryHitAndThePaginationKey) {
  const std::string event = Fixture("event_full.json");
  const std::string body =
      absl::StrCat("{\"events\": [", event, ",", event, ", 5], \"paginationKey\": \"1759\"}");
  absl::StatusOr<SearchResult> result = NormalizeSearch(body, MapOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->evaluations.size(), 3u);
  EXPECT_EQ(result->evaluations[0].source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
  EXPECT_EQ(result->evaluations[1].identity().device_id(), "v3vis00000000000A1b2");
  EXPECT_TRUE(result->evaluations[2].partial());
  EXPECT_THAT(DriftPaths(result->evaluations[2]), ElementsAre("$.events[2]"));
  EXPECT_EQ(result->pagination_key, "1759");

  // A numeric key (a timestamp) still pages; no events is an empty last page.
  result = NormalizeSearch("{\"events\": [], \"paginationKey\": 1760000000123}", MapOptions());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->pagination_key, "1760000000123");
  result = NormalizeSearch("{}", MapOptions());
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->evaluations.empty());
  EXPECT_TRUE(result->pagination_key.empty());
  EXPECT_FALSE(NormalizeSearch("{\"events\": {}}", MapOptions()).ok());
  EXPECT_FALSE(NormalizeSearch("[]", MapOptions()).ok());
}

TEST(FingerprintV3Mapper, VisitsBecomeHistoryEntriesOfTheRootVisitor) {
  absl::StatusOr<VisitsResult> result = NormalizeVisits(Fixture("visits.json"), MapOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->visitor_id, "v3visHistory00000001");
  EXPECT_EQ(result->pagination_key, "1760000001000.vsit01");
  ASSERT_EQ(result->evaluations.size(), 2u);
  for (const auto& e : result->evaluations) {
    EXPECT_EQ(e.identity().device_id(), "v3visHistory00000001");
    EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY);
    EXPECT_EQ(e.source().api_version(), "v3");
    EXPECT_FALSE(e.partial()) << e.drift(0).path();
  }
  const auto& first = result->evaluations[0];
  EXPECT_EQ(first.identity().event_id(), "1760000009000.vsit02");
  EXPECT_EQ(first.identity().linked_id(), "account-9");
  EXPECT_EQ(first.identity().tags().fields().at("page").string_value(), "account");
  EXPECT_DOUBLE_EQ(first.identity().confidence(), 0.99);
  EXPECT_EQ(first.identity().first_seen_time().seconds(), 1735689600);
  EXPECT_EQ(first.identity().last_seen_time().seconds(), 1759996800);
  EXPECT_EQ(first.source().event_time().seconds(), 1760000009);
  EXPECT_EQ(first.signals().incognito().detected(), fpgw::v1::TRISTATE_TRUE);
  // A visit's only geolocation is the deprecated ipLocation.
  EXPECT_EQ(first.network().ip_address(), "198.51.100.200");
  EXPECT_EQ(first.network().geolocation().city(), "Amsterdam");
  EXPECT_EQ(first.network().geolocation().country_code(), "NL");
  EXPECT_EQ(first.network().geolocation().region(), "North Holland");
  EXPECT_EQ(first.client().browser_name(), "Edge");
  EXPECT_EQ(first.client().page_url(), "https://shop.test/account");
  // Visits carry no Smart Signals: unknown.
  EXPECT_EQ(first.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(first.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  const auto& second = result->evaluations[1];
  EXPECT_FALSE(second.network().has_geolocation());
  EXPECT_FALSE(second.identity().has_last_seen_time());

  EXPECT_FALSE(NormalizeVisits("{\"visitorId\": \"x\"}", MapOptions()).ok());
  result =
      NormalizeVisits("{\"visits\": [{\"requestId\": \"r\", \"timestamp\": 1}]}", MapOptions());
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(DriftPaths(result->evaluations[0]), Contains("$.visitorId"));
}

TEST(FingerprintV3Mapper, WebhookFlatShapeMapsLikeAnEvent) {
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeWebhook(Fixture("webhook.json"), MapOptions());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial()) << e->drift(0).path();
  EXPECT_EQ(e->source().payload_kind(), fpgw::v1::PAYLOAD_KIND_WEBHOOK);
  EXPECT_EQ(e->source().event_time().seconds(), 1760000004);
  const auto& id = e->identity();
  EXPECT_EQ(id.device_id(), "v3visWebhook00000044");
  EXPECT_EQ(id.event_id(), "1760000004444.whook1");
  EXPECT_EQ(id.environment_id(), "ae_webhook");
  EXPECT_EQ(id.linked_id(), "signup-44");
  EXPECT_EQ(id.tags().fields().at("campaign").string_value(), "autumn");
  EXPECT_EQ(id.confidence_version(), "v1.1");
  EXPECT_EQ(id.returning_visitor(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(id.high_recall_id().device_id(), "v3visWebhookHR000044");
  EXPECT_EQ(id.high_recall_id().returning(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_DOUBLE_EQ(id.high_recall_id().confidence(), 0.7);
  EXPECT_EQ(id.high_recall_id().first_seen_time().seconds(), 1756684800);
  EXPECT_EQ(id.proximity().precision_radius_meters(), 65);
  const auto& s = e->signals();
  EXPECT_EQ(s.bot().result(), fpgw::v1::BOT_RESULT_NOT_DETECTED);
  EXPECT_EQ(s.incognito().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.tor().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.vpn().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_TRUE(s.vpn().methods().empty());
  EXPECT_EQ(s.tampering().anti_detect_browser(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.suspect_score(), 3);
  EXPECT_EQ(s.velocity().at("events").last_1_hour(), 1);
  EXPECT_EQ(s.rare_device_percentile_bucket(), "<p95");
  EXPECT_EQ(s.replayed().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.datacenter().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(e->client().referrer(), "https://search.test/?q=shop");
  EXPECT_EQ(e->client().sdk_version(), "3.12.1");
  EXPECT_EQ(e->network().geolocation().country_code(), "NO");
  EXPECT_EQ(e->network().geolocation().region(), "Oslo County");
  EXPECT_EQ(e->network().asn().number(), 64510u);
  EXPECT_FALSE(NormalizeWebhook("[]", MapOptions()).ok());
}

TEST(FingerprintV3Mapper, RelatedVisitorsAndBothErrorBodyShapes) {
  absl::StatusOr<std::vector<std::string>> ids = NormalizeRelatedVisitors(
      R"({"relatedVisitors": [{"visitorId": "a1"}, {"other": 1}, {"visitorId": "b2"}]})");
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre("a1", "b2"));
  EXPECT_FALSE(NormalizeRelatedVisitors("{}").ok());
  ids = NormalizeRelatedVisitors(Fixture("related_visitors.json"));
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("v3visRelated00000001", "v3visRelated00000002"));

  absl::StatusOr<ErrorBody> body =
      ParseErrorBody(R"({"error": {"code": "StateNotReady", "message": "try again"}})");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->code, "StateNotReady");
  EXPECT_EQ(body->message, "try again");
  EXPECT_FALSE(body->plain);
  body = ParseErrorBody(R"({"error": "too many requests"})");
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(body->plain);
  EXPECT_EQ(body->code, "");
  EXPECT_EQ(body->message, "too many requests");
  for (const char* bad : {"{}", "{\"error\": 5}", "{\"error\": {\"message\": \"x\"}}", "<html>"}) {
    EXPECT_FALSE(ParseErrorBody(bad).ok()) << bad;
  }
}

// --- Conformance against the vendor's published examples (read in place, never copied). ---

struct ReferenceFile {
  std::string name;
  std::string path;
};

std::vector<ReferenceFile> ReferenceFiles() {
  std::vector<ReferenceFile> files;
  for (std::string& path : ::fpgw::testing::VendorReferenceFiles("fingerprint_v3_")) {
    files.push_back({path.substr(path.rfind('/') + 1), std::move(path)});
  }
  return files;
}

// The HTTP status in a file name such as `fingerprint_v3_errors_403_wrong_region.json`.
int StatusInName(const std::string& name, const std::string& prefix) {
  return std::atoi(name.substr(prefix.size(), 3).c_str());
}

// How many `products.<x>` of an EventsGetResponse carry `error`.
int ProductsWithError(const rapidjson::Value& response) {
  int count = 0;
  auto products = response.FindMember("products");
  if (products == response.MemberEnd() || !products->value.IsObject()) return 0;
  for (const auto& product : products->value.GetObject()) {
    if (product.value.IsObject() && product.value.HasMember("error")) ++count;
  }
  return count;
}

// Checks one v3 error body answered with `http_status` against its documented mapping.
void CheckErrorBody(const std::string& text, int http_status) {
  absl::StatusOr<ErrorBody> body = ParseErrorBody(text);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->plain, body->code.empty());
  VendorHttpError error{"fingerprint", http_status, body->code, std::nullopt};
  if (http_status == 429) error.retry_after = absl::Seconds(7);
  const absl::Status status = MapVendorHttpError(error, ErrorTable());
  absl::StatusCode want_code = absl::StatusCode::kUnknown;
  fpgw::v1::ErrorReason want_reason = fpgw::v1::ERROR_REASON_UNSPECIFIED;
  switch (http_status) {
    case 400:
      want_code = absl::StatusCode::kInvalidArgument;
      want_reason = fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST;
      break;
    case 403:
      want_code = absl::StatusCode::kFailedPrecondition;
      if (body->code == "WrongRegion") {
        want_reason = fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION;
      } else if (body->code == "FeatureNotEnabled" || body->code == "SubscriptionNotActive") {
        want_reason = fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED;
      } else {
        // TokenRequired, TokenNotFound, WorkspaceScopedSecretKeyRequired, and the plain body.
        want_reason = fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED;
      }
      break;
    case 404:
      want_code = absl::StatusCode::kNotFound;
      want_reason = fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND;
      break;
    case 409:
      want_code = absl::StatusCode::kUnavailable;
      want_reason = fpgw::v1::ERROR_REASON_NOT_READY;
      break;
    case 429:
      want_code = absl::StatusCode::kResourceExhausted;
      want_reason = fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED;
      break;
    default:
      FAIL() << "no documented mapping for HTTP " << http_status;
  }
  EXPECT_EQ(status.code(), want_code) << status;
  EXPECT_EQ(ReasonOf(status), want_reason) << status;
  EXPECT_EQ(MetadataOf(status, "vendor"), "fingerprint");
  EXPECT_EQ(MetadataOf(status, "vendor_code"), body->code);
  if (http_status == 429) {
    EXPECT_EQ(RetryDelayOf(status), absl::Seconds(7)) << "Retry-After must win";
  } else {
    EXPECT_EQ(RetryDelayOf(status).has_value(), want_code == absl::StatusCode::kUnavailable);
  }
  // No vendor body text in the caller-facing message.
  EXPECT_FALSE(absl::StrContains(status.message(), body->message)) << status.message();
}

std::string Base64Decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return "";
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// The vendor's sealed-result format (CONTRACTS.md §3.9): header, AES-256-GCM, raw DEFLATE.
std::optional<std::string> Unseal(const std::string& sealed, const std::string& key) {
  const std::string header = "\x9E\x85\xDC\xED";
  if (sealed.size() < header.size() + 12 + 16 || sealed.compare(0, 4, header) != 0 ||
      key.size() != 32) {
    return std::nullopt;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data() + 4);
  const auto* cipher = nonce + 12;
  const int cipher_len = static_cast<int>(sealed.size() - 4 - 12 - 16);
  std::string tag = sealed.substr(sealed.size() - 16);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  std::string compressed(static_cast<size_t>(cipher_len), '\0');
  int len = 0;
  int final_len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(compressed.data()), &len,
                        cipher, cipher_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(compressed.data()) + len,
                          &final_len) != 1) {
    return std::nullopt;
  }
  z_stream stream{};
  if (inflateInit2(&stream, -15) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(compressed.data());
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string plain;
  char buffer[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    plain.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return std::nullopt;
  return plain;
}

TEST(FingerprintV3Mapper, EveryErrorFamilyOfTheProjectsFixturesMapsToItsDocumentedCode) {
  std::set<int> families;
  for (const std::string& name : ::fpgw::testing::TestdataFiles("fingerprint_v3/errors")) {
    SCOPED_TRACE(name);
    families.insert(StatusInName(name, ""));
    CheckErrorBody(Fixture("errors/" + name), StatusInName(name, ""));
    EXPECT_FALSE(ParseErrorBody(Fixture("errors/" + name))->plain);
  }
  EXPECT_EQ(families, (std::set<int>{400, 403, 404, 409, 429}));
  // getVisits answers with the plain shape; the status alone decides.
  std::set<int> plain_families;
  for (const std::string& name : ::fpgw::testing::TestdataFiles("fingerprint_v3/visits_errors")) {
    SCOPED_TRACE(name);
    plain_families.insert(StatusInName(name, ""));
    CheckErrorBody(Fixture("visits_errors/" + name), StatusInName(name, ""));
    EXPECT_TRUE(ParseErrorBody(Fixture("visits_errors/" + name))->plain);
  }
  EXPECT_EQ(plain_families, (std::set<int>{400, 403, 429}));
}

TEST(FingerprintV3VendorReference, EveryPublishedExampleNormalisesOrMapsAsDocumented) {
  FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
  const std::vector<ReferenceFile> files = ReferenceFiles();
  int events = 0, visits = 0, errors = 0, plain_errors = 0, related = 0, searches = 0, webhooks = 0,
      update_bodies = 0, sealed = 0;
  for (const ReferenceFile& file : files) {
    SCOPED_TRACE(file.name);
    const std::string text = ReadFile(file.path);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    ASSERT_FALSE(doc.HasParseError());
    const std::string& name = file.name;

    if (absl::StartsWith(name, "fingerprint_v3_get_event_200")) {
      ++events;
      absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(text, MapOptions());
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_TRUE(e->drift().empty()) << e->drift(0).path();
      // Every product with `error` is a named signal failure; the evaluation says it is partial.
      const int failed = ProductsWithError(doc);
      EXPECT_EQ(e->signal_failures_size(), failed);
      EXPECT_EQ(e->partial(), failed > 0);
      for (const auto& failure : e->signal_failures()) {
        EXPECT_FALSE(failure.code().empty()) << failure.signal();
        EXPECT_FALSE(failure.message().empty()) << failure.signal();
        // Every documented per-product code is one the error table knows.
        const absl::Status mapped =
            MapVendorHttpError({"fingerprint", 200, failure.code(), std::nullopt}, ErrorTable());
        EXPECT_NE(ReasonOf(mapped), fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID)
            << failure.code();
      }
      if (name == "fingerprint_v3_get_event_200.json") {
        EXPECT_EQ(e->identity().device_id(), "Ibk1527CUFmcnjLwIs4A9");
        EXPECT_EQ(e->identity().event_id(), "1708102555327.NLOjmg");
        EXPECT_EQ(e->identity().first_seen_time().seconds(), 1647430005);
        EXPECT_FALSE(e->identity().has_last_seen_time());
        // The subscription's own first/last seen and the SDK's integrations are not dropped.
        EXPECT_EQ(TimeUtil::ToString(e->identity().subscription_first_seen_time()),
                  "2022-03-16T11:31:01.101Z");
        EXPECT_FALSE(e->identity().has_subscription_last_seen_time());
        ASSERT_EQ(e->client().sdk_integrations_size(), 1);
        EXPECT_EQ(e->client().sdk_integrations(0).name(), "fingerprint-pro-react");
        EXPECT_EQ(e->client().sdk_integrations(0).version(), "3.11.10");
        EXPECT_EQ(e->client().sdk_integrations(0).subintegration().name(), "preact");
        EXPECT_EQ(e->client().sdk_integrations(0).subintegration().version(), "10.21.0");
        EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_NOT_DETECTED);
        EXPECT_EQ(e->signals().proxy().type(), "residential");
        EXPECT_EQ(e->signals().velocity().at("distinct_country").last_1_hour(), 2);
        EXPECT_EQ(e->network().ipv4().geolocation().city(), "Prague");
        EXPECT_EQ(e->network().ipv6().geolocation().subdivisions(0).iso_code(), "BE");
        EXPECT_EQ(e->network().ipv4().asn().number(), 7922u);
        EXPECT_EQ(e->identity().proximity().id(), "w1aTfd4MCvl");
        EXPECT_EQ(e->signals().labels_size(), 1);
        // The epoch factory reset means "never": unknown.
        EXPECT_FALSE(e->signals().has_factory_reset_time());
      } else if (absl::StrContains(name, "all_errors")) {
        EXPECT_GT(failed, 20);
        EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
        EXPECT_TRUE(e->identity().device_id().empty());
      } else if (absl::StrContains(name, "botd_error")) {
        EXPECT_THAT(FailedSignals(*e), ElementsAre("botd"));
        EXPECT_EQ(e->identity().device_id(), "Ibk1527CUFmcnjLwIs4A9");
        EXPECT_EQ(e->identity().returning_visitor(), fpgw::v1::TRISTATE_TRUE);
      } else if (absl::StrContains(name, "identification_error")) {
        EXPECT_THAT(FailedSignals(*e), ElementsAre("identification"));
        EXPECT_EQ(e->identity().event_id(), "1708683625245.tuJ4nD");
        EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_BAD);
        EXPECT_EQ(e->signals().bot().type(), "headlessChrome");
      } else if (absl::StrContains(name, "too_many_requests_error")) {
        std::vector<std::string> codes;
        for (const auto& f : e->signal_failures()) {
          codes.push_back(f.code());
          EXPECT_EQ(
              MapVendorHttpError({"fingerprint", 200, f.code(), std::nullopt}, ErrorTable()).code(),
              absl::StatusCode::kResourceExhausted);
        }
        EXPECT_THAT(codes, UnorderedElementsAreArray({"429 Too Many Requests", "TooManyRequests"}));
      } else {
        EXPECT_FALSE(e->identity().event_id().empty());
      }
    } else if (absl::StartsWith(name, "fingerprint_v3_get_visits_200")) {
      ++visits;
      absl::StatusOr<VisitsResult> result = NormalizeVisits(text, MapOptions());
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_FALSE(result->evaluations.empty());
      EXPECT_EQ(result->visitor_id, "AcxioeQKffpXF8iGQK3P");
      const auto& visits_json = doc["visits"];
      ASSERT_EQ(result->evaluations.size(), visits_json.Size());
      for (size_t i = 0; i < result->evaluations.size(); ++i) {
        const auto& e = result->evaluations[i];
        EXPECT_EQ(e.identity().device_id(), result->visitor_id);
        EXPECT_EQ(e.identity().event_id(), visits_json[i]["requestId"].GetString());
        EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY);
        EXPECT_GT(e.source().event_time().seconds(), 0);
        // A visit's geolocation is its (deprecated) ipLocation, when it has one.
        const auto location = visits_json[i].FindMember("ipLocation");
        const bool has_country =
            location != visits_json[i].MemberEnd() && location->value.HasMember("country");
        EXPECT_EQ(e.network().geolocation().country_code(),
                  has_country ? location->value["country"]["code"].GetString() : "");
        EXPECT_TRUE(e.drift().empty()) << e.drift(0).path();
      }
      if (doc.HasMember("paginationKey")) {
        EXPECT_EQ(result->pagination_key, doc["paginationKey"].GetString());
      } else {
        EXPECT_TRUE(result->pagination_key.empty());
      }
    } else if (absl::StartsWith(name, "fingerprint_v3_get_visits_")) {
      // getVisits errors: the plain `{"error": "<text>"}`; the status alone decides.
      ++plain_errors;
      CheckErrorBody(text, StatusInName(name, "fingerprint_v3_get_visits_"));
      EXPECT_TRUE(ParseErrorBody(text)->plain);
    } else if (absl::StartsWith(name, "fingerprint_v3_errors_")) {
      ++errors;
      CheckErrorBody(text, StatusInName(name, "fingerprint_v3_errors_"));
      EXPECT_FALSE(ParseErrorBody(text)->plain);
    } else if (absl::StartsWith(name, "fingerprint_v3_update_event_request_")) {
      // What fpgw sends for the same update is the documented body.
      ++update_bodies;
      fpgw::v1::UpdateEventRequest request;
      if (doc.HasMember("linkedId")) request.set_linked_id(doc["linkedId"].GetString());
      if (doc.HasMember("tag")) JsonToStruct(doc["tag"], request.mutable_tags());
      if (doc.HasMember("suspect")) request.set_suspect(doc["suspect"].GetBool());
      const std::string sent = fingerprint::UpdateBody(request, fingerprint::ApiVersion::kV3);
      rapidjson::Document sent_doc;
      sent_doc.Parse(sent.data(), sent.size());
      EXPECT_TRUE(sent_doc == doc) << sent;
    } else if (absl::StartsWith(name, "fingerprint_v3_update_event_")) {
      ++errors;
      CheckErrorBody(text, StatusInName(name, "fingerprint_v3_update_event_"));
    } else if (absl::StartsWith(name, "fingerprint_v3_related_visitors_200")) {
      ++related;
      absl::StatusOr<std::vector<std::string>> ids = NormalizeRelatedVisitors(text);
      ASSERT_TRUE(ids.ok()) << ids.status();
      EXPECT_EQ(ids->size(), doc["relatedVisitors"].Size());
      if (absl::StrContains(name, "empty")) {
        EXPECT_TRUE(ids->empty());
      } else {
        EXPECT_THAT(*ids, ElementsAre("NtCUJGceWX9RpvSbhvOm", "25ee02iZwGxeyT0jMNkZ"));
      }
    } else if (absl::StartsWith(name, "fingerprint_v3_search_events_200")) {
      ++searches;
      absl::StatusOr<SearchResult> result = NormalizeSearch(text, MapOptions());
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_EQ(result->evaluations.size(), doc["events"].Size());
      EXPECT_EQ(result->pagination_key, doc["paginationKey"].GetString());
      for (const auto& e : result->evaluations) {
        EXPECT_FALSE(e.partial());
        EXPECT_FALSE(e.identity().device_id().empty());
        EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
      }
    } else if (absl::StartsWith(name, "fingerprint_v3_webhook_payload")) {
      ++webhooks;
      absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeWebhook(text, MapOptions());
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_FALSE(e->partial()) << e->drift(0).path();
      EXPECT_EQ(e->identity().device_id(), "3HNey93AkBW6CRbxV6xP");
      EXPECT_EQ(e->identity().event_id(), "Px6VxbRC6WBkA39yeNH3");
      EXPECT_EQ(e->identity().high_recall_id().device_id(), "3HNey93AkBW6CRbxV6xP");
      EXPECT_EQ(e->signals().bot().result(), fpgw::v1::BOT_RESULT_BAD);
      EXPECT_EQ(e->signals().bot().type(), "selenium");
      EXPECT_EQ(e->signals().location_spoofing().detected(), fpgw::v1::TRISTATE_TRUE);
      EXPECT_EQ(e->signals().suspect_score(), 0);
      EXPECT_EQ(e->client().referrer(), "https://google.com?search=banking+services");
      EXPECT_EQ(e->network().geolocation().city(), "Prague");
      EXPECT_DOUBLE_EQ(e->identity().tags().fields().at("yourCustomId").number_value(), 45321);
    } else if (absl::StartsWith(name, "fingerprint_v3_sealed_result_testvector")) {
      // A sealed v3 result decrypts to an EventsGetResponse that normalises.
      ++sealed;
      const std::string blob = Base64Decode(doc["sealed_data_base64"].GetString());
      std::optional<std::string> plain =
          Unseal(blob, Base64Decode(doc["valid_key_base64"].GetString()));
      ASSERT_TRUE(plain.has_value());
      EXPECT_FALSE(Unseal(blob, Base64Decode(doc["invalid_key_base64"].GetString())).has_value());
      MapOptions options;
      options.payload_kind = fpgw::v1::PAYLOAD_KIND_SEALED_RESULT;
      absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(*plain, options);
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_FALSE(e->identity().device_id().empty());
      EXPECT_FALSE(e->identity().event_id().empty());
      EXPECT_TRUE(e->drift().empty()) << e->drift(0).path();
    } else {
      ADD_FAILURE() << "unclassified reference file: add its documented expectation here";
    }
  }
  // Every documented kind was seen (a renamed folder would otherwise pass silently).
  EXPECT_GE(events, 5);
  EXPECT_GE(visits, 2);
  EXPECT_GE(errors, 19);
  EXPECT_GE(plain_errors, 3);
  EXPECT_EQ(related, 2);
  EXPECT_EQ(searches, 1);
  EXPECT_GE(webhooks, 2);
  EXPECT_EQ(update_bodies, 2);
  EXPECT_EQ(sealed, 1);
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v3
