// VendorAdapter: what an adapter offers the server. An adapter only builds its vendor's HTTP
// requests and maps its vendor's responses (DESIGN §4); retries, deadlines and the error table are
// shared. Capabilities a vendor lacks answer UNIMPLEMENTED naming the capability.
#ifndef FPGW_VENDORS_COMMON_ADAPTER_H_
#define FPGW_VENDORS_COMMON_ADAPTER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fpgw/v1/admin_service.pb.h"
#include "fpgw/v1/evaluation.pb.h"
#include "fpgw/v1/evaluation_service.pb.h"

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

// Per-call facts an adapter needs.
struct CallContext {
  // The caller's deadline (absl::InfiniteFuture() when none).
  absl::Time deadline = absl::InfiniteFuture();
  std::shared_ptr<CallCancellation> cancellation = std::make_shared<CallCancellation>();
  // Fill Evaluation.raw.
  bool include_raw = false;
};

// One page of evaluations and the vendor cursor of the next page (empty on the last).
struct EvaluationPage {
  std::vector<fpgw::v1::Evaluation> evaluations;
  std::string next_cursor;
  std::string device_id;
  // Total matching events, when the vendor counted them.
  std::optional<int64_t> total_size;
};

// One page of Stytch rules and the cursor of the next page (empty on the last).
struct RulePage {
  std::vector<fpgw::v1::Rule> rules;
  std::string next_cursor;
};

template <typename T>
using Done = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;
using DoneStatus = absl::AnyInvocable<void(absl::Status) &&>;

// A vendor integration: one method per vendor capability the API exposes. Thread-safety: every
// method may be called concurrently. `done` runs exactly once, on any thread (usually the HTTP
// event loop); it must not block.
class VendorAdapter {
 public:
  virtual ~VendorAdapter() = default;

  // Evaluates one client-side token.
  virtual void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                        Done<fpgw::v1::Evaluation> done) = 0;

  // Searches events; `cursor` is the vendor cursor from the previous page ("" for the first).
  virtual void Search(const fpgw::v1::SearchFilter& filter, int page_size,
                      const std::string& cursor, const CallContext& context,
                      Done<EvaluationPage> done) = 0;

  // Lists a device's evaluations, newest first.
  virtual void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                          const CallContext& context, Done<EvaluationPage> done) = 0;

  // Lists devices related to `device_id` (Fingerprint v3 related visitors).
  virtual void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                                  Done<std::vector<std::string>> done) = 0;

  // Updates an event's linked id, tags or suspect flag (Fingerprint).
  virtual void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                           DoneStatus done) = 0;

  // Deletes the vendor's data about a device (Fingerprint visitor deletion).
  virtual void DeleteDevice(const std::string& device_id, const CallContext& context,
                            DoneStatus done) = 0;

  // Sets or clears a rule (Stytch).
  virtual void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
                       Done<fpgw::v1::Rule> done) = 0;

  // Lists rules (Stytch); `cursor` from the previous page, "" for the first.
  virtual void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                         Done<RulePage> done) = 0;

  // Overrides a verdict reason's action (Stytch).
  virtual void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                        const CallContext& context,
                                        Done<fpgw::v1::VerdictReason> done) = 0;

  // Lists verdict reasons (Stytch).
  virtual void ListVerdictReasons(bool overrides_only, const CallContext& context,
                                  Done<std::vector<fpgw::v1::VerdictReason>> done) = 0;
};

// The base every adapter derives from: each capability answers UNIMPLEMENTED naming itself, so an
// adapter overrides exactly what its vendor offers. Also the adapter of a vendor whose folder has
// not landed yet.
class UnsupportedCapabilities : public VendorAdapter {
 public:
  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override;
  void ListDevice(const std::string& device, int page_size, const std::string& cursor,
                  const CallContext& context, Done<EvaluationPage> done) override;
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override;
  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override;
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override;
  void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
               Done<fpgw::v1::Rule> done) override;
  void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                 Done<RulePage> done) override;
  void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                const CallContext& context,
                                Done<fpgw::v1::VerdictReason> done) override;
  void ListVerdictReasons(bool overrides_only, const CallContext& context,
                          Done<std::vector<fpgw::v1::VerdictReason>> done) override;
};

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_ADAPTER_H_
