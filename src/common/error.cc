// Construction and inspection of fpgw errors.
#include "common/error.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace fpgw {

std::string ReasonName(fpgw::v1::ErrorReason reason) {
  std::string name = fpgw::v1::ErrorReason_Name(reason);
  constexpr absl::string_view kPrefix = "ERROR_REASON_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  return name;
}

absl::Status MakeError(absl::StatusCode code, fpgw::v1::ErrorReason reason,
                       absl::string_view message,
                       const std::map<std::string, std::string>& metadata,
                       std::optional<absl::Duration> retry_delay) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(ReasonName(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  if (retry_delay.has_value()) {
    google::rpc::RetryInfo retry;
    const int64_t millis = absl::ToInt64Milliseconds(*retry_delay);
    retry.mutable_retry_delay()->set_seconds(millis / 1000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>((millis % 1000) * 1000000));
    status.SetPayload(kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  }
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view problem) {
  return MakeError(absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_INVALID_FIELD,
                   absl::StrCat(field, ": ", problem), {{"field", std::string(field)}});
}

absl::Status Unimplemented(absl::string_view capability, absl::string_view why) {
  return MakeError(absl::StatusCode::kUnimplemented, fpgw::v1::ERROR_REASON_CAPABILITY_UNAVAILABLE,
                   absl::StrCat(capability, " is not available: ", why),
                   {{"capability", std::string(capability)}});
}

namespace {
std::optional<google::rpc::ErrorInfo> InfoOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  return info;
}
}  // namespace

fpgw::v1::ErrorReason ReasonOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = InfoOf(status);
  if (!info.has_value()) return fpgw::v1::ERROR_REASON_UNSPECIFIED;
  fpgw::v1::ErrorReason reason;
  if (!fpgw::v1::ErrorReason_Parse(absl::StrCat("ERROR_REASON_", info->reason()), &reason)) {
    return fpgw::v1::ERROR_REASON_UNSPECIFIED;
  }
  return reason;
}

std::string MetadataOf(const absl::Status& status, absl::string_view key) {
  std::optional<google::rpc::ErrorInfo> info = InfoOf(status);
  if (!info.has_value()) return "";
  auto it = info->metadata().find(std::string(key));
  return it == info->metadata().end() ? "" : it->second;
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryInfoTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  google::rpc::RetryInfo retry;
  if (!retry.ParseFromString(std::string(*payload))) return std::nullopt;
  return absl::Seconds(retry.retry_delay().seconds()) +
         absl::Nanoseconds(retry.retry_delay().nanos());
}

}  // namespace fpgw
