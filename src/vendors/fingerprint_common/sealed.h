// Fingerprint "Sealed Client Results" (CONTRACTS §3.9): the identification result the JavaScript
// agent hands the client, encrypted with a key of the integration, so the client can pass it on
// without the gateway calling the Server API. A sealed result is
//
//   0x9E 0x85 0xDC 0xED | 12-byte nonce | AES-256-GCM ciphertext | 16-byte tag   (no AAD)
//
// and the GCM plaintext is a RAW DEFLATE stream (no zlib or gzip header) of UTF-8 JSON: a v3
// `EventsGetResponse` or a v4 `Event`, depending on the integration. Pure functions (no I/O).
//
// Checking that the JSON is well formed and holds the expected object is left to the caller, which
// parses it anyway to map it: unsealing returns the text as it was sealed.
//
// Keys are secrets: no error message of this file contains a key's text or bytes, nor any part of
// the plaintext.
#ifndef FPGW_VENDORS_FINGERPRINT_COMMON_SEALED_H_
#define FPGW_VENDORS_FINGERPRINT_COMMON_SEALED_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fpgw::vendors::fingerprint {

// The size of a sealed-result key (AES-256).
inline constexpr size_t kSealedResultKeyBytes = 32;

// A sealed-result key (exactly 32 bytes) from the dashboard's base64 text: standard or URL-safe
// alphabet, padded or not, whitespace ignored. Bits past the 32nd byte in the last character are
// ignored, as the vendors' SDKs do (their test key ends in such a character). INVALID_ARGUMENT,
// without echoing the text, when it is not base64 of 32 bytes. The caller owns the result and
// should wipe it when done (common/wipe.h).
absl::StatusOr<std::string> DecodeSealedResultKey(absl::string_view base64);

// Bounds on the work one sealed result may cause.
struct UnsealLimits {
  // The sealed bytes (after base64 decoding).
  size_t max_sealed_bytes = 64 * 1024;
  // The inflated JSON. Inflation stops as soon as this is passed, so a decompression bomb costs at
  // most this much memory.
  size_t max_plaintext_bytes = 1 << 20;
};

// Opens a sealed result given as raw bytes: checks the header, decrypts with `keys` (each 32 bytes,
// from DecodeSealedResultKey) tried in order, the first that authenticates winning, and inflates
// the plaintext. Returns the JSON text; `key_index`, when not null, receives the index in `keys` of
// the key that decrypted it (a rotation that is not finished shows as an index other than 0).
//
// Errors:
// - INVALID_ARGUMENT, the sealed result is at fault: larger than `max_sealed_bytes`; fewer than 4
//   bytes or not the header ("invalid sealed data header"); shorter than header, nonce and tag;
//   no key authenticates it ("no configured sealed-result key decrypts it": a wrong key, a
//   truncated or tampered result, GCM cannot tell which); the plaintext is not a raw DEFLATE
//   stream, is a truncated one, is followed by more bytes, or inflates to more than
//   `max_plaintext_bytes`. (The SDKs ignore bytes after the stream; none of their vectors has
//   any, and ignoring them would let uncompressed JSON pass as a stream of one garbage byte.)
// - FAILED_PRECONDITION, the configuration is at fault: `keys` is empty or holds a key that is not
//   32 bytes.
absl::StatusOr<std::string> UnsealResultBytes(absl::string_view sealed,
                                              const std::vector<std::string>& keys,
                                              const UnsealLimits& limits = {},
                                              size_t* key_index = nullptr);

// The same for the base64 text a client sends (standard or URL-safe alphabet, padded or not,
// whitespace ignored); INVALID_ARGUMENT ("not base64") when it does not decode.
absl::StatusOr<std::string> UnsealResult(absl::string_view sealed_base64,
                                         const std::vector<std::string>& keys,
                                         const UnsealLimits& limits = {},
                                         size_t* key_index = nullptr);

}  // namespace fpgw::vendors::fingerprint

#endif  // FPGW_VENDORS_FINGERPRINT_COMMON_SEALED_H_
