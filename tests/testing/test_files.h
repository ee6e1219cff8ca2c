// Small file and token helpers of the tests that handle secrets: whole files in and out, and the
// SHA-256 hex digest of a bearer token, as callers' `bearer_token_sha256` files hold it.
#ifndef FPGW_TESTS_TESTING_TEST_FILES_H_
#define FPGW_TESTS_TESTING_TEST_FILES_H_

#include <openssl/sha.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace fpgw::testing {

// The whole file; "" when it cannot be read.
inline std::string ReadTextFile(const std::string& path) {
  std::string text;
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return text;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  std::fclose(file);
  return text;
}

// Replaces the file's contents.
inline void WriteTextFile(const std::string& path, absl::string_view contents) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

// Lowercase hex SHA-256 of `token`.
inline std::string TokenHash(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_TEST_FILES_H_
