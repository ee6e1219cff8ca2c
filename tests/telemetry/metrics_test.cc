// The metric families: names and labels as dashboards expect them, bounded drift label sets, and
// the text exposition.
#include "telemetry/metrics.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::telemetry {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Metrics, GrpcServerMetricsCarryTheGrpcEcosystemNamesAndLabels) {
  Metrics metrics;
  metrics.RpcStarted("fpgw.v1.EvaluationService", "Evaluate");
  metrics.RpcHandled("fpgw.v1.EvaluationService", "Evaluate", absl::StatusCode::kNotFound,
                     absl::Milliseconds(30));
  const std::string text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total{grpc_method=\"Evaluate\",grpc_service="
                              "\"fpgw.v1.EvaluationService\",grpc_type=\"unary\"} 1"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"NotFound\",grpc_method="
                              "\"Evaluate\",grpc_service=\"fpgw.v1.EvaluationService\","
                              "grpc_type=\"unary\"} 1"));
  // 30 ms lands in the 0.05 s bucket and above, not in 0.025 s.
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_bucket{grpc_method=\"Evaluate\","
                              "grpc_service=\"fpgw.v1.EvaluationService\",grpc_type=\"unary\","
                              "le=\"0.025\"} 0"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_bucket{grpc_method=\"Evaluate\","
                              "grpc_service=\"fpgw.v1.EvaluationService\",grpc_type=\"unary\","
                              "le=\"0.05\"} 1"));
  EXPECT_EQ(metrics.Sum("grpc_server_handled_total", {{"grpc_code", "NotFound"}}), 1);
  EXPECT_EQ(metrics.Sum("grpc_server_handled_total", {{"grpc_code", "OK"}}), 0);
  EXPECT_EQ(metrics.Sum("grpc_server_handling_seconds"), 1);
}

TEST(Metrics, GrpcCodeNamesAreGosSpelling) {
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kOk), "OK");
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kCancelled), "Canceled");
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kResourceExhausted), "ResourceExhausted");
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kUnauthenticated), "Unauthenticated");
}

TEST(Metrics, IntegrationMetricsSplitTheScopeIntoTenantAndIntegration) {
  Metrics metrics;
  metrics.VendorResponse("acme/fp", 429);
  metrics.VendorResponse("acme/fp", 0);
  metrics.VendorResponse("acme/fp", 1000);  // Not HTTP: folded, never a label value of its own.
  metrics.VendorRetry("acme/fp");
  metrics.CacheLookup("acme/fp", true);
  metrics.Coalesced("acme/fp");
  metrics.SetCircuitOpen("acme/fp", true);
  EXPECT_EQ(metrics.Sum("fpgw_vendor_http_responses_total",
                        {{"tenant", "acme"}, {"integration", "fp"}, {"status", "429"}}),
            1);
  EXPECT_EQ(metrics.Sum("fpgw_vendor_http_responses_total", {{"status", "none"}}), 2);
  EXPECT_EQ(metrics.Sum("fpgw_vendor_retries_total", {{"tenant", "acme"}}), 1);
  EXPECT_EQ(metrics.Sum("fpgw_evaluation_cache_lookups_total", {{"result", "hit"}}), 1);
  EXPECT_EQ(metrics.Sum("fpgw_coalesced_calls_total", {{"integration", "fp"}}), 1);
  EXPECT_EQ(metrics.Sum("fpgw_vendor_circuit_open", {{"integration", "fp"}}), 1);
  metrics.SetCircuitOpen("acme/fp", false);
  EXPECT_EQ(metrics.Sum("fpgw_vendor_circuit_open", {{"integration", "fp"}}), 0);
}

TEST(Metrics, DriftPathsAreFoldedAndTheirLabelSetsBounded) {
  Metrics metrics;
  metrics.VendorDrift("fingerprint_v4", "$.events[3].bot");
  metrics.VendorDrift("fingerprint_v4", "$.events[12].bot");
  EXPECT_EQ(metrics.Sum("fpgw_vendor_schema_drift_total", {{"path", "$.events[].bot"}}), 2);
  metrics.VendorDrift("fingerprint_v4", "$.a\"b");
  EXPECT_THAT(metrics.Scrape(), HasSubstr("path=\"$.a_b\""));
  for (size_t i = 0; i < Metrics::kMaxDriftLabelSets + 10; ++i) {
    metrics.VendorDrift("fingerprint_v4", absl::StrCat("$.field", i));
  }
  // Two label sets were taken above: 998 of the loop's fit, 12 overflow.
  EXPECT_EQ(metrics.Sum("fpgw_vendor_schema_drift_total", {{"path", "overflow"}}), 12);
  EXPECT_THAT(metrics.Scrape(),
              Not(HasSubstr(absl::StrCat("$.field", Metrics::kMaxDriftLabelSets + 5, "\""))));
}

TEST(Metrics, HealthGaugeNamesTheOverallStatus) {
  Metrics metrics;
  metrics.SetHealthServing("", true);
  metrics.SetHealthServing("fpgw.v1.EvaluationService", false);
  EXPECT_EQ(metrics.Sum("fpgw_health_serving", {{"service", "overall"}}), 1);
  EXPECT_EQ(metrics.Sum("fpgw_health_serving", {{"service", "fpgw.v1.EvaluationService"}}), 0);
}

}  // namespace
}  // namespace fpgw::telemetry
