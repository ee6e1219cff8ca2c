// Endpoint: one vendor API as an integration reaches it — base URL, timeout, how the credential
// travels (bearer, a named header, HTTP Basic, or none), how its error bodies read and which
// error rows it adds. Every adapter sends through one; the shared rules (deadline, cancellation,
// error table) are applied by the call path beneath it (vendor_call.h).
//
//   Endpoint endpoint(integration, deps, {"fingerprint", "https://api.fpjs.io/v4",
//                                         Auth::Bearer(), &ReadErrorCode, ErrorTable()});
//   endpoint.Send({"GET", "/events/" + id}, context, ParseThenMap<Evaluation>(...));
#ifndef FPGW_VENDORS_COMMON_ENDPOINT_H_
#define FPGW_VENDORS_COMMON_ENDPOINT_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fpgw/config/v1/config.pb.h"
#include "http/http_client.h"
#include "vendors/common/backend.h"
#include "vendors/common/vendor_call.h"
#include "vendors/common/vendor_errors.h"

namespace fpgw::vendors {

// How the integration's credential travels on the wire.
struct Auth {
  enum class Scheme {
    // `Authorization: Bearer <credential>`.
    kBearer,
    // `<header>: <credential>`.
    kHeader,
    // `Authorization: Basic base64(<credential>)`; the credential must be "user:password", which
    // the vendor may call otherwise (`form`, e.g. "project_id:secret").
    kBasic,
    // No credential (a public endpoint).
    kNone,
  };
  Scheme scheme = Scheme::kNone;
  // kHeader: the header's name; kBasic: the credential's form as the vendor names it.
  std::string detail;

  static Auth Bearer() { return {Scheme::kBearer, ""}; }
  static Auth Header(std::string name) { return {Scheme::kHeader, std::move(name)}; }
  static Auth Basic(std::string form) { return {Scheme::kBasic, std::move(form)}; }
  static Auth None() { return {Scheme::kNone, ""}; }
};

// One request to the endpoint. `path` is appended to the base URL as is (escape path segments
// and build the query with http/url.h).
struct VendorRequest {
  std::string method;
  std::string path;
  std::string body = "";
  // Sent when `body` is not empty.
  std::string content_type = "application/json";
  std::string accept = "application/json";
  // A POST that only reads (or polls), so that it may be sent again after a transient failure.
  // GET, HEAD, PUT and DELETE may be anyway.
  bool idempotent = false;
};

// Immutable; thread-safe.
class Endpoint final {
 public:
  struct Options {
    // The vendor, as ErrorInfo metadata "vendor" names it (lower case, e.g. "fingerprint").
    std::string vendor;
    // The vendor's URL, used when the integration sets no base_url.
    std::string default_base_url;
    Auth auth;
    // Reads the vendor's error code out of an error body.
    ErrorCodeReader read_error_code = nullptr;
    // The vendor's rows of the error table.
    ErrorRows error_rows;
  };

  Endpoint(const fpgw::config::v1::Integration& integration, AdapterDeps deps, Options options);

  // Sends `request` with the integration's credential; `done` gets the 2xx response or the mapped
  // error: FAILED_PRECONDITION (VENDOR_CREDENTIAL_MISSING) when the integration holds no credential
  // or one of the wrong form, naming the integration and never the value. Never blocks.
  void Send(VendorRequest request, const CallContext& context, Done<http::HttpResponse> done) const;

  // The base URL, without a trailing slash.
  const std::string& base_url() const { return base_url_; }
  const std::string& vendor() const { return options_.vendor; }
  const fpgw::config::v1::Integration& integration() const { return integration_; }
  const AdapterDeps& deps() const { return deps_; }

 private:
  const fpgw::config::v1::Integration integration_;
  const AdapterDeps deps_;
  const Options options_;
  std::string base_url_;
  const absl::Duration timeout_;
};

// The header that carries `credential` by `auth` (marked sensitive). INVALID_ARGUMENT, naming the
// expected form and never the value, when the credential does not fit the scheme.
absl::StatusOr<http::Header> AuthHeader(const Auth& auth, const credentials::Secret& credential);

// Whether `credential` can be sent by `auth`: one line of visible characters, of the scheme's form.
// For the secret registry's checks at start and on rotation.
absl::Status CheckCredential(const Auth& auth, const credentials::Secret& credential);

// A Done<http::HttpResponse> that reads the 2xx body with `parse`
// (absl::StatusOr<T>(absl::string_view body)) and hands the result to `done`; a body `parse`
// refuses is INTERNAL (VENDOR_RESPONSE_INVALID), its reason kept and the body never quoted.
template <typename T, typename Parse>
Done<http::HttpResponse> ParseThenMap(std::string vendor, Done<T> done, Parse parse) {
  return [vendor = std::move(vendor), done = std::move(done),
          parse = std::move(parse)](absl::StatusOr<http::HttpResponse> response) mutable {
    if (!response.ok()) {
      std::move(done)(response.status());
      return;
    }
    absl::StatusOr<T> parsed = parse(response->body);
    if (!parsed.ok()) {
      std::move(done)(InvalidVendorResponse(vendor, parsed.status().message()));
      return;
    }
    std::move(done)(std::move(parsed));
  };
}

// A Done<http::HttpResponse> that passes only the outcome on (for calls answered with no body).
Done<http::HttpResponse> IgnoreBody(DoneStatus done);

}  // namespace fpgw::vendors

#endif  // FPGW_VENDORS_COMMON_ENDPOINT_H_
