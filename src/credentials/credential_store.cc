// Environment-variable and directory-of-files credential stores.
#include "credentials/credential_store.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace fpgw::credentials {
namespace {

std::string TrimNewlines(std::string value) {
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

absl::Status CheckName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("secret reference is empty");
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) {
      return absl::InvalidArgumentError(
          "secret reference may hold only letters, digits, '_', '-' and '.'");
    }
  }
  if (name.front() == '.')
    return absl::InvalidArgumentError("secret reference may not start with '.'");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Secret> EnvCredentialStore::Get(absl::string_view name) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr || *value == '\0') {
    return absl::NotFoundError(absl::StrCat("environment variable ", name, " is not set"));
  }
  if (std::strlen(value) > kMaxSecretBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("environment variable ", name, " is too long"));
  }
  return Secret(TrimNewlines(value));
}

absl::StatusOr<Secret> FileCredentialStore::Get(absl::string_view name) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(name);
    if (it != cache_.end() && now - it->second.read_at < refresh_interval_) return it->second.value;
  }
  absl::StatusOr<Secret> secret = Read(name);
  if (!secret.ok()) return secret;
  absl::MutexLock lock(&mu_);
  cache_[std::string(name)] = Cached{*secret, now};
  return secret;
}

absl::StatusOr<Secret> FileCredentialStore::Read(absl::string_view name) const {
  if (directory_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("secret file ", name, " named but no secret_stores.directory is configured"));
  }
  const std::string path = absl::StrCat(directory_, "/", name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT)
      return absl::NotFoundError(absl::StrCat("secret file ", name, " does not exist"));
    return absl::FailedPreconditionError(
        absl::StrCat("secret file ", name, " cannot be read: ", std::strerror(err)));
  }
  std::string value;
  value.resize(kMaxSecretBytes + 1);
  in.read(value.data(), static_cast<std::streamsize>(value.size()));
  value.resize(static_cast<size_t>(in.gcount()));
  if (value.size() > kMaxSecretBytes) {
    return absl::FailedPreconditionError(absl::StrCat("secret file ", name, " is too large"));
  }
  value = TrimNewlines(std::move(value));
  if (value.empty()) return absl::NotFoundError(absl::StrCat("secret file ", name, " is empty"));
  return Secret(std::move(value));
}

absl::StatusOr<Secret> RoutingCredentialStore::Get(absl::string_view reference) const {
  if (absl::ConsumePrefix(&reference, "env:")) return env_.Get(reference);
  if (absl::ConsumePrefix(&reference, "file:")) return files_.Get(reference);
  return absl::InvalidArgumentError("secret reference must start with env: or file:");
}

}  // namespace fpgw::credentials
