// W3C trace context: what is continued, what starts a new trace, and what is passed on.
#include "telemetry/trace.h"

#include <string>

#include "gtest/gtest.h"

namespace fpgw::telemetry {
namespace {

constexpr char kTraceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool IsLowerHex(const std::string& text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return text != std::string(size, '0');
}

TEST(TraceContext, ContinuesTheCallersTrace) {
  const TraceContext trace = TraceContext::FromCaller(kTraceparent, "congo=t61rcWkgMzE");
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace.parent_id, "00f067aa0ba902b7");
  EXPECT_TRUE(IsLowerHex(trace.span_id, 16));
  EXPECT_NE(trace.span_id, trace.parent_id);
  EXPECT_EQ(trace.tracestate, "congo=t61rcWkgMzE");
  // Passed on as a child of fpgw's span.
  EXPECT_EQ(trace.Traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + trace.span_id + "-01");
}

TEST(TraceContext, KeepsTheUnsampledFlag) {
  const TraceContext trace =
      TraceContext::FromCaller("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "");
  EXPECT_EQ(trace.flags, 0);
  EXPECT_EQ(trace.Traceparent().substr(53), "00");
}

TEST(TraceContext, StartsANewTraceWithoutAUsableParent) {
  for (const char* bad : {
           "",
           "garbage",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",        // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",        // zero parent id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",        // upper case
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",        // forbidden version
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // 00 is exactly 55
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
       }) {
    const TraceContext trace = TraceContext::FromCaller(bad, "congo=t61rcWkgMzE");
    EXPECT_TRUE(IsLowerHex(trace.trace_id, 32)) << bad;
    EXPECT_NE(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736") << bad;
    EXPECT_TRUE(trace.parent_id.empty()) << bad;
    // The state belonged to the parent that was dropped.
    EXPECT_TRUE(trace.tracestate.empty()) << bad;
    EXPECT_EQ(trace.flags, 1) << bad;
  }
}

TEST(TraceContext, AcceptsALaterVersionWithMoreFields) {
  const TraceContext trace = TraceContext::FromCaller(
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", "");
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  // Passed on in the version fpgw speaks.
  EXPECT_EQ(trace.Traceparent().substr(0, 3), "00-");
}

TEST(TraceContext, DropsATracestateThatCannotBePassedOnSafely) {
  EXPECT_TRUE(TraceContext::FromCaller(kTraceparent, std::string(kMaxTracestateLength + 1, 'a'))
                  .tracestate.empty());
  EXPECT_TRUE(TraceContext::FromCaller(kTraceparent, "a=b\r\nx-injected: 1").tracestate.empty());
  EXPECT_EQ(TraceContext::FromCaller(kTraceparent, "a=b,c=d").tracestate, "a=b,c=d");
}

TEST(TraceContext, NewTracesDiffer) {
  EXPECT_NE(TraceContext::FromCaller("", "").trace_id, TraceContext::FromCaller("", "").trace_id);
}

}  // namespace
}  // namespace fpgw::telemetry
