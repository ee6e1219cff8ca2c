// The sandbox's Fingerprint v3 routes over real TLS: the two ways the specification passes the key
// (and no other), v3's two error body shapes, required search `limit`, every search filter, the
// visits filters and scan limit, refused undocumented parameters, unknown ids, Retry-After,
// determinism, and fidelity: what the sandbox generates must normalise through fpgw's v3 mapper
// without drift.
#include <curl/curl.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"
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

  static std::string MessageOf(const CurlResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.data(), response.body.size());
    const rapidjson::Value* message = rapidjson::Pointer("/error/message").Get(doc);
    return message != nullptr && message->IsString() ? message->GetString() : "";
  }

  static rapidjson::Document Parse(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    return doc;
  }

  static Sandbox* sandbox_;
  CurlTestClient client_{sandbox_->ca_cert_path()};
};

Sandbox* FingerprintV3RoutesTest::sandbox_ = nullptr;

TEST_F(FingerprintV3RoutesTest, AcceptsOnlyTheSpecifiedWaysToPassTheKey) {
  const std::string path = "/events/1760000000123.authV3";
  // OAS3 securitySchemes: the Auth-API-Key header and the api_key query parameter.
  EXPECT_EQ(Get(path).status, 200);
  EXPECT_EQ(Get(absl::StrCat(path, "?api_key=", kKey), {}).status, 200);
  EXPECT_EQ(Get(absl::StrCat("/events/search?limit=1&api_key=", kKey), {}).status, 200);
  // Nothing else carries it: the older docs' Auth-Token header and token parameter, a Bearer key.
  for (const std::vector<std::string>& headers :
       {std::vector<std::string>{std::string("Auth-Token: ") + kKey},
        std::vector<std::string>{std::string("Authorization: Bearer ") + kKey}}) {
    SCOPED_TRACE(headers[0]);
    CurlResponse refused = Get(path, headers);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(ErrorOf(refused), "TokenRequired");
    EXPECT_EQ(MessageOf(refused), "secret key is required");
  }
  CurlResponse legacy_query = Get(absl::StrCat(path, "?token=", kKey), {});
  EXPECT_EQ(legacy_query.status, 403);
  EXPECT_EQ(ErrorOf(legacy_query), "TokenRequired");

  CurlResponse response = Get(path, {});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorOf(response), "TokenRequired");
  response = Get(path, {"Auth-API-Key: nope"});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorOf(response), "TokenNotFound");
  EXPECT_EQ(MessageOf(response), "secret key is not found");
  response = Get(absl::StrCat(path, "?api_key=nope"), {});
  EXPECT_EQ(ErrorOf(response), "TokenNotFound");
  // getVisits refuses with its plain body.
  response = Get("/visitors/visitorAuthV300000001", {"Auth-API-Key: nope"});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorOf(response), "plain:Forbidden (HTTP 403)");
  response = Get("/visitors/visitorAuthV300000001", {std::string("Auth-Token: ") + kKey});
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
  CurlResponse response = Get("/events/search?visitor_id=visitorPagesV3000001");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorOf(response), "RequestCannotBeParsed");
  EXPECT_EQ(Get("/events/search?limit=5&pagination_key=abc").status, 400);
  EXPECT_EQ(Get("/events/search?limit=5&reverse=maybe").status, 400);
  EXPECT_EQ(Get("/events/search?limit=5&ip_address=300.1.1.1").status, 400);

  response = Get("/events/search?limit=20&visitor_id=visitorPagesV3000001");
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
      absl::StrCat("/events/search?limit=20&visitor_id=visitorPagesV3000001&pagination_key=", key));
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

// ------------------------------------------------------------------------------------------------
// Search filters: each one, applied to the global data set, keeps exactly the events whose product
// field satisfies it, and that is a non-empty strict subset.

using Event = rapidjson::Value;

const Event* At(const Event& e, const std::string& pointer) {
  return rapidjson::Pointer(pointer.c_str()).Get(e);
}

std::string StringAt(const Event& e, const std::string& pointer) {
  const Event* v = At(e, pointer);
  return v != nullptr && v->IsString() ? v->GetString() : "";
}

struct FilterCase {
  std::string param;
  std::function<std::string(const std::vector<const Event*>&)> pick;
  std::function<bool(const Event&, const std::string&)> keeps;
};

std::function<std::string(const std::vector<const Event*>&)> Fixed(std::string value) {
  return [value](const std::vector<const Event*>&) { return value; };
}

std::function<std::string(const std::vector<const Event*>&)> FirstString(std::string pointer) {
  return [pointer](const std::vector<const Event*>& events) {
    for (const Event* e : events) {
      if (!StringAt(*e, pointer).empty()) return StringAt(*e, pointer);
    }
    return std::string();
  };
}

// `products.<product>.data.<field>` set to true.
FilterCase BoolCase(const char* param, const std::string& field) {
  const std::string pointer = "/products/" + field;
  return {param, Fixed("true"), [pointer](const Event& e, const std::string&) {
            const Event* v = At(e, pointer);
            return v != nullptr && v->IsBool() && v->GetBool();
          }};
}

FilterCase EqualsCase(const char* param, const std::string& field, std::string fixed = "") {
  const std::string pointer = "/products/" + field;
  return {param, fixed.empty() ? FirstString(pointer) : Fixed(fixed),
          [pointer](const Event& e, const std::string& value) {
            return StringAt(e, pointer) == value;
          }};
}

std::vector<FilterCase> V3FilterCases() {
  const std::string bot = "/products/botd/data/bot/result";
  return {
      BoolCase("suspect", "identification/data/suspect"),
      BoolCase("vpn", "vpn/data/result"),
      BoolCase("virtual_machine", "virtualMachine/data/result"),
      BoolCase("tampering", "tampering/data/result"),
      BoolCase("anti_detect_browser", "tampering/data/antiDetectBrowser"),
      BoolCase("incognito", "incognito/data/result"),
      BoolCase("privacy_settings", "privacySettings/data/result"),
      BoolCase("jailbroken", "jailbroken/data/result"),
      BoolCase("frida", "frida/data/result"),
      BoolCase("cloned_app", "clonedApp/data/result"),
      BoolCase("emulator", "emulator/data/result"),
      BoolCase("root_apps", "rootApps/data/result"),
      BoolCase("ip_blocklist", "ipBlocklist/data/result"),
      BoolCase("developer_tools", "developerTools/data/result"),
      BoolCase("location_spoofing", "locationSpoofing/data/result"),
      BoolCase("mitm_attack", "mitmAttack/data/result"),
      BoolCase("rare_device", "rareDevice/data/result"),
      BoolCase("proxy", "proxy/data/result"),
      {"datacenter", Fixed("true"),
       [](const Event& e, const std::string&) {
         for (const char* pointer : {"/products/ipInfo/data/v4/datacenter/result",
                                     "/products/ipInfo/data/v6/datacenter/result"}) {
           const Event* v = At(e, pointer);
           if (v != nullptr && v->GetBool()) return true;
         }
         return false;
       }},
      {"factory_reset", Fixed("true"),
       [](const Event& e, const std::string&) {
         return At(e, "/products/factoryReset/data/timestamp")->GetInt64() > 0;
       }},
      {"bot", Fixed("all"),
       [bot](const Event& e, const std::string&) { return StringAt(e, bot) != "notDetected"; }},
      EqualsCase("bot", "botd/data/bot/result", "good"),
      EqualsCase("bot", "botd/data/bot/result", "bad"),
      {"bot", Fixed("none"),
       [bot](const Event& e, const std::string&) { return StringAt(e, bot) == "notDetected"; }},
      {"ip_address",
       [](const std::vector<const Event*>& events) {
         return StringAt(*events[0], "/products/identification/data/ip") + "/32";
       },
       [](const Event& e, const std::string& cidr) {
         return StringAt(e, "/products/identification/data/ip") + "/32" == cidr;
       }},
      EqualsCase("linked_id", "identification/data/linkedId"),
      EqualsCase("vpn_confidence", "vpn/data/confidence", "high"),
      {"min_suspect_score",
       [](const std::vector<const Event*>& events) {
         std::vector<int> scores;
         for (const Event* e : events) {
           scores.push_back(At(*e, "/products/suspectScore/data/result")->GetInt());
         }
         std::sort(scores.begin(), scores.end());
         return std::to_string(scores[scores.size() / 2] + 1);
       },
       [](const Event& e, const std::string& min) {
         return At(e, "/products/suspectScore/data/result")->GetInt() >= std::stoi(min);
       }},
      EqualsCase("rare_device_percentile_bucket", "rareDevice/data/percentileBucket"),
      EqualsCase("sdk_version", "identification/data/sdk/version"),
      EqualsCase("sdk_platform", "identification/data/sdk/platform", "ios"),
      EqualsCase("environment", "identification/data/environmentId", "ae_sandbox02"),
      // The v3 Node SDK's spelling of the same array parameter.
      EqualsCase("environment[]", "identification/data/environmentId", "ae_sandbox02"),
      EqualsCase("proximity_id", "proximity/data/id"),
      {"proximity_precision_radius",
       [](const std::vector<const Event*>& events) {
         for (const Event* e : events) {
           if (const Event* r = At(*e, "/products/proximity/data/precisionRadius")) {
             return std::to_string(r->GetInt());
           }
         }
         return std::string();
       },
       [](const Event& e, const std::string& radius) {
         const Event* r = At(e, "/products/proximity/data/precisionRadius");
         return r != nullptr && std::to_string(r->GetInt()) == radius;
       }},
  };
}

TEST_F(FingerprintV3RoutesTest, EverySearchFilterKeepsExactlyTheEventsThatSatisfyIt) {
  CurlResponse all = Get("/events/search?limit=100");
  ASSERT_EQ(all.status, 200);
  const rapidjson::Document all_doc = Parse(all.body);
  std::vector<const Event*> events;
  for (const Event& e : all_doc["events"].GetArray()) events.push_back(&e);
  ASSERT_EQ(events.size(), 57u);
  auto id_of = [](const Event& e) {
    return std::string(At(e, "/products/identification/data/requestId")->GetString());
  };

  std::set<std::string> tested;
  for (const FilterCase& c : V3FilterCases()) {
    const std::string value = c.pick(events);
    SCOPED_TRACE(absl::StrCat(c.param, "=", value));
    ASSERT_FALSE(value.empty());
    std::set<std::string> want;
    for (const Event* e : events) {
      if (c.keeps(*e, value)) want.insert(id_of(*e));
    }
    EXPECT_FALSE(want.empty());
    EXPECT_LT(want.size(), events.size());
    char* escaped = curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
    CurlResponse filtered = Get(absl::StrCat("/events/search?limit=100&", c.param, "=", escaped));
    curl_free(escaped);
    ASSERT_EQ(filtered.status, 200) << filtered.body;
    const rapidjson::Document filtered_doc = Parse(filtered.body);
    std::set<std::string> got;
    for (const Event& e : filtered_doc["events"].GetArray()) {
      got.insert(id_of(e));
      EXPECT_TRUE(c.keeps(e, value)) << id_of(e);
    }
    EXPECT_EQ(got, want);
    tested.insert(c.param);
  }
  // Every filter of OAS3 searchEvents (31, and the `environment[]` spelling) but visitor_id,
  // start, end and reverse, tested elsewhere.
  EXPECT_EQ(tested.size(), 32u);

  // start/end are Unix milliseconds.
  const int64_t newest = At(*events.front(), "/products/identification/data/timestamp")->GetInt64();
  const int64_t oldest = At(*events.back(), "/products/identification/data/timestamp")->GetInt64();
  const int64_t middle = oldest + (newest - oldest) / 2;
  const rapidjson::Document later =
      Parse(Get(absl::StrCat("/events/search?limit=100&start=", middle)).body);
  const rapidjson::Document earlier =
      Parse(Get(absl::StrCat("/events/search?limit=100&end=", middle)).body);
  EXPECT_GT(later["events"].Size(), 0u);
  EXPECT_GT(earlier["events"].Size(), 0u);
  EXPECT_EQ(later["events"].Size() + earlier["events"].Size(), 57u);
  EXPECT_EQ(Get("/events/search?limit=5&start=2026-01-01T00:00:00Z").status, 400);
}

TEST_F(FingerprintV3RoutesTest, UndocumentedParametersAndBadFilterValuesAre400) {
  struct Case {
    const char* query;
    const char* message;
  };
  for (const Case& c :
       {Case{"colour=red", "unknown parameter colour"},
        Case{"total_hits=10", "unknown parameter total_hits"},
        Case{"tor_node=true", "unknown parameter tor_node"}, Case{"vpn=yes", "invalid vpn param"},
        Case{"datacenter=1", "invalid datacenter param"},
        Case{"min_suspect_score=x", "invalid min suspect score"},
        Case{"proximity_precision_radius=11", "invalid proximity precision radius"},
        Case{"sdk_platform=windows", "invalid sdk platform"},
        // v3 takes ranges in CIDR notation only.
        Case{"ip_address=10.0.0.1", "invalid ip address"},
        Case{"bot=robots", "invalid bot type"}}) {
    SCOPED_TRACE(c.query);
    CurlResponse response = Get(absl::StrCat("/events/search?limit=5&", c.query));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorOf(response), "RequestCannotBeParsed");
    EXPECT_EQ(MessageOf(response), c.message);
  }
  EXPECT_EQ(Get("/events/search?limit=5&ii=fingerprint-pro-server-node-sdk/6.0.0").status, 200);
  CurlResponse get = Get("/events/1760000000123.paramV3?ruleset_id=rs_x");
  EXPECT_EQ(get.status, 400);
  EXPECT_EQ(MessageOf(get), "unknown parameter ruleset_id");
  // getVisits refuses in its plain shape.
  CurlResponse visits = Get("/visitors/visitorParamsV300000001?colour=red");
  EXPECT_EQ(visits.status, 400);
  EXPECT_EQ(ErrorOf(visits), "plain:bad request");
  EXPECT_EQ(Get("/related-visitors?visitor_id=visitorParamsV300000001&limit=3").status, 400);
}

TEST_F(FingerprintV3RoutesTest, VisitsApplyTheirFiltersAndScanLimit) {
  const std::string visitor = "visitorVisitsV3000001";
  // Walk the whole history (one visit per page) to know it.
  std::vector<std::pair<std::string, std::string>> history;  // request id, linked id
  std::vector<int64_t> times;
  std::string key;
  do {
    CurlResponse page =
        Get(absl::StrCat("/visitors/", visitor, key.empty() ? "" : "?paginationKey=", key));
    ASSERT_EQ(page.status, 200);
    const rapidjson::Document doc = Parse(page.body);
    ASSERT_EQ(doc["visits"].Size(), 1u);
    const Event& visit = doc["visits"][0];
    history.emplace_back(visit["requestId"].GetString(),
                         visit.HasMember("linkedId") ? visit["linkedId"].GetString() : "");
    times.push_back(visit["timestamp"].GetInt64());
    key = doc.HasMember("paginationKey") ? doc["paginationKey"].GetString() : "";
  } while (!key.empty() && history.size() < 40);
  ASSERT_EQ(history.size(), 23u);

  // request_id: only that visit, found within the default scan limit (100).
  const std::string wanted = history[17].first;
  rapidjson::Document by_id =
      Parse(Get(absl::StrCat("/visitors/", visitor, "?request_id=", wanted)).body);
  ASSERT_EQ(by_id["visits"].Size(), 1u);
  EXPECT_EQ(by_id["visits"][0]["requestId"].GetString(), wanted);
  // Older visits remain: the key continues after it.
  EXPECT_EQ(by_id["paginationKey"].GetString(), wanted);
  // A scan limit that stops before it: no visit, and the key to scan on.
  rapidjson::Document short_scan =
      Parse(Get(absl::StrCat("/visitors/", visitor, "?limit=5&request_id=", wanted)).body);
  EXPECT_EQ(short_scan["visits"].Size(), 0u);
  EXPECT_EQ(short_scan["paginationKey"].GetString(), history[4].first);

  // linked_id: only visits with that linked id.
  std::string linked;
  for (const auto& visit : history) {
    if (!visit.second.empty()) linked = visit.second;
  }
  ASSERT_FALSE(linked.empty());
  rapidjson::Document by_linked =
      Parse(Get(absl::StrCat("/visitors/", visitor, "?linked_id=", linked)).body);
  ASSERT_EQ(by_linked["visits"].Size(), 1u);
  EXPECT_EQ(by_linked["visits"][0]["linkedId"].GetString(), linked);

  // before (deprecated): visits older than it.
  rapidjson::Document before =
      Parse(Get(absl::StrCat("/visitors/", visitor, "?before=", times[10])).body);
  ASSERT_EQ(before["visits"].Size(), 1u);
  EXPECT_EQ(before["visits"][0]["requestId"].GetString(), history[11].first);

  for (const char* bad :
       {"limit=501", "limit=-1", "limit=ten", "before=yesterday", "paginationKey=not-a-visit"}) {
    SCOPED_TRACE(bad);
    CurlResponse response = Get(absl::StrCat("/visitors/", visitor, "?", bad));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorOf(response), "plain:bad request");
  }
  EXPECT_EQ(Get(absl::StrCat("/visitors/", visitor, "?limit=500")).status, 200);
}

TEST_F(FingerprintV3RoutesTest, IdsOutsideTheGeneratorsSpaceAreNotFound) {
  CurlResponse event = Get("/events/no-such-request");
  EXPECT_EQ(event.status, 404);
  EXPECT_EQ(ErrorOf(event), "RequestNotFound");
  EXPECT_EQ(MessageOf(event), "request id is not found");
  CurlRequest put;
  put.method = "PUT";
  put.url = sandbox_->base_url() + "/events/1760000000123";
  put.headers = {std::string("Auth-API-Key: ") + kKey};
  put.body = R"({"suspect":true})";
  CurlResponse updated = client_.Perform(put);
  EXPECT_EQ(updated.status, 404);
  EXPECT_EQ(ErrorOf(updated), "RequestNotFound");

  CurlRequest del;
  del.method = "DELETE";
  del.url = sandbox_->base_url() + "/visitors/shortVisitor";
  del.headers = {std::string("Auth-API-Key: ") + kKey};
  CurlResponse deleted = client_.Perform(del);
  EXPECT_EQ(deleted.status, 404);
  EXPECT_EQ(ErrorOf(deleted), "VisitorNotFound");
  CurlResponse related = Get("/related-visitors?visitor_id=shortVisitor");
  EXPECT_EQ(related.status, 404);
  EXPECT_EQ(ErrorOf(related), "VisitorNotFound");
  // getVisits documents no 404: no visits. Search finds no events.
  const rapidjson::Document visits = Parse(Get("/visitors/shortVisitor").body);
  EXPECT_EQ(visits["visits"].Size(), 0u);
  const rapidjson::Document search =
      Parse(Get("/events/search?limit=5&visitor_id=shortVisitor").body);
  EXPECT_EQ(search["events"].Size(), 0u);
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
