// End-to-end tests of the sandbox's Stytch emulation: a real libcurl client over TLS (verification
// on, trusting only the generated CA) against a sandbox on loopback. Asserts statuses, the Stytch
// error object, the Basic auth the vendor accepts, which telemetry ids are found, lookup shapes
// (POST and the deprecated GET), rule pagination and the effect of rules and overrides on
// lookups.
#include <curl/curl.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"
#include "sandbox/sandbox.h"
#include "sandbox/stytch/data.h"
#include "sandbox/stytch/routes.h"
#include "testing/curl_test_client.h"

namespace fpgw::sandbox {
namespace {

using ::fpgw::testing::CurlRequest;
using ::fpgw::testing::CurlResponse;
using ::fpgw::testing::CurlTestClient;

constexpr uint64_t kSeed = 7;
constexpr char kProject[] = "project-test-11111111-2222-4333-8444-555555555555";
constexpr char kSecret[] = "secret-test-sandbox-0123456789";
// A second credential the sandbox accepts (as while a key rotates), whose base64 holds '+' and '/',
// so that a URL-safe encoding of it differs from the standard one.
constexpr char kSymbolProject[] = "project-test-symbols";
constexpr char kSymbolSecret[] = "secret>>>???";
// The vendor's example telemetry id (found for this seed too, see KnownIdsAreTheVendorsUuids).
constexpr char kTelemetryId[] = "026ac93b-8cdf-4fcb-bfa6-36a31cfecac1";

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return doc;
}

const rapidjson::Value* At(const rapidjson::Value& root, const char* pointer) {
  return rapidjson::Pointer(pointer).Get(root);
}

std::string Str(const rapidjson::Value& root, const char* pointer) {
  const rapidjson::Value* v = At(root, pointer);
  return v != nullptr && v->IsString() ? v->GetString() : "<absent>";
}

std::string BasicAuth(const std::string& project, const std::string& secret) {
  return absl::StrCat("Authorization: Basic ", absl::Base64Escape(project + ":" + secret));
}

// A found telemetry id of the visitor of `base` (same first group), for `label`.
std::string SiblingId(const std::string& base, const std::string& label) {
  for (int n = 0;; ++n) {
    std::string id = base.substr(0, 9) + TestTelemetryId(kSeed, absl::StrCat(label, n)).substr(9);
    if (IsKnownTelemetryId(kSeed, id)) return id;
  }
}

class StytchRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SandboxOptions options;
    options.credentials["stytch"] =
        absl::StrCat(kProject, ":", kSecret, "\n", kSymbolProject, ":", kSymbolSecret);
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

  CurlResponse Post(const std::string& path, const std::string& body,
                    std::vector<std::string> headers = {}) {
    CurlRequest request;
    request.method = "POST";
    request.url = sandbox_->base_url() + path;
    request.headers = std::move(headers);
    request.headers.push_back(BasicAuth(kProject, kSecret));
    request.headers.push_back("Content-Type: application/json");
    request.body = body;
    return client_->Perform(request);
  }

  CurlResponse Lookup(const std::string& telemetry_id, std::vector<std::string> headers = {}) {
    return Post("/v1/fingerprint/lookup",
                absl::StrCat(R"({"telemetry_id":")", telemetry_id, R"("})"), std::move(headers));
  }

  static Sandbox* sandbox_;
  std::unique_ptr<CurlTestClient> client_;
};

Sandbox* StytchRoutesTest::sandbox_ = nullptr;

TEST_F(StytchRoutesTest, PostLookupIsSchemaTrueAndDeterministic) {
  CurlResponse response = Post(
      "/v1/fingerprint/lookup",
      absl::StrCat(R"({"telemetry_id":")", kTelemetryId,
                   R"(","external_metadata":{"external_id":"user-42","user_action":"login"}})"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.headers["content-type"], "application/json");
  rapidjson::Document doc = Parse(response.body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(Str(doc, "/telemetry_id"), kTelemetryId);
  EXPECT_EQ(At(doc, "/status_code")->GetInt(), 200);
  EXPECT_EQ(Str(doc, "/request_id").rfind("request-id-test-", 0), 0u);
  for (const char* key :
       {"/fingerprints/network_fingerprint", "/fingerprints/hardware_fingerprint",
        "/fingerprints/browser_fingerprint", "/fingerprints/visitor_fingerprint", "/verdict/action",
        "/verdict/detected_device_type", "/created_at", "/expires_at",
        "/properties/network_properties/ip_address", "/properties/network_properties/asn/asn",
        "/properties/network_properties/ip_geolocation/country",
        "/properties/browser_properties/user_agent"}) {
    EXPECT_NE(Str(doc, key), "<absent>") << key;
  }
  EXPECT_TRUE(At(doc, "/verdict/is_authentic_device")->IsBool());
  EXPECT_TRUE(At(doc, "/verdict/reasons")->IsArray());
  EXPECT_TRUE(At(doc, "/verdict/verdict_reason_overrides")->IsArray());
  EXPECT_TRUE(At(doc, "/properties/network_properties/is_vpn")->IsBool());
  EXPECT_EQ(Str(doc, "/external_metadata/external_id"), "user-42");
  EXPECT_EQ(Str(doc, "/external_metadata/user_action"), "login");

  // Same id, same data; another lookup of the same visitor shares the visitor-level facts.
  rapidjson::Document again = Parse(Lookup(kTelemetryId).body);
  EXPECT_EQ(Str(again, "/fingerprints/hardware_fingerprint"),
            Str(doc, "/fingerprints/hardware_fingerprint"));
  EXPECT_EQ(Str(again, "/created_at"), Str(doc, "/created_at"));
  rapidjson::Document sibling = Parse(Lookup(SiblingId(kTelemetryId, "second-lookup")).body);
  EXPECT_EQ(Str(sibling, "/fingerprints/visitor_fingerprint"),
            Str(doc, "/fingerprints/visitor_fingerprint"));
  EXPECT_NE(Str(sibling, "/fingerprints/network_fingerprint"),
            Str(doc, "/fingerprints/network_fingerprint"));
}

TEST_F(StytchRoutesTest, LookupsVaryAcrossIds) {
  std::set<std::string> actions;
  std::set<std::string> countries;
  int cookieless = 0;
  for (int i = 0; i < 60; ++i) {
    rapidjson::Document doc = Parse(Lookup(TestTelemetryId(kSeed, absl::StrCat("vary-", i))).body);
    actions.insert(Str(doc, "/verdict/action"));
    countries.insert(Str(doc, "/properties/network_properties/ip_geolocation/country"));
    if (At(doc, "/fingerprints/visitor_id") == nullptr) ++cookieless;
  }
  EXPECT_EQ(actions, (std::set<std::string>{"ALLOW", "BLOCK", "CHALLENGE"}));
  EXPECT_GE(countries.size(), 3u);
  EXPECT_GT(cookieless, 0);
}

TEST_F(StytchRoutesTest, DeprecatedGetLookupHasTheShapeOfTheVendorsExample) {
  CurlRequest request;
  request.url =
      absl::StrCat(sandbox_->base_url(), "/v1/fingerprint/lookup?telemetry_id=", kTelemetryId);
  request.headers = {BasicAuth(kProject, kSecret)};
  CurlResponse response = client_->Perform(request);
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document doc = Parse(response.body);
  EXPECT_EQ(Str(doc, "/telemetry_id"), kTelemetryId);
  EXPECT_EQ(At(doc, "/status_code")->GetInt(), 200);
  // The vendor's GET example has no request_id; the POST answer keeps it.
  EXPECT_EQ(At(doc, "/request_id"), nullptr);
  EXPECT_NE(Str(Parse(Lookup(kTelemetryId).body), "/request_id"), "<absent>");
  EXPECT_EQ(At(doc, "/properties"), nullptr);
  EXPECT_EQ(At(doc, "/external_metadata"), nullptr);
  // Both rule fields, empty when no rule matched, as in the example.
  EXPECT_EQ(Str(doc, "/verdict/rule_match_type"), "");
  EXPECT_EQ(Str(doc, "/verdict/rule_match_identifier"), "");
  // Required by the vendor's response type, on GET as on POST.
  ASSERT_NE(At(doc, "/verdict/verdict_reason_overrides"), nullptr);
  EXPECT_TRUE(At(doc, "/verdict/verdict_reason_overrides")->IsArray());
  for (const char* key : {"/created_at", "/expires_at", "/fingerprints/visitor_fingerprint",
                          "/verdict/action", "/verdict/detected_device_type"}) {
    EXPECT_NE(Str(doc, key), "<absent>") << key;
  }

  // An unknown telemetry id is the vendor's 404 on GET too.
  request.url = absl::StrCat(sandbox_->base_url(), "/v1/fingerprint/lookup?telemetry_id=",
                             TestTelemetryId(kSeed, "get-unknown", /*known=*/false));
  CurlResponse unknown = client_->Perform(request);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Str(Parse(unknown.body), "/error_type"), "telemetry_id_not_found");
}

TEST_F(StytchRoutesTest, OnlyBasicAuthWithTheProjectAndSecretIsAccepted) {
  auto lookup_with = [&](std::vector<std::string> headers) {
    CurlRequest request;
    request.method = "POST";
    request.url = sandbox_->base_url() + "/v1/fingerprint/lookup";
    request.headers = std::move(headers);
    request.headers.push_back("Content-Type: application/json");
    request.body = absl::StrCat(R"({"telemetry_id":")", kTelemetryId, R"("})");
    return client_->Perform(request);
  };

  // Accepted: the scheme in any case, and either credential of the rotation.
  EXPECT_EQ(lookup_with({BasicAuth(kProject, kSecret)}).status, 200);
  EXPECT_EQ(lookup_with({absl::StrCat("Authorization: basic ",
                                      absl::Base64Escape(absl::StrCat(kProject, ":", kSecret)))})
                .status,
            200);
  EXPECT_EQ(lookup_with({BasicAuth(kSymbolProject, kSymbolSecret)}).status, 200);

  // A well-formed pair that is not the credential: the vendor's 401.
  for (const std::string& header :
       {BasicAuth(kProject, "wrong-secret"), BasicAuth("project-test-other", kSecret)}) {
    CurlResponse response = lookup_with({header});
    EXPECT_EQ(response.status, 401) << header;
    rapidjson::Document doc = Parse(response.body);
    EXPECT_EQ(At(doc, "/status_code")->GetInt(), 401);
    EXPECT_EQ(Str(doc, "/error_type"), "unauthorized_credentials_error");
    EXPECT_EQ(Str(doc, "/error_message"), "The provided credentials are invalid.");
    EXPECT_EQ(Str(doc, "/error_url"),
              "https://stytch.com/docs/api-reference/fraud/api/errors/"
              "401#unauthorized_credentials_error");
    EXPECT_EQ(Str(doc, "/request_id").rfind("request-id-test-", 0), 0u);
  }

  // Anything but canonical Basic credentials: the vendor's 400.
  const std::string pair = absl::StrCat(kProject, ":", kSecret);
  const std::string encoded = absl::Base64Escape(pair);
  const std::string symbols = absl::Base64Escape(absl::StrCat(kSymbolProject, ":", kSymbolSecret));
  ASSERT_NE(symbols.find_first_of("+/"), std::string::npos);
  std::string unpadded = encoded;
  while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
  std::vector<std::string> refused = {
      "Authorization: Bearer " + std::string(kSecret),
      "Authorization: " + encoded,
      "Authorization: Basic",
      "Authorization: Basic " +
          absl::WebSafeBase64Escape(absl::StrCat(kSymbolProject, ":", kSymbolSecret)),
      "Authorization: Basic " + encoded.substr(0, 8) + " " + encoded.substr(8),
      "Authorization: Basic " + absl::Base64Escape(absl::StrCat(kProject, kSecret)),  // no colon
      "Authorization: Basic " + absl::Base64Escape(absl::StrCat(":", kSecret)),  // no project id
      "Authorization: Basic not base64!",
  };
  if (unpadded != encoded) refused.push_back("Authorization: Basic " + unpadded);
  refused.push_back("X-No-Authorization: at all");  // no Authorization header
  for (const std::string& header : refused) {
    CurlResponse response = lookup_with({header});
    EXPECT_EQ(response.status, 400) << header;
    rapidjson::Document doc = Parse(response.body);
    EXPECT_EQ(Str(doc, "/error_type"), "invalid_authorization_header") << header;
    EXPECT_EQ(Str(doc, "/error_message"),
              "The authorization header provided with the request is invalid.");
    EXPECT_EQ(At(doc, "/status_code")->GetInt(), 400);
  }
}

TEST_F(StytchRoutesTest, KnownIdsAreTheVendorsUuids) {
  // The vendor's example id stays found where it is used: sandbox mode and the harness (seed 1).
  EXPECT_TRUE(IsKnownTelemetryId(1, kTelemetryId));
  EXPECT_TRUE(IsKnownTelemetryId(kSeed, kTelemetryId));
  for (const SandboxIntegration& integration : StytchSandboxVendor().info().integrations) {
    rapidjson::Document example = Parse(std::string(integration.example_request));
    ASSERT_TRUE(example.IsObject());
    EXPECT_TRUE(IsKnownTelemetryId(1, example["token"].GetString())) << integration.name;
  }

  // Not UUIDs: never found.
  for (const char* id :
       {"visitorA.026ac93b-8cdf-4fcb-bfa6-36a31cfecac1", "t-1", "sandbox-nothing",
        "026ac93b8cdf4fcbbfa636a31cfecac1", "026ac93b-8cdf-4fcb-bfa6-36a31cfecac1x",
        "g26ac93b-8cdf-4fcb-bfa6-36a31cfecac1"}) {
    EXPECT_FALSE(IsKnownTelemetryId(kSeed, id)) << id;
    CurlResponse response = Lookup(id);
    EXPECT_EQ(response.status, 404) << id;
    rapidjson::Document doc = Parse(response.body);
    // The vendor's error object (tests/testdata/stytch/errors/404_telemetry_id_not_found.json).
    EXPECT_EQ(At(doc, "/status_code")->GetInt(), 404);
    EXPECT_EQ(Str(doc, "/error_type"), "telemetry_id_not_found");
    EXPECT_EQ(Str(doc, "/error_message"),
              "Telemetry ID not found. The telemetry ID may be expired, missing, or invalid.");
    EXPECT_EQ(Str(doc, "/error_url"),
              "https://stytch.com/docs/api-reference/fraud/api/errors/404#telemetry_id_not_found");
  }

  // UUIDs: about one in sixteen unknown, decided by (seed, id), and the server agrees.
  int unknown = 0;
  for (int i = 0; i < 1600; ++i) {
    if (!IsKnownTelemetryId(kSeed, TestTelemetryId(0, absl::StrCat("share-", i)))) ++unknown;
  }
  EXPECT_GT(unknown, 50);
  EXPECT_LT(unknown, 160);
  for (int i = 0; i < 20; ++i) {
    const std::string found = TestTelemetryId(kSeed, absl::StrCat("found-", i));
    const std::string missing = TestTelemetryId(kSeed, absl::StrCat("missing-", i), false);
    EXPECT_TRUE(IsUuid(found) && IsUuid(missing));
    EXPECT_NE(found, TestTelemetryId(kSeed, absl::StrCat("found-", i + 1)));
    EXPECT_EQ(Lookup(found).status, 200) << found;
    EXPECT_EQ(Lookup(missing).status, 404) << missing;
  }

  // Case does not make another id.
  std::string upper = kTelemetryId;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CurlResponse shouted = Lookup(upper);
  ASSERT_EQ(shouted.status, 200);
  EXPECT_EQ(Str(Parse(shouted.body), "/fingerprints/hardware_fingerprint"),
            Str(Parse(Lookup(kTelemetryId).body), "/fingerprints/hardware_fingerprint"));

  // An id that selects a scenario is found although it is no UUID; a header does not make an
  // unknown id found.
  EXPECT_EQ(Lookup("sandbox-allow-7").status, 200);
  EXPECT_EQ(Lookup("t-2", {"X-Sandbox-Scenario: allow"}).status, 404);
  EXPECT_EQ(Lookup(kTelemetryId, {"X-Sandbox-Scenario: allow"}).status, 200);
}

TEST_F(StytchRoutesTest, LookupErrorsAndScenarios) {
  CurlResponse bad_metadata =
      Post("/v1/fingerprint/lookup",
           absl::StrCat(R"({"telemetry_id":")", kTelemetryId,
                        R"(","external_metadata":{"external_id":"has space"}})"));
  EXPECT_EQ(bad_metadata.status, 400);
  EXPECT_EQ(Str(Parse(bad_metadata.body), "/error_type"), "invalid_external_metadata");

  struct Case {
    const char* token;
    long status;
    const char* error_type;
  };
  for (const Case& c : {Case{"sandbox-not-found-1", 404, "telemetry_id_not_found"},
                        Case{"sandbox-rate-limited", 429, "too_many_requests"},
                        Case{"sandbox-server-error", 500, "internal_server_error"},
                        Case{"sandbox-service-unavailable", 503, "service_unavailable"}}) {
    CurlResponse response = Lookup(c.token);
    EXPECT_EQ(response.status, c.status) << c.token;
    EXPECT_EQ(Str(Parse(response.body), "/error_type"), c.error_type) << c.token;
  }
  EXPECT_EQ(Lookup("sandbox-rate-limited").headers["retry-after"], "1");
  // By header, for any token.
  EXPECT_EQ(Lookup(kTelemetryId, {"X-Sandbox-Scenario: not-found"}).status, 404);
  EXPECT_EQ(Lookup(kTelemetryId, {"X-Sandbox-Scenario: no-such-scenario"}).status, 400);
  // Empty telemetry id: not found, as the vendor documents for a missing id.
  EXPECT_EQ(Lookup("").status, 404);

  CurlResponse html = Lookup("sandbox-html");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.headers["content-type"], "text/html; charset=utf-8");
  CurlResponse malformed = Lookup("sandbox-malformed");
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(Parse(malformed.body).HasParseError());
  CurlResponse reset = Lookup("sandbox-reset");
  EXPECT_NE(reset.code, CURLE_OK);

  rapidjson::Document drift = Parse(Lookup("sandbox-drift").body);
  ASSERT_TRUE(drift.IsObject());
  EXPECT_TRUE(At(drift, "/status_code")->IsString());
  EXPECT_EQ(Str(drift, "/verdict/action"), "REVIEW");
  EXPECT_TRUE(At(drift, "/created_at")->IsNumber());
  EXPECT_NE(At(drift, "/sandbox_future_field"), nullptr);

  EXPECT_EQ(Str(Parse(Lookup("sandbox-block-1").body), "/verdict/action"), "BLOCK");
}

TEST_F(StytchRoutesTest, RulesPageThroughSeedAndNewRulesAndAffectLookups) {
  // A rule on this visitor's hardware fingerprint decides its next lookup.
  const std::string first = TestTelemetryId(kSeed, "visitorRule");
  const std::string second = SiblingId(first, "visitorRule-sibling");
  rapidjson::Document before = Parse(Lookup(first).body);
  const std::string hardware = Str(before, "/fingerprints/hardware_fingerprint");
  CurlResponse set =
      Post("/v1/rules/set", absl::StrCat(R"({"action":"BLOCK","hardware_fingerprint":")", hardware,
                                         R"(","description":"test","expires_in_minutes":30})"));
  ASSERT_EQ(set.status, 200) << set.body;
  rapidjson::Document set_doc = Parse(set.body);
  EXPECT_EQ(Str(set_doc, "/action"), "BLOCK");
  EXPECT_EQ(Str(set_doc, "/hardware_fingerprint"), hardware);
  EXPECT_NE(Str(set_doc, "/expires_at"), "<absent>");

  rapidjson::Document after = Parse(Lookup(second).body);
  EXPECT_EQ(Str(after, "/verdict/action"), "BLOCK");
  EXPECT_EQ(Str(after, "/verdict/rule_match_type"), "HARDWARE_FINGERPRINT");
  EXPECT_EQ(Str(after, "/verdict/rule_match_identifier"), hardware);
  const rapidjson::Value* reasons = At(after, "/verdict/reasons");
  ASSERT_NE(reasons, nullptr);
  EXPECT_EQ(std::string((*reasons)[reasons->Size() - 1].GetString()), "RULE_MATCH");

  // Page through every rule with the vendor cursor.
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    std::string body = cursor.empty() ? R"({"limit":7})"
                                      : absl::StrCat(R"({"limit":7,"cursor":")", cursor, R"("})");
    CurlResponse page = Post("/v1/rules/list", body);
    ASSERT_EQ(page.status, 200) << page.body;
    rapidjson::Document doc = Parse(page.body);
    const rapidjson::Value& rules = doc["rules"];
    EXPECT_LE(rules.Size(), 7u);
    for (const auto& rule : rules.GetArray()) {
      EXPECT_TRUE(rule.HasMember("rule_type"));
      EXPECT_TRUE(rule.HasMember("created_at"));
      seen.insert(absl::StrCat(rule["rule_type"].GetString(), "=", rule["action"].GetString()));
    }
    cursor = doc["next_cursor"].IsString() ? doc["next_cursor"].GetString() : "";
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(pages, (kStytchSeedRules + 1 + 6) / 7);

  CurlResponse bad_cursor = Post("/v1/rules/list", R"({"cursor":"bm90LWEtY3Vyc29y"})");
  EXPECT_EQ(bad_cursor.status, 400);
  EXPECT_EQ(Str(Parse(bad_cursor.body), "/error_type"), "dfp_rule_invalid_cursor");
  EXPECT_EQ(Post("/v1/rules/list", R"({"limit":101})").status, 400);

  // NONE clears the rule.
  ASSERT_EQ(Post("/v1/rules/set",
                 absl::StrCat(R"({"action":"NONE","hardware_fingerprint":")", hardware, R"("})"))
                .status,
            200);
  EXPECT_EQ(Str(Parse(Lookup(second).body), "/verdict/rule_match_type"), "<absent>");
}

TEST_F(StytchRoutesTest, SetRuleValidatesLikeTheVendor) {
  struct Case {
    const char* body;
    const char* error_type;
  };
  for (const Case& c : {
           Case{R"({"action":"BLOCK"})", "invalid_fingerprint_or_id"},
           Case{R"({"action":"BLOCK","visitor_id":"a","browser_id":"b"})",
                "invalid_fingerprint_or_id"},
           Case{R"({"action":"MAYBE","visitor_id":"a"})", "invalid_action_for_rules"},
           Case{R"({"action":"BLOCK","cidr_block":"10.0.0.0/8"})", "cidr_block_invalid_prefix"},
           Case{R"({"action":"BLOCK","cidr_block":"not-an-ip"})", "invalid_cidr_block"},
           Case{R"({"action":"BLOCK","country_code":"Germany"})", "invalid_country_code"},
           Case{R"({"action":"ALLOW","country_code":"DE"})", "invalid_country_code_allow_rule"},
           Case{R"({"action":"BLOCK","asn":"AS123"})", "invalid_asn"},
       }) {
    CurlResponse response = Post("/v1/rules/set", c.body);
    EXPECT_EQ(response.status, 400) << c.body;
    EXPECT_EQ(Str(Parse(response.body), "/error_type"), c.error_type) << c.body;
  }
}

TEST_F(StytchRoutesTest, VerdictReasonOverridesListAndApplyToLookups) {
  CurlResponse list = Post("/v1/verdict_reasons/list", "{}");
  ASSERT_EQ(list.status, 200) << list.body;
  rapidjson::Document doc = Parse(list.body);
  EXPECT_EQ(doc["verdict_reason_actions"].Size(), std::size(kStytchVerdictReasons));

  CurlResponse set = Post("/v1/verdict_reasons/override",
                          R"({"verdict_reason":"VIRTUAL_MACHINE","override_action":"ALLOW",)"
                          R"("override_description":"QA runs in VMs"})");
  ASSERT_EQ(set.status, 200) << set.body;
  rapidjson::Document set_doc = Parse(set.body);
  EXPECT_EQ(Str(set_doc, "/verdict_reason_action/default_action"), "CHALLENGE");
  EXPECT_EQ(Str(set_doc, "/verdict_reason_action/override_action"), "ALLOW");
  EXPECT_NE(Str(set_doc, "/verdict_reason_action/override_created_at"), "<absent>");

  rapidjson::Document only =
      Parse(Post("/v1/verdict_reasons/list", R"({"overrides_only":true})").body);
  ASSERT_EQ(only["verdict_reason_actions"].Size(), 1u);

  // A lookup whose verdict came from VIRTUAL_MACHINE now reports the override.
  rapidjson::Document lookup = Parse(Lookup("sandbox-challenge-override").body);
  EXPECT_EQ(Str(lookup, "/verdict/action"), "CHALLENGE");  // forced by the scenario
  bool found = false;
  for (int i = 0; i < 60 && !found; ++i) {
    rapidjson::Document d = Parse(Lookup(TestTelemetryId(kSeed, absl::StrCat("vm-", i))).body);
    const rapidjson::Value* reasons = At(d, "/verdict/reasons");
    if (reasons == nullptr || reasons->Empty() ||
        std::string((*reasons)[0].GetString()) != "VIRTUAL_MACHINE") {
      continue;
    }
    EXPECT_EQ(Str(d, "/verdict/action"), "ALLOW");
    EXPECT_EQ(Str(d, "/verdict/verdict_reason_overrides/0/verdict_reason"), "VIRTUAL_MACHINE");
    EXPECT_EQ(Str(d, "/verdict/verdict_reason_overrides/0/override_action"), "ALLOW");
    found = true;
  }
  EXPECT_TRUE(found);

  CurlResponse rule_match = Post("/v1/verdict_reasons/override",
                                 R"({"verdict_reason":"RULE_MATCH","override_action":"ALLOW"})");
  EXPECT_EQ(rule_match.status, 400);
  ASSERT_EQ(Post("/v1/verdict_reasons/override",
                 R"({"verdict_reason":"VIRTUAL_MACHINE","override_action":"NONE"})")
                .status,
            200);
  EXPECT_EQ(Parse(Post("/v1/verdict_reasons/list", R"({"overrides_only":true})")
                      .body)["verdict_reason_actions"]
                .Size(),
            0u);
}

TEST_F(StytchRoutesTest, RoutingMethodsAndCounters) {
  const uint64_t lookups = sandbox_->request_count(kRouteStytchLookup);
  Lookup(kTelemetryId);
  Lookup("sandbox-server-error");
  EXPECT_EQ(sandbox_->request_count(kRouteStytchLookup), lookups + 2);

  CurlRequest get;
  get.url = sandbox_->base_url() + "/v1/rules/list";
  get.headers = {BasicAuth(kProject, kSecret)};
  CurlResponse wrong = client_->Perform(get);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "POST");

  CurlResponse unknown = Post("/v1/nothing", "{}");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Str(Parse(unknown.body), "/error_type"), "route_not_found");

  // Fingerprint v4 was not configured in this sandbox.
  CurlRequest v4;
  v4.url = sandbox_->base_url() + "/v4/events/1708102555327.NLOjmg";
  CurlResponse unconfigured = client_->Perform(v4);
  EXPECT_EQ(unconfigured.status, 501);
  EXPECT_EQ(Str(Parse(unconfigured.body), "/error/code"), "sandbox_vendor_not_configured");
}

TEST(StytchSandboxOptionsTest, ProjectIdAndSecretGoTogether) {
  SandboxOptions options;
  options.credentials["stytch"] = kProject;  // a project id without its secret
  EXPECT_EQ(Sandbox::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fpgw::sandbox
