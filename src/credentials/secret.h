// Secret: a value that cannot be printed by accident (STYLE rule 5). It has no implicit
// conversion, streams and formats as "[redacted]", exposes its bytes only through the greppable
// RevealForWire() accessor, and wipes its memory on destruction.
#ifndef FPGW_CREDENTIALS_SECRET_H_
#define FPGW_CREDENTIALS_SECRET_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"

namespace fpgw::credentials {

class Secret final {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) = default;
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  bool empty() const { return value_.empty(); }

  // The secret's bytes, for the one place that puts them on the wire (an Authorization header,
  // an HMAC key). Never log, format or store the result.
  absl::string_view RevealForWire() const { return value_; }

  // Constant-time comparison.
  bool Equals(absl::string_view other) const;

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "[redacted]"; }

 private:
  void Wipe();

  std::string value_;
};

}  // namespace fpgw::credentials

#endif  // FPGW_CREDENTIALS_SECRET_H_
