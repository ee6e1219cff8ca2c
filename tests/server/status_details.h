// Reads fpgw's google.rpc error details (ErrorInfo, RetryInfo) out of a grpc::Status, the way a
// caller would, for the gateway tests.
#ifndef FPGW_TESTS_SERVER_STATUS_DETAILS_H_
#define FPGW_TESTS_SERVER_STATUS_DETAILS_H_

#include <cstdint>
#include <map>
#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"

namespace fpgw::testing {

struct Details {
  std::string reason;
  std::map<std::string, std::string> metadata;
  bool has_retry = false;
  int64_t retry_seconds = 0;
};

// The ErrorInfo reason and metadata and the RetryInfo delay of `status`; every ErrorInfo must be
// in the "fpgw" domain.
inline Details DetailsOf(const grpc::Status& status) {
  Details out;
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(status.error_details())) return out;
  for (const auto& any : rpc.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&info)) {
      out.reason = info.reason();
      out.metadata.insert(info.metadata().begin(), info.metadata().end());
      EXPECT_EQ(info.domain(), "fpgw");
    } else if (any.UnpackTo(&retry)) {
      out.has_retry = true;
      out.retry_seconds = retry.retry_delay().seconds();
    }
  }
  return out;
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_SERVER_STATUS_DETAILS_H_
