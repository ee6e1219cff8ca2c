// AIP-158 page tokens: opaque to callers, wrapping the vendor's cursor, sealed with AES-256-GCM
// (so neither readable nor editable) and bound to the tenant, the RPC and the request's other
// fields, so a token cannot be forged, edited, or replayed by another tenant or with other filters.
#ifndef FPGW_SERVER_PAGE_TOKEN_H_
#define FPGW_SERVER_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "credentials/secret.h"
#include "google/protobuf/message.h"

namespace fpgw::server {

// Issues and checks page tokens. Thread-safe (immutable after construction).
class PageTokenCodec final {
 public:
  // `key` seals tokens (any length; an AES-256 key is derived from it with SHA-256). Replicas
  // sharing a key accept each other's tokens.
  explicit PageTokenCodec(credentials::Secret key);

  // A codec with a random 32-byte key (tokens then do not survive a restart). INTERNAL when the
  // system has no randomness.
  static absl::StatusOr<PageTokenCodec> WithRandomKey();

  // Issues a token for the next page of `request` (its page_token and page_size fields are
  // ignored when binding). INTERNAL when OpenSSL fails.
  absl::StatusOr<std::string> Issue(absl::string_view tenant, absl::string_view method,
                                    const google::protobuf::Message& request,
                                    absl::string_view vendor_cursor) const;

  // Checks `token` against the tenant, method and request and returns the vendor cursor.
  // INVALID_ARGUMENT (reason INVALID_PAGE_TOKEN) when it is malformed, not signed by this key, or
  // issued for another tenant, method or request.
  absl::StatusOr<std::string> Open(absl::string_view token, absl::string_view tenant,
                                   absl::string_view method,
                                   const google::protobuf::Message& request) const;

 private:
  credentials::Secret key_;
};

// SHA-256 of `request` serialised deterministically with page_token and page_size cleared.
std::string RequestDigest(const google::protobuf::Message& request);

}  // namespace fpgw::server

#endif  // FPGW_SERVER_PAGE_TOKEN_H_
