// Fuzzes config parsing with every vendor's rules: any text must parse into a config or a list of
// problems, never crash, hang or throw.
#include <cstddef>
#include <cstdint>

#include "vendors/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  fpgw::config::v1::Config config;
  (void)fpgw::vendors::ParseConfig(absl::string_view(reinterpret_cast<const char*>(data), size),
                                   &config);
  return 0;
}
