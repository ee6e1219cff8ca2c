// Fingerprint Server API v4 through the whole gateway (tests/testing/gateway_harness.h): the real
// gRPC server and the sandbox's v4 routes over TLS on loopback, called through the generated
// stubs. Asserts codes, ErrorInfo reasons, RetryInfo and normalised fields.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/fingerprint_v4/routes.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

using ::fpgw::testing::ErrorDetailsOf;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
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

class FingerprintV4GatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      config.AddIntegration("fp", "fingerprint-v4", [](fpgw::config::v1::Integration& fp) {
        fp.mutable_fingerprint()->set_region(fpgw::config::v1::REGION_EU);
        WithTimeout(absl::Seconds(3))(fp);
      });
      config.AddIntegration("fp-wrong-key", "fingerprint-v4", WithWrongCredential());
    });
  }

  static grpc::Status UpdateEvent(const std::string& event_id,
                                  absl::Duration deadline = absl::Seconds(10)) {
    fpgw::v1::UpdateEventRequest request;
    request.set_integration("fp");
    request.set_event_id(event_id);
    request.set_linked_id("account-42");
    request.set_suspect(true);
    (*request.mutable_tags()->mutable_fields())["order"].set_string_value("A-1");
    fpgw::v1::UpdateEventResponse response;
    return harness().Call(&AdminService::Stub::UpdateEvent, request, &response, deadline);
  }
};

TEST_F(FingerprintV4GatewayTest, EvaluateFillsEveryGroupFromTheSandbox) {
  fpgw::v1::EvaluateRequest request;
  request.set_integration("fp");
  request.set_token("1760000000123.gwTest");
  request.mutable_fingerprint()->set_ruleset_id("rs_checkout");
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(harness().Evaluate(request, &response), IsOk());
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().vendor(), fpgw::v1::VENDOR_FINGERPRINT);
  EXPECT_EQ(e.source().region(), "eu");
  EXPECT_EQ(e.source().integration(), "fp");
  EXPECT_EQ(e.identity().event_id(), "1760000000123.gwTest");
  EXPECT_EQ(e.identity().device_id().size(), 20u);
  EXPECT_NE(e.verdict().action(), fpgw::v1::ACTION_UNSPECIFIED);
  EXPECT_EQ(e.verdict().origin(), fpgw::v1::VERDICT_ORIGIN_VENDOR_RULE);
  EXPECT_NE(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_UNSPECIFIED);
  EXPECT_NE(e.signals().bot().result(), fpgw::v1::BOT_RESULT_UNSPECIFIED);
  EXPECT_FALSE(e.network().ip_address().empty());
  EXPECT_FALSE(e.network().geolocation().country_code().empty());
  EXPECT_FALSE(e.client().browser_name().empty());
  EXPECT_FALSE(e.partial());
  EXPECT_FALSE(e.has_raw());
}

TEST_F(FingerprintV4GatewayTest, FullViewReturnsTheRawPayload) {
  fpgw::v1::EvaluateRequest request;
  request.set_token("1760000000123.gwFull");
  request.set_integration("fp");
  request.set_view(fpgw::v1::EVALUATION_VIEW_FULL);
  fpgw::v1::EvaluateResponse response;
  ASSERT_THAT(harness().Evaluate(request, &response), IsOk());
  EXPECT_EQ(response.evaluation().raw().fields().at("event_id").string_value(),
            "1760000000123.gwFull");
}

TEST_F(FingerprintV4GatewayTest, DeviceHistoryPagesThroughEveryEventOnce) {
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    fpgw::v1::ListDeviceEvaluationsResponse response;
    ASSERT_THAT(harness().ListDeviceEvaluations("fp", "visitorHistory000001", 10, token, &response),
                IsOk());
    EXPECT_EQ(response.device_id(), "visitorHistory000001");
    for (const auto& e : response.evaluations()) {
      EXPECT_TRUE(seen.insert(e.identity().event_id()).second)
          << "duplicate " << e.identity().event_id();
      EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEARCH_HIT);
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 20);
  EXPECT_GT(pages, 1);
  EXPECT_EQ(seen.size(), 23u);
}

TEST_F(FingerprintV4GatewayTest, VendorErrorsMapToCanonicalCodes) {
  struct Case {
    const char* token;
    absl::StatusCode code;
    fpgw::v1::ErrorReason reason;
    bool retry;
  };
  const Case cases[] = {
      {"sandbox-not-found", absl::StatusCode::kNotFound, fpgw::v1::ERROR_REASON_TOKEN_NOT_FOUND,
       false},
      {"sandbox-wrong-region", absl::StatusCode::kFailedPrecondition,
       fpgw::v1::ERROR_REASON_VENDOR_WRONG_REGION, false},
      {"sandbox-feature-not-enabled", absl::StatusCode::kFailedPrecondition,
       fpgw::v1::ERROR_REASON_VENDOR_FEATURE_NOT_ENABLED, false},
      {"sandbox-rate-limited", absl::StatusCode::kResourceExhausted,
       fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED, true},
      // Without the vendor's Retry-After, no retry time is made up.
      {"sandbox-rate-limited-bare", absl::StatusCode::kResourceExhausted,
       fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED, false},
      {"sandbox-server-error", absl::StatusCode::kUnavailable,
       fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, true},
      {"sandbox-gateway-timeout", absl::StatusCode::kUnavailable,
       fpgw::v1::ERROR_REASON_VENDOR_TIMEOUT, true},
      {"sandbox-bad-request", absl::StatusCode::kInvalidArgument,
       fpgw::v1::ERROR_REASON_VENDOR_REJECTED_REQUEST, false},
      {"sandbox-malformed", absl::StatusCode::kInternal,
       fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID, false},
      {"sandbox-html", absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID,
       false},
      {"sandbox-oversized", absl::StatusCode::kInternal,
       fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_TOO_LARGE, false},
      {"sandbox-reset", absl::StatusCode::kUnavailable, fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE,
       true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.token);
    fpgw::v1::EvaluateResponse response;
    grpc::Status status = harness().Evaluate("fp", c.token, &response);
    EXPECT_THAT(status, StatusIs(c.code));
    EXPECT_THAT(status, HasReason(c.reason));
    EXPECT_THAT(status, HasMetadata("vendor", "fingerprint"));
    EXPECT_EQ(ErrorDetailsOf(status).retry_delay.has_value(), c.retry);
  }
}

TEST_F(FingerprintV4GatewayTest, RateLimitCarriesTheVendorsRetryAfter) {
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = harness().Evaluate("fp", "sandbox-rate-limited", &response);
  ASSERT_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(status, HasMetadata("vendor_code", "too_many_requests"));
  EXPECT_THAT(status, HasRetryDelay(absl::Seconds(1)));
}

TEST_F(FingerprintV4GatewayTest, RejectedVendorKeyIsFpgwsFailureAndNeverLeaks) {
  const std::string wrong_key = GatewayHarness::WrongCredential("fingerprint_v4");
  fpgw::v1::EvaluateResponse response;
  grpc::Status status = harness().Evaluate("fp-wrong-key", "1760000000123.keyTst", &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_REJECTED));
  EXPECT_FALSE(absl::StrContains(status.error_message(), wrong_key));
  EXPECT_FALSE(absl::StrContains(status.error_details(), wrong_key));
}

TEST_F(FingerprintV4GatewayTest, RelatedDevicesAreNamedAsAMissingCapability) {
  // Fingerprint v4 has no related-visitors endpoint.
  fpgw::v1::ListRelatedDevicesRequest request;
  request.set_integration("fp");
  request.set_device_id("visitorRelated000001");
  fpgw::v1::ListRelatedDevicesResponse related;
  grpc::Status status =
      harness().Call(&EvaluationService::Stub::ListRelatedDevices, request, &related);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(status, HasMetadata("capability", "ListRelatedDevices"));
}

TEST_F(FingerprintV4GatewayTest, UpdateEventPatchesAndRetriesWhileTheEventIsNotMutableYet) {
  EXPECT_THAT(UpdateEvent("1760000000123.update"), IsOk());

  const uint64_t patches_before =
      harness().sandbox().request_count(sandbox::kRouteFingerprintV4UpdateEvent);
  EXPECT_THAT(UpdateEvent("sandbox-not-ready-once-1"), IsOk());
  EXPECT_EQ(
      harness().sandbox().request_count(sandbox::kRouteFingerprintV4UpdateEvent) - patches_before,
      2u);

  // Never mutable: retried until the deadline nears, then UNAVAILABLE with RetryInfo.
  const absl::Time start = absl::Now();
  grpc::Status status = UpdateEvent("sandbox-state-not-ready", absl::Seconds(1));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_NOT_READY));
  EXPECT_THAT(status, HasRetryInfo());
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  EXPECT_THAT(UpdateEvent("sandbox-not-found"), StatusIs(absl::StatusCode::kNotFound));

  fpgw::v1::UpdateEventResponse ignored;
  {
    // A NUL would cut the linked id short on its way to the vendor; NaN is not JSON.
    fpgw::v1::UpdateEventRequest nul;
    nul.set_integration("fp");
    nul.set_event_id("1760000000123.update");
    nul.set_linked_id(std::string("acc\0unt", 7));
    EXPECT_THAT(harness().Call(&AdminService::Stub::UpdateEvent, nul, &ignored),
                StatusIs(absl::StatusCode::kInvalidArgument));
    fpgw::v1::UpdateEventRequest nan = nul;
    nan.clear_linked_id();
    (*nan.mutable_tags()->mutable_fields())["n"].set_number_value(std::nan(""));
    EXPECT_THAT(harness().Call(&AdminService::Stub::UpdateEvent, nan, &ignored),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }

  fpgw::v1::UpdateEventRequest empty;
  empty.set_integration("fp");
  empty.set_event_id("1760000000123.update");
  EXPECT_THAT(harness().Call(&AdminService::Stub::UpdateEvent, empty, &ignored),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(FingerprintV4GatewayTest, DeleteDeviceDataCallsTheVendorAndMapsItsErrors) {
  struct Case {
    const char* device;
    absl::StatusCode code;
  };
  for (const Case& c : {Case{"visitorDelete0000001", absl::StatusCode::kOk},
                        Case{"sandbox-not-found", absl::StatusCode::kNotFound},
                        Case{"sandbox-rate-limited", absl::StatusCode::kResourceExhausted},
                        Case{"../events", absl::StatusCode::kInvalidArgument}}) {
    fpgw::v1::DeleteDeviceDataRequest request;
    request.set_integration("fp");
    request.set_device_id(c.device);
    fpgw::v1::DeleteDeviceDataResponse response;
    EXPECT_THAT(harness().Call(&AdminService::Stub::DeleteDeviceData, request, &response),
                StatusIs(c.code))
        << c.device;
  }
}

// POST /edge: an HTTP request the caller received, judged without a client-side token.
TEST_F(FingerprintV4GatewayTest, EvaluateHttpRequestJudgesARequestAtTheEdge) {
  fpgw::v1::EvaluateHttpRequestRequest request;
  request.set_integration("fp");
  auto add = [&request](const char* name, const char* value) {
    fpgw::v1::HttpHeader* header = request.add_headers();
    header->set_name(name);
    header->set_value(value);
  };
  add("Host", "shop.example");
  add("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
  add("Cookie", "session=caller-secret-cookie");
  request.set_method("GET");
  request.set_url("https://shop.example/checkout");
  request.set_ipv4_address("203.0.113.7");
  const uint64_t edges = harness().sandbox().request_count(sandbox::kRouteFingerprintV4Edge);
  fpgw::v1::EvaluateHttpRequestResponse response;
  ASSERT_THAT(harness().Call(&EvaluationService::Stub::EvaluateHttpRequest, request, &response),
              IsOk());
  EXPECT_EQ(harness().sandbox().request_count(sandbox::kRouteFingerprintV4Edge) - edges, 1u);
  const fpgw::v1::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_HTTP_REQUEST);
  EXPECT_EQ(e.source().integration(), "fp");
  EXPECT_FALSE(e.identity().event_id().empty());
  EXPECT_EQ(e.client().page_url(), "https://shop.example/checkout");
  EXPECT_EQ(e.signals().bot().name(), "Googlebot");
  // The documented residential-proxy range of the sandbox.
  EXPECT_EQ(e.signals().proxy().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  EXPECT_EQ(e.network().ipv4().address(), "203.0.113.7");

  // A request the vendor would refuse is refused before any vendor call, naming the field.
  request.clear_ipv4_address();
  grpc::Status status =
      harness().Call(&EvaluationService::Stub::EvaluateHttpRequest, request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "ipv4_address"));
  request.set_ipv4_address("203.0.113.7");
  request.set_url("ftp://shop.example/");
  status = harness().Call(&EvaluationService::Stub::EvaluateHttpRequest, request, &response);
  EXPECT_THAT(status, HasMetadata("field", "url"));
  EXPECT_EQ(harness().sandbox().request_count(sandbox::kRouteFingerprintV4Edge) - edges, 1u);
}

// Device history is a search by visitor id: the filter's linked id and time bound narrow it, and
// an event id, which v4 search cannot filter on, is refused rather than ignored.
TEST_F(FingerprintV4GatewayTest, DeviceHistoryFiltersNarrowTheSearchOrAreRefused) {
  fpgw::v1::ListDeviceEvaluationsRequest request;
  request.set_integration("fp");
  request.set_device("visitorHistory000001");
  request.set_page_size(100);
  fpgw::v1::ListDeviceEvaluationsResponse all;
  ASSERT_THAT(harness().Call(&EvaluationService::Stub::ListDeviceEvaluations, request, &all),
              IsOk());
  ASSERT_GE(all.evaluations_size(), 2);
  const int64_t newest = all.evaluations(0).source().event_time().seconds() * 1000 +
                         all.evaluations(0).source().event_time().nanos() / 1000000;
  request.mutable_filter()->set_before_time_ms(newest);
  fpgw::v1::ListDeviceEvaluationsResponse older;
  ASSERT_THAT(harness().Call(&EvaluationService::Stub::ListDeviceEvaluations, request, &older),
              IsOk());
  ASSERT_GT(older.evaluations_size(), 0);
  for (const auto& e : older.evaluations()) {
    EXPECT_LT(e.source().event_time().seconds() * 1000 + e.source().event_time().nanos() / 1000000,
              newest);
    EXPECT_NE(e.identity().event_id(), all.evaluations(0).identity().event_id());
  }
  request.mutable_filter()->set_event_id(all.evaluations(0).identity().event_id());
  grpc::Status status =
      harness().Call(&EvaluationService::Stub::ListDeviceEvaluations, request, &older);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasMetadata("field", "filter.event_id"));
}

// Every filter v4 has is applied by the sandbox; v3-only filters are refused, never dropped.
TEST_F(FingerprintV4GatewayTest, SearchFiltersNarrowOrAreRefused) {
  fpgw::v1::SearchEvaluationsRequest request;
  request.set_integration("fp");
  request.set_page_size(100);
  fpgw::v1::SearchEvaluationsResponse all;
  ASSERT_THAT(harness().Call(&EvaluationService::Stub::SearchEvaluations, request, &all), IsOk());
  request.mutable_filter()->set_vpn(true);
  request.mutable_filter()->set_total_hits(1000);
  fpgw::v1::SearchEvaluationsResponse vpn;
  ASSERT_THAT(harness().Call(&EvaluationService::Stub::SearchEvaluations, request, &vpn), IsOk());
  EXPECT_GT(vpn.evaluations_size(), 0);
  EXPECT_LT(vpn.evaluations_size(), all.evaluations_size());
  for (const auto& e : vpn.evaluations()) {
    EXPECT_EQ(e.signals().vpn().signal().detected(), fpgw::v1::TRISTATE_TRUE);
  }
  EXPECT_GE(vpn.total_size(), vpn.evaluations_size());
  for (const char* field : {"ip_blocklist", "datacenter", "proximity_precision_radius"}) {
    SCOPED_TRACE(field);
    fpgw::v1::SearchEvaluationsRequest v3_only;
    v3_only.set_integration("fp");
    const auto* descriptor = v3_only.filter().GetDescriptor()->FindFieldByName(field);
    ASSERT_NE(descriptor, nullptr);
    if (descriptor->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) {
      v3_only.mutable_filter()->GetReflection()->SetBool(v3_only.mutable_filter(), descriptor,
                                                         true);
    } else {
      v3_only.mutable_filter()->GetReflection()->SetInt32(v3_only.mutable_filter(), descriptor, 50);
    }
    fpgw::v1::SearchEvaluationsResponse refused;
    grpc::Status status =
        harness().Call(&EvaluationService::Stub::SearchEvaluations, v3_only, &refused);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(status, HasMetadata("field", std::string("filter.") + field));
  }
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v4
