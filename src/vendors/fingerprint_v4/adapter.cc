// Fingerprint Server API v4 adapter: builds the vendor requests (Bearer auth, regional base URL,
// escaped path and query) and maps the answers through mapper.h and the shared error table.
#include "vendors/fingerprint_v4/adapter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "config/config_loader.h"
#include "http/url.h"
#include "telemetry/counters.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

constexpr absl::string_view kVendor = "fingerprint";

std::string RegionName(fpgw::config::v1::Region region) {
  switch (region) {
    case fpgw::config::v1::REGION_EU:
      return "eu";
    case fpgw::config::v1::REGION_AP:
      return "ap";
    default:
      return "us";
  }
}

std::string DefaultBaseUrl(fpgw::config::v1::Region region) {
  switch (region) {
    case fpgw::config::v1::REGION_EU:
      return "https://eu.api.fpjs.io/v4";
    case fpgw::config::v1::REGION_AP:
      return "https://ap.api.fpjs.io/v4";
    default:
      return "https://api.fpjs.io/v4";
  }
}

void CountDrift(const fpgw::v1::Evaluation& evaluation) {
  for (const fpgw::v1::FieldDrift& drift : evaluation.drift()) {
    telemetry::SchemaDriftCounter().Increment(
        absl::StrCat("vendor=\"fingerprint_v4\",path=\"", drift.path(), "\""));
  }
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

FingerprintV4Adapter::FingerprintV4Adapter(
    fpgw::config::v1::Integration integration, std::shared_ptr<http::HttpClient> client,
    std::shared_ptr<const credentials::CredentialStore> store)
    : integration_(std::move(integration)),
      client_(std::move(client)),
      store_(std::move(store)),
      region_(RegionName(integration_.region())),
      base_url_(integration_.base_url().empty() ? DefaultBaseUrl(integration_.region())
                                                : integration_.base_url()) {
  if (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  timeout_ = absl::Seconds(integration_.timeout().seconds()) +
             absl::Nanoseconds(integration_.timeout().nanos());
}

absl::StatusOr<credentials::Secret> FingerprintV4Adapter::ResolveKey() const {
  absl::StatusOr<credentials::Secret> secret =
      store_->Get(config::SecretRefName(integration_.credential()));
  if (!secret.ok()) {
    return MakeError(absl::StatusCode::kFailedPrecondition,
                     fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING,
                     absl::StrCat("integration ", integration_.name(),
                                  " has no usable credential: ", secret.status().message()),
                     {{"vendor", std::string(kVendor)}});
  }
  return secret;
}

void FingerprintV4Adapter::Get(
    std::string url, const CallContext& context,
    absl::AnyInvocable<void(absl::StatusOr<http::HttpResponse>) &&> done) {
  const absl::Duration remaining = context.deadline - absl::Now();
  if (remaining <= absl::ZeroDuration()) {
    std::move(done)(MakeError(absl::StatusCode::kDeadlineExceeded,
                              fpgw::v1::ERROR_REASON_DEADLINE_EXCEEDED,
                              "the caller's deadline passed before the vendor call"));
    return;
  }
  absl::StatusOr<credentials::Secret> key = ResolveKey();
  if (!key.ok()) {
    std::move(done)(key.status());
    return;
  }
  http::HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  request.headers.push_back({"Authorization", absl::StrCat("Bearer ", key->RevealForWire())});
  request.headers.push_back({"Accept", "application/json"});
  const bool deadline_bound = remaining < timeout_;
  request.timeout = deadline_bound ? remaining : timeout_;

  auto cancellation = context.cancellation;
  std::shared_ptr<http::HttpClient> client = client_;
  const http::RequestId id =
      client->Start(std::move(request), [cancellation, deadline_bound, done = std::move(done)](
                                            absl::StatusOr<http::HttpResponse> response) mutable {
        cancellation->Unbind();
        if (!response.ok()) {
          std::move(done)(MapTransportError(kVendor, response.status(), deadline_bound));
          return;
        }
        if (response->status_code < 200 || response->status_code > 299) {
          VendorHttpError error;
          error.vendor = std::string(kVendor);
          error.http_status = response->status_code;
          if (absl::StatusOr<ErrorBody> body = ParseErrorBody(response->body); body.ok()) {
            error.vendor_code = body->code;
          }
          error.retry_after = ParseRetryAfter(response->FindHeader("retry-after"));
          std::move(done)(MapVendorHttpError(error));
          return;
        }
        std::move(done)(std::move(response));
      });
  context.cancellation->Bind([client, id] { client->Cancel(id); });
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
  Get(std::move(url), context,
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
        CountDrift(*evaluation);
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
  return p;
}

void FingerprintV4Adapter::Search(const fpgw::v1::SearchFilter& filter, int page_size,
                                  const std::string& cursor, const CallContext& context,
                                  Done<EvaluationPage> done) {
  std::string url =
      http::WithQuery(absl::StrCat(base_url_, "/events"), SearchParams(filter, page_size, cursor));
  Get(std::move(url), context,
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
        for (const auto& evaluation : page.evaluations) CountDrift(evaluation);
        page.next_cursor = std::move(result->pagination_key);
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

}  // namespace fpgw::vendors::fingerprint_v4
