// What a platform team sees of a running gateway, end to end through the real sandbox over TLS:
// the Prometheus metrics scraped over HTTP move as traffic passes; a caller's W3C trace reaches
// the vendor and the access log; and every health state (an open vendor circuit, a credential the
// store cannot give, draining) shows in grpc.health.v1 Check and Watch and in /readyz.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "sandbox/stytch/data.h"
#include "telemetry/log.h"
#include "testing/curl_test_client.h"
#include "testing/gateway_harness.h"
#include "testing/secret_volume.h"
#include "testing/status_matchers.h"

namespace fpgw::server {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::SecretVolume;
using ::fpgw::testing::StatusIs;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kFpIntegration[] = "fpgw.integration/acme/fp";
constexpr char kStytchIntegration[] = "fpgw.integration/acme/stytch";

// One series of a scrape: `name{labels...} value`, matched when it has every label of `labels`;
// the sum over the matching series (0 when none).
double SeriesSum(const std::string& text, absl::string_view name,
                 const std::map<std::string, std::string>& labels = {}) {
  double sum = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t name_end = line.find_first_of("{ ");
    if (name_end == absl::string_view::npos || line.substr(0, name_end) != name) continue;
    const size_t value_start = line.rfind(' ');
    absl::string_view label_text;
    if (line[name_end] == '{') label_text = line.substr(name_end, line.rfind('}') - name_end + 1);
    bool match = true;
    for (const auto& [label, value] : labels) {
      if (!absl::StrContains(label_text, absl::StrCat(label, "=\"", value, "\""))) match = false;
    }
    double value = 0;
    if (match && absl::SimpleAtod(line.substr(value_start + 1), &value)) sum += value;
  }
  return sum;
}

// Every log line written while it lives, as parsed JSON objects.
class LogCapture final {
 public:
  LogCapture() {
    telemetry::SetLogSink([this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { telemetry::SetLogSink(nullptr); }

  // The access log lines ("msg":"rpc") whose field `key` is `value`.
  std::vector<std::map<std::string, std::string>> AccessLines(const std::string& key,
                                                              const std::string& value) const {
    std::vector<std::map<std::string, std::string>> found;
    absl::MutexLock lock(&mu_);
    for (const std::string& text : lines_) {
      rapidjson::Document line;
      if (line.Parse(text.c_str()).HasParseError() || !line.IsObject()) continue;
      std::map<std::string, std::string> fields;
      for (const auto& member : line.GetObject()) {
        if (member.value.IsString()) {
          fields[member.name.GetString()] = member.value.GetString();
        } else if (member.value.IsInt64()) {
          fields[member.name.GetString()] = absl::StrCat(member.value.GetInt64());
        } else if (member.value.IsNumber()) {
          fields[member.name.GetString()] = absl::StrCat(member.value.GetDouble());
        }
      }
      if (fields["msg"] == "rpc" && fields[key] == value) found.push_back(std::move(fields));
    }
    return found;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_;
};

// GET of the metrics listener's `path`.
::fpgw::testing::CurlResponse Get(const server::Gateway& gateway, const std::string& path) {
  ::fpgw::testing::CurlTestClient client("");
  ::fpgw::testing::CurlRequest request;
  request.url = absl::StrCat("http://", gateway.metrics_address(), path);
  return client.Perform(request);
}

// The status grpc.health.v1 Check gives for `service` on the harness's listener.
std::optional<HealthCheckResponse::ServingStatus> Check(const GatewayHarness& harness,
                                                        const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(harness.channel());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) return std::nullopt;
  return response.status();
}

// Waits (up to 5 s: health is recomputed every 250 ms) until Check of `service` says `status`.
bool EventuallyChecks(const GatewayHarness& harness, const std::string& service,
                      HealthCheckResponse::ServingStatus status) {
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (absl::Now() < give_up) {
    if (Check(harness, service) == status) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

constexpr auto kServing = HealthCheckResponse::SERVING;
constexpr auto kNotServing = HealthCheckResponse::NOT_SERVING;

// A Watch stream of one service, read on its own thread.
class HealthWatch final {
 public:
  HealthWatch(const GatewayHarness& harness, const std::string& service)
      : stub_(grpc::health::v1::Health::NewStub(harness.channel())) {
    HealthCheckRequest request;
    request.set_service(service);
    reader_ = stub_->Watch(&context_, request);
    thread_ = std::thread([this] {
      HealthCheckResponse response;
      while (reader_->Read(&response)) {
        absl::MutexLock lock(&mu_);
        seen_.push_back(response.status());
      }
    });
  }
  ~HealthWatch() {
    context_.TryCancel();
    thread_.join();
  }

  // Waits (up to 5 s) until the stream has delivered `statuses` in this order (others between
  // them allowed).
  bool EventuallySaw(const std::vector<HealthCheckResponse::ServingStatus>& statuses) {
    auto saw = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      size_t next = 0;
      for (auto status : seen_) {
        if (next < statuses.size() && status == statuses[next]) ++next;
      }
      return next == statuses.size();
    };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&saw), absl::Seconds(5));
  }

 private:
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderInterface<HealthCheckResponse>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<HealthCheckResponse::ServingStatus> seen_ ABSL_GUARDED_BY(mu_);
};

// The gateway with the resilience a deployment runs with (retries and circuit breaking on) and a
// metrics listener on a free loopback port.
void DeploymentDefaults(GatewayConfigBuilder& config) {
  config.EditHttp([](fpgw::config::v1::Http& http) {
    http.mutable_retry()->set_max_attempts(0);
    http.mutable_circuit_breaker()->set_consecutive_failures(0);
  });
  config.EditServer(
      [](fpgw::config::v1::Server& server) { server.set_metrics_listen("127.0.0.1:0"); });
}

class ObservabilityTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      DeploymentDefaults(config);
      config.AddTenant("acme");
      config.AddIntegration("fp", "fingerprint-v4", [](fpgw::config::v1::Integration& fp) {
        fp.mutable_cache_ttl()->set_seconds(60);
      });
      config.AddIntegration("stytch", "stytch");
      config.AddListener("127.0.0.1:0", {}).set_health_only(true);
    });
  }

  LogCapture logs_;
};

TEST_F(ObservabilityTest, AHealthOnlyListenerAnswersProbesInTheClearAndNothingElse) {
  ASSERT_EQ(harness().gateway().listening().size(), 2u);
  auto channel =
      grpc::CreateChannel(harness().gateway().listening()[1], grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  for (const std::string service : {"", "fpgw.liveness", kFpIntegration}) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), kServing) << service;
  }
  auto evaluation = fpgw::v1::EvaluationService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  fpgw::v1::EvaluateRequest request;
  request.set_token("1760000000123.probe01");
  fpgw::v1::EvaluateResponse response;
  EXPECT_EQ(evaluation->Evaluate(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ObservabilityTest, ScrapedSeriesMoveWithRealTraffic) {
  const server::Gateway& gateway = harness().gateway();
  const ::fpgw::testing::CurlResponse before = Get(gateway, "/metrics");
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(before.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");

  const std::string token = "1760000000123.metrics01";
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(harness().Evaluate("fp", token, &response), IsOk());
  ASSERT_THAT(harness().Evaluate("fp", token, &response), IsOk());  // from the cache
  ASSERT_THAT(harness().Evaluate("fp", "sandbox-drift", &response), IsOk());
  // The vendor fails every attempt: three attempts, two of them retries.
  EXPECT_THAT(harness().Evaluate("stytch", "sandbox-server-error.metrics", &response),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(harness().Evaluate("nope", token, &response), StatusIs(absl::StatusCode::kNotFound));

  // The access log says how many vendor requests each call took: none from the cache, every
  // attempt of a retried one.
  std::vector<std::string> fp_requests;
  for (const auto& line : logs_.AccessLines("integration", "fp")) {
    fp_requests.push_back(line.at("vendor_requests"));
  }
  EXPECT_THAT(fp_requests, ::testing::ElementsAre("1", "0", "1"));
  const auto stytch = logs_.AccessLines("integration", "stytch");
  ASSERT_EQ(stytch.size(), 1u);
  EXPECT_EQ(stytch[0].at("vendor_requests"), "3");
  EXPECT_EQ(stytch[0].at("level"), "warning");

  const ::fpgw::testing::CurlResponse after = Get(gateway, "/metrics");
  ASSERT_EQ(after.status, 200);
  auto moved = [&](absl::string_view name, const std::map<std::string, std::string>& labels) {
    return SeriesSum(after.body, name, labels) - SeriesSum(before.body, name, labels);
  };
  const std::map<std::string, std::string> evaluate = {
      {"grpc_service", "fpgw.v1.EvaluationService"},
      {"grpc_method", "Evaluate"},
      {"grpc_type", "unary"}};
  EXPECT_EQ(moved("grpc_server_started_total", evaluate), 5);
  auto with = [](std::map<std::string, std::string> labels, const std::string& key,
                 const std::string& value) {
    labels[key] = value;
    return labels;
  };
  EXPECT_EQ(moved("grpc_server_handled_total", with(evaluate, "grpc_code", "OK")), 3);
  EXPECT_EQ(moved("grpc_server_handled_total", with(evaluate, "grpc_code", "Unavailable")), 1);
  EXPECT_EQ(moved("grpc_server_handled_total", with(evaluate, "grpc_code", "NotFound")), 1);
  EXPECT_EQ(moved("grpc_server_handling_seconds_count", evaluate), 5);
  EXPECT_EQ(moved("grpc_server_handling_seconds_bucket", with(evaluate, "le", "+Inf")), 5);

  const std::map<std::string, std::string> fp = {
      {"tenant", "acme"}, {"integration", "fp"}, {"vendor", "fingerprint_v4"}};
  // The cached answer is no backend call.
  EXPECT_EQ(moved("fpgw_vendor_calls_total", with(with(fp, "operation", "Evaluate"), "code", "OK")),
            2);
  EXPECT_EQ(moved("fpgw_vendor_call_duration_seconds_count", fp), 2);
  EXPECT_EQ(
      moved("fpgw_evaluation_cache_lookups_total", {{"integration", "fp"}, {"result", "hit"}}), 1);
  EXPECT_EQ(
      moved("fpgw_evaluation_cache_lookups_total", {{"integration", "fp"}, {"result", "miss"}}), 2);
  EXPECT_EQ(moved("fpgw_vendor_http_responses_total", {{"integration", "fp"}, {"status", "200"}}),
            2);
  EXPECT_GT(moved("fpgw_vendor_schema_drift_total", {{"vendor", "fingerprint_v4"}}), 0);

  EXPECT_EQ(moved("fpgw_vendor_calls_total", {{"integration", "stytch"}, {"code", "UNAVAILABLE"}}),
            1);
  EXPECT_EQ(moved("fpgw_vendor_retries_total", {{"tenant", "acme"}, {"integration", "stytch"}}), 2);
  EXPECT_EQ(moved("fpgw_vendor_http_responses_total", {{"integration", "stytch"}}), 3);
  EXPECT_EQ(SeriesSum(after.body, "fpgw_health_serving", {{"service", "overall"}}), 1);

  // Nothing a request chose, and no credential, became a label.
  EXPECT_THAT(after.body, Not(HasSubstr("metrics01")));
  EXPECT_THAT(after.body, Not(HasSubstr("sandbox-")));
  EXPECT_THAT(after.body, Not(HasSubstr("nope")));
  for (const char* module : {"fingerprint_v4", "stytch"}) {
    EXPECT_THAT(after.body, Not(HasSubstr(harness().credential(module))));
  }
}

TEST_F(ObservabilityTest, TheMetricsListenerServesOnlyItsPaths) {
  const server::Gateway& gateway = harness().gateway();
  EXPECT_EQ(Get(gateway, "/healthz").status, 200);
  const ::fpgw::testing::CurlResponse ready = Get(gateway, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_THAT(ready.body, HasSubstr("\"status\":\"SERVING\""));
  EXPECT_THAT(ready.body, HasSubstr(absl::StrCat("\"", kFpIntegration, "\":\"SERVING\"")));
  EXPECT_EQ(Get(gateway, "/").status, 404);
  EXPECT_EQ(Get(gateway, "/metrics/../../etc/passwd").status, 404);
  ::fpgw::testing::CurlTestClient client("");
  ::fpgw::testing::CurlRequest post;
  post.method = "POST";
  post.url = absl::StrCat("http://", gateway.metrics_address(), "/metrics");
  EXPECT_EQ(client.Perform(post).status, 405);
}

TEST_F(ObservabilityTest, TheCallersTraceReachesTheVendorAndTheAccessLog) {
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string caller_span = "00f067aa0ba902b7";
  fpgw::v1::EvaluateRequest request;
  request.set_integration("fp");
  request.set_token("1760000000123.traced01");
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(
      harness().Call(&fpgw::v1::EvaluationService::Stub::Evaluate, request, &response,
                     absl::Seconds(10),
                     {{"traceparent", absl::StrCat("00-", trace_id, "-", caller_span, "-01")},
                      {"tracestate", "congo=t61rcWkgMzE"}}),
      IsOk());

  // The vendor got the same trace, as a child of fpgw's span, with the caller's state.
  std::optional<sandbox::Sandbox::ReceivedTrace> received;
  for (const auto& trace : harness().sandbox().received_traces()) {
    if (absl::StartsWith(trace.traceparent, absl::StrCat("00-", trace_id, "-"))) received = trace;
  }
  ASSERT_TRUE(received.has_value()) << "no vendor request carried the caller's trace id";
  ASSERT_EQ(received->traceparent.size(), 55u) << received->traceparent;
  const std::string fpgw_span = received->traceparent.substr(36, 16);
  EXPECT_NE(fpgw_span, caller_span);
  EXPECT_EQ(received->traceparent.substr(52), "-01");
  EXPECT_EQ(received->tracestate, "congo=t61rcWkgMzE");

  // The access log line of the call carries the trace and says what happened.
  const auto lines = logs_.AccessLines("trace_id", trace_id);
  ASSERT_EQ(lines.size(), 1u);
  const auto& line = lines[0];
  EXPECT_EQ(line.at("span_id"), fpgw_span);
  EXPECT_EQ(line.at("method"), "/fpgw.v1.EvaluationService/Evaluate");
  EXPECT_EQ(line.at("code"), "OK");
  EXPECT_EQ(line.at("caller"), "harness");
  EXPECT_EQ(line.at("tenant"), "acme");
  EXPECT_EQ(line.at("integration"), "fp");
  EXPECT_EQ(line.at("vendor"), "fingerprint_v4");
  EXPECT_EQ(line.at("vendor_requests"), "1");
  EXPECT_EQ(line.at("level"), "info");
  double latency_ms = -1;
  ASSERT_TRUE(absl::SimpleAtod(line.at("latency_ms"), &latency_ms));
  EXPECT_GT(latency_ms, 0);
}

TEST_F(ObservabilityTest, ACallWithoutATraceStartsOneThatTheVendorAndTheLogShare) {
  const size_t before = harness().sandbox().received_traces().size();
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(harness().Evaluate("stytch", sandbox::TestTelemetryId(1, "untraced"), &response),
              IsOk());
  const auto traces = harness().sandbox().received_traces();
  ASSERT_GT(traces.size(), before);
  const std::string traceparent = traces.back().traceparent;
  ASSERT_EQ(traceparent.size(), 55u) << traceparent;
  const std::string trace_id = traceparent.substr(3, 32);
  const auto lines = logs_.AccessLines("trace_id", trace_id);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("integration"), "stytch");
  EXPECT_EQ(lines[0].at("vendor_requests"), "1");
  EXPECT_EQ(traces.back().tracestate, "");
}

TEST_F(ObservabilityTest, AnOpenCircuitTurnsItsIntegrationNotServingUntilItCloses) {
  HealthWatch watch(harness(), kStytchIntegration);
  ASSERT_TRUE(watch.EventuallySaw({kServing}));
  // Two calls of three failed attempts each: five failures in a row open the circuit.
  for (const char* call : {"a", "b"}) {
    fpgw::v1::EvaluateResponse response;
    EXPECT_THAT(
        harness().Evaluate("stytch", absl::StrCat("sandbox-server-error.health-", call), &response),
        StatusIs(absl::StatusCode::kUnavailable));
  }
  EXPECT_TRUE(EventuallyChecks(harness(), kStytchIntegration, kNotServing));
  EXPECT_TRUE(watch.EventuallySaw({kServing, kNotServing}));
  // The other integration still serves, and so does the replica.
  EXPECT_EQ(Check(harness(), kFpIntegration), kServing);
  EXPECT_EQ(Check(harness(), ""), kServing);
  EXPECT_EQ(Check(harness(), "fpgw.v1.EvaluationService"), kServing);
  EXPECT_EQ(SeriesSum(Get(harness().gateway(), "/metrics").body, "fpgw_vendor_circuit_open",
                      {{"integration", "stytch"}}),
            1);
  EXPECT_EQ(Get(harness().gateway(), "/readyz").status, 200);
  // Once its open time (1 s) has passed, the circuit lets a probe through: SERVING again.
  EXPECT_TRUE(watch.EventuallySaw({kServing, kNotServing, kServing}));
  EXPECT_EQ(SeriesSum(Get(harness().gateway(), "/metrics").body, "fpgw_vendor_circuit_open",
                      {{"integration", "stytch"}}),
            0);
}

// One integration, its credential in a secret volume.
TEST(HealthTest, ACredentialTheStoreCannotGiveTurnsTheReplicaNotServingUntilItIsBack) {
  SecretVolume volume;
  const std::string key = GatewayHarness::TestCredential("fingerprint_v4");
  volume.Swap({{"fp-key", key}});
  auto harness = GatewayHarness::Start([&](GatewayConfigBuilder& config) {
    DeploymentDefaults(config);
    config.SetSecretDirectory(volume.path());
    config.AddTenant("acme");
    config.AddIntegration("fp", "fingerprint-v4", [](fpgw::config::v1::Integration& fp) {
      fp.mutable_credential()->set_file("fp-key");
    });
  });
  ASSERT_TRUE(harness.ok()) << harness.status();
  const server::Gateway& gateway = (*harness)->gateway();
  HealthWatch watch(**harness, "");
  ASSERT_TRUE(watch.EventuallySaw({kServing}));
  EXPECT_EQ(Get(gateway, "/readyz").status, 200);

  volume.Swap({{"other", "x"}});  // The credential's file is gone.
  EXPECT_TRUE(EventuallyChecks(**harness, kFpIntegration, kNotServing));
  EXPECT_TRUE(EventuallyChecks(**harness, "", kNotServing));
  EXPECT_EQ(Check(**harness, "fpgw.v1.EvaluationService"), kNotServing);
  EXPECT_EQ(Check(**harness, "fpgw.v1.AdminService"), kNotServing);
  EXPECT_EQ(Check(**harness, "fpgw.liveness"), kServing);
  EXPECT_TRUE(watch.EventuallySaw({kServing, kNotServing}));
  const ::fpgw::testing::CurlResponse unready = Get(gateway, "/readyz");
  EXPECT_EQ(unready.status, 503);
  EXPECT_THAT(unready.body, HasSubstr(absl::StrCat("\"", kFpIntegration, "\":\"NOT_SERVING\"")));
  EXPECT_EQ(Get(gateway, "/healthz").status, 200);
  const std::string metrics = Get(gateway, "/metrics").body;
  EXPECT_GE(SeriesSum(metrics, "fpgw_credential_reloads_total", {{"outcome", "rejected"}}), 1);
  EXPECT_EQ(SeriesSum(metrics, "fpgw_health_serving", {{"service", "overall"}}), 0);
  EXPECT_THAT(metrics, Not(HasSubstr(key)));
  // Calls still use the last good value meanwhile.
  fpgw::v1::EvaluateResponse response;
  EXPECT_THAT((*harness)->Evaluate("fp", "1760000000123.stale01", &response), IsOk());

  volume.Swap({{"fp-key", key}});  // Back.
  EXPECT_TRUE(EventuallyChecks(**harness, "", kServing));
  EXPECT_EQ(Check(**harness, kFpIntegration), kServing);
  EXPECT_TRUE(watch.EventuallySaw({kServing, kNotServing, kServing}));
  EXPECT_EQ(Get(gateway, "/readyz").status, 200);
}

TEST(HealthTest, DrainingTurnsEverythingButLivenessNotServingWhileCallsAreStillServed) {
  auto harness = GatewayHarness::Start([](GatewayConfigBuilder& config) {
    DeploymentDefaults(config);
    config.AddTenant("acme");
    config.AddIntegration("fp", "fingerprint-v4");
  });
  ASSERT_TRUE(harness.ok()) << harness.status();
  server::Gateway& gateway = (*harness)->gateway();
  HealthWatch watch(**harness, "fpgw.v1.EvaluationService");
  ASSERT_TRUE(watch.EventuallySaw({kServing}));
  std::thread drain([&] { gateway.Drain(absl::Seconds(3), absl::Seconds(2)); });
  EXPECT_TRUE(EventuallyChecks(**harness, "", kNotServing));
  EXPECT_EQ(Check(**harness, "fpgw.v1.EvaluationService"), kNotServing);
  EXPECT_EQ(Check(**harness, kFpIntegration), kNotServing);
  EXPECT_EQ(Check(**harness, "fpgw.liveness"), kServing);
  EXPECT_TRUE(watch.EventuallySaw({kServing, kNotServing}));
  EXPECT_EQ(Get(gateway, "/readyz").status, 503);
  EXPECT_EQ(Get(gateway, "/healthz").status, 200);
  // Still serving calls during the drain delay, so that load balancers move traffic first.
  fpgw::v1::EvaluateResponse response;
  EXPECT_THAT((*harness)->Evaluate("fp", "1760000000123.draining01", &response), IsOk());
  drain.join();
}

// Sampling applies to calls that succeed; a failed call is always logged.
TEST(AccessLogTest, FailedCallsAreLoggedWhateverTheSampling) {
  auto harness = GatewayHarness::Start([](GatewayConfigBuilder& config) {
    config.EditServer(
        [](fpgw::config::v1::Server& server) { server.mutable_access_log()->set_sample_rate(0); });
    config.AddTenant("acme");
    config.AddIntegration("fp", "fingerprint-v4");
  });
  ASSERT_TRUE(harness.ok()) << harness.status();
  LogCapture logs;
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT((*harness)->Evaluate("fp", "1760000000123.sampled01", &response), IsOk());
  EXPECT_THAT((*harness)->Evaluate("fp", "sandbox-not-found", &response),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(logs.AccessLines("code", "OK").empty());
  const auto failed = logs.AccessLines("code", "NOT_FOUND");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].at("reason"), "TOKEN_NOT_FOUND");
  EXPECT_EQ(failed[0].at("integration"), "fp");
  EXPECT_EQ(failed[0].at("trace_id").size(), 32u);
}

}  // namespace
}  // namespace fpgw::server
