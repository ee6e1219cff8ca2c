// The Fingerprint Server API v4 factory: config checks, capabilities, error rows, payload kinds.
#include <memory>
#include <utility>

#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_v4/adapter.h"
#include "vendors/fingerprint_v4/mapper.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

MapOptions Options(bool include_raw, fpgw::v1::PayloadKind kind) {
  return NormalizeOptions<MapOptions>(include_raw, kind);
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Page(
    absl::StatusOr<SearchResult> result) {
  if (!result.ok()) return result.status();
  return NormalizedPage(std::move(result->evaluations), result->total_hits);
}

class FingerprintV4Factory final : public fingerprint::FingerprintFactory {
 public:
  absl::string_view name() const override { return "fingerprint_v4"; }
  bool default_version() const override { return true; }

  ErrorRows error_rows() const override { return ErrorTable(); }
  ErrorCodeReader error_code_reader() const override { return &ReadErrorCode; }

  std::vector<PayloadKind> payload_kinds() const override;

 protected:
  fingerprint::ApiVersion version() const override { return fingerprint::ApiVersion::kV4; }
  fingerprint::EventNormalizer event_normalizer() const override { return &NormalizeEvent; }
  VendorCapabilities AdapterCapabilities(std::shared_ptr<const Endpoint> endpoint) const override {
    return Offer(std::make_shared<FingerprintV4Adapter>(std::move(endpoint)));
  }
};

std::vector<PayloadKind> FingerprintV4Factory::payload_kinds() const {
  return {
      {"fingerprint-v4-event",
       [](const rapidjson::Document& doc) { return HasMember(doc, "event_id"); },
       [](absl::string_view payload, bool raw) {
         return NormalizedEvaluation(
             NormalizeEvent(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_LOOKUP)));
       }},
      // A webhook body is an Event: only the kind flag tells them apart.
      {"fingerprint-v4-webhook", nullptr,
       [](absl::string_view payload, bool raw) {
         return NormalizedEvaluation(
             NormalizeEvent(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_WEBHOOK)));
       }},
      {"fingerprint-v4-search",
       [](const rapidjson::Document& doc) {
         if (!HasMember(doc, "events")) return false;
         if (HasMember(doc, "pagination_key") || HasMember(doc, "total_hits")) return true;
         const rapidjson::Value& events = doc["events"];
         return events.IsArray() && !events.Empty() && HasMember(events[0], "event_id");
       },
       [](absl::string_view payload, bool raw) {
         return Page(NormalizeSearch(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT)));
       }},
  };
}

}  // namespace

const VendorFactory& Factory() {
  static const auto* factory = new FingerprintV4Factory();
  return *factory;
}

}  // namespace fpgw::vendors::fingerprint_v4
