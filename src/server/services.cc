// RPC handlers.
#include "server/services.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "auth/callers.h"
#include "common/error.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "server/grpc_status.h"
#include "server/request_checks.h"

namespace fpgw::server {
namespace {

// What an RPC is: its service and method, and for the audit log what it acts on.
struct Rpc {
  auth::Service service = auth::Service::kEvaluation;
  const char* method = "";
  std::vector<std::pair<std::string, std::string>> target;
};

// What a gRPC client's retry policy should do after `status` (gRFC A6 grpc-retry-pushback-ms):
// after fpgw's own refusals (overload, an open circuit), wait the RetryInfo delay; after a vendor
// failure that fpgw already retried, not retry at all; otherwise, what its policy says (nullopt).
std::optional<std::string> RetryPushback(const absl::Status& status, bool vendor_retries) {
  if (status.ok()) return std::nullopt;
  switch (ReasonOf(status)) {
    case fpgw::v1::ERROR_REASON_OVERLOADED:
    case fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN:
      if (const std::optional<absl::Duration> delay = RetryDelayOf(status)) {
        return absl::StrCat(absl::ToInt64Milliseconds(absl::Ceil(*delay, absl::Milliseconds(1))));
      }
      return std::nullopt;
    case fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED:
    case fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE:
    case fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT:
      if (vendor_retries) return "-1";
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

absl::string_view FullServiceName(auth::Service service) {
  return service == auth::Service::kAdmin ? fpgw::v1::AdminService::service_full_name()
                                          : fpgw::v1::EvaluationService::service_full_name();
}

// Every value of metadata `key`, joined with ','.
std::string MetadataValue(const grpc::CallbackServerContext& context, absl::string_view key) {
  std::string joined;
  const auto range =
      context.client_metadata().equal_range(grpc::string_ref(key.data(), key.size()));
  for (auto it = range.first; it != range.second; ++it) {
    if (!joined.empty()) joined.push_back(',');
    joined.append(it->second.data(), it->second.size());
  }
  return joined;
}

// Whether a failure is fpgw's or a vendor's rather than the caller's: its access log line is a
// warning.
bool IsServerFailure(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
}

bool Sampled(double rate) {
  if (rate >= 1.0) return true;
  if (rate <= 0.0) return false;
  thread_local absl::BitGen random;
  return absl::Bernoulli(random, rate);
}

// A unary call in flight: owns the link between gRPC cancellation and the vendor request, writes
// the audit record of an AdminService call and the access log line of every call when it
// finishes, and deletes itself when gRPC is done with it.
class UnaryCall final : public grpc::ServerUnaryReactor {
 public:
  UnaryCall(grpc::CallbackServerContext* context, const ServiceState* state,
            const auth::ListenerAuth* auth, Rpc rpc)
      : context_(context), state_(state), auth_(auth), rpc_(std::move(rpc)), start_(absl::Now()) {
    const auto deadline = context->deadline();
    if (deadline != std::chrono::system_clock::time_point::max()) {
      call_.deadline = absl::FromChrono(deadline);
    }
    if (rpc_.service == auth::Service::kAdmin && state_->audit != nullptr) {
      audit_.peer = context->peer();
    }
    call_.trace = std::make_shared<vendors::CallTrace>();
    call_.trace->trace = telemetry::TraceContext::FromCaller(MetadataValue(*context, "traceparent"),
                                                             MetadataValue(*context, "tracestate"));
    if (state_->metrics != nullptr) {
      state_->metrics->RpcStarted(FullServiceName(rpc_.service), rpc_.method);
    }
  }

  vendors::CallContext& call() { return call_; }
  const ServiceState& state() const { return *state_; }
  const auth::ListenerAuth& auth() const { return *auth_; }
  const Rpc& rpc() const { return rpc_; }

  // What the audit record says once they are known.
  void SetPrincipal(const auth::Principal& principal) {
    audit_.caller = principal.caller->name;
    audit_.tenant = principal.tenant;
  }
  void SetCaller(const auth::Caller& caller) {
    audit_.caller = caller.name;
    audit_.tenant = caller.tenant;  // A proxy's tenant is known once the call is authorised.
  }
  void SetIntegration(const IntegrationHandle& handle) {
    audit_.integration = handle.config->name();
    vendor_ = handle.vendor;
  }

  void Complete(const absl::Status& status) {
    const absl::Duration latency = absl::Now() - start_;
    if (state_->metrics != nullptr) {
      state_->metrics->RpcHandled(FullServiceName(rpc_.service), rpc_.method, status.code(),
                                  latency);
    }
    WriteAccessLog(status, latency);
    if (rpc_.service == auth::Service::kAdmin && state_->audit != nullptr) {
      audit_.time = start_;
      audit_.service = std::string(auth::ServiceName(rpc_.service));
      audit_.action = rpc_.method;
      audit_.target = rpc_.target;
      audit_.code = absl::StatusCodeToString(status.code());
      audit_.reason = status.ok() ? "" : ReasonName(ReasonOf(status));
      audit_.duration = absl::Now() - start_;
      audit_.listener = auth_->address();
      state_->audit->Write(audit_);
    }
    if (std::optional<std::string> pushback = RetryPushback(status, state_->vendor_retries)) {
      context_->AddTrailingMetadata("grpc-retry-pushback-ms", *std::move(pushback));
    }
    Finish(ToGrpcStatus(status));
  }

  // Asks the overload guard to admit the call; false (the call finished) when it refuses.
  bool Admit() {
    if (state_->overload == nullptr) return true;
    absl::Status admitted = state_->overload->Admit();
    if (!admitted.ok()) {
      Complete(admitted);
      return false;
    }
    admitted_ = true;
    return true;
  }

  void OnCancel() override { call_.cancellation->Cancel(); }

  // One line per call (telemetry/log.h): every failure; successes at the configured level and
  // sampling rate.
  void WriteAccessLog(const absl::Status& status, absl::Duration latency) {
    telemetry::LogLevel level = telemetry::LogLevel::kInfo;
    if (status.ok()) {
      if (!state_->access_log_level.has_value() ||
          !telemetry::LogEnabled(*state_->access_log_level) ||
          !Sampled(state_->access_log_sample_rate)) {
        return;
      }
      level = *state_->access_log_level;
    } else if (IsServerFailure(status.code())) {
      level = telemetry::LogLevel::kWarning;
    }
    const telemetry::TraceContext& trace = call_.trace->trace;
    telemetry::LogUnfiltered(
        level, "rpc",
        {{"trace_id", trace.trace_id},
         {"span_id", trace.span_id},
         {"method", absl::StrCat("/", FullServiceName(rpc_.service), "/", rpc_.method)},
         {"caller", audit_.caller},
         {"tenant", audit_.tenant},
         {"integration", audit_.integration},
         {"vendor", vendor_},
         {"code", absl::StatusCodeToString(status.code())},
         {"reason", status.ok() ? "" : ReasonName(ReasonOf(status))},
         {"latency_ms", absl::ToDoubleMilliseconds(latency)},
         {"vendor_requests",
          int64_t{call_.trace->vendor_requests.load(std::memory_order_relaxed)}}});
  }
  void OnDone() override {
    if (admitted_) state_->overload->Release();
    delete this;
  }

 private:
  grpc::CallbackServerContext* const context_;
  vendors::CallContext call_;
  const ServiceState* state_;
  const auth::ListenerAuth* auth_;
  const Rpc rpc_;
  const absl::Time start_;
  bool admitted_ = false;
  telemetry::AuditRecord audit_;
  std::string vendor_;
};

bool WantsRaw(fpgw::v1::EvaluationView view) { return view == fpgw::v1::EVALUATION_VIEW_FULL; }

absl::Status CheckPageSize(int page_size) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  return absl::OkStatus();
}

// Who is calling, for which tenant, through which integration: recognises the caller, authorises
// the service and the tenant, then (and only then) checks the request, and resolves and authorises
// the integration. Returns the handle, or the error the call must finish with.
absl::StatusOr<IntegrationHandle> Authorize(grpc::CallbackServerContext* context, UnaryCall* call,
                                            const std::string& integration,
                                            const absl::Status& request_check) {
  const auth::ListenerAuth& auth = call->auth();
  absl::StatusOr<const auth::Caller*> caller = auth.Recognise(*context);
  if (!caller.ok()) return caller.status();
  call->SetCaller(**caller);
  absl::StatusOr<auth::Principal> principal =
      auth.callers().Authorize(**caller, call->rpc().service, auth.TenantValues(*context));
  if (!principal.ok()) return principal.status();
  call->SetPrincipal(*principal);
  if (!request_check.ok()) return request_check;
  absl::StatusOr<IntegrationHandle> handle = call->state().tenants->Resolve(
      principal->tenant, auth::Callers::IntegrationFor(**caller, integration));
  if (!handle.ok()) return handle.status();
  call->SetIntegration(*handle);
  absl::Status allowed = auth::Callers::AuthorizeIntegration(**caller, handle->config->name());
  if (!allowed.ok()) return allowed;
  return handle;
}

// Starts a call. Returns false when the call is already finished with an error.
bool Begin(grpc::CallbackServerContext* context, UnaryCall* call, const std::string& integration,
           IntegrationHandle* handle, const absl::Status& request_check) {
  if (!call->Admit()) return false;
  absl::StatusOr<IntegrationHandle> resolved = Authorize(context, call, integration, request_check);
  if (!resolved.ok()) {
    call->Complete(resolved.status());
    return false;
  }
  *handle = *std::move(resolved);
  return true;
}

// Moves one page into its RPC response.
// The page's own drift, so that a listing cut short by a malformed page says so.
template <typename Response>
void FillPageDrift(std::vector<fpgw::v1::FieldDrift>& drift, Response* response) {
  for (auto& d : drift) *response->add_drift() = std::move(d);
  response->set_partial(response->drift_size() > 0);
}
void Fill(vendors::EvaluationPage page, fpgw::v1::ListDeviceEvaluationsResponse* response) {
  for (auto& evaluation : page.evaluations) *response->add_evaluations() = std::move(evaluation);
  response->set_device_id(std::move(page.device_id));
  FillPageDrift(page.drift, response);
}
void Fill(vendors::EvaluationPage page, fpgw::v1::SearchEvaluationsResponse* response) {
  for (auto& evaluation : page.evaluations) *response->add_evaluations() = std::move(evaluation);
  if (page.total_size.has_value()) response->set_total_size(*page.total_size);
  FillPageDrift(page.drift, response);
}
void Fill(vendors::RulePage page, fpgw::v1::ListRulesResponse* response) {
  for (auto& rule : page.rules) *response->add_rules() = std::move(rule);
}

bool IncludeRaw(const fpgw::v1::ListDeviceEvaluationsRequest& request) {
  return WantsRaw(request.view());
}
bool IncludeRaw(const fpgw::v1::SearchEvaluationsRequest& request) {
  return WantsRaw(request.view());
}
bool IncludeRaw(const fpgw::v1::ListRulesRequest&) { return false; }

// A paginated RPC (AIP-158): opens the caller's page token into the vendor cursor, asks the
// backend for one page through `fetch(handle, cursor, call, done)`, and issues the next page token
// bound to this tenant and request. A vendor that hands back the cursor it was given ends the
// listing (callers would otherwise page forever).
template <typename Page, typename Request, typename Response, typename Fetch>
grpc::ServerUnaryReactor* RunPaged(const ServiceState* state, const auth::ListenerAuth* auth,
                                   grpc::CallbackServerContext* context, Rpc rpc,
                                   const Request* request, Response* response,
                                   const absl::Status& request_check, Fetch fetch) {
  IntegrationHandle handle;
  const char* method = rpc.method;
  auto* call = new UnaryCall(context, state, auth, std::move(rpc));
  if (!Begin(context, call, request->integration(), &handle, request_check)) return call;
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
  call->call().include_raw = IncludeRaw(*request);
  const PageTokenCodec* tokens = state->page_tokens;
  fetch(handle, cursor, call->call(),
        [call, method, request, response, tokens, cursor,
         tenant = handle.tenant](absl::StatusOr<Page> page) mutable {
          if (!page.ok()) {
            call->Complete(page.status());
            return;
          }
          std::string next = std::move(page->next_cursor);
          if (next == cursor) next.clear();
          Fill(*std::move(page), response);
          absl::Status status = absl::OkStatus();
          if (!next.empty()) {
            absl::StatusOr<std::string> token = tokens->Issue(tenant, method, *request, next);
            if (token.ok()) response->set_next_page_token(*std::move(token));
            status = token.status();
          }
          call->Complete(status);
        });
  return call;
}

// A unary RPC served by the integration's backends: `start(handle, call)` must eventually call
// call->Complete() exactly once.
template <typename Start>
grpc::ServerUnaryReactor* RunUnary(const ServiceState* state, const auth::ListenerAuth* auth,
                                   grpc::CallbackServerContext* context, Rpc rpc,
                                   const std::string& integration,
                                   const absl::Status& request_check, Start start) {
  IntegrationHandle handle;
  auto* call = new UnaryCall(context, state, auth, std::move(rpc));
  if (Begin(context, call, integration, &handle, request_check)) start(handle, call);
  return call;
}

Rpc Evaluation(const char* method) { return Rpc{auth::Service::kEvaluation, method, {}}; }

// An EvaluationService RPC that answers one Evaluation: the request's view decides the raw
// payload, `method` of the integration's evaluation backend produces it.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* RunEvaluation(
    const ServiceState* state, const auth::ListenerAuth* auth, grpc::CallbackServerContext* context,
    const char* rpc, const Request* request, Response* response, const absl::Status& request_check,
    void (vendors::EvaluationBackend::*method)(const Request&, const vendors::CallContext&,
                                               vendors::Done<fpgw::v1::Evaluation>)) {
  return RunUnary(state, auth, context, Evaluation(rpc), request->integration(), request_check,
                  [request, response, method](const IntegrationHandle& handle, UnaryCall* call) {
                    call->call().include_raw = WantsRaw(request->view());
                    (handle.evaluation->*method)(
                        *request, call->call(),
                        [call, response](absl::StatusOr<fpgw::v1::Evaluation> evaluation) {
                          if (evaluation.ok()) {
                            *response->mutable_evaluation() = *std::move(evaluation);
                          }
                          call->Complete(evaluation.status());
                        });
                  });
}
Rpc Admin(const char* method, std::vector<std::pair<std::string, std::string>> target = {}) {
  return Rpc{auth::Service::kAdmin, method, std::move(target)};
}

// CheckTextFields on every vendor's options of a request (its message fields, named by field).
absl::Status CheckVendorOptions(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated() || !reflection->HasField(request, field)) {
      continue;
    }
    absl::Status status = CheckTextFields(field->name(), reflection->GetMessage(request, field));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* EvaluationServiceHandler::Evaluate(
    grpc::CallbackServerContext* context, const fpgw::v1::EvaluateRequest* request,
    fpgw::v1::EvaluateResponse* response) {
  absl::Status check = CheckToken("token", request->token());
  if (check.ok()) check = CheckVendorOptions(*request);
  return RunEvaluation(state_, auth_, context, "Evaluate", request, response, check,
                       &vendors::EvaluationBackend::Evaluate);
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::UnsealResult(
    grpc::CallbackServerContext* context, const fpgw::v1::UnsealResultRequest* request,
    fpgw::v1::UnsealResultResponse* response) {
  return RunEvaluation(state_, auth_, context, "UnsealResult", request, response,
                       CheckSealedResult(request->sealed_result()),
                       &vendors::EvaluationBackend::Unseal);
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::EvaluateHttpRequest(
    grpc::CallbackServerContext* context, const fpgw::v1::EvaluateHttpRequestRequest* request,
    fpgw::v1::EvaluateHttpRequestResponse* response) {
  return RunEvaluation(state_, auth_, context, "EvaluateHttpRequest", request, response,
                       CheckHttpRequest(*request),
                       &vendors::EvaluationBackend::EvaluateHttpRequest);
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::ListDeviceEvaluations(
    grpc::CallbackServerContext* context, const fpgw::v1::ListDeviceEvaluationsRequest* request,
    fpgw::v1::ListDeviceEvaluationsResponse* response) {
  absl::Status check = CheckToken("device", request->device());
  if (check.ok()) check = CheckPageSize(request->page_size());
  return RunPaged<vendors::EvaluationPage>(
      state_, auth_, context, Evaluation("ListDeviceEvaluations"), request, response, check,
      [request](const IntegrationHandle& handle, const std::string& cursor,
                const vendors::CallContext& call, vendors::Done<vendors::EvaluationPage> done) {
        handle.evaluation->ListDevice(request->device(), request->filter(), request->page_size(),
                                      cursor, call, std::move(done));
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
  return RunPaged<vendors::EvaluationPage>(
      state_, auth_, context, Evaluation("SearchEvaluations"), request, response, check,
      [request](const IntegrationHandle& handle, const std::string& cursor,
                const vendors::CallContext& call, vendors::Done<vendors::EvaluationPage> done) {
        handle.evaluation->Search(request->filter(), request->page_size(), cursor, call,
                                  std::move(done));
      });
}

grpc::ServerUnaryReactor* EvaluationServiceHandler::ListRelatedDevices(
    grpc::CallbackServerContext* context, const fpgw::v1::ListRelatedDevicesRequest* request,
    fpgw::v1::ListRelatedDevicesResponse* response) {
  return RunUnary(state_, auth_, context, Evaluation("ListRelatedDevices"), request->integration(),
                  CheckToken("device_id", request->device_id()),
                  [request, response](const IntegrationHandle& handle, UnaryCall* call) {
                    handle.evaluation->ListRelatedDevices(
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
  return RunUnary(state_, auth_, context,
                  Admin("SetRule", {{"identifier_type", fpgw::v1::RuleIdentifierType_Name(
                                                            request->rule().identifier_type())},
                                    {"identifier", request->rule().identifier()}}),
                  request->integration(), check,
                  [request, response](const IntegrationHandle& handle, UnaryCall* call) {
                    handle.admin->SetRule(*request, call->call(),
                                          [call, response](absl::StatusOr<fpgw::v1::Rule> rule) {
                                            if (rule.ok())
                                              *response->mutable_rule() = *std::move(rule);
                                            call->Complete(rule.status());
                                          });
                  });
}

grpc::ServerUnaryReactor* AdminServiceHandler::ListRules(grpc::CallbackServerContext* context,
                                                         const fpgw::v1::ListRulesRequest* request,
                                                         fpgw::v1::ListRulesResponse* response) {
  return RunPaged<vendors::RulePage>(
      state_, auth_, context, Admin("ListRules"), request, response,
      CheckPageSize(request->page_size()),
      [request](const IntegrationHandle& handle, const std::string& cursor,
                const vendors::CallContext& call, vendors::Done<vendors::RulePage> done) {
        handle.admin->ListRules(request->page_size(), cursor, call, std::move(done));
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
  return RunUnary(
      state_, auth_, context,
      Admin("SetVerdictReasonOverride", {{"verdict_reason", request->verdict_reason()}}),
      request->integration(), check,
      [request, response](const IntegrationHandle& handle, UnaryCall* call) {
        handle.admin->SetVerdictReasonOverride(
            *request, call->call(),
            [call, response](absl::StatusOr<fpgw::v1::VerdictReason> reason) {
              if (reason.ok()) *response->mutable_verdict_reason() = *std::move(reason);
              call->Complete(reason.status());
            });
      });
}

grpc::ServerUnaryReactor* AdminServiceHandler::ListVerdictReasons(
    grpc::CallbackServerContext* context, const fpgw::v1::ListVerdictReasonsRequest* request,
    fpgw::v1::ListVerdictReasonsResponse* response) {
  return RunUnary(
      state_, auth_, context, Admin("ListVerdictReasons"), request->integration(), absl::OkStatus(),
      [request, response](const IntegrationHandle& handle, UnaryCall* call) {
        handle.admin->ListVerdictReasons(
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
  return RunUnary(
      state_, auth_, context, Admin("UpdateEvent", {{"event_id", request->event_id()}}),
      request->integration(), check, [request](const IntegrationHandle& handle, UnaryCall* call) {
        handle.admin->UpdateEvent(*request, call->call(),
                                  [call](absl::Status status) { call->Complete(status); });
      });
}

grpc::ServerUnaryReactor* AdminServiceHandler::DeleteDeviceData(
    grpc::CallbackServerContext* context, const fpgw::v1::DeleteDeviceDataRequest* request,
    fpgw::v1::DeleteDeviceDataResponse*) {
  return RunUnary(
      state_, auth_, context, Admin("DeleteDeviceData", {{"device_id", request->device_id()}}),
      request->integration(), CheckToken("device_id", request->device_id()),
      [request](const IntegrationHandle& handle, UnaryCall* call) {
        handle.admin->DeleteDevice(request->device_id(), call->call(),
                                   [call](absl::Status status) { call->Complete(status); });
      });
}

}  // namespace fpgw::server
