// The fpgw binary.
//
//   fpgw [--config=FILE] [--listen=ADDR]   serve (with no config: sandbox mode, DESIGN §7)
//   fpgw sandbox [--listen=HOST:PORT]      run only the vendor sandbox
//   fpgw check-config FILE                 validate a config file, listing every problem
//   fpgw normalize [--kind=K] [FILE|-]     print the Evaluation of a saved vendor payload
//
// Flags and environment variables cover only what a container platform sets: the config path
// (FPGW_CONFIG), the listen address (FPGW_LISTEN) and the log level (FPGW_LOG_LEVEL). One table,
// kCommands, names each command with its flags; it drives both dispatch and `--help`.
#include <openssl/rand.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "config/config_loader.h"
#include "credentials/secret.h"
#include "google/protobuf/stubs/common.h"
#include "grpcpp/grpcpp.h"
#include "main/normalize.h"
#include "sandbox/sandbox.h"
#include "sandbox/vendor.h"
#include "server/gateway.h"
#include "telemetry/log.h"
#include "vendors/registry.h"

ABSL_FLAG(std::string, config, "",
          "Config file (YAML). Default: $FPGW_CONFIG; none: sandbox mode.");
ABSL_FLAG(std::string, listen, "",
          "Listen address, replacing the config's: host:port or unix:/path (sandbox: host:port, "
          "127.0.0.1:8443 when unset). Default: $FPGW_LISTEN.");
ABSL_FLAG(std::string, metrics_listen, "",
          "Address (host:port) of the HTTP listener of /metrics, /healthz and /readyz, replacing "
          "the config's server.metrics_listen (sandbox mode: 127.0.0.1:9464, or a free port when "
          "taken). Default: $FPGW_METRICS_LISTEN.");
ABSL_FLAG(std::string, log_level, "",
          "debug, info, warning or error. Default: $FPGW_LOG_LEVEL, else info.");
ABSL_FLAG(std::string, kind, "auto",
          "Payload kind: auto (detect from the payload) or one of the kinds listed below.");
ABSL_FLAG(bool, full, false, "Include the raw vendor payload (EVALUATION_VIEW_FULL).");
ABSL_FLAG(bool, lines, false,
          "Read one payload per line (NDJSON) and write one JSON line per payload, as below.");
ABSL_FLAG(std::string, state_dir, "",
          "Directory for the sandbox's CA, certificate, key and credentials (default: a new "
          "temporary directory).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the sandbox's data generator.");

namespace {

using fpgw::telemetry::Log;
using fpgw::telemetry::LogLevel;

constexpr size_t kMaxPayloadBytes = 64 << 20;

std::string FlagOrEnv(const std::string& flag, const char* env) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  return value == nullptr ? "" : value;
}

// A fresh sandbox credential; empty when the system has no randomness.
std::string RandomKey() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "";
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

// The sandbox's credential for every vendor module, by module name: taken from the module's
// environment variable or generated, and exported back to the environment so that the
// sandbox-mode config can reference it. Nullopt when the system has no randomness.
std::optional<std::map<std::string, std::string>> MakeSandboxCredentials() {
  std::map<std::string, std::string> credentials;
  for (const fpgw::sandbox::SandboxVendor* vendor : fpgw::sandbox::SandboxVendors()) {
    const fpgw::sandbox::SandboxVendorInfo& info = vendor->info();
    const std::string env(info.credential_env);
    std::string value = FlagOrEnv("", env.c_str());
    if (value.empty()) {
      const std::string random = RandomKey();
      if (random.empty()) return std::nullopt;
      value = absl::StrCat(info.credential_prefix, random);
    }
    setenv(env.c_str(), value.c_str(), 1);
    credentials[std::string(info.name)] = value;
  }
  return credentials;
}

// The sandbox-mode config's integrations, every module's in order (the first is the default).
std::string SandboxIntegrationsYaml(const std::string& base_url) {
  std::string yaml;
  for (const fpgw::sandbox::SandboxVendor* vendor : fpgw::sandbox::SandboxVendors()) {
    for (const fpgw::sandbox::SandboxIntegration& integration : vendor->info().integrations) {
      absl::StrAppend(&yaml, "      - {name: ", integration.name, ", vendor: ", integration.vendor);
      if (!integration.api_version.empty()) {
        absl::StrAppend(&yaml, ", api_version: ", integration.api_version);
      }
      absl::StrAppend(&yaml, ", base_url: \"", base_url, integration.base_url_suffix, "\"");
      if (integration.uses_credential) {
        absl::StrAppend(&yaml, ", credential: {env: ", vendor->info().credential_env, "}");
      }
      if (!integration.extra_fields.empty()) absl::StrAppend(&yaml, ", ", integration.extra_fields);
      absl::StrAppend(&yaml, "}\n");
    }
  }
  return yaml;
}

// Writes `value` to `dir/name`, readable by the owner only.
void WriteKeyFile(const std::string& dir, const std::string& name, const std::string& value) {
  const mode_t old_mask = umask(077);
  std::ofstream(absl::StrCat(dir, "/", name)) << value << "\n";
  umask(old_mask);
}

// Blocks SIGTERM and SIGINT in this and every later thread, so that WaitForSignal() receives them.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForSignal(const sigset_t& set) {
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

int Serve() {
  const sigset_t signals = BlockShutdownSignals();
  // fpgw holds other teams' vendor keys: no core file may carry them off.
  if (!fpgw::credentials::DisableCoreDumps()) {
    Log(LogLevel::kWarning, "core dumps could not be turned off");
  }
  const std::string config_path = FlagOrEnv(absl::GetFlag(FLAGS_config), "FPGW_CONFIG");
  // The override goes through the same checks as the file: it can move a listener, never open it.
  fpgw::config::ConfigOverrides overrides;
  overrides.listen = FlagOrEnv(absl::GetFlag(FLAGS_listen), "FPGW_LISTEN");
  overrides.metrics_listen = FlagOrEnv(absl::GetFlag(FLAGS_metrics_listen), "FPGW_METRICS_LISTEN");
  fpgw::config::v1::Config config;
  std::unique_ptr<fpgw::sandbox::Sandbox> sandbox;
  fpgw::server::GatewayOptions gateway_options;

  if (config_path.empty()) {
    Log(LogLevel::kWarning,
        "SANDBOX MODE: no config file given, so fpgw serves the full API on loopback against its "
        "built-in vendor sandbox with generated credentials. Not for production: pass --config.");
    std::optional<std::map<std::string, std::string>> credentials = MakeSandboxCredentials();
    if (!credentials.has_value()) {
      Log(LogLevel::kError, "no randomness available for the sandbox credentials");
      return 1;
    }
    fpgw::sandbox::SandboxOptions options;
    options.credentials = *std::move(credentials);
    options.seed = absl::GetFlag(FLAGS_seed);
    absl::StatusOr<std::unique_ptr<fpgw::sandbox::Sandbox>> started =
        fpgw::sandbox::Sandbox::Start(options);
    if (!started.ok()) {
      Log(LogLevel::kError, "the sandbox could not start",
          {{"error", started.status().ToString()}});
      return 1;
    }
    sandbox = *std::move(started);
    // One tenant with the integrations of every vendor module (the first is the default), served
    // on loopback to every local process (local trust) with both services.
    const std::string yaml = absl::StrCat(
        "server:\n"
        "  listeners:\n"
        "    - address: \"127.0.0.1:50051\"\n"
        "      authentication: [local]\n"
        "  callers:\n"
        "    - name: local\n"
        "      tenant: sandbox\n"
        "      local: true\n"
        "      services: [evaluation, admin]\n"
        "  metrics_listen: \"127.0.0.1:9464\"\n",
        "http:\n  ca_bundle_path: \"", sandbox->ca_cert_path(), "\"\n",
        "tenants:\n"
        "  - name: sandbox\n"
        "    integrations:\n",
        SandboxIntegrationsYaml(sandbox->base_url()));
    std::vector<fpgw::config::ConfigProblem> problems =
        fpgw::vendors::ParseConfig(yaml, &config, overrides);
    if (!problems.empty()) {
      // Only an override can make it invalid (--listen on an address other hosts reach).
      std::fprintf(stderr, "fpgw: sandbox mode cannot serve so:\n%s\n",
                   fpgw::config::FormatProblems(problems).c_str());
      return 2;
    }
    // The default metrics port may be taken (another fpgw); a chosen one must be free.
    gateway_options.metrics_port_fallback = overrides.metrics_listen.empty();
    Log(LogLevel::kInfo, "sandbox started",
        {{"base_url", sandbox->base_url()}, {"ca_cert", sandbox->ca_cert_path()}});
    // How to try each integration: a request the sandbox answers with a real evaluation.
    for (const fpgw::sandbox::SandboxVendor* vendor : fpgw::sandbox::SandboxVendors()) {
      for (const fpgw::sandbox::SandboxIntegration& integration : vendor->info().integrations) {
        Log(LogLevel::kInfo, "sandbox integration",
            {{"integration", std::string(integration.name)},
             {"try", absl::StrCat("{\"integration\":\"", integration.name, "\",",
                                  integration.example_request.substr(1))}});
      }
    }
  } else {
    absl::StatusOr<fpgw::config::v1::Config> loaded =
        fpgw::vendors::LoadConfigFile(config_path, overrides);
    if (!loaded.ok()) {
      std::fprintf(stderr, "fpgw: %s\n", std::string(loaded.status().message()).c_str());
      return 2;
    }
    config = *std::move(loaded);
  }

  absl::StatusOr<std::unique_ptr<fpgw::server::Gateway>> gateway =
      fpgw::server::Gateway::Start(config, gateway_options);
  if (!gateway.ok()) {
    Log(LogLevel::kError, "fpgw could not start",
        {{"error", std::string(gateway.status().message())}});
    return 1;
  }
  const std::string metrics_address = (*gateway)->metrics_address();
  Log(LogLevel::kInfo, "serving",
      {{"listen", absl::StrJoin((*gateway)->listening(), ",")},
       {"mode", sandbox ? "sandbox" : "config"},
       {"services", "fpgw.v1.EvaluationService,fpgw.v1.AdminService,grpc.health.v1.Health"},
       {"metrics",
        metrics_address.empty() ? "" : absl::StrCat("http://", metrics_address, "/metrics")}});

  const int signal_number = WaitForSignal(signals);
  Log(LogLevel::kInfo, "shutdown signal received", {{"signal", strsignal(signal_number)}});
  (*gateway)->Drain(fpgw::config::ToDuration(config.server().drain_grace_period()),
                    fpgw::config::ToDuration(config.server().drain_delay()));
  gateway->reset();
  if (sandbox) sandbox->Stop();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

int RunSandbox() {
  const sigset_t signals = BlockShutdownSignals();
  fpgw::sandbox::SandboxOptions options;
  std::string listen = FlagOrEnv(absl::GetFlag(FLAGS_listen), "FPGW_LISTEN");
  if (listen.empty()) listen = "127.0.0.1:8443";
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &options.port)) {
    std::fprintf(stderr, "fpgw sandbox: --listen must be host:port\n");
    return 2;
  }
  options.host = listen.substr(0, colon);
  options.state_dir = absl::GetFlag(FLAGS_state_dir);
  options.seed = absl::GetFlag(FLAGS_seed);
  std::optional<std::map<std::string, std::string>> credentials = MakeSandboxCredentials();
  if (!credentials.has_value()) {
    std::fprintf(stderr, "fpgw sandbox: no randomness available for the credentials\n");
    return 1;
  }
  options.credentials = *credentials;
  absl::StatusOr<std::unique_ptr<fpgw::sandbox::Sandbox>> sandbox =
      fpgw::sandbox::Sandbox::Start(options);
  if (!sandbox.ok()) {
    std::fprintf(stderr, "fpgw sandbox: %s\n", sandbox.status().ToString().c_str());
    return 1;
  }
  // The credentials are sandbox-only; they are written beside the CA for clients to read.
  const std::string dir =
      (*sandbox)->ca_cert_path().substr(0, (*sandbox)->ca_cert_path().rfind('/'));
  for (const fpgw::sandbox::SandboxVendor* vendor : fpgw::sandbox::SandboxVendors()) {
    const fpgw::sandbox::SandboxVendorInfo& info = vendor->info();
    WriteKeyFile(dir, std::string(info.credential_file), (*credentials)[std::string(info.name)]);
  }
  Log(LogLevel::kInfo, "sandbox serving",
      {{"base_url", (*sandbox)->base_url()},
       {"ca_cert", (*sandbox)->ca_cert_path()},
       {"credentials_dir", dir}});
  WaitForSignal(signals);
  (*sandbox)->Stop();
  return 0;
}

int CheckConfig(const std::vector<char*>& args) {
  if (args.size() != 3) {
    std::fprintf(stderr, "usage: fpgw check-config FILE\n");
    return 2;
  }
  // With the listen override the server would get, so that the check is of what would run.
  fpgw::config::ConfigOverrides overrides;
  overrides.listen = FlagOrEnv(absl::GetFlag(FLAGS_listen), "FPGW_LISTEN");
  overrides.metrics_listen = FlagOrEnv(absl::GetFlag(FLAGS_metrics_listen), "FPGW_METRICS_LISTEN");
  absl::StatusOr<fpgw::config::v1::Config> config =
      fpgw::vendors::LoadConfigFile(args[2], overrides);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", std::string(config.status().message()).c_str());
    return 1;
  }
  int integrations = 0;
  for (const auto& tenant : config->tenants()) integrations += tenant.integrations_size();
  std::printf("%s: OK (%d tenant(s), %d integration(s))\n", args[2], config->tenants_size(),
              integrations);
  return 0;
}

absl::StatusOr<std::string> ReadPayload(const std::string& path) {
  std::string data;
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return absl::NotFoundError(absl::StrCat(path, " cannot be opened"));
    in = &file;
  }
  char buffer[1 << 16];
  while (in->read(buffer, sizeof(buffer)) || in->gcount() > 0) {
    data.append(buffer, static_cast<size_t>(in->gcount()));
    if (data.size() > kMaxPayloadBytes)
      return absl::OutOfRangeError("the payload is larger than 64 MiB");
  }
  return data;
}

// `fpgw normalize --lines`: one output line per payload line, streamed (normalize.h).
int NormalizeLines(const std::string& path) {
  fpgw::cli::LinesOptions options;
  options.kind = absl::GetFlag(FLAGS_kind);
  options.include_raw = absl::GetFlag(FLAGS_full);
  if (absl::Status known = fpgw::cli::CheckPayloadKind(options.kind); !known.ok()) {
    std::fprintf(stderr, "fpgw normalize: %s\n", std::string(known.message()).c_str());
    return 2;
  }
  // std::cin then reads stdin through its own buffer instead of a stdio call per character.
  std::ios::sync_with_stdio(false);
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      std::cerr << "fpgw normalize: " << path << " cannot be opened\n";
      return 2;
    }
    in = &file;
  }
  absl::StatusOr<fpgw::cli::LinesSummary> summary =
      fpgw::cli::NormalizeLines(*in, std::cout, std::cerr, options);
  if (!summary.ok()) {
    std::cerr << "fpgw normalize: " << summary.status().message() << "\n";
    return 1;
  }
  if (summary->failed == 0) return 0;
  std::cerr << "fpgw normalize: " << summary->failed << " of " << summary->payloads
            << " line(s) failed\n";
  return 1;
}

int Normalize(const std::vector<char*>& args) {
  if (args.size() > 3) {
    std::fprintf(stderr, "usage: fpgw normalize [--lines] [--kind=K] [--full] [FILE|-]\n");
    return 2;
  }
  const std::string path = args.size() == 3 ? args[2] : "-";
  if (absl::GetFlag(FLAGS_lines)) return NormalizeLines(path);
  absl::StatusOr<std::string> payload = ReadPayload(path);
  if (payload.ok()) {
    payload =
        fpgw::cli::NormalizeToJson(*payload, absl::GetFlag(FLAGS_kind), absl::GetFlag(FLAGS_full));
  }
  if (!payload.ok()) {
    std::fprintf(stderr, "fpgw normalize: %s\n", std::string(payload.status().message()).c_str());
    return 1;
  }
  std::fwrite(payload->data(), 1, payload->size(), stdout);
  return 0;
}

// `text` as lines of at most 100 columns, each starting with `indent`.
std::string Wrap(absl::string_view text, absl::string_view indent) {
  std::string out;
  size_t column = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (column > 0 && column + 1 + word.size() > 100) {
      absl::StrAppend(&out, "\n");
      column = 0;
    }
    absl::StrAppend(&out, column == 0 ? indent : " ", word);
    column += (column == 0 ? indent.size() : 1) + word.size();
  }
  return absl::StrCat(out, "\n");
}

// A command of the binary: how it is called, what it does, the flags it reads and its entry point.
struct Command {
  const char* name;
  const char* synopsis;
  const char* summary;
  std::vector<const char*> flags;
  int (*run)(const std::vector<char*>& args);
  // More help after the flags (may be null).
  std::string (*details)() = nullptr;
};

std::string NormalizeDetails() {
  return absl::StrCat(
      "    Kinds:\n", Wrap(absl::StrJoin(fpgw::cli::PayloadKinds(), ", "), "      "),
      "    With --lines:\n",
      Wrap("FILE (or stdin) holds one payload per line (NDJSON: exports, webhook dumps), each "
           "detected on its own unless --kind names the kind. Each payload line gets one compact "
           "JSON line on stdout, in input order, written as soon as the line is read:",
           "      "),
      "        {\"line\":N,\"kind\":K,\"evaluation\":{...}}             an Evaluation\n"
      "        {\"line\":N,\"kind\":K,\"response\":{...}}               a page kind's response\n"
      "        {\"line\":N,\"kind\":K,\"error\":{\"code\":C,\"message\":M}} a line that failed\n",
      Wrap(absl::StrCat(
               "N is the line's number in the input (from 1); K the kind named or detected (an "
               "error line has none when it is not known); C a status code name (INVALID_ARGUMENT, "
               "or OUT_OF_RANGE for a line longer than ",
               fpgw::cli::kMaxLineBytes >> 20,
               " MiB); M the reason, which never quotes the line. Blank lines are skipped (no "
               "output, but counted in N). A failing line is also named on stderr and the batch "
               "goes on. Exit status: 0 when every line normalised, 1 when any failed, 2 for a "
               "usage error (an unknown --kind, a FILE that cannot be opened)."),
           "      "));
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"serve",
       "fpgw [serve] [--config=FILE] [--listen=ADDR]",
       "Serve the gRPC API (the default command). With no config: sandbox mode, on loopback "
       "against the built-in vendor sandbox.",
       {"config", "listen", "seed"},
       [](const std::vector<char*>&) { return Serve(); }},
      {"sandbox",
       "fpgw sandbox [--listen=HOST:PORT] [--state_dir=DIR]",
       "Run only the vendor sandbox (HTTPS, its own test CA, generated credentials).",
       {"listen", "state_dir", "seed"},
       [](const std::vector<char*>&) { return RunSandbox(); }},
      {"check-config",
       "fpgw check-config [--listen=ADDR] FILE",
       "Validate a config file, listing every problem with its field path; with the listen "
       "override (--listen or FPGW_LISTEN) that serving would apply.",
       {"listen"},
       CheckConfig},
      {"normalize",
       "fpgw normalize [--lines] [--kind=K] [--full] [FILE|-]",
       "Print the Evaluation of a saved vendor payload (FILE, or - for stdin); with --lines, of "
       "every payload of a newline-delimited stream.",
       {"kind", "full", "lines"},
       Normalize,
       NormalizeDetails},
  };
  return *commands;
}

// Flags every command reads.
const std::vector<const char*>& GlobalFlags() {
  static const auto* flags = new std::vector<const char*>{"log_level"};
  return *flags;
}

std::string VersionText() {
  return absl::StrCat("fpgw ", FPGW_VERSION, " (", FPGW_BUILD_TYPE, " build; gRPC ",
                      grpc::Version(), ", protobuf ",
                      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION), ")\n");
}

void AppendFlags(const std::vector<const char*>& names, std::string* out) {
  for (const char* name : names) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::string help = flag->Help();
    const std::string default_value = flag->DefaultValue();
    if (!default_value.empty()) absl::StrAppend(&help, " (default: ", default_value, ")");
    absl::StrAppend(out, "      --", name, "\n", Wrap(help, "          "));
  }
}

// The help of one command, or of all when `only` is empty.
std::string HelpText(absl::string_view only) {
  std::string out = "fpgw: the gRPC fingerprint gateway.\n\nCommands:\n";
  for (const Command& command : Commands()) {
    if (!only.empty() && only != command.name) continue;
    absl::StrAppend(&out, "\n  ", command.synopsis, "\n", Wrap(command.summary, "    "));
    if (!command.flags.empty()) absl::StrAppend(&out, "    Flags:\n");
    AppendFlags(command.flags, &out);
    if (command.details != nullptr) absl::StrAppend(&out, command.details());
  }
  absl::StrAppend(&out, "\nFlags of every command:\n");
  AppendFlags(GlobalFlags(), &out);
  absl::StrAppend(
      &out,
      "      --help\n          This help; `fpgw COMMAND --help` shows that command only.\n"
      "      --version\n          fpgw's version and build type.\n");
  return out;
}

// Handles --help, -h and --version before absl sees them (absl's own help lists flags by source
// file, not by command). Returns true when it printed something.
bool HandleHelpAndVersion(int argc, char** argv) {
  std::string command;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--version" || arg == "-version") {
      std::fputs(VersionText().c_str(), stdout);
      return true;
    }
    if (arg == "--help" || arg == "-help" || arg == "-h" || arg == "--helpfull") {
      std::fputs(HelpText(command).c_str(), stdout);
      return true;
    }
    if (command.empty() && !absl::StartsWith(arg, "-")) command = std::string(arg);
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex (gRPC's included) would check
  // lock order on each acquisition: about 6x dearer locks on the hot path, for a check that is a
  // debugging aid, not a safety net.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (HandleHelpAndVersion(argc, argv)) return 0;
  absl::SetProgramUsageMessage("fpgw: the gRPC fingerprint gateway (fpgw --help lists commands).");
  absl::FlagsUsageConfig usage;
  usage.version_string = VersionText;
  absl::SetFlagsUsageConfig(usage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  LogLevel level = LogLevel::kInfo;
  const std::string level_text = FlagOrEnv(absl::GetFlag(FLAGS_log_level), "FPGW_LOG_LEVEL");
  if (!level_text.empty() && !fpgw::telemetry::ParseLogLevel(level_text, &level)) {
    std::fprintf(stderr, "fpgw: unknown log level %s\n", level_text.c_str());
    return 2;
  }
  fpgw::telemetry::SetLogLevel(level);
  const std::string name = args.size() > 1 ? args[1] : "serve";
  for (const Command& command : Commands()) {
    if (name == command.name) return command.run(args);
  }
  std::fprintf(stderr, "fpgw: unknown command %s (see fpgw --help)\n", name.c_str());
  return 2;
}
