// Sealed client results as Fingerprint's agent makes them (CONTRACTS.md §3.9): raw DEFLATE, then
// AES-256-GCM under a 32-byte key after a 4-byte header and a 12-byte nonce, the tag last. For the
// tests of unsealing (the library's and the gateway's).
#ifndef FPGW_TESTS_TESTING_SEALED_RESULTS_H_
#define FPGW_TESTS_TESTING_SEALED_RESULTS_H_

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <cstring>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace fpgw::testing {

inline constexpr absl::string_view kSealedHeader("\x9E\x85\xDC\xED", 4);

// A 32-byte key, distinct per `seed`. Its bytes include 0xFB 0xEF 0xBE and 0xFF 0xFF 0xFF, so its
// standard base64 holds '+' and '/' and its URL-safe base64 differs.
inline std::string TestKey(unsigned char seed) {
  std::string key(32, '\0');
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<char>(seed * 31 + i * 7);
  const unsigned char fixed[] = {0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF};
  std::memcpy(key.data(), fixed, sizeof(fixed));
  return key;
}

// `text` compressed with zlib; -15 window bits is raw DEFLATE, 15 the zlib format.
inline std::string Deflate(absl::string_view text, int window_bits = -15) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `header`, a random nonce, `plaintext` encrypted with AES-256-GCM under `key`, and the tag.
inline std::string Encrypt(absl::string_view plaintext, absl::string_view key,
                           absl::string_view header = kSealedHeader) {
  unsigned char nonce[12];
  EXPECT_EQ(RAND_bytes(nonce, sizeof(nonce)), 1);
  std::string ciphertext(plaintext.size(), '\0');
  unsigned char tag[16];
  int length = 0;
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  EXPECT_EQ(EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nullptr,
                               reinterpret_cast<const unsigned char*>(key.data()), nonce),
            1);
  EXPECT_EQ(EVP_EncryptUpdate(context, reinterpret_cast<unsigned char*>(ciphertext.data()), &length,
                              reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())),
            1);
  EXPECT_EQ(
      EVP_EncryptFinal_ex(context, reinterpret_cast<unsigned char*>(ciphertext.data()), &length),
      1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, sizeof(tag), tag), 1);
  EVP_CIPHER_CTX_free(context);
  return std::string(header) + std::string(reinterpret_cast<char*>(nonce), sizeof(nonce)) +
         ciphertext + std::string(reinterpret_cast<char*>(tag), sizeof(tag));
}

// A sealed result as the agent makes it: `json` raw-deflated, then encrypted.
inline std::string Seal(absl::string_view json, absl::string_view key) {
  return Encrypt(Deflate(json), key);
}

// The base64 text a client sends: `json` sealed under `key`.
inline std::string SealedBase64(absl::string_view json, absl::string_view key) {
  return absl::Base64Escape(Seal(json, key));
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_SEALED_RESULTS_H_
