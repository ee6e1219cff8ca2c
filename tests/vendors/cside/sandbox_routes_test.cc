// The sandbox's cside emulation over real TLS with libcurl: Bearer auth and error bodies,
// generated payloads in the assumed shapes, pending-then-complete, device-entry pagination, the
// public text/plain endpoints and the shared scenarios.
#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"
#include "sandbox/cside/data.h"
#include "sandbox/cside/routes.h"
#include "sandbox/sandbox.h"
#include "testing/curl_test_client.h"

namespace fpgw::sandbox {
namespace {

using ::fpgw::testing::CurlRequest;
using ::fpgw::testing::CurlResponse;
using ::fpgw::testing::CurlTestClient;

constexpr char kKey[] = "cside_tgatv1_sandbox-test-key";

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return doc;
}

const rapidjson::Value* At(const rapidjson::Value& root, const char* pointer) {
  return rapidjson::Pointer(pointer).Get(root);
}

class CsideRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SandboxOptions options;
    options.credentials["cside"] = kKey;
    options.seed = 7;
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

  CurlResponse PostJson(absl::string_view path, const std::string& body,
                        const std::string& key = kKey, std::vector<std::string> headers = {}) {
    CurlRequest request;
    request.method = "POST";
    request.url = sandbox_->base_url() + std::string(path);
    request.body = body;
    headers.push_back("Content-Type: application/json");
    if (!key.empty()) headers.push_back("Authorization: Bearer " + key);
    request.headers = std::move(headers);
    return client_->Perform(request);
  }

  CurlResponse PostText(absl::string_view path, const std::string& token) {
    CurlRequest request;
    request.method = "POST";
    request.url = sandbox_->base_url() + std::string(path);
    request.body = token;
    request.headers = {"Content-Type: text/plain"};
    return client_->Perform(request);
  }

  CurlResponse Verify(const std::string& token, const std::string& key = kKey) {
    return PostJson("/token/v2/verify", absl::StrCat(R"({"token":")", token, R"("})"), key);
  }

  CurlResponse Entries(const std::string& body) {
    return PostJson("/token/v2/device/entries", body);
  }

  static Sandbox* sandbox_;
  std::unique_ptr<CurlTestClient> client_;
};

Sandbox* CsideRoutesTest::sandbox_ = nullptr;

TEST_F(CsideRoutesTest, VerifyNeedsTheBearerKey) {
  for (const std::string& key : {std::string(), std::string("cside_tgatv1_wrong")}) {
    CurlResponse response = Verify("tok-auth", key);
    EXPECT_EQ(response.status, 401);
    rapidjson::Document doc = Parse(response.body);
    ASSERT_TRUE(doc.IsObject()) << response.body;
    EXPECT_TRUE(doc["error_message"].IsString());
  }
  CurlResponse entries =
      PostJson("/token/v2/device/entries", R"({"token":"tok-auth"})", "cside_tgatv1_wrong");
  EXPECT_EQ(entries.status, 401);
  EXPECT_TRUE(Parse(entries.body)["error"].IsString());
}

TEST_F(CsideRoutesTest, VerifyPayloadFillsEveryBlockInTheAssumedShapes) {
  CurlResponse response = Verify("tok-complete-1");
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document doc = Parse(response.body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["status"].GetString(), "completed");
  EXPECT_TRUE(doc["created_at"].IsInt64());
  EXPECT_GE(doc["updated_at"].GetInt64(), doc["created_at"].GetInt64());
  for (const char* block : {"vpn_evaluation", "fingerprint", "geo_data", "ip_enrichment", "bot",
                            "network_client_metrics", "fingerprint_enrichment"}) {
    EXPECT_TRUE(doc.HasMember(block) && doc[block].IsObject()) << block;
  }
  EXPECT_TRUE(At(doc, "/fingerprint/id")->IsString());
  EXPECT_EQ(std::string(At(doc, "/fingerprint/id")->GetString()),
            CsideDeviceId(7, "tok-complete-1"));
  EXPECT_TRUE(At(doc, "/geo_data/country_code")->IsString());
  EXPECT_TRUE(At(doc, "/geo_data/latitude")->IsNumber());
  EXPECT_TRUE(At(doc, "/ip_enrichment/ip")->IsString());
  EXPECT_TRUE(At(doc, "/ip_enrichment/is_datacenter")->IsBool());
  EXPECT_TRUE(At(doc, "/vpn_evaluation/is_vpn")->IsBool());
  EXPECT_TRUE(At(doc, "/bot/is_bot")->IsBool());
  EXPECT_TRUE(At(doc, "/network_client_metrics/user_agent")->IsString());
  EXPECT_TRUE(At(doc, "/fingerprint_enrichment/browser_name")->IsString());

  // Deterministic: same seed and token, same bytes.
  EXPECT_EQ(Verify("tok-complete-1").body, response.body);
  EXPECT_NE(Verify("tok-complete-2").body, response.body);
}

TEST_F(CsideRoutesTest, PendingTokenAnswers202ForTheFirstNPollsThenCompletes) {
  const uint64_t before = sandbox_->request_count(kRouteCsideVerify);
  for (int i = 0; i < 3; ++i) {
    CurlResponse response = Verify("sandbox-pending-3-routes");
    EXPECT_EQ(response.status, 202);
    EXPECT_EQ(response.body, R"({"status":"pending"})");
  }
  CurlResponse done = Verify("sandbox-pending-3-routes");
  EXPECT_EQ(done.status, 200);
  EXPECT_STREQ(Parse(done.body)["status"].GetString(), "completed");
  EXPECT_EQ(sandbox_->request_count(kRouteCsideVerify) - before, 4u);
}

TEST_F(CsideRoutesTest, DeviceEntriesPageNewestFirstWithNextOffset) {
  std::set<int64_t> seen;
  int64_t last_created = INT64_MAX;
  int64_t offset = 0;
  int pages = 0;
  std::string device;
  while (true) {
    CurlResponse response =
        Entries(absl::StrCat(R"({"token":"tok-history","limit":10,"offset":)", offset, "}"));
    ASSERT_EQ(response.status, 200) << response.body;
    rapidjson::Document doc = Parse(response.body);
    device = doc["device_id"].GetString();
    EXPECT_EQ(doc["limit"].GetInt(), 10);
    EXPECT_EQ(doc["offset"].GetInt64(), offset);
    for (const auto& entry : doc["entries"].GetArray()) {
      const int64_t created = entry["created_at"].GetInt64();
      EXPECT_LT(created, last_created) << "not newest first";
      last_created = created;
      EXPECT_TRUE(seen.insert(created).second);
      EXPECT_EQ(std::string(entry["fingerprint"]["id"].GetString()), device);
    }
    ++pages;
    if (!doc["has_more"].GetBool()) {
      EXPECT_TRUE(doc["next_offset"].IsNull());
      break;
    }
    offset = doc["next_offset"].GetInt64();
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCsideEntriesPerDevice));
  EXPECT_EQ(device, CsideDeviceId(7, "tok-history"));
}

TEST_F(CsideRoutesTest, DeviceEntriesClampTheLimitAndCheckTheBody) {
  CurlResponse all = Entries(R"({"token":"tok-clamp","limit":9000})");
  ASSERT_EQ(all.status, 200);
  rapidjson::Document doc = Parse(all.body);
  EXPECT_EQ(doc["limit"].GetInt(), 500);
  EXPECT_EQ(doc["entries"].Size(), static_cast<size_t>(kCsideEntriesPerDevice));
  EXPECT_FALSE(doc["has_more"].GetBool());
  CurlResponse defaults = Entries(R"({"token":"tok-clamp"})");
  EXPECT_EQ(Parse(defaults.body)["limit"].GetInt(), 500);

  for (const char* body : {R"({"token":"t","limit":0})", R"({"token":"t","limit":"5"})",
                           R"({"token":"t","offset":-1})", R"({"limit":5})", "not json"}) {
    CurlResponse bad = Entries(body);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_TRUE(Parse(bad.body)["error"].IsString()) << body;
  }
}

TEST_F(CsideRoutesTest, PublicEndpointsTakeTheRawTokenAsText) {
  CurlResponse client = PostText("/token/v1/client", "tok-public-1");
  ASSERT_EQ(client.status, 200) << client.body;
  rapidjson::Document doc = Parse(client.body);
  EXPECT_TRUE(doc.IsObject());
  EXPECT_FALSE(doc.HasMember("fingerprint"));
  EXPECT_TRUE(doc.HasMember("geo_data"));

  CurlResponse id = PostText("/token/v1/clientId", "tok-public-1");
  EXPECT_EQ(id.status, 200);
  EXPECT_EQ(id.body, CsideDeviceId(7, "tok-public-1"));
  EXPECT_THAT(id.headers["content-type"], ::testing::StartsWith("text/plain"));

  EXPECT_EQ(PostText("/token/v1/clientId", "sandbox-not-found").status, 404);
  EXPECT_EQ(PostText("/token/v1/clientId", "sandbox-no-fingerprint-id-1").status, 404);
  EXPECT_EQ(PostText("/token/v1/client", "sandbox-no-fingerprint-id-1").status, 200);
  EXPECT_EQ(PostText("/token/v1/client", R"({"token":"x"})").status, 400);
  EXPECT_EQ(PostText("/token/v1/client", "").status, 400);
}

TEST_F(CsideRoutesTest, SharedScenarios) {
  CurlResponse not_found = Verify("sandbox-not-found");
  EXPECT_EQ(not_found.status, 404);
  EXPECT_TRUE(Parse(not_found.body)["error_message"].IsString());
  CurlResponse entries_not_found = Entries(R"({"token":"sandbox-not-found"})");
  EXPECT_EQ(entries_not_found.status, 404);
  EXPECT_TRUE(Parse(entries_not_found.body)["error"].IsString());

  CurlResponse limited = Verify("sandbox-rate-limited");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["retry-after"], "1");
  EXPECT_EQ(Verify("sandbox-server-error").status, 500);

  CurlResponse malformed = Verify("sandbox-malformed");
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(Parse(malformed.body).HasParseError());
  CurlResponse html = Verify("sandbox-html");
  EXPECT_THAT(html.headers["content-type"], ::testing::StartsWith("text/html"));
  EXPECT_NE(Verify("sandbox-reset").code, CURLE_OK);

  CurlResponse slow = Verify("sandbox-slow-300");
  EXPECT_EQ(slow.status, 200);
  EXPECT_GE(slow.total_seconds, 0.25);

  CurlResponse drift = Verify("sandbox-drift");
  ASSERT_EQ(drift.status, 200);
  rapidjson::Document doc = Parse(drift.body);
  EXPECT_TRUE(doc["created_at"].IsString());
  EXPECT_TRUE(doc["geo_data"].IsString());
  EXPECT_TRUE(At(doc, "/fingerprint/id")->IsInt());
  EXPECT_TRUE(doc.HasMember("sandbox_future_block"));

  CurlResponse by_header = PostJson("/token/v2/verify", R"({"token":"plain-token"})", kKey,
                                    {"X-Sandbox-Scenario: server-error"});
  EXPECT_EQ(by_header.status, 500);
  CurlResponse unknown = PostJson("/token/v2/verify", R"({"token":"plain-token"})", kKey,
                                  {"X-Sandbox-Scenario: no-such-scenario"});
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(CsideRoutesTest, OnlyPostIsServed) {
  CurlRequest request;
  request.url = sandbox_->base_url() + "/token/v2/verify";
  CurlResponse response = client_->Perform(request);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers["allow"], "POST");
}

}  // namespace
}  // namespace fpgw::sandbox
