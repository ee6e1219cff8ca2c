// UnsealResult for Fingerprint integrations: opens a sealed client result with the integration's
// sealed-result keys (FingerprintSettings.sealed_result_keys, kept current by the secret registry,
// so a rotated key file takes effect without a restart) and normalises the plaintext as the
// version's event. No vendor call is made.
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_SEALED_RESULTS_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_SEALED_RESULTS_H_

#include <memory>
#include <string>
#include <vector>

#include "credentials/secret_registry.h"
#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/fingerprint_common/mapping.h"

namespace fpgw::vendors::fingerprint {

// The version's event normaliser (v3 EventsGetResponse, v4 Event).
using EventNormalizer = absl::StatusOr<fpgw::v1::Evaluation> (*)(absl::string_view body,
                                                                 const MapOptions& options);

// The secret uses of an integration's sealed-result keys, for the secret registry: each must be
// the base64 text of 32 bytes (several, one per line, are all tried).
std::vector<credentials::SecretUse> SealedResultKeyUses(
    const fpgw::config::v1::Integration& integration, const std::string& path);

class SealedResultOpener final : public SealedResults {
 public:
  SealedResultOpener(std::shared_ptr<const Endpoint> endpoint, EventNormalizer normalize);

  // INVALID_ARGUMENT (field `sealed_result`) when the blob cannot be opened with any key;
  // FAILED_PRECONDITION when the integration has no keys. The evaluation's payload kind is
  // SEALED_RESULT.
  void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
              Done<fpgw::v1::Evaluation> done) override;

 private:
  const std::shared_ptr<const Endpoint> endpoint_;
  const EventNormalizer normalize_;
  std::vector<std::string> references_;
};

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_SEALED_RESULTS_H_
