// Fingerprint v4 mapping on the project's own fixtures (tests/testdata/fingerprint_v4), and the
// conformance run over every v4 example the vendor publishes (FPGW_VENDOR_REFERENCE_DIR).
#include "vendors/fingerprint_v4/mapper.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "fpgw/v1/evaluation_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/vendor_reference.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

using ::testing::Contains;
using ::testing::Field;

using ::fpgw::testing::DriftPaths;
using ::fpgw::testing::ReadFile;
using ::fpgw::testing::VendorReferenceFiles;

std::string Fixture(const std::string& name) {
  return ::fpgw::testing::TestdataFile("fingerprint_v4/" + name);
}

TEST(FingerprintV4Mapper, MapsEveryGroupOfAFullEvent) {
  MapOptions options;
  options.region = "eu";
  options.integration = "fp";
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeEvent(Fixture("event_mobile_vpn.json"), options);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->partial());
  EXPECT_TRUE(e->drift().empty());

  EXPECT_EQ(e->source().vendor(), fpgw::v1::VENDOR_FINGERPRINT);
  EXPECT_EQ(e->source().api_version(), "v4");
  EXPECT_EQ(e->source().region(), "eu");
  EXPECT_EQ(e->source().integration(), "fp");
  EXPECT_EQ(e->source().status(), fpgw::v1::EVALUATION_STATUS_COMPLETED);
  EXPECT_EQ(e->source().vendor_request_id(), "1760000000123.aBcDeF");
  EXPECT_EQ(e->source().event_time().seconds(), 1760000000);
  EXPECT_EQ(e->source().event_time().nanos(), 123000000);

  const auto& id = e->identity();
  EXPECT_EQ(id.device_id(), "vis0000000000000A1b2");
  EXPECT_EQ(id.event_id(), "1760000000123.aBcDeF");
  EXPECT_EQ(id.linked_id(), "account-8812");
  EXPECT_EQ(id.environment_id(), "env_test_01");
  EXPECT_DOUBLE_EQ(id.confidence(), 0.61);
  EXPECT_EQ(id.confidence_version(), "2.0");
  EXPECT_EQ(id.confidence_comment(), "low entropy");
  EXPECT_EQ(id.returning_visitor(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(id.first_seen_time().seconds(), 1750000000);
  EXPECT_EQ(id.last_seen_time().seconds(), 1759999990);
  EXPECT_EQ(id.high_recall_id().device_id(), "hr_vis0000000000000A1b2");
  EXPECT_EQ(id.high_recall_id().returning(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(id.proximity().precision_radius_meters(), 450);
  EXPECT_EQ(id.tags().fields().at("order").string_value(), "A-77");
  EXPECT_DOUBLE_EQ(id.tags().fields().at("amount").number_value(), 12.5);

  const auto& verdict = e->verdict();
  EXPECT_EQ(verdict.action(), fpgw::v1::ACTION_BLOCK);
  EXPECT_EQ(verdict.origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE);
  EXPECT_EQ(verdict.ruleset_id(), "rs_checkout");
  EXPECT_EQ(verdict.rule_id(), "r_vpn");
  EXPECT_EQ(verdict.block_status_code(), 403);
  ASSERT_EQ(verdict.headers_size(), 1);
  EXPECT_EQ(verdict.headers(0).name(), "x-blocked");
  EXPECT_EQ(verdict.block_body(), "blocked");

  const auto& s = e->signals();
  EXPECT_EQ(s.bot().result(), fpgw::v1::BOT_RESULT_BAD);
  EXPECT_EQ(s.bot().type(), "headless_chrome");
  EXPECT_EQ(s.bot().confidence(), fpgw::v1::CONFIDENCE_LEVEL_MEDIUM);
  EXPECT_EQ(s.bot().identity(), "spoofed");
  EXPECT_EQ(s.suspect_score(), 23);
  EXPECT_EQ(s.suspect(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.vpn().signal().confidence(), fpgw::v1::CONFIDENCE_LEVEL_HIGH);
  EXPECT_DOUBLE_EQ(s.vpn().signal().score(), 0.93);
  EXPECT_EQ(s.vpn().origin_country(), "US");
  EXPECT_THAT(s.vpn().methods(),
              ::testing::ElementsAre("timezone_mismatch", "public_vpn", "ml_prediction"));
  EXPECT_EQ(s.proxy().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.tor().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_EQ(s.ip_blocklist_attack_source().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.datacenter().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.incognito().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.tampering().signal().detected(), fpgw::v1::TRISTATE_FALSE);
  EXPECT_DOUBLE_EQ(s.tampering().anomaly_score(), 0.12);
  EXPECT_EQ(s.emulator().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.active_call().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(s.rare_device_percentile_bucket(), "p99-p99.5");
  EXPECT_EQ(s.factory_reset_time().seconds(), 1740000000);
  EXPECT_EQ(s.velocity().at("distinct_ip").last_24_hours(), 9);
  EXPECT_FALSE(s.velocity().at("events").has_last_24_hours());
  ASSERT_EQ(s.labels_size(), 1);
  EXPECT_EQ(s.labels(0).prediction(), fpgw::v1::TRISTATE_TRUE);
  // Not reported by the vendor: unknown, never false.
  EXPECT_EQ(s.jailbroken().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(s.simulator().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(s.privacy_settings().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);

  const auto& n = e->network();
  EXPECT_EQ(n.ip_address(), "203.0.113.9");
  EXPECT_EQ(n.geolocation().country_code(), "DE");
  EXPECT_EQ(n.geolocation().city(), "Berlin");
  EXPECT_EQ(n.geolocation().region(), "Berlin");
  EXPECT_DOUBLE_EQ(n.geolocation().latitude(), 52.52);
  EXPECT_EQ(n.geolocation().accuracy_radius_km(), 50);
  EXPECT_EQ(n.asn().number(), 64500u);
  EXPECT_EQ(n.asn().type(), "hosting");
  EXPECT_FALSE(n.has_ipv6());

  const auto& c = e->client();
  EXPECT_EQ(c.browser_name(), "Chrome Mobile");
  EXPECT_EQ(c.browser_major_version(), "131");
  EXPECT_EQ(c.os(), "Android");
  EXPECT_EQ(c.device(), "Pixel 8");
  EXPECT_EQ(c.page_url(), "https://shop.test/checkout");
  EXPECT_EQ(c.referrer(), "https://shop.test/cart");
  EXPECT_EQ(c.sdk_platform(), "android");

  EXPECT_FALSE(e->has_raw());
}

TEST(FingerprintV4Mapper, FullViewKeepsEveryFieldIncludingUnknownOnes) {
  MapOptions options;
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeEvent(Fixture("event_mobile_vpn.json"), options);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->raw().fields().contains("future_field_from_vendor"));
  EXPECT_EQ(e->raw().fields().at("vpn_origin_country").string_value(), "US");
}

TEST(FingerprintV4Mapper, TypeMismatchesYieldAPartialEvaluationWithDrift) {
  absl::StatusOr<fpgw::v1::Evaluation> e =
      NormalizeEvent(Fixture("event_drift.json"), MapOptions());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->partial());
  const std::vector<std::string> paths = DriftPaths(*e);
  for (const char* path :
       {"$.timestamp", "$.identification.visitor_found", "$.incognito", "$.vpn_confidence",
        "$.suspect_score", "$.bot", "$.ip_info.v4.asn", "$.tags"}) {
    EXPECT_THAT(paths, Contains(path));
  }
  // The rest still maps.
  EXPECT_EQ(e->identity().device_id(), "vis00000000000drift01");
  EXPECT_EQ(e->signals().vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(e->signals().incognito().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e->signals().has_suspect_score());
  EXPECT_EQ(e->signals().proxy().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_EQ(e->network().ip_address(), "198.51.100.7");
}

TEST(FingerprintV4Mapper, EachBadFieldIsOneDriftEntryAndTimestampsStayInRange) {
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(
      R"({"event_id": 17, "timestamp": 9223372036854775807,
          "identification": {"visitor_id": "v", "first_seen_at": -9223372036854775807}})",
      MapOptions());
  ASSERT_TRUE(e.ok()) << e.status();
  const std::vector<std::string> paths = DriftPaths(*e);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "$.event_id"), 1);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "$.timestamp"), 1);
  EXPECT_THAT(paths, Contains("$.identification.first_seen_at"));
  EXPECT_FALSE(e->source().has_event_time());
  EXPECT_FALSE(e->identity().has_first_seen_time());
  EXPECT_FALSE(e->identity().has_last_seen_time()) << "absent fields must stay unset";

  e = NormalizeEvent(R"({"identification": {"visitor_id": "v"}})", MapOptions());
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(DriftPaths(*e), Contains("$.event_id"));
  EXPECT_THAT(DriftPaths(*e), Contains("$.timestamp"));
}

TEST(FingerprintV4Mapper, RefusesBodiesThatAreNotUtf8) {
  // A proto3 string must be UTF-8, or callers cannot decode the response.
  EXPECT_FALSE(NormalizeEvent("{\"event_id\": \"1.a\xff\", \"timestamp\": 1}", MapOptions()).ok());
}

TEST(FingerprintV4Mapper, DeeplyNestedRawStaysDecodableByCallers) {
  std::string nested = "{\"event_id\": \"1.a\", \"timestamp\": 1, \"deep\": ";
  for (int i = 0; i < 300; ++i) nested += (i % 2 == 0) ? "[" : "{\"k\": ";
  nested += "1";
  for (int i = 299; i >= 0; --i) nested += (i % 2 == 0) ? "]" : "}";
  nested += "}";
  MapOptions options;
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(nested, options);
  ASSERT_TRUE(e.ok()) << e.status();
  fpgw::v1::EvaluateResponse response;
  *response.mutable_evaluation() = *e;
  fpgw::v1::EvaluateResponse decoded;
  // Parsers enforce a nesting limit of 100; the raw payload is cut off before it.
  EXPECT_TRUE(decoded.ParseFromString(response.SerializeAsString()));
}

TEST(FingerprintV4Mapper, RawViewOfAHugePayloadIsCapped) {
  // An event with 8 MiB of extra data: the normalised fields are all there; the raw view keeps
  // the payload's first ~1 MiB and nulls the rest.
  std::string body = Fixture("event_mobile_vpn.json");
  std::string extra = ", \"padding\": [";
  for (int i = 0; i < 8192; ++i)
    absl::StrAppend(&extra, i == 0 ? "" : ",", "\"", std::string(1024, 'x'), "\"");
  extra += "]}";
  body.replace(body.rfind('}'), 1, extra);
  MapOptions options;
  options.include_raw = true;
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(body, options);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->identity().device_id(), "vis0000000000000A1b2");
  EXPECT_LT(e->raw().ByteSizeLong(), size_t{2} << 20);
  const auto& padding = e->raw().fields().at("padding").list_value();
  EXPECT_EQ(padding.values_size(), 8192);
  EXPECT_EQ(padding.values(0).string_value().size(), 1024u);
  EXPECT_EQ(padding.values(8191).kind_case(), google::protobuf::Value::kNullValue);
}

TEST(FingerprintV4Mapper, PartiallyCompletedIdentificationDropsSmartSignals) {
  std::string body = Fixture("event_mobile_vpn.json");
  const std::string from = "\"completed\"";
  body.replace(body.find(from), from.size(), "\"partially_completed\"");
  absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(body, MapOptions());
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->partial());
  EXPECT_FALSE(e->has_signals());
  ASSERT_EQ(e->signal_failures_size(), 1);
  EXPECT_EQ(e->signal_failures(0).code(), "partially_completed");
  EXPECT_EQ(e->identity().device_id(), "vis0000000000000A1b2");
}

TEST(FingerprintV4Mapper, RejectsBodiesThatAreNotEvents) {
  for (const std::string& body :
       {std::string("<html><body>502 Bad Gateway</body></html>"),
        std::string("{\"event_id\": \"1.a\", \"timestamp\": 17"), std::string(""),
        std::string("[1,2,3]"), std::string("null"), std::string(200000, '[')}) {
    EXPECT_FALSE(NormalizeEvent(body, MapOptions()).ok()) << body.substr(0, 40);
  }
}

TEST(FingerprintV4Mapper, SearchMapsEveryHitAndThePaginationKey) {
  const std::string event = Fixture("event_mobile_vpn.json");
  const std::string body = absl::StrCat("{\"events\": [", event, ",", event,
                                        ", 5], \"pagination_key\": \"pk_2\", \"total_hits\": 40}");
  absl::StatusOr<SearchResult> result = NormalizeSearch(body, MapOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->evaluations.size(), 3u);
  EXPECT_EQ(result->evaluations[0].source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
  EXPECT_EQ(result->evaluations[1].identity().device_id(), "vis0000000000000A1b2");
  EXPECT_TRUE(result->evaluations[2].partial());
  EXPECT_EQ(result->pagination_key, "pk_2");
  EXPECT_EQ(result->total_hits, 40);
  EXPECT_FALSE(NormalizeSearch("{\"events\": {}}", MapOptions()).ok());
}

// --- Error bodies: the project's own fixtures always, the vendor's published ones when present.

// Checks one v4 error body answered with `http_status` against its documented mapping.
void CheckErrorBody(const std::string& text, int http_status) {
  absl::StatusOr<ErrorBody> body = ParseErrorBody(text);
  ASSERT_TRUE(body.ok()) << body.status();
  const absl::Status status =
      MapVendorHttpError({"fingerprint", http_status, body->code, std::nullopt}, ErrorTable());
  absl::StatusCode want;
  switch (http_status) {
    case 400:
      want = body->code == "request_read_timeout" ? absl::StatusCode::kUnavailable
                                                  : absl::StatusCode::kInvalidArgument;
      break;
    case 403:
      want = absl::StatusCode::kFailedPrecondition;
      break;
    case 404:
      want = absl::StatusCode::kNotFound;
      break;
    case 409:
    case 500:
    case 504:
      want = absl::StatusCode::kUnavailable;
      break;
    case 413:
      want = absl::StatusCode::kInvalidArgument;
      break;
    case 429:
      want = absl::StatusCode::kResourceExhausted;
      break;
    default:
      FAIL() << "unexpected status " << http_status;
  }
  EXPECT_EQ(status.code(), want);
  EXPECT_EQ(MetadataOf(status, "vendor_code"), body->code);
  EXPECT_NE(ReasonOf(status), fpgw::v1::ERROR_REASON_UNSPECIFIED);
  // A 429 names no retry time in v4 (no Retry-After is documented): fpgw invents none.
  EXPECT_EQ(RetryDelayOf(status).has_value(), want == absl::StatusCode::kUnavailable);
  // No vendor body text in the caller-facing message.
  EXPECT_FALSE(absl::StrContains(status.message(), body->message)) << status.message();
}

// v4 documents no Retry-After and limits of very different windows (deletions: 30 per hour), so
// a 429 carries RetryInfo only when the vendor sent a time itself.
TEST(FingerprintV4Mapper, RateLimitsCarryOnlyTheVendorsOwnRetryTime) {
  const absl::Status bare =
      MapVendorHttpError({"fingerprint", 429, "too_many_requests", std::nullopt}, ErrorTable());
  EXPECT_EQ(bare.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(bare), fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED);
  EXPECT_FALSE(RetryDelayOf(bare).has_value());
  const absl::Status timed = MapVendorHttpError(
      {"fingerprint", 429, "too_many_requests", absl::Seconds(120)}, ErrorTable());
  EXPECT_EQ(RetryDelayOf(timed), absl::Seconds(120));
}

// The HTTP status is the number at the start of a name such as `404_event_not_found.json`.
int StatusOfName(const std::string& name) { return std::atoi(name.substr(0, 3).c_str()); }

TEST(FingerprintV4Mapper, EveryErrorFamilyOfTheProjectsFixturesMapsToItsDocumentedCode) {
  const std::vector<std::string> names = ::fpgw::testing::TestdataFiles("fingerprint_v4/errors");
  std::set<int> families;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    families.insert(StatusOfName(name));
    CheckErrorBody(Fixture("errors/" + name), StatusOfName(name));
  }
  // One fixture per documented status family: 400, 403, 404, 409, 413, 429, 500, 504.
  EXPECT_EQ(families, (std::set<int>{400, 403, 404, 409, 413, 429, 500, 504}));
}

// --- Conformance against the vendor's published examples (read in place, never copied). ---

TEST(FingerprintV4VendorReference, EveryPublishedEventExampleNormalises) {
  FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
  std::vector<std::string> files;
  for (const char* prefix :
       {"fingerprint_v4_get_event_200", "fingerprint_v4_webhook_event",
        "fingerprint_v4_sealed_result_decrypted_expected", "fingerprint_v4_edge_200"}) {
    for (auto& f : VendorReferenceFiles(prefix)) files.push_back(f);
  }
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    absl::StatusOr<fpgw::v1::Evaluation> e = NormalizeEvent(ReadFile(file), MapOptions());
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_FALSE(e->identity().event_id().empty());
    EXPECT_GT(e->source().event_time().seconds(), 0);
    if (absl::StrContains(file, "field_type_mismatch")) {
      // The Go SDK's drift fixture: incognito arrives as a number.
      EXPECT_TRUE(e->partial());
      EXPECT_THAT(DriftPaths(*e), Contains("$.incognito"));
    } else if (absl::StrContains(file, "extra_rule_action")) {
      // An unknown rule action type ("ignore") is tolerated: no action, drift recorded.
      EXPECT_EQ(e->verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);
      EXPECT_EQ(e->verdict().ruleset_id(), "rs_NLOjmgNLOjmgZG");
      EXPECT_THAT(DriftPaths(*e), Contains("$.rule_action.type"));
    } else {
      // Automation-intelligence (edge) events carry no device identification.
      if (!absl::StrContains(file, "edge")) {
        EXPECT_FALSE(e->identity().device_id().empty());
      }
      EXPECT_TRUE(e->drift().empty()) << e->drift(0).path();
    }
    if (absl::EndsWith(file, "/fingerprint_v4_get_event_200.json")) {
      // The SDK's integrations are not dropped.
      ASSERT_EQ(e->client().sdk_integrations_size(), 1);
      EXPECT_EQ(e->client().sdk_integrations(0).name(), "fingerprint-pro-react");
      EXPECT_EQ(e->client().sdk_integrations(0).subintegration().name(), "preact");
    }
    if (absl::StrContains(file, "with_ruleset") && !absl::StrContains(file, "extra_rule_action")) {
      EXPECT_NE(e->verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);
      EXPECT_FALSE(e->verdict().ruleset_id().empty());
    }
  }
}

TEST(FingerprintV4VendorReference, EveryPublishedSearchExampleNormalises) {
  FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
  for (const std::string& file : VendorReferenceFiles("fingerprint_v4_search_events_200")) {
    absl::StatusOr<SearchResult> result = NormalizeSearch(ReadFile(file), MapOptions());
    ASSERT_TRUE(result.ok()) << file << ": " << result.status();
    ASSERT_FALSE(result->evaluations.empty());
    for (const auto& e : result->evaluations) EXPECT_FALSE(e.identity().device_id().empty());
  }
}

TEST(FingerprintV4VendorReference, EveryPublishedErrorExampleMapsToItsDocumentedCode) {
  FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
  const std::string prefix = "fingerprint_v4_errors_";
  for (const std::string& file : VendorReferenceFiles(prefix)) {
    SCOPED_TRACE(file);
    CheckErrorBody(ReadFile(file), StatusOfName(file.substr(file.rfind('/') + 1 + prefix.size())));
  }
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v4
