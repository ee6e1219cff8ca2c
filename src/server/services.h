// The gRPC services on the callback API: EvaluationService (hot path) and AdminService. Each RPC
// recognises its caller (by how its listener authenticates), authorises the service, the tenant
// and the integration, validates the request, and hands the work to the integration's backends;
// no thread waits while the vendor answers (DESIGN §1.4). A cancelled call cancels its vendor
// request. Every AdminService call, allowed or not, goes to the audit log; every call is counted
// (grpc_server_* metrics), continues the caller's W3C trace to the vendor, and gets an access log
// line.
#ifndef FPGW_SERVER_SERVICES_H_
#define FPGW_SERVER_SERVICES_H_

#include <optional>

#include "auth/listener_auth.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "resilience/overload_guard.h"
#include "server/page_token.h"
#include "server/tenants.h"
#include "telemetry/audit.h"
#include "telemetry/log.h"
#include "telemetry/metrics.h"

namespace fpgw::server {

// Shared state of the services.
struct ServiceState {
  const Tenants* tenants = nullptr;
  const PageTokenCodec* page_tokens = nullptr;
  telemetry::AuditLog* audit = nullptr;
  // fpgw retries transient vendor failures itself (http.retry), so gRPC clients are told not to
  // retry those again (grpc-retry-pushback-ms: -1), lest retries multiply.
  bool vendor_retries = false;
  // Admits every call before any other work (resilience/overload_guard.h).
  resilience::OverloadGuard* overload = nullptr;
  // The gRPC server metrics; null: none.
  telemetry::Metrics* metrics = nullptr;
  // The access log (config server.access_log): the level of the lines of calls that succeed
  // (nullopt: none) and the fraction of them written. Failed calls are always written.
  std::optional<telemetry::LogLevel> access_log_level = telemetry::LogLevel::kInfo;
  double access_log_sample_rate = 1.0;
};

class EvaluationServiceHandler final : public fpgw::v1::EvaluationService::CallbackService {
 public:
  // One per listener: `auth` recognises the callers of its calls.
  EvaluationServiceHandler(const ServiceState* state, const auth::ListenerAuth* auth)
      : state_(state), auth_(auth) {}

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context,
                                     const fpgw::v1::EvaluateRequest* request,
                                     fpgw::v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* UnsealResult(grpc::CallbackServerContext* context,
                                         const fpgw::v1::UnsealResultRequest* request,
                                         fpgw::v1::UnsealResultResponse* response) override;
  grpc::ServerUnaryReactor* EvaluateHttpRequest(
      grpc::CallbackServerContext* context, const fpgw::v1::EvaluateHttpRequestRequest* request,
      fpgw::v1::EvaluateHttpRequestResponse* response) override;
  grpc::ServerUnaryReactor* ListDeviceEvaluations(
      grpc::CallbackServerContext* context, const fpgw::v1::ListDeviceEvaluationsRequest* request,
      fpgw::v1::ListDeviceEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* SearchEvaluations(
      grpc::CallbackServerContext* context, const fpgw::v1::SearchEvaluationsRequest* request,
      fpgw::v1::SearchEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* ListRelatedDevices(
      grpc::CallbackServerContext* context, const fpgw::v1::ListRelatedDevicesRequest* request,
      fpgw::v1::ListRelatedDevicesResponse* response) override;

 private:
  const ServiceState* state_;
  const auth::ListenerAuth* auth_;
};

class AdminServiceHandler final : public fpgw::v1::AdminService::CallbackService {
 public:
  // One per listener: `auth` recognises the callers of its calls.
  AdminServiceHandler(const ServiceState* state, const auth::ListenerAuth* auth)
      : state_(state), auth_(auth) {}

  grpc::ServerUnaryReactor* SetRule(grpc::CallbackServerContext* context,
                                    const fpgw::v1::SetRuleRequest* request,
                                    fpgw::v1::SetRuleResponse* response) override;
  grpc::ServerUnaryReactor* ListRules(grpc::CallbackServerContext* context,
                                      const fpgw::v1::ListRulesRequest* request,
                                      fpgw::v1::ListRulesResponse* response) override;
  grpc::ServerUnaryReactor* SetVerdictReasonOverride(
      grpc::CallbackServerContext* context,
      const fpgw::v1::SetVerdictReasonOverrideRequest* request,
      fpgw::v1::SetVerdictReasonOverrideResponse* response) override;
  grpc::ServerUnaryReactor* ListVerdictReasons(
      grpc::CallbackServerContext* context, const fpgw::v1::ListVerdictReasonsRequest* request,
      fpgw::v1::ListVerdictReasonsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEvent(grpc::CallbackServerContext* context,
                                        const fpgw::v1::UpdateEventRequest* request,
                                        fpgw::v1::UpdateEventResponse* response) override;
  grpc::ServerUnaryReactor* DeleteDeviceData(grpc::CallbackServerContext* context,
                                             const fpgw::v1::DeleteDeviceDataRequest* request,
                                             fpgw::v1::DeleteDeviceDataResponse* response) override;

 private:
  const ServiceState* state_;
  const auth::ListenerAuth* auth_;
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_SERVICES_H_
