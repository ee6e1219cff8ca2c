// A vendor module of the sandbox: everything the core, `fpgw sandbox` and fpgw's sandbox mode need
// to know about one emulated vendor, behind one small interface. Each module lives in its own
// folder, src/sandbox/<module>/, and is listed once, in src/sandbox/vendors.cc; nothing else in
// the core names a vendor.
//
// A module says:
//   - its name: the key of its credential in SandboxOptions::credentials and the prefix of its
//     route names ("<name>.<endpoint>");
//   - which credentials it accepts (CheckCredential), and how sandbox mode makes, passes and
//     stores a fresh one (the environment variable, the key file, a prefix for random bytes);
//   - which integrations fpgw's sandbox mode configures against it;
//   - its routes (AddRoutes).
//
// Modules are stateless singletons; AddRoutes creates the per-sandbox state. Thread-safe.
#ifndef FPGW_SANDBOX_VENDOR_H_
#define FPGW_SANDBOX_VENDOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fpgw::sandbox {

class Router;

// One integration that fpgw's sandbox mode configures against a module (a line of the generated
// config's `integrations:`).
struct SandboxIntegration {
  // The integration's name ("acme-v2").
  absl::string_view name;
  // The config's `vendor` and `api_version` (empty: not written).
  absl::string_view vendor;
  absl::string_view api_version;
  // Appended to the sandbox's base URL ("/v2"; empty: the base URL itself).
  absl::string_view base_url_suffix;
  // False for an integration that uses the vendor's public endpoints without a credential.
  bool uses_credential = true;
  // An EvaluateRequest (JSON, without `integration`) the sandbox answers with a real evaluation:
  // sandbox mode logs it as the way to try the integration, and the demo sends it.
  absl::string_view example_request;
  // More fields of the config's Integration, as JSON members with proto field names (e.g.
  // `"cside": {"public_mode": true}`); empty: none. Valid both as a YAML flow mapping's members and
  // inside a JSON object.
  absl::string_view extra_fields = "";
};

// The module's facts, as data.
struct SandboxVendorInfo {
  // The module's name ("acme"): the key of SandboxOptions::credentials.
  absl::string_view name;
  // The environment variable that sets the credential in sandbox mode and `fpgw sandbox` (a fresh
  // one is generated when it is unset), and through which the sandbox-mode config references it.
  absl::string_view credential_env;
  // The file `fpgw sandbox` writes the credential to, in its state directory.
  absl::string_view credential_file;
  // A generated credential is this prefix followed by random hex ("acme_test_"; may be empty).
  absl::string_view credential_prefix;
  // The integrations sandbox mode configures, in order.
  absl::Span<const SandboxIntegration> integrations;
};

// What a module's routes are built with.
struct VendorSetup {
  // The module's credential from SandboxOptions::credentials; empty when none was given (the
  // routes that need it then answer 501, Router::AddUnconfigured).
  absl::string_view credential;
  // Seed of the data generators.
  uint64_t seed = 1;
};

class SandboxVendor {
 public:
  virtual ~SandboxVendor() = default;

  virtual const SandboxVendorInfo& info() const = 0;
  // OK when `credential` (non-empty) is one the module can serve; else INVALID_ARGUMENT saying
  // what is wrong without repeating the value. Default: any non-empty credential.
  virtual absl::Status CheckCredential(absl::string_view credential) const {
    static_cast<void>(credential);
    return absl::OkStatus();
  }
  // Adds the module's path prefixes to `router`.
  virtual void AddRoutes(Router& router, const VendorSetup& setup) const = 0;

  // Every scenario the module knows (its terminal and body scenarios, then the delivery scenarios
  // every module knows), for tests that walk them all.
  virtual std::vector<std::string> ScenarioNames() const = 0;
};

// Every module of the sandbox, in the order sandbox mode lists their integrations (the first
// integration is the tenant's default). Defined by the one list, src/sandbox/vendors.cc.
absl::Span<const SandboxVendor* const> SandboxVendors();

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_VENDOR_H_
