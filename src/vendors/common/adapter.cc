// UnsupportedCapabilities (UNIMPLEMENTED for every capability) and CallCancellation.
#include "vendors/common/adapter.h"

#include "common/error.h"

namespace fpgw::vendors {

void CallCancellation::Bind(absl::AnyInvocable<void()> cancel) {
  bool run_now = false;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) {
      run_now = true;
    } else {
      cancel_ = std::move(cancel);
    }
  }
  if (run_now && cancel) cancel();
}

void CallCancellation::Unbind() {
  absl::MutexLock lock(&mu_);
  cancel_ = nullptr;
}

void CallCancellation::Cancel() {
  absl::AnyInvocable<void()> cancel;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    cancel = std::move(cancel_);
  }
  if (cancel) cancel();
}

bool CallCancellation::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

void UnsupportedCapabilities::Evaluate(const fpgw::v1::EvaluateRequest&, const CallContext&,
                                       Done<fpgw::v1::Evaluation> done) {
  std::move(done)(
      Unimplemented("Evaluate", "this integration's vendor adapter does not offer it yet"));
}

void UnsupportedCapabilities::Search(const fpgw::v1::SearchFilter&, int, const std::string&,
                                     const CallContext&, Done<EvaluationPage> done) {
  std::move(done)(
      Unimplemented("SearchEvaluations", "this integration's vendor has no event search"));
}

void UnsupportedCapabilities::ListDevice(const std::string&, int, const std::string&,
                                         const CallContext&, Done<EvaluationPage> done) {
  std::move(done)(Unimplemented("ListDeviceEvaluations",
                                "this integration's vendor adapter does not offer it yet"));
}

void UnsupportedCapabilities::ListRelatedDevices(const std::string&, const CallContext&,
                                                 Done<std::vector<std::string>> done) {
  std::move(done)(Unimplemented("ListRelatedDevices",
                                "only Fingerprint v3 integrations offer related visitors"));
}

void UnsupportedCapabilities::UpdateEvent(const fpgw::v1::UpdateEventRequest&, const CallContext&,
                                          DoneStatus done) {
  std::move(done)(
      Unimplemented("UpdateEvent", "only Fingerprint integrations offer event updates"));
}

void UnsupportedCapabilities::DeleteDevice(const std::string&, const CallContext&,
                                           DoneStatus done) {
  std::move(done)(Unimplemented("DeleteDeviceData",
                                "only Fingerprint integrations offer visitor-data deletion"));
}

void UnsupportedCapabilities::SetRule(const fpgw::v1::SetRuleRequest&, const CallContext&,
                                      Done<fpgw::v1::Rule> done) {
  std::move(done)(Unimplemented("SetRule", "only Stytch integrations offer rules"));
}

void UnsupportedCapabilities::ListRules(int, const std::string&, const CallContext&,
                                        Done<RulePage> done) {
  std::move(done)(Unimplemented("ListRules", "only Stytch integrations offer rules"));
}

void UnsupportedCapabilities::SetVerdictReasonOverride(
    const fpgw::v1::SetVerdictReasonOverrideRequest&, const CallContext&,
    Done<fpgw::v1::VerdictReason> done) {
  std::move(done)(
      Unimplemented("SetVerdictReasonOverride", "only Stytch integrations offer verdict reasons"));
}

void UnsupportedCapabilities::ListVerdictReasons(bool, const CallContext&,
                                                 Done<std::vector<fpgw::v1::VerdictReason>> done) {
  std::move(done)(
      Unimplemented("ListVerdictReasons", "only Stytch integrations offer verdict reasons"));
}

}  // namespace fpgw::vendors
