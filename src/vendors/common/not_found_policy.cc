// The not-found policy decorator.
#include "vendors/common/not_found_policy.h"

#include <memory>
#include <utility>

#include "absl/time/clock.h"
#include "common/error.h"
#include "google/protobuf/util/time_util.h"

namespace fpgw::vendors {
namespace {

class NotFoundBlocking final : public ForwardingEvaluationBackend {
 public:
  NotFoundBlocking(std::unique_ptr<EvaluationBackend> inner, PolicySource source)
      : ForwardingEvaluationBackend(std::move(inner)),
        source_(std::make_shared<const PolicySource>(std::move(source))) {}

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override {
    inner().Evaluate(
        request, context,
        [source = source_,
         done = std::move(done)](absl::StatusOr<fpgw::v1::Evaluation> evaluation) mutable {
          if (!evaluation.ok() &&
              ReasonOf(evaluation.status()) == fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND) {
            evaluation = NotFoundBlockEvaluation(evaluation.status(), *source, absl::Now());
          }
          std::move(done)(std::move(evaluation));
        });
  }

 private:
  // Shared with the callbacks of calls in flight.
  const std::shared_ptr<const PolicySource> source_;
};

}  // namespace

fpgw::v1::Evaluation NotFoundBlockEvaluation(const absl::Status& not_found,
                                             const PolicySource& source, absl::Time fetch_time) {
  fpgw::v1::Evaluation evaluation;
  fpgw::v1::Source* s = evaluation.mutable_source();
  s->set_vendor(source.vendor);
  s->set_api_version(source.api_version);
  s->set_integration(source.integration);
  s->set_status(fpgw::v1::EVALUATION_STATUS_COMPLETED);
  s->set_payload_kind(fpgw::v1::PAYLOAD_KIND_LOOKUP);
  *s->mutable_fetch_time() =
      google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(fetch_time));
  fpgw::v1::Verdict* verdict = evaluation.mutable_verdict();
  verdict->set_action(fpgw::v1::ACTION_BLOCK);
  verdict->set_origin(fpgw::v1::VERDICT_ORIGIN_FPGW_POLICY);
  const std::string code = MetadataOf(not_found, "vendor_code");
  verdict->add_reasons(code.empty() ? ReasonName(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND) : code);
  return evaluation;
}

Backends ApplyNotFoundPolicy(Backends backends, fpgw::config::v1::NotFoundPolicy policy,
                             PolicySource source) {
  if (policy == fpgw::config::v1::NOT_FOUND_POLICY_BLOCK) {
    backends.evaluation =
        std::make_unique<NotFoundBlocking>(std::move(backends.evaluation), std::move(source));
  }
  return backends;
}

}  // namespace fpgw::vendors
