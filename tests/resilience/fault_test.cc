// Every vendor against every sandbox fault scenario, through the whole gateway with its default
// resilience settings (vendor retries and circuit breaking on): the documented status code and
// reason, an answer within the caller's deadline, exactly the expected number of vendor calls
// (retries included), the gRPC retry pushback, and another tenant's call through the same vendor
// host answered normally while the fault is in progress. After each fault the faulty integration
// answers a normal call again.
//
// The expectations are written from the resilience rules (decision 0015), not from what the code
// happens to do: transient failures — a reset connection, 429 with or without Retry-After, 5xx —
// are retried (3 attempts in all; idempotent lookups only); a response that is late, malformed,
// not JSON or too large is not.
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sandbox/stytch/data.h"
#include "testing/gateway_harness.h"
#include "testing/status_matchers.h"

namespace fpgw::resilience {
namespace {

using ::fpgw::testing::ErrorDetailsOf;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;

constexpr char kTenantHeader[] = "x-fpgw-tenant";

// A vendor under test: the sandbox integration it is configured from, and how a normal token
// looks for it (`unique` makes each distinct, so no cache or coalescing hides a vendor call).
struct Vendor {
  const char* name;
  const char* sandbox_integration;
  std::string (*normal_token)(const std::string& unique);
};

const Vendor kVendors[] = {
    {"fingerprint_v4", "fingerprint-v4",
     [](const std::string& unique) { return absl::StrCat("1760000000123.", unique); }},
    {"fingerprint_v3", "fingerprint-v3",
     [](const std::string& unique) { return absl::StrCat("1760000000456.", unique); }},
    // Stytch's telemetry ids are UUIDs: the sandbox finds no other (harness seed 1).
    {"stytch", "stytch",
     [](const std::string& unique) { return sandbox::TestTelemetryId(1, "fault." + unique); }},
    {"cside", "cside", [](const std::string& unique) { return absl::StrCat("fault-", unique); }},
};

// One fault: the sandbox scenario, the caller's deadline, and what the caller must see.
struct Fault {
  const char* scenario;
  absl::Duration deadline;
  absl::StatusCode code;
  fpgw::v1::ErrorReason reason;  // UNSPECIFIED: not checked (a deadline gRPC itself enforces)
  int vendor_calls;
  // When the transport may add requests of its own: libcurl sends a request once more, at once, on
  // a fresh connection when a reused keep-alive connection closes before any answer (how an idle
  // connection's close by the vendor is told from a failure); a `reset` therefore costs each of
  // fpgw's attempts one or two requests.
  int max_vendor_calls = 0;  // 0: exactly `vendor_calls`
  // The grpc-retry-pushback-ms trailer: "-1" (fpgw retried already) or "" (none).
  const char* pushback;
};

const Fault kFaults[] = {
    // Late, but within the deadline: answered.
    {"slow-300", absl::Seconds(10), absl::StatusCode::kOk, fpgw::v1::ERROR_REASON_UNSPECIFIED, 1, 0,
     ""},
    // Headers never come in time: the caller's deadline ends it; the vendor request is cancelled.
    {"slow-10000", absl::Seconds(2), absl::StatusCode::kDeadlineExceeded,
     fpgw::v1::ERROR_REASON_UNSPECIFIED, 1, 0, ""},
    // The body trickles for ~2.7 s: the deadline ends it.
    {"slow-body", absl::Milliseconds(1500), absl::StatusCode::kDeadlineExceeded,
     fpgw::v1::ERROR_REASON_UNSPECIFIED, 1, 0, ""},
    {"reset", absl::Seconds(10), absl::StatusCode::kUnavailable,
     fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, 3, 6, "-1"},
    // Retry-After: 1 — fpgw waits a second before each retry, well within the deadline.
    {"rate-limited", absl::Seconds(10), absl::StatusCode::kResourceExhausted,
     fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED, 3, 0, "-1"},
    {"rate-limited-bare", absl::Seconds(10), absl::StatusCode::kResourceExhausted,
     fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED, 3, 0, "-1"},
    {"server-error", absl::Seconds(10), absl::StatusCode::kUnavailable,
     fpgw::v1::ERROR_REASON_VENDOR_UNAVAILABLE, 3, 0, "-1"},
    {"malformed", absl::Seconds(10), absl::StatusCode::kInternal,
     fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID, 1, 0, ""},
    {"html", absl::Seconds(10), absl::StatusCode::kInternal,
     fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_INVALID, 1, 0, ""},
    {"oversized", absl::Seconds(10), absl::StatusCode::kInternal,
     fpgw::v1::ERROR_REASON_VENDOR_RESPONSE_TOO_LARGE, 1, 0, ""},
};

// A Retry-After longer than the deadline is not waited for: one call, the vendor's delay passed on.
// (Fingerprint v3's sandbox takes the Retry-After from the scenario's number.)
const Fault kRateLimitedBeyondTheDeadline = {"rate-limited-30",
                                             absl::Seconds(5),
                                             absl::StatusCode::kResourceExhausted,
                                             fpgw::v1::ERROR_REASON_VENDOR_RATE_LIMITED,
                                             1,
                                             0,
                                             "-1"};

class FaultTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    StartHarness([](GatewayConfigBuilder& config) {
      // The defaults a deployment runs with (the harness turns them off for the vendor tests).
      config.EditHttp([](fpgw::config::v1::Http& http) {
        http.mutable_retry()->set_max_attempts(0);
        http.mutable_circuit_breaker()->set_consecutive_failures(0);
      });
      config.EditServer(
          [](fpgw::config::v1::Server& server) { server.set_tenant_header(kTenantHeader); });
      // Each tenant has an integration per vendor, on the same sandbox host.
      for (const char* tenant : {"acme", "globex"}) {
        config.AddTenant(tenant);
        for (const Vendor& vendor : kVendors) {
          config.AddIntegration(vendor.name, vendor.sandbox_integration);
        }
      }
      auto& app = config.AddCaller("app", "");
      app.set_local(true);
      app.add_proxy_for_tenants("acme");
      app.add_proxy_for_tenants("globex");
      app.add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
    });
  }

  static grpc::Status Evaluate(const std::string& tenant, const std::string& integration,
                               const std::string& token, absl::Duration deadline,
                               std::string* pushback = nullptr) {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token(token);
    fpgw::v1::EvaluateResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    context.AddMetadata(kTenantHeader, tenant);
    grpc::Status status = harness().evaluation().Evaluate(&context, request, &response);
    if (pushback != nullptr) {
      const auto& trailers = context.GetServerTrailingMetadata();
      auto it = trailers.find("grpc-retry-pushback-ms");
      *pushback = it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
    }
    return status;
  }

  // Runs `fault` against `vendor` for tenant acme while globex calls the same vendor; checks
  // everything the file comment promises.
  static void Check(const Vendor& vendor, const Fault& fault) {
    SCOPED_TRACE(absl::StrCat(vendor.name, " ", fault.scenario));
    static int counter = 0;
    const std::string unique = absl::StrCat("f", ++counter);
    const uint64_t before = harness().sandbox().request_count();

    grpc::Status status;
    std::string pushback;
    absl::Duration took;
    std::thread faulty([&] {
      const absl::Time start = absl::Now();
      status = Evaluate("acme", vendor.name, absl::StrCat("sandbox-", fault.scenario, ".", unique),
                        fault.deadline, &pushback);
      took = absl::Now() - start;
    });
    // Meanwhile another tenant's call through the same vendor host is answered (one vendor call).
    EXPECT_THAT(
        Evaluate("globex", vendor.name, vendor.normal_token(unique + "b"), absl::Seconds(10)),
        IsOk())
        << "another tenant's call during the fault";
    faulty.join();

    EXPECT_THAT(status, StatusIs(fault.code));
    if (fault.reason != fpgw::v1::ERROR_REASON_UNSPECIFIED) {
      EXPECT_THAT(status, HasReason(fault.reason));
    }
    EXPECT_EQ(pushback, fault.pushback);
    // Answered within the deadline (plus scheduling slack), never after it.
    EXPECT_LT(took, fault.deadline + absl::Seconds(1));
    // The fault's vendor calls, and the other tenant's one. A call cut by the deadline may still
    // be arriving at the sandbox; wait for it (generously) rather than race it.
    const uint64_t least = before + fault.vendor_calls + 1;
    for (int i = 0; i < 200 && harness().sandbox().request_count() < least; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    if (fault.max_vendor_calls == 0) {
      EXPECT_EQ(harness().sandbox().request_count(), least);
    } else {
      EXPECT_GE(harness().sandbox().request_count(), least);
      EXPECT_LE(harness().sandbox().request_count(), before + fault.max_vendor_calls + 1);
    }

    // The faulty integration answers normal calls again.
    EXPECT_THAT(Evaluate("acme", vendor.name, vendor.normal_token(unique + "c"), absl::Seconds(10)),
                IsOk())
        << "the same integration after the fault";
  }
};

TEST_F(FaultTest, FingerprintV4) {
  for (const Fault& fault : kFaults) Check(kVendors[0], fault);
}

TEST_F(FaultTest, FingerprintV3) {
  for (const Fault& fault : kFaults) Check(kVendors[1], fault);
  Check(kVendors[1], kRateLimitedBeyondTheDeadline);
}

TEST_F(FaultTest, Stytch) {
  for (const Fault& fault : kFaults) Check(kVendors[2], fault);
}

TEST_F(FaultTest, Cside) {
  for (const Fault& fault : kFaults) Check(kVendors[3], fault);
}

TEST_F(FaultTest, AnIntegrationsCircuitOpensAfterFailuresInARowAndOnlyItsOwn) {
  // Two calls of three failed attempts each: five failures in a row open acme's circuit.
  for (const char* call : {"a", "b"}) {
    EXPECT_THAT(Evaluate("acme", "stytch", absl::StrCat("sandbox-server-error.circuit-", call),
                         absl::Seconds(10)),
                StatusIs(absl::StatusCode::kUnavailable));
  }
  const uint64_t before = harness().sandbox().request_count();
  std::string pushback;
  grpc::Status refused =
      Evaluate("acme", "stytch", "fault.circuit-open", absl::Seconds(10), &pushback);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(refused, HasReason(fpgw::v1::ERROR_REASON_VENDOR_CIRCUIT_OPEN));
  // The client's retry policy waits as long as the circuit stays open (at most its 1 s).
  const std::optional<absl::Duration> delay = ErrorDetailsOf(refused).retry_delay;
  ASSERT_TRUE(delay.has_value());
  EXPECT_LE(*delay, absl::Seconds(1));
  int64_t pushback_ms = -1;
  ASSERT_TRUE(absl::SimpleAtoi(pushback, &pushback_ms)) << pushback;
  EXPECT_GT(pushback_ms, 0);
  EXPECT_EQ(harness().sandbox().request_count(), before);  // refused without a vendor call
  // Another tenant's integration on the same host is still called.
  EXPECT_THAT(Evaluate("globex", "stytch", sandbox::TestTelemetryId(1, "fault.circuit-other"),
                       absl::Seconds(10)),
              IsOk());
  EXPECT_EQ(harness().sandbox().request_count(), before + 1);
  // Once the open time has passed, a call probes the host and, answered, closes the circuit.
  absl::SleepFor(*delay + absl::Milliseconds(50));
  EXPECT_THAT(Evaluate("acme", "stytch", sandbox::TestTelemetryId(1, "fault.circuit-probe"),
                       absl::Seconds(10)),
              IsOk());
  EXPECT_THAT(Evaluate("acme", "stytch", sandbox::TestTelemetryId(1, "fault.circuit-closed"),
                       absl::Seconds(10)),
              IsOk());
}

}  // namespace
}  // namespace fpgw::resilience
