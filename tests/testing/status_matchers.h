// gMock matchers for fpgw's errors, on absl::Status, absl::StatusOr<T> and grpc::Status alike
// (after google-cloud-cpp's testing_util/status_matchers.h):
//
//   EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
//   EXPECT_THAT(grpc_status, HasReason(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND));
//   EXPECT_THAT(result, IsOk());
//
// A grpc::Status's code is compared as the absl::StatusCode of the same number (gRPC and Abseil
// share the canonical codes); its ErrorInfo is read from the error details, as a caller would.
#ifndef FPGW_TESTS_TESTING_STATUS_MATCHERS_H_
#define FPGW_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/error.h"
#include "fpgw/v1/error_reason.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace fpgw::testing {

// What the matchers look at, whatever the status type.
struct StatusView {
  absl::StatusCode code;
  std::string message;
  fpgw::v1::ErrorReason reason;
};

inline StatusView ViewOf(const absl::Status& status) {
  return {status.code(), std::string(status.message()), ReasonOf(status)};
}

template <typename T>
StatusView ViewOf(const absl::StatusOr<T>& status_or) {
  return ViewOf(status_or.status());
}

inline StatusView ViewOf(const grpc::Status& status) {
  StatusView view{static_cast<absl::StatusCode>(status.error_code()), status.error_message(),
                  fpgw::v1::ERROR_REASON_UNSPECIFIED};
  google::rpc::Status rpc;
  if (rpc.ParseFromString(status.error_details())) {
    for (const auto& any : rpc.details()) {
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&info)) {
        fpgw::v1::ErrorReason reason;
        if (fpgw::v1::ErrorReason_Parse("ERROR_REASON_" + info.reason(), &reason) ||
            fpgw::v1::ErrorReason_Parse(info.reason(), &reason)) {
          view.reason = reason;
        }
      }
    }
  }
  return view;
}

class StatusIsMatcher {
 public:
  using is_gtest_matcher = void;

  StatusIsMatcher(::testing::Matcher<absl::StatusCode> code,
                  ::testing::Matcher<const std::string&> message)
      : code_(std::move(code)), message_(std::move(message)) {}

  template <typename S>
  bool MatchAndExplain(const S& status, ::testing::MatchResultListener* listener) const {
    const StatusView view = ViewOf(status);
    *listener << "whose code is " << absl::StatusCodeToString(view.code) << " and message \""
              << view.message << "\"";
    return code_.Matches(view.code) && message_.Matches(view.message);
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has a code that ";
    code_.DescribeTo(os);
    *os << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have a code that ";
    code_.DescribeTo(os);
    *os << " and a message that ";
    message_.DescribeTo(os);
  }

 private:
  ::testing::Matcher<absl::StatusCode> code_;
  ::testing::Matcher<const std::string&> message_;
};

class HasReasonMatcher {
 public:
  using is_gtest_matcher = void;

  explicit HasReasonMatcher(fpgw::v1::ErrorReason reason) : reason_(reason) {}

  template <typename S>
  bool MatchAndExplain(const S& status, ::testing::MatchResultListener* listener) const {
    const StatusView view = ViewOf(status);
    *listener << "whose ErrorInfo reason is " << fpgw::v1::ErrorReason_Name(view.reason);
    return view.reason == reason_;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has ErrorInfo reason " << fpgw::v1::ErrorReason_Name(reason_);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have ErrorInfo reason " << fpgw::v1::ErrorReason_Name(reason_);
  }

 private:
  fpgw::v1::ErrorReason reason_;
};

// The status's canonical code matches `code` (and its message `message`).
inline StatusIsMatcher StatusIs(::testing::Matcher<absl::StatusCode> code,
                                ::testing::Matcher<const std::string&> message = ::testing::_) {
  return StatusIsMatcher(std::move(code), std::move(message));
}

// The status is OK.
inline StatusIsMatcher IsOk() { return StatusIs(absl::StatusCode::kOk); }

// The status's ErrorInfo (domain fpgw) names `reason`.
inline HasReasonMatcher HasReason(fpgw::v1::ErrorReason reason) { return HasReasonMatcher(reason); }

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_STATUS_MATCHERS_H_
