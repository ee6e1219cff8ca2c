// The instrumentation decorator and its counter-backed sink.
#include "vendors/common/instrumentation.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace fpgw::vendors {
namespace {

class PrometheusMetricsSink final : public VendorMetrics {
 public:
  explicit PrometheusMetricsSink(telemetry::Metrics* metrics) : metrics_(metrics) {}

  void RecordCall(const CallLabels& labels, absl::string_view operation, absl::StatusCode code,
                  absl::Duration latency) override {
    metrics_->VendorCall({labels.tenant, labels.integration, labels.vendor}, operation, code,
                         latency);
  }

  void RecordDrift(const CallLabels& labels, absl::string_view path) override {
    metrics_->VendorDrift(labels.vendor, path);
  }

 private:
  telemetry::Metrics* const metrics_;
};

// What every wrapped call needs.
struct Scope {
  std::shared_ptr<VendorMetrics> metrics;
  CallLabels labels;
};

void RecordDriftOf(const Scope& scope, const fpgw::v1::Evaluation& evaluation) {
  for (const auto& drift : evaluation.drift())
    scope.metrics->RecordDrift(scope.labels, drift.path());
}
void RecordDriftOf(const Scope& scope, const EvaluationPage& page) {
  for (const auto& evaluation : page.evaluations) RecordDriftOf(scope, evaluation);
  for (const auto& drift : page.drift) scope.metrics->RecordDrift(scope.labels, drift.path());
}
template <typename T>
void RecordDriftOf(const Scope&, const T&) {}

// `done`, wrapped to record the call's outcome, latency and drift first.
template <typename T>
Done<T> Measured(const std::shared_ptr<const Scope>& scope, absl::string_view operation,
                 Done<T> done) {
  return [scope, operation, start = absl::Now(),
          done = std::move(done)](absl::StatusOr<T> result) mutable {
    scope->metrics->RecordCall(scope->labels, operation, result.status().code(),
                               absl::Now() - start);
    if (result.ok()) RecordDriftOf(*scope, *result);
    std::move(done)(std::move(result));
  };
}

DoneStatus Measured(const std::shared_ptr<const Scope>& scope, absl::string_view operation,
                    DoneStatus done) {
  return
      [scope, operation, start = absl::Now(), done = std::move(done)](absl::Status status) mutable {
        scope->metrics->RecordCall(scope->labels, operation, status.code(), absl::Now() - start);
        std::move(done)(std::move(status));
      };
}

class InstrumentedEvaluation final : public EvaluationBackend {
 public:
  InstrumentedEvaluation(std::unique_ptr<EvaluationBackend> inner,
                         std::shared_ptr<const Scope> scope)
      : inner_(std::move(inner)), scope_(std::move(scope)) {}

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override {
    inner_->Evaluate(request, context, Measured(scope_, "Evaluate", std::move(done)));
  }
  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override {
    inner_->ListDevice(device, filter, page_size, cursor, context,
                       Measured(scope_, "ListDeviceEvaluations", std::move(done)));
  }
  void Search(const fpgw::v1::SearchFilter& filter, int page_size, const std::string& cursor,
              const CallContext& context, Done<EvaluationPage> done) override {
    inner_->Search(filter, page_size, cursor, context,
                   Measured(scope_, "SearchEvaluations", std::move(done)));
  }
  void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                          Done<std::vector<std::string>> done) override {
    inner_->ListRelatedDevices(device_id, context,
                               Measured(scope_, "ListRelatedDevices", std::move(done)));
  }
  void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
              Done<fpgw::v1::Evaluation> done) override {
    inner_->Unseal(request, context, Measured(scope_, "UnsealResult", std::move(done)));
  }
  void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                           const CallContext& context, Done<fpgw::v1::Evaluation> done) override {
    inner_->EvaluateHttpRequest(request, context,
                                Measured(scope_, "EvaluateHttpRequest", std::move(done)));
  }

 private:
  std::unique_ptr<EvaluationBackend> inner_;
  std::shared_ptr<const Scope> scope_;
};

class InstrumentedAdmin final : public AdminBackend {
 public:
  InstrumentedAdmin(std::unique_ptr<AdminBackend> inner, std::shared_ptr<const Scope> scope)
      : inner_(std::move(inner)), scope_(std::move(scope)) {}

  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override {
    inner_->UpdateEvent(request, context, Measured(scope_, "UpdateEvent", std::move(done)));
  }
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override {
    inner_->DeleteDevice(device_id, context, Measured(scope_, "DeleteDeviceData", std::move(done)));
  }
  void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
               Done<fpgw::v1::Rule> done) override {
    inner_->SetRule(request, context, Measured(scope_, "SetRule", std::move(done)));
  }
  void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                 Done<RulePage> done) override {
    inner_->ListRules(page_size, cursor, context, Measured(scope_, "ListRules", std::move(done)));
  }
  void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                const CallContext& context,
                                Done<fpgw::v1::VerdictReason> done) override {
    inner_->SetVerdictReasonOverride(request, context,
                                     Measured(scope_, "SetVerdictReasonOverride", std::move(done)));
  }
  void ListVerdictReasons(bool overrides_only, const CallContext& context,
                          Done<std::vector<fpgw::v1::VerdictReason>> done) override {
    inner_->ListVerdictReasons(overrides_only, context,
                               Measured(scope_, "ListVerdictReasons", std::move(done)));
  }

 private:
  std::unique_ptr<AdminBackend> inner_;
  std::shared_ptr<const Scope> scope_;
};

}  // namespace

std::shared_ptr<VendorMetrics> PrometheusVendorMetrics(telemetry::Metrics* metrics) {
  return std::make_shared<PrometheusMetricsSink>(metrics);
}

Backends Instrument(Backends inner, std::shared_ptr<VendorMetrics> metrics, CallLabels labels) {
  if (metrics == nullptr) return inner;
  auto scope = std::make_shared<const Scope>(Scope{std::move(metrics), std::move(labels)});
  return Backends{std::make_unique<InstrumentedEvaluation>(std::move(inner.evaluation), scope),
                  std::make_unique<InstrumentedAdmin>(std::move(inner.admin), scope)};
}

}  // namespace fpgw::vendors
