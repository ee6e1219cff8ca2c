// Stable 64-bit hashing for the sandbox's data generators: the same input gives the same value on
// every platform and run, so that the same seed and id always give the same bytes.
#ifndef FPGW_SANDBOX_HASH_H_
#define FPGW_SANDBOX_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace fpgw::sandbox {

// 2026-01-01T00:00:00Z: the "now" of every generated world, so that data never depends on the wall
// clock.
inline constexpr int64_t kAnchorMs = 1767225600000;
inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
// The digits of generated ids.
inline constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// 64-bit FNV-1a of `data`, continuing from `state`.
inline uint64_t Fnv1a64(absl::string_view data, uint64_t state = 0xcbf29ce484222325ULL) {
  for (unsigned char c : data) {
    state ^= c;
    state *= 0x100000001b3ULL;
  }
  return state;
}

// The splitmix64 finaliser: nearby inputs give unrelated outputs.
inline uint64_t Avalanche(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_HASH_H_
