// Tests of the sandbox's core — lifecycle, the route table, endpoint dispatch (VendorRoutes), the
// scenario runner, the request counters and `/_sandbox/stats` — with a vendor module of the test's
// own ("echo"), so that they hold whatever vendors the sandbox ships. A real libcurl client talks
// to a sandbox on loopback.
#include "sandbox/sandbox.h"

#include <curl/curl.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"
#include "sandbox/exchange.h"
#include "sandbox/router.h"
#include "sandbox/scenario.h"
#include "sandbox/vendor.h"
#include "sandbox/vendor_routes.h"
#include "testing/curl_test_client.h"

namespace fpgw::sandbox {
namespace {

using ::fpgw::testing::CurlRequest;
using ::fpgw::testing::CurlResponse;
using ::fpgw::testing::CurlTestClient;
using ::testing::HasSubstr;

constexpr char kKey[] = "echo-key-0123";

// ----------------------------------------------------------------------------------------------
// The test's vendor module: `/<name>/items` (list; token: query `q`), `/<name>/items/{id}` (GET
// and PUT; token: the id), and the public `/<name>-public/ping` (token: the text body). Its
// credential travels in `X-Echo-Key`; a credential containing "bad" is refused.

constexpr uint32_t kList = 1;
constexpr uint32_t kItem = 2;
constexpr uint32_t kPing = 4;

int AnswerCustom(Exchange& ex, absl::string_view token) {
  return ex.Send(418, "text/plain", absl::StrCat("custom:", token));
}

constexpr ScenarioRow kRows[] = {
    Answer("gone", {410, "gone", "item gone"}).For(kItem),
    Answer("gone", {404, "no_items", "no items"}),
    Answer("busy", {429, "busy", "slow down"}).RetryAfterFromNumber(2, 60),
    Answer("flaky-once", {503, "flaky", "try again"}).FirstRequestOnly(),
    AnswerBody("pending", 202, "application/json", R"({"status":"pending"})").FirstNumberPerRoute(),
    AnswerWith("custom", &AnswerCustom),
};
constexpr absl::string_view kBodyScenarios[] = {"shout"};
constexpr ScenarioTable kScenarios{
    "echo", kRows, kBodyScenarios, {400, "unknown_scenario", "no scenario \"$0\""}};

class EchoRoutes final : public VendorRoutes {
 public:
  EchoRoutes(const std::string& name, absl::string_view key)
      : VendorRoutes(kScenarios), name_(name), key_(key) {
    AddEndpoint({"GET", Exact(prefix_items_), RouteName("list"), kList, TokenFromQuery("q"),
                 Bind(&EchoRoutes::Serve)});
    AddEndpoint(
        {"GET", WithId(prefix_item_), RouteName("get"), kItem, nullptr, Bind(&EchoRoutes::Serve)});
    AddEndpoint(
        {"PUT", WithId(prefix_item_), RouteName("put"), kItem, nullptr, Bind(&EchoRoutes::Serve)});
    AddEndpoint({"POST", Exact(prefix_ping_), RouteName("ping"), kPing,
                 BindPrepare(&EchoRoutes::ReadPing), Bind(&EchoRoutes::Serve),
                 /*authenticated=*/false});
  }

 private:
  absl::string_view RouteName(absl::string_view endpoint) {
    route_names_.push_back(absl::StrCat(name_, ".", endpoint));
    return route_names_.back();
  }
  bool Authorized(Exchange& ex, const Call& call) const override {
    if (ex.RequestHeader("X-Echo-Key").value_or("") == key_) return true;
    SendError(ex, call, {401, "denied", "wrong key"});
    return false;
  }
  int WriteError(Exchange& ex, const Call&, const VendorError& error,
                 const std::vector<Header>& extra) const override {
    return ex.SendJsonError(error.status, error.code, error.message, extra);
  }
  bool ReadPing(Exchange& ex, Call& call) const {
    call.token = ex.ReadBody(1024).value_or("");
    return true;
  }
  int Serve(Exchange& ex, const Call& call) const {
    std::string text = absl::StrCat(R"({"id":")", call.id, R"(","token":")", call.token,
                                    R"(","scenario":")", call.scenario.name, R"("})");
    if (call.scenario.Is("shout")) absl::AsciiStrToUpper(&text);
    return ex.SendJson(call.scenario, text);
  }

  const std::string name_;
  const std::string key_;
  const std::string prefix_items_ = absl::StrCat("/", name_, "/items");
  const std::string prefix_item_ = absl::StrCat("/", name_, "/items/");
  const std::string prefix_ping_ = absl::StrCat("/", name_, "-public/ping");
  // Stable storage for the route names the endpoints point to.
  std::deque<std::string> route_names_;
};

class EchoModule final : public SandboxVendor {
 public:
  explicit EchoModule(std::string name)
      : name_(std::move(name)),
        prefix_(absl::StrCat("/", name_)),
        public_prefix_(absl::StrCat("/", name_, "-public")),
        info_{name_, "FPGW_TEST_ECHO_KEY", "echo.key", "echo_", {}} {}

  const SandboxVendorInfo& info() const override { return info_; }
  absl::Status CheckCredential(absl::string_view credential) const override {
    if (absl::StrContains(credential, "bad")) return absl::InvalidArgumentError("bad credential");
    return absl::OkStatus();
  }
  void AddRoutes(Router& router, const VendorSetup& setup) const override {
    const RoutePrefix prefixes[] = {{prefix_}, {public_prefix_, /*needs_credential=*/false}};
    AddVendorRoutes(router, setup, name_, prefixes,
                    [&] { return std::make_shared<const EchoRoutes>(name_, setup.credential); });
  }
  std::vector<std::string> ScenarioNames() const override { return ScenarioNamesOf(kScenarios); }

 private:
  const std::string name_;
  const std::string prefix_;
  const std::string public_prefix_;
  const SandboxVendorInfo info_;
};

const EchoModule& Echo() {
  static const EchoModule* const kModule = new EchoModule("echo");
  return *kModule;
}
const EchoModule& Mirror() {
  static const EchoModule* const kModule = new EchoModule("mirror");
  return *kModule;
}
const SandboxVendor* const kModules[] = {&Echo(), &Mirror()};

absl::StatusOr<std::unique_ptr<Sandbox>> StartEcho(SandboxOptions options) {
  return Sandbox::Start(std::move(options), kModules);
}

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return doc;
}

std::string At(const std::string& body, const char* pointer) {
  rapidjson::Document doc = Parse(body);
  const rapidjson::Value* value = rapidjson::Pointer(pointer).Get(doc);
  return value != nullptr && value->IsString() ? value->GetString() : "<absent>";
}

// ----------------------------------------------------------------------------------------------
// Pure parts.

TEST(ParseScenarioTest, LongestKnownNameWinsAndANumberMayFollow) {
  constexpr absl::string_view kNames[] = {"rate-limited", "rate"};
  EXPECT_EQ(ParseScenario("slow-body", kNames)->name, "slow-body");
  EXPECT_EQ(ParseScenario("rate-limited-30", kNames)->name, "rate-limited");
  EXPECT_EQ(ParseScenario("rate-limited-30", kNames)->number, 30);
  EXPECT_EQ(ParseScenario("rate.7", kNames)->number, 7);
  EXPECT_EQ(ParseScenario("rate_x", kNames)->number, std::nullopt);
  EXPECT_EQ(ParseScenario("slow", kNames)->delay_ms, 3000);
  EXPECT_EQ(ParseScenario("slow-250", kNames)->delay_ms, 250);
  EXPECT_EQ(ParseScenario("slow-99999999", kNames)->delay_ms, 120000);
  // A name must be followed by the end or a separator.
  EXPECT_FALSE(ParseScenario("slowly", kNames).has_value());
  EXPECT_FALSE(ParseScenario("unknown", kNames).has_value());
  for (absl::string_view delivery : kDeliveryScenarios) {
    EXPECT_EQ(ParseScenario(delivery, {})->name, delivery);
  }
}

TEST(PathPatternTest, ExactRequiredAndOptionalIds) {
  EXPECT_EQ(Exact("/a/b").Match("/a/b"), absl::string_view());
  EXPECT_FALSE(Exact("/a/b").Match("/a/b/c").has_value());
  EXPECT_EQ(WithId("/a/").Match("/a/x/y"), "x/y");
  EXPECT_FALSE(WithId("/a/").Match("/a/").has_value());
  EXPECT_EQ(WithOptionalId("/a/").Match("/a/"), "");
  EXPECT_FALSE(WithOptionalId("/a/").Match("/b/").has_value());
}

TEST(RouterTest, LongestPrefixWinsAndTheFirstRegistrationStays) {
  Router router;
  router.Add("/v1", [](Exchange&) { return 1; });
  router.Add("/v1/special", [](Exchange&) { return 2; });
  router.Add("/v1", [](Exchange&) { return 3; });
  router.Add("/root/", [](Exchange&) { return 4; });
  ASSERT_NE(router.Find("/v1/special/x"), nullptr);
  EXPECT_EQ(router.Find("/v1/special/x")->prefix, "/v1/special");
  EXPECT_EQ(router.Find("/v1/other")->prefix, "/v1");
  EXPECT_EQ(router.Find("/v1")->prefix, "/v1");
  EXPECT_EQ(router.Find("/v10"), nullptr);
  EXPECT_EQ(router.Find("/root/anything")->prefix, "/root/");
  EXPECT_EQ(router.Find("/elsewhere"), nullptr);
  // The first handler registered for "/v1" is kept.
  EXPECT_EQ(router.Find("/v1")->prefix, "/v1");
}

// ----------------------------------------------------------------------------------------------
// Lifecycle.

TEST(SandboxLifecycleTest, RejectsMissingKeyAndCleansUpItsStateDir) {
  SandboxOptions options;
  EXPECT_EQ(StartEcho(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.credentials["echo"] = "";
  EXPECT_EQ(StartEcho(options).status().code(), absl::StatusCode::kInvalidArgument);

  options.credentials["echo"] = kKey;
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = StartEcho(options);
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const std::filesystem::path ca = (*sandbox)->ca_cert_path();
  EXPECT_TRUE(std::filesystem::exists(ca));
  (*sandbox)->Stop();
  (*sandbox)->Stop();  // idempotent
  EXPECT_FALSE(std::filesystem::exists(ca.parent_path()));
}

TEST(SandboxLifecycleTest, RejectsUnknownModulesAndCredentialsTheirModuleRefuses) {
  SandboxOptions options;
  options.credentials["echo"] = kKey;
  options.credentials["nonesuch"] = "x";
  absl::Status unknown = StartEcho(options).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(), HasSubstr("nonesuch"));

  options.credentials.erase("nonesuch");
  options.credentials["mirror"] = "a-bad-one";
  absl::Status refused = StartEcho(options).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("mirror"));
  EXPECT_THAT(refused.message(), ::testing::Not(HasSubstr("a-bad-one")));
}

TEST(SandboxLifecycleTest, StopWakesASlowRequest) {
  SandboxOptions options;
  options.credentials["echo"] = kKey;
  options.tls = false;
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = StartEcho(options);
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const std::string url = (*sandbox)->base_url() + "/echo/items/sandbox-slow-60000";
  std::thread client([&] {
    CurlTestClient plain("");
    plain.Get(url, {absl::StrCat("X-Echo-Key: ", kKey)});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  (*sandbox)->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  client.join();
}

// ----------------------------------------------------------------------------------------------
// A running sandbox with the echo module (the mirror module has no credential).

class SandboxCoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SandboxOptions options;
    options.credentials["echo"] = kKey;
    absl::StatusOr<std::unique_ptr<Sandbox>> started = StartEcho(options);
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

  CurlResponse Get(absl::string_view path, std::vector<std::string> headers = {}) {
    headers.push_back(absl::StrCat("X-Echo-Key: ", kKey));
    return client_->Get(sandbox_->base_url() + std::string(path), std::move(headers));
  }
  CurlResponse Request(absl::string_view method, absl::string_view path,
                       std::vector<std::string> headers = {}, std::string body = "") {
    CurlRequest request;
    request.method = std::string(method);
    request.url = sandbox_->base_url() + std::string(path);
    request.headers = std::move(headers);
    request.body = std::move(body);
    return client_->Perform(request);
  }

  static Sandbox* sandbox_;
  std::unique_ptr<CurlTestClient> client_;
};

Sandbox* SandboxCoreTest::sandbox_ = nullptr;

TEST_F(SandboxCoreTest, DispatchesByPathAndMethodWithTheVendorsAnswers) {
  CurlResponse item = Get("/echo/items/abc");
  ASSERT_EQ(item.status, 200);
  EXPECT_EQ(At(item.body, "/id"), "abc");
  EXPECT_EQ(At(item.body, "/token"), "abc");
  EXPECT_EQ(At(Get("/echo/items?q=find-me").body, "/token"), "find-me");

  // Wrong method: 405 listing the methods of that path.
  CurlResponse wrong = Request("DELETE", "/echo/items/abc", {absl::StrCat("X-Echo-Key: ", kKey)});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET, PUT");

  // A path below the module's prefix that no endpoint serves, and one outside every prefix.
  CurlResponse unknown = Get("/echo/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(At(unknown.body, "/error/code"), "not_found");
  EXPECT_EQ(Get("/elsewhere").status, 404);
  EXPECT_EQ(Get("/echo/items/").status, 404);  // the id is required

  // The credential is checked before the scenario; public endpoints need none.
  CurlResponse denied = Request("GET", "/echo/items/sandbox-gone");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(At(denied.body, "/error/code"), "denied");
  CurlResponse ping = Request("POST", "/echo-public/ping", {}, "pong");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(At(ping.body, "/token"), "pong");
}

TEST_F(SandboxCoreTest, TerminalScenariosComeFromTheVendorsTable) {
  // By token, per endpoint kind: the first row matching the scenario and the endpoint answers.
  CurlResponse gone = Get("/echo/items/sandbox-gone-1");
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(At(gone.body, "/error/code"), "gone");
  CurlResponse none = Get("/echo/items?q=sandbox-gone");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(At(none.body, "/error/code"), "no_items");

  // By header, whatever the token; an unknown name in the header is the vendor's 400, in the
  // token it is just a token.
  EXPECT_EQ(Get("/echo/items/plain", {"X-Sandbox-Scenario: gone"}).status, 410);
  CurlResponse unknown = Get("/echo/items/plain", {"X-Sandbox-Scenario: nonesuch"});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(At(unknown.body, "/error/code"), "unknown_scenario");
  EXPECT_EQ(At(unknown.body, "/error/message"), "no scenario \"nonesuch\"");
  CurlResponse just_a_token = Get("/echo/items/sandbox-nonesuch");
  EXPECT_EQ(just_a_token.status, 200);
  EXPECT_EQ(At(just_a_token.body, "/scenario"), "");

  // Retry-After: fixed default, or the scenario's number up to the row's maximum.
  EXPECT_EQ(Get("/echo/items/sandbox-busy").headers["retry-after"], "2");
  EXPECT_EQ(Get("/echo/items/sandbox-busy-30").headers["retry-after"], "30");
  EXPECT_EQ(Get("/echo/items/sandbox-busy-999").headers["retry-after"], "60");
  EXPECT_EQ(Get("/echo/items/x", {"X-Sandbox-Scenario: busy-5"}).headers["retry-after"], "5");

  // A row answered by the vendor's own function gets the token.
  CurlResponse custom = Get("/echo/items/sandbox-custom-7");
  EXPECT_EQ(custom.status, 418);
  EXPECT_EQ(custom.body, "custom:sandbox-custom-7");
}

TEST_F(SandboxCoreTest, RowsThatAnswerOnlyTheFirstRequests) {
  // First request of the token on any endpoint of the vendor.
  EXPECT_EQ(Get("/echo/items/sandbox-flaky-once-a").status, 503);
  EXPECT_EQ(Get("/echo/items/sandbox-flaky-once-a").status, 200);
  EXPECT_EQ(Request("PUT", "/echo/items/sandbox-flaky-once-a", {absl::StrCat("X-Echo-Key: ", kKey)})
                .status,
            200);

  // The first <number> requests of the token, counted per route.
  EXPECT_EQ(Get("/echo/items/sandbox-pending-2-b").status, 202);
  EXPECT_EQ(Get("/echo/items/sandbox-pending-2-b").status, 202);
  EXPECT_EQ(Get("/echo/items/sandbox-pending-2-b").status, 200);
  CurlResponse other_route =
      Request("PUT", "/echo/items/sandbox-pending-2-b", {absl::StrCat("X-Echo-Key: ", kKey)});
  EXPECT_EQ(other_route.status, 202);
  EXPECT_EQ(other_route.body, R"({"status":"pending"})");
  EXPECT_EQ(Get("/echo/items/sandbox-pending-c").status, 202);
  EXPECT_EQ(Get("/echo/items/sandbox-pending-c").status, 200);
}

TEST_F(SandboxCoreTest, BodyAndDeliveryScenariosReachTheHandler) {
  CurlResponse shout = Get("/echo/items/sandbox-shout");
  ASSERT_EQ(shout.status, 200);
  EXPECT_EQ(At(shout.body, "/SCENARIO"), "SHOUT");

  CurlResponse malformed = Get("/echo/items/sandbox-malformed");
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(Parse(malformed.body).HasParseError());
  CurlResponse html = Get("/echo/items/sandbox-html");
  EXPECT_EQ(html.status, 200);
  EXPECT_THAT(html.headers["content-type"], HasSubstr("text/html"));
  CurlResponse reset = Get("/echo/items/sandbox-reset");
  EXPECT_EQ(reset.code, CURLE_GOT_NOTHING) << curl_easy_strerror(reset.code);
  CurlResponse slow = Get("/echo/items/sandbox-slow-400");
  EXPECT_EQ(slow.status, 200);
  EXPECT_GE(slow.total_seconds, 0.35);
  CurlResponse slow_body = Get("/echo/items/sandbox-slow-body");
  EXPECT_EQ(slow_body.status, 200);
  EXPECT_FALSE(Parse(slow_body.body).HasParseError());
  EXPECT_GE(slow_body.total_seconds, 1.0);

  CurlRequest oversized;
  oversized.url = sandbox_->base_url() + "/echo/items/sandbox-oversized";
  oversized.headers = {absl::StrCat("X-Echo-Key: ", kKey)};
  oversized.discard_body = true;
  CurlResponse big = client_->Perform(oversized);
  EXPECT_EQ(big.status, 200);
  EXPECT_GE(big.body_bytes, 50u * 1024 * 1024);
}

TEST_F(SandboxCoreTest, AModuleWithoutACredentialAnswersUnconfigured) {
  CurlResponse unconfigured = Get("/mirror/items/x");
  EXPECT_EQ(unconfigured.status, 501);
  EXPECT_EQ(At(unconfigured.body, "/error/code"), "sandbox_vendor_not_configured");
  EXPECT_THAT(At(unconfigured.body, "/error/message"), HasSubstr("credentials[\"mirror\"]"));
  // Its public prefix is served all the same.
  EXPECT_EQ(Request("POST", "/mirror-public/ping", {}, "p").status, 200);
}

TEST_F(SandboxCoreTest, CountsRequestsTotalAndPerRouteAndReportsThemInStats) {
  const uint64_t total = sandbox_->request_count();
  const uint64_t gets = sandbox_->request_count("echo.get");
  const uint64_t unknown = sandbox_->request_count(kRouteUnknown);
  Get("/echo/items/a");                  // echo.get
  Get("/echo/items/sandbox-gone");       // echo.get, answered by a scenario
  Request("GET", "/echo/items/denied");  // echo.get, refused
  Request("PATCH", "/echo/items/a");     // echo.get (the path's first endpoint), 405
  Get("/echo/items?q=1");                // echo.list
  Get("/echo/nothing");                  // unknown
  Get("/nowhere");                       // unknown
  EXPECT_EQ(sandbox_->request_count(), total + 7);
  EXPECT_EQ(sandbox_->request_count("echo.get"), gets + 4);
  EXPECT_EQ(sandbox_->request_count(kRouteUnknown), unknown + 2);

  // The stats endpoint needs no key, reports the same numbers and is not counted itself.
  CurlResponse stats = client_->Get(sandbox_->base_url() + "/_sandbox/stats");
  ASSERT_EQ(stats.status, 200);
  rapidjson::Document doc = Parse(stats.body);
  EXPECT_EQ(doc["requests_total"].GetUint64(), total + 7);
  EXPECT_EQ(rapidjson::Pointer("/by_route/echo.get").Get(doc)->GetUint64(), gets + 4);
  EXPECT_EQ(sandbox_->request_counts_by_route().at("echo.list"),
            rapidjson::Pointer("/by_route/echo.list").Get(doc)->GetUint64());
  EXPECT_EQ(Request("POST", "/_sandbox/stats").status, 405);
  EXPECT_EQ(sandbox_->request_count(), total + 7);
}

}  // namespace
}  // namespace fpgw::sandbox
