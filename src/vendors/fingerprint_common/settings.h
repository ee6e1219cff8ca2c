// The config of a Fingerprint integration, shared by the v3 and v4 factories: its region (set in
// `fingerprint.region`; the deprecated integration-level `region` is moved there) and its checks.
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_SETTINGS_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_SETTINGS_H_

#include <string>
#include <vector>

#include "config/config_loader.h"
#include "fpgw/config/v1/config.pb.h"

namespace fpgw::vendors::fingerprint {

// The integration's region (REGION_UNSPECIFIED is the global region).
fpgw::config::v1::Region RegionOf(const fpgw::config::v1::Integration& integration);

// The checks every Fingerprint integration gets: a credential is required; a region given in the
// deprecated integration-level `region` moves to `fingerprint.region` (a conflicting value in both
// places is a problem).
void CheckIntegration(fpgw::config::v1::Integration* integration, const std::string& path,
                      const fpgw::config::v1::Config& config,
                      std::vector<config::ConfigProblem>* problems);

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_SETTINGS_H_
