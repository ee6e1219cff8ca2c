// Trace context parsing and id generation.
#include "telemetry/trace.h"

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fpgw::telemetry {
namespace {

// Lower-case hex of `size` digits, not all zero.
bool IsId(absl::string_view text, size_t size) {
  if (text.size() != size) return false;
  bool nonzero = false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero = nonzero || c != '0';
  }
  return nonzero;
}

bool IsHexByte(absl::string_view text) {
  return text.size() == 2 && absl::ascii_isxdigit(static_cast<unsigned char>(text[0])) &&
         absl::ascii_isxdigit(static_cast<unsigned char>(text[1])) &&
         !absl::ascii_isupper(static_cast<unsigned char>(text[0])) &&
         !absl::ascii_isupper(static_cast<unsigned char>(text[1]));
}

// Printable ASCII only: a header value that cannot smuggle anything into the vendor request.
bool IsPrintable(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

uint64_t NonZeroRandom() {
  thread_local absl::BitGen random;
  uint64_t value = 0;
  while (value == 0) value = absl::Uniform<uint64_t>(random);
  return value;
}

std::string NewId(int words) {
  std::string id;
  for (int i = 0; i < words; ++i) absl::StrAppend(&id, absl::StrFormat("%016x", NonZeroRandom()));
  return id;
}

}  // namespace

TraceContext TraceContext::FromCaller(absl::string_view traceparent, absl::string_view tracestate) {
  TraceContext context;
  context.span_id = NewId(1);
  // version "-" trace-id "-" parent-id "-" trace-flags; a later version may append fields.
  const absl::string_view version = traceparent.substr(0, 2);
  const bool shaped = traceparent.size() >= 55 && IsHexByte(version) && version != "ff" &&
                      traceparent[2] == '-' && traceparent[35] == '-' && traceparent[52] == '-' &&
                      (version == "00" ? traceparent.size() == 55
                                       : traceparent.size() == 55 || traceparent[55] == '-');
  if (shaped && IsId(traceparent.substr(3, 32), 32) && IsId(traceparent.substr(36, 16), 16) &&
      IsHexByte(traceparent.substr(53, 2))) {
    context.trace_id = std::string(traceparent.substr(3, 32));
    context.parent_id = std::string(traceparent.substr(36, 16));
    uint32_t flags = 0;
    (void)absl::SimpleHexAtoi(traceparent.substr(53, 2), &flags);
    // Only the sampled flag is defined for version 00.
    context.flags = static_cast<uint8_t>(flags & 0x01);
    tracestate = absl::StripAsciiWhitespace(tracestate);
    if (tracestate.size() <= kMaxTracestateLength && IsPrintable(tracestate)) {
      context.tracestate = std::string(tracestate);
    }
    return context;
  }
  context.trace_id = NewId(2);
  return context;
}

std::string TraceContext::Traceparent() const {
  return absl::StrFormat("00-%s-%s-%02x", trace_id, span_id, flags);
}

}  // namespace fpgw::telemetry
