// Recognising the caller of a call from its connection and metadata.
#include "auth/listener_auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/error.h"
#include "grpc/grpc_security_constants.h"

namespace fpgw::auth {
namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return MakeError(absl::StatusCode::kUnauthenticated,
                   fpgw::v1::ERROR_REASON_CALLER_UNAUTHENTICATED, why);
}

absl::string_view View(const grpc::string_ref& ref) {
  return absl::string_view(ref.data(), ref.size());
}

// The caller named by the verified client certificate: its SPIFFE ID, else its DNS SANs. Null
// with OK when the call has no client certificate.
absl::StatusOr<const Caller*> ByCertificate(const Callers& callers,
                                            const grpc::ServerContextBase& context) {
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return nullptr;
  // gRPC sets these only for a certificate that verified against the listener's client CAs.
  const std::vector<grpc::string_ref> pem =
      auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pem.empty()) return nullptr;
  for (const grpc::string_ref& id : auth->FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME)) {
    if (const Caller* caller = callers.BySpiffeId(View(id)); caller != nullptr) return caller;
  }
  const Caller* found = nullptr;
  for (const grpc::string_ref& name : auth->FindPropertyValues(GRPC_PEER_DNS_PROPERTY_NAME)) {
    const Caller* caller = callers.ByDnsName(View(name));
    if (caller == nullptr) continue;
    if (found != nullptr && found != caller) {
      return Unauthenticated("the client certificate names more than one caller");
    }
    found = caller;
  }
  if (found == nullptr) return Unauthenticated("the client certificate names no caller");
  return found;
}

// The caller named by the call's bearer token. Null with OK when the call has none.
absl::StatusOr<const Caller*> ByToken(const Callers& callers,
                                      const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range("authorization");
  if (begin == end) return nullptr;
  if (std::next(begin) != end) return Unauthenticated("the authorization metadata is repeated");
  absl::string_view value = View(begin->second);
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return Unauthenticated("expected authorization: Bearer <token>");
  }
  value.remove_prefix(kScheme.size());
  const Caller* caller = callers.ByBearerToken(value);
  if (caller == nullptr) return Unauthenticated("the bearer token names no caller");
  return caller;
}

}  // namespace

ListenerAuth::ListenerAuth(const Callers* callers, const fpgw::config::v1::Listener& listener)
    : callers_(callers), address_(listener.address()) {
  std::vector<std::string> accepted;
  for (int mode : listener.authentication()) {
    switch (mode) {
      case fpgw::config::v1::CALLER_AUTHENTICATION_MTLS:
        mtls_ = true;
        accepted.push_back("a client certificate");
        break;
      case fpgw::config::v1::CALLER_AUTHENTICATION_BEARER:
        bearer_ = true;
        accepted.push_back("authorization: Bearer <token>");
        break;
      case fpgw::config::v1::CALLER_AUTHENTICATION_LOCAL:
        local_ = true;
        break;
      default:
        break;
    }
  }
  anonymous_ = listener.allow_unauthenticated_callers();
  accepted_ = absl::StrJoin(accepted, " or ");
}

ListenerAuth::ListenerAuth(const Callers* callers, const Caller* caller, std::string address)
    : callers_(callers), address_(std::move(address)), fixed_(caller) {}

absl::StatusOr<const Caller*> ListenerAuth::Recognise(
    const grpc::ServerContextBase& context) const {
  if (fixed_ != nullptr) return fixed_;
  const Caller* by_token = nullptr;
  const Caller* by_certificate = nullptr;
  if (bearer_) {
    absl::StatusOr<const Caller*> caller = ByToken(*callers_, context);
    if (!caller.ok()) return caller.status();
    by_token = *caller;
  }
  if (mtls_) {
    absl::StatusOr<const Caller*> caller = ByCertificate(*callers_, context);
    if (!caller.ok()) return caller.status();
    by_certificate = *caller;
  }
  if (by_token != nullptr && by_certificate != nullptr && by_token != by_certificate) {
    return Unauthenticated("the bearer token and the client certificate name different callers");
  }
  if (by_token != nullptr) return by_token;
  if (by_certificate != nullptr) return by_certificate;
  if (local_ && callers_->local() != nullptr) return callers_->local();
  if (anonymous_ && callers_->anonymous() != nullptr) return callers_->anonymous();
  return Unauthenticated(absl::StrCat("no caller credential: this listener accepts ", accepted_));
}

std::vector<absl::string_view> ListenerAuth::TenantValues(
    const grpc::ServerContextBase& context) const {
  std::vector<absl::string_view> values;
  const std::string& header = callers_->tenant_header();
  if (header.empty()) return values;
  auto [begin, end] = context.client_metadata().equal_range(header);
  for (auto it = begin; it != end; ++it) values.push_back(View(it->second));
  return values;
}

}  // namespace fpgw::auth
