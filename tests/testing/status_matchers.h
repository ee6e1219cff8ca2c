// fpgw's errors as a test reads them, on absl::Status, absl::StatusOr<T> and grpc::Status alike:
// the one place that reads the google.rpc error details (ErrorInfo, RetryInfo), and gMock
// matchers on them (after google-cloud-cpp's testing_util/status_matchers.h):
//
//   EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
//   EXPECT_THAT(grpc_status, HasReason(fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND));
//   EXPECT_THAT(grpc_status, HasMetadata("field", "token"));
//   EXPECT_THAT(grpc_status, HasRetryDelay(absl::Seconds(1)));
//   EXPECT_THAT(result, IsOk());
//
// A grpc::Status's code is compared as the absl::StatusCode of the same number (gRPC and Abseil
// share the canonical codes); its details are read from the serialized google.rpc.Status, as a
// caller would. The ErrorInfo matchers only accept an ErrorInfo of fpgw's domain.
#ifndef FPGW_TESTS_TESTING_STATUS_MATCHERS_H_
#define FPGW_TESTS_TESTING_STATUS_MATCHERS_H_

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/error.h"
#include "fpgw/v1/error_reason.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace fpgw::testing {

// What an fpgw error carries, whatever the status type.
struct ErrorDetails {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
  // The ErrorInfo's domain ("fpgw"); empty when there is no ErrorInfo.
  std::string domain;
  fpgw::v1::ErrorReason reason = fpgw::v1::ERROR_REASON_UNSPECIFIED;
  std::map<std::string, std::string> metadata;
  // The RetryInfo's delay; nullopt when there is no RetryInfo.
  std::optional<absl::Duration> retry_delay;
};

namespace internal {

// Adds an ErrorInfo to `out`.
inline void ReadErrorInfo(const google::rpc::ErrorInfo& info, ErrorDetails* out) {
  out->domain = info.domain();
  out->metadata.insert(info.metadata().begin(), info.metadata().end());
  fpgw::v1::ErrorReason reason;
  // On the wire the reason is the enum value's name without its prefix ("TOKEN_NOT_FOUND").
  if (fpgw::v1::ErrorReason_Parse("ERROR_REASON_" + info.reason(), &reason) ||
      fpgw::v1::ErrorReason_Parse(info.reason(), &reason)) {
    out->reason = reason;
  }
}

inline void ReadRetryInfo(const google::rpc::RetryInfo& retry, ErrorDetails* out) {
  out->retry_delay =
      absl::Seconds(retry.retry_delay().seconds()) + absl::Nanoseconds(retry.retry_delay().nanos());
}

}  // namespace internal

inline ErrorDetails ErrorDetailsOf(const absl::Status& status) {
  ErrorDetails out;
  out.code = status.code();
  out.message = std::string(status.message());
  if (auto payload = status.GetPayload(kErrorInfoTypeUrl); payload.has_value()) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload))) internal::ReadErrorInfo(info, &out);
  }
  if (auto payload = status.GetPayload(kRetryInfoTypeUrl); payload.has_value()) {
    google::rpc::RetryInfo retry;
    if (retry.ParseFromString(std::string(*payload))) internal::ReadRetryInfo(retry, &out);
  }
  return out;
}

template <typename T>
ErrorDetails ErrorDetailsOf(const absl::StatusOr<T>& status_or) {
  return ErrorDetailsOf(status_or.status());
}

inline ErrorDetails ErrorDetailsOf(const grpc::Status& status) {
  ErrorDetails out;
  out.code = static_cast<absl::StatusCode>(status.error_code());
  out.message = status.error_message();
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(status.error_details())) return out;
  for (const google::protobuf::Any& any : rpc.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&info)) {
      internal::ReadErrorInfo(info, &out);
    } else if (any.UnpackTo(&retry)) {
      internal::ReadRetryInfo(retry, &out);
    }
  }
  return out;
}

class StatusIsMatcher {
 public:
  using is_gtest_matcher = void;

  StatusIsMatcher(::testing::Matcher<absl::StatusCode> code,
                  ::testing::Matcher<const std::string&> message)
      : code_(std::move(code)), message_(std::move(message)) {}

  template <typename S>
  bool MatchAndExplain(const S& status, ::testing::MatchResultListener* listener) const {
    const ErrorDetails details = ErrorDetailsOf(status);
    *listener << "whose code is " << absl::StatusCodeToString(details.code) << " and message \""
              << details.message << "\"";
    return code_.Matches(details.code) && message_.Matches(details.message);
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
    const ErrorDetails details = ErrorDetailsOf(status);
    *listener << "whose ErrorInfo reason is " << fpgw::v1::ErrorReason_Name(details.reason)
              << " in domain \"" << details.domain << "\"";
    return details.domain == kErrorDomain && details.reason == reason_;
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

class HasMetadataMatcher {
 public:
  using is_gtest_matcher = void;

  HasMetadataMatcher(std::string key, ::testing::Matcher<const std::string&> value)
      : key_(std::move(key)), value_(std::move(value)) {}

  template <typename S>
  bool MatchAndExplain(const S& status, ::testing::MatchResultListener* listener) const {
    const ErrorDetails details = ErrorDetailsOf(status);
    if (details.domain != kErrorDomain) {
      *listener << "whose ErrorInfo domain is \"" << details.domain << "\"";
      return false;
    }
    const auto it = details.metadata.find(key_);
    if (it == details.metadata.end()) {
      *listener << "whose ErrorInfo metadata has no \"" << key_ << "\"";
      return false;
    }
    *listener << "whose ErrorInfo metadata \"" << key_ << "\" is \"" << it->second << "\"";
    return value_.Matches(it->second);
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has ErrorInfo metadata \"" << key_ << "\" that ";
    value_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have ErrorInfo metadata \"" << key_ << "\" that ";
    value_.DescribeTo(os);
  }

 private:
  std::string key_;
  ::testing::Matcher<const std::string&> value_;
};

class HasRetryDelayMatcher {
 public:
  using is_gtest_matcher = void;

  explicit HasRetryDelayMatcher(::testing::Matcher<absl::Duration> delay)
      : delay_(std::move(delay)) {}

  template <typename S>
  bool MatchAndExplain(const S& status, ::testing::MatchResultListener* listener) const {
    const ErrorDetails details = ErrorDetailsOf(status);
    if (!details.retry_delay.has_value()) {
      *listener << "which has no RetryInfo";
      return false;
    }
    *listener << "whose RetryInfo delay is " << absl::FormatDuration(*details.retry_delay);
    return delay_.Matches(*details.retry_delay);
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a RetryInfo delay that ";
    delay_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have a RetryInfo delay that ";
    delay_.DescribeTo(os);
  }

 private:
  ::testing::Matcher<absl::Duration> delay_;
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

// The status's ErrorInfo (domain fpgw) has metadata `key` whose value matches `value`
// (Not(HasMetadata(key, _)): the key is absent).
inline HasMetadataMatcher HasMetadata(std::string key,
                                      ::testing::Matcher<const std::string&> value) {
  return HasMetadataMatcher(std::move(key), std::move(value));
}

// The status carries a RetryInfo whose delay matches `delay`.
inline HasRetryDelayMatcher HasRetryDelay(::testing::Matcher<absl::Duration> delay) {
  return HasRetryDelayMatcher(std::move(delay));
}

// The status carries a RetryInfo (Not(HasRetryInfo()): it carries none).
inline HasRetryDelayMatcher HasRetryInfo() { return HasRetryDelay(::testing::_); }

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_STATUS_MATCHERS_H_
