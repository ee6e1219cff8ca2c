// Structured logging: one JSON object per line on stderr ({"time","level","msg", fields...}), for
// log collectors in a mesh. Callers pass field values that are already safe to log: a Secret has
// no conversion to string, so it cannot be passed by accident.
#ifndef FPGW_TELEMETRY_LOG_H_
#define FPGW_TELEMETRY_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace fpgw::telemetry {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Sets the lowest level written (default kInfo). Thread-safe.
void SetLogLevel(LogLevel level);

// Parses "debug", "info", "warning", "error"; false for anything else.
bool ParseLogLevel(absl::string_view text, LogLevel* out);

// Writes one log line. Thread-safe; lines are never interleaved.
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

}  // namespace fpgw::telemetry

#endif  // FPGW_TELEMETRY_LOG_H_
