#include "sandbox/sandbox.h"

#include <civetweb.h>
#include <dlfcn.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/exchange.h"
#include "sandbox/router.h"
#include "sandbox/test_pki.h"
#include "sandbox/vendor.h"

namespace fpgw::sandbox {
namespace {

constexpr int kMaxThreads = 256;
constexpr absl::string_view kStatsPath = "/_sandbox/stats";

// Answers `GET /_sandbox/stats` with the request counters.
int HandleStats(const Sandbox& sandbox, Exchange& ex) {
  if (ex.method() != "GET") return ex.SendMethodNotAllowed("GET");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("requests_total");
  writer.Uint64(sandbox.request_count());
  writer.Key("by_route");
  writer.StartObject();
  for (const auto& [route, count] : sandbox.request_counts_by_route()) {
    writer.Key(route.c_str(), static_cast<rapidjson::SizeType>(route.size()));
    writer.Uint64(count);
  }
  writer.EndObject();
  writer.EndObject();
  return ex.Send(200, "application/json", absl::string_view(buffer.GetString(), buffer.GetSize()));
}

// Where the civetweb/OpenSSL 3 compatibility module is: $FPGW_CIVETWEB_SSL_COMPAT, else next to
// the executable, else where the build put it.
std::vector<std::string> SslCompatCandidates() {
  std::vector<std::string> candidates;
  const char* env = std::getenv("FPGW_CIVETWEB_SSL_COMPAT");
  if (env != nullptr && env[0] != '\0') candidates.push_back(env);
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back((exe.parent_path() / "libfpgw_civetweb_ssl_compat.so").string());
  candidates.push_back(FPGW_CIVETWEB_SSL_COMPAT_PATH);
  return candidates;
}

// Initialises civetweb with TLS once per process. civetweb 1.15 dlopen()s "libssl.so" and needs
// SSL_get_peer_certificate(), which OpenSSL 3 no longer exports; when it is missing, the
// compatibility module (civetweb_ssl_compat.cc) is loaded first so that civetweb picks it up.
absl::Status InitCivetweb() {
  // Probe the libssl this process links (not "libssl.so": opening that name here would make it
  // an alias of the real library, and civetweb would then bypass the compatibility module).
  Dl_info linked;
  void* libssl = nullptr;
  if (dladdr(reinterpret_cast<void*>(&SSL_new), &linked) != 0 && linked.dli_fname != nullptr) {
    libssl = dlopen(linked.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  }
  const bool needs_compat =
      libssl == nullptr || dlsym(libssl, "SSL_get_peer_certificate") == nullptr;
  if (libssl != nullptr) dlclose(libssl);
  if (needs_compat) {
    void* compat = nullptr;
    std::string tried;
    for (const std::string& path : SslCompatCandidates()) {
      compat = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // kept loaded for the process
      if (compat != nullptr) break;
      absl::StrAppend(&tried, tried.empty() ? "" : ", ", path);
    }
    if (compat == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "sandbox: civetweb needs libfpgw_civetweb_ssl_compat.so with OpenSSL 3; not found at ",
          tried, " (set FPGW_CIVETWEB_SSL_COMPAT)"));
    }
  }
  if ((mg_init_library(MG_FEATURES_SSL) & MG_FEATURES_SSL) == 0) {
    return absl::FailedPreconditionError("sandbox: civetweb could not initialise TLS");
  }
  return absl::OkStatus();
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Sandbox.

Sandbox::Sandbox(SandboxOptions options)
    : options_(std::move(options)), router_(std::make_unique<Router>()) {}

absl::Status Sandbox::AddVendors(absl::Span<const SandboxVendor* const> vendors) {
  std::vector<absl::string_view> names;
  bool configured = false;
  for (const SandboxVendor* vendor : vendors) {
    const absl::string_view name = vendor->info().name;
    names.push_back(name);
    auto credential = options_.credentials.find(std::string(name));
    if (credential == options_.credentials.end() || credential->second.empty()) continue;
    configured = true;
    for (absl::string_view one : absl::StrSplit(credential->second, '\n', absl::SkipEmpty())) {
      absl::Status valid = vendor->CheckCredential(one);
      if (!valid.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("sandbox: credentials[\"", name, "\"]: ", valid.message()));
      }
    }
  }
  for (const auto& [name, credential] : options_.credentials) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("sandbox: credentials[\"", name,
                       "\"] names no vendor module (known: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  if (!configured) {
    return absl::InvalidArgumentError(
        absl::StrCat("sandbox: no vendor is configured; set credentials for at least one of: ",
                     absl::StrJoin(names, ", ")));
  }
  for (const SandboxVendor* vendor : vendors) {
    auto credential = options_.credentials.find(std::string(vendor->info().name));
    VendorSetup setup;
    setup.seed = options_.seed;
    if (credential != options_.credentials.end()) setup.credential = credential->second;
    vendor->AddRoutes(*router_, setup);
  }
  return absl::OkStatus();
}

Sandbox::~Sandbox() { Stop(); }

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(
    SandboxOptions options, absl::Span<const SandboxVendor* const> vendors) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("sandbox: port ", options.port, " out of range"));
  }
  if (options.num_threads < 1 || options.num_threads > kMaxThreads) {
    return absl::InvalidArgumentError(
        absl::StrCat("sandbox: num_threads must be 1..", kMaxThreads));
  }

  std::unique_ptr<Sandbox> sandbox(new Sandbox(std::move(options)));
  if (absl::Status added = sandbox->AddVendors(vendors); !added.ok()) return added;
  const SandboxOptions& opts = sandbox->options_;

  static std::once_flag init_once;
  static absl::Status* init_status = nullptr;
  std::call_once(init_once, [] { init_status = new absl::Status(InitCivetweb()); });
  if (opts.tls && !init_status->ok()) return *init_status;

  if (opts.state_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ =
        absl::StrCat(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp", "/fpgw-sandbox-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) {
      return absl::UnavailableError(absl::StrCat("sandbox: cannot create a state directory under ",
                                                 templ, ": ", std::strerror(errno)));
    }
    sandbox->state_dir_ = templ;
    sandbox->owns_state_dir_ = true;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(opts.state_dir, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("sandbox: cannot create state_dir ", opts.state_dir, ": ", ec.message()));
    }
    sandbox->state_dir_ = opts.state_dir;
  }

  std::string certificate;
  if (opts.tls) {
    absl::StatusOr<TestPki> pki = GenerateTestPki(sandbox->state_dir_);
    if (!pki.ok()) return pki.status();
    sandbox->ca_cert_path_ = pki->ca_cert_path;
    certificate = pki->server_cert_and_key_path;
  }

  const bool ipv6 = absl::StrContains(opts.host, ':');
  const std::string host = opts.host == "localhost" ? "127.0.0.1" : opts.host;
  const std::string listening =
      absl::StrCat(ipv6 ? "[" : "", host, ipv6 ? "]" : "", ":", opts.port, opts.tls ? "s" : "");
  const std::string threads = absl::StrCat(opts.num_threads);
  std::vector<const char*> config = {
      "listening_ports",
      listening.c_str(),
      "num_threads",
      threads.c_str(),
      "enable_keep_alive",
      "yes",
      "keep_alive_timeout_ms",
      "30000",
      "tcp_nodelay",
      "1",
      "request_timeout_ms",
      "30000",
      "decode_url",
      "yes",
  };
  if (opts.tls) {
    config.insert(config.end(), {"ssl_certificate", certificate.c_str(), "ssl_protocol_version",
                                 "4", "ssl_verify_peer", "no"});
  }
  config.push_back(nullptr);

  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.log_message = [](const mg_connection*, const char* message) -> int {
    std::fprintf(stderr, "fpgw sandbox: %s\n", message);
    return 1;
  };

  mg_context* ctx = mg_start(&callbacks, sandbox.get(), config.data());
  if (ctx == nullptr) {
    return absl::UnavailableError(absl::StrCat("sandbox: cannot listen on ", listening));
  }
  mg_set_request_handler(ctx, "/", &Sandbox::HandleRequest, sandbox.get());

  mg_server_port ports[4];
  std::memset(ports, 0, sizeof(ports));
  int n = mg_get_server_ports(ctx, 4, ports);
  if (n < 1 || ports[0].port <= 0) {
    mg_stop(ctx);
    return absl::InternalError("sandbox: cannot read back the bound port");
  }
  sandbox->port_ = ports[0].port;
  {
    std::lock_guard<std::mutex> lock(sandbox->stop_mu_);
    sandbox->ctx_ = ctx;
  }
  return sandbox;
}

std::string Sandbox::base_url() const {
  const bool ipv6 = absl::StrContains(options_.host, ':');
  const std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  return absl::StrCat(options_.tls ? "https://" : "http://", ipv6 ? "[" : "", host, ipv6 ? "]" : "",
                      ":", port_);
}

void Sandbox::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  {
    std::lock_guard<std::mutex> sleep_lock(sleep_mu_);
    stopping_.store(true, std::memory_order_release);
  }
  sleep_cv_.notify_all();
  if (ctx_ != nullptr) {
    mg_stop(ctx_);
    ctx_ = nullptr;
  }
  if (owns_state_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(state_dir_, ec);
    owns_state_dir_ = false;
  }
}

int Sandbox::HandleRequest(mg_connection* conn, void* user_data) {
  Sandbox& sandbox = *static_cast<Sandbox*>(user_data);
  Exchange ex(sandbox, conn);
  const absl::string_view path = ex.path();
  if (path == kStatsPath) {
    ex.MarkControl();
    return HandleStats(sandbox, ex);
  }
  {
    ReceivedTrace trace{std::string(ex.RequestHeader("traceparent").value_or("")),
                        std::string(ex.RequestHeader("tracestate").value_or(""))};
    absl::MutexLock lock(&sandbox.counts_mu_);
    if (sandbox.received_traces_.size() == kMaxReceivedTraces) {
      sandbox.received_traces_.pop_front();
    }
    sandbox.received_traces_.push_back(std::move(trace));
  }
  const Router::Entry* entry = sandbox.router_->Find(path);
  if (entry == nullptr) {
    ex.Count();
    return ex.SendJsonError(404, "not_found", absl::StrCat("no route for ", path));
  }
  const int status = entry->handler(ex);
  ex.Count();
  return status;
}

uint64_t Sandbox::NoteAttempt(absl::string_view token) {
  absl::MutexLock lock(&counts_mu_);
  return ++attempts_by_token_[token];
}

void Sandbox::CountRequest(absl::string_view route) {
  requests_total_.fetch_add(1, std::memory_order_relaxed);
  absl::MutexLock lock(&counts_mu_);
  ++counts_by_route_[route];
}

uint64_t Sandbox::request_count(absl::string_view route) const {
  absl::MutexLock lock(&counts_mu_);
  auto it = counts_by_route_.find(route);
  return it == counts_by_route_.end() ? 0 : it->second;
}

std::vector<Sandbox::ReceivedTrace> Sandbox::received_traces() const {
  absl::MutexLock lock(&counts_mu_);
  return std::vector<ReceivedTrace>(received_traces_.begin(), received_traces_.end());
}

std::map<std::string, uint64_t> Sandbox::request_counts_by_route() const {
  absl::MutexLock lock(&counts_mu_);
  return std::map<std::string, uint64_t>(counts_by_route_.begin(), counts_by_route_.end());
}

bool Sandbox::SleepUnlessStopping(int64_t ms) {
  std::unique_lock<std::mutex> lock(sleep_mu_);
  return !sleep_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                             [this] { return stopping_.load(std::memory_order_acquire); });
}

}  // namespace fpgw::sandbox
