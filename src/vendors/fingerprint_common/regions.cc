// Fingerprint region names and hosts (CONTRACTS.md §3.1).
#include "vendors/fingerprint_common/regions.h"

namespace fpgw::vendors::fingerprint {

std::string RegionName(fpgw::config::v1::Region region) {
  switch (region) {
    case fpgw::config::v1::REGION_EU:
      return "eu";
    case fpgw::config::v1::REGION_AP:
      return "ap";
    default:
      return "us";
  }
}

std::string RegionOrigin(fpgw::config::v1::Region region) {
  switch (region) {
    case fpgw::config::v1::REGION_EU:
      return "https://eu.api.fpjs.io";
    case fpgw::config::v1::REGION_AP:
      return "https://ap.api.fpjs.io";
    default:
      return "https://api.fpjs.io";
  }
}

}  // namespace fpgw::vendors::fingerprint
