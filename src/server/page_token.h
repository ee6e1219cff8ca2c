// AIP-158 page tokens: opaque to callers, wrapping the vendor's cursor, sealed with AES-256-GCM
// (so neither readable nor editable), bound to the tenant, the RPC and the request's other fields
// (so a token cannot be forged, edited, or replayed by another tenant or with other filters), and
// valid for a limited time.
//
// Token: base64url(version 1 ‖ key-id length ‖ key id ‖ nonce ‖ AES-256-GCM(payload) ‖ tag), the
// header authenticated as associated data. The AES key is HKDF-SHA256 of a configured key with the
// purpose label "fpgw page token v1"; the key id says which configured key sealed a token, so that
// several keys open tokens while the first seals new ones (rotation without broken listings).
#ifndef FPGW_SERVER_PAGE_TOKEN_H_
#define FPGW_SERVER_PAGE_TOKEN_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "credentials/secret.h"
#include "credentials/secret_registry.h"
#include "google/protobuf/message.h"

namespace fpgw::server {

// A configured page-token key: its id and its secret's reference in the registry.
struct PageTokenKeyRef {
  std::string id;
  std::string reference;
};

// Issues and checks page tokens. Thread-safe.
class PageTokenCodec final {
 public:
  // Keys read from `secrets` (which outlives the codec) and followed when they rotate; the first
  // seals. Keys must pass CheckKey().
  PageTokenCodec(const credentials::SecretRegistry* secrets, std::vector<PageTokenKeyRef> keys,
                 absl::Duration lifetime);

  // Fixed keys, (id, key), the first sealing. INVALID_ARGUMENT for none, or one that fails
  // CheckKey().
  static absl::StatusOr<std::unique_ptr<PageTokenCodec>> WithKeys(
      std::vector<std::pair<std::string, credentials::Secret>> keys,
      absl::Duration lifetime = absl::Hours(1));

  // A random 32-byte key of this process only: tokens then survive neither a restart nor a hop
  // to another replica. INTERNAL when the system has no randomness.
  static absl::StatusOr<std::unique_ptr<PageTokenCodec>> WithRandomKey(
      absl::Duration lifetime = absl::Hours(1));

  // A configured key must hold at least 16 bytes.
  static absl::Status CheckKey(const credentials::Secret& key);

  // Issues a token for the next page of `request` (its page_token and page_size fields are
  // ignored when binding). INTERNAL when OpenSSL fails.
  absl::StatusOr<std::string> Issue(absl::string_view tenant, absl::string_view method,
                                    const google::protobuf::Message& request,
                                    absl::string_view vendor_cursor,
                                    absl::Time now = absl::Now()) const;

  // Checks `token` against the tenant, method and request and returns the vendor cursor.
  // INVALID_ARGUMENT (reason INVALID_PAGE_TOKEN) when it is malformed, sealed by no key of this
  // codec, expired, or issued for another tenant, method or request.
  absl::StatusOr<std::string> Open(absl::string_view token, absl::string_view tenant,
                                   absl::string_view method,
                                   const google::protobuf::Message& request,
                                   absl::Time now = absl::Now()) const;

 private:
  // The AES keys derived from the configured ones, by id, the sealing one first.
  struct DerivedKeys {
    uint64_t generation = 0;
    std::vector<std::pair<std::string, credentials::Secret>> keys;
  };

  PageTokenCodec(std::shared_ptr<const DerivedKeys> fixed, absl::Duration lifetime)
      : lifetime_(lifetime), derived_(std::move(fixed)) {}
  std::shared_ptr<const DerivedKeys> Keys() const;

  const credentials::SecretRegistry* secrets_ = nullptr;
  std::vector<PageTokenKeyRef> refs_;
  const absl::Duration lifetime_;
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const DerivedKeys> derived_ ABSL_GUARDED_BY(mu_);
};

// SHA-256 of `request` serialised deterministically with page_token and page_size cleared.
std::string RequestDigest(const google::protobuf::Message& request);

// HKDF-SHA256 (RFC 5869) of `key` with no salt and the info `label`: `length` bytes. INTERNAL when
// OpenSSL fails.
absl::StatusOr<credentials::Secret> DeriveKey(const credentials::Secret& key,
                                              absl::string_view label, size_t length);

}  // namespace fpgw::server

#endif  // FPGW_SERVER_PAGE_TOKEN_H_
