#include "sandbox/vendor_routes.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sandbox/sandbox.h"

namespace fpgw::sandbox {

std::optional<absl::string_view> PathPattern::Match(absl::string_view request_path) const {
  if (id == Id::kNone) {
    if (request_path == path) return absl::string_view();
    return std::nullopt;
  }
  if (!absl::StartsWith(request_path, path)) return std::nullopt;
  const absl::string_view rest = request_path.substr(path.size());
  if (id == Id::kRequired && rest.empty()) return std::nullopt;
  return rest;
}

PrepareFn TokenFromQuery(absl::string_view name) {
  return [name = std::string(name)](Exchange& ex, Call& call) {
    call.token = ex.QueryParam(name).value_or("");
    return true;
  };
}

void VendorRoutes::AddEndpoint(Endpoint endpoint) { endpoints_.push_back(std::move(endpoint)); }

int VendorRoutes::SendUnknownPath(Exchange& ex) const {
  return ex.SendJsonError(404, "not_found", absl::StrCat("no route for ", ex.path()));
}

int VendorRoutes::Handle(Exchange& ex) const {
  const absl::string_view path = ex.path();
  const absl::string_view method = ex.method();
  const Endpoint* first = nullptr;  // the first endpoint serving the path
  const Endpoint* endpoint = nullptr;
  Call call;
  for (const Endpoint& candidate : endpoints_) {
    if (first != nullptr && !(candidate.path == first->path)) continue;
    const std::optional<absl::string_view> id = candidate.path.Match(path);
    if (!id.has_value()) continue;
    if (first == nullptr) {
      first = &candidate;
      call.id = *id;
    }
    if (candidate.method == method) {
      endpoint = &candidate;
      break;
    }
  }
  if (first == nullptr) {
    ex.set_route(kRouteUnknown);
    ex.Count();
    return SendUnknownPath(ex);
  }
  ex.set_route(endpoint != nullptr ? endpoint->route : first->route);
  ex.Count();
  if (endpoint == nullptr) {
    std::string allow;
    for (const Endpoint& candidate : endpoints_) {
      if (candidate.path == first->path) {
        absl::StrAppend(&allow, allow.empty() ? "" : ", ", candidate.method);
      }
    }
    return ex.SendMethodNotAllowed(allow);
  }

  call.endpoint = endpoint->kind;
  if (endpoint->authenticated && !Authorized(ex, call)) return ex.status();
  if (endpoint->prepare) {
    if (!endpoint->prepare(ex, call)) return ex.status();
  } else {
    call.token = std::string(call.id);
  }
  std::optional<Scenario> scenario =
      RunScenario(ex, scenarios_, call.endpoint, call.token,
                  [&](const VendorError& error, const std::vector<Header>& extra) {
                    return WriteError(ex, call, error, extra);
                  });
  if (!scenario.has_value()) return ex.status();
  call.scenario = *std::move(scenario);
  return endpoint->serve(ex, call);
}

void AddVendorRoutes(Router& router, const VendorSetup& setup, absl::string_view vendor,
                     absl::Span<const RoutePrefix> prefixes,
                     const std::function<std::shared_ptr<const VendorRoutes>()>& make) {
  std::shared_ptr<const VendorRoutes> routes;
  for (const RoutePrefix& prefix : prefixes) {
    if (prefix.needs_credential && setup.credential.empty()) {
      router.AddUnconfigured(prefix.prefix, vendor);
      continue;
    }
    if (routes == nullptr) routes = make();
    router.Add(prefix.prefix, [routes](Exchange& ex) { return routes->Handle(ex); });
  }
}

std::vector<std::string> ScenarioNamesOf(const ScenarioTable& table) {
  std::vector<std::string> names;
  auto add = [&names](absl::string_view name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  };
  for (const ScenarioRow& row : table.rows) add(row.scenario);
  for (absl::string_view name : table.body_scenarios) add(name);
  for (absl::string_view name : kDeliveryScenarios) add(name);
  return names;
}

}  // namespace fpgw::sandbox
