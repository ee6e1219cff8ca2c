// Fingerprint Server API v3 adapter: builds the vendor requests (escaped path and query) and maps
// the answers through mapper.h.
#include "vendors/fingerprint_v3/adapter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "vendors/fingerprint_common/regions.h"
#include "vendors/fingerprint_common/search.h"
#include "vendors/fingerprint_common/settings.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

constexpr absl::string_view kVendor = "fingerprint";

// The `error.code` of an ErrorResponse; "" for getVisits' plain `{"error": "..."}` (the HTTP
// status then decides) and for bodies that are not v3 errors at all.
std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorBody> error = ParseErrorBody(body);
  return error.ok() ? error->code : "";
}

EvaluationPage PageOf(std::vector<fpgw::v1::Evaluation> evaluations, std::string next_cursor) {
  EvaluationPage page;
  page.evaluations = std::move(evaluations);
  page.next_cursor = std::move(next_cursor);
  return page;
}

}  // namespace

std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps) {
  // `Auth-API-Key` is the current header name; the legacy `Auth-Token` is only accepted.
  return std::make_shared<const Endpoint>(
      integration, deps,
      Endpoint::Options{std::string(kVendor),
                        fingerprint::RegionOrigin(fingerprint::RegionOf(integration)),
                        Auth::Header("Auth-API-Key"), &ReadErrorCode, ErrorTable()});
}

FingerprintV3Adapter::FingerprintV3Adapter(std::shared_ptr<const Endpoint> endpoint)
    : endpoint_(std::move(endpoint)),
      region_(fingerprint::RegionName(fingerprint::RegionOf(endpoint_->integration()))) {}

MapOptions FingerprintV3Adapter::Options(const CallContext& context,
                                         fpgw::v1::PayloadKind kind) const {
  MapOptions options;
  options.region = region_;
  options.integration = endpoint_->integration().name();
  options.payload_kind = kind;
  options.fetch_time = absl::Now();
  options.include_raw = context.include_raw;
  return options;
}

void FingerprintV3Adapter::Evaluate(const fpgw::v1::EvaluateRequest& request,
                                    const CallContext& context, Done<fpgw::v1::Evaluation> done) {
  if (!request.fingerprint().ruleset_id().empty()) {
    std::move(done)(
        InvalidField("fingerprint.ruleset_id",
                     "rulesets need Fingerprint Server API v4; this integration is v3"));
    return;
  }
  endpoint_->Send(
      {"GET", absl::StrCat("/events/", http::EscapeUrlComponent(request.token()))}, context,
      ParseThenMap<fpgw::v1::Evaluation>(
          endpoint_->vendor(), std::move(done),
          [options = Options(context, fpgw::v1::PAYLOAD_KIND_LOOKUP),
           token = request.token()](absl::string_view body) {
            absl::StatusOr<fpgw::v1::Evaluation> evaluation = NormalizeEvent(body, options);
            // When identification and botd both failed, nothing in the body names the event: it
            // is the one that was asked for.
            if (evaluation.ok() && evaluation->identity().event_id().empty()) {
              evaluation->mutable_identity()->set_event_id(token);
              evaluation->mutable_source()->set_vendor_request_id(token);
            }
            return evaluation;
          }));
}

void FingerprintV3Adapter::Search(const fpgw::v1::SearchFilter& filter, int page_size,
                                  const std::string& cursor, const CallContext& context,
                                  Done<EvaluationPage> done) {
  absl::StatusOr<fingerprint::QueryParams> params =
      fingerprint::SearchParams(filter, fingerprint::ApiVersion::kV3, page_size, cursor);
  if (!params.ok()) {
    std::move(done)(params.status());
    return;
  }
  endpoint_->Send({"GET", http::WithQuery("/events/search", *params)}, context,
                  ParseThenMap<EvaluationPage>(
                      endpoint_->vendor(), std::move(done),
                      [options = Options(context, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT)](
                          absl::string_view body) -> absl::StatusOr<EvaluationPage> {
                        absl::StatusOr<SearchResult> result = NormalizeSearch(body, options);
                        if (!result.ok()) return result.status();
                        return PageOf(std::move(result->evaluations),
                                      std::move(result->pagination_key));
                      }));
}

http::QueryParams FingerprintV3Adapter::VisitsParams(int page_size, const std::string& cursor) {
  http::QueryParams params;
  params.emplace_back("limit", absl::StrCat(page_size <= 0 ? kDefaultPageSize
                                                           : std::min(page_size, kMaxVisitsLimit)));
  if (!cursor.empty()) params.emplace_back("paginationKey", cursor);
  return params;
}

void FingerprintV3Adapter::ListDevice(const std::string& device, int page_size,
                                      const std::string& cursor, const CallContext& context,
                                      Done<EvaluationPage> done) {
  endpoint_->Send(
      {"GET", http::WithQuery(absl::StrCat("/visitors/", http::EscapeUrlComponent(device)),
                              VisitsParams(page_size, cursor))},
      context,
      ParseThenMap<EvaluationPage>(
          endpoint_->vendor(), std::move(done),
          [options = Options(context, fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY),
           device](absl::string_view body) -> absl::StatusOr<EvaluationPage> {
            absl::StatusOr<VisitsResult> result = NormalizeVisits(body, options);
            if (!result.ok()) return result.status();
            // The vendor answers at most one visit per page now; paging on its key still reaches
            // every visit.
            EvaluationPage page =
                PageOf(std::move(result->evaluations), std::move(result->pagination_key));
            page.device_id = result->visitor_id.empty() ? device : std::move(result->visitor_id);
            return page;
          }));
}

void FingerprintV3Adapter::ListRelatedDevices(const std::string& device_id,
                                              const CallContext& context,
                                              Done<std::vector<std::string>> done) {
  endpoint_->Send({"GET", http::WithQuery("/related-visitors", {{"visitor_id", device_id}})},
                  context,
                  ParseThenMap<std::vector<std::string>>(endpoint_->vendor(), std::move(done),
                                                         &NormalizeRelatedVisitors));
}

}  // namespace fpgw::vendors::fingerprint_v3
