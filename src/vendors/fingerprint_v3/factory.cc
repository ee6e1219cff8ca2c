// The Fingerprint Server API v3 factory: config checks, capabilities, error rows, payload kinds.
#include <memory>
#include <utility>

#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_v3/adapter.h"
#include "vendors/fingerprint_v3/mapper.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

MapOptions Options(bool include_raw, fpgw::v1::PayloadKind kind) {
  return NormalizeOptions<MapOptions>(include_raw, kind);
}

class FingerprintV3Factory final : public fingerprint::FingerprintFactory {
 public:
  absl::string_view name() const override { return "fingerprint_v3"; }
  bool default_version() const override { return false; }

  ErrorRows error_rows() const override { return ErrorTable(); }
  ErrorCodeReader error_code_reader() const override { return &ReadErrorCode; }

  std::vector<PayloadKind> payload_kinds() const override;

 protected:
  fingerprint::ApiVersion version() const override { return fingerprint::ApiVersion::kV3; }
  fingerprint::EventNormalizer event_normalizer() const override { return &NormalizeEvent; }
  VendorCapabilities AdapterCapabilities(std::shared_ptr<const Endpoint> endpoint) const override {
    return Offer(std::make_shared<FingerprintV3Adapter>(std::move(endpoint)));
  }
};

std::vector<PayloadKind> FingerprintV3Factory::payload_kinds() const {
  return {
      {"fingerprint-v3-event",
       [](const rapidjson::Document& doc) { return HasMember(doc, "products"); },
       [](absl::string_view payload, bool raw) {
         return NormalizedEvaluation(
             NormalizeEvent(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_LOOKUP)));
       }},
      {"fingerprint-v3-visits",
       [](const rapidjson::Document& doc) {
         return HasMember(doc, "visits") && HasMember(doc, "visitorId");
       },
       [](absl::string_view payload,
          bool raw) -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
         absl::StatusOr<VisitsResult> result =
             NormalizeVisits(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY));
         if (!result.ok()) return result.status();
         return NormalizedPage(std::move(result->evaluations));
       }},
      {"fingerprint-v3-search",
       [](const rapidjson::Document& doc) {
         if (!HasMember(doc, "events")) return false;
         if (HasMember(doc, "paginationKey")) return true;
         const rapidjson::Value& events = doc["events"];
         return events.IsArray() && !events.Empty() && HasMember(events[0], "products");
       },
       [](absl::string_view payload,
          bool raw) -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
         absl::StatusOr<SearchResult> result =
             NormalizeSearch(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT));
         if (!result.ok()) return result.status();
         return NormalizedPage(std::move(result->evaluations));
       }},
      {"fingerprint-v3-webhook",
       [](const rapidjson::Document& doc) {
         return HasMember(doc, "requestId") && HasMember(doc, "visitorId") &&
                !HasMember(doc, "visits");
       },
       [](absl::string_view payload, bool raw) {
         return NormalizedEvaluation(
             NormalizeWebhook(payload, Options(raw, fpgw::v1::PAYLOAD_KIND_WEBHOOK)));
       }},
  };
}

}  // namespace

const VendorFactory& Factory() {
  static const auto* factory = new FingerprintV3Factory();
  return *factory;
}

}  // namespace fpgw::vendors::fingerprint_v3
