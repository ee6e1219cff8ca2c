// RPC handlers.
#include "server/services.h"

#include <memory>

#include "absl/time/time.h"
#include "common/error.h"
#include "server/grpc_status.h"
#include "server/request_checks.h"

namespace fpgw::server {
namespace {

// A unary call in flight: owns the link between gRPC cancellation and the vendor request, and
// deletes itself when gRPC is done with it.
class UnaryCall final : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryCall(grpc::CallbackServerContext* context) {
    const auto deadline = context->deadline();
    if (deadline != std::chrono::system_clock::time_point::max()) {
      call_.deadline = absl::FromChrono(deadline);
    }
  }

  vendors::CallContext& call() { return call_; }
  void Complete(const absl::Status& status) { Finish(ToGrpcStatus(status)); }

  void OnCancel() override { call_.cancellation->Cancel(); }
  void OnDone() override { delete this; }

 private:
  vendors::CallContext call_;
};

bool WantsRaw(fpgw::v1::EvaluationView view) { return view == fpgw::v1::EVALUATION_VIEW_FULL; }

absl::Status CheckPageSize(int page_size) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  return absl::OkStatus();
}

// Starts a call: checks the request, then resolves the integration. Returns false when the call
// is already finished with an error.
bool Begin(ServiceState* state, grpc::CallbackServerContext* context, UnaryCall* call,
           const std::string& integration, IntegrationHandle* handle,
           const absl::Status& request_check) {
  absl::Status status = request_check;
  if (status.ok()) {
    absl::StatusOr<IntegrationHandle> resolved = state->tenants->Resolve(*context, integration);
    if (resolved.ok()) {
      *handle = *resolved;
      return true;
    }
    status = resolved.status();
  }
  call->Complete(status);
  return false;
}

void SetDeviceId(fpgw::v1::ListDeviceEvaluationsResponse* response, const std::string& id) {
  response->set_device_id(id);
}
void SetDeviceId(fpgw::v1::SearchEvaluationsResponse*, const std::string&) {}

void SetTotalSize(fpgw::v1::ListDeviceEvaluationsResponse*, std::optional<int64_t>) {}
void SetTotalSize(fpgw::v1::SearchEvaluationsResponse* response, std::optional<int64_t> total) {
  if (total.has_value()) response->set_total_size(*total);
}

// A paginated RPC (AIP-158): opens the caller's page token into the vendor cursor, asks the
// adapter for one page through `fetch`, and issues the next page token bound to this request.
template <typename Request, typename Response, typename Fetch>
grpc::ServerUnaryReactor* RunPaged(ServiceState* state, grpc::CallbackServerContext* context,
                                   const char* method, const Request* request, Response* response,
                                   const absl::Status& request_check, Fetch fetch) {
  IntegrationHandle handle;
  auto* call = new UnaryCall(context);
  if (!Begin(state, context, call, request->integration(), &handle, request_check)) return call;
  std::string cursor;
  if (!request->page_token().empty()) {
    absl::StatusOr<std::string> opened =
        state->page_tokens->Open(request->page_token(), handle.tenant, method, *request);
    if (!opened.ok()) {
      call->Complete(opened.status());
      return call;
    }
    cursor = *std::move(opened);
  }
  call->call().include_raw = WantsRaw(request->view());
  const PageTokenCodec* tokens = state->page_tokens;
  fetch(handle.adapter, cursor, call->call(),
        [call, method, request, response, tokens, cursor,
         tenant = handle.tenant](absl::StatusOr<vendors::EvaluationPage> page) mutable {
          absl::Status status = page.status();
          // A vendor that hands back the cursor it was given would have callers page forever.
          if (page.ok() && page->next_cursor == cursor) page->next_cursor.clear();
          if (page.ok()) {
            for (auto& evaluation : page->evaluations)
              *response->add_evaluations() = std::move(evaluation);
            SetDeviceId(response, page->device_id);
            SetTotalSize(response, page->total_size);
            if (!page->next_cursor.empty()) {
              absl::StatusOr<std::string> token =
                  tokens->Issue(tenant, method, *request, page->next_cursor);
              if (token.ok()) response->set_next_page_token(*std::move(token));
              status = token.status();
            }
          }
          call->Complete(status);
        });
  return call;
}

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const absl::Status& status) {
  auto* call = new UnaryCall(context);
  call->Complete(status);
  return call;
}

// A unary RPC served by the integration's adapter: `start(handle, call)` must eventually call
// call->Complete() exactly once.
template <typename Start>
grpc::ServerUnaryReactor* RunUnary(ServiceState* state, grpc::CallbackServerContext* context,
                                   const std::string& integration,
                                   const absl::Status& request_check, Start start) {
  IntegrationHandle handle;
  auto* call = new UnaryCall(context);
  if (Begin(state, context, call, integration, &handle, request_check)) start(handle, call);
  return call;
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationServiceHandler::Evaluate(
    grpc::CallbackServerContext* context, const fpgw::v1::EvaluateRequest* request,
    fpgw::v1::EvaluateResponse* response) {
  IntegrationHandle handle;
  auto* call = new UnaryCall(context);
  absl::Status check = CheckToken("token", request->token());
  if (check.ok()) check = CheckTextFields("fingerprint", request->fingerprint());
  if (check.ok()) check = CheckTextFields("stytch", request->stytch());
  if (!Begin(state_, context, call, request->integration(), &handle, check)) {
    return call;
  }
  call->call().include_raw = WantsRaw(request->view());
  handle.adapter->Evaluate(*request, call->call(),
                           [call, response](absl::StatusOr<fpgw::v1::Evaluation> evaluation) {
                             if (evaluation.ok())
                               *response->mutable_evaluation() = std::move(*evaluation);
                             call->Complete(evaluation.status());
                           });
  return call;
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::UnsealResult(
    grpc::CallbackServerContext* context, const fpgw::v1::UnsealResultRequest*,
    fpgw::v1::UnsealResultResponse*) {
  return FinishNow(
      context, Unimplemented("UnsealResult", "sealed client results arrive with a later release"));
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::ListDeviceEvaluations(
    grpc::CallbackServerContext* context, const fpgw::v1::ListDeviceEvaluationsRequest* request,
    fpgw::v1::ListDeviceEvaluationsResponse* response) {
  absl::Status check = CheckToken("device", request->device());
  if (check.ok()) check = CheckPageSize(request->page_size());
  return RunPaged(
      state_, context, "ListDeviceEvaluations", request, response, check,
      [request](vendors::VendorAdapter* adapter, const std::string& cursor,
                const vendors::CallContext& call, vendors::Done<vendors::EvaluationPage> done) {
        adapter->ListDevice(request->device(), request->page_size(), cursor, call, std::move(done));
      });
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::SearchEvaluations(
    grpc::CallbackServerContext* context, const fpgw::v1::SearchEvaluationsRequest* request,
    fpgw::v1::SearchEvaluationsResponse* response) {
  absl::Status check = CheckPageSize(request->page_size());
  if (check.ok() && !request->filter().visitor_id().empty()) {
    check = CheckToken("filter.visitor_id", request->filter().visitor_id());
  }
  if (check.ok()) check = CheckTextFields("filter", request->filter());
  if (check.ok() && (request->filter().total_hits() < 0 || request->filter().total_hits() > 1000)) {
    check = InvalidField("filter.total_hits", "must be between 0 and 1000");
  }
  return RunPaged(
      state_, context, "SearchEvaluations", request, response, check,
      [request](vendors::VendorAdapter* adapter, const std::string& cursor,
                const vendors::CallContext& call, vendors::Done<vendors::EvaluationPage> done) {
        adapter->Search(request->filter(), request->page_size(), cursor, call, std::move(done));
      });
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::ListRelatedDevices(
    grpc::CallbackServerContext* context, const fpgw::v1::ListRelatedDevicesRequest* request,
    fpgw::v1::ListRelatedDevicesResponse* response) {
  return RunUnary(state_, context, request->integration(),
                  CheckToken("device_id", request->device_id()),
                  [request, response](const IntegrationHandle& handle, UnaryCall* call) {
                    handle.adapter->ListRelatedDevices(
                        request->device_id(), call->call(),
                        [call, response](absl::StatusOr<std::vector<std::string>> ids) {
                          if (ids.ok()) {
                            for (auto& id : *ids) response->add_device_ids(std::move(id));
                          }
                          call->Complete(ids.status());
                        });
                  });
}

grpc::ServerUnaryReactor* AdminServiceHandler::SetRule(grpc::CallbackServerContext* context,
                                                       const fpgw::v1::SetRuleRequest* request,
                                                       fpgw::v1::SetRuleResponse* response) {
  absl::Status check = absl::OkStatus();
  if (request->rule().identifier_type() == fpgw::v1::RULE_IDENTIFIER_TYPE_UNSPECIFIED) {
    check = InvalidField("rule.identifier_type", "required");
  } else if (request->rule().identifier().empty() || request->rule().identifier().size() > 256) {
    check = InvalidField("rule.identifier", "required, at most 256 characters");
  } else if (request->expires_in_minutes() < 0) {
    check = InvalidField("expires_in_minutes", "must not be negative");
  }
  return RunUnary(state_, context, request->integration(), check,
                  [request, response](const IntegrationHandle& handle, UnaryCall* call) {
                    handle.adapter->SetRule(*request, call->call(),
                                            [call, response](absl::StatusOr<fpgw::v1::Rule> rule) {
                                              if (rule.ok())
                                                *response->mutable_rule() = std::move(*rule);
                                              call->Complete(rule.status());
                                            });
                  });
}

grpc::ServerUnaryReactor* AdminServiceHandler::ListRules(grpc::CallbackServerContext* context,
                                                         const fpgw::v1::ListRulesRequest* request,
                                                         fpgw::v1::ListRulesResponse* response) {
  ServiceState* state = state_;
  return RunUnary(
      state_, context, request->integration(), CheckPageSize(request->page_size()),
      [state, request, response](const IntegrationHandle& handle, UnaryCall* call) {
        std::string cursor;
        const std::string tenant = handle.tenant;
        if (!request->page_token().empty()) {
          absl::StatusOr<std::string> opened =
              state->page_tokens->Open(request->page_token(), tenant, "ListRules", *request);
          if (!opened.ok()) {
            call->Complete(opened.status());
            return;
          }
          cursor = *std::move(opened);
        }
        const PageTokenCodec* tokens = state->page_tokens;
        handle.adapter->ListRules(
            request->page_size(), cursor, call->call(),
            [call, request, response, tokens, tenant](absl::StatusOr<vendors::RulePage> page) {
              absl::Status status = page.status();
              if (page.ok()) {
                for (auto& rule : page->rules) *response->add_rules() = std::move(rule);
                if (!page->next_cursor.empty()) {
                  absl::StatusOr<std::string> token =
                      tokens->Issue(tenant, "ListRules", *request, page->next_cursor);
                  if (token.ok()) response->set_next_page_token(*std::move(token));
                  status = token.status();
                }
              }
              call->Complete(status);
            });
      });
}

grpc::ServerUnaryReactor* AdminServiceHandler::SetVerdictReasonOverride(
    grpc::CallbackServerContext* context, const fpgw::v1::SetVerdictReasonOverrideRequest* request,
    fpgw::v1::SetVerdictReasonOverrideResponse* response) {
  absl::Status check = absl::OkStatus();
  if (request->verdict_reason().empty() || request->verdict_reason().size() > 128) {
    check = InvalidField("verdict_reason", "required, at most 128 characters");
  } else if (request->verdict_reason() == "RULE_MATCH") {
    check = InvalidField("verdict_reason", "RULE_MATCH cannot be overridden");
  }
  return RunUnary(state_, context, request->integration(), check,
                  [request, response](const IntegrationHandle& handle, UnaryCall* call) {
                    handle.adapter->SetVerdictReasonOverride(
                        *request, call->call(),
                        [call, response](absl::StatusOr<fpgw::v1::VerdictReason> reason) {
                          if (reason.ok()) *response->mutable_verdict_reason() = std::move(*reason);
                          call->Complete(reason.status());
                        });
                  });
}

grpc::ServerUnaryReactor* AdminServiceHandler::ListVerdictReasons(
    grpc::CallbackServerContext* context, const fpgw::v1::ListVerdictReasonsRequest* request,
    fpgw::v1::ListVerdictReasonsResponse* response) {
  return RunUnary(
      state_, context, request->integration(), absl::OkStatus(),
      [request, response](const IntegrationHandle& handle, UnaryCall* call) {
        handle.adapter->ListVerdictReasons(
            request->overrides_only(), call->call(),
            [call, response](absl::StatusOr<std::vector<fpgw::v1::VerdictReason>> reasons) {
              if (reasons.ok()) {
                for (auto& r : *reasons) *response->add_verdict_reasons() = std::move(r);
              }
              call->Complete(reasons.status());
            });
      });
}

grpc::ServerUnaryReactor* AdminServiceHandler::UpdateEvent(
    grpc::CallbackServerContext* context, const fpgw::v1::UpdateEventRequest* request,
    fpgw::v1::UpdateEventResponse*) {
  absl::Status check = CheckToken("event_id", request->event_id());
  if (check.ok() && request->has_linked_id()) check = CheckText("linked_id", request->linked_id());
  if (check.ok() && request->has_tags()) check = CheckFiniteNumbers("tags", request->tags());
  return RunUnary(state_, context, request->integration(), check,
                  [request](const IntegrationHandle& handle, UnaryCall* call) {
                    handle.adapter->UpdateEvent(
                        *request, call->call(),
                        [call](absl::Status status) { call->Complete(status); });
                  });
}

grpc::ServerUnaryReactor* AdminServiceHandler::DeleteDeviceData(
    grpc::CallbackServerContext* context, const fpgw::v1::DeleteDeviceDataRequest* request,
    fpgw::v1::DeleteDeviceDataResponse*) {
  return RunUnary(
      state_, context, request->integration(), CheckToken("device_id", request->device_id()),
      [request](const IntegrationHandle& handle, UnaryCall* call) {
        handle.adapter->DeleteDevice(request->device_id(), call->call(),
                                     [call](absl::Status status) { call->Complete(status); });
      });
}

}  // namespace fpgw::server
