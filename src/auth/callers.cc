// The caller directory and authorisation.
#include "auth/callers.h"

#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "config/config_loader.h"
#include "telemetry/log.h"

namespace fpgw::auth {
namespace {

using fpgw::v1::ERROR_REASON_CALLER_NOT_AUTHORIZED;
using fpgw::v1::ERROR_REASON_CALLER_UNAUTHENTICATED;

absl::Status NotAuthorized(const Caller& caller, absl::string_view what, absl::string_view key,
                           absl::string_view value) {
  return MakeError(absl::StatusCode::kPermissionDenied, ERROR_REASON_CALLER_NOT_AUTHORIZED,
                   absl::StrCat("caller ", caller.name, " may not use ", what),
                   {{"caller", caller.name}, {std::string(key), std::string(value)}});
}

absl::Status Unauthenticated(absl::string_view why) {
  return MakeError(absl::StatusCode::kUnauthenticated, ERROR_REASON_CALLER_UNAUTHENTICATED, why);
}

std::string Sha256(absl::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

}  // namespace

absl::string_view ServiceName(Service service) {
  return service == Service::kAdmin ? "AdminService" : "EvaluationService";
}

std::unique_ptr<Callers> Callers::Create(const fpgw::config::v1::Config& config,
                                         const credentials::SecretRegistry* secrets) {
  std::unique_ptr<Callers> callers(new Callers());
  callers->secrets_ = secrets;
  callers->tenant_header_ = config.server().tenant_header();
  for (const auto& c : config.server().callers()) {
    auto caller = std::make_unique<Caller>();
    caller->name = c.name();
    caller->tenant = c.tenant();
    caller->proxy_for_tenants.insert(c.proxy_for_tenants().begin(), c.proxy_for_tenants().end());
    for (int service : c.services()) {
      caller->services.insert(service == fpgw::config::v1::CALLER_SERVICE_ADMIN
                                  ? Service::kAdmin
                                  : Service::kEvaluation);
    }
    caller->integrations.assign(c.integrations().begin(), c.integrations().end());
    caller->unix_uids.assign(c.unix_uids().begin(), c.unix_uids().end());
    const Caller* ptr = caller.get();
    for (const auto& id : c.spiffe_ids()) callers->by_spiffe_id_[id] = ptr;
    for (const auto& name : c.dns_names()) callers->by_dns_name_[name] = ptr;
    for (uint32_t uid : c.unix_uids()) callers->by_uid_[uid] = ptr;
    if (c.local()) callers->local_ = ptr;
    if (c.anonymous()) callers->anonymous_ = ptr;
    if (c.has_bearer_token_sha256()) {
      callers->token_sources_.emplace_back(ptr, config::SecretRefName(c.bearer_token_sha256()));
    }
    callers->callers_.push_back(std::move(caller));
  }
  return callers;
}

absl::Status Callers::CheckTokenHashes(const credentials::Secret& value) {
  const std::vector<absl::string_view> lines = value.RevealKeysForWire();
  if (lines.empty()) return absl::InvalidArgumentError("holds no token hash");
  for (size_t i = 0; i < lines.size(); ++i) {
    bool hex = lines[i].size() == 2 * SHA256_DIGEST_LENGTH;
    for (char c : lines[i]) hex &= absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (!hex) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", i + 1,
                       " is not a hex SHA-256 digest (64 characters; the hash of a token, never "
                       "the token)"));
    }
  }
  return absl::OkStatus();
}

const Caller* Callers::BySpiffeId(absl::string_view id) const {
  auto it = by_spiffe_id_.find(id);
  return it == by_spiffe_id_.end() ? nullptr : it->second;
}

const Caller* Callers::ByDnsName(absl::string_view name) const {
  auto it = by_dns_name_.find(absl::AsciiStrToLower(name));
  return it == by_dns_name_.end() ? nullptr : it->second;
}

const Caller* Callers::ByUid(uint32_t uid) const {
  auto it = by_uid_.find(uid);
  return it == by_uid_.end() ? nullptr : it->second;
}

std::shared_ptr<const Callers::TokenIndex> Callers::Tokens() const {
  const uint64_t generation = secrets_ == nullptr ? 0 : secrets_->generation();
  absl::MutexLock lock(&tokens_mu_);
  if (tokens_ != nullptr && tokens_->generation == generation) return tokens_;
  auto index = std::make_shared<TokenIndex>();
  index->generation = generation;
  std::set<std::string> ambiguous;
  for (const auto& [caller, reference] : token_sources_) {
    std::shared_ptr<const credentials::Secret> hashes =
        secrets_ == nullptr ? nullptr : secrets_->Current(reference);
    if (hashes == nullptr) continue;
    for (absl::string_view line : hashes->RevealKeysForWire()) {
      std::string digest = absl::HexStringToBytes(absl::AsciiStrToLower(line));
      auto [it, inserted] = index->by_digest.emplace(digest, caller);
      if (!inserted && it->second != caller) ambiguous.insert(digest);
    }
  }
  // A token listed for two callers names neither.
  for (const std::string& digest : ambiguous) index->by_digest.erase(digest);
  if (!ambiguous.empty()) {
    telemetry::Log(telemetry::LogLevel::kError,
                   "a bearer token hash is listed for more than one caller; it is refused",
                   {{"count", std::to_string(ambiguous.size())}});
  }
  tokens_ = index;
  return tokens_;
}

const Caller* Callers::ByBearerToken(absl::string_view token) const {
  if (token_sources_.empty()) return nullptr;
  std::shared_ptr<const TokenIndex> index = Tokens();
  auto it = index->by_digest.find(Sha256(token));
  return it == index->by_digest.end() ? nullptr : it->second;
}

absl::StatusOr<Principal> Callers::Authorize(
    const Caller& caller, Service service,
    const std::vector<absl::string_view>& tenant_values) const {
  if (caller.services.count(service) == 0) {
    return NotAuthorized(caller, ServiceName(service), "service", ServiceName(service));
  }
  if (tenant_values.size() > 1) {
    return Unauthenticated(
        absl::StrCat("the ", tenant_header_, " metadata is repeated; a call names one tenant"));
  }
  const bool named = !tenant_values.empty();
  if (caller.tenant.empty()) {
    // A proxy: the tenant header says whom the call is for.
    if (!named || tenant_values[0].empty()) {
      return Unauthenticated(
          absl::StrCat("the ", tenant_header_, " metadata naming the call's tenant is missing"));
    }
    const absl::string_view tenant = tenant_values[0];
    if (caller.proxy_for_tenants.count(tenant) == 0) {
      return NotAuthorized(caller, "that tenant", "tenant", tenant);
    }
    return Principal{&caller, std::string(tenant)};
  }
  if (named && tenant_values[0] != caller.tenant) {
    return NotAuthorized(caller, "that tenant", "tenant", tenant_values[0]);
  }
  return Principal{&caller, caller.tenant};
}

const std::string& Callers::IntegrationFor(const Caller& caller, const std::string& requested) {
  if (!requested.empty() || caller.integrations.empty()) return requested;
  return caller.integrations.front();
}

absl::Status Callers::AuthorizeIntegration(const Caller& caller, absl::string_view integration) {
  if (caller.integrations.empty()) return absl::OkStatus();
  for (const std::string& allowed : caller.integrations) {
    if (allowed == integration) return absl::OkStatus();
  }
  return NotAuthorized(caller, absl::StrCat("integration ", integration), "integration",
                       integration);
}

}  // namespace fpgw::auth
