// The adapter registry: the one place that knows every vendor folder. Adding a vendor is one
// folder under vendors/ and one line here.
#ifndef FPGW_VENDORS_REGISTRY_H_
#define FPGW_VENDORS_REGISTRY_H_

#include <memory>

#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/adapter.h"
#include "vendors/common/vendor_call.h"

namespace fpgw::vendors {

// Creates the adapter for a validated integration. Vendors whose adapter has not landed get an
// adapter that answers UNIMPLEMENTED naming the capability.
std::unique_ptr<VendorAdapter> CreateAdapter(const fpgw::config::v1::Integration& integration,
                                             const AdapterDeps& deps);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_REGISTRY_H_
