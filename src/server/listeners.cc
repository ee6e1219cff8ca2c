// Listeners: credentials per listener, one server per listener, and the peer-uid acceptor.
#include "server/listeners.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "config/config_loader.h"
#include "config/trust.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_posix.h"
#include "telemetry/log.h"

namespace fpgw::server {

using fpgw::config::v1::Config;
using fpgw::config::v1::Listener;
using telemetry::Log;
using telemetry::LogLevel;

namespace {

// How often gRPC re-reads a listener's certificate, key and client CAs from their files.
constexpr unsigned int kCertificateRefreshSeconds = 60;

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(field, ": cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<X509, X509Free> ParseCertificate(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// "unix:/run/fpgw.sock", "unix:///run/fpgw.sock" -> "/run/fpgw.sock".
std::string SocketPath(absl::string_view address) {
  absl::ConsumePrefix(&address, "unix:");
  if (absl::StartsWith(address, "///")) address.remove_prefix(2);
  return std::string(address);
}

// The transport security of `listener` (validated: see config/trust.h).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> CredentialsFor(
    const Listener& listener, const std::string& path, const Config& config,
    const credentials::SecretRegistry& secrets) {
  if (!listener.has_tls()) {
    if (listener.allow_unauthenticated_callers()) return grpc::InsecureServerCredentials();
    // Loopback or a Unix socket: gRPC's local credentials refuse any other peer.
    return grpc::experimental::LocalServerCredentials(
        config::IsUnixAddress(listener.address()) ? UDS : LOCAL_TCP);
  }
  const auto& tls = listener.tls();
  absl::StatusOr<std::string> cert = ReadFile(tls.cert_file(), path + ".tls.cert_file");
  if (!cert.ok()) return cert.status();
  std::string roots;
  if (!tls.client_ca_file().empty()) {
    absl::StatusOr<std::string> ca = ReadFile(tls.client_ca_file(), path + ".tls.client_ca_file");
    if (!ca.ok()) return ca.status();
    if (ParseCertificate(*ca) == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ".tls.client_ca_file: holds no PEM certificate"));
    }
    roots = *std::move(ca);
  }
  const std::string reference = config::SecretRefName(tls.key());
  std::shared_ptr<grpc::experimental::CertificateProviderInterface> provider;
  if (tls.key().has_file()) {
    // Files: gRPC re-reads them, so certificates rotate without a restart (a mesh's SPIFFE
    // certificates live for an hour).
    provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        absl::StrCat(config.secret_stores().directory(), "/", tls.key().file()), tls.cert_file(),
        tls.client_ca_file(), kCertificateRefreshSeconds);
  } else {
    std::shared_ptr<const credentials::Secret> key = secrets.Current(reference);
    if (key == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(path, ".tls.key: not loaded"));
    }
    provider = std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
        roots, std::vector<grpc::experimental::IdentityKeyCertPair>{
                   {std::string(key->RevealForWire()), *cert}});
  }
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  bool mtls = false;
  bool bearer = false;
  for (int mode : listener.authentication()) {
    mtls |= mode == fpgw::config::v1::CALLER_AUTHENTICATION_MTLS;
    bearer |= mode == fpgw::config::v1::CALLER_AUTHENTICATION_BEARER;
  }
  if (mtls) {
    options.watch_root_certs();
    // With bearer tokens too, a certificate is optional, but one that is presented must verify.
    options.set_cert_request_type(bearer
                                      ? GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY
                                      : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    // The chain is verified against the client CAs during the handshake; the SAN is matched to a
    // caller per call (auth::ListenerAuth). No host name applies to a client.
    options.set_certificate_verifier(
        std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

// A duration as a gRPC channel argument in milliseconds.
int ClampedMillis(absl::Duration duration) {
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(duration), INT32_MAX));
}

}  // namespace

// Accepts connections on a Unix socket, reads each peer's uid, and hands each connection to the
// server of the caller its uid names; connections of other uids are closed at once.
class UidAcceptor final {
 public:
  static absl::StatusOr<std::unique_ptr<UidAcceptor>> Start(
      const std::string& address, const std::string& field,
      std::map<uint32_t, grpc::Server*> servers) {
    const std::string path = SocketPath(address);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
      return absl::FailedPreconditionError(absl::StrCat(
          field, ": a socket path of 1 to ", sizeof(addr.sun_path) - 1, " characters is required"));
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    struct stat existing {};
    if (lstat(path.c_str(), &existing) == 0) {
      if (!S_ISSOCK(existing.st_mode)) {
        return absl::FailedPreconditionError(
            absl::StrCat(field, ": ", path, " exists and is not a socket"));
      }
      unlink(path.c_str());  // A socket left by an earlier run.
    }
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    // Every uid may connect, whatever the umask: the peer's uid, not the file's mode, decides
    // who is served (a uid that names no caller is closed at once). An app in another container
    // of the pod runs as another uid.
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        chmod(path.c_str(), 0666) != 0 || listen(fd, SOMAXCONN) != 0) {
      const int err = errno;
      if (fd >= 0) close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": cannot listen on ", address, ": ", std::strerror(err)));
    }
    std::unique_ptr<UidAcceptor> acceptor(new UidAcceptor(fd, path, std::move(servers)));
    acceptor->wake_fd_ = eventfd(0, EFD_CLOEXEC);
    if (acceptor->wake_fd_ < 0) {
      return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
    }
    acceptor->thread_ = std::thread([raw = acceptor.get()] { raw->Loop(); });
    return acceptor;
  }

  ~UidAcceptor() { Stop(); }

  void Stop() {
    if (thread_.joinable()) {
      const uint64_t one = 1;
      (void)!write(wake_fd_, &one, sizeof(one));
      thread_.join();
    }
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
      unlink(path_.c_str());
    }
    if (wake_fd_ >= 0) {
      close(wake_fd_);
      wake_fd_ = -1;
    }
  }

 private:
  UidAcceptor(int fd, std::string path, std::map<uint32_t, grpc::Server*> servers)
      : fd_(fd), path_(std::move(path)), servers_(std::move(servers)) {}

  void Loop() {
    absl::Time last_refusal_logged = absl::InfinitePast();
    int refused_unlogged = 0;
    while (true) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      while (true) {
        const int connection = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (connection < 0) break;
        ucred peer{};
        socklen_t length = sizeof(peer);
        auto server = servers_.end();
        if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0) {
          server = servers_.find(peer.uid);
        }
        if (server == servers_.end()) {
          close(connection);
          // At most one line a second, however fast refused peers connect.
          ++refused_unlogged;
          if (absl::Now() - last_refusal_logged >= absl::Seconds(1)) {
            Log(LogLevel::kWarning, "connection refused: its uid names no caller",
                {{"listener", absl::StrCat("unix:", path_)},
                 {"uid", std::to_string(peer.uid)},
                 {"refused", std::to_string(refused_unlogged)}});
            last_refusal_logged = absl::Now();
            refused_unlogged = 0;
          }
          continue;
        }
        grpc::AddInsecureChannelFromFd(server->second, connection);
      }
    }
  }

  int fd_;
  int wake_fd_ = -1;
  const std::string path_;
  const std::map<uint32_t, grpc::Server*> servers_;
  std::thread thread_;
};

credentials::SecretCheck Listeners::TlsKeyCheck(std::string cert_file) {
  return [cert_file = std::move(cert_file)](const credentials::Secret& key) -> absl::Status {
    const absl::string_view pem = key.RevealForWire();
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::unique_ptr<EVP_PKEY, PkeyFree> private_key(
        bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (private_key == nullptr) return absl::InvalidArgumentError("holds no PEM private key");
    absl::StatusOr<std::string> cert = ReadFile(cert_file, "tls.cert_file");
    if (!cert.ok()) return cert.status();
    std::unique_ptr<X509, X509Free> certificate = ParseCertificate(*cert);
    if (certificate == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("tls.cert_file ", cert_file, " holds no PEM certificate"));
    }
    if (X509_check_private_key(certificate.get(), private_key.get()) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("does not match the certificate in ", cert_file));
    }
    return absl::OkStatus();
  };
}

absl::StatusOr<std::unique_ptr<Listeners>> Listeners::Start(
    const Config& config, const ServiceState* state, const auth::Callers* callers,
    const credentials::SecretRegistry* secrets) {
  std::unique_ptr<Listeners> listeners(new Listeners());
  const auto& server_config = config.server();
  // One memory budget for gRPC's buffers across every listener's server.
  std::optional<grpc::ResourceQuota> quota;
  if (state->overload != nullptr && state->overload->options().max_memory_bytes > 0) {
    quota.emplace("fpgw");
    quota->Resize(static_cast<size_t>(state->overload->options().max_memory_bytes));
  }
  // A server of fpgw's services as `auth` recognises callers, or (null `auth`) of health alone.
  auto serve = [&](std::unique_ptr<auth::ListenerAuth> auth, const std::string& address,
                   std::shared_ptr<grpc::ServerCredentials> credentials,
                   int* port) -> absl::StatusOr<grpc::Server*> {
    Served served;
    served.auth = std::move(auth);
    if (served.auth != nullptr) {
      served.evaluation = std::make_unique<EvaluationServiceHandler>(state, served.auth.get());
      served.admin = std::make_unique<AdminServiceHandler>(state, served.auth.get());
    }
    grpc::ServerBuilder builder;
    if (credentials != nullptr) builder.AddListeningPort(address, credentials, port);
    builder.SetMaxReceiveMessageSize(server_config.max_receive_message_bytes());
    builder.SetMaxSendMessageSize(server_config.max_send_message_bytes());
    const auto& limits = server_config.limits();
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams());
    const absl::Duration age = config::ToDuration(limits.max_connection_age());
    if (age > absl::ZeroDuration()) {
      builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ClampedMillis(age));
      builder.AddChannelArgument(
          GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
          ClampedMillis(config::ToDuration(limits.max_connection_age_grace())));
    }
    if (quota.has_value()) builder.SetResourceQuota(*quota);
    if (served.evaluation != nullptr) builder.RegisterService(served.evaluation.get());
    if (served.admin != nullptr) builder.RegisterService(served.admin.get());
    served.server = builder.BuildAndStart();
    if (served.server == nullptr) return nullptr;
    grpc::Server* server = served.server.get();
    listeners->served_.push_back(std::move(served));
    return server;
  };

  for (int i = 0; i < server_config.listeners_size(); ++i) {
    const Listener& listener = server_config.listeners(i);
    const std::string path = absl::StrCat("server.listeners[", i, "]");
    const bool by_uid =
        !listener.authentication().empty() &&
        listener.authentication(0) == fpgw::config::v1::CALLER_AUTHENTICATION_UNIX_UID;
    if (by_uid) {
      // One server per caller with uids, fed by the acceptor.
      std::map<uint32_t, grpc::Server*> servers;
      for (const auto& caller : callers->all()) {
        if (caller->unix_uids.empty()) continue;
        absl::StatusOr<grpc::Server*> server =
            serve(std::make_unique<auth::ListenerAuth>(callers, caller.get(), listener.address()),
                  "", nullptr, nullptr);
        if (!server.ok() || *server == nullptr) {
          return absl::FailedPreconditionError(
              absl::StrCat(path, ": the gRPC server could not start"));
        }
        for (uint32_t uid : caller->unix_uids) servers[uid] = *server;
      }
      absl::StatusOr<std::unique_ptr<UidAcceptor>> acceptor =
          UidAcceptor::Start(listener.address(), path + ".address", std::move(servers));
      if (!acceptor.ok()) return acceptor.status();
      listeners->acceptors_.push_back(*std::move(acceptor));
      listeners->listening_.push_back(listener.address());
      continue;
    }
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        listener.health_only() ? grpc::InsecureServerCredentials()
                               : CredentialsFor(listener, path, config, *secrets);
    if (!credentials.ok()) return credentials.status();
    int port = 0;
    absl::StatusOr<grpc::Server*> server = serve(
        listener.health_only() ? nullptr : std::make_unique<auth::ListenerAuth>(callers, listener),
        listener.address(), *credentials, &port);
    if (!server.ok() || *server == nullptr ||
        (!config::IsUnixAddress(listener.address()) && port == 0)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ".address: cannot listen on ", listener.address(),
                       " (in use, or not an address of this host?)"));
    }
    if (config::IsUnixAddress(listener.address())) {
      listeners->listening_.push_back(listener.address());
    } else {
      const std::string& address = listener.address();
      listeners->listening_.push_back(
          absl::StrCat(address.substr(0, address.rfind(':')), ":", port));
    }
  }
  return listeners;
}

Listeners::~Listeners() { Shutdown(absl::Now()); }

void Listeners::SetHealth(const std::string& service, bool serving) {
  for (Served& served : served_) {
    if (grpc::HealthCheckServiceInterface* health = served.server->GetHealthCheckService()) {
      health->SetServingStatus(service, serving);
    }
  }
}

void Listeners::Shutdown(absl::Time deadline) {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& acceptor : acceptors_) acceptor->Stop();
  // Every server stops accepting calls at once; each then waits for its own in-flight calls.
  std::vector<std::thread> stopping;
  for (Served& served : served_) {
    stopping.emplace_back([server = served.server.get(), deadline] {
      server->Shutdown(absl::ToChronoTime(deadline));
    });
  }
  for (std::thread& thread : stopping) thread.join();
  for (Served& served : served_) served.server->Wait();
}

}  // namespace fpgw::server
