// Fuzzes the Stytch mapping: any bytes as a lookup, a rules page, verdict reasons and an error
// object must map or fail cleanly.
#include <cstddef>
#include <cstdint>

#include "vendors/stytch/mapper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace stytch = fpgw::vendors::stytch;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  stytch::MapOptions options;
  options.include_raw = true;
  if (auto evaluation = stytch::NormalizeLookup(body, options); evaluation.ok()) {
    (void)evaluation->ByteSizeLong();
  }
  (void)stytch::ParseErrorObject(body);
  (void)stytch::ReadErrorCode(body);
  (void)stytch::ParseListRulesResponse(body);
  (void)stytch::ParseListVerdictReasonsResponse(body);
  (void)stytch::ParseVerdictReasonOverrideResponse(body);
  return 0;
}
