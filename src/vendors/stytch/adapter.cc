// Stytch fraud adapter: builds the vendor requests (JSON bodies, escaped query) and maps the
// answers through mapper.h.
#include "vendors/stytch/adapter.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "common/error.h"
#include "http/url.h"

namespace fpgw::vendors::stytch {

std::shared_ptr<const Endpoint> MakeEndpoint(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps) {
  return std::make_shared<const Endpoint>(
      integration, deps,
      Endpoint::Options{"stytch", std::string(kDefaultBaseUrl), Auth::Basic("project_id:secret"),
                        &ReadErrorCode, ErrorTable()});
}

StytchAdapter::StytchAdapter(std::shared_ptr<const Endpoint> endpoint)
    : endpoint_(std::move(endpoint)) {}

void StytchAdapter::Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                             Done<fpgw::v1::Evaluation> done) {
  MapOptions options;
  options.integration = endpoint_->integration().name();
  options.payload_kind = fpgw::v1::PAYLOAD_KIND_LOOKUP;
  options.include_raw = context.include_raw;
  auto map = [options](absl::string_view body) mutable {
    options.fetch_time = absl::Now();
    return NormalizeLookup(body, options);
  };
  VendorRequest lookup;
  if (endpoint_->integration().stytch().lookup_method() ==
      fpgw::config::v1::STYTCH_LOOKUP_METHOD_GET) {
    // The deprecated GET has no external_metadata: refuse options it would silently drop.
    const fpgw::v1::StytchOptions& stytch = request.stytch();
    if (!stytch.external_id().empty() || !stytch.organization_id().empty() ||
        !stytch.user_action().empty()) {
      std::move(done)(InvalidField(
          "stytch", "this integration uses the GET lookup, which takes no external metadata"));
      return;
    }
    lookup = {"GET",
              http::WithQuery("/v1/fingerprint/lookup", {{"telemetry_id", request.token()}})};
  } else {
    absl::StatusOr<std::string> body = LookupRequestJson(request);
    if (!body.ok()) {
      std::move(done)(body.status());
      return;
    }
    lookup = {"POST", "/v1/fingerprint/lookup", *std::move(body)};
    lookup.idempotent = true;
  }
  endpoint_->Send(
      std::move(lookup), context,
      ParseThenMap<fpgw::v1::Evaluation>(endpoint_->vendor(), std::move(done), std::move(map)));
}

void StytchAdapter::SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
                            Done<fpgw::v1::Rule> done) {
  absl::StatusOr<std::string> body = SetRuleRequestJson(request);
  if (!body.ok()) {
    std::move(done)(body.status());
    return;
  }
  endpoint_->Send({"POST", "/v1/rules/set", *std::move(body)}, context,
                  ParseThenMap<fpgw::v1::Rule>(endpoint_->vendor(), std::move(done),
                                               [request](absl::string_view response) {
                                                 return ParseSetRuleResponse(response, request);
                                               }));
}

void StytchAdapter::ListRules(int page_size, const std::string& cursor, const CallContext& context,
                              Done<RulePage> done) {
  const int limit = page_size <= 0 ? 0 : std::min(page_size, kMaxPageSize);
  VendorRequest request{"POST", "/v1/rules/list", ListRulesRequestJson(limit, cursor)};
  request.idempotent = true;
  endpoint_->Send(
      std::move(request), context,
      ParseThenMap<RulePage>(endpoint_->vendor(), std::move(done),
                             [](absl::string_view response) -> absl::StatusOr<RulePage> {
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
  endpoint_->Send(
      {"POST", "/v1/verdict_reasons/override", VerdictReasonOverrideRequestJson(request)}, context,
      ParseThenMap<fpgw::v1::VerdictReason>(endpoint_->vendor(), std::move(done),
                                            &ParseVerdictReasonOverrideResponse));
}

void StytchAdapter::ListVerdictReasons(bool overrides_only, const CallContext& context,
                                       Done<std::vector<fpgw::v1::VerdictReason>> done) {
  VendorRequest list{"POST", "/v1/verdict_reasons/list",
                     ListVerdictReasonsRequestJson(overrides_only)};
  list.idempotent = true;
  endpoint_->Send(std::move(list), context,
                  ParseThenMap<std::vector<fpgw::v1::VerdictReason>>(
                      endpoint_->vendor(), std::move(done), &ParseListVerdictReasonsResponse));
}

}  // namespace fpgw::vendors::stytch
