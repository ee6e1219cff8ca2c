// JSON-lines logger on stderr.
#include "telemetry/log.h"

#include <atomic>
#include <cstdio>
#include <functional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace fpgw::telemetry {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
absl::Mutex g_write_mu;
std::function<void(absl::string_view)>* g_sink ABSL_GUARDED_BY(g_write_mu) = nullptr;

struct WriteValue {
  rapidjson::Writer<rapidjson::StringBuffer>* writer;
  void operator()(const std::string& value) const {
    writer->String(fpgw::JsonChars(value), static_cast<rapidjson::SizeType>(value.size()));
  }
  void operator()(int64_t value) const { writer->Int64(value); }
  void operator()(double value) const { writer->Double(value); }
};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}
}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void SetLogSink(std::function<void(absl::string_view line)> sink) {
  absl::MutexLock lock(&g_write_mu);
  delete g_sink;
  g_sink = sink ? new std::function<void(absl::string_view)>(std::move(sink)) : nullptr;
}

bool ParseLogLevel(absl::string_view text, LogLevel* out) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (text == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (LogEnabled(level)) LogUnfiltered(level, message, fields);
}

void LogUnfiltered(LogLevel level, absl::string_view message, const LogFields& fields) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  writer.Key("time");
  writer.String(fpgw::JsonChars(now), static_cast<rapidjson::SizeType>(now.size()));
  writer.Key("level");
  writer.String(LevelName(level));
  writer.Key("msg");
  writer.String(fpgw::JsonChars(message), static_cast<rapidjson::SizeType>(message.size()));
  for (const auto& [key, value] : fields) {
    writer.Key(fpgw::JsonChars(key), static_cast<rapidjson::SizeType>(key.size()));
    std::visit(WriteValue{&writer}, value);
  }
  writer.EndObject();
  absl::MutexLock lock(&g_write_mu);
  std::fprintf(stderr, "%s\n", buffer.GetString());
  std::fflush(stderr);
  if (g_sink != nullptr) (*g_sink)(absl::string_view(buffer.GetString(), buffer.GetSize()));
}

}  // namespace fpgw::telemetry
