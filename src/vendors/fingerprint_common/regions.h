// Fingerprint regions, shared by the Server API v3 and v4 adapters: the region's name as fpgw
// reports it and the vendor's host for it (v4 adds "/v4" to the same hosts).
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_REGIONS_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_REGIONS_H_

#include <string>

#include "fpgw/config/v1/config.pb.h"

namespace fpgw::vendors::fingerprint {

// "us", "eu" or "ap" (REGION_UNSPECIFIED is the global region, "us").
std::string RegionName(fpgw::config::v1::Region region);

// "https://api.fpjs.io", "https://eu.api.fpjs.io" or "https://ap.api.fpjs.io".
std::string RegionOrigin(fpgw::config::v1::Region region);

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_REGIONS_H_
