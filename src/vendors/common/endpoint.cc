// Endpoint: request building with the integration's credential.
#include "vendors/common/endpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "common/wipe.h"

namespace fpgw::vendors {

Endpoint::Endpoint(const fpgw::config::v1::Integration& integration, AdapterDeps deps,
                   Options options)
    : integration_(integration),
      deps_(std::move(deps)),
      options_(std::move(options)),
      base_url_(integration_.base_url().empty() ? options_.default_base_url
                                                : integration_.base_url()),
      timeout_(IntegrationTimeout(integration_)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

void Endpoint::Send(VendorRequest request, const CallContext& context,
                    Done<http::HttpResponse> done) const {
  http::HttpRequest out;
  out.method = std::move(request.method);
  out.url = absl::StrCat(base_url_, request.path);
  if (options_.auth.scheme != Auth::Scheme::kNone) {
    absl::StatusOr<std::shared_ptr<const credentials::Secret>> credential =
        ResolveCredential(deps_, options_.vendor, integration_);
    if (!credential.ok()) {
      std::move(done)(credential.status());
      return;
    }
    absl::StatusOr<http::Header> header = AuthHeader(options_.auth, **credential);
    if (!header.ok()) {
      // Names the integration and the expected form, never the value.
      std::move(done)(MakeError(
          absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING,
          absl::StrCat("integration ", integration_.name(), ": ", header.status().message()),
          {{"vendor", options_.vendor}}));
      return;
    }
    out.headers.push_back(*std::move(header));
  }
  out.headers.push_back({"Accept", std::move(request.accept)});
  if (!request.body.empty())
    out.headers.push_back({"Content-Type", std::move(request.content_type)});
  out.body = std::move(request.body);
  out.idempotent = request.idempotent;
  out.scope = deps_.scope;
  CallVendor(deps_, options_.vendor, std::move(out), timeout_, options_.read_error_code,
             options_.error_rows, context, std::move(done));
}

absl::StatusOr<http::Header> AuthHeader(const Auth& auth, const credentials::Secret& credential) {
  const absl::string_view value = credential.RevealForWire();
  http::Header header{"Authorization", "", /*sensitive=*/true};
  switch (auth.scheme) {
    case Auth::Scheme::kBearer:
      header.value = absl::StrCat("Bearer ", value);
      break;
    case Auth::Scheme::kHeader:
      header.name = auth.detail;
      header.value = std::string(value);
      break;
    case Auth::Scheme::kBasic: {
      const absl::string_view pair = absl::StripAsciiWhitespace(value);
      const size_t colon = pair.find(':');
      if (colon == absl::string_view::npos || colon == 0 || colon + 1 == pair.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("the credential must be \"", auth.detail, "\""));
      }
      std::string encoded;
      absl::Base64Escape(pair, &encoded);
      header.value = absl::StrCat("Basic ", encoded);
      WipeBuffer(encoded);
      break;
    }
    case Auth::Scheme::kNone:
      return absl::InvalidArgumentError("the endpoint takes no credential");
  }
  return header;
}

absl::Status CheckCredential(const Auth& auth, const credentials::Secret& credential) {
  const absl::string_view value = credential.RevealForWire();
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) {
      return absl::InvalidArgumentError(
          "must be one line without spaces or control characters (a key file holds the key only)");
    }
  }
  if (auth.scheme == Auth::Scheme::kNone) return absl::OkStatus();
  absl::StatusOr<http::Header> header = AuthHeader(auth, credential);
  return header.status();
}

Done<http::HttpResponse> IgnoreBody(DoneStatus done) {
  return [done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
    std::move(done)(response.status());
  };
}

}  // namespace fpgw::vendors
