// The event search query of Fingerprint Server API v3 and v4, from one table: each SearchFilter
// field with the vendor's parameter name and the API versions that have it. A filter the
// integration's version lacks is refused, never silently dropped: dropping it would widen the
// caller's search.
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_SEARCH_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_SEARCH_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fpgw/v1/evaluation_service.pb.h"

namespace fpgw::vendors::fingerprint {

// A Fingerprint Server API version.
enum class ApiVersion { kV3, kV4 };

// "v3" or "v4".
absl::string_view VersionName(ApiVersion version);

// A query: repeated keys stay repeated, order is kept (the type http::QueryParams is).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The search page size fpgw asks for when the caller gives none (v3 requires `limit`).
inline constexpr int kDefaultSearchPageSize = 10;
// The largest search page fpgw asks for (v4's maximum; v3 documents none).
inline constexpr int kMaxSearchPageSize = 100;

// The query of a search: `limit`, `pagination_key` when `cursor` is set, then every set filter as
// the vendor names it (booleans "true"/"false", repeated fields as repeated keys, `bot` in lower
// case, start/end in Unix milliseconds). INVALID_ARGUMENT naming the first set filter (as
// "filter.<field>") that `version` has no parameter for.
absl::StatusOr<QueryParams> SearchParams(const fpgw::v1::SearchFilter& filter, ApiVersion version,
                                         int page_size, const std::string& cursor);

// The SearchFilter fields that no version of the table knows (empty when the table covers the
// whole message; a test keeps it so).
std::vector<std::string> FiltersWithoutParameter();

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_SEARCH_H_
