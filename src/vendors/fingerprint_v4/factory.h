// The Fingerprint Server API v4 extension (the default Fingerprint version).
#ifndef FPGW_VENDORS_FINGERPRINT_V4_FACTORY_H_
#define FPGW_VENDORS_FINGERPRINT_V4_FACTORY_H_

#include "vendors/common/factory.h"

namespace fpgw::vendors::fingerprint_v4 {

const VendorFactory& Factory();

}  // namespace fpgw::vendors::fingerprint_v4

#endif  // FPGW_VENDORS_FINGERPRINT_V4_FACTORY_H_
