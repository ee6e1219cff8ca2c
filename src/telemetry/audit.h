// The audit log: one JSON line per AdminService call — who called (caller, peer, listener), as
// which tenant, what they did (action, integration) to what (target), with what outcome, and when
// — as a stream of its own, apart from the operational log. Never a secret or a raw token: the
// record holds only what the caller named and fpgw decided; every value is cut to 256 characters
// and anything but printable ASCII becomes '?'.
//
//   {"time":"2026-12-02T10:00:00.000Z","log":"audit","service":"AdminService",
//    "action":"DeleteDeviceData","caller":"fraud-ops","tenant":"acme","integration":"fp",
//    "target":{"device_id":"Xf3..."},"code":"OK","reason":"","duration_ms":41,
//    "peer":"ipv4:10.0.0.7:51234","listener":"0.0.0.0:50051"}
#ifndef FPGW_TELEMETRY_AUDIT_H_
#define FPGW_TELEMETRY_AUDIT_H_

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace fpgw::telemetry {

struct AuditRecord {
  absl::Time time;
  std::string service;
  std::string action;
  // Empty while the caller is not recognised.
  std::string caller;
  std::string tenant;
  std::string integration;
  // What the action was applied to, by request field: {"device_id", "..."}.
  std::vector<std::pair<std::string, std::string>> target;
  // Canonical code name ("OK", "PERMISSION_DENIED") and ErrorInfo reason ("" when none).
  std::string code;
  std::string reason;
  absl::Duration duration;
  std::string peer;
  std::string listener;
};

// Thread-safe; lines are never interleaved.
class AuditLog final {
 public:
  // Appends to `path` (created 0600), or writes to standard output for "" and "-".
  // FAILED_PRECONDITION naming the path when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();

  void Write(const AuditRecord& record);

  // The JSON line of `record`, without the newline.
  static std::string Format(const AuditRecord& record);

 private:
  AuditLog(std::FILE* out, bool owned) : out_(out), owned_(owned) {}

  absl::Mutex mu_;
  std::FILE* out_ ABSL_GUARDED_BY(mu_);
  const bool owned_;
};

}  // namespace fpgw::telemetry

#endif  // FPGW_TELEMETRY_AUDIT_H_
