// The backends over a set of capabilities: the one place an absent capability is answered.
#include "vendors/common/capabilities.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::vendors {
namespace {

// Shared by both backends: the capabilities and the integration's name.
struct Offered {
  VendorCapabilities capabilities;
  std::string integration;

  absl::Status Absent(absl::string_view rpc) const {
    return Unimplemented(rpc,
                         absl::StrCat("integration \"", integration,
                                      "\" does not offer it (its vendor API has no such call)"));
  }
};

class OfferedEvaluation final : public EvaluationBackend {
 public:
  explicit OfferedEvaluation(std::shared_ptr<const Offered> offered)
      : offered_(std::move(offered)) {}

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override {
    if (auto& c = offered_->capabilities.lookup)
      return c->Evaluate(request, context, std::move(done));
    std::move(done)(offered_->Absent("Evaluate"));
  }
  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override {
    if (auto& c = offered_->capabilities.history) {
      return c->ListDevice(device, filter, page_size, cursor, context, std::move(done));
    }
    std::move(done)(offered_->Absent("ListDeviceEvaluations"));
  }
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override {
    if (auto& c = offered_->capabilities.search) {
      return c->Search(filter, page_size, cursor, context, std::move(done));
    }
    std::move(done)(offered_->Absent("SearchEvaluations"));
  }
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override {
    if (auto& c = offered_->capabilities.related) {
      return c->ListRelatedDevices(device_id, context, std::move(done));
    }
    std::move(done)(offered_->Absent("ListRelatedDevices"));
  }
  void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
              Done<fpgw::v1::Evaluation> done) override {
    if (auto& c = offered_->capabilities.sealed)
      return c->Unseal(request, context, std::move(done));
    std::move(done)(offered_->Absent("UnsealResult"));
  }
  void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                           const CallContext& context, Done<fpgw::v1::Evaluation> done) override {
    if (auto& c = offered_->capabilities.http_requests) {
      return c->EvaluateHttpRequest(request, context, std::move(done));
    }
    std::move(done)(offered_->Absent("EvaluateHttpRequest"));
  }

 private:
  std::shared_ptr<const Offered> offered_;
};

class OfferedAdmin final : public AdminBackend {
 public:
  explicit OfferedAdmin(std::shared_ptr<const Offered> offered) : offered_(std::move(offered)) {}

  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override {
    if (auto& c = offered_->capabilities.updates) {
      return c->UpdateEvent(request, context, std::move(done));
    }
    std::move(done)(offered_->Absent("UpdateEvent"));
  }
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override {
    if (auto& c = offered_->capabilities.deletion) {
      return c->DeleteDevice(device_id, context, std::move(done));
    }
    std::move(done)(offered_->Absent("DeleteDeviceData"));
  }
  void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
               Done<fpgw::v1::Rule> done) override {
    if (auto& c = offered_->capabilities.rules)
      return c->SetRule(request, context, std::move(done));
    std::move(done)(offered_->Absent("SetRule"));
  }
  void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                 Done<RulePage> done) override {
    if (auto& c = offered_->capabilities.rules) {
      return c->ListRules(page_size, cursor, context, std::move(done));
    }
    std::move(done)(offered_->Absent("ListRules"));
  }
  void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                const CallContext& context,
                                Done<fpgw::v1::VerdictReason> done) override {
    if (auto& c = offered_->capabilities.verdict_reasons) {
      return c->SetVerdictReasonOverride(request, context, std::move(done));
    }
    std::move(done)(offered_->Absent("SetVerdictReasonOverride"));
  }
  void ListVerdictReasons(bool overrides_only, const CallContext& context,
                          Done<std::vector<fpgw::v1::VerdictReason>> done) override {
    if (auto& c = offered_->capabilities.verdict_reasons) {
      return c->ListVerdictReasons(overrides_only, context, std::move(done));
    }
    std::move(done)(offered_->Absent("ListVerdictReasons"));
  }

 private:
  std::shared_ptr<const Offered> offered_;
};

}  // namespace

Backends CapabilityBackends(VendorCapabilities capabilities, std::string integration) {
  auto offered =
      std::make_shared<const Offered>(Offered{std::move(capabilities), std::move(integration)});
  return Backends{std::make_unique<OfferedEvaluation>(offered),
                  std::make_unique<OfferedAdmin>(offered)};
}

}  // namespace fpgw::vendors
