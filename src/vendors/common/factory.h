// VendorFactory: a vendor is one extension (DESIGN §4, Envoy's model). Each vendor folder under
// vendors/ holds one factory that says everything fpgw needs to know about the vendor: its name,
// which integrations it serves (vendor and API version), its config checks, how to create an
// integration's capabilities, its rows of the error table and the payload kinds `fpgw normalize`
// reads. The explicit list of factories is vendors/registry.cc; the sandbox side of a vendor is
// sandbox/<vendor>/.
#ifndef FPGW_VENDORS_COMMON_FACTORY_H_
#define FPGW_VENDORS_COMMON_FACTORY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/config_loader.h"
#include "fpgw/config/v1/config.pb.h"
#include "fpgw/v1/evaluation.pb.h"
#include "google/protobuf/message.h"
#include "rapidjson/document.h"
#include "vendors/common/capabilities.h"
#include "vendors/common/endpoint.h"
#include "vendors/common/vendor_call.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors {

// A kind of saved vendor payload that `fpgw normalize` reads.
struct PayloadKind {
  // The `--kind` value: the vendor module's name with '-' for '_', '-', and the kind, e.g.
  // "fingerprint-v4-event" of module "fingerprint_v4".
  std::string name;
  // Whether a parsed JSON payload has this kind's shape, for auto-detection; empty when the kind
  // can only be named (it shares its shape with another kind).
  std::function<bool(const rapidjson::Document& payload)> detect;
  // The message fpgw would answer for the payload (an Evaluation, or the response of a listing).
  // INVALID_ARGUMENT when the payload cannot be read as this kind.
  std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
      absl::string_view payload, bool include_raw)>
      normalize;
};

// Helpers for PayloadKind functions.

// Whether `doc` is an object with member `key`.
inline bool HasMember(const rapidjson::Value& doc, const char* key) {
  return doc.IsObject() && doc.HasMember(key);
}

// A vendor's MapOptions for `fpgw normalize` (integration "normalize").
template <typename Options>
Options NormalizeOptions(bool include_raw, fpgw::v1::PayloadKind kind) {
  Options options;
  options.include_raw = include_raw;
  options.integration = "normalize";
  options.payload_kind = kind;
  return options;
}

// One evaluation as a normalised message.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NormalizedEvaluation(
    absl::StatusOr<fpgw::v1::Evaluation> evaluation);

// Evaluations as the page a caller would have received (a SearchEvaluationsResponse).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NormalizedPage(
    absl::StatusOr<std::vector<fpgw::v1::Evaluation>> evaluations,
    std::optional<int64_t> total_size = std::nullopt);

// One vendor (and API version). Implementations are stateless and live for the whole process.
class VendorFactory {
 public:
  virtual ~VendorFactory() = default;

  // The vendor module's name, e.g. "fingerprint_v4": metric labels and logs.
  virtual absl::string_view name() const = 0;
  // The config vendor it serves.
  virtual fpgw::config::v1::Vendor vendor() const = 0;
  // The API version it serves, e.g. "v4".
  virtual absl::string_view api_version() const = 0;
  // Whether it serves integrations of its vendor that name no api_version.
  virtual bool default_version() const = 0;
  // The name of its field in the Integration's `settings` oneof ("" when it has none): only this
  // vendor's settings may be set.
  virtual absl::string_view settings_field() const = 0;

  // Vendor-specific checks of one integration, after the generic ones (name, base_url, timeout,
  // the credential reference's form): appends problems with field paths below `path` ("tenants[0]
  // .integrations[1]"); may fill defaults or move deprecated settings to their new place.
  virtual void Check(fpgw::config::v1::Integration* integration, const std::string& path,
                     const fpgw::config::v1::Config& config,
                     std::vector<config::ConfigProblem>* problems) const = 0;

  // Whether `credential` is of the form this vendor takes, at start and before a rotated value
  // replaces the old one. Default: one line of visible characters (a key). The message names the
  // expected form, never the value.
  virtual absl::Status CheckCredential(const credentials::Secret& credential) const {
    return vendors::CheckCredential(Auth::Bearer(), credential);
  }

  // The secrets the integration's vendor settings reference (beyond `credential`), for the secret
  // registry: fields named below `path` ("tenants[0].integrations[1]"). Default: none.
  virtual std::vector<credentials::SecretUse> SettingsSecretUses(
      const fpgw::config::v1::Integration& integration, const std::string& path) const {
    (void)integration;
    (void)path;
    return {};
  }

  // How long a completed evaluation of this vendor is served again when the integration says
  // nothing (Integration.cache_ttl). Default: never.
  virtual absl::Duration default_cache_ttl() const { return absl::ZeroDuration(); }

  // What Evaluate answers for an unknown token when the integration says nothing
  // (Integration.not_found_policy): the vendor's recommendation. Default: the NOT_FOUND error.
  virtual fpgw::config::v1::NotFoundPolicy default_not_found_policy() const {
    return fpgw::config::v1::NOT_FOUND_POLICY_ERROR;
  }

  // The capabilities of a checked integration. Called once per integration at startup.
  virtual VendorCapabilities Create(const fpgw::config::v1::Integration& integration,
                                    const AdapterDeps& deps) const = 0;

  // The vendor's rows of the error table.
  virtual ErrorRows error_rows() const = 0;

  // The payload kinds `fpgw normalize` reads for this vendor.
  virtual std::vector<PayloadKind> payload_kinds() const = 0;
};

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_FACTORY_H_
