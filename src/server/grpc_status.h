// absl::Status (with fpgw's ErrorInfo/RetryInfo payloads) → grpc::Status whose binary details
// carry a google.rpc.Status with those details, as gRPC clients in every language read them.
#ifndef FPGW_SERVER_GRPC_STATUS_H_
#define FPGW_SERVER_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace fpgw::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace fpgw::server

#endif  // FPGW_SERVER_GRPC_STATUS_H_
