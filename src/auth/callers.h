// Callers: everyone the config lets call fpgw, how each is recognised, the one tenant each acts
// for, and what each may use. Built once from the validated config; the bearer-token hashes are
// re-read with the secrets they live in, so tokens rotate without a restart.
//
//   recognise (listener_auth.h)      authorise (here)
//   certificate SAN, bearer token, ─▶ service allowed? ─▶ tenant (own, or named by a proxy)
//   peer uid, local, anonymous        └▶ integration allowed?
#ifndef FPGW_AUTH_CALLERS_H_
#define FPGW_AUTH_CALLERS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "credentials/secret_registry.h"
#include "fpgw/config/v1/config.pb.h"

namespace fpgw::auth {

// What a caller may call.
enum class Service { kEvaluation, kAdmin };

// "EvaluationService" / "AdminService".
absl::string_view ServiceName(Service service);

// One configured caller.
struct Caller {
  std::string name;
  // The tenant it acts for; empty for a proxy.
  std::string tenant;
  // A proxy's tenants, named per call in the tenant header.
  std::set<std::string, std::less<>> proxy_for_tenants;
  std::set<Service> services;
  // The integrations it may use, in config order; empty: all of its tenant's.
  std::vector<std::string> integrations;
  std::vector<uint32_t> unix_uids;
};

// A recognised caller and the tenant a call acts for.
struct Principal {
  const Caller* caller = nullptr;
  std::string tenant;
};

// Immutable after Create() except for the token index, which follows its secrets. Thread-safe.
class Callers final {
 public:
  // The callers of a validated config. `secrets` holds every caller's bearer_token_sha256 and
  // outlives this object.
  static std::unique_ptr<Callers> Create(const fpgw::config::v1::Config& config,
                                         const credentials::SecretRegistry* secrets);

  // The check for a bearer_token_sha256 secret: lowercase hex SHA-256 digests, one per line.
  static absl::Status CheckTokenHashes(const credentials::Secret& value);

  const std::vector<std::unique_ptr<Caller>>& all() const { return callers_; }

  // The caller with this SPIFFE ID, DNS name or uid, the local and the anonymous caller; null when
  // none.
  const Caller* BySpiffeId(absl::string_view id) const;
  const Caller* ByDnsName(absl::string_view name) const;
  const Caller* ByUid(uint32_t uid) const;
  const Caller* local() const { return local_; }
  const Caller* anonymous() const { return anonymous_; }
  // The caller whose bearer_token_sha256 lists SHA-256(`token`); null when none.
  const Caller* ByBearerToken(absl::string_view token) const;

  // The metadata key by which proxies name tenants; empty when there are no proxies.
  const std::string& tenant_header() const { return tenant_header_; }

  // May `caller` call `service`, and for which tenant? `tenant_values` are the call's values of
  // the tenant header. A proxy names the tenant there; anyone else acts for its own tenant and may
  // repeat it there. UNAUTHENTICATED (CALLER_UNAUTHENTICATED) for a missing tenant header from a
  // proxy, or a repeated one from anyone; PERMISSION_DENIED (CALLER_NOT_AUTHORIZED) for a service,
  // or a tenant, that is not the caller's.
  absl::StatusOr<Principal> Authorize(const Caller& caller, Service service,
                                      const std::vector<absl::string_view>& tenant_values) const;

  // The integration a call names, or when it names none the caller's default: its first allowed
  // integration, or "" (its tenant's default) when it may use them all.
  static const std::string& IntegrationFor(const Caller& caller, const std::string& requested);

  // PERMISSION_DENIED (CALLER_NOT_AUTHORIZED) when `caller` may not use `integration`.
  static absl::Status AuthorizeIntegration(const Caller& caller, absl::string_view integration);

 private:
  Callers() = default;

  // The token index, rebuilt when a token secret has changed since it was built.
  struct TokenIndex {
    uint64_t generation = ~uint64_t{0};
    // SHA-256 digest (raw bytes) -> caller.
    std::map<std::string, const Caller*, std::less<>> by_digest;
  };
  std::shared_ptr<const TokenIndex> Tokens() const;

  std::vector<std::unique_ptr<Caller>> callers_;
  std::map<std::string, const Caller*, std::less<>> by_spiffe_id_;
  std::map<std::string, const Caller*, std::less<>> by_dns_name_;
  std::map<uint32_t, const Caller*> by_uid_;
  // (caller, reference of its bearer_token_sha256).
  std::vector<std::pair<const Caller*, std::string>> token_sources_;
  const Caller* local_ = nullptr;
  const Caller* anonymous_ = nullptr;
  std::string tenant_header_;
  const credentials::SecretRegistry* secrets_ = nullptr;

  mutable absl::Mutex tokens_mu_;
  mutable std::shared_ptr<const TokenIndex> tokens_ ABSL_GUARDED_BY(tokens_mu_);
};

}  // namespace fpgw::auth

#endif  // FPGW_AUTH_CALLERS_H_
