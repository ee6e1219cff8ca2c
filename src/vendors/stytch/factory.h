// The Stytch Fraud & Risk device fingerprinting extension.
#ifndef FPGW_VENDORS_STYTCH_FACTORY_H_
#define FPGW_VENDORS_STYTCH_FACTORY_H_

#include "vendors/common/factory.h"

namespace fpgw::vendors::stytch {

const VendorFactory& Factory();

}  // namespace fpgw::vendors::stytch

#endif  // FPGW_VENDORS_STYTCH_FACTORY_H_
