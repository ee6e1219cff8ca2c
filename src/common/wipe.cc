// Buffer wiping with OpenSSL.
#include "common/wipe.h"

#include <openssl/crypto.h>

namespace fpgw {

void WipeBytes(void* data, size_t size) {
  if (data != nullptr && size > 0) OPENSSL_cleanse(data, size);
}

void WipeBuffer(std::string& buffer) {
  WipeBytes(buffer.data(), buffer.capacity());
  buffer.clear();
}

}  // namespace fpgw
