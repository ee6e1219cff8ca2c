// The benchmarks' input: one Fingerprint v4 event with every group populated (3.4 KiB), and the
// anchor they are measured against, parsing it with RapidJSON.
#ifndef FPGW_BENCH_EVENT_INPUT_H_
#define FPGW_BENCH_EVENT_INPUT_H_

#include <fstream>
#include <sstream>
#include <string>

#include "benchmark/benchmark.h"
#include "vendors/common/json_reader.h"

namespace fpgw::bench {

inline const std::string& Event() {
  static const std::string* body = [] {
    std::ifstream in(std::string(FPGW_TESTDATA) + "/fingerprint_v4/event_mobile_vpn.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return new std::string(ss.str());
  }();
  return *body;
}

// Anchor: RapidJSON DOM parse only.
inline void BM_Anchor_RapidJsonParse(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = fpgw::vendors::ParseJson(Event());
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Event().size()));
}

}  // namespace fpgw::bench

#endif  // FPGW_BENCH_EVENT_INPUT_H_
