// Wiping buffers that held a secret: OPENSSL_cleanse, which the compiler may not optimise away.
#ifndef FPGW_COMMON_WIPE_H_
#define FPGW_COMMON_WIPE_H_

#include <cstddef>
#include <string>

namespace fpgw {

// Overwrites `size` bytes at `data` with zeros.
void WipeBytes(void* data, size_t size);

// Overwrites the whole buffer of `buffer` (its capacity, not just its size: a shrunk or moved-from
// string keeps old bytes in place), then empties it.
void WipeBuffer(std::string& buffer);

}  // namespace fpgw

#endif  // FPGW_COMMON_WIPE_H_
