// Secret's wiping and comparison.
#include "credentials/secret.h"

#include <openssl/crypto.h>

namespace fpgw::credentials {

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Wipe();
    value_ = other.value_;
  }
  return *this;
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.Wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Wipe();
    value_ = std::move(other.value_);
    other.Wipe();
  }
  return *this;
}

Secret::~Secret() { Wipe(); }

void Secret::Wipe() {
  // The whole buffer, not just size(): a moved-from short string keeps its bytes in place.
  OPENSSL_cleanse(value_.data(), value_.capacity());
  value_.clear();
}

bool Secret::Equals(absl::string_view other) const {
  if (other.size() != value_.size()) return false;
  return CRYPTO_memcmp(other.data(), value_.data(), value_.size()) == 0;
}

}  // namespace fpgw::credentials
