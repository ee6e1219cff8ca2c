// The vendor sandbox: a real HTTP/1.1 (TLS by default) server that emulates vendor APIs for tests,
// benchmarks, the demo and downstream CI. Each vendor is a module in its own folder
// (src/sandbox/<vendor>/, listed in vendors.cc; see vendor.h) with the vendor's endpoints, auth
// check, status codes and error bodies; the modules serve deterministic schema-true data and
// inject failures per request ("scenarios", scenario.h and src/sandbox/README.md). This file is the
// core: server lifecycle, TLS, route dispatch, request counters and the stats endpoint. It counts
// the requests it serves so that callers can assert how many vendor calls were made.
//
// Usage:
//   SandboxOptions options;
//   options.credentials["<module>"] = "sandbox-secret";  // one per module to serve
//   FPGW_ASSIGN_OR_RETURN(std::unique_ptr<Sandbox> sandbox, Sandbox::Start(options));
//   // Point the vendor's client at sandbox->base_url(), trusting sandbox->ca_cert_path().
#ifndef FPGW_SANDBOX_SANDBOX_H_
#define FPGW_SANDBOX_SANDBOX_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

struct mg_context;
struct mg_connection;

namespace fpgw::sandbox {

class Exchange;
class Router;
class SandboxVendor;

// Route names used by the request counters and `GET /_sandbox/stats` are `<module>.<endpoint>`,
// declared by each module's routes header. Any path the sandbox does not serve:
inline constexpr absl::string_view kRouteUnknown = "unknown";

struct SandboxOptions {
  // Address to listen on: an IPv4 or IPv6 literal ("127.0.0.1", "::1") or "localhost".
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one (read it back with Sandbox::port()).
  int port = 0;
  // Serve HTTPS with a generated test PKI (Sandbox::ca_cert_path()); false serves plain HTTP.
  bool tls = true;
  // Directory for the generated PKI. Empty: a fresh temporary directory that Stop() deletes.
  std::string state_dir;
  // The credential each vendor module accepts, by module name (SandboxVendorInfo::name;
  // each module's README says what it takes, a key or e.g. "project_id:secret"). Several, one per
  // line, are all accepted, as a vendor accepts an old and a new key while a key rotates. At least
  // one module must have one; a module without one answers its requests with 501
  // `sandbox_vendor_not_configured`.
  std::map<std::string, std::string> credentials;
  // Seed of the data generator: same seed and ids, same bytes.
  uint64_t seed = 1;
  // Worker threads; each in-flight request (including a slow scenario) occupies one.
  int num_threads = 8;
};

// A running sandbox server. Thread-safe: accessors may be called from any thread while requests
// are served.
class Sandbox final {
 public:
  // Generates the PKI (when TLS is on), binds and starts serving `vendors` before returning.
  //
  // Errors: INVALID_ARGUMENT when no module has a credential, for a credential of a module not in
  // `vendors` or one its module rejects, a bad port or thread count;
  // FAILED_PRECONDITION when civetweb lacks TLS support; UNAVAILABLE when the address cannot be
  // bound or the state directory cannot be created; INTERNAL when the PKI cannot be generated.
  static absl::StatusOr<std::unique_ptr<Sandbox>> Start(
      SandboxOptions options, absl::Span<const SandboxVendor* const> vendors);
  // Start() with every module of the sandbox (SandboxVendors(), library fpgw_sandbox).
  static absl::StatusOr<std::unique_ptr<Sandbox>> Start(SandboxOptions options);

  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  // Stops serving (see Stop()).
  ~Sandbox();

  // The bound TCP port.
  int port() const { return port_; }
  // "https://127.0.0.1:PORT" (or http://, or a bracketed IPv6 literal); no trailing slash.
  std::string base_url() const;
  // PEM file of the CA that signed the server certificate; empty when TLS is off.
  std::string ca_cert_path() const { return ca_cert_path_; }

  // Requests received on vendor routes (including unknown paths and requests answered with an
  // error or a failure scenario); `/_sandbox/*` control requests are not counted.
  uint64_t request_count() const { return requests_total_.load(std::memory_order_relaxed); }
  // Requests received on one route (a kRoute* name); 0 for a route never hit.
  uint64_t request_count(absl::string_view route) const;
  // All per-route counts, by route name.
  std::map<std::string, uint64_t> request_counts_by_route() const;

  // The W3C trace headers of a vendor request (empty when absent).
  struct ReceivedTrace {
    std::string traceparent;
    std::string tracestate;
  };
  // The trace headers of the last kMaxReceivedTraces vendor requests, oldest first: what a client
  // passed on of its caller's trace.
  static constexpr size_t kMaxReceivedTraces = 256;
  std::vector<ReceivedTrace> received_traces() const;

  // Stops accepting connections, wakes slow scenarios, waits for in-flight handlers, and deletes
  // the temporary state directory if the sandbox created it. Idempotent.
  void Stop();

 private:
  friend class Exchange;

  explicit Sandbox(SandboxOptions options);
  // Checks `options_.credentials` against `vendors` and adds their routes.
  absl::Status AddVendors(absl::Span<const SandboxVendor* const> vendors);

  // civetweb's request callback; `user_data` is the Sandbox.
  static int HandleRequest(mg_connection* conn, void* user_data);
  void CountRequest(absl::string_view route);
  // Counts a request for `token` and returns how many there have been, this one included.
  uint64_t NoteAttempt(absl::string_view token);
  // Sleeps up to `ms` milliseconds; returns false (early) when the sandbox is stopping.
  bool SleepUnlessStopping(int64_t ms);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  const SandboxOptions options_;
  // Built before serving starts, immutable afterwards.
  std::unique_ptr<Router> router_;
  std::string state_dir_;
  bool owns_state_dir_ = false;
  std::string ca_cert_path_;
  int port_ = 0;

  std::mutex stop_mu_;
  mg_context* ctx_ = nullptr;  // guarded by stop_mu_ once started

  std::atomic<bool> stopping_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;

  std::atomic<uint64_t> requests_total_{0};
  mutable absl::Mutex counts_mu_;
  absl::flat_hash_map<std::string, uint64_t> counts_by_route_ ABSL_GUARDED_BY(counts_mu_);
  std::deque<ReceivedTrace> received_traces_ ABSL_GUARDED_BY(counts_mu_);
  // Requests seen per scenario token, for scenarios that change over attempts.
  absl::flat_hash_map<std::string, uint64_t> attempts_by_token_ ABSL_GUARDED_BY(counts_mu_);
};

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_SANDBOX_H_
