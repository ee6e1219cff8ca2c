// W3C Trace Context (https://www.w3.org/TR/trace-context/): the caller's `traceparent` and
// `tracestate`, taken from gRPC metadata, continued through fpgw and passed on to the vendor.
// fpgw is one span per RPC: its span id is the parent of every vendor request of the call, and its
// trace id goes into every log line of the call. A missing or malformed `traceparent` starts a new
// trace (and its `tracestate`, which belongs to the dropped parent, is dropped with it).
#ifndef FPGW_TELEMETRY_TRACE_H_
#define FPGW_TELEMETRY_TRACE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace fpgw::telemetry {

struct TraceContext {
  // 32 lower-case hex digits, never all zero.
  std::string trace_id;
  // fpgw's span of this call: 16 lower-case hex digits, never all zero.
  std::string span_id;
  // The caller's span (the parent of fpgw's), empty when fpgw started the trace.
  std::string parent_id;
  // trace-flags (bit 0: sampled): the caller's, or 01 for a trace fpgw starts.
  uint8_t flags = 1;
  // The caller's tracestate, passed on unchanged; empty when none or unusable.
  std::string tracestate;

  // Continues the caller's trace, or starts one. `traceparent` and `tracestate` are the values of
  // those metadata keys (empty when absent; several tracestate values joined with ',').
  static TraceContext FromCaller(absl::string_view traceparent, absl::string_view tracestate);

  // The `traceparent` header of a request this call makes: version 00, this trace, fpgw's span as
  // the parent, the same flags.
  std::string Traceparent() const;
};

// The longest tracestate passed on (the spec's limit for propagation: 512 characters).
inline constexpr size_t kMaxTracestateLength = 512;

}  // namespace fpgw::telemetry

#endif  // FPGW_TELEMETRY_TRACE_H_
