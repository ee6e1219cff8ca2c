// Fingerprint Server API v4 adapter: builds the vendor requests (escaped path and query) and maps
// the answers through mapper.h.
#include "vendors/fingerprint_v4/adapter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "http/url.h"
#include "vendors/fingerprint_common/regions.h"
#include "vendors/fingerprint_common/search.h"
#include "vendors/fingerprint_common/settings.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

constexpr absl::string_view kVendor = "fingerprint";

std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorBody> error = ParseErrorBody(body);
  return error.ok() ? error->code : "";
}

}  // namespace

std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps) {
  return std::make_shared<const Endpoint>(
      integration, deps,
      Endpoint::Options{
          std::string(kVendor),
          absl::StrCat(fingerprint::RegionOrigin(fingerprint::RegionOf(integration)), "/v4"),
          Auth::Bearer(), &ReadErrorCode, ErrorTable()});
}

FingerprintV4Adapter::FingerprintV4Adapter(std::shared_ptr<const Endpoint> endpoint)
    : endpoint_(std::move(endpoint)),
      region_(fingerprint::RegionName(fingerprint::RegionOf(endpoint_->integration()))) {}

MapOptions FingerprintV4Adapter::Options(const CallContext& context,
                                         fpgw::v1::PayloadKind kind) const {
  MapOptions options;
  options.region = region_;
  options.integration = endpoint_->integration().name();
  options.payload_kind = kind;
  options.fetch_time = absl::Now();
  options.include_raw = context.include_raw;
  return options;
}

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

void FingerprintV4Adapter::Search(const fpgw::v1::SearchFilter& filter, int page_size,
                                  const std::string& cursor, const CallContext& context,
                                  Done<EvaluationPage> done) {
  absl::StatusOr<fingerprint::QueryParams> params =
      fingerprint::SearchParams(filter, fingerprint::ApiVersion::kV4, page_size, cursor);
  if (!params.ok()) {
    std::move(done)(params.status());
    return;
  }
  endpoint_->Send({"GET", http::WithQuery("/events", *params)}, context,
                  ParseThenMap<EvaluationPage>(
                      endpoint_->vendor(), std::move(done),
                      [options = Options(context, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT)](
                          absl::string_view body) -> absl::StatusOr<EvaluationPage> {
                        absl::StatusOr<SearchResult> result = NormalizeSearch(body, options);
                        if (!result.ok()) return result.status();
                        EvaluationPage page;
                        page.evaluations = std::move(result->evaluations);
                        page.next_cursor = std::move(result->pagination_key);
                        page.total_size = result->total_hits;
                        return page;
                      }));
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
