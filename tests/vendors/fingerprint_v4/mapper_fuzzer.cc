// Fuzzes the Fingerprint v4 mapping: any bytes as an event, a search page and an error body must
// map or fail cleanly, and a mapped evaluation must serialise.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vendors/fingerprint_v4/mapper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  fpgw::vendors::fingerprint_v4::MapOptions options;
  options.include_raw = true;
  if (auto evaluation = fpgw::vendors::fingerprint_v4::NormalizeEvent(body, options);
      evaluation.ok()) {
    std::string bytes;
    evaluation->SerializeToString(&bytes);
  }
  if (auto page = fpgw::vendors::fingerprint_v4::NormalizeSearch(body, options); page.ok()) {
    for (const auto& evaluation : page->evaluations) (void)evaluation.ByteSizeLong();
  }
  (void)fpgw::vendors::fingerprint_v4::ParseErrorBody(body);
  return 0;
}
