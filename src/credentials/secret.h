// Secret: a value that cannot be printed by accident (STYLE rule 5). It has no implicit
// conversion, streams and formats as "[redacted]", exposes its bytes only through the greppable
// RevealForWire() accessor, lives in pages of its own that are left out of core dumps
// (MADV_DONTDUMP) and kept out of swap where the system allows (mlock), and is wiped before those
// pages are returned.
#ifndef FPGW_CREDENTIALS_SECRET_H_
#define FPGW_CREDENTIALS_SECRET_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fpgw::credentials {

class Secret final {
 public:
  Secret() = default;
  // Copies `value` into protected pages.
  explicit Secret(absl::string_view value);
  // Copies `value` into protected pages and wipes the string's buffer.
  explicit Secret(std::string&& value);
  explicit Secret(const char* value) : Secret(absl::string_view(value)) {}
  Secret(const Secret& other);
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  bool empty() const { return size_ == 0; }

  // The secret's bytes, for the one place that puts them on the wire (an Authorization header,
  // an HMAC key). Never log, format or store the result.
  absl::string_view RevealForWire() const { return absl::string_view(data_, size_); }

  // The keys a secret holds when it holds several (one per line, for rotation: bearer-token
  // hashes, page-token keys), without empty lines or a trailing '\r'. Same rules as
  // RevealForWire().
  std::vector<absl::string_view> RevealKeysForWire() const;

  // Constant-time comparison.
  bool Equals(absl::string_view other) const;

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "[redacted]"; }

 private:
  void Assign(absl::string_view value);
  void Release();

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
};

// Turns core dumps off for this process (RLIMIT_CORE 0 and not dumpable, which also keeps
// same-user processes from attaching a debugger). For server processes, at start. False when the
// system refuses.
bool DisableCoreDumps();

// True when the pages holding `secret` are marked to be left out of core dumps (reads
// /proc/self/smaps; for tests).
bool IsExcludedFromCoreDumps(const Secret& secret);

}  // namespace fpgw::credentials

#endif  // FPGW_CREDENTIALS_SECRET_H_
