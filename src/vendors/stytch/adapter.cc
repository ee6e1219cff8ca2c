// Stytch fraud adapter: builds the vendor requests (Basic auth, JSON bodies, escaped query) and
// maps the answers through mapper.h and the shared error table.
#include "vendors/stytch/adapter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "http/url.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors::stytch {
namespace {

constexpr absl::string_view kVendor = "stytch";

// Maps a 2xx body with `parse`; a body that cannot be read is INTERNAL (VENDOR_RESPONSE_INVALID).
template <typename T, typename Parse>
auto MapBody(Done<T> done, Parse parse) {
  return [done = std::move(done),
          parse = std::move(parse)](absl::StatusOr<http::HttpResponse> response) mutable {
    if (!response.ok()) {
      std::move(done)(response.status());
      return;
    }
    auto parsed = parse(response->body);
    if (!parsed.ok()) {
      std::move(done)(InvalidVendorResponse(kVendor, parsed.status().message()));
      return;
    }
    std::move(done)(std::move(*parsed));
  };
}

}  // namespace

StytchAdapter::StytchAdapter(fpgw::config::v1::Integration integration, AdapterDeps deps)
    : integration_(std::move(integration)),
      deps_(std::move(deps)),
      base_url_(integration_.base_url().empty() ? std::string(kDefaultBaseUrl)
                                                : integration_.base_url()),
      timeout_(IntegrationTimeout(integration_)) {
  if (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

void StytchAdapter::Send(const char* method, std::string path, std::string body,
                         const CallContext& context, Done<http::HttpResponse> done) {
  absl::StatusOr<credentials::Secret> credential = ResolveCredential(deps_, kVendor, integration_);
  if (!credential.ok()) {
    std::move(done)(credential.status());
    return;
  }
  const absl::string_view pair = absl::StripAsciiWhitespace(credential->RevealForWire());
  const size_t colon = pair.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == pair.size()) {
    // Names the integration and the expected form, never the value.
    std::move(done)(MakeError(absl::StatusCode::kFailedPrecondition,
                              fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING,
                              absl::StrCat("integration ", integration_.name(),
                                           ": the Stytch credential must be \"project_id:secret\""),
                              {{"vendor", std::string(kVendor)}}));
    return;
  }
  http::HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(base_url_, path);
  request.headers.push_back({"Authorization", absl::StrCat("Basic ", absl::Base64Escape(pair))});
  request.headers.push_back({"Accept", "application/json"});
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = std::move(body);
  CallVendor(deps_, kVendor, std::move(request), timeout_, &ReadErrorCode, context,
             std::move(done));
}

void StytchAdapter::Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                             Done<fpgw::v1::Evaluation> done) {
  MapOptions options;
  options.integration = integration_.name();
  options.payload_kind = fpgw::v1::PAYLOAD_KIND_LOOKUP;
  options.include_raw = context.include_raw;
  auto map = [options](absl::string_view body) mutable {
    options.fetch_time = absl::Now();
    absl::StatusOr<fpgw::v1::Evaluation> evaluation = NormalizeLookup(body, options);
    if (evaluation.ok()) CountDrift(kVendor, *evaluation);
    return evaluation;
  };

  if (integration_.stytch().lookup_method() == fpgw::config::v1::STYTCH_LOOKUP_METHOD_GET) {
    // The deprecated GET has no external_metadata: refuse options it would silently drop.
    const fpgw::v1::StytchOptions& stytch = request.stytch();
    if (!stytch.external_id().empty() || !stytch.organization_id().empty() ||
        !stytch.user_action().empty()) {
      std::move(done)(InvalidField(
          "stytch", "this integration uses the GET lookup, which takes no external metadata"));
      return;
    }
    Send("GET", http::WithQuery("/v1/fingerprint/lookup", {{"telemetry_id", request.token()}}), "",
         context, MapBody(std::move(done), std::move(map)));
    return;
  }
  absl::StatusOr<std::string> body = LookupRequestJson(request);
  if (!body.ok()) {
    std::move(done)(body.status());
    return;
  }
  Send("POST", "/v1/fingerprint/lookup", *std::move(body), context,
       MapBody(std::move(done), std::move(map)));
}

void StytchAdapter::SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
                            Done<fpgw::v1::Rule> done) {
  absl::StatusOr<std::string> body = SetRuleRequestJson(request);
  if (!body.ok()) {
    std::move(done)(body.status());
    return;
  }
  Send("POST", "/v1/rules/set", *std::move(body), context,
       MapBody(std::move(done), [request](absl::string_view response) {
         return ParseSetRuleResponse(response, request);
       }));
}

void StytchAdapter::ListRules(int page_size, const std::string& cursor, const CallContext& context,
                              Done<RulePage> done) {
  const int limit = page_size <= 0 ? 0 : std::min(page_size, kMaxPageSize);
  Send("POST", "/v1/rules/list", ListRulesRequestJson(limit, cursor), context,
       MapBody(std::move(done), [](absl::string_view response) -> absl::StatusOr<RulePage> {
         absl::StatusOr<RuleList> list = ParseListRulesResponse(response);
         if (!list.ok()) return list.status();
         RulePage page;
         page.rules = std::move(list->rules);
         page.next_cursor = std::move(list->next_cursor);
         return page;
       }));
}

void StytchAdapter::SetVerdictReasonOverride(
    const fpgw::v1::SetVerdictReasonOverrideRequest& request, const CallContext& context,
    Done<fpgw::v1::VerdictReason> done) {
  Send("POST", "/v1/verdict_reasons/override", VerdictReasonOverrideRequestJson(request), context,
       MapBody(std::move(done), [](absl::string_view response) {
         return ParseVerdictReasonOverrideResponse(response);
       }));
}

void StytchAdapter::ListVerdictReasons(bool overrides_only, const CallContext& context,
                                       Done<std::vector<fpgw::v1::VerdictReason>> done) {
  Send("POST", "/v1/verdict_reasons/list", ListVerdictReasonsRequestJson(overrides_only), context,
       MapBody(std::move(done), [](absl::string_view response) {
         return ParseListVerdictReasonsResponse(response);
       }));
}

}  // namespace fpgw::vendors::stytch
