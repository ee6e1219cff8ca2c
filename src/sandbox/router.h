// The sandbox's route table: path prefix → handler. Each vendor's routes file exposes one
// registration function (`void AddStytchRoutes(Router&)`, ...) that adds its prefixes; the list of
// registration functions is in sandbox.cc, so adding a vendor is one new file and one line there.
//
// A handler owns whatever state its vendor needs (generated data, mutable stores) by capturing it;
// the router, and so that state, lives as long as the sandbox. Handlers run concurrently on
// civetweb's worker threads: captured state must be immutable or synchronised.
#ifndef FPGW_SANDBOX_ROUTER_H_
#define FPGW_SANDBOX_ROUTER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sandbox/exchange.h"
#include "sandbox/sandbox.h"

namespace fpgw::sandbox {

// Answers one request; returns the HTTP status sent (Exchange::Send* return it).
using RouteHandler = std::function<int(Exchange&)>;

class Router final {
 public:
  explicit Router(const SandboxOptions& options) : options_(options) {}

  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // The sandbox's options, for registration functions that check their vendor's credentials.
  const SandboxOptions& options() const { return options_; }

  // Serves `prefix` itself and every path below it (`prefix` + "/..."), counted under `route`
  // unless the handler names another route (Exchange::set_route). The longest matching prefix
  // wins. A prefix registered twice keeps its first handler.
  void Add(absl::string_view prefix, absl::string_view route, RouteHandler handler);
  // Serves `prefix` with 501 `sandbox_vendor_not_configured` naming `option_name`: the vendor's
  // credentials were left empty in SandboxOptions.
  void AddUnconfigured(absl::string_view prefix, absl::string_view route,
                       absl::string_view option_name);

  struct Entry {
    std::string prefix;
    std::string route;
    RouteHandler handler;
  };
  // The entry serving `path`, or nullptr.
  const Entry* Find(absl::string_view path) const;

 private:
  const SandboxOptions& options_;
  std::vector<Entry> entries_;  // longest prefix first
};

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_ROUTER_H_
