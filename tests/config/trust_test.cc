// The trust rules of a config: listeners that authenticate their callers, callers bound to one
// tenant, proxies and the tenant header, page-token keys — and overrides (--listen, FPGW_LISTEN)
// checked by the same rules as the file.
#include "config/trust.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/config_problems.h"
#include "vendors/registry.h"

namespace fpgw::config {
namespace {

using ::fpgw::testing::ProblemPaths;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kTenants[] = R"(
tenants:
  - {name: acme, integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
  - {name: globex, integrations: [{name: fp, vendor: fingerprint, credential: {env: K}}]}
)";

std::vector<ConfigProblem> Parse(const std::string& server, fpgw::config::v1::Config* config,
                                 const ConfigOverrides& overrides = {}) {
  return vendors::ParseConfig(absl::StrCat("server:\n", server, kTenants), config, overrides);
}

std::vector<std::string> Paths(const std::string& server, const ConfigOverrides& overrides = {}) {
  fpgw::config::v1::Config config;
  return ProblemPaths(Parse(server, &config, overrides));
}

// The message of the problem at `path`, or "".
std::string MessageAt(const std::string& server, const std::string& path,
                      const ConfigOverrides& overrides = {}) {
  fpgw::config::v1::Config config;
  for (const ConfigProblem& problem : Parse(server, &config, overrides)) {
    if (problem.path == path) return problem.message;
  }
  return "";
}

TEST(Trust, ALocalListenerWithALocalCallerIsValid) {
  EXPECT_THAT(Paths(R"(
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: acme, local: true}]
)"),
              IsEmpty());
}

TEST(Trust, AListenerOtherHostsReachMustAuthenticateOrSaySoInWords) {
  const std::string open = R"(
  listeners: [{address: "0.0.0.0:50051"}]
  callers: [{name: app, tenant: acme, local: true}]
)";
  EXPECT_THAT(MessageAt(open, "server.listeners[0].authentication"),
              HasSubstr("anyone who can connect act as a tenant"));
  EXPECT_THAT(Paths(R"(
  listeners: [{address: "0.0.0.0:50051", allow_unauthenticated_callers: true}]
  callers: [{name: anyone, tenant: acme, anonymous: true}]
)"),
              IsEmpty());
  // Saying so needs someone to be: the anonymous caller.
  EXPECT_THAT(Paths(R"(
  listeners: [{address: "0.0.0.0:50051", allow_unauthenticated_callers: true}]
  callers: [{name: app, tenant: acme, local: true}]
)"),
              Contains("server.listeners[0].allow_unauthenticated_callers"));
}

TEST(Trust, EachWayOfAuthenticatingHasItsPreconditions) {
  const auto paths = Paths(R"(
  listeners:
    - {address: "0.0.0.0:1", authentication: [local]}
    - {address: "0.0.0.0:2", authentication: [bearer]}
    - {address: "0.0.0.0:3", authentication: [mtls], tls: {cert_file: c, key: {env: K}}}
    - {address: "127.0.0.1:4", authentication: [unix_uid]}
    - {address: "unix:/run/a.sock", authentication: [unix_uid, local]}
    - {address: "127.0.0.1:6", authentication: [bearer], tls: {cert_file: c, key: {env: K}, client_ca_file: ca}}
  callers:
    - {name: a, tenant: acme, local: true}
    - {name: b, tenant: acme, bearer_token_sha256: {env: T}}
    - {name: c, tenant: acme, spiffe_ids: ["spiffe://x/y"]}
    - {name: d, tenant: acme, unix_uids: [1000]}
)");
  for (const char* path :
       {"server.listeners[0].authentication[0]", "server.listeners[1].authentication[0]",
        "server.listeners[2].authentication[0]", "server.listeners[3].authentication[0]",
        "server.listeners[4].authentication[0]", "server.listeners[5].tls.client_ca_file"}) {
    EXPECT_THAT(paths, Contains(path));
  }
}

TEST(Trust, EveryCallerActsForExactlyOneTenantAndIsRecognisedSomehow) {
  const auto paths = Paths(R"(
  tenant_header: x-fpgw-tenant
  listeners: [{address: "127.0.0.1:1", authentication: [local, bearer]}]
  callers:
    - {name: both, tenant: acme, proxy_for_tenants: [globex], local: true}
    - {name: neither, bearer_token_sha256: {env: T}}
    - {name: nobody, tenant: acme}
    - {name: lost, tenant: initech, bearer_token_sha256: {env: T}}
    - {name: narrow, tenant: acme, integrations: [other], bearer_token_sha256: {env: T}}
    - {name: both, tenant: acme, bearer_token_sha256: {env: T}}
    - {name: proxy, proxy_for_tenants: [initech], bearer_token_sha256: {env: T}}
)");
  for (const char* path :
       {"server.callers[0].tenant", "server.callers[1].tenant", "server.callers[2]",
        "server.callers[3].tenant", "server.callers[4].integrations[0]", "server.callers[5].name",
        "server.callers[6].proxy_for_tenants[0]"}) {
    EXPECT_THAT(paths, Contains(path));
  }
}

TEST(Trust, AnIdentityNamesOneCallerOnly) {
  const auto paths = Paths(R"(
  listeners:
    - {address: "127.0.0.1:1", authentication: [mtls], tls: {cert_file: c, key: {env: K}, client_ca_file: ca}}
    - {address: "unix:/run/a.sock", authentication: [unix_uid]}
    - {address: "unix:/run/b.sock", authentication: [local]}
  callers:
    - {name: a, tenant: acme, spiffe_ids: ["spiffe://x/a"], dns_names: [A.example], unix_uids: [7]}
    - {name: b, tenant: globex, spiffe_ids: ["spiffe://x/a", "not-spiffe"], dns_names: [a.example], unix_uids: [7]}
    - {name: c, tenant: acme, local: true}
    - {name: d, tenant: globex, local: true}
)");
  for (const char* path : {"server.callers[1].spiffe_ids[0]", "server.callers[1].spiffe_ids[1]",
                           "server.callers[1].dns_names[0]", "server.callers[1].unix_uids[0]",
                           "server.callers[3].local"}) {
    EXPECT_THAT(paths, Contains(path));
  }
}

TEST(Trust, TheTenantHeaderIsForProxiesOnly) {
  EXPECT_THAT(Paths(R"(
  tenant_header: x-fpgw-tenant
  listeners: [{address: "127.0.0.1:1", authentication: [local]}]
  callers: [{name: app, tenant: acme, local: true}]
)"),
              Contains("server.tenant_header"));
  EXPECT_THAT(Paths(R"(
  listeners: [{address: "127.0.0.1:1", authentication: [local]}]
  callers: [{name: mesh, proxy_for_tenants: [acme, globex], local: true}]
)"),
              Contains("server.tenant_header"));
  fpgw::config::v1::Config config;
  EXPECT_THAT(Parse(R"(
  tenant_header: X-FPGW-Tenant
  listeners: [{address: "127.0.0.1:1", authentication: [local]}]
  callers: [{name: mesh, proxy_for_tenants: [acme, globex], local: true}]
)",
                    &config),
              IsEmpty());
  // gRPC metadata keys are lower case.
  EXPECT_EQ(config.server().tenant_header(), "x-fpgw-tenant");
}

TEST(Trust, AWayOfAuthenticatingThatNoCallerOrNoListenerUsesIsAMistake) {
  const auto paths = Paths(R"(
  listeners: [{address: "127.0.0.1:1", authentication: [local, bearer]}]
  callers: [{name: app, tenant: acme, spiffe_ids: ["spiffe://x/a"]}]
)");
  EXPECT_THAT(paths, Contains("server.callers"));
  EXPECT_THAT(paths, Contains("server.listeners[0].authentication[0]"));
  EXPECT_THAT(paths, Contains("server.listeners[0].authentication[1]"));
}

TEST(Trust, TheDeprecatedListenIsRefusedWithTheFormToWriteInstead) {
  const std::string legacy = R"(
  listen: ["0.0.0.0:50051"]
  callers: [{name: app, tenant: acme, local: true}]
)";
  EXPECT_THAT(MessageAt(legacy, "server.listen[0]"),
              HasSubstr(R"(listeners: [{address: "0.0.0.0:50051", authentication: [mtls]}])"));
}

TEST(Trust, OverridesMeetTheSameRulesAsTheFile) {
  const std::string local = R"(
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: acme, local: true}]
)";
  EXPECT_THAT(Paths(local, {"127.0.0.1:6000", ""}), IsEmpty());
  EXPECT_THAT(Paths(local, {"unix:/run/fpgw.sock", ""}), IsEmpty());
  // Moving a local-trust listener to where other hosts reach it is refused, naming the field.
  EXPECT_THAT(MessageAt(local, "server.listeners[0].authentication[0]", {"0.0.0.0:50051", ""}),
              HasSubstr("local trust works on loopback or a Unix socket only"));
  EXPECT_THAT(Paths(local, {"10.1.2.3:50051", ""}),
              Contains("server.listeners[0].authentication[0]"));
  // With no listener in the file, an override alone opens nothing.
  EXPECT_THAT(Paths(R"(
  callers: [{name: app, tenant: acme, local: true}]
)",
                    {"0.0.0.0:50051", ""}),
              Contains("server.listeners[0].authentication"));
  // The override replaces the address of the first listener and drops the others.
  fpgw::config::v1::Config config;
  ASSERT_THAT(Parse(R"(
  listeners:
    - {address: "127.0.0.1:1", authentication: [local]}
    - {address: "unix:/run/a.sock", authentication: [local]}
  callers: [{name: app, tenant: acme, local: true}]
)",
                    &config, {"[::1]:7", ""}),
              IsEmpty());
  ASSERT_EQ(config.server().listeners_size(), 1);
  EXPECT_EQ(config.server().listeners(0).address(), "[::1]:7");
}

TEST(Trust, TheMetricsListenerOpensBeyondLoopbackOnlyWhenTheConfigSaysSo) {
  const std::string base = R"(
  listeners: [{address: "127.0.0.1:50051", authentication: [local]}]
  callers: [{name: app, tenant: acme, local: true}]
)";
  EXPECT_THAT(Paths(base + "  metrics_listen: \"127.0.0.1:9464\"\n"), IsEmpty());
  EXPECT_THAT(Paths(base + "  metrics_listen: \"[::1]:9464\"\n"), IsEmpty());
  EXPECT_THAT(MessageAt(base + "  metrics_listen: \"0.0.0.0:9464\"\n", "server.metrics_listen"),
              HasSubstr("server.metrics_allow_unauthenticated"));
  EXPECT_THAT(Paths(base + "  metrics_listen: \"0.0.0.0:9464\"\n"
                           "  metrics_allow_unauthenticated: true\n"),
              IsEmpty());
  EXPECT_THAT(Paths(base + "  metrics_listen: \"unix:/run/m.sock\"\n"),
              Contains("server.metrics_listen"));
  EXPECT_THAT(Paths(base + "  metrics_listen: \"no-port\"\n"), Contains("server.metrics_listen"));
  // An override goes through the same check: it can move the listener, never open it.
  EXPECT_THAT(Paths(base, {"", "10.1.2.3:9464"}), Contains("server.metrics_listen"));
  EXPECT_THAT(Paths(base, {"", "127.0.0.1:0"}), IsEmpty());
}

TEST(Trust, AHealthOnlyListenerNeedsNoAuthenticationAndTakesNone) {
  const std::string probes = R"(
  listeners:
    - {address: "127.0.0.1:50051", authentication: [local]}
    - {address: "0.0.0.0:8081", health_only: true}
  callers: [{name: app, tenant: acme, local: true}]
)";
  EXPECT_THAT(Paths(probes), IsEmpty());
  EXPECT_THAT(Paths(R"(
  listeners:
    - {address: "127.0.0.1:50051", authentication: [local]}
    - {address: "0.0.0.0:8081", health_only: true, allow_unauthenticated_callers: true}
  callers: [{name: app, tenant: acme, local: true}]
)"),
              Contains("server.listeners[1].health_only"));
  EXPECT_THAT(Paths(R"(
  listeners:
    - {address: "127.0.0.1:50051", authentication: [local]}
    - {address: "127.0.0.1:8081", health_only: true, authentication: [local]}
  callers: [{name: app, tenant: acme, local: true}]
)"),
              Contains("server.listeners[1].health_only"));
}

TEST(Trust, PageTokenKeysHaveUniqueIdsAndALifetime) {
  const auto paths = Paths(R"(
  listeners: [{address: "127.0.0.1:1", authentication: [local]}]
  callers: [{name: app, tenant: acme, local: true}]
  page_tokens:
    keys: [{id: k1, key: {env: A}}, {id: k1, key: {env: B}}, {id: "bad id", key: {env: C}}, {id: k3}]
    lifetime: 0s
)");
  for (const char* path : {"server.page_tokens.keys[1].id", "server.page_tokens.keys[2].id",
                           "server.page_tokens.keys[3].key", "server.page_tokens.lifetime"}) {
    EXPECT_THAT(paths, Contains(path));
  }
  // The deprecated single key is read as key "0".
  fpgw::config::v1::Config config;
  ASSERT_THAT(Parse(R"(
  listeners: [{address: "127.0.0.1:1", authentication: [local]}]
  callers: [{name: app, tenant: acme, local: true}]
  page_token_key: {env: PAGE_KEY}
)",
                    &config),
              IsEmpty());
  ASSERT_EQ(config.server().page_tokens().keys_size(), 1);
  EXPECT_EQ(config.server().page_tokens().keys(0).id(), "0");
  EXPECT_EQ(config.server().page_tokens().keys(0).key().env(), "PAGE_KEY");
}

TEST(Trust, LocalAddressesAreLoopbackAndUnixSocketsOnly) {
  for (const char* local : {"127.0.0.1:1", "127.8.9.10:1", "localhost:1", "[::1]:1", "unix:/a"}) {
    EXPECT_TRUE(IsLocalAddress(local)) << local;
  }
  for (const char* remote : {"0.0.0.0:1", "10.0.0.1:1", "[::]:1", "localhost.evil:1", "128.0.0.1:1",
                             "example.com:1", "127.0.0.1"}) {
    EXPECT_FALSE(IsLocalAddress(remote)) << remote;
  }
}

}  // namespace
}  // namespace fpgw::config
