// Fuzzes page-token opening: arbitrary tokens must be refused cleanly (never accepted, never a
// crash), and a token issued for the fuzzed cursor must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "fpgw/v1/evaluation_service.pb.h"
#include "server/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fpgw::server::PageTokenCodec* codec = [] {
    std::vector<std::pair<std::string, fpgw::credentials::Secret>> keys;
    keys.emplace_back("fz",
                      fpgw::credentials::Secret(absl::string_view("fuzz-key-0123456789abcdef")));
    return fpgw::server::PageTokenCodec::WithKeys(std::move(keys))->release();
  }();
  const std::string input(reinterpret_cast<const char*>(data), size);
  fpgw::v1::SearchEvaluationsRequest request;
  request.mutable_filter()->set_visitor_id("visitor");
  absl::StatusOr<std::string> cursor = codec->Open(input, "tenant", "SearchEvaluations", request);
  // A forged token would need a valid AES-GCM tag: acceptance of fuzzer input is a bug.
  if (cursor.ok()) std::abort();

  absl::StatusOr<std::string> token = codec->Issue("tenant", "SearchEvaluations", request, input);
  if (!token.ok()) std::abort();
  absl::StatusOr<std::string> opened = codec->Open(*token, "tenant", "SearchEvaluations", request);
  if (!opened.ok() || *opened != input) std::abort();
  return 0;
}
