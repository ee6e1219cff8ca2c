// ListenerAuth: how one listener recognises the caller of each call, in the order its config
// lists: the client certificate's SAN (mTLS), an `authorization: Bearer` token, the peer uid of a
// Unix-socket connection, local trust, or — on a listener that allows it — nobody (the anonymous
// caller). A credential that is presented but names no caller is refused, never skipped.
#ifndef FPGW_AUTH_LISTENER_AUTH_H_
#define FPGW_AUTH_LISTENER_AUTH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/callers.h"
#include "fpgw/config/v1/config.pb.h"
#include "grpcpp/server_context.h"

namespace fpgw::auth {

// Thread-safe (immutable).
class ListenerAuth final {
 public:
  // For a listener of the config. `callers` outlives this object.
  ListenerAuth(const Callers* callers, const fpgw::config::v1::Listener& listener);

  // For connections whose caller is already known when they are accepted (a Unix socket's peer
  // uid): every call is `caller`'s.
  ListenerAuth(const Callers* callers, const Caller* caller, std::string address);

  // The caller of the call. UNAUTHENTICATED (CALLER_UNAUTHENTICATED) when it presents no credential
  // the listener accepts, or one that names no caller (or two different ones).
  absl::StatusOr<const Caller*> Recognise(const grpc::ServerContextBase& context) const;

  // The call's values of the tenant header (none when no caller is a proxy).
  std::vector<absl::string_view> TenantValues(const grpc::ServerContextBase& context) const;

  const Callers& callers() const { return *callers_; }
  // The listener's address, for logs.
  const std::string& address() const { return address_; }

 private:
  const Callers* callers_;
  std::string address_;
  bool mtls_ = false;
  bool bearer_ = false;
  bool local_ = false;
  bool anonymous_ = false;
  const Caller* fixed_ = nullptr;
  // "mtls, bearer", for the message of a call without credentials.
  std::string accepted_;
};

}  // namespace fpgw::auth

#endif  // FPGW_AUTH_LISTENER_AUTH_H_
