// The cside fingerprinting extension.
#ifndef FPGW_VENDORS_CSIDE_FACTORY_H_
#define FPGW_VENDORS_CSIDE_FACTORY_H_

#include "vendors/common/factory.h"

namespace fpgw::vendors::cside {

const VendorFactory& Factory();

}  // namespace fpgw::vendors::cside

#endif  // FPGW_VENDORS_CSIDE_FACTORY_H_
