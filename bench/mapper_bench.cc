// Cost of normalising a Fingerprint v4 event, relative to the anchor of merely parsing its JSON
// with RapidJSON, and to the alternative of parsing it with protobuf's JSON parser into a Struct.
//
//   build/bench/mapper_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <string>

#include "bench/event_input.h"
#include "benchmark/benchmark.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "vendors/fingerprint_v4/mapper.h"

namespace {

using fpgw::bench::BM_Anchor_RapidJsonParse;
using fpgw::bench::Event;

BENCHMARK(BM_Anchor_RapidJsonParse);

void BM_NormalizeEvent_Basic(benchmark::State& state) {
  fpgw::vendors::fingerprint_v4::MapOptions options;
  for (auto _ : state) {
    auto evaluation = fpgw::vendors::fingerprint_v4::NormalizeEvent(Event(), options);
    benchmark::DoNotOptimize(evaluation);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Event().size()));
}
BENCHMARK(BM_NormalizeEvent_Basic);

void BM_NormalizeEvent_FullView(benchmark::State& state) {
  fpgw::vendors::fingerprint_v4::MapOptions options;
  options.include_raw = true;
  for (auto _ : state) {
    auto evaluation = fpgw::vendors::fingerprint_v4::NormalizeEvent(Event(), options);
    benchmark::DoNotOptimize(evaluation);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Event().size()));
}
BENCHMARK(BM_NormalizeEvent_FullView);

// The alternative the JSON decision record weighed: protobuf's own JSON parser into a Struct.
void BM_Alternative_ProtobufJsonToStruct(benchmark::State& state) {
  for (auto _ : state) {
    google::protobuf::Struct out;
    auto status = google::protobuf::util::JsonStringToMessage(Event(), &out);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Event().size()));
}
BENCHMARK(BM_Alternative_ProtobufJsonToStruct);

}  // namespace

BENCHMARK_MAIN();
