// Automation Intelligence (`POST /v4/edge`, public preview) for the sandbox's Fingerprint v4
// module: the EdgeRequest checked as the vendor's specification states it (EdgeRequest.yaml:
// `additionalProperties: false`, required `headers`/`method`/`url`, at least one IP), and the
// EdgeResponse, which is also the `Event` (`source: "edge"`) that GET and `source=edge` search
// serve, generated from the request with no I/O: same seed and request, same bytes.
//
// What varies with the request: the URL, linked_id and tags are echoed; a `Signature-Agent`
// header (Web Bot Auth) or a bot's User-Agent gives `bot_info`; the IP addresses give `ip_info`
// (a location chosen by the address); addresses in 203.0.113.0/24 come through a residential
// proxy and addresses in 198.51.100.0/24 through a public VPN.
#ifndef FPGW_SANDBOX_FINGERPRINT_V4_EDGE_H_
#define FPGW_SANDBOX_FINGERPRINT_V4_EDGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "sandbox/fingerprint_v4/data.h"

namespace fpgw::sandbox {

// The largest EdgeRequest body the sandbox reads (larger: 413 payload_too_large). The vendor
// publishes no number; real request metadata is a few KiB.
inline constexpr size_t kMaxEdgeRequestBytes = 64 * 1024;
// Edge events in the `source=edge` search set.
inline constexpr int kEdgeSearchEvents = 12;

// What an edge event is generated from: an EdgeRequest, checked.
struct EdgeFacts {
  std::string event_id;
  int64_t timestamp_ms = 0;
  std::string url;
  // The first `User-Agent` and `Signature-Agent` header values; empty when absent.
  std::string user_agent;
  std::string signature_agent;
  // Empty when not given. An IPv4-mapped IPv6 address is reported as IPv4 (EdgeRequest.yaml).
  std::string ipv4;
  std::string ipv6;
  std::optional<std::string> linked_id;
  // The tags object as JSON text; empty when not given.
  std::string tags_json;
};

// Checks an EdgeRequest body and derives its event's facts (the event id and timestamp come from a
// hash of the request, so the same request names the same event). Returns the vendor's 400 message
// for the first problem (`request body contains an unknown field "<name>"`, `at least one of
// ipv4_address or ipv6_address is required`, ...), or nullopt with `*facts` set.
std::optional<std::string> ReadEdgeRequest(const FingerprintV4Data& data, absl::string_view body,
                                           EdgeFacts* facts);

// Replaces `*doc` with the EdgeResponse (the edge `Event`) for `facts`.
void BuildEdgeEvent(const EdgeFacts& facts, rapidjson::Document* doc);

// The edge events of `source=edge` search: kEdgeSearchEvents generated requests, newest first.
std::vector<EdgeFacts> EdgeSearchSet(const FingerprintV4Data& data);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_FINGERPRINT_V4_EDGE_H_
