// YAML → fpgw.config.v1.Config by descriptor walk, then semantic validation. No library maps YAML
// onto a proto schema with field-path errors (docs/decisions/0003-config-yaml-to-proto.md); the
// YAML parsing itself is yaml-cpp's.
#include "config/config_loader.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "config/trust.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/reflection.h"
#include "yaml-cpp/yaml.h"

namespace fpgw::config {
namespace {

namespace pb = ::google::protobuf;
using fpgw::config::v1::Config;
using fpgw::config::v1::Integration;

constexpr size_t kMaxConfigBytes = 1 << 20;

void SetDuration(absl::Duration d, google::protobuf::Duration* out) {
  const int64_t secs = absl::IDivDuration(d, absl::Seconds(1), &d);
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
}
constexpr absl::Duration kMaxDuration = absl::Hours(24);
constexpr int64_t kMaxResponseBytesCap = int64_t{256} << 20;

class YamlToProto {
 public:
  explicit YamlToProto(std::vector<ConfigProblem>* problems) : problems_(problems) {}

  void Message(const YAML::Node& node, const std::string& path, pb::Message* msg) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      Problem(path, "expected a mapping");
      return;
    }
    const pb::Descriptor* desc = msg->GetDescriptor();
    std::set<const pb::OneofDescriptor*> oneofs_seen;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const std::string field_path = path.empty() ? key : absl::StrCat(path, ".", key);
      const pb::FieldDescriptor* field = desc->FindFieldByName(key);
      if (field == nullptr) {
        Problem(field_path, "unknown field");
        continue;
      }
      if (const pb::OneofDescriptor* oneof = field->real_containing_oneof(); oneof != nullptr) {
        if (!oneofs_seen.insert(oneof).second) {
          Problem(field_path,
                  absl::StrCat("only one of the fields of '", oneof->name(), "' may be set"));
          continue;
        }
      }
      if (field->is_repeated()) {
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsSequence()) {
          Problem(field_path, "expected a list");
          continue;
        }
        for (size_t i = 0; i < kv.second.size(); ++i) {
          Field(kv.second[i], absl::StrCat(field_path, "[", i, "]"), msg, field);
        }
      } else {
        Field(kv.second, field_path, msg, field);
      }
    }
  }

 private:
  void Problem(const std::string& path, std::string message) {
    problems_->push_back({path, std::move(message)});
  }

  bool Scalar(const YAML::Node& node, const std::string& path, std::string* out) {
    if (!node.IsScalar()) {
      Problem(path, "expected a scalar value");
      return false;
    }
    *out = node.Scalar();
    return true;
  }

  void Field(const YAML::Node& node, const std::string& path, pb::Message* msg,
             const pb::FieldDescriptor* field) {
    const pb::Reflection* refl = msg->GetReflection();
    const bool rep = field->is_repeated();
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      pb::Message* sub = rep ? refl->AddMessage(msg, field) : refl->MutableMessage(msg, field);
      if (field->message_type()->full_name() == "google.protobuf.Duration") {
        Duration(node, path, static_cast<pb::Duration*>(sub));
      } else {
        Message(node, path, sub);
      }
      return;
    }
    std::string text;
    if (!Scalar(node, path, &text)) return;
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING:
        rep ? refl->AddString(msg, field, text) : refl->SetString(msg, field, text);
        return;
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        int32_t v;
        if (!absl::SimpleAtoi(text, &v)) return Problem(path, "expected a 32-bit integer");
        rep ? refl->AddInt32(msg, field, v) : refl->SetInt32(msg, field, v);
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        int64_t v;
        if (!absl::SimpleAtoi(text, &v)) return Problem(path, "expected an integer");
        rep ? refl->AddInt64(msg, field, v) : refl->SetInt64(msg, field, v);
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t v;
        if (!absl::SimpleAtoi(text, &v)) return Problem(path, "expected an unsigned integer");
        rep ? refl->AddUInt32(msg, field, v) : refl->SetUInt32(msg, field, v);
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t v;
        if (!absl::SimpleAtoi(text, &v)) return Problem(path, "expected an unsigned integer");
        rep ? refl->AddUInt64(msg, field, v) : refl->SetUInt64(msg, field, v);
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        double v;
        if (!absl::SimpleAtod(text, &v)) return Problem(path, "expected a number");
        if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
          rep ? refl->AddFloat(msg, field, static_cast<float>(v))
              : refl->SetFloat(msg, field, static_cast<float>(v));
        } else {
          rep ? refl->AddDouble(msg, field, v) : refl->SetDouble(msg, field, v);
        }
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL: {
        bool v;
        if (text == "true") {
          v = true;
        } else if (text == "false") {
          v = false;
        } else {
          return Problem(path, "expected true or false");
        }
        rep ? refl->AddBool(msg, field, v) : refl->SetBool(msg, field, v);
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        const pb::EnumValueDescriptor* value = EnumValue(field->enum_type(), text);
        if (value == nullptr || value->number() == 0) {
          std::vector<std::string> names;
          for (int i = 1; i < field->enum_type()->value_count(); ++i) {
            names.push_back(ShortEnumName(field->enum_type(), field->enum_type()->value(i)));
          }
          return Problem(path, absl::StrCat("unknown value \"", text,
                                            "\"; expected one of: ", absl::StrJoin(names, ", ")));
        }
        rep ? refl->AddEnum(msg, field, value) : refl->SetEnum(msg, field, value);
        return;
      }
      default:
        Problem(path, "unsupported field type");
    }
  }

  // Enum values are accepted by full name (VENDOR_FINGERPRINT) or, case-insensitively, without
  // the enum's prefix (fingerprint).
  static std::string ShortEnumName(const pb::EnumDescriptor* type,
                                   const pb::EnumValueDescriptor* v) {
    // The prefix is what the zero value has before "UNSPECIFIED" (buf's ENUM_VALUE_PREFIX rule).
    const std::string& zero = type->value(0)->name();
    const size_t cut = zero.rfind("UNSPECIFIED");
    std::string name = v->name();
    if (cut != std::string::npos && absl::StartsWith(name, zero.substr(0, cut))) {
      name = name.substr(cut);
    }
    return absl::AsciiStrToLower(name);
  }

  static const pb::EnumValueDescriptor* EnumValue(const pb::EnumDescriptor* type,
                                                  const std::string& text) {
    if (const auto* v = type->FindValueByName(text); v != nullptr) return v;
    for (int i = 0; i < type->value_count(); ++i) {
      if (ShortEnumName(type, type->value(i)) == absl::AsciiStrToLower(text)) return type->value(i);
    }
    return nullptr;
  }

  void Duration(const YAML::Node& node, const std::string& path, pb::Duration* out) {
    std::string text;
    if (!Scalar(node, path, &text)) return;
    absl::Duration d;
    if (!absl::ParseDuration(text, &d)) {
      return Problem(path, "expected a duration such as \"2s\" or \"250ms\"");
    }
    if (d < absl::ZeroDuration()) return Problem(path, "must not be negative");
    if (d > kMaxDuration) return Problem(path, "must be at most 24h");
    SetDuration(d, out);
  }

  std::vector<ConfigProblem>* problems_;
};

bool ValidName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Plain http:// is allowed only to a loopback host (a sandbox or a local proxy): the host must be
// exactly 127.0.0.1, localhost or [::1], optionally followed by a port and a path.
bool IsLoopbackUrl(absl::string_view url) {
  if (!absl::ConsumePrefix(&url, "http://")) return false;
  const absl::string_view authority = url.substr(0, url.find('/'));
  for (absl::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    absl::string_view rest = authority;
    if (!absl::ConsumePrefix(&rest, host)) continue;
    if (rest.empty()) return true;
    int port = 0;
    if (absl::ConsumePrefix(&rest, ":") && absl::SimpleAtoi(rest, &port) && port > 0 &&
        port < 65536) {
      return true;
    }
  }
  return false;
}

// The vendor names a config may use, from the schema's Vendor enum, in lower case.
std::string VendorNames() {
  const pb::EnumDescriptor* vendors = fpgw::config::v1::Vendor_descriptor();
  std::vector<std::string> names;
  for (int i = 0; i < vendors->value_count(); ++i) {
    if (vendors->value(i)->number() == 0) continue;
    names.push_back(absl::AsciiStrToLower(absl::StripPrefix(vendors->value(i)->name(), "VENDOR_")));
  }
  return absl::StrJoin(names, ", ");
}

void Validate(Config* config, const IntegrationRules& rules, std::vector<ConfigProblem>* problems) {
  auto* server = config->mutable_server();
  if (!server->has_drain_grace_period()) server->mutable_drain_grace_period()->set_seconds(10);
  if (!server->has_drain_delay()) {
    // Long enough for health watchers and load balancers to see NOT_SERVING, never longer than
    // the grace period.
    SetDuration(std::min(absl::Seconds(1), ToDuration(server->drain_grace_period())),
                server->mutable_drain_delay());
  }
  if (server->max_receive_message_bytes() < 0) {
    problems->push_back({"server.max_receive_message_bytes", "must not be negative"});
  }
  if (server->max_receive_message_bytes() == 0) server->set_max_receive_message_bytes(1 << 20);
  if (server->max_send_message_bytes() < 0) {
    problems->push_back({"server.max_send_message_bytes", "must not be negative"});
  }
  if (server->max_send_message_bytes() == 0) server->set_max_send_message_bytes(16 << 20);
  auto* server_limits = server->mutable_limits();
  if (server_limits->max_calls_in_flight() == 0) server_limits->set_max_calls_in_flight(10000);
  if (server_limits->max_concurrent_streams() < 0) {
    problems->push_back({"server.limits.max_concurrent_streams", "must not be negative"});
  }
  if (server_limits->max_concurrent_streams() == 0) server_limits->set_max_concurrent_streams(1000);
  if (!server_limits->has_max_connection_age()) {
    SetDuration(absl::Minutes(30), server_limits->mutable_max_connection_age());
  }
  if (!server_limits->has_max_connection_age_grace()) {
    SetDuration(absl::Seconds(10), server_limits->mutable_max_connection_age_grace());
  }
  for (const auto& [field, value] :
       {std::pair<const char*, absl::Duration>{"server.limits.max_connection_age",
                                               ToDuration(server_limits->max_connection_age())},
        {"server.limits.max_connection_age_grace",
         ToDuration(server_limits->max_connection_age_grace())}}) {
    if (value < absl::ZeroDuration()) problems->push_back({field, "must not be negative"});
  }
  auto* http = config->mutable_http();
  if (http->max_response_bytes() < 0) {
    problems->push_back({"http.max_response_bytes", "must not be negative"});
  }
  if (http->max_response_bytes() == 0) http->set_max_response_bytes(8 << 20);
  if (http->max_response_bytes() > kMaxResponseBytesCap) {
    problems->push_back({"http.max_response_bytes", "must be at most 256 MiB"});
  }
  if (!http->has_connect_timeout()) http->mutable_connect_timeout()->set_seconds(2);
  auto* retry = http->mutable_retry();
  if (retry->max_attempts() < 0 || retry->max_attempts() > 10) {
    problems->push_back({"http.retry.max_attempts", "must be 0 to 10"});
  }
  if (retry->max_attempts() == 0) retry->set_max_attempts(3);
  if (!retry->has_initial_backoff())
    SetDuration(absl::Milliseconds(50), retry->mutable_initial_backoff());
  if (!retry->has_max_backoff()) SetDuration(absl::Seconds(1), retry->mutable_max_backoff());
  if (ToDuration(retry->initial_backoff()) <= absl::ZeroDuration() ||
      ToDuration(retry->max_backoff()) < ToDuration(retry->initial_backoff())) {
    problems->push_back(
        {"http.retry.max_backoff", "backoffs must be positive, the maximum at least the first"});
  }
  if (retry->budget_percent() < 0 || retry->budget_percent() > 100) {
    problems->push_back({"http.retry.budget_percent", "must be 0 to 100"});
  }
  if (retry->budget_percent() == 0) retry->set_budget_percent(20);
  if (retry->min_retry_concurrency() < 0) {
    problems->push_back({"http.retry.min_retry_concurrency", "must not be negative"});
  }
  if (retry->min_retry_concurrency() == 0) retry->set_min_retry_concurrency(3);
  auto* breaker = http->mutable_circuit_breaker();
  if (breaker->consecutive_failures() == 0) breaker->set_consecutive_failures(5);
  if (!breaker->has_open_for()) SetDuration(absl::Seconds(1), breaker->mutable_open_for());
  if (!breaker->has_max_open_for()) SetDuration(absl::Seconds(30), breaker->mutable_max_open_for());
  if (ToDuration(breaker->open_for()) <= absl::ZeroDuration() ||
      ToDuration(breaker->max_open_for()) < ToDuration(breaker->open_for())) {
    problems->push_back({"http.circuit_breaker.max_open_for",
                         "open times must be positive, the maximum at least the first"});
  }
  if (!http->proxy().empty()) {
    absl::string_view proxy = http->proxy();
    const bool scheme =
        absl::ConsumePrefix(&proxy, "http://") || absl::ConsumePrefix(&proxy, "https://");
    const absl::string_view authority = proxy.substr(0, proxy.find('/'));
    if (!scheme || authority.empty()) {
      problems->push_back({"http.proxy", "expected http://host:port or https://host:port"});
    } else if (absl::StrContains(authority, '@')) {
      problems->push_back({"http.proxy", "must not hold credentials (user:password@)"});
    }
  }

  auto* cache = config->mutable_evaluation_cache();
  if (cache->max_bytes() == 0) cache->set_max_bytes(int64_t{64} << 20);
  if (cache->max_bytes() > (int64_t{16} << 30)) {
    problems->push_back({"evaluation_cache.max_bytes", "must be at most 16 GiB"});
  }

  if (config->tenants().empty())
    problems->push_back({"tenants", "at least one tenant is required"});
  if (server->access_log().has_sample_rate() &&
      !(server->access_log().sample_rate() >= 0 && server->access_log().sample_rate() <= 1)) {
    problems->push_back({"server.access_log.sample_rate", "must be between 0 and 1"});
  }
  if (server->has_drain_delay() &&
      ToDuration(server->drain_delay()) > ToDuration(server->drain_grace_period())) {
    problems->push_back({"server.drain_delay", "must not exceed server.drain_grace_period"});
  }
  std::set<std::string> tenant_names;
  for (int t = 0; t < config->tenants_size(); ++t) {
    auto* tenant = config->mutable_tenants(t);
    const std::string tpath = absl::StrCat("tenants[", t, "]");
    if (!ValidName(tenant->name())) {
      problems->push_back({tpath + ".name", "required: 1-64 letters, digits, '-' or '_'"});
    } else if (!tenant_names.insert(tenant->name()).second) {
      problems->push_back(
          {tpath + ".name", absl::StrCat("duplicate tenant \"", tenant->name(), "\"")});
    }
    if (tenant->integrations().empty()) {
      problems->push_back({tpath + ".integrations", "at least one integration is required"});
    }
    std::set<std::string> names;
    for (int i = 0; i < tenant->integrations_size(); ++i) {
      Integration* in = tenant->mutable_integrations(i);
      const std::string ipath = absl::StrCat(tpath, ".integrations[", i, "]");
      if (!ValidName(in->name())) {
        problems->push_back({ipath + ".name", "required: 1-64 letters, digits, '-' or '_'"});
      } else if (!names.insert(in->name()).second) {
        problems->push_back(
            {ipath + ".name", absl::StrCat("duplicate integration \"", in->name(), "\"")});
      }
      if (in->vendor() == fpgw::config::v1::VENDOR_UNSPECIFIED) {
        problems->push_back({ipath + ".vendor", absl::StrCat("required: one of ", VendorNames())});
      }
      if (!in->base_url().empty() && !absl::StartsWith(in->base_url(), "https://") &&
          !IsLoopbackUrl(in->base_url())) {
        problems->push_back({ipath + ".base_url", "must be an https:// URL"});
      }
      ValidateSecretRef(in->credential(), ipath + ".credential", *config, false, problems);
      if (!in->has_timeout()) in->mutable_timeout()->set_seconds(5);
      if (in->timeout().seconds() == 0 && in->timeout().nanos() == 0) {
        problems->push_back({ipath + ".timeout", "must be positive"});
      }
      auto* limits = in->mutable_limits();
      if (limits->max_concurrent_calls() < 0 || limits->max_concurrent_calls() > 100000) {
        problems->push_back({ipath + ".limits.max_concurrent_calls", "must be 0 to 100000"});
      }
      if (limits->max_concurrent_calls() == 0) limits->set_max_concurrent_calls(64);
      if (limits->max_queued_calls() < -1 || limits->max_queued_calls() > 1000000) {
        problems->push_back(
            {ipath + ".limits.max_queued_calls", "must be -1 (no queue) to 1000000"});
      }
      if (limits->max_queued_calls() == 0) limits->set_max_queued_calls(1024);
      if (in->has_cache_ttl() && (ToDuration(in->cache_ttl()) < absl::ZeroDuration() ||
                                  ToDuration(in->cache_ttl()) > absl::Hours(24))) {
        problems->push_back({ipath + ".cache_ttl", "must be 0s to 24h"});
      }
      if (in->vendor() != fpgw::config::v1::VENDOR_UNSPECIFIED) {
        rules.Check(in, ipath, *config, problems);
      }
    }
  }
  // Listeners, callers and page-token keys refer to the tenants: checked last.
  ValidateTrust(config, problems);
  for (int i = 0; i < server->listeners_size(); ++i) {
    if (server->listeners(i).has_tls()) {
      ValidateSecretRef(server->listeners(i).tls().key(),
                        absl::StrCat("server.listeners[", i, "].tls.key"), *config, true, problems);
    }
  }
  for (int i = 0; i < server->callers_size(); ++i) {
    if (server->callers(i).has_bearer_token_sha256()) {
      ValidateSecretRef(server->callers(i).bearer_token_sha256(),
                        absl::StrCat("server.callers[", i, "].bearer_token_sha256"), *config, true,
                        problems);
    }
  }
  for (int i = 0; i < server->page_tokens().keys_size(); ++i) {
    ValidateSecretRef(server->page_tokens().keys(i).key(),
                      absl::StrCat("server.page_tokens.keys[", i, "].key"), *config, true,
                      problems);
  }
}

}  // namespace

void ValidateSecretRef(const fpgw::config::v1::SecretRef& ref, const std::string& path,
                       const Config& config, bool required, std::vector<ConfigProblem>* problems) {
  using fpgw::config::v1::SecretRef;
  switch (ref.source_case()) {
    case SecretRef::SOURCE_NOT_SET:
      if (required) problems->push_back({path, "a credential reference (env or file) is required"});
      return;
    case SecretRef::kEnv:
      if (ref.env().empty()) problems->push_back({path + ".env", "must not be empty"});
      return;
    case SecretRef::kFile:
      if (ref.file().empty() || absl::StrContains(ref.file(), '/') ||
          absl::StartsWith(ref.file(), ".")) {
        problems->push_back({path + ".file", "must be a file name inside secret_stores.directory"});
      }
      if (config.secret_stores().directory().empty()) {
        problems->push_back({path + ".file", "needs secret_stores.directory to be set"});
      }
      return;
  }
}

void RequireCredential(const Integration& integration, const std::string& path,
                       std::vector<ConfigProblem>* problems) {
  if (integration.credential().source_case() == fpgw::config::v1::SecretRef::SOURCE_NOT_SET) {
    problems->push_back({path + ".credential", "a credential reference (env or file) is required"});
  }
}

absl::Duration ToDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
}

std::string SecretRefName(const fpgw::config::v1::SecretRef& ref) {
  switch (ref.source_case()) {
    case fpgw::config::v1::SecretRef::kEnv:
      return absl::StrCat("env:", ref.env());
    case fpgw::config::v1::SecretRef::kFile:
      return absl::StrCat("file:", ref.file());
    default:
      return "";
  }
}

std::vector<ConfigProblem> ParseConfig(absl::string_view yaml, const IntegrationRules& rules,
                                       Config* out, const ConfigOverrides& overrides) {
  std::vector<ConfigProblem> problems;
  out->Clear();
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    problems.push_back({absl::StrCat("line ", e.mark.line + 1, ", column ", e.mark.column + 1),
                        absl::StrCat("not valid YAML: ", e.msg)});
    return problems;
  }
  if (!root.IsDefined() || root.IsNull()) {
    problems.push_back({"(root)", "the config is empty"});
    return problems;
  }
  YamlToProto(&problems).Message(root, "", out);
  // Overrides go through the same checks as the file.
  if (!overrides.listen.empty()) OverrideListenAddress(overrides.listen, out);
  if (!overrides.metrics_listen.empty()) {
    out->mutable_server()->set_metrics_listen(overrides.metrics_listen);
  }
  // Semantic checks run even after schema problems, so one run reports every problem.
  Validate(out, rules, &problems);
  return problems;
}

std::string FormatProblems(const std::vector<ConfigProblem>& problems) {
  std::vector<std::string> lines;
  lines.reserve(problems.size());
  for (const ConfigProblem& p : problems) lines.push_back(absl::StrCat(p.path, ": ", p.message));
  return absl::StrJoin(lines, "\n");
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path, const IntegrationRules& rules,
                                      const ConfigOverrides& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("config file ", path, " cannot be opened"));
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("config file ", path, " is larger than 1 MiB"));
  }
  Config config;
  std::vector<ConfigProblem> problems = ParseConfig(text, rules, &config, overrides);
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("config file ", path, " has ", problems.size(),
                                                   " problem(s):\n", FormatProblems(problems)));
  }
  return config;
}

}  // namespace fpgw::config
