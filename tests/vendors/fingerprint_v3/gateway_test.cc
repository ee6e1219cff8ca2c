// Fingerprint Server API v3 through the whole gateway (tests/testing/gateway_harness.h): the real
// gRPC server and the sandbox's v3 routes over TLS on loopback, called through the generated
// stubs. Asserts codes, ErrorInfo reasons, RetryInfo and normalised fields.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/fingerprint_v3/data.h"
#include "sandbox/fingerprint_v3/routes.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors::fingerprint_v3 {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessOptions;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::HasRetryDelay;
using ::fpgw::testing::HasRetryInfo;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::WithTimeout;
using ::fpgw::testing::WithWrongCredential;
using ::fpgw::v1::AdminService;
using ::fpgw::v1::EvaluationService;
using ::testing::_;
using ::testing::Not;

// The sandbox's data seed, to predict its related visitors.
constexpr uint64_t kSeed = 1;

int64_t Millis(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

class FingerprintV3GatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    GatewayHarnessOptions options;
    options.seed = kSeed;
    StartHarness(
        [](GatewayConfigBuilder& config) {
          config.AddIntegration("fp3", "fingerprint-v3", [](fpgw::config::v1::Integration& fp3) {
            fp3.mutable_fingerprint()->set_region(fpgw::config::v1::REGION_AP);
            WithTimeout(absl::Seconds(3))(fp3);
          });
          config.AddIntegration("fp3-wrong-key", "fingerprint-v3", WithWrongCredential());
        },
        options);
  }

  static uint64_t Requests(absl::string_view route) {
    return harness().sandbox().request_count(route);
  }

  static grpc::Status Evaluate(const std::string& token, fpgw::v1::EvaluateResponse* response,
                               const std::string& integration = "fp3",
                               fpgw::v1::EvaluationView view = fpgw::v1::EVALUATION_VIEW_BASIC) {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    request.set_view(view);
    return harness().Evaluate(request, response);
  }

  static grpc::Status ListDevice(const std::string& device, const std::string& page_token,
                                 fpgw::v1::ListDeviceEvaluationsResponse* response,
                                 const std::string& integration = "fp3") {
    return harness().ListDeviceEvaluations(integration, device, 10, page_token, response);
  }

  static grpc::Status UpdateEvent(const std::string& event_id,
                                  absl::Duration deadline = absl::Seconds(10)) {
    fpgw::v1::UpdateEventRequest request;
    request.set_integration("fp3");
    request.set_event_id(event_id);
    request.set_linked_id("account-42");
    request.set_suspect(true);
    (*request.mutable_tags()->mutable_fields())["order"].set_string_value("A-1");
    fpgw::v1::UpdateEventResponse response;
    return harness().Call(&AdminService::Stub::UpdateEvent, request, &response, deadline);
  }

  static grpc::Status DeleteDevice(const std::string& device_id) {
    fpgw::v1::DeleteDeviceDataRequest request;
    request.set_integration("fp3");
    request.set_device_id(device_id);
    fpgw::v1::DeleteDeviceDataResponse response;
    return harness().Call(&AdminService::Stub::DeleteDeviceData, request, &response);
  }

  static grpc::Status Related(const std::string& device_id,
                              fpgw::v1::ListRelatedDevicesResponse* out) {
    fpgw::v1::ListRelatedDevicesRequest request;
    request.set_integration("fp3");
    request.set_device_id(device_id);
    return harness().Call(&EvaluationService::Stub::ListRelatedDevices, request, out);
  }
};

TEST_F(FingerprintV3GatewayTest, EvaluateFillsEveryGroupFromTheV3Sandbox) {
  const uint64_t gets_before = Requests(sandbox::kRouteFingerprintV3GetEvent);
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate("1760000000123.gwV3", &response), IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_FINGERPRINT);
  EXPECT_EQ(e.source().api_version(), "v3");
  EXPECT_EQ(e.source().region(), "ap");
  EXPECT_EQ(e.source().integration(), "fp3");
  EXPECT_EQ(e.source().vendor_request_id(), "1760000000123.gwV3");
  EXPECT_EQ(e.source().event_time().seconds(), 1760000000);
  EXPECT_EQ(e.identity().event_id(), "1760000000123.gwV3");
  EXPECT_EQ(e.identity().device_id().size(), 20u);
  EXPECT_TRUE(e.identity().has_first_seen_time());
  EXPECT_NE(e.identity().returning_visitor(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_NE(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().tor().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().root_apps().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_TRUE(e.signals().has_suspect_score());
  EXPECT_EQ(e.signals().velocity().size(), 7u);
  EXPECT_FALSE(e.network().ip_address().empty());
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_FALSE(e.network().geolocation().city().empty());
  EXPECT_TRUE(e.network().asn().has_number());
  EXPECT_FALSE(e.client().browser_name().empty());
  EXPECT_FALSE(e.client().user_agent().empty());
  EXPECT_FALSE(e.partial()) << (e.drift_size() > 0 ? e.drift(0).path() : "");
  EXPECT_TRUE(e.signal_failures().empty());
  EXPECT_FALSE(e.has_raw());
  EXPECT_EQ(Requests(sandbox::kRouteFingerprintV3GetEvent) - gets_before, 1u);

  // The full view carries the v3 payload as received.
  ASSERT_THAT(Evaluate("1760000000123.gwV3", &response, "fp3", fpgw::v1::EVALUATION_VIEW_FULL),
              IsOk());
  EXPECT_TRUE(response.evaluation()
                  .raw()
                  .fields()
                  .at("products")
                  .struct_value()
                  .fields()
                  .contains("identification"));
}

TEST_F(FingerprintV3GatewayTest, ProductErrorsGiveAPartialEvaluationNamingTheFailedSignals) {
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate("sandbox-product-errors-1", &response), IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_TRUE(e.partial());
  std::map<std::string, std::string> codes;
  for (const auto& failure : e.signal_failures()) codes[failure.signal()] = failure.code();
  EXPECT_EQ(codes, (std::map<std::string, std::string>{{"botd", "Failed"},
                                                       {"vpn", "TooManyRequests"},
                                                       {"ipInfo", "429 Too Many Requests"}}));
  EXPECT_EQ(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_EQ(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e.network().has_ipv4());
  // What did not fail is still there.
  EXPECT_EQ(e.identity().device_id().size(), 20u);
  EXPECT_NE(e.signals().tor().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_FALSE(e.client().browser_name().empty());
}

TEST_F(FingerprintV3GatewayTest, SchemaDriftAndUnknownFieldsAreToleratedNotErrors) {
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(Evaluate("sandbox-drift", &response), IsOk());
  EXPECT_TRUE(response.evaluation().partial());
  EXPECT_GE(response.evaluation().drift_size(), 4);

  ASSERT_THAT(Evaluate("sandbox-unknown-fields", &response), IsOk());
  EXPECT_FALSE(response.evaluation().partial());
  EXPECT_TRUE(response.evaluation().signal_failures().empty());
}

TEST_F(FingerprintV3GatewayTest, SearchPagesThroughEveryEventWithPageTokens) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp3");
  request.set_page_size(5);
  request.mutable_filter()->set_visitor_id("visitorSearchV300001");
  std::set<std::string> seen;
  int64_t last_time = INT64_MAX;
  int pages = 0;
  do {
    fpgw::v1::SearchEvaluationsResponse response;
    ASSERT_THAT(harness().Call(&EvaluationService::Stub::SearchEvaluations, request, &response),
                IsOk());
    ASSERT_GT(response.evaluations_size(), 0);
    EXPECT_LE(response.evaluations_size(), 5);
    for (const auto& e : response.evaluations()) {
      EXPECT_TRUE(seen.insert(e.identity().event_id()).second) << e.identity().event_id();
      EXPECT_EQ(e.identity().device_id(), "visitorSearchV300001");
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
      // Newest first, across pages too.
      EXPECT_LT(Millis(e.source().event_time()), last_time);
      last_time = Millis(e.source().event_time());
    }
    // The token is opaque: the vendor's cursor (the last event's timestamp) does not show.
    EXPECT_FALSE(absl::StrContains(response.next_page_token(), absl::StrCat(last_time)));
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen.size(), 23u);
}

TEST_F(FingerprintV3GatewayTest, SearchRefusesFiltersOnlyV4HasWithoutCallingTheVendor) {
  const uint64_t before = harness().sandbox().request_count();
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp3");
  request.mutable_filter()->set_url("https://shop.test/");
  fpgw::v1::SearchEvaluationsResponse response;
  grpc::Status status =
      harness().Call(&EvaluationService::Stub::SearchEvaluations, request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "filter.url"));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(FingerprintV3GatewayTest, VisitsPageOneVisitAtATimeThroughTheWholeHistory) {
  const uint64_t visits_before = Requests(sandbox::kRouteFingerprintV3GetVisits);
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    fpgw::v1::ListDeviceEvaluationsResponse response;
    ASSERT_THAT(ListDevice("visitorHistoryV30001", token, &response), IsOk());
    EXPECT_EQ(response.device_id(), "visitorHistoryV30001");
    // The v3 API returns at most one visit per page now.
    EXPECT_EQ(response.evaluations_size(), 1);
    for (const auto& e : response.evaluations()) {
      EXPECT_TRUE(seen.insert(e.identity().event_id()).second);
      EXPECT_EQ(e.identity().device_id(), "visitorHistoryV30001");
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY);
      EXPECT_FALSE(e.network().geolocation().country_code().empty());
      EXPECT_FALSE(e.partial());
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 40);
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(Requests(sandbox::kRouteFingerprintV3GetVisits) - visits_before, 23u);
}

TEST_F(FingerprintV3GatewayTest, VisitsErrorsArePlainBodiesMappedByStatus) {
  struct Case {
    const char* device;
    absl::StatusCode code;
    fpgw::v1::ErrorReason reason;
  };
  for (const Case& c : {Case{"sandbox-rate-limited-4", absl::StatusCode::kResourceExhausted,
                             fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED},
                        Case{"sandbox-bad-request", absl::StatusCode::kInvalidArgument,
                             fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST},
                        Case{"sandbox-wrong-region", absl::StatusCode::kFailedPrecondition,
                             fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED}}) {
    SCOPED_TRACE(c.device);
    fpgw::v1::ListDeviceEvaluationsResponse response;
    grpc::Status status = ListDevice(c.device, "", &response);
    EXPECT_THAT(status, StatusIs(c.code));
    EXPECT_THAT(status, HasReason(c.reason));
    // A plain body has no code to pass on.
    EXPECT_THAT(status, Not(HasMetadata("vendor_code", _)));
    if (c.code == absl::StatusCode::kResourceExhausted) {
      EXPECT_THAT(status, HasRetryDelay(absl::Seconds(4)));
    }
  }
  // An unknown visitor has no visits (getVisits has no 404).
  fpgw::v1::ListDeviceEvaluationsResponse response;
  ASSERT_THAT(ListDevice("sandbox-not-found", "", &response), IsOk());
  EXPECT_EQ(response.evaluations_size(), 0);
  EXPECT_TRUE(response.next_page_token().empty());
}

TEST_F(FingerprintV3GatewayTest, UpdateEventPutsAndRetriesWhileTheEventIsNotMutableYet) {
  EXPECT_THAT(UpdateEvent("1760000000123.updV3"), IsOk());

  const uint64_t puts_before = Requests(sandbox::kRouteFingerprintV3UpdateEvent);
  EXPECT_THAT(UpdateEvent("sandbox-not-ready-once-v3"), IsOk());
  EXPECT_EQ(Requests(sandbox::kRouteFingerprintV3UpdateEvent) - puts_before, 2u);

  // Never mutable: retried until the deadline nears, then UNAVAILABLE with RetryInfo.
  const absl::Time start = absl::Now();
  grpc::Status status = UpdateEvent("sandbox-state-not-ready", absl::Seconds(1));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_NOT_READY));
  EXPECT_THAT(status, HasMetadata("vendor_code", "StateNotReady"));
  EXPECT_THAT(status, HasRetryInfo());
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  EXPECT_THAT(UpdateEvent("sandbox-not-found"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FingerprintV3GatewayTest, DeleteDeviceDataCallsTheVendorAndMapsItsErrors) {
  const uint64_t deletes_before = Requests(sandbox::kRouteFingerprintV3DeleteVisitor);
  struct Case {
    const char* device;
    absl::StatusCode code;
  };
  for (const Case& c : {Case{"visitorDeleteV300001", absl::StatusCode::kOk},
                        Case{"sandbox-not-found", absl::StatusCode::kNotFound},
                        Case{"sandbox-rate-limited", absl::StatusCode::kResourceExhausted},
                        Case{"sandbox-feature-not-enabled", absl::StatusCode::kFailedPrecondition},
                        Case{"../events", absl::StatusCode::kInvalidArgument}}) {
    EXPECT_THAT(DeleteDevice(c.device), StatusIs(c.code)) << c.device;
  }
  EXPECT_EQ(Requests(sandbox::kRouteFingerprintV3DeleteVisitor) - deletes_before, 4u);
}

TEST_F(FingerprintV3GatewayTest, RelatedDevicesListTheVendorsRelatedVisitors) {
  const sandbox::FingerprintV3Data data(kSeed);
  std::string device;
  for (int i = 1; i < 50 && device.empty(); ++i) {
    const std::string candidate = absl::StrCat("visitorRelatedV3", 1000 + i);
    if (data.RelatedVisitors(candidate).size() >= 2) device = candidate;
  }
  ASSERT_FALSE(device.empty());
  fpgw::v1::ListRelatedDevicesResponse response;
  ASSERT_THAT(Related(device, &response), IsOk());
  const std::vector<std::string> want = data.RelatedVisitors(device);
  EXPECT_EQ(std::vector<std::string>(response.device_ids().begin(), response.device_ids().end()),
            want);

  grpc::Status status = Related("sandbox-not-found", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, HasMetadata("vendor_code", "VisitorNotFound"));
  status = Related("sandbox-feature-not-enabled", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED));
}

TEST_F(FingerprintV3GatewayTest, RateLimitIsResourceExhaustedWithTheVendorsRetryAfter) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("sandbox-rate-limited-7", &response);
  ASSERT_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED));
  EXPECT_THAT(status, HasMetadata("vendor_code", "TooManyRequests"));
  EXPECT_THAT(status, HasMetadata("vendor", "fingerprint"));
  EXPECT_THAT(status, HasRetryDelay(absl::Seconds(7)));
}

TEST_F(FingerprintV3GatewayTest, VendorErrorsMapToCanonicalCodes) {
  struct Case {
    const char* token;
    absl::StatusCode code;
    fpgw::v1::ErrorReason reason;
  };
  for (const Case& c :
       {Case{"sandbox-not-found", absl::StatusCode::kNotFound,
             fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND},
        Case{"sandbox-wrong-region", absl::StatusCode::kFailedPrecondition,
             fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION},
        Case{"sandbox-subscription-not-active", absl::StatusCode::kFailedPrecondition,
             fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED},
        Case{"sandbox-server-error", absl::StatusCode::kUnavailable,
             fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE},
        Case{"sandbox-bad-request", absl::StatusCode::kInvalidArgument,
             fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST},
        Case{"sandbox-html", absl::StatusCode::kInternal,
             fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID},
        Case{"sandbox-malformed", absl::StatusCode::kInternal,
             fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID}}) {
    SCOPED_TRACE(c.token);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = Evaluate(c.token, &response);
    EXPECT_THAT(status, StatusIs(c.code));
    EXPECT_THAT(status, HasReason(c.reason));
  }
}

TEST_F(FingerprintV3GatewayTest, RejectedOrMissingVendorKeyIsFailedPreconditionAndNeverLeaks) {
  const std::string wrong_key = GatewayHarness::WrongCredential("fingerprint_v3");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = Evaluate("1760000000123.keyV3", &response, "fp3-wrong-key");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED));
  EXPECT_THAT(status, HasMetadata("vendor_code", "TokenNotFound"));
  EXPECT_FALSE(absl::StrContains(status.error_message(), wrong_key));
  EXPECT_FALSE(absl::StrContains(status.error_details(), wrong_key));

  // getVisits refuses with its plain body: the status alone says the key was rejected.
  fpgw::v1::ListDeviceEvaluationsResponse visits;
  status = ListDevice("visitorHistoryV30001", "", &visits, "fp3-wrong-key");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED));
}

TEST_F(FingerprintV3GatewayTest, RulesetsAreRefusedOnV3) {
  fpgw::v1::EvaluateRequest request;
  request.set_integration("fp3");
  request.set_token("1760000000123.rsV3");
  request.mutable_fingerprint()->set_ruleset_id("rs_checkout");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = harness().Evaluate(request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "fingerprint.ruleset_id"));
}

// The visits filters of the vendor's document reach the vendor under its names: the sandbox
// applies them, so a filtered history is visibly narrower.
TEST_F(FingerprintV3GatewayTest, VisitsFiltersNarrowTheHistory) {
  fpgw::v1::ListDeviceEvaluationsRequest request;
  request.set_integration("fp3");
  request.set_device("visitorHistoryV30001");
  // The vendor answers one visit per page: the second visit is on the second page.
  fpgw::v1::ListDeviceEvaluationsResponse first;
  ASSERT_THAT(
      harness().Call(&fpgw::v1::EvaluationService::Stub::ListDeviceEvaluations, request, &first),
      IsOk());
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  fpgw::v1::ListDeviceEvaluationsResponse next;
  ASSERT_THAT(
      harness().Call(&fpgw::v1::EvaluationService::Stub::ListDeviceEvaluations, request, &next),
      IsOk());
  ASSERT_GE(next.evaluations_size(), 1);
  const fpgw::v1::Evaluation& second = next.evaluations(0);
  ASSERT_NE(second.identity().event_id(), first.evaluations(0).identity().event_id());
  request.clear_page_token();
  request.mutable_filter()->set_event_id(second.identity().event_id());
  fpgw::v1::ListDeviceEvaluationsResponse one;
  ASSERT_THAT(
      harness().Call(&fpgw::v1::EvaluationService::Stub::ListDeviceEvaluations, request, &one),
      IsOk());
  ASSERT_EQ(one.evaluations_size(), 1);
  EXPECT_EQ(one.evaluations(0).identity().event_id(), second.identity().event_id());
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v3
