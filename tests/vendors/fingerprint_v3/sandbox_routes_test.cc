// The sandbox's Fingerprint v3 routes over real TLS: every accepted way to pass the key, v3's two
// error body shapes, required search `limit`, Retry-After, determinism, and fidelity: what the
// sandbox generates must normalise through fpgw's v3 mapper without drift.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "sandbox/fingerprint_v3/routes.h"
#include "sandbox/sandbox.h"
#include "testing/curl_test_client.h"
#include "vendors/fingerprint_v3/mapper.h"

namespace fpgw::sandbox {
namespace {

using ::fpgw::testing::CurlRequest;
using ::fpgw::testing::CurlResponse;
using ::fpgw::testing::CurlTestClient;

constexpr char kKey[] = "sandbox-v3-secret";

class FingerprintV3RoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SandboxOptions options;
    options.credentials["fingerprint_v3"] = kKey;
    auto started = Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = started->release();
  }
  static void TearDownTestSuite() { delete sandbox_; }

  CurlResponse Get(const std::string& path_and_query,
                   std::vector<std::string> headers = {std::string("Auth-API-Key: ") + kKey}) {
    CurlRequest request;
    request.url = sandbox_->base_url() + path_and_query;
    request.headers = std::move(headers);
    return client_.Perform(request);
  }

  // `error.code` of an ErrorResponse, or "plain:<text>" for `{"error": "<text>"}`.
  static std::string ErrorOf(const CurlResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.data(), response.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error")) return "";
    const auto& error = doc["error"];
    if (error.IsString()) return absl::StrCat("plain:", error.GetString());
    return error.IsObject() && error.HasMember("code") ? error["code"].GetString() : "";
  }

  static Sandbox* sandbox_;
  CurlTestClient client_{sandbox_->ca_cert_path()};
};

Sandbox* FingerprintV3RoutesTest::sandbox_ = nullptr;

TEST_F(FingerprintV3RoutesTest, AcceptsTheCurrentAndTheLegacyWaysToPassTheKey) {
  const std::string path = "/events/1760000000123.authV3";
  EXPECT_EQ(Get(path).status, 200);
  EXPECT_EQ(Get(absl::StrCat(path, "?api_key=", kKey), {}).status, 200);
  EXPECT_EQ(Get(path, {std::string("Auth-Token: ") + kKey}).status, 200);
  EXPECT_EQ(Get(absl::StrCat(path, "?token=", kKey), {}).status, 200);

  CurlResponse response = Get(path, {});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorOf(response), "TokenRequired");
  response = Get(path, {"Auth-API-Key: nope"});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorOf(response), "TokenNotFound");
  // getVisits refuses with its plain body.
  response = Get("/visitors/visitorAuthV300001", {"Auth-Token: nope"});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorOf(response), "plain:Forbidden (HTTP 403)");
}

TEST_F(FingerprintV3RoutesTest, GeneratedDataNormalisesWithoutDrift) {
  for (int i = 0; i < 40; ++i) {
    const std::string id = absl::StrCat("17600000", 10000 + i, ".fidel", i);
    CurlResponse response = Get(absl::StrCat("/events/", id));
    ASSERT_EQ(response.status, 200);
    absl::StatusOr<fpgw::v1::Evaluation> e =
        vendors::fingerprint_v3::NormalizeEvent(response.body, {});
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_FALSE(e->partial()) << id << " " << (e->drift_size() ? e->drift(0).path() : "");
    EXPECT_EQ(e->identity().event_id(), id);
  }
  CurlResponse search = Get("/events/search?limit=30");
  ASSERT_EQ(search.status, 200);
  absl::StatusOr<vendors::fingerprint_v3::SearchResult> page =
      vendors::fingerprint_v3::NormalizeSearch(search.body, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->evaluations.size(), 30u);
  EXPECT_FALSE(page->pagination_key.empty());
  for (const auto& e : page->evaluations) EXPECT_FALSE(e.partial());

  CurlResponse visits = Get("/visitors/visitorFidelityV3001?limit=5");
  ASSERT_EQ(visits.status, 200);
  absl::StatusOr<vendors::fingerprint_v3::VisitsResult> history =
      vendors::fingerprint_v3::NormalizeVisits(visits.body, {});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->evaluations.size(), 1u);
  EXPECT_FALSE(history->evaluations[0].partial());
  EXPECT_EQ(history->pagination_key, history->evaluations[0].identity().event_id());

  // Same seed and id, same bytes.
  EXPECT_EQ(Get("/events/1760000000123.same").body, Get("/events/1760000000123.same").body);
}

TEST_F(FingerprintV3RoutesTest, SearchNeedsALimitAndPagesOnTheLastTimestamp) {
  CurlResponse response = Get("/events/search?visitor_id=visitorPagesV300001");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorOf(response), "RequestCannotBeParsed");
  EXPECT_EQ(Get("/events/search?limit=5&pagination_key=abc").status, 400);
  EXPECT_EQ(Get("/events/search?limit=5&reverse=maybe").status, 400);
  EXPECT_EQ(Get("/events/search?limit=5&ip_address=300.1.1.1").status, 400);

  response = Get("/events/search?limit=20&visitor_id=visitorPagesV300001");
  ASSERT_EQ(response.status, 200);
  rapidjson::Document first;
  first.Parse(response.body.data(), response.body.size());
  ASSERT_TRUE(first.HasMember("paginationKey"));
  const std::string key = first["paginationKey"].GetString();
  const auto& events = first["events"];
  EXPECT_EQ(
      key,
      absl::StrCat(
          events[events.Size() - 1]["products"]["identification"]["data"]["timestamp"].GetInt64()));
  response = Get(
      absl::StrCat("/events/search?limit=20&visitor_id=visitorPagesV300001&pagination_key=", key));
  rapidjson::Document second;
  second.Parse(response.body.data(), response.body.size());
  EXPECT_EQ(second["events"].Size(), 3u);
  EXPECT_FALSE(second.HasMember("paginationKey"));
}

TEST_F(FingerprintV3RoutesTest, RateLimitCarriesRetryAfter) {
  CurlResponse response = Get("/events/sandbox-rate-limited");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(ErrorOf(response), "TooManyRequests");
  EXPECT_EQ(response.headers["retry-after"], "1");
  response = Get("/visitors/sandbox-rate-limited-9");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(ErrorOf(response), "plain:too many requests");
  EXPECT_EQ(response.headers["retry-after"], "9");
}

TEST_F(FingerprintV3RoutesTest, MethodsAndCounters) {
  CurlRequest request;
  request.method = "POST";
  request.url = sandbox_->base_url() + "/events/search";
  request.headers = {std::string("Auth-API-Key: ") + kKey};
  EXPECT_EQ(client_.Perform(request).status, 405);
  const uint64_t before = sandbox_->request_count(kRouteFingerprintV3RelatedVisitors);
  CurlResponse response = Get("/related-visitors?visitor_id=visitorRelatedV30001");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(absl::StrContains(response.body, "relatedVisitors"));
  EXPECT_EQ(Get("/related-visitors").status, 400);
  EXPECT_EQ(sandbox_->request_count(kRouteFingerprintV3RelatedVisitors) - before, 2u);
}

TEST(FingerprintV3RoutesUnconfigured, AnswersNotConfiguredWithoutAKey) {
  SandboxOptions options;
  options.credentials["fingerprint_v4"] = "only-v4";
  auto sandbox = Sandbox::Start(options);
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  CurlTestClient client((*sandbox)->ca_cert_path());
  CurlRequest request;
  request.url = (*sandbox)->base_url() + "/events/1760000000123.x";
  EXPECT_EQ(client.Perform(request).status, 501);
}

}  // namespace
}  // namespace fpgw::sandbox
