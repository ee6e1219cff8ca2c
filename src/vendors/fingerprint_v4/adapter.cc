// Fingerprint Server API v4 adapter: builds the vendor requests (escaped path and query) and maps
// the answers through mapper.h.
#include "vendors/fingerprint_v4/adapter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "http/url.h"
#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_common/search.h"

namespace fpgw::vendors::fingerprint_v4 {
void FingerprintV4Adapter::Evaluate(const fpgw::v1::EvaluateRequest& request,
                                    const CallContext& context, Done<fpgw::v1::Evaluation> done) {
  http::QueryParams params;
  if (!request.fingerprint().ruleset_id().empty()) {
    params.emplace_back("ruleset_id", request.fingerprint().ruleset_id());
  }
  endpoint_->Send(
      {"GET", http::WithQuery(absl::StrCat("/events/", http::EscapeUrlComponent(request.token())),
                              params)},
      context,
      ParseThenMap<fpgw::v1::Evaluation>(
          endpoint_->vendor(), std::move(done),
          [options = Options(context, fpgw::v1::PAYLOAD_KIND_LOOKUP)](absl::string_view body) {
            return NormalizeEvent(body, options);
          }));
}

absl::StatusOr<EvaluationPage> FingerprintV4Adapter::ParseSearchPage(
    absl::string_view body, const MapOptions& options) const {
  absl::StatusOr<SearchResult> result = NormalizeSearch(body, options);
  if (!result.ok()) return result.status();
  EvaluationPage page;
  page.evaluations = std::move(result->evaluations);
  page.next_cursor = std::move(result->pagination_key);
  page.total_size = result->total_hits;
  return page;
}

void FingerprintV4Adapter::ListDevice(const std::string& device, int page_size,
                                      const std::string& cursor, const CallContext& context,
                                      Done<EvaluationPage> done) {
  // v4 has no visits endpoint: a device's history is an event search by visitor id.
  fpgw::v1::SearchFilter filter;
  filter.set_visitor_id(device);
  Search(filter, page_size, cursor, context,
         [device, done = std::move(done)](absl::StatusOr<EvaluationPage> page) mutable {
           if (page.ok()) page->device_id = device;
           std::move(done)(std::move(page));
         });
}

}  // namespace fpgw::vendors::fingerprint_v4
