// RapidJSON asserts that string pointers are non-null even for empty strings, and an empty
// absl::string_view may hold a null pointer: JsonChars() gives RapidJSON a safe pointer.
#ifndef FPGW_COMMON_JSON_CHARS_H_
#define FPGW_COMMON_JSON_CHARS_H_

#include "absl/strings/string_view.h"

namespace fpgw {

inline const char* JsonChars(absl::string_view text) {
  return text.data() != nullptr ? text.data() : "";
}

}  // namespace fpgw

#endif  // FPGW_COMMON_JSON_CHARS_H_
