#include "sandbox/exchange.h"

#include <civetweb.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/sandbox.h"

namespace fpgw::sandbox {
namespace {

constexpr int kSlowBodyChunks = 10;
constexpr int kSlowBodyGapMs = 300;
constexpr size_t kOversizedBytes = 50u * 1024 * 1024 + 4096;
constexpr size_t kStreamBufferBytes = 64 * 1024;

// HTTP/1.1 keeps the connection unless the client asked to close it; HTTP/1.0 only on request.
bool ClientWantsKeepAlive(const mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  const char* header = mg_get_header(conn, "Connection");
  if (header != nullptr) return absl::StrContains(absl::AsciiStrToLower(header), "keep-alive");
  return info->http_version != nullptr && std::strcmp(info->http_version, "1.1") == 0;
}

}  // namespace

std::string ErrorBody(absl::string_view code, absl::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.StartObject();
  writer.Key("code");
  writer.String(fpgw::JsonChars(code), static_cast<rapidjson::SizeType>(code.size()));
  writer.Key("message");
  writer.String(fpgw::JsonChars(message), static_cast<rapidjson::SizeType>(message.size()));
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

Exchange::Exchange(Sandbox& sandbox, mg_connection* conn)
    : sandbox_(sandbox), conn_(conn), info_(mg_get_request_info(conn)) {}

absl::string_view Exchange::method() const {
  return info_->request_method != nullptr ? info_->request_method : "";
}

absl::string_view Exchange::path() const {
  return info_->local_uri != nullptr ? info_->local_uri : "";
}

absl::string_view Exchange::query_string() const {
  return info_->query_string != nullptr ? info_->query_string : "";
}

std::optional<std::string> Exchange::QueryParam(absl::string_view name) const {
  const char* query = info_->query_string;
  if (query == nullptr) return std::nullopt;
  const size_t query_len = std::strlen(query);
  std::vector<char> buffer(query_len + 1);
  const std::string name_z(name);
  int n = mg_get_var(query, query_len, name_z.c_str(), buffer.data(), buffer.size());
  if (n < 0) return std::nullopt;  // -1 absent; -2 cannot happen with this buffer size
  return std::string(buffer.data(), static_cast<size_t>(n));
}

std::optional<absl::string_view> Exchange::RequestHeader(absl::string_view name) const {
  const std::string name_z(name);
  const char* value = mg_get_header(conn_, name_z.c_str());
  if (value == nullptr) return std::nullopt;
  return absl::string_view(value);
}

int64_t Exchange::content_length() const { return info_->content_length; }

std::optional<std::string> Exchange::ReadBody(size_t max_bytes) {
  if (info_->content_length > static_cast<int64_t>(max_bytes)) return std::nullopt;
  std::string body;
  char buffer[4096];
  for (;;) {
    int n = mg_read(conn_, buffer, sizeof(buffer));
    if (n <= 0) break;
    body.append(buffer, static_cast<size_t>(n));
    if (body.size() > max_bytes) return std::nullopt;
  }
  return body;
}

void Exchange::set_route(absl::string_view route) {
  if (!counted_) route_ = std::string(route);
}

void Exchange::Count() {
  if (counted_) return;
  counted_ = true;
  sandbox_.CountRequest(route_.empty() ? kRouteUnknown : absl::string_view(route_));
}

uint64_t Exchange::NoteAttempt(absl::string_view key) { return sandbox_.NoteAttempt(key); }

bool Exchange::SleepUnlessStopping(int64_t ms) { return sandbox_.SleepUnlessStopping(ms); }

int Exchange::SendJson(const Scenario& scenario, const std::string& json, int status,
                       const std::vector<Header>& extra) {
  if (scenario.Is("malformed")) {
    return Send(status, "application/json", absl::string_view(json).substr(0, json.size() / 2),
                extra);
  }
  if (scenario.Is("html")) {
    return Send(200, "text/html; charset=utf-8",
                "<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title>"
                "</head><body><h1>Service temporarily unavailable</h1><p>The upstream server "
                "did not answer. Please try again later.</p><hr><address>proxy</address>"
                "</body></html>\n");
  }
  if (scenario.Is("oversized")) return SendOversized(json, status, extra);
  if (scenario.Is("slow-body")) {
    if (!SendHeaders(status, "application/json", json.size(), extra)) return status;
    const size_t chunk = std::max<size_t>(1, (json.size() + kSlowBodyChunks - 1) / kSlowBodyChunks);
    for (size_t pos = 0; pos < json.size(); pos += chunk) {
      if (pos > 0 && !SleepUnlessStopping(kSlowBodyGapMs)) return status;
      if (!Write(absl::string_view(json).substr(pos, chunk))) return status;
    }
    return status;
  }
  return Send(status, "application/json", json, extra);
}

int Exchange::SendOversized(const std::string& json, int status, const std::vector<Header>& extra) {
  // A valid object that gains `"sandbox_padding":["<64 chars>",...]`, streamed so the whole body
  // never exists in memory. The length is computed up front for Content-Length.
  static constexpr absl::string_view kItem =
      "\"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-\"";
  if (json.size() < 2 || json.back() != '}') return Send(status, "application/json", json, extra);
  absl::string_view prefix(json.data(), json.size() - 1);  // drop the closing '}'
  const absl::string_view open =
      prefix.size() > 1 ? ",\"sandbox_padding\":[" : "\"sandbox_padding\":[";
  constexpr absl::string_view kClose = "]}";
  const size_t fixed = prefix.size() + open.size() + kClose.size();
  const size_t items = (kOversizedBytes - fixed) / (kItem.size() + 1) + 1;
  const size_t length = fixed + items * kItem.size() + (items - 1);
  if (!SendHeaders(status, "application/json", length, extra)) return status;
  std::string buffer;
  buffer.reserve(kStreamBufferBytes + kItem.size() + 1);
  buffer.append(prefix.data(), prefix.size());
  buffer.append(open.data(), open.size());
  for (size_t i = 0; i < items; ++i) {
    if (i > 0) buffer.push_back(',');
    buffer.append(kItem.data(), kItem.size());
    if (buffer.size() >= kStreamBufferBytes) {
      if (sandbox_.stopping() || !Write(buffer)) return status;
      buffer.clear();
    }
  }
  buffer.append(kClose.data(), kClose.size());
  Write(buffer);
  return status;
}

int Exchange::SendJsonError(int status, absl::string_view code, absl::string_view message,
                            const std::vector<Header>& extra) {
  return Send(status, "application/json", ErrorBody(code, message), extra);
}

int Exchange::SendUnconfigured(absl::string_view vendor) {
  return SendJsonError(501, "sandbox_vendor_not_configured",
                       absl::StrCat("this sandbox was started without credentials[\"", vendor,
                                    "\"]; set it in SandboxOptions to serve this vendor"));
}

int Exchange::SendMethodNotAllowed(absl::string_view allow) {
  return SendJsonError(405, "method_not_allowed", "method not allowed",
                       {{"Allow", std::string(allow)}});
}

int Exchange::Send(int status, absl::string_view content_type, absl::string_view body,
                   const std::vector<Header>& extra) {
  if (SendHeaders(status, content_type, body.size(), extra)) Write(body);
  return status;
}

int Exchange::Reset() {
  Count();
  // Drop the connection without a response: tell civetweb the client asked to close, write
  // nothing, and let it tear the socket down when the handler returns.
  auto* info = const_cast<mg_request_info*>(info_);
  status_ = 499;
  for (int i = 0; i < info->num_headers; ++i) {
    if (absl::EqualsIgnoreCase(info->http_headers[i].name, "Connection")) {
      info->http_headers[i].value = "close";
      return status_;
    }
  }
  if (info->num_headers <
      static_cast<int>(sizeof(info->http_headers) / sizeof(info->http_headers[0]))) {
    info->http_headers[info->num_headers].name = "Connection";
    info->http_headers[info->num_headers].value = "close";
    ++info->num_headers;
  }
  return status_;
}

bool Exchange::SendHeaders(int status, absl::string_view content_type, size_t content_length,
                           const std::vector<Header>& extra) {
  Count();
  status_ = status;
  std::string head =
      absl::StrCat("HTTP/1.1 ", status, " ", mg_get_response_code_text(conn_, status),
                   "\r\nContent-Type: ", content_type, "\r\nContent-Length: ", content_length,
                   "\r\nCache-Control: no-store\r\nConnection: ",
                   ClientWantsKeepAlive(conn_) ? "keep-alive" : "close", "\r\n");
  for (const Header& header : extra) {
    absl::StrAppend(&head, header.name, ": ", header.value, "\r\n");
  }
  head += "\r\n";
  return Write(head);
}

bool Exchange::Write(absl::string_view bytes) {
  if (bytes.empty()) return true;
  return mg_write(conn_, bytes.data(), bytes.size()) == static_cast<int>(bytes.size());
}

absl::string_view BearerKey(const Exchange& ex) {
  const absl::string_view value =
      absl::StripAsciiWhitespace(ex.RequestHeader("Authorization").value_or(""));
  if (value.size() <= 7 || !absl::StartsWithIgnoreCase(value, "Bearer ")) return {};
  return absl::StripAsciiWhitespace(value.substr(7));
}

bool SecretMatches(absl::string_view presented, absl::string_view expected) {
  bool matched = false;
  for (absl::string_view one : absl::StrSplit(expected, '\n', absl::SkipEmpty())) {
    matched |= presented.size() == one.size() &&
               CRYPTO_memcmp(presented.data(), one.data(), one.size()) == 0;
  }
  return matched;
}

}  // namespace fpgw::sandbox
