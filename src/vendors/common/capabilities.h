// What a vendor offers, one small interface per capability. A vendor's adapter implements exactly
// the capabilities its API has; its factory lists them in VendorCapabilities. CapabilityBackends
// turns that list into the two backends the server calls, and is the one place where an absent
// capability answers UNIMPLEMENTED (naming the capability and the integration).
//
// Thread-safety and the `done` contract are those of backend.h.
#ifndef FPGW_VENDORS_COMMON_CAPABILITIES_H_
#define FPGW_VENDORS_COMMON_CAPABILITIES_H_

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "vendors/common/backend.h"

namespace fpgw::vendors {

// Evaluates one client-side token.
class EventLookup {
 public:
  virtual ~EventLookup() = default;
  virtual void Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                        Done<fpgw::v1::Evaluation> done) = 0;
};

// Lists a device's past evaluations.
class DeviceHistory {
 public:
  virtual ~DeviceHistory() = default;
  virtual void ListDevice(const std::string& device, const fpgw::v1::DeviceHistoryFilter& filter,
                          int page_size, const std::string& cursor, const CallContext& context,
                          Done<EvaluationPage> done) = 0;
};

// Searches events by filter.
class EventSearch {
 public:
  virtual ~EventSearch() = default;
  virtual void Search(const fpgw::v1::SearchFilter& filter, int page_size,
                      const std::string& cursor, const CallContext& context,
                      Done<EvaluationPage> done) = 0;
};

// Lists devices related to a device.
class RelatedDevices {
 public:
  virtual ~RelatedDevices() = default;
  virtual void ListRelatedDevices(const std::string& device_id, const CallContext& context,
                                  Done<std::vector<std::string>> done) = 0;
};

// Opens sealed client results.
class SealedResults {
 public:
  virtual ~SealedResults() = default;
  virtual void Unseal(const fpgw::v1::UnsealResultRequest& request, const CallContext& context,
                      Done<fpgw::v1::Evaluation> done) = 0;
};

// Evaluates an HTTP request described by the caller.
class HttpRequestEvaluation {
 public:
  virtual ~HttpRequestEvaluation() = default;
  virtual void EvaluateHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request,
                                   const CallContext& context, Done<fpgw::v1::Evaluation> done) = 0;
};

// Updates an event's linked id, tags or suspect flag.
class EventUpdates {
 public:
  virtual ~EventUpdates() = default;
  virtual void UpdateEvent(const fpgw::v1::UpdateEventRequest& request, const CallContext& context,
                           DoneStatus done) = 0;
};

// Deletes the vendor's data about a device.
class DeviceDeletion {
 public:
  virtual ~DeviceDeletion() = default;
  virtual void DeleteDevice(const std::string& device_id, const CallContext& context,
                            DoneStatus done) = 0;
};

// Sets and lists rules.
class RuleManagement {
 public:
  virtual ~RuleManagement() = default;
  virtual void SetRule(const fpgw::v1::SetRuleRequest& request, const CallContext& context,
                       Done<fpgw::v1::Rule> done) = 0;
  virtual void ListRules(int page_size, const std::string& cursor, const CallContext& context,
                         Done<RulePage> done) = 0;
};

// Overrides and lists verdict reasons.
class VerdictReasonManagement {
 public:
  virtual ~VerdictReasonManagement() = default;
  virtual void SetVerdictReasonOverride(const fpgw::v1::SetVerdictReasonOverrideRequest& request,
                                        const CallContext& context,
                                        Done<fpgw::v1::VerdictReason> done) = 0;
  virtual void ListVerdictReasons(bool overrides_only, const CallContext& context,
                                  Done<std::vector<fpgw::v1::VerdictReason>> done) = 0;
};

// The capabilities one integration offers; a null pointer is an absent capability. The pointers
// may share one object (see Offer()).
struct VendorCapabilities {
  std::shared_ptr<EventLookup> lookup;
  std::shared_ptr<DeviceHistory> history;
  std::shared_ptr<EventSearch> search;
  std::shared_ptr<RelatedDevices> related;
  std::shared_ptr<SealedResults> sealed;
  std::shared_ptr<HttpRequestEvaluation> http_requests;
  std::shared_ptr<EventUpdates> updates;
  std::shared_ptr<DeviceDeletion> deletion;
  std::shared_ptr<RuleManagement> rules;
  std::shared_ptr<VerdictReasonManagement> verdict_reasons;
};

// Every capability `adapter` implements (by deriving from its interface), as VendorCapabilities.
template <typename Adapter>
VendorCapabilities Offer(std::shared_ptr<Adapter> adapter) {
  VendorCapabilities c;
  if constexpr (std::is_base_of_v<EventLookup, Adapter>) c.lookup = adapter;
  if constexpr (std::is_base_of_v<DeviceHistory, Adapter>) c.history = adapter;
  if constexpr (std::is_base_of_v<EventSearch, Adapter>) c.search = adapter;
  if constexpr (std::is_base_of_v<RelatedDevices, Adapter>) c.related = adapter;
  if constexpr (std::is_base_of_v<SealedResults, Adapter>) c.sealed = adapter;
  if constexpr (std::is_base_of_v<HttpRequestEvaluation, Adapter>) c.http_requests = adapter;
  if constexpr (std::is_base_of_v<EventUpdates, Adapter>) c.updates = adapter;
  if constexpr (std::is_base_of_v<DeviceDeletion, Adapter>) c.deletion = adapter;
  if constexpr (std::is_base_of_v<RuleManagement, Adapter>) c.rules = adapter;
  if constexpr (std::is_base_of_v<VerdictReasonManagement, Adapter>) c.verdict_reasons = adapter;
  return c;
}

// Both backends over one integration's capabilities. An absent capability answers UNIMPLEMENTED
// (CAPABILITY_UNAVAILABLE) naming the RPC and the integration.
Backends CapabilityBackends(VendorCapabilities capabilities, std::string integration);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_CAPABILITIES_H_
