// Fuzzes the cside mapping: any bytes as a verify payload, a device-entries page, an error body
// and a client id must map or fail cleanly.
#include <cstddef>
#include <cstdint>

#include "vendors/cside/mapper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace cside = fpgw::vendors::cside;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  cside::MapOptions options;
  options.include_raw = true;
  if (auto evaluation = cside::NormalizeVerify(body, options); evaluation.ok()) {
    (void)evaluation->ByteSizeLong();
  }
  (void)cside::NormalizeDeviceEntries(body, options);
  (void)cside::ReadErrorCode(body);
  (void)cside::ParseClientId(body);
  return 0;
}
