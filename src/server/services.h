// The gRPC services on the callback API: EvaluationService (hot path) and AdminService. Each RPC
// validates its request, resolves the caller's tenant and integration, and hands the work to the
// integration's backends; no thread waits while the vendor answers (DESIGN §1.4). A cancelled call
// cancels its vendor request.
#ifndef FPGW_SERVER_SERVICES_H_
#define FPGW_SERVER_SERVICES_H_

#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "server/page_token.h"
#include "server/tenants.h"

namespace fpgw::server {

// Shared state of the services.
struct ServiceState {
  const Tenants* tenants = nullptr;
  const PageTokenCodec* page_tokens = nullptr;
};

class EvaluationServiceHandler final : public fpgw::v1::EvaluationService::CallbackService {
 public:
  explicit EvaluationServiceHandler(ServiceState* state) : state_(state) {}

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context,
                                     const fpgw::v1::EvaluateRequest* request,
                                     fpgw::v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* UnsealResult(grpc::CallbackServerContext* context,
                                         const fpgw::v1::UnsealResultRequest* request,
                                         fpgw::v1::UnsealResultResponse* response) override;
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
  ServiceState* state_;
};

class AdminServiceHandler final : public fpgw::v1::AdminService::CallbackService {
 public:
  explicit AdminServiceHandler(ServiceState* state) : state_(state) {}

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
  ServiceState* state_;
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_SERVICES_H_
