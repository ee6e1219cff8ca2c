// The base of every vendor's routes: a vendor declares its endpoints (method, path, route name,
// where the scenario token is, the handler), its credential check, its error writer and its
// scenario table; VendorRoutes::Handle runs the part every endpoint shares, once:
//
//   1. match the path to an endpoint (unknown path: the vendor's 404) and count the request under
//      the endpoint's route name;
//   2. wrong method: 405 with `Allow` listing the methods the path serves;
//   3. check the vendor's credential (unless the endpoint is public);
//   4. read what precedes the scenario (the endpoint's `prepare`: a JSON body, a text body) and
//      find the scenario token (the path parameter by default);
//   5. run the scenario (RunScenario: select, answer terminal scenarios, apply slow/reset);
//   6. call the endpoint's handler, which serves the normal answer and the body scenarios.
//
// Routes are built once and shared by civetweb's worker threads: handlers must only read the
// routes' state or synchronise what they change.
#ifndef FPGW_SANDBOX_VENDOR_ROUTES_H_
#define FPGW_SANDBOX_VENDOR_ROUTES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "rapidjson/document.h"
#include "sandbox/exchange.h"
#include "sandbox/router.h"
#include "sandbox/scenario.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {

// How an endpoint's path matches.
struct PathPattern {
  enum class Id {
    // The path is exactly `path`.
    kNone,
    // `path` (ending in '/') followed by a non-empty path parameter.
    kRequired,
    // `path` (ending in '/') followed by a path parameter that may be empty.
    kOptional,
  };
  absl::string_view path;
  Id id = Id::kNone;

  // The path parameter when `request_path` matches, else nullopt.
  std::optional<absl::string_view> Match(absl::string_view request_path) const;
  bool operator==(const PathPattern& other) const { return path == other.path && id == other.id; }
};

constexpr PathPattern Exact(absl::string_view path) { return {path, PathPattern::Id::kNone}; }
constexpr PathPattern WithId(absl::string_view prefix) {
  return {prefix, PathPattern::Id::kRequired};
}
constexpr PathPattern WithOptionalId(absl::string_view prefix) {
  return {prefix, PathPattern::Id::kOptional};
}

// One request, as the shared steps leave it for the endpoint's handler.
struct Call {
  // The endpoint's kind (a bit of the vendor's choosing; see ScenarioRow::endpoints).
  uint32_t endpoint = 0;
  // The decoded path parameter; empty when the path has none.
  absl::string_view id;
  // The scenario token (by default the path parameter).
  std::string token;
  // The selected scenario: none, a body scenario or a body delivery scenario.
  Scenario scenario;
  // The JSON request body, when the endpoint's `prepare` read one.
  rapidjson::Document body;
};

// Reads what precedes scenario selection and sets `call->token`; returns false when it answered
// (an unreadable body, say).
using PrepareFn = std::function<bool(Exchange& ex, Call& call)>;
// Serves the normal answer; returns the HTTP status sent.
using HandlerFn = std::function<int(Exchange& ex, const Call& call)>;

struct Endpoint {
  absl::string_view method;
  PathPattern path;
  // The route name the request is counted under (`<vendor>.<endpoint>`).
  absl::string_view route;
  uint32_t kind = 0;
  // Null: the token is the path parameter.
  PrepareFn prepare;
  HandlerFn serve;
  // False for endpoints the vendor serves without a credential.
  bool authenticated = true;
};

// The scenario token is query parameter `name` (empty when absent).
PrepareFn TokenFromQuery(absl::string_view name);

class VendorRoutes {
 public:
  virtual ~VendorRoutes() = default;

  VendorRoutes(const VendorRoutes&) = delete;
  VendorRoutes& operator=(const VendorRoutes&) = delete;

  // Serves one request below the vendor's path prefixes (see the file comment).
  int Handle(Exchange& ex) const;

 protected:
  // `scenarios` must outlive the routes (a constant table).
  explicit VendorRoutes(const ScenarioTable& scenarios) : scenarios_(scenarios) {}

  // Adds an endpoint. A request goes to the first endpoint whose path and method match; the
  // methods of every endpoint with the same path make up `Allow`.
  void AddEndpoint(Endpoint endpoint);

  // `fn` bound to this object, as an endpoint's handler or prepare step.
  template <typename Self>
  HandlerFn Bind(int (Self::*fn)(Exchange&, const Call&) const) const {
    const Self* self = static_cast<const Self*>(this);
    return [self, fn](Exchange& ex, const Call& call) { return (self->*fn)(ex, call); };
  }
  template <typename Self>
  HandlerFn Bind(int (Self::*fn)(Exchange&, const Call&)) {
    Self* self = static_cast<Self*>(this);
    return [self, fn](Exchange& ex, const Call& call) { return (self->*fn)(ex, call); };
  }
  template <typename Self>
  PrepareFn BindPrepare(bool (Self::*fn)(Exchange&, Call&) const) const {
    const Self* self = static_cast<const Self*>(this);
    return [self, fn](Exchange& ex, Call& call) { return (self->*fn)(ex, call); };
  }

  // Sends `error` in the vendor's shape for `call`'s endpoint.
  int SendError(Exchange& ex, const Call& call, const VendorError& error) const {
    return WriteError(ex, call, error, {});
  }
  // SendError, then false: for Authorized and prepare steps that refuse a request.
  bool Refuse(Exchange& ex, const Call& call, const VendorError& error) const {
    SendError(ex, call, error);
    return false;
  }

  // Checks the vendor's credential; sends the vendor's error and returns false when it is missing
  // or wrong.
  virtual bool Authorized(Exchange& ex, const Call& call) const = 0;
  // Sends `error` with `extra` headers in the vendor's shape for `call`'s endpoint.
  virtual int WriteError(Exchange& ex, const Call& call, const VendorError& error,
                         const std::vector<Header>& extra) const = 0;
  // Answers a path below the vendor's prefixes that no endpoint serves (counted as unknown).
  // Default: 404 `{"error":{"code":"not_found",...}}`.
  virtual int SendUnknownPath(Exchange& ex) const;

 private:
  const ScenarioTable& scenarios_;
  std::vector<Endpoint> endpoints_;
};

// A path prefix a module serves, and whether it needs the module's credential.
struct RoutePrefix {
  absl::string_view prefix;
  bool needs_credential = true;
};

// What SandboxVendor::AddRoutes does for a module served by one VendorRoutes object: adds
// `prefixes`, served by `make()`'s routes; without a credential, the prefixes that need one answer
// 501 unconfigured (and `make` is called only when some prefix is served).
void AddVendorRoutes(Router& router, const VendorSetup& setup, absl::string_view vendor,
                     absl::Span<const RoutePrefix> prefixes,
                     const std::function<std::shared_ptr<const VendorRoutes>()>& make);

// The names of `table`'s scenarios, then the delivery scenarios, without repeats.
std::vector<std::string> ScenarioNamesOf(const ScenarioTable& table);

// A module whose routes are one `Routes` object (a VendorRoutes constructible from the seed and the
// credential) serving `prefixes`, with the scenarios of `scenarios`; `check` validates a credential
// (null: any non-empty one). `info`, `prefixes` and `scenarios` must outlive the module
// (constants).
template <typename Routes>
class RoutesModule final : public SandboxVendor {
 public:
  using CheckFn = absl::Status (*)(absl::string_view credential);

  RoutesModule(const SandboxVendorInfo& info, absl::Span<const RoutePrefix> prefixes,
               const ScenarioTable& scenarios, CheckFn check = nullptr)
      : info_(info), prefixes_(prefixes), scenarios_(scenarios), check_(check) {}

  const SandboxVendorInfo& info() const override { return info_; }
  absl::Status CheckCredential(absl::string_view credential) const override {
    return check_ != nullptr ? check_(credential) : absl::OkStatus();
  }
  void AddRoutes(Router& router, const VendorSetup& setup) const override {
    AddVendorRoutes(router, setup, info_.name, prefixes_, [&] {
      // Not a const object: routes may keep synchronised mutable state.
      return std::shared_ptr<const VendorRoutes>(
          std::make_shared<Routes>(setup.seed, setup.credential));
    });
  }
  std::vector<std::string> ScenarioNames() const override { return ScenarioNamesOf(scenarios_); }

 private:
  const SandboxVendorInfo& info_;
  const absl::Span<const RoutePrefix> prefixes_;
  const ScenarioTable& scenarios_;
  const CheckFn check_;
};

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_VENDOR_ROUTES_H_
