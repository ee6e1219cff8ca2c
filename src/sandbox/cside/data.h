// Deterministic cside data for the vendor sandbox: the completed verify payload of a session
// token and the history entries of its device, every enrichment block filled in the shapes of
// src/vendors/cside/ASSUMED_PATHS.md (cside does not publish them). No I/O: the same seed and
// token always give the same bytes.
#ifndef FPGW_SANDBOX_CSIDE_DATA_H_
#define FPGW_SANDBOX_CSIDE_DATA_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {

// Entries every sandbox device has in `/token/v2/device/entries`.
inline constexpr int kCsideEntriesPerDevice = 37;

// The device id the sandbox assigns to a session token (stable for a seed).
std::string CsideDeviceId(uint64_t seed, absl::string_view token);

// Builds the completed verify payload for `token` (entry `index` of its device's history when
// `index` >= 0: newest first, older with each index). Deterministic in (seed, token, index).
void BuildCsidePayload(uint64_t seed, absl::string_view token, int index, rapidjson::Document* doc);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_CSIDE_DATA_H_
