// The Fingerprint Server API v3 extension (deprecated at the vendor; removed 2027-01-07).
#ifndef FPGW_VENDORS_FINGERPRINT_V3_FACTORY_H_
#define FPGW_VENDORS_FINGERPRINT_V3_FACTORY_H_

#include "vendors/common/factory.h"

namespace fpgw::vendors::fingerprint_v3 {

const VendorFactory& Factory();

}  // namespace fpgw::vendors::fingerprint_v3

#endif  // FPGW_VENDORS_FINGERPRINT_V3_FACTORY_H_
