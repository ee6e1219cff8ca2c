// Structured logging: one JSON object per line on stderr ({"time","level","msg", fields...}), for
// log collectors in a mesh. Callers pass field values that are already safe to log: a Secret has
// no conversion to string, so it cannot be passed by accident.
#ifndef FPGW_TELEMETRY_LOG_H_
#define FPGW_TELEMETRY_LOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace fpgw::telemetry {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// A field's value: written as a JSON string or number.
using LogValue = std::variant<std::string, int64_t, double>;
using LogFields = std::vector<std::pair<std::string, LogValue>>;

// Sets the lowest level written (default kInfo). Thread-safe.
void SetLogLevel(LogLevel level);

// Whether a line of `level` would be written.
bool LogEnabled(LogLevel level);

// Parses "debug", "info", "warning", "error"; false for anything else.
bool ParseLogLevel(absl::string_view text, LogLevel* out);

// Writes one log line if `level` is enabled. Thread-safe; lines are never interleaved.
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

// Writes one log line whatever the level (a line that must never be filtered out, such as the
// access log line of a failed call).
void LogUnfiltered(LogLevel level, absl::string_view message, const LogFields& fields = {});

// Also hands every line written (without its newline) to `sink`; nullptr: stderr only. For tests
// and embedders. Thread-safe; the sink is called under the log's lock and must not log.
void SetLogSink(std::function<void(absl::string_view line)> sink);

}  // namespace fpgw::telemetry

#endif  // FPGW_TELEMETRY_LOG_H_
