// Callers recognised by their client certificates, on real TLS listeners with certificates made by
// the test: no certificate, or one from an unknown CA, never gets a call through; a valid
// certificate acts for its caller's tenant only, named by its SPIFFE ID or DNS SAN; a listener
// that also takes bearer tokens refuses a call that presents two identities; and grpcurl with
// -cert/-key/-cacert works as docs/security.md shows.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fpgw/v1/admin_service.grpc.pb.h"
#include "fpgw/v1/evaluation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sandbox/test_pki.h"
#include "testing/gateway_harness.h"
#include "testing/secret_volume.h"
#include "testing/status_matchers.h"
#include "testing/test_files.h"

namespace fpgw::security {
namespace {

using ::fpgw::sandbox::TestCa;
using ::fpgw::testing::GatewayConfigBuilder;
using ::fpgw::testing::GatewayHarness;
using ::fpgw::testing::GatewayHarnessTest;
using ::fpgw::testing::HasMetadata;
using ::fpgw::testing::HasReason;
using ::fpgw::testing::IsOk;
using ::fpgw::testing::ReadTextFile;
using ::fpgw::testing::SecretVolume;
using ::fpgw::testing::StatusIs;
using ::fpgw::testing::TokenHash;
using ::fpgw::testing::WriteTextFile;

constexpr char kSpiffeX[] = "spiffe://fpgw.test/ns/alpha/sa/x";
constexpr char kBetaToken[] = "beta-token-5c1d0e9a8b7f6e5d4c3b2a19";

// A TLS listener on a free loopback port with the server certificate in `cert_file` and its key
// in the secret file tls.key; with `client_ca_file`, client certificates verify against it.
fpgw::config::v1::Listener& AddTlsListener(
    GatewayConfigBuilder& config,
    std::initializer_list<fpgw::config::v1::CallerAuthentication> modes,
    const std::string& cert_file, const std::string& client_ca_file) {
  fpgw::config::v1::Listener& listener = config.AddListener("127.0.0.1:0", modes);
  listener.mutable_tls()->set_cert_file(cert_file);
  listener.mutable_tls()->mutable_key()->set_file("tls.key");
  listener.mutable_tls()->set_client_ca_file(client_ca_file);
  return listener;
}

// Certificates of the test: the callers' CA (which also signs the server), a rogue CA, and leaves.
struct Pki {
  TestCa ca;
  TestCa rogue;
  TestCa::Leaf server;
  TestCa::Leaf x;         // spiffe://fpgw.test/ns/alpha/sa/x: caller x, tenant alpha
  TestCa::Leaf y;         // DNS:y.callers.test: caller y, tenant beta
  TestCa::Leaf stranger;  // a valid certificate that names no caller
  TestCa::Leaf rogue_x;   // x's SPIFFE ID from the rogue CA
};

class MtlsTest : public GatewayHarnessTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::filesystem::temp_directory_path() /
                           ("fpgw-mtls-" + std::to_string(getpid())));
    std::filesystem::create_directories(*dir_);
    auto ca = TestCa::Create("fpgw callers CA");
    auto rogue = TestCa::Create("rogue CA");
    ASSERT_TRUE(ca.ok() && rogue.ok());
    auto leaf = [&](const TestCa& issuer, const std::string& cn, const std::string& san,
                    TestCa::Usage usage) {
      absl::StatusOr<TestCa::Leaf> issued = issuer.Issue(cn, san, usage);
      EXPECT_TRUE(issued.ok()) << issued.status();
      return issued.value_or(TestCa::Leaf{});
    };
    pki_ = new Pki{*std::move(ca), *std::move(rogue), {}, {}, {}, {}, {}};
    pki_->server =
        leaf(pki_->ca, "localhost", "DNS:localhost,IP:127.0.0.1", TestCa::Usage::kServer);
    pki_->x = leaf(pki_->ca, "x", absl::StrCat("URI:", kSpiffeX), TestCa::Usage::kClient);
    pki_->y = leaf(pki_->ca, "y", "DNS:y.callers.test", TestCa::Usage::kClient);
    pki_->stranger = leaf(pki_->ca, "stranger", "URI:spiffe://fpgw.test/ns/alpha/sa/stranger",
                          TestCa::Usage::kClient);
    pki_->rogue_x = leaf(pki_->rogue, "x", absl::StrCat("URI:", kSpiffeX), TestCa::Usage::kClient);
    WriteTextFile(*dir_ + "/ca.crt", pki_->ca.cert_pem());
    WriteTextFile(*dir_ + "/server.crt", pki_->server.cert_pem);
    WriteTextFile(*dir_ + "/x.crt", pki_->x.cert_pem);
    WriteTextFile(*dir_ + "/x.key", pki_->x.key_pem);

    volume_ = new SecretVolume();
    volume_->Swap(
        {{"tls.key", pki_->server.key_pem}, {"beta-tokens", TokenHash(kBetaToken) + "\n"}});

    StartHarness([](GatewayConfigBuilder& config) {
      config.SetSecretDirectory(volume_->path());
      using fpgw::config::v1::CALLER_AUTHENTICATION_BEARER;
      using fpgw::config::v1::CALLER_AUTHENTICATION_MTLS;
      AddTlsListener(config, {CALLER_AUTHENTICATION_MTLS}, *dir_ + "/server.crt",
                     *dir_ + "/ca.crt");
      AddTlsListener(config, {CALLER_AUTHENTICATION_MTLS, CALLER_AUTHENTICATION_BEARER},
                     *dir_ + "/server.crt", *dir_ + "/ca.crt");
      config.AddCaller("x", "alpha").add_spiffe_ids(kSpiffeX);
      auto& y = config.AddCaller("y", "beta");
      y.add_dns_names("y.callers.test");
      y.add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
      y.add_services(fpgw::config::v1::CALLER_SERVICE_ADMIN);
      config.AddCaller("beta-batch", "beta").mutable_bearer_token_sha256()->set_file("beta-tokens");
      config.AddCaller("ops", "alpha").set_local(true);
      config.AddTenant("alpha")
          .AddIntegration("alpha-fp", "fingerprint-v4")
          .AddIntegration("alpha-fp2", "fingerprint-v4");
      config.AddTenant("beta").AddIntegration("beta-fp", "fingerprint-v4");
    });
  }

  static void TearDownTestSuite() {
    GatewayHarnessTest::TearDownTestSuite();
    delete volume_;
    std::filesystem::remove_all(*dir_);
    delete pki_;
    delete dir_;
  }

  // An mTLS channel to listener `index` (1: mtls only, 2: mtls and bearer), presenting `leaf`
  // (none when null) and trusting the callers' CA for the server.
  static std::shared_ptr<grpc::Channel> Channel(int index, const TestCa::Leaf* leaf) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = pki_->ca.cert_pem();
    if (leaf != nullptr) {
      tls.pem_cert_chain = leaf->cert_pem;
      tls.pem_private_key = leaf->key_pem;
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    // A fresh connection per channel, so that each test sees its own handshake.
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    return grpc::CreateCustomChannel(harness().gateway().listening()[static_cast<size_t>(index)],
                                     grpc::SslCredentials(tls), args);
  }

  static grpc::Status Evaluate(const std::shared_ptr<grpc::Channel>& channel,
                               const std::string& integration, const std::string& bearer = "") {
    fpgw::v1::EvaluateRequest request;
    request.set_integration(integration);
    request.set_token("1760000000123.mtlsT1");
    fpgw::v1::EvaluateResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (!bearer.empty()) context.AddMetadata("authorization", "Bearer " + bearer);
    grpc::Status status =
        fpgw::v1::EvaluationService::NewStub(channel)->Evaluate(&context, request, &response);
    if (status.ok() && !integration.empty()) {
      EXPECT_EQ(response.evaluation().source().integration(), integration);
    }
    return status;
  }

  static std::string* dir_;
  static Pki* pki_;
  static SecretVolume* volume_;
};

std::string* MtlsTest::dir_ = nullptr;
Pki* MtlsTest::pki_ = nullptr;
SecretVolume* MtlsTest::volume_ = nullptr;

TEST_F(MtlsTest, NoClientCertificateIsRefusedBeforeAnyCall) {
  const uint64_t before = harness().sandbox().request_count();
  EXPECT_THAT(Evaluate(Channel(1, nullptr), "alpha-fp"), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(MtlsTest, ACertificateFromAnUnknownCaIsRefused) {
  const uint64_t before = harness().sandbox().request_count();
  EXPECT_THAT(Evaluate(Channel(1, &pki_->rogue_x), "alpha-fp"),
              StatusIs(absl::StatusCode::kUnavailable));
  // Also where the certificate is optional (bearer listener): one presented must verify.
  EXPECT_THAT(Evaluate(Channel(2, &pki_->rogue_x), "alpha-fp"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(MtlsTest, TheSpiffeIdNamesTheCallerWhoActsForItsTenantOnly) {
  const auto channel = Channel(1, &pki_->x);
  EXPECT_THAT(Evaluate(channel, "alpha-fp"), IsOk());
  EXPECT_THAT(Evaluate(channel, "alpha-fp2"), IsOk());
  // The default integration is the caller's tenant's first.
  EXPECT_THAT(Evaluate(channel, ""), IsOk());
  const uint64_t before = harness().sandbox().request_count();
  grpc::Status other = Evaluate(channel, "beta-fp");
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(other, HasReason(fpgw::v1::ERROR_REASON_UNKNOWN_INTEGRATION));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(MtlsTest, ACallerMayUseOnlyItsServices) {
  fpgw::v1::DeleteDeviceDataRequest request;
  request.set_integration("alpha-fp");
  request.set_device_id("visitorMtlsDelete0001");
  fpgw::v1::DeleteDeviceDataResponse response;
  grpc::ClientContext context;
  const uint64_t before = harness().sandbox().request_count();
  grpc::Status status = fpgw::v1::AdminService::NewStub(Channel(1, &pki_->x))
                            ->DeleteDeviceData(&context, request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_CALLER_NOT_AUTHORIZED));
  EXPECT_THAT(status, HasMetadata("caller", "x"));
  EXPECT_THAT(status, HasMetadata("service", "AdminService"));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(MtlsTest, ADnsNameNamesTheCallerToo) {
  const auto channel = Channel(1, &pki_->y);
  EXPECT_THAT(Evaluate(channel, "beta-fp"), IsOk());
  EXPECT_THAT(Evaluate(channel, "alpha-fp"), StatusIs(absl::StatusCode::kNotFound));
  fpgw::v1::DeleteDeviceDataRequest request;
  request.set_integration("beta-fp");
  request.set_device_id("visitorMtlsDelete0002");
  fpgw::v1::DeleteDeviceDataResponse response;
  grpc::ClientContext context;
  EXPECT_THAT(
      fpgw::v1::AdminService::NewStub(channel)->DeleteDeviceData(&context, request, &response),
      IsOk());
}

TEST_F(MtlsTest, AValidCertificateThatNamesNoCallerIsUnauthenticated) {
  const uint64_t before = harness().sandbox().request_count();
  grpc::Status status = Evaluate(Channel(1, &pki_->stranger), "alpha-fp");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(status, HasReason(fpgw::v1::ERROR_REASON_CALLER_UNAUTHENTICATED));
  EXPECT_EQ(harness().sandbox().request_count(), before);
}

TEST_F(MtlsTest, WithBearerTokensTooACertificateIsOptionalButOneIdentityOnly) {
  EXPECT_THAT(Evaluate(Channel(2, nullptr), "beta-fp", kBetaToken), IsOk());
  EXPECT_THAT(Evaluate(Channel(2, &pki_->x), "alpha-fp"), IsOk());
  grpc::Status none = Evaluate(Channel(2, nullptr), "beta-fp");
  EXPECT_THAT(none, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(none, HasReason(fpgw::v1::ERROR_REASON_CALLER_UNAUTHENTICATED));
  // x's certificate with beta's token: two callers at once.
  grpc::Status both = Evaluate(Channel(2, &pki_->x), "beta-fp", kBetaToken);
  EXPECT_THAT(both, StatusIs(absl::StatusCode::kUnauthenticated));
  // The bearer listener accepts no tokens on the mTLS-only one.
  EXPECT_THAT(Evaluate(Channel(1, nullptr), "beta-fp", kBetaToken),
              StatusIs(absl::StatusCode::kUnavailable));
}

// grpcurl, as docs/security.md shows it: the caller's certificate and key, the CA that signs the
// server. Runs when the tools are installed (scripts/setup.sh installs them).
TEST_F(MtlsTest, GrpcurlWithAClientCertificateWorksAsDocumented) {
  const char* tools = std::getenv("FPGW_TOOLS_BIN");
  const std::string grpcurl = tools == nullptr ? "" : std::string(tools) + "/grpcurl";
  if (grpcurl.empty() || !std::filesystem::exists(grpcurl)) {
    GTEST_SKIP() << "grpcurl is not installed (scripts/setup.sh installs it)";
  }
  const std::string address = harness().gateway().listening()[1];
  const std::string request = R"('{"integration":"alpha-fp","token":"1760000000123.grpcurl"}')";
  const std::string with_cert =
      absl::StrCat(grpcurl, " -cacert ", *dir_, "/ca.crt -cert ", *dir_, "/x.crt -key ", *dir_,
                   "/x.key -servername localhost -d ", request, " ", address,
                   " fpgw.v1.EvaluationService/Evaluate > ", *dir_, "/grpcurl.out 2>&1");
  EXPECT_EQ(std::system(with_cert.c_str()), 0);
  const std::string text = ReadTextFile(*dir_ + "/grpcurl.out");
  EXPECT_THAT(text, ::testing::HasSubstr("\"integration\": \"alpha-fp\""));
  const std::string without_cert =
      absl::StrCat(grpcurl, " -cacert ", *dir_, "/ca.crt -servername localhost -d ", request, " ",
                   address, " fpgw.v1.EvaluationService/Evaluate > /dev/null 2>&1");
  EXPECT_NE(std::system(without_cert.c_str()), 0);
}

// A TLS key that does not belong to the certificate stops the start, naming the field.
TEST(MtlsStart, AKeyThatDoesNotMatchTheCertificateStopsTheStart) {
  auto ca = TestCa::Create("fpgw callers CA");
  ASSERT_TRUE(ca.ok());
  auto one = ca->Issue("localhost", "DNS:localhost", TestCa::Usage::kServer);
  auto other = ca->Issue("localhost", "DNS:localhost", TestCa::Usage::kServer);
  ASSERT_TRUE(one.ok() && other.ok());
  SecretVolume volume;
  volume.Swap({{"tls.key", other->key_pem}});
  const std::string cert = volume.path() + "/server.crt";
  WriteTextFile(cert, one->cert_pem);
  auto harness = GatewayHarness::Start([&](GatewayConfigBuilder& config) {
    config.SetSecretDirectory(volume.path());
    AddTlsListener(config, {fpgw::config::v1::CALLER_AUTHENTICATION_MTLS}, cert, cert);
    config.AddCaller("app", "acme").add_spiffe_ids("spiffe://fpgw.test/app");
    config.AddCaller("ops", "acme").set_local(true);
    config.AddIntegration("fp", "fingerprint-v4");
  });
  ASSERT_FALSE(harness.ok());
  EXPECT_EQ(harness.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(harness.status().message()),
              ::testing::HasSubstr("server.listeners[1].tls.key (file:tls.key): does not match"));
  EXPECT_FALSE(absl::StrContains(harness.status().message(), "PRIVATE KEY"));
}

}  // namespace
}  // namespace fpgw::security
