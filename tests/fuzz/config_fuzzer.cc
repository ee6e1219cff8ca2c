// Fuzzes config parsing: any text must parse into a config or a list of problems, never crash,
// hang or throw.
#include <cstddef>
#include <cstdint>

#include "config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  fpgw::config::v1::Config config;
  (void)fpgw::config::ParseConfig(absl::string_view(reinterpret_cast<const char*>(data), size),
                                  &config);
  return 0;
}
