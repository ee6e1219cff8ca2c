// Fingerprint Server API v3 adapter: builds the vendor requests (escaped path and query) and maps
// the answers through mapper.h.
#include "vendors/fingerprint_v3/adapter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_common/search.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

// The `error.code` of an ErrorResponse; "" for getVisits' plain `{"error": "..."}` (the HTTP
// status then decides) and for bodies that are not v3 errors at all.
EvaluationPage PageOf(std::vector<fpgw::v1::Evaluation> evaluations, std::string next_cursor) {
  EvaluationPage page;
  page.evaluations = std::move(evaluations);
  page.next_cursor = std::move(next_cursor);
  return page;
}

}  // namespace

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

absl::StatusOr<EvaluationPage> FingerprintV3Adapter::ParseSearchPage(
    absl::string_view body, const MapOptions& options) const {
  absl::StatusOr<SearchResult> result = NormalizeSearch(body, options);
  if (!result.ok()) return result.status();
  return PageOf(std::move(result->evaluations), std::move(result->pagination_key));
}

absl::StatusOr<http::QueryParams> FingerprintV3Adapter::VisitsParams(
    const fpgw::v1::DeviceHistoryFilter& filter, int page_size, const std::string& cursor) {
  http::QueryParams params;
  // No `limit` lets the vendor apply its own default (100), as the API promises for page_size 0.
  if (page_size > 0)
    params.emplace_back("limit", absl::StrCat(std::min(page_size, kMaxVisitsLimit)));
  if (!cursor.empty()) params.emplace_back("paginationKey", cursor);
  if (!filter.event_id().empty()) params.emplace_back("request_id", filter.event_id());
  if (!filter.linked_id().empty()) {
    if (filter.linked_id().size() > kMaxLinkedIdChars) {
      return InvalidField("filter.linked_id", "at most 256 characters");
    }
    params.emplace_back("linked_id", filter.linked_id());
  }
  if (filter.has_before_time_ms()) {
    if (filter.before_time_ms() <= 0)
      return InvalidField("filter.before_time_ms", "must be positive");
    params.emplace_back("before", absl::StrCat(filter.before_time_ms()));
  }
  return params;
}

void FingerprintV3Adapter::ListDevice(const std::string& device,
                                      const fpgw::v1::DeviceHistoryFilter& filter, int page_size,
                                      const std::string& cursor, const CallContext& context,
                                      Done<EvaluationPage> done) {
  absl::StatusOr<http::QueryParams> params = VisitsParams(filter, page_size, cursor);
  if (!params.ok()) {
    std::move(done)(params.status());
    return;
  }
  endpoint_->Send(
      {"GET",
       http::WithQuery(absl::StrCat("/visitors/", http::EscapeUrlComponent(device)), *params)},
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
