// The backends the server calls for one integration, split by service: EvaluationBackend (the hot
// path: evaluate, device history, search, related devices, sealed results) and AdminBackend
// (updates, deletions, rules, verdict reasons). A vendor never implements these directly: it
// offers capabilities (capabilities.h), which vendors/registry.cc turns into backends and wraps in
// instrumentation; server/tenants.cc then protects them as a tenant's integration (cache,
// coalescing, concurrency limit: resilience/protect.h).
#ifndef FPGW_VENDORS_COMMON_BACKEND_H_
#define FPGW_VENDORS_COMMON_BACKEND_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fpgw/v1/admin_service.pb.h"
#include "fpgw/v1/evaluation.pb.h"
#include "fpgw/v1/evaluation_service.pb.h"
#include "telemetry/trace.h"

namespace fpgw::vendors {

// Links one gRPC call to the vendor request serving it, so that cancelling the call cancels the
// request. Thread-safe: Bind() and Cancel() may race; the bound action runs at most once.
class CallCancellation final {
 public:
  // Sets the action that cancels the in-flight vendor request (replacing any earlier one). If the
  // call is already cancelled, runs it at once.
  void Bind(absl::AnyInvocable<void()> cancel);
  // Clears the bound action (the request finished).
  void Unbind();
  // Cancels the call: runs the bound action, if any.
  void Cancel();
  bool cancelled() const;

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  absl::AnyInvocable<void()> cancel_ ABSL_GUARDED_BY(mu_);
};

// What one gRPC call's vendor requests report back to it, and the trace they continue.
struct CallTrace {
  telemetry::TraceContext trace;
  // Vendor HTTP requests sent for the call, each retry included; 0 when it was answered from the
  // cache or by an identical call in flight, or refused before reaching the vendor.
  std::atomic<int> vendor_requests{0};
};

// Per-call facts an adapter needs.
struct CallContext {
  // The caller's deadline (absl::InfiniteFuture() when none).
  absl::Time deadline = absl::InfiniteFuture();
  std::shared_ptr<CallCancellation> cancellation = std::make_shared<CallCancellation>();
  // Fill Evaluation.raw.
  bool include_raw = false;
  // The call's trace, passed on with every vendor request; null: none (a request without trace
  // headers).
  std::shared_ptr<CallTrace> trace;
};

// One page of evaluations and the vendor cursor of the next page (empty on the last).
struct EvaluationPage {
  std::vector<fpgw::v1::Evaluation> evaluations;
  std::string next_cursor;
  std::string device_id;
  // Total matching events, when the vendor counted them.
  std::optional<int64_t> total_size;
  // Schema drift of the page itself (not of one evaluation), e.g. an entry that is not an object.
  std::vector<fpgw::v1::FieldDrift> drift;
};

// One page of rules and the cursor of the next page (empty on the last).
struct RulePage {
  std::vector<fpgw::v1::Rule> rules;
  std::string next_cursor;
};

template <typename T>
using Done = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;
using DoneStatus = absl::AnyInvocable<void(absl::Status) &&>;

// The hot path of one integration. Thread-safety: every method may be called concurrently. `done`
// runs exactly once, on any thread (usually the HTTP event loop); it must not block.
class EvaluationBackend {
 public:
  virtual ~EvaluationBackend() = default;

  // Evaluates one client-side token.
  virtual void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                        Done<fpgw::v1::Evaluation> done) = 0;

  // Lists a device's evaluations, newest first; `cursor` is the vendor cursor of the previous page
  // ("" for the first).
  virtual void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                          int page_size, const std::string& cursor, const CallContext& context,
                          Done<EvaluationPage> done) = 0;

  // Searches events; `cursor` as for ListDevice.
  virtual void Search(const fpgw::v1::SearchFilter& filter, int page_size,
                      const std::string& cursor, const CallContext& context,
                      Done<EvaluationPage> done) = 0;

  // Lists devices related to `device_id`.
  virtual void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                                  Done<std::vector<std::string>> done) = 0;

  // Opens a sealed client result into its evaluation.
  virtual void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
                      Done<fpgw::v1::Evaluation> done) = 0;

  // Evaluates an HTTP request described by the caller (no client-side token).
  virtual void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                                   const CallContext& context, Done<fpgw::v1::Evaluation> done) = 0;
};

// An EvaluationBackend that forwards every call to another: decorators derive from it and
// override only the calls they change.
class ForwardingEvaluationBackend : public EvaluationBackend {
 public:
  explicit ForwardingEvaluationBackend(std::shared_ptr<EvaluationBackend> inner)
      : inner_(std::move(inner)) {}

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override {
    inner_->Evaluate(request, context, std::move(done));
  }
  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override {
    inner_->ListDevice(device, filter, page_size, cursor, context, std::move(done));
  }
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override {
    inner_->Search(filter, page_size, cursor, context, std::move(done));
  }
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override {
    inner_->ListRelatedDevices(device_id, context, std::move(done));
  }
  void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
              Done<fpgw::v1::Evaluation> done) override {
    inner_->Unseal(request, context, std::move(done));
  }
  void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                           const CallContext& context, Done<fpgw::v1::Evaluation> done) override {
    inner_->EvaluateHttpRequest(request, context, std::move(done));
  }

 protected:
  EvaluationBackend& inner() { return *inner_; }

 private:
  std::shared_ptr<EvaluationBackend> inner_;
};

// The mutating and management calls of one integration. Thread-safety and `done` as for
// EvaluationBackend.
class AdminBackend {
 public:
  virtual ~AdminBackend() = default;

  // Updates an event's linked id, tags or suspect flag.
  virtual void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                           DoneStatus done) = 0;

  // Deletes the vendor's data about a device.
  virtual void DeleteDevice(const std::string& device_id, const CallContext& context,
                            DoneStatus done) = 0;

  // Sets or clears a rule.
  virtual void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
                       Done<fpgw::v1::Rule> done) = 0;

  // Lists rules; `cursor` from the previous page, "" for the first.
  virtual void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                         Done<RulePage> done) = 0;

  // Overrides a verdict reason's action.
  virtual void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                        const CallContext& context,
                                        Done<fpgw::v1::VerdictReason> done) = 0;

  // Lists verdict reasons.
  virtual void ListVerdictReasons(bool overrides_only, const CallContext& context,
                                  Done<std::vector<fpgw::v1::VerdictReason>> done) = 0;
};

// Both backends of one integration.
struct Backends {
  std::unique_ptr<EvaluationBackend> evaluation;
  std::unique_ptr<AdminBackend> admin;
};

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_BACKEND_H_
