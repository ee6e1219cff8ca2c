// Fuzzes the Fingerprint v3 mapping: any bytes as an event, a search page, visits, a webhook,
// related visitors and an error body must map or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vendors/fingerprint_v3/mapper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace v3 = fpgw::vendors::fingerprint_v3;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  v3::MapOptions options;
  options.include_raw = true;
  if (auto evaluation = v3::NormalizeEvent(body, options); evaluation.ok()) {
    (void)evaluation->ByteSizeLong();
  }
  (void)v3::NormalizeSearch(body, options);
  (void)v3::NormalizeVisits(body, options);
  (void)v3::NormalizeWebhook(body, options);
  (void)v3::NormalizeRelatedVisitors(body);
  (void)v3::ParseErrorBody(body);
  return 0;
}
