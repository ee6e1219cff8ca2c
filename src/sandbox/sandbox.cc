#include "sandbox/sandbox.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <dlfcn.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/test_pki.h"

namespace fpgw::sandbox {
namespace {

constexpr int kMaxThreads = 256;
constexpr int kDefaultSlowMs = 3000;
constexpr int kMaxSlowMs = 120000;
constexpr int kSlowBodyChunks = 10;
constexpr int kSlowBodyGapMs = 300;
constexpr size_t kOversizedBytes = 50u * 1024 * 1024 + 4096;
constexpr size_t kStreamBufferBytes = 64 * 1024;
constexpr size_t kMaxUpdateBodyBytes = 64 * 1024;
constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 100;
constexpr size_t kMaxLinkedIdChars = 256;
constexpr absl::string_view kScenarioTokenPrefix = "sandbox-";
constexpr absl::string_view kPaginationKeyPrefix = "sbx1";
constexpr absl::string_view kStatsPath = "/_sandbox/stats";

// ----------------------------------------------------------------------------------------------
// Scenarios.

enum class ScenarioKind {
  kNone,
  kNotFound,
  kWrongRegion,
  kFeatureNotEnabled,
  kSubscriptionNotActive,
  kRateLimited,
  kSearchRateLimited,
  kServerError,
  kGatewayTimeout,
  kBadRequest,
  kStateNotReady,
  kNotReadyOnce,
  kPayloadTooLarge,
  kSlow,
  kSlowBody,
  kMalformed,
  kHtml,
  kOversized,
  kDrift,
  kUnknownFields,
  kReset,
  kPartial,
};

struct Scenario {
  ScenarioKind kind = ScenarioKind::kNone;
  int delay_ms = 0;  // kSlow only
};

struct ScenarioName {
  absl::string_view name;
  ScenarioKind kind;
};

// Longer names first where one is a prefix of another ("slow-body" before "slow").
constexpr ScenarioName kScenarioNames[] = {
    {"not-found", ScenarioKind::kNotFound},
    {"wrong-region", ScenarioKind::kWrongRegion},
    {"feature-not-enabled", ScenarioKind::kFeatureNotEnabled},
    {"subscription-not-active", ScenarioKind::kSubscriptionNotActive},
    {"search-rate-limited", ScenarioKind::kSearchRateLimited},
    {"rate-limited", ScenarioKind::kRateLimited},
    {"server-error", ScenarioKind::kServerError},
    {"gateway-timeout", ScenarioKind::kGatewayTimeout},
    {"bad-request", ScenarioKind::kBadRequest},
    {"state-not-ready", ScenarioKind::kStateNotReady},
    {"not-ready-once", ScenarioKind::kNotReadyOnce},
    {"payload-too-large", ScenarioKind::kPayloadTooLarge},
    {"slow-body", ScenarioKind::kSlowBody},
    {"slow", ScenarioKind::kSlow},
    {"malformed", ScenarioKind::kMalformed},
    {"html", ScenarioKind::kHtml},
    {"oversized", ScenarioKind::kOversized},
    {"drift", ScenarioKind::kDrift},
    {"unknown-fields", ScenarioKind::kUnknownFields},
    {"reset", ScenarioKind::kReset},
    {"partial", ScenarioKind::kPartial},
};

// Parses "<name>[-<rest>]". `slow-<digits>` sets the delay. Returns nullopt for unknown names.
std::optional<Scenario> ParseScenario(absl::string_view text) {
  for (const ScenarioName& entry : kScenarioNames) {
    if (!absl::StartsWith(text, entry.name)) continue;
    absl::string_view rest = text.substr(entry.name.size());
    if (!rest.empty() && rest[0] != '-' && rest[0] != '.' && rest[0] != '_') continue;
    Scenario scenario;
    scenario.kind = entry.kind;
    if (entry.kind == ScenarioKind::kSlow) {
      scenario.delay_ms = kDefaultSlowMs;
      if (!rest.empty()) {
        absl::string_view digits = rest.substr(1);
        size_t end = 0;
        while (end < digits.size() && absl::ascii_isdigit(digits[end])) ++end;
        int ms = 0;
        if (end > 0 && absl::SimpleAtoi(digits.substr(0, end), &ms)) {
          scenario.delay_ms = std::min(ms, kMaxSlowMs);
        }
      }
    }
    return scenario;
  }
  return std::nullopt;
}

// ----------------------------------------------------------------------------------------------
// Fingerprint v4 errors (codes and messages as the vendor sends them).

struct VendorError {
  int status;
  absl::string_view code;
  absl::string_view message;
};

constexpr VendorError kSecretKeyRequired{403, "secret_api_key_required",
                                         "secret API key in header is missing or empty"};
constexpr VendorError kSecretKeyNotFound{
    403, "secret_api_key_not_found", "no fingerprint workspace found for specified secret API key"};
constexpr VendorError kWrongRegion{403, "wrong_region", "wrong region"};
constexpr VendorError kFeatureNotEnabled{403, "feature_not_enabled", "feature not enabled"};
constexpr VendorError kSubscriptionNotActive{403, "subscription_not_active", "forbidden"};
constexpr VendorError kEventNotFound{404, "event_not_found", "event id not found"};
constexpr VendorError kVisitorNotFound{404, "visitor_not_found", "visitor not found"};
constexpr VendorError kTooManyRequests{429, "too_many_requests", "too many requests"};
constexpr VendorError kTooManySearchRequests{429, "too_many_requests", "too many search requests"};
constexpr VendorError kInternalError{500, "failed", "internal server error"};
constexpr VendorError kGatewayTimeout{504, "failed", "gateway timeout"};
constexpr VendorError kStateNotReady{409, "state_not_ready",
                                     "resource is not mutable yet, try again"};
constexpr VendorError kPayloadTooLarge{413, "payload_too_large", "payload too large"};
constexpr VendorError kRulesetNotFound{400, "ruleset_not_found", "ruleset not found"};
constexpr VendorError kRequestBodyInvalid{400, "request_cannot_be_parsed",
                                          "request body is not valid"};

constexpr VendorError BadRequest(absl::string_view message) {
  return VendorError{400, "request_cannot_be_parsed", message};
}

std::string ErrorBody(absl::string_view code, absl::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.StartObject();
  writer.Key("code");
  writer.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  writer.Key("message");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ----------------------------------------------------------------------------------------------
// Request parsing helpers.

// The value of query parameter `name`, or nullopt when absent. civetweb decodes it.
std::optional<std::string> QueryParam(const char* query, const char* name) {
  if (query == nullptr) return std::nullopt;
  size_t query_len = std::strlen(query);
  std::vector<char> buffer(query_len + 1);
  int n = mg_get_var(query, query_len, name, buffer.data(), buffer.size());
  if (n < 0) return std::nullopt;  // -1 absent; -2 cannot happen with this buffer size
  return std::string(buffer.data(), static_cast<size_t>(n));
}

// Parses a search time bound: Unix milliseconds or RFC 3339.
std::optional<int64_t> ParseTimeBound(const std::string& text) {
  int64_t ms = 0;
  if (!text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit) &&
      absl::SimpleAtoi(text, &ms)) {
    return ms;
  }
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return absl::ToUnixMillis(t);
  return std::nullopt;
}

bool IsIpOrCidr(const std::string& text) {
  std::string address = text;
  size_t slash = text.find('/');
  int max_prefix = 0;
  if (slash != std::string::npos) address = text.substr(0, slash);
  unsigned char buf[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    max_prefix = 128;
  } else {
    return false;
  }
  if (slash == std::string::npos) return true;
  int prefix = -1;
  return absl::SimpleAtoi(text.substr(slash + 1), &prefix) && prefix >= 0 && prefix <= max_prefix;
}

// HTTP/1.1 keeps the connection unless the client asked to close it; HTTP/1.0 only on request.
bool ClientWantsKeepAlive(const mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  const char* header = mg_get_header(conn, "Connection");
  if (header != nullptr) return absl::StrContains(absl::AsciiStrToLower(header), "keep-alive");
  return info->http_version != nullptr && std::strcmp(info->http_version, "1.1") == 0;
}

struct Header {
  std::string name;
  std::string value;
};

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
// Handles one request. Lives on the worker thread's stack for the duration of the callback.

class Sandbox::RequestHandler final {
 public:
  RequestHandler(Sandbox& sandbox, mg_connection* conn)
      : sandbox_(sandbox), conn_(conn), info_(mg_get_request_info(conn)) {}

  // Returns the HTTP status for civetweb's access log.
  int Handle();

 private:
  int HandleStats();
  int HandleGetEvent(absl::string_view event_id);
  int HandleSearch();
  int HandleUpdateEvent(absl::string_view event_id);
  int HandleDeleteVisitor(absl::string_view visitor_id);

  // Checks the Bearer key; sends the 403 and returns false when it is wrong.
  bool Authorized();
  // The scenario from the control header, else from `token`. Sends a 400 and sets *sent when the
  // header names an unknown scenario.
  Scenario SelectScenario(absl::string_view token, bool* sent);
  // Answers failure scenarios that replace the response entirely. Returns true when a response
  // was sent (or the connection dropped). `search` picks route-specific errors.
  bool ApplyTerminalScenario(const Scenario& scenario, bool search, absl::string_view token);
  // Mutates one event for body-level scenarios (drift, unknown fields, partial).
  void MutateEvent(const Scenario& scenario, rapidjson::Document* doc) const;
  // Sends a 200 JSON body, honouring delivery scenarios (slow body, malformed, html, oversized).
  int SendBody(const Scenario& scenario, const std::string& json);

  int SendError(const VendorError& error, const std::vector<Header>& extra = {});
  int Send(int status, absl::string_view content_type, absl::string_view body,
           const std::vector<Header>& extra = {});
  bool SendHeaders(int status, absl::string_view content_type, size_t content_length,
                   const std::vector<Header>& extra);
  bool Write(absl::string_view bytes);
  int SendOversized(const std::string& json);
  int Reset();

  Sandbox& sandbox_;
  mg_connection* conn_;
  const mg_request_info* info_;
  int status_ = 0;  // status of the response sent so far; 0 before headers
};

int Sandbox::RequestHandler::Handle() {
  absl::string_view path = info_->local_uri != nullptr ? info_->local_uri : "";
  absl::string_view method = info_->request_method != nullptr ? info_->request_method : "";

  if (path == kStatsPath) {
    if (method != "GET") {
      return Send(405, "application/json", ErrorBody("method_not_allowed", "method not allowed"),
                  {{"Allow", "GET"}});
    }
    return HandleStats();
  }

  // Route: /v4/events, /v4/events/{id} (alias /v4/event/{id}), /v4/visitors/{id}.
  absl::string_view route = kRouteUnknown;
  absl::string_view id;
  absl::string_view allow;
  if (path == "/v4/events") {
    route = kRouteFingerprintV4SearchEvents;
    allow = "GET";
  } else if (absl::StartsWith(path, "/v4/events/") || absl::StartsWith(path, "/v4/event/")) {
    id = path.substr(path.find('/', 4) + 1);
    allow = "GET, PATCH";
    route = method == "PATCH" ? kRouteFingerprintV4UpdateEvent : kRouteFingerprintV4GetEvent;
  } else if (path == "/v4/visitors" || absl::StartsWith(path, "/v4/visitors/")) {
    id = path.size() > 13 ? path.substr(13) : absl::string_view();
    route = kRouteFingerprintV4DeleteVisitor;
    allow = "DELETE";
  }
  sandbox_.CountRequest(route);

  if (route == kRouteUnknown) {
    return Send(404, "application/json",
                ErrorBody("not_found", absl::StrCat("no route for ", path)));
  }
  if (!absl::StrContains(allow, method) || method.empty()) {
    return Send(405, "application/json", ErrorBody("method_not_allowed", "method not allowed"),
                {{"Allow", std::string(allow)}});
  }
  if (!Authorized()) return status_;

  if (route == kRouteFingerprintV4SearchEvents) return HandleSearch();
  if (route == kRouteFingerprintV4UpdateEvent) return HandleUpdateEvent(id);
  if (route == kRouteFingerprintV4DeleteVisitor) return HandleDeleteVisitor(id);
  return HandleGetEvent(id);
}

bool Sandbox::RequestHandler::Authorized() {
  const char* header = mg_get_header(conn_, "Authorization");
  absl::string_view value = header != nullptr ? header : "";
  value = absl::StripAsciiWhitespace(value);
  absl::string_view key;
  if (value.size() > 7 && absl::StartsWithIgnoreCase(value, "Bearer ")) {
    key = absl::StripAsciiWhitespace(value.substr(7));
  }
  if (key.empty()) {
    SendError(kSecretKeyRequired);
    return false;
  }
  const std::string& expected = sandbox_.options_.fingerprint_v4_secret_key;
  if (key.size() != expected.size() ||
      CRYPTO_memcmp(key.data(), expected.data(), expected.size()) != 0) {
    SendError(kSecretKeyNotFound);
    return false;
  }
  return true;
}

Scenario Sandbox::RequestHandler::SelectScenario(absl::string_view token, bool* sent) {
  *sent = false;
  const char* header = mg_get_header(conn_, std::string(kScenarioHeader).c_str());
  if (header != nullptr && header[0] != '\0') {
    std::optional<Scenario> scenario = ParseScenario(absl::StripAsciiWhitespace(header));
    if (!scenario.has_value()) {
      SendError(BadRequest(absl::StrCat("unknown sandbox scenario \"", header, "\"")));
      *sent = true;
      return Scenario{};
    }
    return *scenario;
  }
  if (absl::StartsWith(token, kScenarioTokenPrefix)) {
    return ParseScenario(token.substr(kScenarioTokenPrefix.size())).value_or(Scenario{});
  }
  return Scenario{};
}

bool Sandbox::RequestHandler::ApplyTerminalScenario(const Scenario& scenario, bool search,
                                                    absl::string_view token) {
  const std::vector<Header> retry_after = {{"Retry-After", "1"}};
  switch (scenario.kind) {
    case ScenarioKind::kNotFound:
      SendError(search ? kVisitorNotFound : kEventNotFound);
      return true;
    case ScenarioKind::kWrongRegion:
      SendError(kWrongRegion);
      return true;
    case ScenarioKind::kFeatureNotEnabled:
      SendError(kFeatureNotEnabled);
      return true;
    case ScenarioKind::kSubscriptionNotActive:
      SendError(kSubscriptionNotActive);
      return true;
    case ScenarioKind::kRateLimited:
      SendError(kTooManyRequests, retry_after);
      return true;
    case ScenarioKind::kSearchRateLimited:
      SendError(kTooManySearchRequests, retry_after);
      return true;
    case ScenarioKind::kServerError:
      SendError(kInternalError);
      return true;
    case ScenarioKind::kGatewayTimeout:
      SendError(kGatewayTimeout);
      return true;
    case ScenarioKind::kBadRequest:
      SendError(BadRequest(search ? "invalid visitor id" : "invalid event_id"));
      return true;
    case ScenarioKind::kStateNotReady:
      SendError(kStateNotReady);
      return true;
    case ScenarioKind::kNotReadyOnce:
      // The vendor's "pending then complete": the first request for this token is refused as not
      // ready yet, later ones go through.
      if (sandbox_.NoteAttempt(token) == 1) {
        SendError(kStateNotReady);
        return true;
      }
      return false;
    case ScenarioKind::kPayloadTooLarge:
      SendError(kPayloadTooLarge);
      return true;
    case ScenarioKind::kReset:
      Reset();
      return true;
    case ScenarioKind::kSlow:
      if (!sandbox_.SleepUnlessStopping(scenario.delay_ms)) {
        Reset();
        return true;
      }
      return false;
    default:
      (void)token;
      return false;
  }
}

void Sandbox::RequestHandler::MutateEvent(const Scenario& scenario,
                                          rapidjson::Document* doc) const {
  auto& alloc = doc->GetAllocator();
  auto set = [&](const char* key, rapidjson::Value value) {
    rapidjson::Value::MemberIterator it = doc->FindMember(key);
    if (it != doc->MemberEnd()) {
      it->value = value;
    } else {
      doc->AddMember(rapidjson::StringRef(key), value, alloc);
    }
  };
  switch (scenario.kind) {
    case ScenarioKind::kPartial:
      set("incremental_identification_status", rapidjson::Value("partially_completed"));
      break;
    case ScenarioKind::kDrift: {
      // Type changes and out-of-enum values, the way a vendor's schema drifts under a client.
      set("incognito", rapidjson::Value(1));
      set("suspect_score", rapidjson::Value("7"));
      set("vpn_confidence", rapidjson::Value("extreme"));
      set("bot", rapidjson::Value("suspicious"));
      set("timestamp", rapidjson::Value(rapidjson::StringRef("1708102555327")));
      set("sandbox_drift", rapidjson::Value(true));
      rapidjson::Value::MemberIterator ident = doc->FindMember("identification");
      if (ident != doc->MemberEnd() && ident->value.IsObject()) {
        rapidjson::Value::MemberIterator confidence = ident->value.FindMember("confidence");
        if (confidence != ident->value.MemberEnd()) confidence->value.SetString("high");
      }
      break;
    }
    case ScenarioKind::kUnknownFields: {
      rapidjson::Value future(rapidjson::kObjectType);
      future.AddMember("result", true, alloc);
      future.AddMember("confidence", "high", alloc);
      future.AddMember("introduced_in", "v4.99", alloc);
      set("sandbox_future_signal", std::move(future));
      set("sandbox_future_flag", rapidjson::Value(false));
      rapidjson::Value::MemberIterator ident = doc->FindMember("identification");
      if (ident != doc->MemberEnd() && ident->value.IsObject()) {
        ident->value.AddMember("sandbox_extra", "nested unknown field", alloc);
      }
      rapidjson::Value::MemberIterator ip_info = doc->FindMember("ip_info");
      if (ip_info != doc->MemberEnd() && ip_info->value.HasMember("v4")) {
        ip_info->value["v4"].AddMember("sandbox_extra", 42, alloc);
      }
      break;
    }
    default:
      break;
  }
}

int Sandbox::RequestHandler::HandleGetEvent(absl::string_view event_id) {
  bool sent = false;
  Scenario scenario = SelectScenario(event_id, &sent);
  if (sent) return status_;
  if (ApplyTerminalScenario(scenario, /*search=*/false, event_id)) return status_;
  if (!FingerprintV4Data::IsValidEventId(event_id)) {
    return SendError(BadRequest("invalid event_id"));
  }
  std::optional<std::string> ruleset_id = QueryParam(info_->query_string, "ruleset_id");
  if (ruleset_id.has_value() && absl::StartsWith(*ruleset_id, "rs_missing")) {
    return SendError(kRulesetNotFound);
  }
  rapidjson::Document doc;
  sandbox_.data_.BuildEvent(sandbox_.data_.Facts(event_id), ruleset_id.value_or(""), &doc);
  MutateEvent(scenario, &doc);
  return SendBody(scenario, Serialize(doc));
}

int Sandbox::RequestHandler::HandleSearch() {
  const char* query = info_->query_string;
  std::optional<std::string> visitor_id = QueryParam(query, "visitor_id");
  bool sent = false;
  Scenario scenario = SelectScenario(visitor_id.value_or(""), &sent);
  if (sent) return status_;
  if (ApplyTerminalScenario(scenario, /*search=*/true, visitor_id.value_or(""))) {
    return status_;
  }

  int limit = kDefaultLimit;
  if (std::optional<std::string> text = QueryParam(query, "limit"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &limit) || limit < 1 || limit > kMaxLimit) {
      return SendError(BadRequest("invalid limit"));
    }
  }
  if (visitor_id.has_value() && !FingerprintV4Data::IsValidVisitorId(*visitor_id)) {
    return SendError(BadRequest("invalid visitor id"));
  }
  std::optional<std::string> linked_id = QueryParam(query, "linked_id");
  if (linked_id.has_value() && linked_id->size() > kMaxLinkedIdChars) {
    return SendError(BadRequest("linked_id can't be greater than 256 characters long"));
  }
  std::string bot = QueryParam(query, "bot").value_or("all");
  if (bot != "all" && bot != "good" && bot != "bad" && bot != "none") {
    return SendError(BadRequest("invalid bot type"));
  }
  if (std::optional<std::string> ip = QueryParam(query, "ip_address"); ip.has_value()) {
    if (!IsIpOrCidr(*ip)) return SendError(BadRequest("invalid ip address"));
  }
  std::optional<int64_t> start;
  if (std::optional<std::string> text = QueryParam(query, "start"); text.has_value()) {
    start = ParseTimeBound(*text);
    if (!start.has_value()) return SendError(BadRequest("invalid start time"));
  }
  std::optional<int64_t> end;
  if (std::optional<std::string> text = QueryParam(query, "end"); text.has_value()) {
    end = ParseTimeBound(*text);
    if (!end.has_value()) return SendError(BadRequest("invalid end time"));
  }
  bool reverse = false;
  if (std::optional<std::string> text = QueryParam(query, "reverse"); text.has_value()) {
    if (*text == "true") {
      reverse = true;
    } else if (*text != "false") {
      return SendError(BadRequest("invalid reverse param"));
    }
  }
  int total_hits_cap = 0;
  if (std::optional<std::string> text = QueryParam(query, "total_hits"); text.has_value()) {
    if (!absl::SimpleAtoi(*text, &total_hits_cap) || total_hits_cap < 1 || total_hits_cap > 1000) {
      return SendError(BadRequest("invalid total_hits"));
    }
  }

  if (visitor_id.has_value() && !visitor_id->empty() &&
      absl::StartsWith(*visitor_id, "sandbox-not-found")) {
    return SendError(kVisitorNotFound);
  }

  std::vector<EventFacts> events = sandbox_.data_.SearchSet(visitor_id.value_or(""));
  events.erase(std::remove_if(events.begin(), events.end(),
                              [&](const EventFacts& e) {
                                if (bot == "none" && e.bot != "not_detected") return true;
                                if (bot == "good" && e.bot != "good") return true;
                                if (bot == "bad" && e.bot != "bad") return true;
                                if (linked_id.has_value() && e.linked_id != *linked_id) {
                                  return true;
                                }
                                if (start.has_value() && e.timestamp_ms < *start) return true;
                                if (end.has_value() && e.timestamp_ms > *end) return true;
                                return false;
                              }),
               events.end());
  if (reverse) std::reverse(events.begin(), events.end());

  // The pagination key binds the offset to the filters, so a key replayed with other filters is
  // rejected like the vendor's.
  const std::string filters =
      absl::StrCat(visitor_id.value_or(""), "|", linked_id.value_or(""), "|", bot, "|",
                   start.value_or(-1), "|", end.value_or(-1), "|", reverse);
  const uint64_t filter_hash = sandbox_.data_.Hash("pagination", filters);
  size_t offset = 0;
  if (std::optional<std::string> key = QueryParam(query, "pagination_key"); key.has_value()) {
    std::string decoded;
    std::vector<absl::string_view> parts;
    uint64_t hash = 0;
    if (absl::WebSafeBase64Unescape(*key, &decoded)) {
      parts = absl::StrSplit(decoded, '.');
    }
    if (parts.size() != 3 || parts[0] != kPaginationKeyPrefix ||
        !absl::SimpleAtoi(parts[1], &offset) || offset == 0 || offset > events.size() ||
        !absl::SimpleHexAtoi(parts[2], &hash) || hash != filter_hash) {
      return SendError(BadRequest("invalid pagination key"));
    }
  }

  rapidjson::Document doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  rapidjson::Value page(rapidjson::kArrayType);
  const size_t page_end = std::min(events.size(), offset + static_cast<size_t>(limit));
  for (size_t i = offset; i < page_end; ++i) {
    rapidjson::Document event(&alloc);
    sandbox_.data_.BuildEvent(events[i], "", &event);
    MutateEvent(scenario, &event);
    page.PushBack(rapidjson::Value(event, alloc), alloc);
  }
  doc.AddMember("events", page, alloc);
  if (page_end < events.size()) {
    std::string key = absl::WebSafeBase64Escape(
        absl::StrCat(kPaginationKeyPrefix, ".", page_end, ".", absl::Hex(filter_hash)));
    doc.AddMember("pagination_key", rapidjson::Value(key.c_str(), alloc), alloc);
  }
  if (total_hits_cap > 0) {
    doc.AddMember(
        "total_hits",
        static_cast<int64_t>(std::min(events.size(), static_cast<size_t>(total_hits_cap))), alloc);
  }
  return SendBody(scenario, Serialize(doc));
}

int Sandbox::RequestHandler::HandleUpdateEvent(absl::string_view event_id) {
  bool sent = false;
  Scenario scenario = SelectScenario(event_id, &sent);
  if (sent) return status_;
  if (ApplyTerminalScenario(scenario, /*search=*/false, event_id)) return status_;
  if (!FingerprintV4Data::IsValidEventId(event_id)) {
    return SendError(BadRequest("invalid event_id"));
  }
  if (info_->content_length > static_cast<int64_t>(kMaxUpdateBodyBytes)) {
    return SendError(kPayloadTooLarge);
  }
  std::string body;
  char buffer[4096];
  for (;;) {
    int n = mg_read(conn_, buffer, sizeof(buffer));
    if (n <= 0) break;
    body.append(buffer, static_cast<size_t>(n));
    if (body.size() > kMaxUpdateBodyBytes) return SendError(kPayloadTooLarge);
  }
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || doc.ObjectEmpty()) {
    return SendError(kRequestBodyInvalid);
  }
  for (const auto& member : doc.GetObject()) {
    absl::string_view name(member.name.GetString(), member.name.GetStringLength());
    bool ok = (name == "linked_id" && member.value.IsString()) ||
              (name == "tags" && member.value.IsObject()) ||
              (name == "suspect" && member.value.IsBool());
    if (!ok) return SendError(kRequestBodyInvalid);
  }
  return Send(200, "application/json", "");
}

int Sandbox::RequestHandler::HandleDeleteVisitor(absl::string_view visitor_id) {
  bool sent = false;
  Scenario scenario = SelectScenario(visitor_id, &sent);
  if (sent) return status_;
  if (ApplyTerminalScenario(scenario, /*search=*/true, visitor_id)) return status_;
  if (visitor_id.empty()) return SendError(BadRequest("visitor id is required"));
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) {
    return SendError(BadRequest("invalid visitor id"));
  }
  return Send(200, "application/json", "");
}

int Sandbox::RequestHandler::HandleStats() {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("requests_total");
  writer.Uint64(sandbox_.request_count());
  writer.Key("by_route");
  writer.StartObject();
  for (const auto& [route, count] : sandbox_.request_counts_by_route()) {
    writer.Key(route.c_str(), static_cast<rapidjson::SizeType>(route.size()));
    writer.Uint64(count);
  }
  writer.EndObject();
  writer.EndObject();
  return Send(200, "application/json", absl::string_view(buffer.GetString(), buffer.GetSize()));
}

int Sandbox::RequestHandler::SendBody(const Scenario& scenario, const std::string& json) {
  switch (scenario.kind) {
    case ScenarioKind::kMalformed:
      return Send(200, "application/json", absl::string_view(json).substr(0, json.size() / 2));
    case ScenarioKind::kHtml:
      return Send(200, "text/html; charset=utf-8",
                  "<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title>"
                  "</head><body><h1>Service temporarily unavailable</h1><p>The upstream server "
                  "did not answer. Please try again later.</p><hr><address>proxy</address>"
                  "</body></html>\n");
    case ScenarioKind::kOversized:
      return SendOversized(json);
    case ScenarioKind::kSlowBody: {
      if (!SendHeaders(200, "application/json", json.size(), {})) return 200;
      const size_t chunk = (json.size() + kSlowBodyChunks - 1) / kSlowBodyChunks;
      for (size_t pos = 0; pos < json.size(); pos += chunk) {
        if (pos > 0 && !sandbox_.SleepUnlessStopping(kSlowBodyGapMs)) return 200;
        if (!Write(absl::string_view(json).substr(pos, chunk))) return 200;
      }
      return 200;
    }
    default:
      return Send(200, "application/json", json);
  }
}

int Sandbox::RequestHandler::SendOversized(const std::string& json) {
  // A valid event whose object gains `"sandbox_padding":["<64 chars>",...]`, streamed so the
  // whole body never exists in memory. The length is computed up front for Content-Length.
  static constexpr absl::string_view kItem =
      "\"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-\"";
  absl::string_view prefix(json.data(), json.size() - 1);  // drop the closing '}'
  constexpr absl::string_view kOpen = ",\"sandbox_padding\":[";
  constexpr absl::string_view kClose = "]}";
  const size_t fixed = prefix.size() + kOpen.size() + kClose.size();
  const size_t items = (kOversizedBytes - fixed) / (kItem.size() + 1) + 1;
  const size_t length = fixed + items * kItem.size() + (items - 1);
  if (!SendHeaders(200, "application/json", length, {})) return 200;
  std::string buffer;
  buffer.reserve(kStreamBufferBytes + kItem.size() + 1);
  buffer.append(prefix.data(), prefix.size());
  buffer.append(kOpen.data(), kOpen.size());
  for (size_t i = 0; i < items; ++i) {
    if (i > 0) buffer.push_back(',');
    buffer.append(kItem.data(), kItem.size());
    if (buffer.size() >= kStreamBufferBytes) {
      if (sandbox_.stopping() || !Write(buffer)) return 200;
      buffer.clear();
    }
  }
  buffer.append(kClose.data(), kClose.size());
  Write(buffer);
  return 200;
}

int Sandbox::RequestHandler::Reset() {
  // Drop the connection without a response: tell civetweb the client asked to close, write
  // nothing, and let it tear the socket down when the handler returns.
  auto* info = const_cast<mg_request_info*>(info_);
  for (int i = 0; i < info->num_headers; ++i) {
    if (absl::EqualsIgnoreCase(info->http_headers[i].name, "Connection")) {
      info->http_headers[i].value = "close";
      status_ = 499;
      return status_;
    }
  }
  if (info->num_headers <
      static_cast<int>(sizeof(info->http_headers) / sizeof(info->http_headers[0]))) {
    info->http_headers[info->num_headers].name = "Connection";
    info->http_headers[info->num_headers].value = "close";
    ++info->num_headers;
  }
  status_ = 499;
  return status_;
}

int Sandbox::RequestHandler::SendError(const VendorError& error, const std::vector<Header>& extra) {
  return Send(error.status, "application/json", ErrorBody(error.code, error.message), extra);
}

int Sandbox::RequestHandler::Send(int status, absl::string_view content_type,
                                  absl::string_view body, const std::vector<Header>& extra) {
  if (SendHeaders(status, content_type, body.size(), extra)) Write(body);
  return status;
}

bool Sandbox::RequestHandler::SendHeaders(int status, absl::string_view content_type,
                                          size_t content_length, const std::vector<Header>& extra) {
  status_ = status;
  std::string head =
      absl::StrCat("HTTP/1.1 ", status, " ", mg_get_response_code_text(conn_, status),
                   "\r\nContent-Type: ", content_type, "\r\nContent-Length: ", content_length,
                   "\r\nCache-Control: no-store\r\nConnection: ",
                   ClientWantsKeepAlive(conn_) ? "keep-alive" : "close", "\r\n");
  for (const Header& header : extra)
    absl::StrAppend(&head, header.name, ": ", header.value, "\r\n");
  head += "\r\n";
  return Write(head);
}

bool Sandbox::RequestHandler::Write(absl::string_view bytes) {
  if (bytes.empty()) return true;
  return mg_write(conn_, bytes.data(), bytes.size()) == static_cast<int>(bytes.size());
}

// ----------------------------------------------------------------------------------------------
// Sandbox.

Sandbox::Sandbox(SandboxOptions options) : options_(std::move(options)), data_(options_.seed) {}

Sandbox::~Sandbox() { Stop(); }

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(SandboxOptions options) {
  if (options.fingerprint_v4_secret_key.empty()) {
    return absl::InvalidArgumentError("sandbox: fingerprint_v4_secret_key is required");
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("sandbox: port ", options.port, " out of range"));
  }
  if (options.num_threads < 1 || options.num_threads > kMaxThreads) {
    return absl::InvalidArgumentError(
        absl::StrCat("sandbox: num_threads must be 1..", kMaxThreads));
  }

  static std::once_flag init_once;
  static absl::Status* init_status = nullptr;
  std::call_once(init_once, [] { init_status = new absl::Status(InitCivetweb()); });
  if (options.tls && !init_status->ok()) return *init_status;

  std::unique_ptr<Sandbox> sandbox(new Sandbox(std::move(options)));
  const SandboxOptions& opts = sandbox->options_;

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
  RequestHandler handler(*static_cast<Sandbox*>(user_data), conn);
  return handler.Handle();
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
