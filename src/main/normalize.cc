// `fpgw normalize`: every payload kind of every vendor, named by flag or detected from the payload.
#include "main/normalize.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fpgw/v1/evaluation_service.pb.h"
#include "google/protobuf/util/json_util.h"
#include "vendors/cside/mapper.h"
#include "vendors/fingerprint_v3/mapper.h"
#include "vendors/fingerprint_v4/mapper.h"
#include "vendors/stytch/mapper.h"

namespace fpgw::cli {
namespace {

namespace v1 = ::fpgw::v1;

// Wraps evaluations in the RPC response a caller would have received, for one JSON shape.
absl::StatusOr<v1::SearchEvaluationsResponse> Page(std::vector<v1::Evaluation> evaluations) {
  v1::SearchEvaluationsResponse response;
  for (auto& evaluation : evaluations) *response.add_evaluations() = std::move(evaluation);
  return response;
}

template <typename Options>
Options MakeOptions(bool include_raw, v1::PayloadKind kind) {
  Options options;
  options.include_raw = include_raw;
  options.integration = "normalize";
  options.payload_kind = kind;
  return options;
}

bool Has(const rapidjson::Value& doc, const char* key) {
  return doc.IsObject() && doc.HasMember(key);
}

}  // namespace

const std::vector<std::string>& PayloadKinds() {
  static const auto* kinds = new std::vector<std::string>{
      "cside-verify",           "cside-entries",         "stytch-lookup",
      "fingerprint-v3-event",   "fingerprint-v3-visits", "fingerprint-v3-search",
      "fingerprint-v3-webhook", "fingerprint-v4-event",  "fingerprint-v4-search",
      "fingerprint-v4-webhook"};
  return *kinds;
}

absl::StatusOr<std::string> DetectPayloadKind(absl::string_view payload) {
  absl::StatusOr<rapidjson::Document> parsed = vendors::fingerprint_v4::ParseJson(payload);
  if (!parsed.ok()) return parsed.status();
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) return absl::InvalidArgumentError("the payload is not a JSON object");
  if (Has(doc, "products")) return std::string("fingerprint-v3-event");
  if (Has(doc, "visits") && Has(doc, "visitorId")) return std::string("fingerprint-v3-visits");
  if (Has(doc, "events")) {
    const rapidjson::Value& events = doc["events"];
    if (Has(doc, "paginationKey")) return std::string("fingerprint-v3-search");
    if (Has(doc, "pagination_key") || Has(doc, "total_hits"))
      return std::string("fingerprint-v4-search");
    if (events.IsArray() && !events.Empty()) {
      if (Has(events[0], "products")) return std::string("fingerprint-v3-search");
      if (Has(events[0], "event_id")) return std::string("fingerprint-v4-search");
    }
  }
  if (Has(doc, "event_id")) return std::string("fingerprint-v4-event");
  if (Has(doc, "requestId") && Has(doc, "visitorId")) return std::string("fingerprint-v3-webhook");
  if (Has(doc, "telemetry_id") && (Has(doc, "verdict") || Has(doc, "fingerprints"))) {
    return std::string("stytch-lookup");
  }
  if (Has(doc, "entries") && Has(doc, "device_id")) return std::string("cside-entries");
  if (Has(doc, "status") || Has(doc, "created_at") || Has(doc, "fingerprint")) {
    return std::string("cside-verify");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot tell the payload kind; pass --kind (one of ",
                   absl::StrJoin(PayloadKinds(), ", "), ")"));
}

absl::StatusOr<std::string> NormalizeToJson(absl::string_view payload, std::string kind,
                                            bool include_raw) {
  if (kind.empty() || kind == "auto") {
    absl::StatusOr<std::string> detected = DetectPayloadKind(payload);
    if (!detected.ok()) return detected.status();
    kind = *std::move(detected);
  }
  absl::StatusOr<v1::Evaluation> single = absl::UnknownError("unset");
  absl::StatusOr<v1::SearchEvaluationsResponse> page = absl::UnknownError("unset");
  bool is_page = false;
  if (kind == "fingerprint-v4-event" || kind == "fingerprint-v4-webhook") {
    single = vendors::fingerprint_v4::NormalizeEvent(
        payload, MakeOptions<vendors::fingerprint_v4::MapOptions>(
                     include_raw, kind == "fingerprint-v4-event" ? v1::PAYLOAD_KIND_LOOKUP
                                                                 : v1::PAYLOAD_KIND_WEBHOOK));
  } else if (kind == "fingerprint-v4-search") {
    is_page = true;
    auto result = vendors::fingerprint_v4::NormalizeSearch(
        payload,
        MakeOptions<vendors::fingerprint_v4::MapOptions>(include_raw, v1::PAYLOAD_KIND_SEARCH_HIT));
    page = result.ok() ? Page(std::move(result->evaluations)) : result.status();
  } else if (kind == "fingerprint-v3-event") {
    single = vendors::fingerprint_v3::NormalizeEvent(
        payload,
        MakeOptions<vendors::fingerprint_v3::MapOptions>(include_raw, v1::PAYLOAD_KIND_LOOKUP));
  } else if (kind == "fingerprint-v3-webhook") {
    single = vendors::fingerprint_v3::NormalizeWebhook(
        payload,
        MakeOptions<vendors::fingerprint_v3::MapOptions>(include_raw, v1::PAYLOAD_KIND_WEBHOOK));
  } else if (kind == "fingerprint-v3-search") {
    is_page = true;
    auto result = vendors::fingerprint_v3::NormalizeSearch(
        payload,
        MakeOptions<vendors::fingerprint_v3::MapOptions>(include_raw, v1::PAYLOAD_KIND_SEARCH_HIT));
    page = result.ok() ? Page(std::move(result->evaluations)) : result.status();
  } else if (kind == "fingerprint-v3-visits") {
    is_page = true;
    auto result = vendors::fingerprint_v3::NormalizeVisits(
        payload, MakeOptions<vendors::fingerprint_v3::MapOptions>(include_raw,
                                                                  v1::PAYLOAD_KIND_HISTORY_ENTRY));
    page = result.ok() ? Page(std::move(result->evaluations)) : result.status();
  } else if (kind == "stytch-lookup") {
    single = vendors::stytch::NormalizeLookup(
        payload, MakeOptions<vendors::stytch::MapOptions>(include_raw, v1::PAYLOAD_KIND_LOOKUP));
  } else if (kind == "cside-verify") {
    single = vendors::cside::NormalizeVerify(
        payload, MakeOptions<vendors::cside::MapOptions>(include_raw, v1::PAYLOAD_KIND_LOOKUP));
  } else if (kind == "cside-entries") {
    is_page = true;
    auto result = vendors::cside::NormalizeDeviceEntries(
        payload,
        MakeOptions<vendors::cside::MapOptions>(include_raw, v1::PAYLOAD_KIND_HISTORY_ENTRY));
    page = result.ok() ? Page(std::move(result->evaluations)) : result.status();
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown --kind ", kind, " (one of ",
                                                   absl::StrJoin(PayloadKinds(), ", "), ")"));
  }

  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  // The same field names grpcurl prints, so saved outputs compare directly.
  print.preserve_proto_field_names = true;
  std::string json;
  google::protobuf::util::Status printed;
  if (is_page) {
    if (!page.ok()) return page.status();
    printed = google::protobuf::util::MessageToJsonString(*page, &json, print);
  } else {
    if (!single.ok()) return single.status();
    printed = google::protobuf::util::MessageToJsonString(*single, &json, print);
  }
  if (!printed.ok()) return absl::InternalError(std::string(printed.message()));
  return json;
}

}  // namespace fpgw::cli
