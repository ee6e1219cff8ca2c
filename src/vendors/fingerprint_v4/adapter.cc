// Fingerprint Server API v4 adapter: builds the vendor requests (escaped path and query) and maps
// the answers through mapper.h.
#include "vendors/fingerprint_v4/adapter.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "common/json_chars.h"
#include "http/url.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_common/search.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

// Headers whose values are credentials or sessions: the vendor asks for them as empty strings.
bool IsCredentialHeader(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
         lower == "x-api-key" || absl::StrContains(lower, "token") ||
         absl::StrContains(lower, "secret") || absl::StrContains(lower, "session");
}

}  // namespace

std::string FingerprintV4Adapter::EdgeRequestBody(
    const fpgw::v1::EvaluateHttpRequestRequest& request) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto string = [&writer](absl::string_view text) {
    writer.String(fpgw::JsonChars(text), static_cast<rapidjson::SizeType>(text.size()));
  };
  writer.StartObject();
  writer.Key("headers");
  writer.StartArray();
  for (const fpgw::v1::HttpHeader& header : request.headers()) {
    writer.StartObject();
    writer.Key("name");
    string(header.name());
    writer.Key("value");
    string(IsCredentialHeader(header.name()) ? absl::string_view() : header.value());
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("method");
  string(request.method());
  writer.Key("url");
  string(request.url());
  if (!request.ipv4_address().empty()) {
    writer.Key("ipv4_address");
    string(request.ipv4_address());
  }
  if (!request.ipv6_address().empty()) {
    writer.Key("ipv6_address");
    string(request.ipv6_address());
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void FingerprintV4Adapter::EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                                               const CallContext& context,
                                               Done<fpgw::v1::Evaluation> done) {
  // Not idempotent: every call records an event at the vendor, so it is never sent twice.
  endpoint_->Send({"POST", "/edge", EdgeRequestBody(request)}, context,
                  ParseThenMap<fpgw::v1::Evaluation>(
                      endpoint_->vendor(), std::move(done),
                      [options = Options(context, fpgw::v1::PAYLOAD_KIND_HTTP_REQUEST)](
                          absl::string_view body) { return NormalizeEvent(body, options); }));
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

void FingerprintV4Adapter::ListDevice(const std::string& device,
                                      const fpgw::v1::DeviceHistoryFilter& filter, int page_size,
                                      const std::string& cursor, const CallContext& context,
                                      Done<EvaluationPage> done) {
  // v4 has no visits endpoint: a device's history is an event search by visitor id, narrowed by
  // the search's own linked id and end time; search has no event id filter.
  if (!filter.event_id().empty()) {
    std::move(done)(InvalidField("filter.event_id",
                                 "Fingerprint Server API v4 has no per-event history filter; use "
                                 "Evaluate with the event id"));
    return;
  }
  fpgw::v1::SearchFilter search;
  search.set_visitor_id(device);
  search.set_linked_id(filter.linked_id());
  // `before` is exclusive, `end` inclusive.
  if (filter.has_before_time_ms()) search.set_end_time_ms(filter.before_time_ms() - 1);
  Search(search, page_size, cursor, context,
         [device, done = std::move(done)](absl::StatusOr<EvaluationPage> page) mutable {
           if (page.ok()) page->device_id = device;
           std::move(done)(std::move(page));
         });
}

}  // namespace fpgw::vendors::fingerprint_v4
