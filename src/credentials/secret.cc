// Secret's protected pages, wiping and comparison.
#include "credentials/secret.h"

#include <openssl/crypto.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/wipe.h"

namespace fpgw::credentials {
namespace {

size_t PageSize() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

Secret::Secret(absl::string_view value) { Assign(value); }

Secret::Secret(std::string&& value) {
  Assign(value);
  WipeBuffer(value);
}

Secret::Secret(const Secret& other) { Assign(other.RevealForWire()); }

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Release();
    Assign(other.RevealForWire());
  }
  return *this;
}

Secret::Secret(Secret&& other) noexcept
    : data_(other.data_), size_(other.size_), mapped_(other.mapped_) {
  other.data_ = nullptr;
  other.size_ = 0;
  other.mapped_ = 0;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    size_ = other.size_;
    mapped_ = other.mapped_;
    other.data_ = nullptr;
    other.size_ = 0;
    other.mapped_ = 0;
  }
  return *this;
}

Secret::~Secret() { Release(); }

void Secret::Assign(absl::string_view value) {
  if (value.empty()) return;
  const size_t page = PageSize();
  const size_t length = (value.size() + page - 1) / page * page;
  void* pages = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) {
    // Out of address space: nothing sensible is left to do for a server holding keys.
    std::fputs("fpgw: cannot map memory for a secret\n", stderr);
    std::abort();
  }
  // Left out of core dumps, and out of swap where RLIMIT_MEMLOCK allows (best effort: a
  // container's lock limit may be small, and the value is still wiped and excluded from dumps).
  madvise(pages, length, MADV_DONTDUMP);
  mlock(pages, length);
  data_ = static_cast<char*>(pages);
  size_ = value.size();
  mapped_ = length;
  std::memcpy(data_, value.data(), value.size());
}

void Secret::Release() {
  if (data_ == nullptr) return;
  OPENSSL_cleanse(data_, mapped_);
  munlock(data_, mapped_);
  munmap(data_, mapped_);
  data_ = nullptr;
  size_ = 0;
  mapped_ = 0;
}

std::vector<absl::string_view> Secret::RevealKeysForWire() const {
  std::vector<absl::string_view> keys;
  for (absl::string_view line : absl::StrSplit(RevealForWire(), '\n', absl::SkipEmpty())) {
    absl::ConsumeSuffix(&line, "\r");
    if (!line.empty()) keys.push_back(line);
  }
  return keys;
}

bool Secret::Equals(absl::string_view other) const {
  if (other.size() != size_) return false;
  return size_ == 0 || CRYPTO_memcmp(other.data(), data_, size_) == 0;
}

bool DisableCoreDumps() {
  const rlimit none{0, 0};
  return setrlimit(RLIMIT_CORE, &none) == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

bool IsExcludedFromCoreDumps(const Secret& secret) {
  if (secret.empty()) return false;
  const auto address = reinterpret_cast<uintptr_t>(secret.RevealForWire().data());
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    // A mapping's header: "start-end perms offset dev inode path".
    const size_t dash = line.find('-');
    const size_t space = line.find(' ');
    uint64_t start = 0, end = 0;
    if (dash != std::string::npos && space != std::string::npos && dash < space &&
        absl::SimpleHexAtoi(absl::string_view(line).substr(0, dash), &start) &&
        absl::SimpleHexAtoi(absl::string_view(line).substr(dash + 1, space - dash - 1), &end)) {
      inside = address >= start && address < end;
      continue;
    }
    if (inside && absl::StartsWith(line, "VmFlags:")) {
      for (absl::string_view flag : absl::StrSplit(line.substr(8), ' ', absl::SkipEmpty())) {
        if (flag == "dd") return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace fpgw::credentials
