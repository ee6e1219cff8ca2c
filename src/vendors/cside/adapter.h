// CsideAdapter: cside fingerprinting (CONTRACTS.md §1).
//
// By default (the team's fingerprint API key, sent as `Authorization: Bearer`):
//   Evaluate   → POST /token/v2/verify {"token"}; a 202 `{"status":"pending"}` is polled with
//                backoff inside the caller's deadline (PENDING_POLICY_WAIT) or returned at once as
//                a PENDING evaluation (PENDING_POLICY_RETURN_PENDING). WAIT never turns "still
//                pending when the deadline nears" into an error: it returns the PENDING evaluation.
//                When the completed payload names no device id at the assumed paths
//                (ASSUMED_PATHS.md), POST /token/v1/clientId (the documented source of the stable
//                fingerprint id) fills it within the same deadline; when neither gives one the
//                evaluation is partial with a drift naming the missing id.
//   ListDevice → POST /token/v2/device/entries {"token", "limit", "offset"}, following the vendor's
//                `next_offset` while `has_more`; a filter is refused (INVALID_ARGUMENT).
// With `cside.public_mode` (no credential; docs/decisions/0008-cside-pending-and-public-mode.md):
//   Evaluate   → POST /token/v1/client (the raw token as text/plain), then /token/v1/clientId as
//                above.
//   ListDevice → not offered (UNIMPLEMENTED): device entries need the API key.
#ifndef FPGW_VENDORS_CSIDE_ADAPTER_H_
#define FPGW_VENDORS_CSIDE_ADAPTER_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "fpgw/config/v1/config.pb.h"
#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/common/factory.h"

namespace fpgw::vendors::cside {

// Largest `limit` the device-entries endpoint accepts, and its default.
inline constexpr int kMaxPageSize = 500;
// First delay between polls of a pending evaluation when the config sets none.
inline constexpr absl::Duration kDefaultPollInitialDelay = absl::Milliseconds(100);
// Longest delay between polls.
inline constexpr absl::Duration kMaxPollDelay = absl::Seconds(2);
// How long WAIT polls when the caller set no deadline.
inline constexpr absl::Duration kMaxWaitWithoutDeadline = absl::Seconds(30);

class CsideAdapter final : public EventLookup, public DeviceHistory {
 public:
  CsideAdapter(const fpgw::config::v1::Integration& integration, const AdapterDeps& deps);

  void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                Done<fpgw::v1::Evaluation> done) override;
  // Only with a credential (the factory does not offer it in public mode).
  void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                  int page_size, const std::string& cursor, const CallContext& context,
                  Done<EvaluationPage> done) override;

  // The policy a request gets: the request's, else the integration's, else WAIT.
  static fpgw::v1::PendingPolicy EffectivePolicy(const fpgw::v1::EvaluateRequest& request,
                                                 const fpgw::config::v1::Integration& integration);

  // How long before the caller's deadline WAIT stops polling, so that the PENDING evaluation
  // still reaches the caller: a tenth of the time left, at least 20ms and at most 200ms.
  static absl::Duration PollReserve(absl::Duration remaining);

  // Whether this integration uses the public /token/v1 endpoints (`cside.public_mode`).
  bool public_mode() const;

  struct State;

 private:
  std::shared_ptr<const State> state_;
};

// The vendor's extension (listed in vendors/registry.cc).
const VendorFactory& Factory();

}  // namespace fpgw::vendors::cside

#endif  // FPGW_VENDORS_CSIDE_ADAPTER_H_
