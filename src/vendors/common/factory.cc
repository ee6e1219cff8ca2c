// Helpers for vendor factories.
#include "vendors/common/factory.h"

#include <utility>

#include "fpgw/v1/evaluation_service.pb.h"

namespace fpgw::vendors {

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NormalizedEvaluation(
    absl::StatusOr<fpgw::v1::Evaluation> evaluation) {
  if (!evaluation.ok()) return evaluation.status();
  return std::make_unique<fpgw::v1::Evaluation>(*std::move(evaluation));
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NormalizedPage(
    absl::StatusOr<std::vector<fpgw::v1::Evaluation>> evaluations,
    std::optional<int64_t> total_size) {
  if (!evaluations.ok()) return evaluations.status();
  auto response = std::make_unique<fpgw::v1::SearchEvaluationsResponse>();
  for (auto& evaluation : *evaluations) *response->add_evaluations() = std::move(evaluation);
  if (total_size.has_value()) response->set_total_size(*total_size);
  return response;
}

}  // namespace fpgw::vendors
