// The adapter registry: the one place that knows every vendor folder. Adding a vendor is one
// folder under vendors/ and one line here.
#ifndef FPGW_VENDORS_REGISTRY_H_
#define FPGW_VENDORS_REGISTRY_H_

#include <memory>

#include "credentials/credential_store.h"
#include "fpgw/config/v1/config.pb.h"
#include "http/http_client.h"
#include "vendors/common/adapter.h"

namespace fpgw::vendors {

// Creates the adapter for a validated integration. Vendors whose adapter has not landed get an
// adapter that answers UNIMPLEMENTED naming the capability.
std::unique_ptr<VendorAdapter> CreateAdapter(
    const fpgw::config::v1::Integration& integration, std::shared_ptr<http::HttpClient> client,
    std::shared_ptr<const credentials::CredentialStore> store);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_REGISTRY_H_
