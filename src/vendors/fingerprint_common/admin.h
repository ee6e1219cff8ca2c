// What Fingerprint Server API v3 and v4 share on the admin side: event updates (v3 PUT with
// camelCase keys, v4 PATCH with snake_case keys; "not mutable yet" retried inside the caller's
// deadline) and visitor deletion (DELETE /visitors/{id}).
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_ADMIN_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_ADMIN_H_

#include <memory>
#include <string>

#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/fingerprint_common/search.h"

namespace fpgw::vendors::fingerprint {

// The update body: only the fields the caller set, named as `version` names them
// (v3 linkedId/tag/suspect, v4 linked_id/tags/suspect).
std::string UpdateBody(const fpgw::v1::UpdateEventRequest& request, ApiVersion version);

// Event updates and visitor deletion through `endpoint`.
class FingerprintAdmin final : public EventUpdates, public DeviceDeletion {
 public:
  FingerprintAdmin(std::shared_ptr<const Endpoint> endpoint, ApiVersion version);

  // INVALID_ARGUMENT when the request sets nothing to update.
  void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                   DoneStatus done) override;
  void DeleteDevice(const std::string& device_id, const CallContext& context,
                    DoneStatus done) override;

 private:
  std::shared_ptr<const Endpoint> endpoint_;
  const ApiVersion version_;
};

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_ADMIN_H_
