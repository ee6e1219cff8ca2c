// Calls fpgw from C++: evaluates a token with a deadline, reads the normalised fields, pages
// through a device's history, and reads google.rpc.ErrorInfo / RetryInfo from failed calls.
//
//   build/fpgw_example [ADDRESS]
//
// ADDRESS defaults to $FPGW_ADDRESS, then 127.0.0.1:50051. The channel uses the retry policy and
// per-method timeouts of $FPGW_SERVICE_CONFIG (default: clients/service_config.json of this
// checkout, set at build time).
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace {

using fpgw::v1::EvaluationService;

const char* Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::shared_ptr<grpc::Channel> OpenChannel(const std::string& address) {
  std::ifstream in(Env("FPGW_SERVICE_CONFIG", FPGW_DEFAULT_SERVICE_CONFIG));
  if (!in) throw std::runtime_error("cannot read the service config");
  std::stringstream service_config;
  service_config << in.rdbuf();
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(service_config.str());  // retries and per-method timeouts
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// The canonical name of a status code, as in the gRPC spec: NOT_FOUND, RESOURCE_EXHAUSTED...
const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  return index >= 0 && index < 17 ? kNames[index] : "UNKNOWN";
}

void Evaluate(EvaluationService::Stub& stub, const std::string& token) {
  fpgw::v1::EvaluateRequest request;
  request.set_token(token);
  request.mutable_fingerprint()->set_ruleset_id("rs_demo");
  fpgw::v1::EvaluateResponse response;
  grpc::ClientContext context;
  // The deadline covers fpgw's vendor call too: fpgw derives the vendor timeout from it.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  const grpc::Status status = stub.Evaluate(&context, request, &response);
  if (!status.ok()) throw std::runtime_error("evaluate: " + status.error_message());

  const fpgw::v1::Evaluation& ev = response.evaluation();
  std::cout << "evaluate.vendor: " << fpgw::v1::Vendor_Name(ev.source().vendor()) << "\n"
            << "evaluate.api_version: " << ev.source().api_version() << "\n"
            << "evaluate.integration: " << ev.source().integration() << "\n"
            << "evaluate.device_id: " << ev.identity().device_id() << "\n"
            << "evaluate.event_id: " << ev.identity().event_id() << "\n";
  // `confidence` is optional: unset means the vendor gave none, which is not 0.
  if (ev.identity().has_confidence())
    std::printf("evaluate.confidence: %.2f\n", ev.identity().confidence());
  std::cout << "evaluate.returning_visitor: "
            << fpgw::v1::Tristate_Name(ev.identity().returning_visitor()) << "\n"
            << "evaluate.action: " << fpgw::v1::Action_Name(ev.verdict().action()) << "\n"
            << "evaluate.bot: " << fpgw::v1::BotResult_Name(ev.signals().bot().result()) << "\n"
            << "evaluate.vpn: " << fpgw::v1::Tristate_Name(ev.signals().vpn().signal().detected())
            << "\n"
            << "evaluate.country_code: " << ev.network().geolocation().country_code() << "\n"
            << "evaluate.browser: " << ev.client().browser_name() << " "
            << ev.client().browser_major_version() << "\n";
}

void History(EvaluationService::Stub& stub, const std::string& device) {
  fpgw::v1::ListDeviceEvaluationsRequest request;
  request.set_device(device);
  request.set_page_size(10);
  fpgw::v1::ListDeviceEvaluationsResponse response;
  int pages = 0;
  int total = 0;
  for (;;) {
    grpc::ClientContext context;  // one per call; the service config's timeout applies
    const grpc::Status status = stub.ListDeviceEvaluations(&context, request, &response);
    if (!status.ok()) throw std::runtime_error("history: " + status.error_message());
    ++pages;
    total += response.evaluations_size();
    const std::string newest =
        response.evaluations_size() > 0 ? response.evaluations(0).identity().event_id() : "-";
    std::cout << "history.page: " << pages << " " << response.evaluations_size() << " " << newest
              << "\n";
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());  // same request fields, next page
  }
  std::cout << "history.device_id: " << response.device_id() << "\n"
            << "history.pages: " << pages << "\n"
            << "history.evaluations: " << total << "\n";
}

// Reads the canonical code and the google.rpc details fpgw puts in the trailers.
void DescribeError(const std::string& label, const grpc::Status& status) {
  std::cout << label << ".code: " << CodeName(status.error_code()) << "\n"
            << label << ".message: " << status.error_message() << "\n";
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) return;
  for (const google::protobuf::Any& detail : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::RetryInfo retry;
    if (detail.UnpackTo(&info)) {
      const auto vendor_code = info.metadata().find("vendor_code");
      std::cout << label << ".reason: " << info.reason() << "\n"
                << label << ".domain: " << info.domain() << "\n"
                << label << ".vendor_code: "
                << (vendor_code != info.metadata().end() ? vendor_code->second : "") << "\n";
    } else if (detail.UnpackTo(&retry)) {
      // Wait at least this long before trying again (the channel already retried briefly).
      std::cout << label << ".retry_delay_ms: "
                << google::protobuf::util::TimeUtil::DurationToMilliseconds(retry.retry_delay())
                << "\n";
    }
  }
}

void ExpectError(EvaluationService::Stub& stub, const std::string& label,
                 const std::string& token) {
  fpgw::v1::EvaluateRequest request;
  request.set_token(token);
  fpgw::v1::EvaluateResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub.Evaluate(&context, request, &response);
  if (status.ok()) throw std::runtime_error(label + ": expected an error for token " + token);
  DescribeError(label, status);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string address = argc > 1 ? argv[1] : Env("FPGW_ADDRESS", "127.0.0.1:50051");
  try {
    const auto stub = EvaluationService::NewStub(OpenChannel(address));
    Evaluate(*stub, "1760000000123.demo01");
    History(*stub, "visitorXyz0000000001");
    ExpectError(*stub, "not_found", "sandbox-not-found");
    ExpectError(*stub, "rate_limited", "sandbox-rate-limited");
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
