// Sealed Client Results: OpenSSL's AES-256-GCM, then zlib's raw inflate into a buffer that never
// grows past the plaintext limit.
#include "vendors/fingerprint_common/sealed.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/wipe.h"

namespace fpgw::vendors::fingerprint {
namespace {

constexpr absl::string_view kHeader("\x9E\x85\xDC\xED", 4);
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMinSealedBytes = kHeader.size() + kNonceBytes + kTagBytes;
// The first inflate buffer, when four times the deflated size is less; typical events are a few KB.
constexpr size_t kMinInflateBytes = 16 * 1024;

// Standard or URL-safe base64, padded or not (Abseil skips whitespace). Whatever a failed attempt
// left in `out` is wiped: the text may be a key.
bool DecodeBase64(absl::string_view text, std::string* out) {
  if (absl::Base64Unescape(text, out)) return true;
  WipeBuffer(*out);
  if (absl::WebSafeBase64Unescape(text, out)) return true;
  WipeBuffer(*out);
  return false;
}

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

// Decrypts `ciphertext` into `plaintext` (of the same size) with `key`. False when the tag does
// not authenticate it; `plaintext` then holds unauthenticated bytes, which the caller wipes.
// INTERNAL when OpenSSL fails for another reason.
absl::StatusOr<bool> OpenWithKey(absl::string_view key, absl::string_view nonce,
                                 absl::string_view ciphertext, absl::string_view tag,
                                 std::string& plaintext) {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (context == nullptr) return absl::InternalError("cannot allocate an AES-GCM context");
  unsigned char tag_copy[kTagBytes];
  std::memcpy(tag_copy, tag.data(), kTagBytes);
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  const auto* nonce_bytes = reinterpret_cast<const unsigned char*>(nonce.data());
  int length = 0;
  if (EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, key_bytes, nonce_bytes) != 1 ||
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &length,
                        reinterpret_cast<const unsigned char*>(ciphertext.data()),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag_copy) != 1) {
    return absl::InternalError("OpenSSL cannot run AES-256-GCM");
  }
  // GCM has no padding: the final call only checks the tag, and writes nothing.
  return EVP_DecryptFinal_ex(context.get(),
                             reinterpret_cast<unsigned char*>(plaintext.data()) + length,
                             &length) == 1;
}

// Moves the first `used` bytes of `buffer` into a new buffer of `size` bytes, wiping the old one so
// that growing leaves no copy of the plaintext in freed memory.
void Grow(std::string& buffer, size_t used, size_t size) {
  std::string bigger(size, '\0');
  std::memcpy(bigger.data(), buffer.data(), used);
  WipeBuffer(buffer);
  buffer = std::move(bigger);
}

// Owns a zlib inflate stream.
class InflateStream final {
 public:
  InflateStream() = default;
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  ~InflateStream() {
    if (ready_) inflateEnd(&stream_);
  }

  // Raw DEFLATE: negative window bits mean no zlib header and no checksum.
  bool InitRaw() { return ready_ = inflateInit2(&stream_, -MAX_WBITS) == Z_OK; }
  z_stream& get() { return stream_; }

 private:
  z_stream stream_{};
  bool ready_ = false;
};

absl::Status PlaintextTooLarge(size_t max_bytes) {
  return absl::InvalidArgumentError(
      absl::StrCat("sealed result inflates to more than the limit of ", max_bytes, " bytes"));
}

// Inflates the raw DEFLATE stream `deflated` (at most INT_MAX bytes). The output buffer never
// exceeds `max_bytes` + 1 bytes: one byte past the limit is enough to know it is passed, so a
// decompression bomb is stopped there rather than inflated first and measured after.
absl::StatusOr<std::string> InflateRaw(absl::string_view deflated, size_t max_bytes) {
  InflateStream stream;
  if (!stream.InitRaw()) return absl::InternalError("zlib cannot start inflating");
  z_stream& z = stream.get();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  z.avail_in = static_cast<uInt>(deflated.size());

  const size_t capacity =
      max_bytes == std::numeric_limits<size_t>::max() ? max_bytes : max_bytes + 1;
  std::string out(std::min(capacity, std::max(kMinInflateBytes, 4 * deflated.size())), '\0');
  size_t produced = 0;
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    if (produced == out.size()) {
      if (out.size() >= capacity) break;
      Grow(out, produced, out.size() <= capacity / 2 ? 2 * out.size() : capacity);
    }
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(
        std::min<size_t>(out.size() - produced, std::numeric_limits<uInt>::max()));
    result = inflate(&z, Z_NO_FLUSH);
    produced = static_cast<size_t>(reinterpret_cast<char*>(z.next_out) - out.data());
    if (result == Z_OK || result == Z_STREAM_END) continue;
    WipeBuffer(out);
    // There was room to write, so no progress means the input ran out before the stream ended.
    if (result == Z_BUF_ERROR) {
      return absl::InvalidArgumentError(
          "sealed result does not inflate: its raw DEFLATE stream is truncated");
    }
    if (result == Z_DATA_ERROR) {
      // zlib's messages are fixed strings ("invalid block type"); they quote no data.
      return absl::InvalidArgumentError(
          absl::StrCat("sealed result does not inflate: not a raw DEFLATE stream (",
                       z.msg != nullptr ? z.msg : "corrupt data", ")"));
    }
    return absl::InternalError(
        absl::StrCat("zlib failed inflating a sealed result (", result, ")"));
  }
  if (produced > max_bytes) {
    WipeBuffer(out);
    return PlaintextTooLarge(max_bytes);
  }
  // The agent seals one stream and nothing after it. Bytes left over mean the plaintext only
  // happened to start like DEFLATE: uncompressed JSON does ('{' opens a final fixed-Huffman block).
  if (z.avail_in != 0) {
    WipeBuffer(out);
    return absl::InvalidArgumentError(
        absl::StrCat("sealed result does not inflate: not a raw DEFLATE stream (", z.avail_in,
                     " bytes follow its end)"));
  }
  out.resize(produced);
  return out;
}

}  // namespace

absl::StatusOr<std::string> DecodeSealedResultKey(absl::string_view base64) {
  std::string key;
  if (!DecodeBase64(base64, &key)) {
    return absl::InvalidArgumentError("the sealed-result key is not base64");
  }
  if (key.size() != kSealedResultKeyBytes) {
    const size_t size = key.size();
    WipeBuffer(key);
    return absl::InvalidArgumentError(absl::StrCat("the sealed-result key must be base64 of ",
                                                   kSealedResultKeyBytes,
                                                   " bytes (AES-256), not of ", size));
  }
  return key;
}

absl::StatusOr<std::string> UnsealResultBytes(absl::string_view sealed,
                                              const std::vector<std::string>& keys,
                                              const UnsealLimits& limits, size_t* key_index) {
  if (keys.empty()) return absl::FailedPreconditionError("no sealed-result key is configured");
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].size() != kSealedResultKeyBytes) {
      return absl::FailedPreconditionError(absl::StrCat("sealed-result key #", i + 1, " of ",
                                                        keys.size(), " is not ",
                                                        kSealedResultKeyBytes, " bytes"));
    }
  }
  // OpenSSL and zlib take the size as an int.
  const size_t max_sealed_bytes = std::min<size_t>(limits.max_sealed_bytes, INT_MAX);
  if (sealed.size() > max_sealed_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sealed result is ", sealed.size(), " bytes, more than the limit of ", max_sealed_bytes));
  }
  if (!absl::StartsWith(sealed, kHeader)) {
    return absl::InvalidArgumentError("invalid sealed data header");
  }
  if (sealed.size() < kMinSealedBytes) {
    return absl::InvalidArgumentError(absl::StrCat("sealed result is too short: ", sealed.size(),
                                                   " bytes, less than the ", kMinSealedBytes,
                                                   " of its header, nonce and authentication tag"));
  }
  const absl::string_view nonce = sealed.substr(kHeader.size(), kNonceBytes);
  const absl::string_view ciphertext =
      sealed.substr(kHeader.size() + kNonceBytes, sealed.size() - kMinSealedBytes);
  const absl::string_view tag = sealed.substr(sealed.size() - kTagBytes);

  std::string deflated(ciphertext.size(), '\0');
  std::optional<size_t> opened_with;
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<bool> opened = OpenWithKey(keys[i], nonce, ciphertext, tag, deflated);
    if (!opened.ok()) {
      WipeBuffer(deflated);
      return opened.status();
    }
    if (*opened) {
      opened_with = i;
      break;
    }
  }
  if (!opened_with.has_value()) {
    WipeBuffer(deflated);
    return absl::InvalidArgumentError(
        absl::StrCat("no configured sealed-result key decrypts it (", keys.size(),
                     keys.size() == 1 ? " key" : " keys",
                     " tried; a wrong key or a truncated or altered sealed result)"));
  }
  absl::StatusOr<std::string> json = InflateRaw(deflated, limits.max_plaintext_bytes);
  WipeBuffer(deflated);
  if (json.ok() && key_index != nullptr) *key_index = *opened_with;
  return json;
}

absl::StatusOr<std::string> UnsealResult(absl::string_view sealed_base64,
                                         const std::vector<std::string>& keys,
                                         const UnsealLimits& limits, size_t* key_index) {
  // Base64 holds 3 bytes in 4 characters: even if half the text were whitespace, it would decode
  // to more than the limit. Refused before decoding it.
  if (sealed_base64.size() / 8 * 3 > limits.max_sealed_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("sealed result is ", sealed_base64.size(),
                                                   " characters, more than the limit of ",
                                                   limits.max_sealed_bytes, " bytes allows"));
  }
  std::string sealed;
  if (!DecodeBase64(sealed_base64, &sealed)) {
    return absl::InvalidArgumentError("sealed result is not base64");
  }
  return UnsealResultBytes(sealed, keys, limits, key_index);
}

}  // namespace fpgw::vendors::fingerprint
