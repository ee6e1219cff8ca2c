// The sandbox's cside emulation over real TLS with libcurl: Bearer auth and error bodies, which
// tokens exist, generated payloads in the assumed and the other shapes, pending-then-complete,
// device-entry pagination (and broken pages), the public text/plain endpoints with clientId's
// device id, and the shared scenarios.
#include <curl/curl.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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

constexpr uint64_t kSeed = 7;
constexpr char kKey[] = "cside_tgatv1_sandbox-test-key";

// The paths src/vendors/cside/ASSUMED_PATHS.md listed when the shapes were written: the assumed
// shape fills each (but the alternatives `fingerprint.device_id`, `fingerprint.fingerprint_id`,
// `ip_enrichment.ip_address`, `geo_data.country_name` and, for non-bots, `bot.type`), the renamed
// shape none.
constexpr const char* kAssumedPaths[] = {
    "/fingerprint/id",
    "/fingerprint/device_id",
    "/fingerprint/fingerprint_id",
    "/fingerprint/confidence",
    "/fingerprint/first_seen_at",
    "/fingerprint/last_seen_at",
    "/external_ids",
    "/ip_enrichment/ip",
    "/ip_enrichment/ip_address",
    "/ip_enrichment/asn",
    "/ip_enrichment/asn_name",
    "/ip_enrichment/is_datacenter",
    "/geo_data/country_code",
    "/geo_data/country",
    "/geo_data/country_name",
    "/geo_data/region",
    "/geo_data/city",
    "/geo_data/postal_code",
    "/geo_data/latitude",
    "/geo_data/longitude",
    "/geo_data/timezone",
    "/vpn_evaluation/is_vpn",
    "/vpn_evaluation/is_proxy",
    "/vpn_evaluation/is_tor",
    "/bot/is_bot",
    "/bot/type",
    "/fingerprint_enrichment/browser_name",
    "/fingerprint_enrichment/browser_version",
    "/fingerprint_enrichment/os",
    "/fingerprint_enrichment/os_version",
    "/fingerprint_enrichment/device_type",
    "/fingerprint_enrichment/is_incognito",
    "/network_client_metrics/user_agent",
};
constexpr const char* kBlocks[] = {"vpn_evaluation",        "fingerprint", "geo_data",
                                   "ip_enrichment",         "bot",         "network_client_metrics",
                                   "fingerprint_enrichment"};

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
    options.seed = kSeed;
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

  CurlResponse PostText(absl::string_view path, const std::string& token,
                        std::vector<std::string> headers = {}) {
    CurlRequest request;
    request.method = "POST";
    request.url = sandbox_->base_url() + std::string(path);
    request.body = token;
    headers.push_back("Content-Type: text/plain");
    request.headers = std::move(headers);
    return client_->Perform(request);
  }

  CurlResponse Verify(const std::string& token, const std::string& key = kKey,
                      std::vector<std::string> headers = {}) {
    return PostJson("/token/v2/verify", absl::StrCat(R"({"token":")", token, R"("})"), key,
                    std::move(headers));
  }

  // The verify payload of `token` (asserting a 200).
  rapidjson::Document VerifyPayload(const std::string& token,
                                    std::vector<std::string> headers = {}) {
    CurlResponse response = Verify(token, kKey, std::move(headers));
    EXPECT_EQ(response.status, 200) << token << ": " << response.body;
    return Parse(response.body);
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
            CsideDeviceId(kSeed, "tok-complete-1"));
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
  EXPECT_EQ(device, CsideDeviceId(kSeed, "tok-history"));
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
  EXPECT_EQ(id.body, CsideDeviceId(kSeed, "tok-public-1"));
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

// The kind of a JSON value (true and false are one kind).
enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
Kind KindOf(const rapidjson::Value& v) {
  if (v.IsBool()) return Kind::kBool;
  if (v.IsNumber()) return Kind::kNumber;
  if (v.IsString()) return Kind::kString;
  if (v.IsArray()) return Kind::kArray;
  if (v.IsObject()) return Kind::kObject;
  return Kind::kNull;
}

TEST_F(CsideRoutesTest, OnlyTheV2EndpointsNeedTheBearerKey) {
  // With the key: answered.
  EXPECT_EQ(Verify("tok-auth-ok").status, 200);
  // Anything but `Bearer <the key>`: 401 with the endpoint's error member.
  for (const std::string& authorization :
       {std::string("Bearer cside_tgatv1_wrong"), absl::StrCat("Basic ", kKey),
        absl::StrCat("Token ", kKey), std::string(kKey)}) {
    SCOPED_TRACE(authorization);
    CurlResponse verify = PostJson("/token/v2/verify", R"({"token":"tok-auth-ok"})", "",
                                   {"Authorization: " + authorization});
    EXPECT_EQ(verify.status, 401);
    EXPECT_TRUE(Parse(verify.body)["error_message"].IsString());
    CurlResponse entries = PostJson("/token/v2/device/entries", R"({"token":"tok-auth-ok"})", "",
                                    {"Authorization: " + authorization});
    EXPECT_EQ(entries.status, 401);
    EXPECT_TRUE(Parse(entries.body)["error"].IsString());
  }
  // The public endpoints need none and ignore one if sent, right or wrong.
  for (const std::vector<std::string>& headers : {std::vector<std::string>{},
                                                  {"Authorization: Bearer cside_tgatv1_wrong"},
                                                  {absl::StrCat("Authorization: Bearer ", kKey)},
                                                  {"Authorization: Basic Zm9vOmJhcg=="}}) {
    CurlResponse client = PostText("/token/v1/client", "tok-auth-ok", headers);
    EXPECT_EQ(client.status, 200) << client.body;
    CurlResponse id = PostText("/token/v1/clientId", "tok-auth-ok", headers);
    EXPECT_EQ(id.status, 200);
    EXPECT_EQ(id.body, CsideDeviceId(kSeed, "tok-auth-ok"));
  }
}

TEST(CsideSandboxOptionsTest, TheKeyIsACsideFingerprintApiKey) {
  for (const char* key : {"sk_live_0123456789", "cside_tgatv1_", "CSIDE_TGATV1_abc"}) {
    SandboxOptions options;
    options.credentials["cside"] = key;
    EXPECT_EQ(Sandbox::Start(options).status().code(), absl::StatusCode::kInvalidArgument) << key;
  }
}

TEST_F(CsideRoutesTest, UnknownTokensAre404OnEveryEndpoint) {
  std::vector<std::string> unknown = {
      "eyJ-not-a-token",
      "eyJhbGciOiJIUzI1NiJ9.only-two",
      "eyJhbGciOiJIUzI1NiJ9..empty-payload",
      "eyJhbGciOiJIUzI1NiJ9.a.b.four",
      "eyJhbGciOiJIUzI1NiJ9.not+url.safe",
  };
  for (int i = 0; i < 4; ++i) {
    unknown.push_back(CsideSessionToken(kSeed, absl::StrCat("gone-", i), /*known=*/false));
  }
  for (const std::string& token : unknown) {
    SCOPED_TRACE(token);
    EXPECT_FALSE(IsKnownCsideToken(kSeed, token));
    CurlResponse verify = Verify(token);
    EXPECT_EQ(verify.status, 404);
    EXPECT_EQ(verify.body, R"({"error_message":"Token not found"})");
    CurlResponse entries = Entries(absl::StrCat(R"({"token":")", token, R"("})"));
    EXPECT_EQ(entries.status, 404);
    EXPECT_EQ(entries.body, R"({"error":"Device not found"})");
    CurlResponse client = PostText("/token/v1/client", token);
    EXPECT_EQ(client.status, 404);
    EXPECT_EQ(client.body, R"({"error_message":"Token not found"})");
    CurlResponse id = PostText("/token/v1/clientId", token);
    EXPECT_EQ(id.status, 404);
    EXPECT_EQ(id.body, "Not Found");
    EXPECT_THAT(id.headers["content-type"], ::testing::StartsWith("text/plain"));
  }
  // The not-found scenario answers as for an unknown token.
  EXPECT_EQ(Verify("sandbox-not-found").body, R"({"error_message":"Token not found"})");

  // Well-formed session tokens are known but for about one in sixteen, by (seed, token).
  int gone = 0;
  for (int i = 0; i < 1600; ++i) {
    if (!IsKnownCsideToken(kSeed, CsideSessionToken(0, absl::StrCat("share-", i)))) ++gone;
  }
  EXPECT_GT(gone, 50);
  EXPECT_LT(gone, 160);
  for (int i = 0; i < 4; ++i) {
    const std::string token = CsideSessionToken(kSeed, absl::StrCat("live-", i));
    ASSERT_TRUE(IsKnownCsideToken(kSeed, token));
    rapidjson::Document doc = VerifyPayload(token);
    EXPECT_EQ(std::string(At(doc, "/fingerprint/id")->GetString()), CsideDeviceId(kSeed, token));
  }
  // Readable test tokens and scenario tokens are known.
  for (const char* token : {"gw-complete-1", "fault-f1b", "sandbox-slow-300.f1", "t"}) {
    EXPECT_TRUE(IsKnownCsideToken(kSeed, token)) << token;
  }
  // The sandbox-mode example tokens are known and have a fingerprint id where they are used
  // (seed 1: sandbox mode, the demo, the gateway harness).
  for (const SandboxIntegration& integration : CsideSandboxVendor().info().integrations) {
    rapidjson::Document example = Parse(std::string(integration.example_request));
    ASSERT_TRUE(example.IsObject());
    const std::string token = example["token"].GetString();
    EXPECT_TRUE(absl::StartsWith(token, "eyJ")) << integration.name;
    EXPECT_TRUE(IsKnownCsideToken(1, token)) << integration.name;
    EXPECT_TRUE(CsideHasFingerprintId(1, token)) << integration.name;
  }
}

TEST_F(CsideRoutesTest, ClientIdAnswersTheDeviceIdTheVerifyPayloadCarries) {
  for (int i = 0; i < 6; ++i) {
    const std::string token = CsideTestToken(kSeed, absl::StrCat("tok-id-", i, "."), true);
    SCOPED_TRACE(token);
    CurlResponse id = PostText("/token/v1/clientId", token);
    ASSERT_EQ(id.status, 200);
    EXPECT_THAT(id.headers["content-type"], ::testing::StartsWith("text/plain"));
    EXPECT_EQ(id.body, CsideDeviceId(kSeed, token));
    EXPECT_EQ(At(VerifyPayload(token), "/fingerprint/id")->GetString(), id.body);
    EXPECT_EQ(
        At(VerifyPayload(token, {"X-Sandbox-Scenario: shape-renamed"}), "/fingerprint/visitor_id")
            ->GetString(),
        id.body);
  }

  // About one known token in sixteen has no fingerprint id: clientId 404, while verify and
  // /token/v1/client still answer (verify with the device id).
  int without = 0;
  for (int i = 0; i < 1600; ++i) {
    if (!CsideHasFingerprintId(kSeed, absl::StrCat("share-", i))) ++without;
  }
  EXPECT_GT(without, 50);
  EXPECT_LT(without, 160);
  for (int i = 0; i < 3; ++i) {
    const std::string token = CsideTestToken(kSeed, absl::StrCat("tok-no-id-", i, "."), false);
    SCOPED_TRACE(token);
    CurlResponse id = PostText("/token/v1/clientId", token);
    EXPECT_EQ(id.status, 404);
    EXPECT_EQ(id.body, "Not Found");
    EXPECT_EQ(std::string(At(VerifyPayload(token), "/fingerprint/id")->GetString()),
              CsideDeviceId(kSeed, token));
    EXPECT_EQ(PostText("/token/v1/client", token).status, 200);
  }

  // Verify renamed + clientId answers, by token: the shape does not change clientId.
  const std::string renamed_ok = CsideTestToken(kSeed, "sandbox-shape-renamed.", true);
  rapidjson::Document renamed = VerifyPayload(renamed_ok);
  EXPECT_EQ(At(renamed, "/fingerprint/id"), nullptr);
  ASSERT_NE(At(renamed, "/fingerprint/visitor_id"), nullptr);
  CurlResponse ok = PostText("/token/v1/clientId", renamed_ok);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, At(renamed, "/fingerprint/visitor_id")->GetString());
  // Verify renamed + clientId 404, by token.
  const std::string renamed_404 = CsideTestToken(kSeed, "sandbox-shape-renamed.", false);
  EXPECT_NE(At(VerifyPayload(renamed_404), "/fingerprint/visitor_id"), nullptr);
  EXPECT_EQ(PostText("/token/v1/clientId", renamed_404).status, 404);
  // The same by header, for any token with a fingerprint id.
  EXPECT_EQ(
      At(VerifyPayload("tok-public-1", {"X-Sandbox-Scenario: shape-renamed"}), "/fingerprint/id"),
      nullptr);
  EXPECT_EQ(
      PostText("/token/v1/clientId", "tok-public-1", {"X-Sandbox-Scenario: no-fingerprint-id"})
          .status,
      404);
  EXPECT_EQ(
      PostText("/token/v1/clientId", "tok-public-1", {"X-Sandbox-Scenario: shape-renamed"}).status,
      200);
}

TEST_F(CsideRoutesTest, PayloadShapesAreSelectedByScenario) {
  const std::string token = "tok-shape";
  rapidjson::Document assumed = VerifyPayload(token);
  ASSERT_TRUE(assumed.IsObject());
  EXPECT_EQ(Verify(token, kKey, {"X-Sandbox-Scenario: shape-assumed"}).body, Verify(token).body);
  // The assumed shape fills the assumed paths but the alternatives.
  int present = 0;
  for (const char* path : kAssumedPaths) present += At(assumed, path) != nullptr ? 1 : 0;
  EXPECT_GE(present, static_cast<int>(std::size(kAssumedPaths)) - 5);

  auto same_top_level = [&](const rapidjson::Document& doc) {
    for (const char* key : {"/status", "/created_at", "/updated_at"}) {
      ASSERT_NE(At(doc, key), nullptr) << key;
      EXPECT_TRUE(*At(doc, key) == *At(assumed, key)) << key;
    }
  };

  // Renamed: the documented top level and blocks, no assumed path, the same data under other
  // names. Selected by header or by token.
  rapidjson::Document renamed = VerifyPayload(token, {"X-Sandbox-Scenario: shape-renamed"});
  same_top_level(renamed);
  for (const char* block : kBlocks) EXPECT_TRUE(renamed[block].IsObject()) << block;
  for (const char* path : kAssumedPaths) EXPECT_EQ(At(renamed, path), nullptr) << path;
  const std::map<std::string, std::string> same_data = {
      {"/fingerprint/visitor_id", "/fingerprint/id"},
      {"/geo_data/country_iso", "/geo_data/country_code"},
      {"/ip_enrichment/ip_addr", "/ip_enrichment/ip"},
      {"/bot/detected", "/bot/is_bot"},
      {"/vpn_evaluation/vpn", "/vpn_evaluation/is_vpn"},
      {"/externalIds", "/external_ids"},
      {"/network_client_metrics/ua", "/network_client_metrics/user_agent"},
  };
  for (const auto& [renamed_path, assumed_path] : same_data) {
    ASSERT_NE(At(renamed, renamed_path.c_str()), nullptr) << renamed_path;
    EXPECT_TRUE(*At(renamed, renamed_path.c_str()) == *At(assumed, assumed_path.c_str()))
        << renamed_path;
  }
  rapidjson::Document by_token = VerifyPayload("sandbox-shape-renamed-1");
  EXPECT_EQ(At(by_token, "/fingerprint/id"), nullptr);
  EXPECT_NE(At(by_token, "/geo_data/country_iso"), nullptr);

  // Missing blocks: the documented top level only.
  rapidjson::Document missing = VerifyPayload(token, {"X-Sandbox-Scenario: shape-missing-blocks"});
  EXPECT_EQ(missing.MemberCount(), 3u);
  same_top_level(missing);

  // Extra blocks: the assumed shape untouched, plus what nothing maps.
  rapidjson::Document extra = VerifyPayload(token, {"X-Sandbox-Scenario: shape-extra-blocks"});
  for (const char* path : kAssumedPaths) {
    if (At(assumed, path) == nullptr) continue;
    ASSERT_NE(At(extra, path), nullptr) << path;
    EXPECT_TRUE(*At(extra, path) == *At(assumed, path)) << path;
  }
  for (const char* block : {"risk", "browser", "device", "session"}) {
    EXPECT_TRUE(extra.HasMember(block) && extra[block].IsObject()) << block;
  }
  EXPECT_TRUE(At(extra, "/fingerprint/components")->IsObject());
  EXPECT_NE(At(extra, "/geo_data/accuracy_radius_km"), nullptr);
  EXPECT_NE(At(extra, "/ip_enrichment/reverse_dns"), nullptr);

  // Drift: every assumed path of the assumed shape is there with another type, bot.type too; the
  // documented top level stays right.
  rapidjson::Document drift = VerifyPayload(token, {"X-Sandbox-Scenario: shape-drift"});
  same_top_level(drift);
  for (const char* path : kAssumedPaths) {
    if (At(assumed, path) == nullptr) continue;
    ASSERT_NE(At(drift, path), nullptr) << path;
    EXPECT_NE(KindOf(*At(drift, path)), KindOf(*At(assumed, path))) << path;
  }
  ASSERT_NE(At(drift, "/bot/type"), nullptr);
  EXPECT_FALSE(At(drift, "/bot/type")->IsString());

  // Device entries: every entry in the shape.
  CurlResponse page = PostJson("/token/v2/device/entries", R"({"token":"tok-shape","limit":5})",
                               kKey, {"X-Sandbox-Scenario: shape-renamed"});
  ASSERT_EQ(page.status, 200);
  rapidjson::Document entries = Parse(page.body);
  ASSERT_EQ(entries["entries"].Size(), 5u);
  for (const auto& entry : entries["entries"].GetArray()) {
    EXPECT_EQ(At(entry, "/fingerprint/id"), nullptr);
    EXPECT_EQ(std::string(At(entry, "/fingerprint/visitor_id")->GetString()),
              entries["device_id"].GetString());
  }
  CurlResponse bare = PostJson("/token/v2/device/entries", R"({"token":"tok-shape","limit":2})",
                               kKey, {"X-Sandbox-Scenario: shape-missing-blocks"});
  // The document must outlive the loop (a temporary's member in a range-for does not).
  const rapidjson::Document bare_entries = Parse(bare.body);
  for (const auto& entry : bare_entries["entries"].GetArray()) {
    EXPECT_EQ(entry.MemberCount(), 3u);
  }

  // /token/v1/client: the public payload (no fingerprint block) in the shape.
  rapidjson::Document client = Parse(PostText("/token/v1/client", "sandbox-shape-renamed-2").body);
  EXPECT_FALSE(client.HasMember("fingerprint"));
  EXPECT_NE(At(client, "/geo_data/country_iso"), nullptr);
  EXPECT_EQ(At(client, "/geo_data/country_code"), nullptr);
  EXPECT_EQ(
      Parse(PostText("/token/v1/client", "sandbox-shape-missing-blocks-2").body).MemberCount(), 3u);
}

TEST_F(CsideRoutesTest, BrokenDeviceEntriesPages) {
  auto page = [&](const std::string& token, int offset, std::vector<std::string> headers = {}) {
    CurlResponse response =
        PostJson("/token/v2/device/entries",
                 absl::StrCat(R"({"token":")", token, R"(","limit":10,"offset":)", offset, "}"),
                 kKey, std::move(headers));
    EXPECT_EQ(response.status, 200) << response.body;
    return Parse(response.body);
  };
  // A healthy page for comparison.
  rapidjson::Document healthy = page("tok-broken", 10);
  EXPECT_TRUE(healthy["has_more"].GetBool());
  EXPECT_EQ(healthy["next_offset"].GetInt64(), 20);

  // has_more with a null next_offset, on any page (the last one too).
  for (int offset : {0, 30}) {
    rapidjson::Document doc = page("sandbox-next-offset-null.x", offset);
    EXPECT_TRUE(doc["has_more"].GetBool()) << offset;
    EXPECT_TRUE(doc["next_offset"].IsNull()) << offset;
    EXPECT_GT(doc["entries"].Size(), 0u);
  }
  // has_more with a next_offset that does not advance.
  for (int offset : {0, 10, 30}) {
    rapidjson::Document doc = page("tok-broken", offset, {"X-Sandbox-Scenario: next-offset-stuck"});
    EXPECT_TRUE(doc["has_more"].GetBool()) << offset;
    EXPECT_EQ(doc["next_offset"].GetInt64(), offset);
  }
}

}  // namespace
}  // namespace fpgw::sandbox
