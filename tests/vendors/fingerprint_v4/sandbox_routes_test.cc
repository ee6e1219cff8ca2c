// End-to-end tests of the vendor sandbox's Fingerprint v4 module: a real libcurl client over TLS
// (verification on, trusting only the generated CA) against a sandbox on loopback.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

  // A well-formed id outside the generator's id space names no event.
  CurlResponse plain = GetAuthorized("/v4/events/plain-request-id");
  EXPECT_EQ(plain.status, 404);
  EXPECT_EQ(ErrorCode(plain.body), "event_not_found");
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

// ------------------------------------------------------------------------------------------------
// Search filters: each one, applied to the global data set, keeps exactly the events whose field
// satisfies it, and that is a non-empty strict subset.

using Event = rapidjson::Value;

// One filter: how to pick a value from the unfiltered events, and which events it keeps.
struct FilterCase {
  std::string param;
  std::function<std::string(const std::vector<const Event*>&)> pick;
  std::function<bool(const Event&, const std::string&)> keeps;
};

std::string StringAt(const Event& e, const char* pointer) {
  const Event* v = At(e, pointer);
  return v != nullptr && v->IsString() ? v->GetString() : "";
}

// The first non-empty string at `pointer` among `events`.
std::function<std::string(const std::vector<const Event*>&)> FirstString(const char* pointer) {
  return [pointer](const std::vector<const Event*>& events) {
    for (const Event* e : events) {
      if (!StringAt(*e, pointer).empty()) return StringAt(*e, pointer);
    }
    return std::string();
  };
}

std::function<std::string(const std::vector<const Event*>&)> Fixed(const char* value) {
  return [value](const std::vector<const Event*>&) { return std::string(value); };
}

FilterCase BoolCase(const char* param, const char* pointer, bool value = true) {
  return {param, Fixed(value ? "true" : "false"),
          [pointer, value](const Event& e, const std::string&) {
            const Event* v = At(e, pointer);
            return v != nullptr && v->IsBool() && v->GetBool() == value;
          }};
}

FilterCase EqualsCase(const char* param, const char* pointer) {
  return {param, FirstString(pointer), [pointer](const Event& e, const std::string& value) {
            return StringAt(e, pointer) == value;
          }};
}

FilterCase FixedEqualsCase(const char* param, const char* pointer, const char* value) {
  return {param, Fixed(value),
          [pointer](const Event& e, const std::string& v) { return StringAt(e, pointer) == v; }};
}

std::string Origin(const std::string& url) {
  const size_t end = url.find('/', url.find("://") + 3);
  return url.substr(0, end);
}

std::vector<FilterCase> V4FilterCases() {
  std::vector<FilterCase> cases = {
      BoolCase("suspect", "/suspect"),
      BoolCase("vpn", "/vpn"),
      BoolCase("virtual_machine", "/virtual_machine"),
      BoolCase("tampering", "/tampering"),
      BoolCase("anti_detect_browser", "/tampering_details/anti_detect_browser"),
      BoolCase("incognito", "/incognito"),
      BoolCase("privacy_settings", "/privacy_settings"),
      BoolCase("jailbroken", "/jailbroken"),
      // False keeps only the events that carry the signal (iOS), not every event.
      BoolCase("jailbroken", "/jailbroken", false),
      BoolCase("frida", "/frida"),
      BoolCase("cloned_app", "/cloned_app"),
      BoolCase("emulator", "/emulator"),
      BoolCase("root_apps", "/root_apps"),
      BoolCase("developer_tools", "/developer_tools"),
      BoolCase("location_spoofing", "/location_spoofing"),
      BoolCase("mitm_attack", "/mitm_attack"),
      BoolCase("rare_device", "/rare_device"),
      BoolCase("proxy", "/proxy"),
      BoolCase("tor_node", "/ip_blocklist/tor_node"),
      BoolCase("simulator", "/simulator"),
      BoolCase("active_call", "/active_call"),
      {"factory_reset", Fixed("true"),
       [](const Event& e, const std::string&) {
         const Event* v = At(e, "/factory_reset_timestamp");
         return v != nullptr && v->IsInt64() && v->GetInt64() > 0;
       }},
      {"bot", Fixed("all"),
       [](const Event& e, const std::string&) { return StringAt(e, "/bot") != "not_detected"; }},
      FixedEqualsCase("bot", "/bot", "good"),
      FixedEqualsCase("bot", "/bot", "bad"),
      {"bot", Fixed("none"),
       [](const Event& e, const std::string&) { return StringAt(e, "/bot") == "not_detected"; }},
      {"bot_info", Fixed("all"),
       [](const Event& e, const std::string&) { return At(e, "/bot_info") != nullptr; }},
      {"bot_info", Fixed("none"),
       [](const Event& e, const std::string&) { return At(e, "/bot_info") == nullptr; }},
      EqualsCase("bot_info_category", "/bot_info/category"),
      EqualsCase("bot_info_identity", "/bot_info/identity"),
      EqualsCase("bot_info_confidence", "/bot_info/confidence"),
      EqualsCase("bot_info_provider", "/bot_info/provider"),
      EqualsCase("bot_info_name", "/bot_info/name"),
      EqualsCase("high_recall_id", "/supplementary_id_high_recall/visitor_id"),
      EqualsCase("ip_address", "/ip_address"),
      {"ip_address",
       [](const std::vector<const Event*>& events) {
         const std::string ip = StringAt(*events[0], "/ip_address");
         return ip.substr(0, ip.find('.', ip.find('.') + 1)) + ".0.0/16";
       },
       [](const Event& e, const std::string& cidr) {
         return absl::StartsWith(StringAt(e, "/ip_address"), cidr.substr(0, cidr.size() - 6));
       }},
      {"asn", FirstString("/ip_info/v4/asn"),
       [](const Event& e, const std::string& asn) {
         return StringAt(e, "/ip_info/v4/asn") == asn || StringAt(e, "/ip_info/v6/asn") == asn;
       }},
      EqualsCase("linked_id", "/linked_id"),
      EqualsCase("url", "/url"),
      EqualsCase("bundle_id", "/bundle_id"),
      EqualsCase("package_name", "/package_name"),
      {"origin",
       [](const std::vector<const Event*>& events) { return Origin(FirstString("/url")(events)); },
       [](const Event& e, const std::string& origin) {
         return !StringAt(e, "/url").empty() && Origin(StringAt(e, "/url")) == origin;
       }},
      FixedEqualsCase("vpn_confidence", "/vpn_confidence", "high"),
      {"min_suspect_score",
       [](const std::vector<const Event*>& events) {
         std::vector<int> scores;
         for (const Event* e : events) scores.push_back((*e)["suspect_score"].GetInt());
         std::sort(scores.begin(), scores.end());
         return std::to_string(scores[scores.size() / 2] + 1);
       },
       [](const Event& e, const std::string& min) {
         return e["suspect_score"].GetInt() >= std::stoi(min);
       }},
      EqualsCase("rare_device_percentile_bucket", "/rare_device_percentile_bucket"),
      EqualsCase("sdk_version", "/sdk/version"),
      FixedEqualsCase("sdk_platform", "/sdk/platform", "android"),
      FixedEqualsCase("environment", "/environment_id", "ae_sandbox02"),
      EqualsCase("proximity_id", "/proximity/id"),
      FixedEqualsCase("incremental_identification_status", "/incremental_identification_status",
                      "partially_completed"),
  };
  return cases;
}

TEST_F(SandboxTest, EverySearchFilterKeepsExactlyTheEventsThatSatisfyIt) {
  CurlResponse all = GetAuthorized("/v4/events?limit=100");
  ASSERT_EQ(all.status, 200);
  rapidjson::Document all_doc = Parse(all.body);
  std::vector<const Event*> events;
  for (const Event& e : all_doc["events"].GetArray()) events.push_back(&e);
  ASSERT_EQ(events.size(), 57u);

  std::set<std::string> tested;
  for (const FilterCase& c : V4FilterCases()) {
    const std::string value = c.pick(events);
    SCOPED_TRACE(absl::StrCat(c.param, "=", value));
    ASSERT_FALSE(value.empty());
    std::set<std::string> want;
    for (const Event* e : events) {
      if (c.keeps(*e, value)) want.insert((*e)["event_id"].GetString());
    }
    EXPECT_FALSE(want.empty());
    EXPECT_LT(want.size(), events.size());
    char* escaped = curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
    CurlResponse filtered =
        GetAuthorized(absl::StrCat("/v4/events?limit=100&", c.param, "=", escaped));
    curl_free(escaped);
    ASSERT_EQ(filtered.status, 200) << filtered.body;
    std::set<std::string> got;
    const rapidjson::Document filtered_doc = Parse(filtered.body);
    for (const Event& e : filtered_doc["events"].GetArray()) {
      got.insert(e["event_id"].GetString());
      EXPECT_TRUE(c.keeps(e, value)) << e["event_id"].GetString();
    }
    EXPECT_EQ(got, want);
    tested.insert(c.param);
  }
  // Every filter of OAS4 searchEvents is in the table (or tested below: visitor_id, start, end,
  // source, and the array parameters' repeated keys).
  EXPECT_EQ(tested.size(), 44u) << absl::StrJoin(tested, ",");
}

TEST_F(SandboxTest, RepeatedKeysTimeWindowAndTotalHitsApplyTheFilters) {
  CurlResponse all = GetAuthorized("/v4/events?limit=100");
  rapidjson::Document all_doc = Parse(all.body);
  std::set<std::string> categories;
  for (const Event& e : all_doc["events"].GetArray()) {
    if (const Event* c = At(e, "/bot_info/category")) categories.insert(c->GetString());
  }
  ASSERT_GE(categories.size(), 2u);
  const std::string first = *categories.begin();
  const std::string second = *std::next(categories.begin());
  CurlResponse both = GetAuthorized(absl::StrCat("/v4/events?limit=100&bot_info_category=", first,
                                                 "&bot_info_category=", second));
  ASSERT_EQ(both.status, 200);
  std::set<std::string> seen;
  const rapidjson::Document both_doc = Parse(both.body);
  for (const Event& e : both_doc["events"].GetArray()) {
    seen.insert(At(e, "/bot_info/category")->GetString());
  }
  EXPECT_EQ(seen, (std::set<std::string>{first, second}));

  // start/end (Unix ms and RFC 3339) keep the events inside the window.
  const auto& list = all_doc["events"];
  const int64_t newest = list[0]["timestamp"].GetInt64();
  const int64_t oldest = list[list.Size() - 1]["timestamp"].GetInt64();
  const int64_t middle = oldest + (newest - oldest) / 2;
  for (const std::string& query : {absl::StrCat("start=", middle), absl::StrCat("end=", middle),
                                   absl::StrCat("start=", oldest + 1, "&end=", newest - 1)}) {
    SCOPED_TRACE(query);
    CurlResponse windowed = GetAuthorized(absl::StrCat("/v4/events?limit=100&", query));
    ASSERT_EQ(windowed.status, 200);
    const rapidjson::Document kept_doc = Parse(windowed.body);
    const auto& kept = kept_doc["events"];
    EXPECT_GT(kept.Size(), 0u);
    EXPECT_LT(kept.Size(), list.Size());
  }
  CurlResponse before_all = GetAuthorized("/v4/events?limit=100&end=2025-01-01T00:00:00Z");
  EXPECT_EQ(Parse(before_all.body)["events"].Size(), 0u);

  // total_hits counts the matching events (capped), not the page.
  CurlResponse hits = GetAuthorized("/v4/events?limit=2&sdk_platform=js&total_hits=1000");
  rapidjson::Document hits_doc = Parse(hits.body);
  CurlResponse js = GetAuthorized("/v4/events?limit=100&sdk_platform=js");
  EXPECT_EQ(hits_doc["total_hits"].GetInt64(),
            static_cast<int64_t>(Parse(js.body)["events"].Size()));
  EXPECT_EQ(hits_doc["events"].Size(), 2u);
  CurlResponse capped = GetAuthorized("/v4/events?limit=2&sdk_platform=js&total_hits=3");
  EXPECT_EQ(Parse(capped.body)["total_hits"].GetInt64(), 3);
}

TEST_F(SandboxTest, PaginationKeyIsBoundToEveryFilter) {
  CurlResponse first = GetAuthorized("/v4/events?limit=2&sdk_platform=js");
  ASSERT_EQ(first.status, 200);
  const std::string key = Parse(first.body)["pagination_key"].GetString();
  EXPECT_EQ(
      GetAuthorized(absl::StrCat("/v4/events?limit=2&sdk_platform=js&pagination_key=", key)).status,
      200);
  for (const char* other : {"sdk_platform=android", "sdk_platform=js&vpn=false",
                            "sdk_platform=js&source=edge", "sdk_platform=js&reverse=true"}) {
    SCOPED_TRACE(other);
    CurlResponse replayed =
        GetAuthorized(absl::StrCat("/v4/events?limit=2&", other, "&pagination_key=", key));
    EXPECT_EQ(replayed.status, 400);
    EXPECT_EQ(ErrorMessage(replayed.body), "invalid pagination key");
  }
}

TEST_F(SandboxTest, UndocumentedParametersAndBadFilterValuesAre400) {
  const BadSearchCase cases[] = {
      {"colour=red", "unknown parameter colour"},
      // The spec refuses bracket notation for arrays.
      {"environment[]=ae_sandbox01", "unknown parameter environment[]"},
      {"vpn=maybe", "invalid vpn param"},
      {"factory_reset=1", "invalid factory reset param"},
      {"min_suspect_score=high", "invalid min suspect score"},
      {"vpn_confidence=extreme", "invalid vpn confidence"},
      {"bot_info=some", "invalid bot info"},
      {"bot_info_category=robots", "invalid bot info category"},
      {"sdk_platform=windows", "invalid sdk platform"},
      {"incremental_identification_status=done", "invalid incremental identification status"},
      {"origin=https://example.com/path", "invalid origin"},
      {"source=device", "invalid source"},
      {"source=edge&source=edge", "invalid source"},
      {"total_hits=0", "invalid total_hits"},
  };
  for (const BadSearchCase& c : cases) {
    SCOPED_TRACE(c.query);
    CurlResponse response = GetAuthorized(absl::StrCat("/v4/events?", c.query));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response.body), "request_cannot_be_parsed");
    EXPECT_EQ(ErrorMessage(response.body), c.message);
  }
  // The SDKs' integration info is accepted everywhere; other endpoints refuse strangers too.
  EXPECT_EQ(GetAuthorized("/v4/events?limit=1&ii=fingerprint-pro-server-node-sdk/7.0.0").status,
            200);
  EXPECT_EQ(GetAuthorized(absl::StrCat("/v4/events/", kEventId, "?ii=x&ruleset_id=rs_a")).status,
            200);
  CurlResponse get = GetAuthorized(absl::StrCat("/v4/events/", kEventId, "?linked_id=x"));
  EXPECT_EQ(get.status, 400);
  EXPECT_EQ(ErrorMessage(get.body), "unknown parameter linked_id");
}

TEST_F(SandboxTest, OnlyTheBearerSchemeCarriesTheKey) {
  const std::string path = absl::StrCat("/v4/events/", kEventId);
  EXPECT_EQ(client_->Get(Url(path), {absl::StrCat("Authorization: Bearer ", kKey)}).status, 200);
  for (const std::vector<std::string>& headers :
       {std::vector<std::string>{absl::StrCat("Auth-API-Key: ", kKey)},
        std::vector<std::string>{absl::StrCat("Authorization: ", kKey)},
        std::vector<std::string>{absl::StrCat("Authorization: Basic ", kKey)}}) {
    SCOPED_TRACE(headers[0]);
    CurlResponse refused = client_->Get(Url(path), headers);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(ErrorCode(refused.body), "secret_api_key_required");
  }
  CurlResponse query = client_->Get(Url(absl::StrCat(path, "?api_key=", kKey)));
  EXPECT_EQ(query.status, 403);
  EXPECT_EQ(ErrorCode(query.body), "secret_api_key_required");
}

TEST_F(SandboxTest, IdsOutsideTheGeneratorsSpaceAreNotFound) {
  for (const char* id : {"1708102555327", "170810255532.abcdef",
                         "1708102555327.way-too-long-suffix", "1708102555327.shortVisitor_3"}) {
    SCOPED_TRACE(id);
    CurlResponse response = GetAuthorized(absl::StrCat("/v4/events/", id));
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(ErrorCode(response.body), "event_not_found");
  }
  CurlRequest patch;
  patch.method = "PATCH";
  patch.url = Url("/v4/events/unknown-event");
  patch.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  patch.body = R"({"suspect":true})";
  CurlResponse updated = client_->Perform(patch);
  EXPECT_EQ(updated.status, 404);
  EXPECT_EQ(ErrorCode(updated.body), "event_not_found");

  CurlRequest del;
  del.method = "DELETE";
  del.url = Url("/v4/visitors/shortVisitor");
  del.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  CurlResponse deleted = client_->Perform(del);
  EXPECT_EQ(deleted.status, 404);
  EXPECT_EQ(ErrorCode(deleted.body), "visitor_not_found");

  // Search has no such visitor's events.
  CurlResponse search = GetAuthorized("/v4/events?visitor_id=shortVisitor");
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(Parse(search.body)["events"].Size(), 0u);
  // Ids of the space (a 21-character visitor, the vendor's own example id) are found.
  EXPECT_EQ(GetAuthorized("/v4/events?visitor_id=Ibk1527CUFmcnjLwIs4A9&limit=1").status, 200);
  EXPECT_EQ(
      Parse(GetAuthorized("/v4/events?visitor_id=Ibk1527CUFmcnjLwIs4A9").body)["events"].Size(),
      10u);
}

// ------------------------------------------------------------------------------------------------
// Automation Intelligence (POST /v4/edge).

std::string EdgeRequest(const std::string& user_agent, const std::string& ip_members,
                        const std::string& extra = "") {
  return absl::StrCat(R"({"headers":[{"name":"Host","value":"shop.example.com"},)",
                      R"({"name":"User-Agent","value":")", user_agent, R"("},)",
                      R"({"name":"Cookie","value":""}],"method":"GET",)",
                      R"("url":"https://shop.example.com/checkout?step=2")", ip_members, extra,
                      "}");
}

class EdgeTest : public SandboxTest {
 protected:
  CurlResponse PostEdge(const std::string& body, const std::string& key = kKey) {
    CurlRequest request;
    request.method = "POST";
    request.url = Url("/v4/edge");
    request.headers = {"Content-Type: application/json"};
    if (!key.empty()) request.headers.push_back(absl::StrCat("Authorization: Bearer ", key));
    request.body = body;
    return client_->Perform(request);
  }
};

// The EdgeResponse's properties (EdgeResponse.yaml, additionalProperties false).
const std::set<std::string>& EdgeResponseProperties() {
  static const auto* names = new std::set<std::string>{
      "event_id",      "timestamp", "source",         "linked_id",  "tags",
      "url",           "bot_info",  "ip_info",        "proxy",      "proxy_confidence",
      "proxy_details", "vpn",       "vpn_confidence", "vpn_methods"};
  return *names;
}

TEST_F(EdgeTest, AnswersAnEdgeResponseThatVariesWithTheRequest) {
  CurlResponse human = PostEdge(EdgeRequest(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
      R"(,"ipv4_address":"173.56.25.103")", R"(,"linked_id":"order-7","tags":{"cart":3})"));
  ASSERT_EQ(human.status, 200) << human.body;
  rapidjson::Document h = Parse(human.body);
  for (const char* required : {"event_id", "timestamp", "ip_info"}) {
    EXPECT_TRUE(h.HasMember(required)) << required;
  }
  for (const auto& member : h.GetObject()) {
    EXPECT_EQ(EdgeResponseProperties().count(member.name.GetString()), 1u)
        << member.name.GetString();
  }
  EXPECT_STREQ(h["source"].GetString(), "edge");
  EXPECT_STREQ(h["url"].GetString(), "https://shop.example.com/checkout?step=2");
  EXPECT_STREQ(h["linked_id"].GetString(), "order-7");
  EXPECT_EQ(At(h, "/tags/cart")->GetInt(), 3);
  EXPECT_STREQ(At(h, "/ip_info/v4/address")->GetString(), "173.56.25.103");
  EXPECT_TRUE(At(h, "/ip_info/v4/geolocation/country_code")->IsString());
  EXPECT_FALSE(h.HasMember("bot_info"));
  EXPECT_FALSE(h["proxy"].GetBool());
  EXPECT_FALSE(h["vpn"].GetBool());
  const std::string event_id = h["event_id"].GetString();
  EXPECT_TRUE(absl::StartsWith(event_id, std::to_string(h["timestamp"].GetInt64()) + "."));

  // Deterministic: the same request names the same event; GET serves it as an edge event.
  EXPECT_EQ(PostEdge(EdgeRequest("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 "
                                 "Safari/537.36",
                                 R"(,"ipv4_address":"173.56.25.103")",
                                 R"(,"linked_id":"order-7","tags":{"cart":3})"))
                .body,
            human.body);
  CurlResponse fetched = GetAuthorized(absl::StrCat("/v4/events/", event_id));
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, human.body);

  rapidjson::Document bot = Parse(PostEdge(EdgeRequest("Mozilla/5.0 (compatible; Googlebot/2.1)",
                                                       R"(,"ipv6_address":"2001:4860:4801:10::1")"))
                                      .body);
  EXPECT_STREQ(At(bot, "/bot_info/name")->GetString(), "Googlebot");
  EXPECT_STREQ(At(bot, "/bot_info/category")->GetString(), "search_engine_crawler");
  EXPECT_NE(At(bot, "/ip_info/v6/address"), nullptr);
  EXPECT_EQ(At(bot, "/ip_info/v4"), nullptr);

  rapidjson::Document proxied =
      Parse(PostEdge(EdgeRequest("Mozilla/5.0", R"(,"ipv4_address":"203.0.113.9")")).body);
  EXPECT_TRUE(proxied["proxy"].GetBool());
  EXPECT_STREQ(At(proxied, "/proxy_details/proxy_type")->GetString(), "residential");
  rapidjson::Document vpn =
      Parse(PostEdge(EdgeRequest("Mozilla/5.0", R"(,"ipv4_address":"198.51.100.20")")).body);
  EXPECT_TRUE(vpn["vpn"].GetBool());
  EXPECT_TRUE(At(vpn, "/vpn_methods/public_vpn")->GetBool());
  // An IPv4-mapped IPv6 address is reported as IPv4.
  rapidjson::Document mapped =
      Parse(PostEdge(EdgeRequest("Mozilla/5.0", R"(,"ipv6_address":"::ffff:34.162.244.71")")).body);
  EXPECT_STREQ(At(mapped, "/ip_info/v4/address")->GetString(), "34.162.244.71");
}

TEST_F(EdgeTest, RefusesRequestsTheSpecRefuses) {
  struct BadEdgeCase {
    std::string body;
    const char* message;
  };
  const BadEdgeCase cases[] = {
      {R"({"headers":[{"name":"Host","value":"a"}],"method":"GET","url":"https://a.test/"})",
       "at least one of ipv4_address or ipv6_address is required"},
      {EdgeRequest("x", R"(,"ipv4_address":"1.2.3.4")", R"(,"colour":"red")"),
       "request body contains an unknown field \"colour\""},
      {R"({"headers":[{"name":"A","value":"b","x":1}],"method":"GET","url":"https://a.test/",)"
       R"("ipv4_address":"1.2.3.4"})",
       "request body contains an unknown field \"x\""},
      {R"({"headers":[],"method":"GET","url":"https://a.test/","ipv4_address":"1.2.3.4"})",
       "headers is required"},
      {R"({"method":"GET","url":"https://a.test/","ipv4_address":"1.2.3.4"})",
       "headers is required"},
      {R"({"headers":[{"name":"A"}],"method":"GET","url":"https://a.test/","ipv4_address":"1.2.3.4"})",
       "each header needs a name and a value"},
      {R"({"headers":[{"name":"Bad Name","value":""}],"method":"GET","url":"https://a.test/",)"
       R"("ipv4_address":"1.2.3.4"})",
       "invalid header name \"Bad Name\""},
      {R"({"headers":[{"name":"A","value":"b"}],"url":"https://a.test/","ipv4_address":"1.2.3.4"})",
       "method is required"},
      {R"({"headers":[{"name":"A","value":"b"}],"method":"GET","ipv4_address":"1.2.3.4"})",
       "url is required"},
      {R"({"headers":[{"name":"A","value":"b"}],"method":"GET","url":"/relative",)"
       R"("ipv4_address":"1.2.3.4"})",
       "invalid url"},
      {R"({"headers":[{"name":"A","value":"b"}],"method":"GET","url":"ftp://a.test/",)"
       R"("ipv4_address":"1.2.3.4"})",
       "invalid url"},
      {R"({"headers":[{"name":"A","value":"b"}],"method":"GET","url":"https://a.test/#frag",)"
       R"("ipv4_address":"1.2.3.4"})",
       "invalid url"},
      {R"({"headers":[{"name":"A","value":"b"}],"method":"GET","url":"https://a.test/",)"
       R"("ipv4_address":"2001:db8::1"})",
       "invalid ipv4_address"},
      {R"({"headers":[{"name":"A","value":"b"}],"method":"GET","url":"https://a.test/",)"
       R"("ipv6_address":"1.2.3.4"})",
       "invalid ipv6_address"},
      {R"({"headers":{"A":"b"},"method":"GET","url":"https://a.test/","ipv4_address":"1.2.3.4"})",
       "request body is not valid"},
      {"not json", "request body is not valid"},
  };
  for (const BadEdgeCase& c : cases) {
    SCOPED_TRACE(c.body);
    CurlResponse response = PostEdge(c.body);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response.body), "request_cannot_be_parsed");
    EXPECT_EQ(ErrorMessage(response.body), c.message);
  }
  CurlResponse large =
      PostEdge(EdgeRequest(std::string(70 * 1024, 'x'), R"(,"ipv4_address":"1.2.3.4")"));
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(ErrorCode(large.body), "payload_too_large");

  CurlResponse no_key = PostEdge(EdgeRequest("x", R"(,"ipv4_address":"1.2.3.4")"), "");
  EXPECT_EQ(no_key.status, 403);
  EXPECT_EQ(ErrorCode(no_key.body), "secret_api_key_required");
  CurlRequest get;
  get.url = Url("/v4/edge");
  get.headers = {absl::StrCat("Authorization: Bearer ", kKey)};
  CurlResponse wrong_method = client_->Perform(get);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers["allow"], "POST");
}

TEST_F(EdgeTest, ScenariosAndCountersCoverTheEdgeRoute) {
  const uint64_t before = sandbox_->request_count(kRouteFingerprintV4Edge);
  CurlResponse limited = PostEdge(
      EdgeRequest("x", R"(,"ipv4_address":"1.2.3.4")", R"(,"linked_id":"sandbox-rate-limited")"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCode(limited.body), "too_many_requests");
  CurlRequest request;
  request.method = "POST";
  request.url = Url("/v4/edge");
  request.headers = {absl::StrCat("Authorization: Bearer ", kKey),
                     "X-Sandbox-Scenario: server-error"};
  request.body = EdgeRequest("x", R"(,"ipv4_address":"1.2.3.4")");
  EXPECT_EQ(client_->Perform(request).status, 500);
  EXPECT_EQ(sandbox_->request_count(kRouteFingerprintV4Edge) - before, 2u);
}

TEST_F(EdgeTest, SourceEdgeSearchesEdgeEventsOnly) {
  CurlResponse edge = GetAuthorized("/v4/events?source=edge&limit=100");
  ASSERT_EQ(edge.status, 200);
  rapidjson::Document e = Parse(edge.body);
  ASSERT_GT(e["events"].Size(), 0u);
  std::set<std::string> edge_ids;
  for (const Event& event : e["events"].GetArray()) {
    EXPECT_STREQ(event["source"].GetString(), "edge");
    edge_ids.insert(event["event_id"].GetString());
  }
  CurlResponse device = GetAuthorized("/v4/events?limit=100");
  const rapidjson::Document device_doc = Parse(device.body);
  for (const Event& event : device_doc["events"].GetArray()) {
    EXPECT_STREQ(event["source"].GetString(), "device");
    EXPECT_EQ(edge_ids.count(event["event_id"].GetString()), 0u);
  }
  // Filters apply to edge events too, and an edge event is served by id.
  CurlResponse bots = GetAuthorized("/v4/events?source=edge&limit=100&bot_info=all");
  const rapidjson::Document bots_doc = Parse(bots.body);
  const auto& bot_events = bots_doc["events"];
  EXPECT_GT(bot_events.Size(), 0u);
  EXPECT_LT(bot_events.Size(), e["events"].Size());
  const std::string id = e["events"][0]["event_id"].GetString();
  CurlResponse by_id = GetAuthorized(absl::StrCat("/v4/events/", id));
  ASSERT_EQ(by_id.status, 200);
  EXPECT_EQ(Parse(by_id.body), e["events"][0]);
}

}  // namespace
}  // namespace fpgw::sandbox
