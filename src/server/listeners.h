// Listeners: one gRPC server per configured listener, each with the listener's transport security
// (TLS with or without client certificates, local credentials, or — only where the config allows
// unauthenticated callers — none) and its own instances of the services, bound to how that
// listener recognises callers (auth::ListenerAuth). A Unix socket that authenticates by peer uid is
// accepted by fpgw itself: the uid of each connection (SO_PEERCRED) picks the caller, and the
// connection is handed to a server whose every call is that caller's, so that no call can be
// attributed to another connection's uid. Health and reflection are served on every listener.
#ifndef FPGW_SERVER_LISTENERS_H_
#define FPGW_SERVER_LISTENERS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "auth/callers.h"
#include "auth/listener_auth.h"
#include "credentials/secret_registry.h"
#include "fpgw/config/v1/config.pb.h"
#include "grpcpp/server.h"
#include "server/services.h"

namespace fpgw::server {

class UidAcceptor;

class Listeners final {
 public:
  // Starts every listener of `config`. `state`, `callers` and `secrets` outlive the listeners.
  // FAILED_PRECONDITION naming the listener when one cannot listen or its TLS material is
  // unusable.
  static absl::StatusOr<std::unique_ptr<Listeners>> Start(
      const fpgw::config::v1::Config& config, const ServiceState* state,
      const auth::Callers* callers, const credentials::SecretRegistry* secrets);

  ~Listeners();

  // The addresses listened on, in config order, with port 0 resolved.
  const std::vector<std::string>& listening() const { return listening_; }

  // The status of health service `service` ("": overall) on every server.
  void SetHealth(const std::string& service, bool serving);

  // Stops accepting connections and calls; in-flight calls may finish until `deadline`, then are
  // cancelled. Blocks until every server has stopped. Idempotent.
  void Shutdown(absl::Time deadline);

  // The check of a listener's TLS key (for the secret registry): a PEM private key that matches
  // the certificate in `cert_file`.
  static credentials::SecretCheck TlsKeyCheck(std::string cert_file);

 private:
  Listeners() = default;

  // One gRPC server and the services it serves.
  struct Served {
    std::unique_ptr<auth::ListenerAuth> auth;
    std::unique_ptr<EvaluationServiceHandler> evaluation;
    std::unique_ptr<AdminServiceHandler> admin;
    std::unique_ptr<grpc::Server> server;
  };

  std::vector<Served> served_;
  std::vector<std::unique_ptr<UidAcceptor>> acceptors_;
  std::vector<std::string> listening_;
  bool shut_down_ = false;
};

}  // namespace fpgw::server

#endif  // FPGW_SERVER_LISTENERS_H_
