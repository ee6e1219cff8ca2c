// UnsealResult through the whole gateway: an integration's sealed-result keys (from the secret
// registry, tried in order while a key rotates), the blob as a client sends it, and the refusals:
// a blob no key opens, not base64, empty, and an integration without keys. No vendor call is made.
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/gateway_harness.h"
#include "testing/sealed_results.h"
#include "testing/status_matchers.h"

namespace fpgw::vendors::fingerprint_v4 {
namespace {

using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::SealedBase64;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::TestKey;
using ::fpgw::v1::EvaluationService;

constexpr char kNewKeyEnv[] = "FPGW_TEST_SEALED_KEY_NEW";
constexpr char kOldKeyEnv[] = "FPGW_TEST_SEALED_KEY_OLD";

class SealedResultGatewayTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    setenv(kNewKeyEnv, absl::Base64Escape(TestKey(2)).c_str(), 1);
    setenv(kOldKeyEnv, absl::Base64Escape(TestKey(1)).c_str(), 1);
    StartHarness([](GatewayConfigBuilder& config) {
      // The new key first while clients still send results sealed with the old one.
      config.AddIntegration("fp-sealed", "fingerprint-v4", [](fpgw::config::v1::Integration& fp) {
        fp.mutable_fingerprint()->add_sealed_result_keys()->set_env(kNewKeyEnv);
        fp.mutable_fingerprint()->add_sealed_result_keys()->set_env(kOldKeyEnv);
      });
      config.AddIntegration("fp-no-keys", "fingerprint-v4");
    });
  }

  static grpc::Status Unseal(const std::string& integration, const std::string& sealed,
                             fpgw::v1::UnsealResultResponse* response) {
    fpgw::v1::UnsealResultRequest request;
    request.set_integration(integration);
    request.set_sealed_result(sealed);
    return harness().Call(&EvaluationService::Stub::UnsealResult, request, response);
  }

  static std::string Event() {
    return fpgw::testing::TestdataFile("fingerprint_sealed/event.json");
  }
};

TEST_F(SealedResultGatewayTest, OpensResultsSealedWithEitherKeyOfARotation) {
  const uint64_t before = harness().sandbox().request_count();
  for (unsigned char key : {1, 2}) {
    SCOPED_TRACE(static_cast<int>(key));
    fpgw::v1::UnsealResultResponse response;
    ASSERT_THAT(Unseal("fp-sealed", SealedBase64(Event(), TestKey(key)), &response), IsOk());
    const fpgw::v1::Evaluation& e = response.evaluation();
    EXPECT_EQ(e.source().payload_kind(), fpgw::v1::PAYLOAD_KIND_SEALED_RESULT);
    EXPECT_EQ(e.source().integration(), "fp-sealed");
    EXPECT_EQ(e.source().api_version(), "v4");
    EXPECT_EQ(e.identity().event_id(), "1733140000000.FpgwSl");
    EXPECT_EQ(e.identity().device_id(), "SealedFixtureVisitor");
    EXPECT_EQ(e.identity().linked_id(), "order-7731");
    EXPECT_EQ(e.client().browser_name(), "Firefox");
    EXPECT_FALSE(e.partial());
  }
  // Opening a sealed result never calls the vendor.
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(SealedResultGatewayTest, RefusesWhatNoKeyOpensAndWhatIsNotASealedResult) {
  const std::string foreign = SealedBase64(Event(), TestKey(3));
  for (const std::string& sealed :
       {foreign, std::string("not*base64!"), std::string(""), foreign.substr(0, 40),
        absl::Base64Escape("{\"event_id\":\"1733140000000.FpgwSl\"}")}) {
    SCOPED_TRACE(sealed.substr(0, 16));
    fpgw::v1::UnsealResultResponse response;
    grpc::Status status = Unseal("fp-sealed", sealed, &response);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INVALID_FIELD));
    EXPECT_THAT(status, HasMetadata("field", "sealed_result"));
    // Nothing of the plaintext is echoed.
    EXPECT_THAT(status.error_message(), ::testing::Not(::testing::HasSubstr("SealedFixture")));
  }
  // Larger than the 64 KiB the API accepts: refused for its size (the text would otherwise fail
  // only later, at the header).
  fpgw::v1::UnsealResultResponse response;
  grpc::Status oversized = Unseal("fp-sealed", std::string(70 * 1024, 'A'), &response);
  EXPECT_THAT(oversized, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(oversized.error_message(), ::testing::HasSubstr("longer than 65536"));
}

TEST_F(SealedResultGatewayTest, AnIntegrationWithoutKeysIsMisconfigured) {
  fpgw::v1::UnsealResultResponse response;
  grpc::Status status = Unseal("fp-no-keys", SealedBase64(Event(), TestKey(1)), &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED));
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint_v4
