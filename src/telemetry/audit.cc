// Audit lines, written with RapidJSON.
#include "telemetry/audit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace fpgw::telemetry {
namespace {

constexpr size_t kMaxValue = 256;

// Printable ASCII only, at most kMaxValue characters: a caller-chosen value cannot forge lines,
// break the JSON or carry control sequences into a terminal.
std::string Clean(const std::string& value) {
  std::string out = value.substr(0, kMaxValue);
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

void String(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* key,
            const std::string& value) {
  writer.Key(key);
  const std::string clean = Clean(value);
  writer.String(fpgw::JsonChars(clean), static_cast<rapidjson::SizeType>(clean.size()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<AuditLog>(new AuditLog(stdout, false));
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  std::FILE* out = fd < 0 ? nullptr : fdopen(fd, "a");
  if (out == nullptr) {
    const int err = errno;
    if (fd >= 0) close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("audit.path: cannot open ", path, ": ", std::strerror(err)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(out, true));
}

AuditLog::~AuditLog() {
  absl::MutexLock lock(&mu_);
  if (owned_) std::fclose(out_);
}

std::string AuditLog::Format(const AuditRecord& record) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  String(writer, "time",
         absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", record.time, absl::UTCTimeZone()));
  String(writer, "log", "audit");
  String(writer, "service", record.service);
  String(writer, "action", record.action);
  String(writer, "caller", record.caller);
  String(writer, "tenant", record.tenant);
  String(writer, "integration", record.integration);
  writer.Key("target");
  writer.StartObject();
  for (const auto& [field, value] : record.target) String(writer, Clean(field).c_str(), value);
  writer.EndObject();
  String(writer, "code", record.code);
  String(writer, "reason", record.reason);
  writer.Key("duration_ms");
  writer.Int64(absl::ToInt64Milliseconds(record.duration));
  String(writer, "peer", record.peer);
  String(writer, "listener", record.listener);
  writer.EndObject();
  return buffer.GetString();
}

void AuditLog::Write(const AuditRecord& record) {
  const std::string line = Format(record);
  absl::MutexLock lock(&mu_);
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

}  // namespace fpgw::telemetry
