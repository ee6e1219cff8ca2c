// The metric families and their text exposition.
#include "telemetry/metrics.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "prometheus/text_serializer.h"

namespace fpgw::telemetry {
namespace {

using prometheus::Labels;

// grpc-ecosystem's (and Prometheus' default) latency buckets, in seconds.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets =
      new prometheus::Histogram::BucketBoundaries{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return *buckets;
}

// "tenant/integration" as labels.
Labels ScopeLabels(absl::string_view scope) {
  const size_t slash = scope.find('/');
  if (slash == absl::string_view::npos)
    return {{"tenant", ""}, {"integration", std::string(scope)}};
  return {{"tenant", std::string(scope.substr(0, slash))},
          {"integration", std::string(scope.substr(slash + 1))}};
}

Labels Of(const IntegrationLabels& labels) {
  return {
      {"tenant", labels.tenant}, {"integration", labels.integration}, {"vendor", labels.vendor}};
}

// A drift path as a label value: array indices folded ("$.events[]"), and characters that would
// make it hard to read in a query replaced.
std::string DriftLabelPath(absl::string_view path) {
  std::string out;
  out.reserve(path.size());
  bool in_index = false;
  for (char c : path) {
    if (c == '[') {
      in_index = true;
      out.push_back('[');
    } else if (c == ']') {
      in_index = false;
      out.push_back(']');
    } else if (in_index) {
      continue;
    } else if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      out.push_back('_');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

template <typename T>
prometheus::Family<T>& Build(prometheus::detail::Builder<T> builder, prometheus::Registry& registry,
                             const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

bool Includes(const prometheus::ClientMetric& metric,
              const std::map<std::string, std::string>& labels) {
  for (const auto& [name, value] : labels) {
    bool found = false;
    for (const auto& label : metric.label) {
      if (label.name == name && label.value == value) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

absl::string_view GrpcCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kCancelled:
      return "Canceled";
    case absl::StatusCode::kUnknown:
      return "Unknown";
    case absl::StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case absl::StatusCode::kDeadlineExceeded:
      return "DeadlineExceeded";
    case absl::StatusCode::kNotFound:
      return "NotFound";
    case absl::StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case absl::StatusCode::kPermissionDenied:
      return "PermissionDenied";
    case absl::StatusCode::kResourceExhausted:
      return "ResourceExhausted";
    case absl::StatusCode::kFailedPrecondition:
      return "FailedPrecondition";
    case absl::StatusCode::kAborted:
      return "Aborted";
    case absl::StatusCode::kOutOfRange:
      return "OutOfRange";
    case absl::StatusCode::kUnimplemented:
      return "Unimplemented";
    case absl::StatusCode::kInternal:
      return "Internal";
    case absl::StatusCode::kUnavailable:
      return "Unavailable";
    case absl::StatusCode::kDataLoss:
      return "DataLoss";
    case absl::StatusCode::kUnauthenticated:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpc_started_(Build(prometheus::BuildCounter(), *registry_, "grpc_server_started_total",
                         "Total number of RPCs started on the server.")),
      rpc_handled_(Build(prometheus::BuildCounter(), *registry_, "grpc_server_handled_total",
                         "Total number of RPCs completed on the server, regardless of success or "
                         "failure.")),
      rpc_seconds_(Build(prometheus::BuildHistogram(), *registry_, "grpc_server_handling_seconds",
                         "Histogram of response latency (seconds) of gRPC that had been "
                         "application-level handled by the server.")),
      vendor_calls_(Build(prometheus::BuildCounter(), *registry_, "fpgw_vendor_calls_total",
                          "Backend calls of an integration, by operation and outcome (the "
                          "canonical code of fpgw's answer).")),
      vendor_seconds_(Build(prometheus::BuildHistogram(), *registry_,
                            "fpgw_vendor_call_duration_seconds",
                            "Latency of an integration's backend calls, vendor requests, retries "
                            "and mapping included.")),
      vendor_responses_(Build(prometheus::BuildCounter(), *registry_,
                              "fpgw_vendor_http_responses_total",
                              "Vendor HTTP answers by status code (\"none\": no answer arrived).")),
      vendor_retries_(Build(prometheus::BuildCounter(), *registry_, "fpgw_vendor_retries_total",
                            "Vendor requests sent again after a transient failure (http.retry).")),
      circuit_open_(Build(prometheus::BuildGauge(), *registry_, "fpgw_vendor_circuit_open",
                          "1 while a circuit of the integration's vendor hosts is open.")),
      cache_lookups_(Build(prometheus::BuildCounter(), *registry_,
                           "fpgw_evaluation_cache_lookups_total",
                           "Evaluation cache lookups by result (hit or miss).")),
      coalesced_(Build(prometheus::BuildCounter(), *registry_, "fpgw_coalesced_calls_total",
                       "Evaluate calls answered by an identical call in flight, without a vendor "
                       "request of their own.")),
      drift_(Build(prometheus::BuildCounter(), *registry_, "fpgw_vendor_schema_drift_total",
                   "Vendor fields whose value did not match the vendor's schema, by folded "
                   "JSON path.")),
      credential_reloads_(Build(prometheus::BuildCounter(), *registry_,
                                "fpgw_credential_reloads_total",
                                "Secret files that changed: replaced, or rejected (unreadable or "
                                "failing their checks; the last good value stays).")),
      health_serving_(Build(prometheus::BuildGauge(), *registry_, "fpgw_health_serving",
                            "1 while the grpc.health.v1 service (\"overall\" for \"\") is "
                            "SERVING.")) {}

std::string Metrics::Scrape() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

double Metrics::Sum(absl::string_view name,
                    const std::map<std::string, std::string>& labels) const {
  double sum = 0;
  for (const prometheus::MetricFamily& family : registry_->Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      if (!Includes(metric, labels)) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          sum += metric.counter.value;
          break;
        case prometheus::MetricType::Gauge:
          sum += metric.gauge.value;
          break;
        case prometheus::MetricType::Histogram:
          sum += static_cast<double>(metric.histogram.sample_count);
          break;
        default:
          break;
      }
    }
  }
  return sum;
}

void Metrics::RpcStarted(absl::string_view service, absl::string_view method) {
  rpc_started_
      .Add({{"grpc_service", std::string(service)},
            {"grpc_method", std::string(method)},
            {"grpc_type", "unary"}})
      .Increment();
}

void Metrics::RpcHandled(absl::string_view service, absl::string_view method, absl::StatusCode code,
                         absl::Duration latency) {
  Labels labels{{"grpc_service", std::string(service)},
                {"grpc_method", std::string(method)},
                {"grpc_type", "unary"}};
  rpc_seconds_.Add(labels, LatencyBuckets()).Observe(absl::ToDoubleSeconds(latency));
  labels.emplace("grpc_code", std::string(GrpcCodeName(code)));
  rpc_handled_.Add(labels).Increment();
}

void Metrics::VendorCall(const IntegrationLabels& labels, absl::string_view operation,
                         absl::StatusCode code, absl::Duration latency) {
  Labels with = Of(labels);
  with.emplace("operation", std::string(operation));
  vendor_seconds_.Add(with, LatencyBuckets()).Observe(absl::ToDoubleSeconds(latency));
  with.emplace("code", absl::StatusCodeToString(code));
  vendor_calls_.Add(with).Increment();
}

void Metrics::VendorResponse(absl::string_view scope, int status) {
  Labels with = ScopeLabels(scope);
  // Any status outside HTTP's range is folded, so that a vendor cannot mint label values.
  with.emplace("status", status >= 100 && status <= 599 ? absl::StrCat(status) : "none");
  vendor_responses_.Add(with).Increment();
}

void Metrics::VendorDrift(absl::string_view vendor, absl::string_view path) {
  std::pair<std::string, std::string> key(std::string(vendor), DriftLabelPath(path));
  {
    absl::MutexLock lock(&drift_mu_);
    if (drift_label_sets_.count(key) == 0) {
      if (drift_label_sets_.size() >= kMaxDriftLabelSets) {
        key.second = "overflow";
      } else {
        drift_label_sets_.insert(key);
      }
    }
  }
  drift_.Add({{"vendor", key.first}, {"path", key.second}}).Increment();
}

void Metrics::VendorRetry(absl::string_view scope) {
  vendor_retries_.Add(ScopeLabels(scope)).Increment();
}

void Metrics::SetCircuitOpen(absl::string_view scope, bool open) {
  circuit_open_.Add(ScopeLabels(scope)).Set(open ? 1 : 0);
}

void Metrics::CacheLookup(absl::string_view scope, bool hit) {
  Labels labels = ScopeLabels(scope);
  labels.emplace("result", hit ? "hit" : "miss");
  cache_lookups_.Add(labels).Increment();
}

void Metrics::Coalesced(absl::string_view scope) { coalesced_.Add(ScopeLabels(scope)).Increment(); }

void Metrics::CredentialReload(bool replaced) {
  credential_reloads_.Add({{"outcome", replaced ? "replaced" : "rejected"}}).Increment();
}

void Metrics::SetHealthServing(absl::string_view service, bool serving) {
  health_serving_.Add({{"service", service.empty() ? "overall" : std::string(service)}})
      .Set(serving ? 1 : 0);
}

}  // namespace fpgw::telemetry
