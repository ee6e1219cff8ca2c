// Config parsing and validation: defaults, and every problem reported with its field path. The
// vendors' own rules come from the vendor registry, as in the binary; these generic cases use the
// default vendor (Fingerprint), and each vendor's own rules are tested in
// tests/vendors/<vendor>/config_test.cc.
#include "config/config_loader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/config_problems.h"
#include "vendors/registry.h"

namespace fpgw::config {
namespace {

using ::fpgw::testing::ProblemPaths;
using ::fpgw::vendors::ParseConfig;
using ::testing::Contains;
using ::testing::Not;

TEST(ConfigLoader, ParsesAValidConfigAndFillsDefaults) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners:
    - address: "0.0.0.0:50051"
      authentication: [mtls]
      tls: {cert_file: /etc/fpgw/tls.crt, key: {file: tls.key}, client_ca_file: /etc/fpgw/ca.crt}
    - {address: "unix:/run/fpgw.sock", authentication: [local]}
  callers:
    - {name: checkout, tenant: acme, spiffe_ids: ["spiffe://example.org/ns/shop/sa/checkout"]}
    - {name: sidecar-app, tenant: acme, local: true, services: [evaluation, admin]}
  drain_grace_period: 250ms
secret_stores:
  directory: /var/run/secrets/fpgw
tenants:
  - name: acme
    integrations:
      - name: fp-eu
        vendor: fingerprint
        credential: {file: fingerprint-key}
        timeout: 1.5s
      - name: fp-v3
        vendor: VENDOR_FINGERPRINT
        api_version: v3
        credential: {env: FP_V3_KEY}
)",
                                    &config);
  ASSERT_TRUE(problems.empty()) << FormatProblems(problems);
  EXPECT_EQ(config.server().listeners_size(), 2);
  // A caller's services default to evaluation only; page tokens live an hour by default.
  EXPECT_THAT(config.server().callers(0).services(),
              ::testing::ElementsAre(fpgw::config::v1::CALLER_SERVICE_EVALUATION));
  EXPECT_EQ(ToDuration(config.server().page_tokens().lifetime()), absl::Hours(1));
  EXPECT_EQ(config.server().drain_grace_period().nanos(), 250000000);
  EXPECT_EQ(config.server().max_receive_message_bytes(), 1 << 20);
  EXPECT_EQ(config.http().max_response_bytes(), 8 << 20);
  const auto& fp = config.tenants(0).integrations(0);
  EXPECT_EQ(fp.timeout().seconds(), 1);
  EXPECT_EQ(fp.timeout().nanos(), 500000000);
  // The vendor's default API version is filled in.
  EXPECT_EQ(fp.api_version(), "v4");
  EXPECT_EQ(SecretRefName(fp.credential()), "file:fingerprint-key");
  EXPECT_EQ(config.tenants(0).integrations(1).api_version(), "v3");
  // Each integration's concurrency limit and the shared cache's budget.
  EXPECT_EQ(fp.limits().max_concurrent_calls(), 64);
  EXPECT_EQ(fp.limits().max_queued_calls(), 1024);
  EXPECT_FALSE(fp.has_cache_ttl());  // the vendor's default applies
  EXPECT_EQ(config.evaluation_cache().max_bytes(), int64_t{64} << 20);
  // Vendor retries and circuit breaking are on by default.
  EXPECT_EQ(config.http().retry().max_attempts(), 3);
  EXPECT_EQ(ToDuration(config.http().retry().initial_backoff()), absl::Milliseconds(50));
  EXPECT_EQ(ToDuration(config.http().retry().max_backoff()), absl::Seconds(1));
  EXPECT_EQ(config.http().retry().budget_percent(), 20);
  EXPECT_EQ(config.http().retry().min_retry_concurrency(), 3);
  EXPECT_EQ(config.http().circuit_breaker().consecutive_failures(), 5);
  EXPECT_EQ(ToDuration(config.http().circuit_breaker().open_for()), absl::Seconds(1));
  EXPECT_EQ(ToDuration(config.http().circuit_breaker().max_open_for()), absl::Seconds(30));
}

TEST(ConfigLoader, BoundsTheResilienceSettings) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: a, local: true}]
evaluation_cache: {max_bytes: 99999999999999}
tenants:
  - name: a
    integrations:
      - {name: fp, vendor: fingerprint, credential: {env: K}, cache_ttl: 48h,
         limits: {max_concurrent_calls: -1, max_queued_calls: -5}}
      - {name: fp2, vendor: fingerprint, credential: {env: K}, cache_ttl: 0s}
http:
  retry: {max_attempts: 11, initial_backoff: 2s, max_backoff: 1s, budget_percent: 101,
          min_retry_concurrency: -1}
  circuit_breaker: {open_for: 0s}
)",
                                    &config);
  const auto paths = ProblemPaths(problems);
  for (const char* path :
       {"evaluation_cache.max_bytes", "tenants[0].integrations[0].cache_ttl",
        "tenants[0].integrations[0].limits.max_concurrent_calls",
        "tenants[0].integrations[0].limits.max_queued_calls", "http.retry.max_attempts",
        "http.retry.max_backoff", "http.retry.budget_percent", "http.retry.min_retry_concurrency",
        "http.circuit_breaker.max_open_for"}) {
    EXPECT_THAT(paths, Contains(path)) << FormatProblems(problems);
  }
  EXPECT_THAT(paths, Not(Contains("tenants[0].integrations[1].cache_ttl")));
}

TEST(ConfigLoader, ReportsEveryProblemWithItsFieldPath) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners: [{address: "no-port", authentication: [local]}]
  colour: blue
tenants:
  - name: acme
    integrations:
      - name: fp
        vendor: fingerprnt
        timeout: soon
        credential: {env: A, file: b}
)",
                                    &config);
  const auto paths = ProblemPaths(problems);
  EXPECT_THAT(paths, Contains("server.colour"));
  EXPECT_THAT(paths, Contains("server.listeners[0].address"));
  EXPECT_THAT(paths, Contains("tenants[0].integrations[0].vendor"));
  EXPECT_THAT(paths, Contains("tenants[0].integrations[0].timeout"));
  EXPECT_THAT(paths, Contains("tenants[0].integrations[0].credential.file"));
}

TEST(ConfigLoader, ReportsSemanticProblems) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners: [{address: "localhost", authentication: [local]}]
  callers: [{name: app, tenant: a, local: true}]
tenants:
  - name: a
    integrations:
      - {name: x, vendor: fingerprint, api_version: v9, credential: {env: K}}
      - {name: x, vendor: fingerprint, base_url: "http://evil.test", credential: {file: k}}
      - {name: y, vendor: fingerprint}
  - name: a
    integrations: []
)",
                                    &config);
  const auto paths = ProblemPaths(problems);
  for (const char* path :
       {"server.listeners[0].address", "tenants[0].integrations[0].api_version",
        "tenants[0].integrations[1].name", "tenants[0].integrations[1].base_url",
        "tenants[0].integrations[1].credential.file", "tenants[0].integrations[2].credential",
        "tenants[1].name", "tenants[1].integrations"}) {
    EXPECT_THAT(paths, Contains(path)) << FormatProblems(problems);
  }
}

TEST(ConfigLoader, RejectsBrokenYamlAndEmptyFiles) {
  fpgw::config::v1::Config config;
  EXPECT_FALSE(ParseConfig("tenants: [unclosed", &config).empty());
  EXPECT_FALSE(ParseConfig("", &config).empty());
  EXPECT_FALSE(ParseConfig("- just\n- a list\n", &config).empty());
  EXPECT_FALSE(ParseConfig("tenants: 5\n", &config).empty());
}

TEST(ConfigLoader, MissingFileIsNotFound) {
  EXPECT_EQ(vendors::LoadConfigFile("/nonexistent/fpgw.yaml").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ConfigLoader, GuardsAgainstUnsafeOrUnboundedSettings) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: a, local: true}]
  drain_grace_period: 2s
  drain_delay: 5s
  page_tokens: {keys: [{id: k1, key: {}}]}
http:
  max_response_bytes: 1073741824
tenants:
  - name: a
    integrations:
      - {name: fp, vendor: fingerprint, base_url: "http://127.evil.example/v4", credential: {env: K}, timeout: inf}
      - {name: fp2, vendor: fingerprint, base_url: "http://localhost.evil/v4", credential: {env: K}, timeout: 25h}
      - {name: fp3, vendor: fingerprint, base_url: "http://127.0.0.1:8443/v4", credential: {env: K}}
)",
                                    &config);
  const auto paths = ProblemPaths(problems);
  for (const char* path :
       {"server.drain_delay", "server.page_tokens.keys[0].key", "http.max_response_bytes",
        "tenants[0].integrations[0].base_url", "tenants[0].integrations[0].timeout",
        "tenants[0].integrations[1].base_url", "tenants[0].integrations[1].timeout"}) {
    EXPECT_THAT(paths, Contains(path)) << FormatProblems(problems);
  }
  EXPECT_THAT(paths, Not(Contains("tenants[0].integrations[2].base_url")));
}

TEST(ConfigLoader, DrainDelayDefaultsToOneSecond) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: a, local: true}]
tenants:
  - {name: a, integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
)",
                                    &config);
  EXPECT_TRUE(problems.empty()) << FormatProblems(problems);
  EXPECT_EQ(ToDuration(config.server().drain_delay()), absl::Seconds(1));
}

TEST(ConfigLoader, RefusesAProxyURLWithCredentials) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: a, local: true}]
http:
  proxy: "http://user:s3cretPW@proxy.internal:3128"
tenants:
  - {name: a, integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
)",
                                    &config);
  EXPECT_THAT(ProblemPaths(problems), Contains("http.proxy"));
  for (const auto& problem : problems)
    EXPECT_EQ(problem.message.find("s3cretPW"), std::string::npos);
}

TEST(ConfigLoader, ReportsSchemaAndSemanticProblemsInOneRun) {
  fpgw::config::v1::Config config;
  const auto problems = ParseConfig(R"(
server:
  colour: blue
tenants:
  - {name: "bad name!", integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
)",
                                    &config);
  EXPECT_THAT(ProblemPaths(problems), Contains("server.colour"));
  EXPECT_THAT(ProblemPaths(problems), Contains("tenants[0].name"));
}

}  // namespace
}  // namespace fpgw::config
