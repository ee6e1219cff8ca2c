// Environment-variable and directory-of-files credential stores.
#include "credentials/credential_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/wipe.h"

namespace fpgw::credentials {
namespace {

absl::string_view TrimNewlines(absl::string_view value) {
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.remove_suffix(1);
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
  return Secret(TrimNewlines(absl::string_view(value)));
}

absl::StatusOr<Secret> FileCredentialStore::Get(absl::string_view name) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  if (directory_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("secret file ", name, " named but no secret_stores.directory is configured"));
  }
  const std::string path = absl::StrCat(directory_, "/", name);
  // Plain read(2) into one buffer that is wiped: no stream buffer keeps a copy.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT)
      return absl::NotFoundError(absl::StrCat("secret file ", name, " does not exist"));
    return absl::FailedPreconditionError(
        absl::StrCat("secret file ", name, " cannot be read: ", std::strerror(err)));
  }
  std::string value(kMaxSecretBytes + 1, '\0');
  size_t size = 0;
  while (size < value.size()) {
    const ssize_t n = read(fd, value.data() + size, value.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      WipeBuffer(value);
      return absl::FailedPreconditionError(
          absl::StrCat("secret file ", name, " cannot be read: ", std::strerror(err)));
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  close(fd);
  if (size > kMaxSecretBytes) {
    WipeBuffer(value);
    return absl::FailedPreconditionError(absl::StrCat("secret file ", name, " is too large"));
  }
  Secret secret(TrimNewlines(absl::string_view(value.data(), size)));
  WipeBuffer(value);
  if (secret.empty()) return absl::NotFoundError(absl::StrCat("secret file ", name, " is empty"));
  return secret;
}

bool RoutingCredentialStore::IsFileReference(absl::string_view reference) {
  return absl::StartsWith(reference, "file:");
}

absl::StatusOr<Secret> RoutingCredentialStore::Get(absl::string_view reference) const {
  if (absl::ConsumePrefix(&reference, "env:")) return env_.Get(reference);
  if (absl::ConsumePrefix(&reference, "file:")) return files_.Get(reference);
  return absl::InvalidArgumentError("secret reference must start with env: or file:");
}

}  // namespace fpgw::credentials
