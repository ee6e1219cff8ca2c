// Fingerprint Server API v4 adapter: builds the vendor requests (Bearer auth, regional base URL,
// escaped path and query) and maps the answers through mapper.h and the shared error table.
#include "vendors/fingerprint_v4/adapter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "http/url.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "vendors/common/json_reader.h"
#include "vendors/common/vendor_errors.h"
#include "vendors/fingerprint_common/regions.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

constexpr absl::string_view kVendor = "fingerprint";

std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorBody> error = ParseErrorBody(body);
  return error.ok() ? error->code : "";
}

void AddBool(std::vector<std::pair<std::string, std::string>>* params, const char* key, bool has,
             bool value) {
  if (has) params->emplace_back(key, value ? "true" : "false");
}

void AddString(std::vector<std::pair<std::string, std::string>>* params, const char* key,
               const std::string& value) {
  if (!value.empty()) params->emplace_back(key, value);
}

}  // namespace

FingerprintV4Adapter::FingerprintV4Adapter(fpgw::config::v1::Integration integration,
                                           AdapterDeps deps)
    : integration_(std::move(integration)),
      deps_(std::move(deps)),
      region_(fingerprint::RegionName(integration_.region())),
      base_url_(integration_.base_url().empty()
                    ? absl::StrCat(fingerprint::RegionOrigin(integration_.region()), "/v4")
                    : integration_.base_url()),
      timeout_(IntegrationTimeout(integration_)) {
  if (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

void FingerprintV4Adapter::Send(const char* method, std::string url, std::string body,
                                const CallContext& context, Done<http::HttpResponse> done) {
  absl::StatusOr<credentials::Secret> key = ResolveCredential(deps_, kVendor, integration_);
  if (!key.ok()) {
    std::move(done)(key.status());
    return;
  }
  http::HttpRequest request;
  request.method = method;
  request.url = std::move(url);
  request.headers.push_back({"Authorization", absl::StrCat("Bearer ", key->RevealForWire())});
  request.headers.push_back({"Accept", "application/json"});
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = std::move(body);
  CallVendor(deps_, kVendor, std::move(request), timeout_, &ReadErrorCode, context,
             std::move(done));
}

MapOptions FingerprintV4Adapter::Options(const CallContext& context,
                                         fpgw::v1::PayloadKind kind) const {
  MapOptions options;
  options.region = region_;
  options.integration = integration_.name();
  options.payload_kind = kind;
  options.fetch_time = absl::Now();
  options.include_raw = context.include_raw;
  return options;
}

void FingerprintV4Adapter::Evaluate(const fpgw::v1::EvaluateRequest& request,
                                    const CallContext& context, Done<fpgw::v1::Evaluation> done) {
  std::vector<std::pair<std::string, std::string>> params;
  AddString(&params, "ruleset_id", request.fingerprint().ruleset_id());
  std::string url = http::WithQuery(
      absl::StrCat(base_url_, "/events/", http::EscapeUrlComponent(request.token())), params);
  Send(
      "GET", std::move(url), "", context,
      [this, context, done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
        if (!response.ok()) {
          std::move(done)(response.status());
          return;
        }
        absl::StatusOr<fpgw::v1::Evaluation> evaluation =
            NormalizeEvent(response->body, Options(context, fpgw::v1::PAYLOAD_KIND_LOOKUP));
        if (!evaluation.ok()) {
          std::move(done)(InvalidVendorResponse(kVendor, evaluation.status().message()));
          return;
        }
        CountDrift("fingerprint_v4", *evaluation);
        std::move(done)(std::move(evaluation));
      });
}

std::vector<std::pair<std::string, std::string>> FingerprintV4Adapter::SearchParams(
    const fpgw::v1::SearchFilter& f, int page_size, const std::string& cursor) {
  std::vector<std::pair<std::string, std::string>> p;
  if (page_size <= 0) page_size = kDefaultPageSize;
  p.emplace_back("limit", absl::StrCat(std::min(page_size, kMaxPageSize)));
  AddString(&p, "pagination_key", cursor);
  AddString(&p, "visitor_id", f.visitor_id());
  AddString(&p, "high_recall_id", f.high_recall_id());
  switch (f.bot()) {
    case fpgw::v1::BOT_FILTER_ALL:
      p.emplace_back("bot", "all");
      break;
    case fpgw::v1::BOT_FILTER_GOOD:
      p.emplace_back("bot", "good");
      break;
    case fpgw::v1::BOT_FILTER_BAD:
      p.emplace_back("bot", "bad");
      break;
    case fpgw::v1::BOT_FILTER_NONE:
      p.emplace_back("bot", "none");
      break;
    default:
      break;
  }
  AddString(&p, "ip_address", f.ip_address());
  AddString(&p, "asn", f.asn());
  AddString(&p, "linked_id", f.linked_id());
  AddString(&p, "url", f.url());
  AddString(&p, "origin", f.origin());
  if (f.has_start_time_ms()) p.emplace_back("start", absl::StrCat(f.start_time_ms()));
  if (f.has_end_time_ms()) p.emplace_back("end", absl::StrCat(f.end_time_ms()));
  if (f.reverse()) p.emplace_back("reverse", "true");
  AddBool(&p, "suspect", f.has_suspect(), f.suspect());
  AddBool(&p, "vpn", f.has_vpn(), f.vpn());
  AddBool(&p, "virtual_machine", f.has_virtual_machine(), f.virtual_machine());
  AddBool(&p, "tampering", f.has_tampering(), f.tampering());
  AddBool(&p, "anti_detect_browser", f.has_anti_detect_browser(), f.anti_detect_browser());
  AddBool(&p, "incognito", f.has_incognito(), f.incognito());
  AddBool(&p, "privacy_settings", f.has_privacy_settings(), f.privacy_settings());
  AddBool(&p, "jailbroken", f.has_jailbroken(), f.jailbroken());
  AddBool(&p, "frida", f.has_frida(), f.frida());
  AddBool(&p, "factory_reset", f.has_factory_reset(), f.factory_reset());
  AddBool(&p, "cloned_app", f.has_cloned_app(), f.cloned_app());
  AddBool(&p, "emulator", f.has_emulator(), f.emulator());
  AddBool(&p, "root_apps", f.has_root_apps(), f.root_apps());
  AddString(&p, "vpn_confidence", f.vpn_confidence());
  if (f.has_min_suspect_score())
    p.emplace_back("min_suspect_score", absl::StrCat(f.min_suspect_score()));
  AddBool(&p, "developer_tools", f.has_developer_tools(), f.developer_tools());
  AddBool(&p, "location_spoofing", f.has_location_spoofing(), f.location_spoofing());
  AddBool(&p, "mitm_attack", f.has_mitm_attack(), f.mitm_attack());
  AddBool(&p, "rare_device", f.has_rare_device(), f.rare_device());
  AddBool(&p, "proxy", f.has_proxy(), f.proxy());
  AddString(&p, "sdk_version", f.sdk_version());
  AddString(&p, "sdk_platform", f.sdk_platform());
  for (const std::string& env : f.environment()) p.emplace_back("environment", env);
  AddString(&p, "proximity_id", f.proximity_id());
  AddBool(&p, "tor_node", f.has_tor_node(), f.tor_node());
  AddBool(&p, "simulator", f.has_simulator(), f.simulator());
  AddBool(&p, "active_call", f.has_active_call(), f.active_call());
  AddString(&p, "bot_info", f.bot_info());
  for (const std::string& v : f.bot_info_category()) p.emplace_back("bot_info_category", v);
  for (const std::string& v : f.bot_info_identity()) p.emplace_back("bot_info_identity", v);
  for (const std::string& v : f.bot_info_confidence()) p.emplace_back("bot_info_confidence", v);
  for (const std::string& v : f.bot_info_provider()) p.emplace_back("bot_info_provider", v);
  for (const std::string& v : f.bot_info_name()) p.emplace_back("bot_info_name", v);
  AddString(&p, "bundle_id", f.bundle_id());
  AddString(&p, "package_name", f.package_name());
  AddString(&p, "rare_device_percentile_bucket", f.rare_device_percentile_bucket());
  AddString(&p, "incremental_identification_status", f.incremental_identification_status());
  AddString(&p, "source", f.source());
  if (f.has_proximity_precision_radius()) {
    p.emplace_back("proximity_precision_radius", absl::StrCat(f.proximity_precision_radius()));
  }
  if (f.total_hits() > 0) p.emplace_back("total_hits", absl::StrCat(f.total_hits()));
  return p;
}

void FingerprintV4Adapter::Search(const fpgw::v1::SearchFilter& filter, int page_size,
                                  const std::string& cursor, const CallContext& context,
                                  Done<EvaluationPage> done) {
  std::string url =
      http::WithQuery(absl::StrCat(base_url_, "/events"), SearchParams(filter, page_size, cursor));
  Send(
      "GET", std::move(url), "", context,
      [this, context, done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
        if (!response.ok()) {
          std::move(done)(response.status());
          return;
        }
        absl::StatusOr<SearchResult> result =
            NormalizeSearch(response->body, Options(context, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT));
        if (!result.ok()) {
          std::move(done)(InvalidVendorResponse(kVendor, result.status().message()));
          return;
        }
        EvaluationPage page;
        page.evaluations = std::move(result->evaluations);
        for (const auto& evaluation : page.evaluations) CountDrift("fingerprint_v4", evaluation);
        page.next_cursor = std::move(result->pagination_key);
        page.total_size = result->total_hits;
        std::move(done)(std::move(page));
      });
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

namespace {

// The PATCH body: only the fields the caller set.
std::string UpdateBody(const fpgw::v1::UpdateEventRequest& request) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  if (request.has_linked_id()) {
    doc.AddMember(
        "linked_id",
        rapidjson::Value(request.linked_id().data(),
                         static_cast<rapidjson::SizeType>(request.linked_id().size()), alloc),
        alloc);
  }
  if (request.has_tags()) {
    rapidjson::Value tags;
    StructToJson(request.tags(), &tags, alloc);
    doc.AddMember("tags", tags, alloc);
  }
  if (request.has_suspect()) doc.AddMember("suspect", request.suspect(), alloc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

}  // namespace

void FingerprintV4Adapter::UpdateEvent(const fpgw::v1::UpdateEventRequest& request,
                                       const CallContext& context, DoneStatus done) {
  if (!request.has_linked_id() && !request.has_tags() && !request.has_suspect()) {
    std::move(done)(InvalidField("linked_id", "set at least one of linked_id, tags, suspect"));
    return;
  }
  std::string url =
      absl::StrCat(base_url_, "/events/", http::EscapeUrlComponent(request.event_id()));
  std::string body = UpdateBody(request);
  // The vendor answers 409 state_not_ready right after an event is created: retry with backoff
  // until it is mutable or the caller's deadline nears.
  RetryWhileNotReady(
      deps_, context,
      [this, url, body, context](Done<http::HttpResponse> attempt_done) {
        Send("PATCH", url, body, context, std::move(attempt_done));
      },
      std::move(done));
}

void FingerprintV4Adapter::DeleteDevice(const std::string& device_id, const CallContext& context,
                                        DoneStatus done) {
  Send("DELETE", absl::StrCat(base_url_, "/visitors/", http::EscapeUrlComponent(device_id)), "",
       context, [done = std::move(done)](absl::StatusOr<http::HttpResponse> result) mutable {
         std::move(done)(result.status());
       });
}

}  // namespace fpgw::vendors::fingerprint_v4
