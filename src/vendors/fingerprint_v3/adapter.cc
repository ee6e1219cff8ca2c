// Fingerprint Server API v3 adapter: builds the vendor requests (`Auth-API-Key`, regional base
// URL, escaped path and query) and maps the answers through mapper.h and the shared error table.
#include "vendors/fingerprint_v3/adapter.h"

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

namespace fpgw::vendors::fingerprint_v3 {
namespace {

constexpr absl::string_view kVendor = "fingerprint";
// The schema-drift counter's vendor label.
constexpr absl::string_view kDriftLabel = "fingerprint_v3";

using Params = std::vector<std::pair<std::string, std::string>>;

// The `error.code` of an ErrorResponse; "" for getVisits' plain `{"error": "..."}` (the HTTP
// status then decides) and for bodies that are not v3 errors at all.
std::string ReadErrorCode(absl::string_view body) {
  absl::StatusOr<ErrorBody> error = ParseErrorBody(body);
  return error.ok() ? error->code : "";
}

void AddBool(Params* params, const char* key, bool has, bool value) {
  if (has) params->emplace_back(key, value ? "true" : "false");
}

void AddString(Params* params, const char* key, const std::string& value) {
  if (!value.empty()) params->emplace_back(key, value);
}

int ClampPageSize(int page_size, int max) {
  if (page_size <= 0) return kDefaultPageSize;
  return std::min(page_size, max);
}

// Passes a failed vendor call on to `done`; true when it did.
template <typename T>
bool Fail(const absl::StatusOr<http::HttpResponse>& response, Done<T>& done) {
  if (response.ok()) return false;
  std::move(done)(response.status());
  return true;
}

}  // namespace

FingerprintV3Adapter::FingerprintV3Adapter(fpgw::config::v1::Integration integration,
                                           AdapterDeps deps)
    : integration_(std::move(integration)),
      deps_(std::move(deps)),
      region_(fingerprint::RegionName(integration_.region())),
      base_url_(integration_.base_url().empty() ? fingerprint::RegionOrigin(integration_.region())
                                                : integration_.base_url()),
      timeout_(IntegrationTimeout(integration_)) {
  if (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

void FingerprintV3Adapter::Send(const char* method, std::string url, std::string body,
                                const CallContext& context, Done<http::HttpResponse> done) {
  absl::StatusOr<credentials::Secret> key = ResolveCredential(deps_, kVendor, integration_);
  if (!key.ok()) {
    std::move(done)(key.status());
    return;
  }
  http::HttpRequest request;
  request.method = method;
  request.url = std::move(url);
  // The current header name; the legacy `Auth-Token` is only accepted, never needed.
  request.headers.push_back({"Auth-API-Key", std::string(key->RevealForWire())});
  request.headers.push_back({"Accept", "application/json"});
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = std::move(body);
  CallVendor(deps_, kVendor, std::move(request), timeout_, &ReadErrorCode, context,
             std::move(done));
}

MapOptions FingerprintV3Adapter::Options(const CallContext& context,
                                         fpgw::v1::PayloadKind kind) const {
  MapOptions options;
  options.region = region_;
  options.integration = integration_.name();
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
  std::string url = absl::StrCat(base_url_, "/events/", http::EscapeUrlComponent(request.token()));
  Send("GET", std::move(url), "", context,
       [this, context, token = request.token(),
        done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (Fail(response, done)) return;
         absl::StatusOr<fpgw::v1::Evaluation> evaluation =
             NormalizeEvent(response->body, Options(context, fpgw::v1::PAYLOAD_KIND_LOOKUP));
         if (!evaluation.ok()) {
           std::move(done)(InvalidVendorResponse(kVendor, evaluation.status().message()));
           return;
         }
         // When identification and botd both failed, nothing in the body names the event: it is
         // the one that was asked for.
         if (evaluation->identity().event_id().empty()) {
           evaluation->mutable_identity()->set_event_id(token);
           evaluation->mutable_source()->set_vendor_request_id(token);
         }
         CountDrift(kDriftLabel, *evaluation);
         std::move(done)(std::move(evaluation));
       });
}

absl::Status FingerprintV3Adapter::CheckSearchFilter(const fpgw::v1::SearchFilter& f) {
  const char* field = nullptr;
  if (!f.high_recall_id().empty()) {
    field = "filter.high_recall_id";
  } else if (!f.url().empty()) {
    field = "filter.url";
  } else if (!f.origin().empty()) {
    field = "filter.origin";
  } else if (!f.asn().empty()) {
    field = "filter.asn";
  } else if (f.has_tor_node()) {
    field = "filter.tor_node";
  } else if (f.has_simulator()) {
    field = "filter.simulator";
  } else if (f.has_active_call()) {
    field = "filter.active_call";
  }
  if (field == nullptr) return absl::OkStatus();
  return InvalidField(field,
                      "Fingerprint Server API v3 search has no such filter; use a v4 "
                      "integration");
}

Params FingerprintV3Adapter::SearchParams(const fpgw::v1::SearchFilter& f, int page_size,
                                          const std::string& cursor) {
  Params p;
  // v3 requires `limit`.
  p.emplace_back("limit", absl::StrCat(ClampPageSize(page_size, kMaxSearchPageSize)));
  AddString(&p, "pagination_key", cursor);
  AddString(&p, "visitor_id", f.visitor_id());
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
  AddString(&p, "linked_id", f.linked_id());
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
  if (f.has_min_suspect_score()) {
    p.emplace_back("min_suspect_score", absl::StrCat(f.min_suspect_score()));
  }
  AddBool(&p, "developer_tools", f.has_developer_tools(), f.developer_tools());
  AddBool(&p, "location_spoofing", f.has_location_spoofing(), f.location_spoofing());
  AddBool(&p, "mitm_attack", f.has_mitm_attack(), f.mitm_attack());
  AddBool(&p, "rare_device", f.has_rare_device(), f.rare_device());
  AddBool(&p, "proxy", f.has_proxy(), f.proxy());
  AddString(&p, "sdk_version", f.sdk_version());
  AddString(&p, "sdk_platform", f.sdk_platform());
  // The spec declares `environment` form/explode: repeated keys (the v3 Node SDK's `environment[]`
  // is an SDK habit, not the contract).
  for (const std::string& env : f.environment()) p.emplace_back("environment", env);
  AddString(&p, "proximity_id", f.proximity_id());
  return p;
}

void FingerprintV3Adapter::Search(const fpgw::v1::SearchFilter& filter, int page_size,
                                  const std::string& cursor, const CallContext& context,
                                  Done<EvaluationPage> done) {
  if (absl::Status check = CheckSearchFilter(filter); !check.ok()) {
    std::move(done)(check);
    return;
  }
  std::string url = http::WithQuery(absl::StrCat(base_url_, "/events/search"),
                                    SearchParams(filter, page_size, cursor));
  Send(
      "GET", std::move(url), "", context,
      [this, context, done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
        if (Fail(response, done)) return;
        absl::StatusOr<SearchResult> result =
            NormalizeSearch(response->body, Options(context, fpgw::v1::PAYLOAD_KIND_SEARCH_HIT));
        if (!result.ok()) {
          std::move(done)(InvalidVendorResponse(kVendor, result.status().message()));
          return;
        }
        EvaluationPage page;
        page.evaluations = std::move(result->evaluations);
        for (const auto& evaluation : page.evaluations) CountDrift(kDriftLabel, evaluation);
        page.next_cursor = std::move(result->pagination_key);
        std::move(done)(std::move(page));
      });
}

Params FingerprintV3Adapter::VisitsParams(int page_size, const std::string& cursor) {
  Params p;
  p.emplace_back("limit", absl::StrCat(ClampPageSize(page_size, kMaxVisitsLimit)));
  AddString(&p, "paginationKey", cursor);
  return p;
}

void FingerprintV3Adapter::ListDevice(const std::string& device, int page_size,
                                      const std::string& cursor, const CallContext& context,
                                      Done<EvaluationPage> done) {
  std::string url =
      http::WithQuery(absl::StrCat(base_url_, "/visitors/", http::EscapeUrlComponent(device)),
                      VisitsParams(page_size, cursor));
  Send("GET", std::move(url), "", context,
       [this, context, device,
        done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (Fail(response, done)) return;
         absl::StatusOr<VisitsResult> result = NormalizeVisits(
             response->body, Options(context, fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY));
         if (!result.ok()) {
           std::move(done)(InvalidVendorResponse(kVendor, result.status().message()));
           return;
         }
         EvaluationPage page;
         page.evaluations = std::move(result->evaluations);
         for (const auto& evaluation : page.evaluations) CountDrift(kDriftLabel, evaluation);
         // The vendor answers at most one visit per page now; paging on its key still reaches
         // every visit.
         page.next_cursor = std::move(result->pagination_key);
         page.device_id = result->visitor_id.empty() ? device : std::move(result->visitor_id);
         std::move(done)(std::move(page));
       });
}

void FingerprintV3Adapter::ListRelatedDevices(const std::string& device_id,
                                              const CallContext& context,
                                              Done<std::vector<std::string>> done) {
  std::string url =
      http::WithQuery(absl::StrCat(base_url_, "/related-visitors"), {{"visitor_id", device_id}});
  Send("GET", std::move(url), "", context,
       [done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (!response.ok()) {
           std::move(done)(response.status());
           return;
         }
         absl::StatusOr<std::vector<std::string>> ids = NormalizeRelatedVisitors(response->body);
         if (!ids.ok()) {
           std::move(done)(InvalidVendorResponse(kVendor, ids.status().message()));
           return;
         }
         std::move(done)(std::move(ids));
       });
}

std::string FingerprintV3Adapter::UpdateBody(const fpgw::v1::UpdateEventRequest& request) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  if (request.has_linked_id()) {
    doc.AddMember(
        "linkedId",
        rapidjson::Value(request.linked_id().data(),
                         static_cast<rapidjson::SizeType>(request.linked_id().size()), alloc),
        alloc);
  }
  if (request.has_tags()) {
    rapidjson::Value tag;
    StructToJson(request.tags(), &tag, alloc);
    doc.AddMember("tag", tag, alloc);
  }
  if (request.has_suspect()) doc.AddMember("suspect", request.suspect(), alloc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

void FingerprintV3Adapter::UpdateEvent(const fpgw::v1::UpdateEventRequest& request,
                                       const CallContext& context, DoneStatus done) {
  if (!request.has_linked_id() && !request.has_tags() && !request.has_suspect()) {
    std::move(done)(InvalidField("linked_id", "set at least one of linked_id, tags, suspect"));
    return;
  }
  std::string url =
      absl::StrCat(base_url_, "/events/", http::EscapeUrlComponent(request.event_id()));
  std::string body = UpdateBody(request);
  // The vendor answers 409 StateNotReady right after an event is created: retry with backoff
  // until it is mutable or the caller's deadline nears.
  RetryWhileNotReady(
      deps_, context,
      [this, url, body, context](Done<http::HttpResponse> attempt_done) {
        Send("PUT", url, body, context, std::move(attempt_done));
      },
      std::move(done));
}

void FingerprintV3Adapter::DeleteDevice(const std::string& device_id, const CallContext& context,
                                        DoneStatus done) {
  Send("DELETE", absl::StrCat(base_url_, "/visitors/", http::EscapeUrlComponent(device_id)), "",
       context, [done = std::move(done)](absl::StatusOr<http::HttpResponse> result) mutable {
         std::move(done)(result.status());
       });
}

}  // namespace fpgw::vendors::fingerprint_v3
