// Endpoint: request building with the integration's credential.
#include "vendors/common/endpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"

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
    absl::StatusOr<credentials::Secret> credential =
        ResolveCredential(deps_, options_.vendor, integration_);
    if (!credential.ok()) {
      std::move(done)(credential.status());
      return;
    }
    const absl::string_view value = credential->RevealForWire();
    switch (options_.auth.scheme) {
      case Auth::Scheme::kBearer:
        out.headers.push_back({"Authorization", absl::StrCat("Bearer ", value)});
        break;
      case Auth::Scheme::kHeader:
        out.headers.push_back({options_.auth.detail, std::string(value)});
        break;
      case Auth::Scheme::kBasic: {
        const absl::string_view pair = absl::StripAsciiWhitespace(value);
        const size_t colon = pair.find(':');
        if (colon == absl::string_view::npos || colon == 0 || colon + 1 == pair.size()) {
          // Names the integration and the expected form, never the value.
          std::move(done)(
              MakeError(absl::StatusCode::kFailedPrecondition,
                        fpgw::v1::ERROR_REASON_VENDOR_CREDENTIAL_MISSING,
                        absl::StrCat("integration ", integration_.name(),
                                     ": the credential must be \"", options_.auth.detail, "\""),
                        {{"vendor", options_.vendor}}));
          return;
        }
        out.headers.push_back({"Authorization", absl::StrCat("Basic ", absl::Base64Escape(pair))});
        break;
      }
      case Auth::Scheme::kNone:
        break;
    }
  }
  out.headers.push_back({"Accept", std::move(request.accept)});
  if (!request.body.empty())
    out.headers.push_back({"Content-Type", std::move(request.content_type)});
  out.body = std::move(request.body);
  CallVendor(deps_, options_.vendor, std::move(out), timeout_, options_.read_error_code,
             options_.error_rows, context, std::move(done));
}

Done<http::HttpResponse> IgnoreBody(DoneStatus done) {
  return [done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
    std::move(done)(response.status());
  };
}

}  // namespace fpgw::vendors
