// What observing one RPC costs (metrics, trace context, the access log line), relative to the
// anchor of parsing one Fingerprint v4 event with RapidJSON — a fraction of what every Evaluate
// already spends on the vendor's answer.
//
//   build/bench/telemetry_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <string>

#include "bench/event_input.h"
#include "benchmark/benchmark.h"
#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "telemetry/trace.h"

namespace {

using fpgw::bench::BM_Anchor_RapidJsonParse;

BENCHMARK(BM_Anchor_RapidJsonParse);

// The metrics one Evaluate records: started, handled (with the latency histogram), the backend
// call (with its histogram), the vendor's HTTP answer and a cache lookup.
void BM_MetricsOfOneCall(benchmark::State& state) {
  fpgw::telemetry::Metrics metrics;
  const fpgw::telemetry::IntegrationLabels labels{"acme", "fingerprint", "fingerprint_v4"};
  for (auto _ : state) {
    metrics.RpcStarted("fpgw.v1.EvaluationService", "Evaluate");
    metrics.CacheLookup("acme/fingerprint", false);
    metrics.VendorResponse("acme/fingerprint", 200);
    metrics.VendorCall(labels, "Evaluate", absl::StatusCode::kOk, absl::Milliseconds(40));
    metrics.RpcHandled("fpgw.v1.EvaluationService", "Evaluate", absl::StatusCode::kOk,
                       absl::Milliseconds(41));
  }
}
BENCHMARK(BM_MetricsOfOneCall);

void BM_TraceContextOfOneCall(benchmark::State& state) {
  for (auto _ : state) {
    auto trace = fpgw::telemetry::TraceContext::FromCaller(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");
    std::string header = trace.Traceparent();
    benchmark::DoNotOptimize(header);
  }
}
BENCHMARK(BM_TraceContextOfOneCall);

// The access log line, formatted and handed to a sink (standard error is sent to /dev/null by
// the command in docs/benchmarks.md, so the write is a system call that discards).
void BM_AccessLogLine(benchmark::State& state) {
  for (auto _ : state) {
    fpgw::telemetry::LogUnfiltered(fpgw::telemetry::LogLevel::kInfo, "rpc",
                                   {{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                                    {"span_id", "53995c3f42cd8ad8"},
                                    {"method", "/fpgw.v1.EvaluationService/Evaluate"},
                                    {"caller", "checkout"},
                                    {"tenant", "shop"},
                                    {"integration", "fingerprint"},
                                    {"vendor", "fingerprint_v4"},
                                    {"code", "OK"},
                                    {"reason", ""},
                                    {"latency_ms", 41.7},
                                    {"vendor_requests", int64_t{1}}});
  }
}
BENCHMARK(BM_AccessLogLine);

}  // namespace

BENCHMARK_MAIN();
