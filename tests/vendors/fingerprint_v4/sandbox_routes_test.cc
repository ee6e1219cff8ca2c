// End-to-end tests of the vendor sandbox's Fingerprint v4 module: a real libcurl client over TLS
// (verification on, trusting only the generated CA) against a sandbox on loopback.
#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"
#include "sandbox/fingerprint_v4/routes.h"
#include "sandbox/sandbox.h"
#include "testing/curl_test_client.h"

namespace fpgw::sandbox {
namespace {

using ::fpgw::testing::CurlRequest;
using ::fpgw::testing::CurlResponse;
using ::fpgw::testing::CurlTestClient;
using ::testing::AnyOf;
using ::testing::Eq;
using ::testing::HasSubstr;

constexpr char kKey[] = "test-secret-key-0123";
constexpr char kEventId[] = "1708102555327.NLOjmg";

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return doc;
}

const rapidjson::Value* At(const rapidjson::Value& root, const char* pointer) {
  return rapidjson::Pointer(pointer).Get(root);
}

std::string ErrorCode(const std::string& body) {
  rapidjson::Document doc = Parse(body);
  const rapidjson::Value* code = At(doc, "/error/code");
  return code != nullptr && code->IsString() ? code->GetString() : "<no error.code>";
}

std::string ErrorMessage(const std::string& body) {
  rapidjson::Document doc = Parse(body);
  const rapidjson::Value* message = At(doc, "/error/message");
  return message != nullptr && message->IsString() ? message->GetString() : "<no error.message>";
}

class SandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SandboxOptions options;
    options.credentials["fingerprint_v4"] = kKey;
    options.seed = 42;
    absl::StatusOr<std::unique_ptr<Sandbox>> started = Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = started->release();
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(sandbox_, nullptr);
    client_ = std::make_unique<CurlTestClient>(sandbox_->ca_cert_path());
  }

  static std::string Url(absl::string_view path) {
    return sandbox_->base_url() + std::string(path);
  }

  CurlResponse GetAuthorized(absl::string_view path, std::vector<std::string> headers = {}) {
    headers.push_back(absl::StrCat("Authorization: Bearer ", kKey));
    return client_->Get(Url(path), std::move(headers));
  }

  static Sandbox* sandbox_;
  std::unique_ptr<CurlTestClient> client_;
};

Sandbox* SandboxTest::sandbox_ = nullptr;

TEST_F(SandboxTest, ServesHttpsThatVerifiesAgainstTheGeneratedCa) {
  EXPECT_THAT(sandbox_->base_url(), HasSubstr("https://127.0.0.1:"));
  EXPECT_GT(sandbox_->port(), 0);
  CurlResponse ok = GetAuthorized(absl::StrCat("/v4/events/", kEventId));
  ASSERT_EQ(ok.code, CURLE_OK) << curl_easy_strerror(ok.code);
  EXPECT_EQ(ok.status, 200);

  // The certificate also carries DNS:localhost.
  CurlResponse by_name =
      client_->Get(absl::StrCat("https://localhost:", sandbox_->port(), "/v4/events/", kEventId),
                   {absl::StrCat("Authorization: Bearer ", kKey)});
  EXPECT_EQ(by_name.code, CURLE_OK) << curl_easy_strerror(by_name.code);

  // Without the sandbox CA the chain does not verify: verification is really on.
  CurlTestClient untrusting("");
  CurlResponse rejected = untrusting.Get(Url("/v4/events/x"));
  EXPECT_EQ(rejected.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(rejected.code);
}

TEST_F(SandboxTest, EventIsSchemaTrueJson) {
  CurlResponse response = GetAuthorized(absl::StrCat("/v4/events/", kEventId));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], "application/json");
  EXPECT_EQ(response.headers["content-length"], std::to_string(response.body.size()));

  rapidjson::Document doc = Parse(response.body);
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["event_id"].GetString(), kEventId);
  ASSERT_TRUE(doc["timestamp"].IsInt64());
  EXPECT_EQ(doc["timestamp"].GetInt64(), 1708102555327);
  EXPECT_THAT(std::string(doc["source"].GetString()), AnyOf(Eq("device"), Eq("edge")));
  EXPECT_STREQ(doc["incremental_identification_status"].GetString(), "completed");

  const rapidjson::Value* visitor_id = At(doc, "/identification/visitor_id");
  ASSERT_NE(visitor_id, nullptr);
  ASSERT_TRUE(visitor_id->IsString());
  EXPECT_EQ(visitor_id->GetStringLength(), 20u);
  const rapidjson::Value* score = At(doc, "/identification/confidence/score");
  ASSERT_NE(score, nullptr);
  ASSERT_TRUE(score->IsNumber());
  EXPECT_GE(score->GetDouble(), 0.0);
  EXPECT_LE(score->GetDouble(), 1.0);
  ASSERT_TRUE(At(doc, "/identification/visitor_found")->IsBool());
  ASSERT_TRUE(At(doc, "/identification/first_seen_at")->IsInt64());

  for (const char* field : {"browser_name", "browser_major_version", "browser_full_version", "os",
                            "os_version", "device"}) {
    const rapidjson::Value* value = At(doc, absl::StrCat("/browser_details/", field).c_str());
    ASSERT_NE(value, nullptr) << field;
    EXPECT_TRUE(value->IsString()) << field;
  }
  EXPECT_THAT(std::string(At(doc, "/sdk/platform")->GetString()),
              AnyOf(Eq("js"), Eq("android"), Eq("ios"), Eq("unknown")));
  EXPECT_TRUE(At(doc, "/sdk/version")->IsString());

  const rapidjson::Value* v4 = At(doc, "/ip_info/v4");
  ASSERT_NE(v4, nullptr);
  EXPECT_TRUE((*v4)["address"].IsString());
  EXPECT_TRUE((*v4)["geolocation"]["latitude"].IsNumber());
  EXPECT_TRUE((*v4)["geolocation"]["longitude"].IsNumber());
  EXPECT_TRUE((*v4)["geolocation"]["accuracy_radius"].IsInt());
  EXPECT_TRUE((*v4)["geolocation"]["subdivisions"].IsArray());
  EXPECT_TRUE((*v4)["asn"].IsString());
  EXPECT_TRUE((*v4)["datacenter_result"].IsBool());
  EXPECT_STREQ(doc["ip_address"].GetString(), (*v4)["address"].GetString());

  EXPECT_THAT(std::string(doc["bot"].GetString()),
              AnyOf(Eq("bad"), Eq("good"), Eq("not_detected")));
  EXPECT_TRUE(doc["suspect_score"].IsInt());
  EXPECT_TRUE(doc["vpn"].IsBool());
  EXPECT_THAT(std::string(doc["vpn_confidence"].GetString()),
              AnyOf(Eq("low"), Eq("medium"), Eq("high")));
  EXPECT_TRUE(doc["vpn_methods"]["public_vpn"].IsBool());
  EXPECT_TRUE(doc["proxy"].IsBool());
  EXPECT_TRUE(doc["tampering_details"]["anomaly_score"].IsNumber());
  EXPECT_TRUE(At(doc, "/velocity/events/5_minutes")->IsInt());
  EXPECT_TRUE(At(doc, "/velocity/distinct_ip/1_hour")->IsInt());
  EXPECT_TRUE(At(doc, "/ip_blocklist/tor_node")->IsBool());
  EXPECT_TRUE(doc["raw_device_attributes"].IsObject());
  EXPECT_TRUE(At(doc, "/raw_device_attributes/screen_resolution/0")->IsInt());
  EXPECT_TRUE(At(doc, "/labels/0/label")->IsString());
  EXPECT_TRUE(doc["tags"].IsObject());
  EXPECT_FALSE(doc.HasMember("rule_action"));
}

TEST_F(SandboxTest, EventsVaryAcrossIdsAndCoverOptionalGroups) {
  std::set<std::string> visitors;
  std::set<std::string> bots;
  std::set<std::string> cities;
  int with_v6 = 0;
  int with_bot_info = 0;
  for (int i = 0; i < 80; ++i) {
    CurlResponse response = GetAuthorized(absl::StrCat("/v4/events/17081025", 10000 + i, ".id", i));
    ASSERT_EQ(response.status, 200);
    rapidjson::Document doc = Parse(response.body);
    ASSERT_TRUE(doc.IsObject());
    visitors.insert(At(doc, "/identification/visitor_id")->GetString());
    bots.insert(doc["bot"].GetString());
    cities.insert(At(doc, "/ip_info/v4/geolocation/city_name")->GetString());
    if (At(doc, "/ip_info/v6/address") != nullptr) ++with_v6;
    if (doc.HasMember("bot_info")) {
      ++with_bot_info;
      EXPECT_STRNE(doc["bot"].GetString(), "not_detected");
      EXPECT_THAT(std::string(At(doc, "/bot_info/identity")->GetString()),
                  AnyOf(Eq("verified"), Eq("signed"), Eq("spoofed"), Eq("unknown")));
    }
  }
  EXPECT_EQ(visitors.size(), 80u);
  EXPECT_GE(bots.size(), 2u);
  EXPECT_GE(cities.size(), 4u);
  EXPECT_GT(with_v6, 0);
  EXPECT_LT(with_v6, 80);
  EXPECT_GT(with_bot_info, 0);
}

TEST_F(SandboxTest, SameIdGivesIdenticalBodyAndDifferentIdsDifferentVisitors) {
  CurlResponse first = GetAuthorized(absl::StrCat("/v4/events/", kEventId));
  CurlResponse second = GetAuthorized(absl::StrCat("/v4/event/", kEventId));  // alias path
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(first.body, second.body);

  CurlResponse other = GetAuthorized("/v4/events/1708102555999.QwErTy");
  ASSERT_EQ(other.status, 200);
  rapidjson::Document a = Parse(first.body);
  rapidjson::Document b = Parse(other.body);
  EXPECT_STRNE(At(a, "/identification/visitor_id")->GetString(),
               At(b, "/identification/visitor_id")->GetString());

  // An id without a leading timestamp still gets an int64 timestamp.
  CurlResponse plain = GetAuthorized("/v4/events/plain-request-id");
  ASSERT_EQ(plain.status, 200);
  rapidjson::Document c = Parse(plain.body);
  ASSERT_TRUE(c["timestamp"].IsInt64());
  EXPECT_GT(c["timestamp"].GetInt64(), 1600000000000);
}

TEST_F(SandboxTest, SameSeedSameBytesAcrossInstancesOtherSeedDiffers) {
  SandboxOptions options;
  options.credentials["fingerprint_v4"] = kKey;
  options.tls = false;
  options.seed = 42;
  absl::StatusOr<std::unique_ptr<Sandbox>> same = Sandbox::Start(options);
  ASSERT_TRUE(same.ok()) << same.status();
  options.seed = 43;
  absl::StatusOr<std::unique_ptr<Sandbox>> other = Sandbox::Start(options);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_THAT((*same)->base_url(), HasSubstr("http://127.0.0.1:"));

  const std::string path = absl::StrCat("/v4/events/", kEventId);
  const std::string auth = absl::StrCat("Authorization: Bearer ", kKey);
  CurlTestClient plain("");
  CurlResponse reference = GetAuthorized(path);
  CurlResponse from_same = plain.Get((*same)->base_url() + path, {auth});
  CurlResponse from_other = plain.Get((*other)->base_url() + path, {auth});
  ASSERT_EQ(from_same.status, 200);
  ASSERT_EQ(from_other.status, 200);
  EXPECT_EQ(reference.body, from_same.body);
  EXPECT_NE(reference.body, from_other.body);
}

TEST_F(SandboxTest, RulesetAddsRuleActionAndUnknownRulesetIs400) {
  int allow = 0;
  int block = 0;
  for (int i = 0; i < 20; ++i) {
    CurlResponse response =
        GetAuthorized(absl::StrCat("/v4/events/1708102555", 100 + i, ".rs?ruleset_id=rs_demo"));
    ASSERT_EQ(response.status, 200);
    rapidjson::Document doc = Parse(response.body);
    const rapidjson::Value* action = At(doc, "/rule_action");
    ASSERT_NE(action, nullptr);
    EXPECT_STREQ((*action)["ruleset_id"].GetString(), "rs_demo");
    std::string type = (*action)["type"].GetString();
    if (type == "allow") {
      ++allow;
      EXPECT_TRUE(At(*action, "/request_header_modifications/set/0/name")->IsString());
      EXPECT_FALSE(action->HasMember("status_code"));
    } else {
      ASSERT_EQ(type, "block");
      ++block;
      EXPECT_TRUE((*action)["status_code"].IsInt());
      EXPECT_TRUE(At(*action, "/headers/0/value")->IsString());
      EXPECT_TRUE((*action)["body"].IsString());
    }
  }
  EXPECT_GT(allow, 0);
  EXPECT_GT(block, 0);

  CurlResponse missing =
      GetAuthorized(absl::StrCat("/v4/events/", kEventId, "?ruleset_id=rs_missing_42"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(ErrorCode(missing.body), "ruleset_not_found");
}

TEST_F(SandboxTest, AuthFailuresAre403WithVendorCodes) {
  const std::string path = absl::StrCat("/v4/events/", kEventId);
  CurlResponse none = client_->Get(Url(path));
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(none.headers["content-type"], "application/json");
  EXPECT_EQ(ErrorCode(none.body), "secret_api_key_required");
  EXPECT_EQ(ErrorMessage(none.body), "secret API key in header is missing or empty");

  CurlResponse empty = client_->Get(Url(path), {"Authorization: Bearer "});
  EXPECT_EQ(empty.status, 403);
  EXPECT_EQ(ErrorCode(empty.body), "secret_api_key_required");

  CurlResponse wrong = client_->Get(Url(path), {"Authorization: Bearer not-the-key"});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(ErrorCode(wrong.body), "secret_api_key_not_found");

  CurlResponse search = client_->Get(Url("/v4/events?limit=1"), {"Authorization: Bearer nope"});
  EXPECT_EQ(search.status, 403);
  EXPECT_EQ(ErrorCode(search.body), "secret_api_key_not_found");
}

struct ErrorScenarioCase {
  const char* scenario;
  long status;
  const char* code;
  const char* message;
};

constexpr ErrorScenarioCase kErrorScenarios[] = {
    {"not-found", 404, "event_not_found", "event id not found"},
    {"wrong-region", 403, "wrong_region", "wrong region"},
    {"feature-not-enabled", 403, "feature_not_enabled", "feature not enabled"},
    {"subscription-not-active", 403, "subscription_not_active", "forbidden"},
    {"rate-limited", 429, "too_many_requests", "too many requests"},
    {"search-rate-limited", 429, "too_many_requests", "too many search requests"},
    {"server-error", 500, "failed", "internal server error"},
    {"gateway-timeout", 504, "failed", "gateway timeout"},
    {"bad-request", 400, "request_cannot_be_parsed", "invalid event_id"},
    {"state-not-ready", 409, "state_not_ready", "resource is not mutable yet, try again"},
    {"payload-too-large", 413, "payload_too_large", "payload too large"},
};

TEST_F(SandboxTest, ErrorScenariosByTokenAndByHeader) {
  for (const ErrorScenarioCase& c : kErrorScenarios) {
    SCOPED_TRACE(c.scenario);
    CurlResponse by_token = GetAuthorized(absl::StrCat("/v4/events/sandbox-", c.scenario, "-7"));
    EXPECT_EQ(by_token.status, c.status);
    EXPECT_EQ(by_token.headers["content-type"], "application/json");
    EXPECT_EQ(ErrorCode(by_token.body), c.code);
    EXPECT_EQ(ErrorMessage(by_token.body), c.message);

    CurlResponse by_header = GetAuthorized(absl::StrCat("/v4/events/", kEventId),
                                           {absl::StrCat("X-Sandbox-Scenario: ", c.scenario)});
    EXPECT_EQ(by_header.status, c.status);
    EXPECT_EQ(ErrorCode(by_header.body), c.code);

    if (c.status == 429) {
      EXPECT_EQ(by_token.headers["retry-after"], "1");
      EXPECT_EQ(by_header.headers["retry-after"], "1");
    }
  }
  CurlResponse unknown =
      GetAuthorized(absl::StrCat("/v4/events/", kEventId), {"X-Sandbox-Scenario: no-such-thing"});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(ErrorMessage(unknown.body), HasSubstr("unknown sandbox scenario"));
}

TEST_F(SandboxTest, ScenariosApplyToSearchByVisitorToken) {
  CurlResponse not_found = GetAuthorized("/v4/events?visitor_id=sandbox-not-found");
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(ErrorCode(not_found.body), "visitor_not_found");

  CurlResponse limited = GetAuthorized("/v4/events?visitor_id=sandbox-search-rate-limited");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorMessage(limited.body), "too many search requests");
  EXPECT_EQ(limited.headers["retry-after"], "1");

  CurlResponse timeout =
      GetAuthorized("/v4/events?limit=2", {"X-Sandbox-Scenario: gateway-timeout"});
  EXPECT_EQ(timeout.status, 504);
  EXPECT_EQ(ErrorMessage(timeout.body), "gateway timeout");
}

TEST_F(SandboxTest, SlowScenarioDelaysHeaders) {
  CurlResponse slow = GetAuthorized("/v4/events/sandbox-slow-400");
  EXPECT_EQ(slow.status, 200);
  EXPECT_GE(slow.total_seconds, 0.39);
  EXPECT_FALSE(Parse(slow.body).HasParseError());

  // The client gives up first: a timeout, not a response.
  CurlRequest request;
  request.url = Url("/v4/events/sandbox-slow");
  request.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  request.timeout_ms = 300;
  CurlResponse timed_out = client_->Perform(request);
  EXPECT_EQ(timed_out.code, CURLE_OPERATION_TIMEDOUT);
}

TEST_F(SandboxTest, SlowBodyTricklesAValidBody) {
  auto start = std::chrono::steady_clock::now();
  CurlResponse response = GetAuthorized("/v4/events/sandbox-slow-body-1");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(response.status, 200);
  EXPECT_GE(seconds, 2.5);
  EXPECT_FALSE(Parse(response.body).HasParseError());
  EXPECT_EQ(response.headers["content-length"], std::to_string(response.body.size()));
}

TEST_F(SandboxTest, MalformedHtmlDriftUnknownFieldsPartial) {
  CurlResponse malformed = GetAuthorized("/v4/events/sandbox-malformed");
  EXPECT_EQ(malformed.status, 200);
  EXPECT_EQ(malformed.headers["content-type"], "application/json");
  EXPECT_TRUE(Parse(malformed.body).HasParseError());

  CurlResponse html = GetAuthorized("/v4/events/sandbox-html");
  EXPECT_EQ(html.status, 200);
  EXPECT_THAT(html.headers["content-type"], HasSubstr("text/html"));
  EXPECT_THAT(html.body, HasSubstr("<html>"));

  CurlResponse drift = GetAuthorized("/v4/events/sandbox-drift");
  ASSERT_EQ(drift.status, 200);
  rapidjson::Document d = Parse(drift.body);
  ASSERT_FALSE(d.HasParseError());
  EXPECT_TRUE(d["incognito"].IsInt());
  EXPECT_TRUE(d["suspect_score"].IsString());
  EXPECT_STREQ(d["vpn_confidence"].GetString(), "extreme");
  EXPECT_TRUE(d.HasMember("sandbox_drift"));

  CurlResponse unknown = GetAuthorized("/v4/events/sandbox-unknown-fields");
  ASSERT_EQ(unknown.status, 200);
  rapidjson::Document u = Parse(unknown.body);
  EXPECT_TRUE(u.HasMember("sandbox_future_signal"));
  EXPECT_NE(At(u, "/identification/sandbox_extra"), nullptr);
  EXPECT_NE(At(u, "/ip_info/v4/sandbox_extra"), nullptr);
  EXPECT_TRUE(At(u, "/identification/visitor_id")->IsString());

  CurlResponse partial = GetAuthorized("/v4/events/sandbox-partial");
  ASSERT_EQ(partial.status, 200);
  EXPECT_STREQ(Parse(partial.body)["incremental_identification_status"].GetString(),
               "partially_completed");
}

TEST_F(SandboxTest, ResetClosesWithoutResponse) {
  CurlRequest request;
  request.url = Url("/v4/events/sandbox-reset");
  request.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  request.timeout_ms = 5000;
  CurlResponse response = client_->Perform(request);
  EXPECT_THAT(response.code,
              AnyOf(Eq(CURLE_GOT_NOTHING), Eq(CURLE_RECV_ERROR), Eq(CURLE_SEND_ERROR)))
      << curl_easy_strerror(response.code);
  EXPECT_EQ(response.status, 0);

  // The sandbox keeps serving afterwards, on the same client.
  EXPECT_EQ(GetAuthorized(absl::StrCat("/v4/events/", kEventId)).status, 200);
}

TEST_F(SandboxTest, OversizedBodyStreamsAtLeast50MiB) {
  CurlRequest request;
  request.url = Url("/v4/events/sandbox-oversized");
  request.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  request.discard_body = true;
  request.timeout_ms = 120000;
  CurlResponse response = client_->Perform(request);
  ASSERT_EQ(response.code, CURLE_OK) << curl_easy_strerror(response.code);
  EXPECT_EQ(response.status, 200);
  EXPECT_GE(response.body_bytes, 50u * 1024 * 1024);
  EXPECT_EQ(response.headers["content-length"], std::to_string(response.body_bytes));
}

TEST_F(SandboxTest, SearchPagesThroughAllEventsOfAVisitor) {
  const std::string visitor = "VisitorSandbox000001";
  std::set<std::string> seen;
  std::string key;
  int pages = 0;
  int64_t previous_ts = INT64_MAX;
  do {
    std::string path = absl::StrCat("/v4/events?limit=5&visitor_id=", visitor);
    if (!key.empty()) absl::StrAppend(&path, "&pagination_key=", key);
    CurlResponse response = GetAuthorized(path);
    ASSERT_EQ(response.status, 200) << response.body;
    rapidjson::Document doc = Parse(response.body);
    ASSERT_TRUE(doc["events"].IsArray());
    for (const rapidjson::Value& event : doc["events"].GetArray()) {
      EXPECT_TRUE(seen.insert(event["event_id"].GetString()).second) << "duplicate";
      EXPECT_STREQ(At(event, "/identification/visitor_id")->GetString(), visitor.c_str());
      EXPECT_LT(event["timestamp"].GetInt64(), previous_ts);  // newest first
      previous_ts = event["timestamp"].GetInt64();
    }
    key = doc.HasMember("pagination_key") ? doc["pagination_key"].GetString() : "";
    ++pages;
    ASSERT_LE(pages, 10) << "pagination does not stop";
  } while (!key.empty());
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(pages, 5);

  // An event found by search is the same event when fetched by id.
  const std::string some_id = *seen.begin();
  CurlResponse by_id = GetAuthorized(absl::StrCat("/v4/events/", some_id));
  ASSERT_EQ(by_id.status, 200);
  EXPECT_STREQ(At(Parse(by_id.body), "/identification/visitor_id")->GetString(), visitor.c_str());
}

TEST_F(SandboxTest, SearchReverseTotalHitsGlobalSetAndFilters) {
  CurlResponse reversed = GetAuthorized(
      "/v4/events?visitor_id=VisitorSandbox000001&limit=100&reverse=true&total_hits=1000");
  ASSERT_EQ(reversed.status, 200);
  rapidjson::Document doc = Parse(reversed.body);
  const auto& events = doc["events"];
  ASSERT_EQ(events.Size(), 23u);
  EXPECT_FALSE(doc.HasMember("pagination_key"));
  EXPECT_EQ(doc["total_hits"].GetInt64(), 23);
  for (rapidjson::SizeType i = 1; i < events.Size(); ++i) {
    EXPECT_GT(events[i]["timestamp"].GetInt64(), events[i - 1]["timestamp"].GetInt64());
  }

  CurlResponse global = GetAuthorized("/v4/events?limit=100");
  ASSERT_EQ(global.status, 200);
  rapidjson::Document g = Parse(global.body);
  EXPECT_EQ(g["events"].Size(), 57u);

  CurlResponse defaults = GetAuthorized("/v4/events");
  ASSERT_EQ(defaults.status, 200);
  rapidjson::Document d = Parse(defaults.body);
  EXPECT_EQ(d["events"].Size(), 10u);
  EXPECT_TRUE(d["pagination_key"].IsString());
  EXPECT_FALSE(d.HasMember("total_hits"));

  CurlResponse bad_bots = GetAuthorized("/v4/events?limit=100&bot=bad");
  ASSERT_EQ(bad_bots.status, 200);
  rapidjson::Document bad_doc = Parse(bad_bots.body);
  for (const rapidjson::Value& event : bad_doc["events"].GetArray()) {
    EXPECT_STREQ(event["bot"].GetString(), "bad");
  }

  const int64_t newest = g["events"][0]["timestamp"].GetInt64();
  CurlResponse windowed =
      GetAuthorized(absl::StrCat("/v4/events?limit=100&start=", newest - 3600000));
  ASSERT_EQ(windowed.status, 200);
  rapidjson::Document windowed_doc = Parse(windowed.body);
  for (const rapidjson::Value& event : windowed_doc["events"].GetArray()) {
    EXPECT_GE(event["timestamp"].GetInt64(), newest - 3600000);
  }
  EXPECT_EQ(GetAuthorized("/v4/events?start=2025-12-31T00:00:00Z&end=2026-01-01T00:00:00Z").status,
            200);
}

struct BadSearchCase {
  const char* query;
  const char* message;
};

TEST_F(SandboxTest, InvalidSearchParametersAre400) {
  const BadSearchCase cases[] = {
      {"limit=0", "invalid limit"},
      {"limit=101", "invalid limit"},
      {"limit=ten", "invalid limit"},
      {"bot=robots", "invalid bot type"},
      {"reverse=maybe", "invalid reverse param"},
      {"pagination_key=bm90LWEta2V5", "invalid pagination key"},
      {"start=yesterday", "invalid start time"},
      {"end=2026-13-45", "invalid end time"},
      {"ip_address=300.1.2.3", "invalid ip address"},
      {"visitor_id=has%20space", "invalid visitor id"},
  };
  for (const BadSearchCase& c : cases) {
    SCOPED_TRACE(c.query);
    CurlResponse response = GetAuthorized(absl::StrCat("/v4/events?", c.query));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response.body), "request_cannot_be_parsed");
    EXPECT_EQ(ErrorMessage(response.body), c.message);
  }
  CurlResponse long_linked =
      GetAuthorized(absl::StrCat("/v4/events?linked_id=", std::string(257, 'x')));
  EXPECT_EQ(long_linked.status, 400);
  EXPECT_EQ(ErrorMessage(long_linked.body), "linked_id can't be greater than 256 characters long");

  // A pagination key issued for other filters is rejected.
  CurlResponse first = GetAuthorized("/v4/events?limit=5&visitor_id=AAAAAAAAAAAAAAAAAAAA");
  ASSERT_EQ(first.status, 200);
  std::string key = Parse(first.body)["pagination_key"].GetString();
  CurlResponse replayed = GetAuthorized(
      absl::StrCat("/v4/events?limit=5&visitor_id=BBBBBBBBBBBBBBBBBBBB&pagination_key=", key));
  EXPECT_EQ(replayed.status, 400);
  EXPECT_EQ(ErrorMessage(replayed.body), "invalid pagination key");
}

TEST_F(SandboxTest, UnknownPathIs404AndWrongMethodIs405) {
  CurlResponse unknown = GetAuthorized("/v3/nothing/here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.headers["content-type"], "application/json");
  EXPECT_EQ(ErrorCode(unknown.body), "not_found");

  CurlRequest post;
  post.method = "POST";
  post.url = Url("/v4/events");
  post.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  post.body = "{}";
  CurlResponse wrong = client_->Perform(post);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET");
}

TEST_F(SandboxTest, UpdateEventAndDeleteVisitor) {
  CurlRequest patch;
  patch.method = "PATCH";
  patch.url = Url(absl::StrCat("/v4/events/", kEventId));
  patch.headers = {absl::StrCat("Authorization: Bearer ", kKey), "Content-Type: application/json"};
  patch.body = R"({"linked_id":"order-1","suspect":true,"tags":{"a":1}})";
  CurlResponse updated = client_->Perform(patch);
  EXPECT_EQ(updated.status, 200);
  EXPECT_TRUE(updated.body.empty());

  patch.body = R"({"unknown":1})";
  CurlResponse invalid = client_->Perform(patch);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(ErrorMessage(invalid.body), "request body is not valid");

  CurlRequest del;
  del.method = "DELETE";
  del.url = Url("/v4/visitors/VisitorSandbox000001");
  del.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  EXPECT_EQ(client_->Perform(del).status, 200);
  del.url = Url("/v4/visitors/sandbox-not-found");
  CurlResponse gone = client_->Perform(del);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(ErrorCode(gone.body), "visitor_not_found");
}

TEST_F(SandboxTest, KeepAliveReusesTheConnection) {
  CurlResponse first = GetAuthorized(absl::StrCat("/v4/events/", kEventId));
  CurlResponse second = GetAuthorized("/v4/events?limit=3");
  CurlResponse third = GetAuthorized("/v4/events/sandbox-rate-limited");
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(second.num_connects, 0);
  EXPECT_EQ(third.num_connects, 0);
  EXPECT_EQ(first.headers["connection"], "keep-alive");
}

TEST_F(SandboxTest, CountsRequestsTotalAndPerRoute) {
  const uint64_t total = sandbox_->request_count();
  const uint64_t gets = sandbox_->request_count(kRouteFingerprintV4GetEvent);
  const uint64_t searches = sandbox_->request_count(kRouteFingerprintV4SearchEvents);
  GetAuthorized(absl::StrCat("/v4/events/", kEventId));
  GetAuthorized("/v4/events/sandbox-server-error");
  client_->Get(Url("/v4/events/unauthenticated"));
  GetAuthorized("/v4/events?limit=1");
  GetAuthorized("/nowhere");
  EXPECT_EQ(sandbox_->request_count(), total + 5);
  EXPECT_EQ(sandbox_->request_count(kRouteFingerprintV4GetEvent), gets + 3);
  EXPECT_EQ(sandbox_->request_count(kRouteFingerprintV4SearchEvents), searches + 1);
  EXPECT_GE(sandbox_->request_count(kRouteUnknown), 1u);

  // The stats endpoint needs no key, reports the same numbers and is not counted itself.
  CurlResponse stats = client_->Get(Url("/_sandbox/stats"));
  ASSERT_EQ(stats.status, 200);
  rapidjson::Document doc = Parse(stats.body);
  EXPECT_EQ(doc["requests_total"].GetUint64(), total + 5);
  EXPECT_EQ(At(doc, "/by_route/fingerprint_v4.get_event")->GetUint64(), gets + 3);
  EXPECT_EQ(sandbox_->request_count(), total + 5);
}

}  // namespace
}  // namespace fpgw::sandbox
