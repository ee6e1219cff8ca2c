// The sandbox's route table: path prefix → handler, longest prefix wins. Each vendor module adds
// its prefixes (SandboxVendor::AddRoutes, listed in vendors.cc), so adding a vendor is one folder
// and one line there.
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

namespace fpgw::sandbox {

// Answers one request; returns the HTTP status sent (Exchange::Send* return it). It names the
// route the request is counted under (Exchange::set_route); otherwise it counts as unknown.
using RouteHandler = std::function<int(Exchange&)>;

class Router final {
 public:
  Router() = default;

  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Serves `prefix` itself and every path below it (`prefix` + "/..."). The longest matching
  // prefix wins. A prefix registered twice keeps its first handler.
  void Add(absl::string_view prefix, RouteHandler handler);
  // Serves `prefix` with 501 `sandbox_vendor_not_configured`: the sandbox has no credential for
  // the module `vendor`.
  void AddUnconfigured(absl::string_view prefix, absl::string_view vendor);

  struct Entry {
    std::string prefix;
    RouteHandler handler;
  };
  // The entry serving `path`, or nullptr.
  const Entry* Find(absl::string_view path) const;

 private:
  std::vector<Entry> entries_;  // longest prefix first
};

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_ROUTER_H_
