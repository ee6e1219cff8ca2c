// The metrics and health HTTP listener.
#include "server/metrics_listener.h"

#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "civetweb.h"
#include "common/json_chars.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace fpgw::server {
namespace {

void Reply(mg_connection* connection, int status, const char* content_type,
           const std::string& body) {
  mg_response_header_start(connection, status);
  mg_response_header_add(connection, "Content-Type", content_type, -1);
  mg_response_header_add(connection, "Cache-Control", "no-store", -1);
  const std::string length = absl::StrCat(body.size());
  mg_response_header_add(connection, "Content-Length", length.c_str(), -1);
  mg_response_header_send(connection);
  mg_write(connection, body.data(), body.size());
}

// {"status":"SERVING","services":{"":"SERVING",...}}
std::string ReadinessBody(bool ready, const std::map<std::string, bool>& statuses) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("status");
  writer.String(ready ? "SERVING" : "NOT_SERVING");
  writer.Key("services");
  writer.StartObject();
  for (const auto& [service, serving] : statuses) {
    writer.Key(fpgw::JsonChars(service), static_cast<rapidjson::SizeType>(service.size()));
    writer.String(serving ? "SERVING" : "NOT_SERVING");
  }
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsListener>> MetricsListener::Start(
    const std::string& address, const telemetry::Metrics* metrics, HealthStatuses health) {
  std::unique_ptr<MetricsListener> listener(new MetricsListener(metrics, std::move(health)));
  const size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  const std::string listening = absl::StrCat(host, ":", port);
  // Without TLS: the library's TLS set-up is the sandbox's business (sandbox/sandbox.cc).
  mg_init_library(0);
  const char* options[] = {
      "listening_ports", listening.c_str(),   "num_threads", "2",    "request_timeout_ms",
      "10000",           "enable_keep_alive", "yes",         nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.log_message = [](const mg_connection*, const char*) -> int { return 1; };
  listener->context_ = mg_start(&callbacks, listener.get(), options);
  if (listener->context_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("server.metrics_listen: cannot listen on ", address));
  }
  mg_set_request_handler(listener->context_, "/", &MetricsListener::Handle, listener.get());
  mg_server_port ports[2];
  std::memset(ports, 0, sizeof(ports));
  if (mg_get_server_ports(listener->context_, 2, ports) < 1 || ports[0].port <= 0) {
    return absl::InternalError("server.metrics_listen: cannot read back the bound port");
  }
  listener->address_ = absl::StrCat(address.substr(0, colon), ":", ports[0].port);
  return listener;
}

MetricsListener::~MetricsListener() {
  if (context_ != nullptr) mg_stop(context_);
}

int MetricsListener::Handle(mg_connection* connection, void* self_pointer) {
  const auto* self = static_cast<const MetricsListener*>(self_pointer);
  const mg_request_info* request = mg_get_request_info(connection);
  const std::string path = request->local_uri == nullptr ? "" : request->local_uri;
  if (std::strcmp(request->request_method, "GET") != 0) {
    Reply(connection, 405, "text/plain; charset=utf-8", "only GET\n");
    return 405;
  }
  if (path == "/metrics") {
    Reply(connection, 200, "text/plain; version=0.0.4; charset=utf-8", self->metrics_->Scrape());
    return 200;
  }
  if (path == "/healthz") {
    Reply(connection, 200, "text/plain; charset=utf-8", "ok\n");
    return 200;
  }
  if (path == "/readyz") {
    const std::map<std::string, bool> statuses = self->health_();
    const auto overall = statuses.find("");
    const bool ready = overall != statuses.end() && overall->second;
    Reply(connection, ready ? 200 : 503, "application/json", ReadinessBody(ready, statuses));
    return ready ? 200 : 503;
  }
  Reply(connection, 404, "text/plain; charset=utf-8", "not found: /metrics, /healthz, /readyz\n");
  return 404;
}

}  // namespace fpgw::server
