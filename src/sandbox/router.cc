#include "sandbox/router.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"

namespace fpgw::sandbox {

void Router::Add(absl::string_view prefix, RouteHandler handler) {
  for (const Entry& entry : entries_) {
    if (entry.prefix == prefix) return;
  }
  Entry entry{std::string(prefix), std::move(handler)};
  auto at = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& other) {
    return other.prefix.size() < entry.prefix.size();
  });
  entries_.insert(at, std::move(entry));
}

void Router::AddUnconfigured(absl::string_view prefix, absl::string_view vendor) {
  Add(prefix, [vendor = std::string(vendor)](Exchange& ex) { return ex.SendUnconfigured(vendor); });
}

const Router::Entry* Router::Find(absl::string_view path) const {
  for (const Entry& entry : entries_) {
    if (!absl::StartsWith(path, entry.prefix)) continue;
    const absl::string_view rest = path.substr(entry.prefix.size());
    if (rest.empty() || rest[0] == '/' || absl::EndsWith(entry.prefix, "/")) return &entry;
  }
  return nullptr;
}

}  // namespace fpgw::sandbox
