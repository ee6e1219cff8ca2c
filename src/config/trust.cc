// Validation of listeners, callers and page-token keys.
#include "config/trust.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace fpgw::config {
namespace {

using fpgw::config::v1::Caller;
using fpgw::config::v1::CallerAuthentication;
using fpgw::config::v1::CallerService;
using fpgw::config::v1::Config;
using fpgw::config::v1::Listener;

namespace pb = ::google::protobuf;

bool ValidName(absl::string_view name, size_t max = 64) {
  if (name.empty() || name.size() > max) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool ValidAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:")) return address.size() > 5;
  const size_t colon = address.rfind(':');
  int port = 0;
  return colon != absl::string_view::npos && colon > 0 &&
         absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 && port <= 65535;
}

const char* ModeName(CallerAuthentication mode) {
  switch (mode) {
    case fpgw::config::v1::CALLER_AUTHENTICATION_MTLS:
      return "mtls";
    case fpgw::config::v1::CALLER_AUTHENTICATION_BEARER:
      return "bearer";
    case fpgw::config::v1::CALLER_AUTHENTICATION_UNIX_UID:
      return "unix_uid";
    case fpgw::config::v1::CALLER_AUTHENTICATION_LOCAL:
      return "local";
    default:
      return "unspecified";
  }
}

// A deprecated field, read through reflection (its generated accessors are marked deprecated).
const pb::FieldDescriptor* ServerField(const char* name) {
  return fpgw::config::v1::Server::descriptor()->FindFieldByName(name);
}

// The deprecated `server.listen`: each address authenticates nobody.
void RefuseLegacyListen(Config* config, std::vector<ConfigProblem>* problems) {
  auto* server = config->mutable_server();
  const pb::FieldDescriptor* listen = ServerField("listen");
  const pb::Reflection* reflection = server->GetReflection();
  const int count = reflection->FieldSize(*server, listen);
  for (int i = 0; i < count; ++i) {
    const std::string address = reflection->GetRepeatedString(*server, listen, i);
    problems->push_back(
        {absl::StrCat("server.listen[", i, "]"),
         absl::StrCat("authenticates no caller; write it as `listeners: [{address: \"", address,
                      "\", authentication: [", IsLocalAddress(address) ? "local" : "mtls",
                      "]}]` (see docs/security.md)")});
  }
  reflection->ClearField(server, listen);
}

void ValidateListeners(Config* config, std::vector<ConfigProblem>* problems) {
  auto* server = config->mutable_server();
  if (server->listeners().empty()) {
    problems->push_back({"server.listeners", "at least one listener is required"});
  }
  std::set<std::string> addresses;
  for (int i = 0; i < server->listeners_size(); ++i) {
    Listener* listener = server->mutable_listeners(i);
    const std::string path = absl::StrCat("server.listeners[", i, "]");
    const std::string& address = listener->address();
    if (!ValidAddress(address)) {
      problems->push_back({path + ".address", "expected host:port or unix:/path"});
      continue;
    }
    // Port 0 asks the system for a free port, so it may appear more than once.
    if (!absl::EndsWith(address, ":0") && !addresses.insert(address).second) {
      problems->push_back({path + ".address", "listed twice"});
    }
    if (listener->health_only()) {
      if (!listener->authentication().empty() || listener->has_tls() ||
          listener->allow_unauthenticated_callers()) {
        problems->push_back(
            {path + ".health_only",
             "a health-only listener serves health to anyone in the clear: no authentication, "
             "tls or allow_unauthenticated_callers"});
      }
      continue;
    }
    const bool local = IsLocalAddress(address);
    const bool unix = IsUnixAddress(address);
    const bool tls = listener->has_tls();
    if (tls) {
      const std::string tls_path = path + ".tls";
      if (listener->tls().cert_file().empty()) {
        problems->push_back({tls_path + ".cert_file", "required"});
      }
      if (listener->tls().key().source_case() == fpgw::config::v1::SecretRef::SOURCE_NOT_SET) {
        problems->push_back({tls_path + ".key", "a key reference (env or file) is required"});
      }
    }
    const bool mtls =
        std::find(listener->authentication().begin(), listener->authentication().end(),
                  fpgw::config::v1::CALLER_AUTHENTICATION_MTLS) != listener->authentication().end();
    if (tls && !listener->tls().client_ca_file().empty() && !mtls) {
      problems->push_back({path + ".tls.client_ca_file",
                           "only with mtls authentication (the certificate names the caller)"});
    }
    std::set<int> seen;
    for (int m = 0; m < listener->authentication_size(); ++m) {
      const CallerAuthentication mode = listener->authentication(m);
      const std::string mode_path = absl::StrCat(path, ".authentication[", m, "]");
      if (!seen.insert(mode).second) problems->push_back({mode_path, "listed twice"});
      switch (mode) {
        case fpgw::config::v1::CALLER_AUTHENTICATION_MTLS:
          if (!tls || listener->tls().client_ca_file().empty()) {
            problems->push_back(
                {mode_path, "mtls needs tls with a client_ca_file to verify client certificates"});
          }
          break;
        case fpgw::config::v1::CALLER_AUTHENTICATION_BEARER:
          if (!tls && !local) {
            problems->push_back({mode_path,
                                 "bearer on an address other hosts can reach needs tls (a token "
                                 "must not cross the network in clear)"});
          }
          break;
        case fpgw::config::v1::CALLER_AUTHENTICATION_UNIX_UID:
          if (!unix) {
            problems->push_back({mode_path, "unix_uid works on a Unix socket (unix:/path) only"});
          } else if (tls) {
            problems->push_back({path + ".tls", "not with unix_uid (the socket is local)"});
          } else if (listener->authentication_size() > 1) {
            problems->push_back(
                {mode_path,
                 "unix_uid is a listener's only authentication: the connection's uid names the "
                 "caller of all its calls"});
          }
          break;
        case fpgw::config::v1::CALLER_AUTHENTICATION_LOCAL:
          if (!local) {
            problems->push_back({mode_path,
                                 "local trust works on loopback or a Unix socket only: other "
                                 "hosts could reach this address"});
          }
          break;
        default:
          problems->push_back({mode_path, "one of mtls, bearer, unix_uid, local"});
      }
    }
    if (listener->allow_unauthenticated_callers()) {
      if (!listener->authentication().empty()) {
        problems->push_back(
            {path + ".allow_unauthenticated_callers", "only on a listener without authentication"});
      }
    } else if (listener->authentication().empty()) {
      problems->push_back(
          {path + ".authentication",
           absl::StrCat(
               "required: this listener would let anyone who can connect act as a tenant. Name how "
               "callers authenticate (",
               local ? "local or unix_uid for processes of this host, " : "",
               "mtls, bearer); or, knowing that everyone who can reach it then acts as the "
               "anonymous caller, set allow_unauthenticated_callers: true")});
    }
  }
}

void ValidateCallers(Config* config, std::vector<ConfigProblem>* problems) {
  auto* server = config->mutable_server();
  std::map<std::string, std::set<std::string>> integrations_of;
  for (const auto& tenant : config->tenants()) {
    auto& names = integrations_of[tenant.name()];
    for (const auto& integration : tenant.integrations()) names.insert(integration.name());
  }
  // Which ways of recognising callers the listeners use.
  std::set<int> modes;
  bool unauthenticated_listener = false;
  for (const Listener& listener : server->listeners()) {
    for (int mode : listener.authentication()) modes.insert(mode);
    unauthenticated_listener |= listener.allow_unauthenticated_callers();
  }
  if (server->callers().empty()) {
    problems->push_back({"server.callers", "at least one caller is required"});
  }
  std::set<std::string> names, spiffe_ids, dns_names;
  std::set<uint32_t> uids;
  int local_callers = 0, anonymous_callers = 0, proxies = 0;
  std::set<int> used_modes;
  for (int i = 0; i < server->callers_size(); ++i) {
    Caller* caller = server->mutable_callers(i);
    const std::string path = absl::StrCat("server.callers[", i, "]");
    if (!ValidName(caller->name())) {
      problems->push_back({path + ".name", "required: 1-64 letters, digits, '-' or '_'"});
    } else if (!names.insert(caller->name()).second) {
      problems->push_back(
          {path + ".name", absl::StrCat("duplicate caller \"", caller->name(), "\"")});
    }
    const bool proxy = !caller->proxy_for_tenants().empty();
    if (caller->tenant().empty() == !proxy) {
      problems->push_back({path + ".tenant", "exactly one of tenant and proxy_for_tenants"});
    }
    if (!caller->tenant().empty() && integrations_of.count(caller->tenant()) == 0) {
      problems->push_back({path + ".tenant", "no such tenant"});
    }
    for (int t = 0; t < caller->proxy_for_tenants_size(); ++t) {
      if (integrations_of.count(caller->proxy_for_tenants(t)) == 0) {
        problems->push_back({absl::StrCat(path, ".proxy_for_tenants[", t, "]"), "no such tenant"});
      }
    }
    if (proxy) {
      ++proxies;
      if (!caller->integrations().empty()) {
        problems->push_back({path + ".integrations", "not with proxy_for_tenants"});
      }
    }
    for (int n = 0; n < caller->integrations_size(); ++n) {
      auto tenant = integrations_of.find(caller->tenant());
      if (tenant != integrations_of.end() && tenant->second.count(caller->integrations(n)) == 0) {
        problems->push_back({absl::StrCat(path, ".integrations[", n, "]"),
                             "the caller's tenant has no integration of that name"});
      }
    }
    if (caller->services().empty())
      caller->add_services(fpgw::config::v1::CALLER_SERVICE_EVALUATION);
    for (int s = 0; s < caller->services_size(); ++s) {
      if (caller->services(s) == fpgw::config::v1::CALLER_SERVICE_UNSPECIFIED) {
        problems->push_back({absl::StrCat(path, ".services[", s, "]"), "one of evaluation, admin"});
      }
    }

    // How it is recognised.
    bool identified = false;
    for (int s = 0; s < caller->spiffe_ids_size(); ++s) {
      identified = true;
      used_modes.insert(fpgw::config::v1::CALLER_AUTHENTICATION_MTLS);
      const std::string& id = caller->spiffe_ids(s);
      const std::string id_path = absl::StrCat(path, ".spiffe_ids[", s, "]");
      if (!absl::StartsWith(id, "spiffe://") || id.size() <= 9) {
        problems->push_back({id_path, "a SPIFFE ID: spiffe://trust-domain/path"});
      } else if (!spiffe_ids.insert(id).second) {
        problems->push_back({id_path, "already names another caller"});
      }
    }
    for (int d = 0; d < caller->dns_names_size(); ++d) {
      identified = true;
      used_modes.insert(fpgw::config::v1::CALLER_AUTHENTICATION_MTLS);
      const std::string name = absl::AsciiStrToLower(caller->dns_names(d));
      caller->set_dns_names(d, name);
      if (name.empty() || !dns_names.insert(name).second) {
        problems->push_back({absl::StrCat(path, ".dns_names[", d, "]"),
                             name.empty() ? "must not be empty" : "already names another caller"});
      }
    }
    if (caller->has_bearer_token_sha256()) {
      identified = true;
      used_modes.insert(fpgw::config::v1::CALLER_AUTHENTICATION_BEARER);
    }
    for (int u = 0; u < caller->unix_uids_size(); ++u) {
      identified = true;
      used_modes.insert(fpgw::config::v1::CALLER_AUTHENTICATION_UNIX_UID);
      if (!uids.insert(caller->unix_uids(u)).second) {
        problems->push_back(
            {absl::StrCat(path, ".unix_uids[", u, "]"), "already names another caller"});
      }
    }
    if (caller->local()) {
      identified = true;
      used_modes.insert(fpgw::config::v1::CALLER_AUTHENTICATION_LOCAL);
      if (++local_callers > 1) problems->push_back({path + ".local", "only one caller is local"});
    }
    if (caller->anonymous()) {
      identified = true;
      if (++anonymous_callers > 1) {
        problems->push_back({path + ".anonymous", "only one caller is anonymous"});
      }
      if (!unauthenticated_listener) {
        problems->push_back({path + ".anonymous",
                             "no listener has allow_unauthenticated_callers: nobody is anonymous"});
      }
    }
    if (!identified) {
      problems->push_back({path,
                           "say how the caller is recognised: spiffe_ids, dns_names, "
                           "bearer_token_sha256, unix_uids, local or anonymous"});
    }
  }
  // A way of recognising callers that no listener uses, or that no caller can pass, is a mistake.
  for (int mode : used_modes) {
    if (modes.count(mode) == 0) {
      problems->push_back(
          {"server.callers", absl::StrCat("callers are recognised by ",
                                          ModeName(static_cast<CallerAuthentication>(mode)),
                                          " but no listener authenticates that way")});
    }
  }
  for (int i = 0; i < server->listeners_size(); ++i) {
    for (int m = 0; m < server->listeners(i).authentication_size(); ++m) {
      const int mode = server->listeners(i).authentication(m);
      if (mode != fpgw::config::v1::CALLER_AUTHENTICATION_UNSPECIFIED &&
          used_modes.count(mode) == 0) {
        problems->push_back({absl::StrCat("server.listeners[", i, "].authentication[", m, "]"),
                             absl::StrCat("no caller can be recognised by ",
                                          ModeName(static_cast<CallerAuthentication>(mode)))});
      }
    }
    if (server->listeners(i).allow_unauthenticated_callers() && anonymous_callers == 0) {
      problems->push_back({absl::StrCat("server.listeners[", i, "].allow_unauthenticated_callers"),
                           "needs a caller with anonymous: true (whom everyone then acts as)"});
    }
  }
  server->set_tenant_header(absl::AsciiStrToLower(server->tenant_header()));
  if (proxies > 0 && server->tenant_header().empty()) {
    problems->push_back(
        {"server.tenant_header", "required: the proxies among the callers name tenants with it"});
  }
  if (proxies == 0 && !server->tenant_header().empty()) {
    problems->push_back({"server.tenant_header",
                         "no caller is a proxy (proxy_for_tenants), so nobody may name a tenant"});
  }
}

void ValidatePageTokens(Config* config, std::vector<ConfigProblem>* problems) {
  auto* server = config->mutable_server();
  auto* tokens = server->mutable_page_tokens();
  const pb::FieldDescriptor* legacy = ServerField("page_token_key");
  const pb::Reflection* reflection = server->GetReflection();
  if (reflection->HasField(*server, legacy)) {
    if (tokens->keys().empty()) {
      auto* key = tokens->add_keys();
      key->set_id("0");
      key->mutable_key()->CopyFrom(reflection->GetMessage(*server, legacy));
    } else {
      problems->push_back({"server.page_token_key", "deprecated: with page_tokens.keys, drop it"});
    }
    reflection->ClearField(server, legacy);
  }
  std::set<std::string> ids;
  for (int i = 0; i < tokens->keys_size(); ++i) {
    const auto& key = tokens->keys(i);
    const std::string path = absl::StrCat("server.page_tokens.keys[", i, "]");
    bool id_ok = !key.id().empty() && key.id().size() <= 8;
    for (char c : key.id()) id_ok &= absl::ascii_isalnum(static_cast<unsigned char>(c));
    if (!id_ok) {
      problems->push_back({path + ".id", "required: 1-8 letters or digits"});
    } else if (!ids.insert(key.id()).second) {
      problems->push_back({path + ".id", "duplicate key id"});
    }
    if (key.key().source_case() == fpgw::config::v1::SecretRef::SOURCE_NOT_SET) {
      problems->push_back({path + ".key", "a key reference (env or file) is required"});
    }
  }
  if (!tokens->has_lifetime()) {
    tokens->mutable_lifetime()->set_seconds(3600);
  } else if (ToDuration(tokens->lifetime()) <= absl::ZeroDuration() ||
             ToDuration(tokens->lifetime()) > absl::Hours(24 * 30)) {
    problems->push_back({"server.page_tokens.lifetime", "must be positive and at most 720h"});
  }
}

}  // namespace

bool IsUnixAddress(absl::string_view address) { return absl::StartsWith(address, "unix:"); }

bool IsLocalAddress(absl::string_view address) {
  if (IsUnixAddress(address)) return true;
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;
  const std::string host(address.substr(0, colon));
  if (host == "localhost" || host == "[::1]") return true;
  in_addr ipv4{};
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1 && (ntohl(ipv4.s_addr) >> 24) == 127;
}

// The metrics listener serves no caller's data, but it is a door all the same: loopback only,
// unless the config opens it explicitly.
void ValidateMetricsListener(const Config& config, std::vector<ConfigProblem>* problems) {
  const std::string& address = config.server().metrics_listen();
  if (address.empty()) return;
  if (IsUnixAddress(address) || !ValidAddress(address)) {
    problems->push_back({"server.metrics_listen", "expected host:port"});
    return;
  }
  if (!IsLocalAddress(address) && !config.server().metrics_allow_unauthenticated()) {
    problems->push_back(
        {"server.metrics_listen",
         "other hosts can reach this address, and the metrics listener authenticates nobody: "
         "listen on loopback, or set server.metrics_allow_unauthenticated where something else "
         "(a NetworkPolicy, a mesh) limits who connects"});
  }
}

void ValidateTrust(Config* config, std::vector<ConfigProblem>* problems) {
  RefuseLegacyListen(config, problems);
  ValidateListeners(config, problems);
  ValidateMetricsListener(*config, problems);
  ValidateCallers(config, problems);
  ValidatePageTokens(config, problems);
}

void OverrideListenAddress(const std::string& address, Config* config) {
  auto* server = config->mutable_server();
  if (server->listeners().empty()) server->add_listeners();
  server->mutable_listeners()->DeleteSubrange(1, server->listeners_size() - 1);
  server->mutable_listeners(0)->set_address(address);
}

}  // namespace fpgw::config
