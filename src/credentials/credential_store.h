// CredentialStore: resolves a secret reference from the config (an environment variable name or a
// file name) to a Secret. credentials/ knows nothing about vendors; adapters ask for the secret
// their integration's config names.
#ifndef FPGW_CREDENTIALS_CREDENTIAL_STORE_H_
#define FPGW_CREDENTIALS_CREDENTIAL_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "credentials/secret.h"

namespace fpgw::credentials {

// Looks secrets up by name.
//
// Thread-safety: Get() may be called concurrently from any thread.
// Errors: NOT_FOUND when no secret has that name; INVALID_ARGUMENT for a name that cannot be a
// reference (empty, path separators); FAILED_PRECONDITION when the store cannot be read. Messages
// name the reference, never the value.
class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  virtual absl::StatusOr<Secret> Get(absl::string_view name) const = 0;
};

// Reads secrets from environment variables; the value is trimmed of trailing newlines.
class EnvCredentialStore final : public CredentialStore {
 public:
  absl::StatusOr<Secret> Get(absl::string_view name) const override;
};

// Reads secrets from files in one directory, laid out like a Kubernetes secret volume
// (`<dir>/<name>`, where `<name>` may be a symlink into a `..data` directory swapped atomically
// on rotation). Reads the file on every call: SecretRegistry keeps what was read and decides when
// to read again. Trailing newlines are trimmed. Names may not contain '/' or start with '.'.
class FileCredentialStore final : public CredentialStore {
 public:
  explicit FileCredentialStore(std::string directory) : directory_(std::move(directory)) {}
  absl::StatusOr<Secret> Get(absl::string_view name) const override;

  const std::string& directory() const { return directory_; }

 private:
  const std::string directory_;
};

// Routes "env:NAME" to an EnvCredentialStore and "file:NAME" to a FileCredentialStore, the two
// kinds of reference the config allows. INVALID_ARGUMENT for any other prefix.
class RoutingCredentialStore final : public CredentialStore {
 public:
  explicit RoutingCredentialStore(std::string directory) : files_(std::move(directory)) {}
  absl::StatusOr<Secret> Get(absl::string_view reference) const override;

  // True for a "file:" reference, which may change while fpgw runs.
  static bool IsFileReference(absl::string_view reference);
  const std::string& directory() const { return files_.directory(); }

 private:
  EnvCredentialStore env_;
  FileCredentialStore files_;
};

// Largest secret read from a file or the environment.
inline constexpr size_t kMaxSecretBytes = 64 * 1024;

}  // namespace fpgw::credentials

#endif  // FPGW_CREDENTIALS_CREDENTIAL_STORE_H_
