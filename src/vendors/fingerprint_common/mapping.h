// What the Fingerprint Server API v3 and v4 mappers share: the mapping context, the `source` group,
// the choice of the primary address, subdivisions, labels and velocity. Pure functions (no I/O).
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_MAPPING_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_MAPPING_H_

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "fpgw/v1/evaluation.pb.h"
#include "vendors/common/json_reader.h"
#include "vendors/fingerprint_common/search.h"

namespace fpgw::vendors::fingerprint {

// Context for one mapping.
struct MapOptions {
  std::string region;
  std::string integration;
  fpgw::v1::PayloadKind payload_kind = fpgw::v1::PAYLOAD_KIND_LOOKUP;
  absl::Time fetch_time = absl::Now();
  bool include_raw = false;
};

// Fills `source` from the options: vendor, API version, region, integration, kind, status
// (completed) and fetch time.
void MapSource(const MapOptions& options, ApiVersion version, fpgw::v1::Evaluation* evaluation);

// Once the addresses are mapped: copies the details of the primary address (the entry the event
// came from; IPv4 when neither matches) into `network.geolocation`, `network.asn`, the datacenter
// signal and, when unset, `network.ip_address`. False when there is neither entry.
bool ChoosePrimaryAddress(fpgw::v1::Evaluation* evaluation);

// `subdivisions[]` of a geolocation (`iso_key` is the vendor's name for the ISO code); the first
// one's name is the region.
void MapSubdivisions(const JsonObject& geolocation, const char* iso_key,
                     fpgw::v1::Geolocation* out);

// `labels[]`: each {label, prediction, <score_key>}; a value that is not an array is drift.
void MapLabels(const Json& labels, const std::string& path, const char* score_key,
               fpgw::v1::Evaluation* evaluation);

// A vendor name and the name fpgw reports it under.
struct Renamed {
  const char* vendor;
  const char* name;
};

// The interval keys of a velocity count ("5m"/"1h"/"24h" or "5_minutes"/...), and the object that
// holds them ("" for the count object itself).
struct VelocityKeys {
  const char* holder;
  const char* five_minutes;
  const char* one_hour;
  const char* one_day;
};

// The velocity counts of `velocity` into `signals.velocity`, keyed by fpgw's names.
void MapVelocity(const JsonObject& velocity, absl::Span<const Renamed> names,
                 const VelocityKeys& keys, fpgw::v1::Signals* signals);

// `sdk.integrations[]` (the same names in v3 and v4): each {name, version, subintegration?} into
// `client.sdk_integrations`. An entry that is not an object is drift; mapping goes on.
void MapSdkIntegrations(const JsonObject& sdk, fpgw::v1::Client* client);

// The methods of `methods` whose value is true, by fpgw's names, into `vpn.methods`.
void MapVpnMethods(const JsonObject& methods, absl::Span<const Renamed> names,
                   fpgw::v1::VpnSignal* vpn);

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_MAPPING_H_
