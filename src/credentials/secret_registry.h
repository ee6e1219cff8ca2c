// SecretRegistry: every secret the config references, read once when fpgw starts and then kept in
// memory, so that the request path reads no file and a missing secret stops the start, naming the
// config field. Secrets in files are read again when their directory changes (inotify: the
// Kubernetes `..data` swap, a rename, a write) and on a slow poll besides. A new value replaces
// the old one only when two reads a moment apart agree and it passes the checks of every field
// that uses it; otherwise the last good value stays and the log names the field (never the value).
#ifndef FPGW_CREDENTIALS_SECRET_REGISTRY_H_
#define FPGW_CREDENTIALS_SECRET_REGISTRY_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "credentials/credential_store.h"
#include "credentials/secret.h"
#include "telemetry/metrics.h"

namespace fpgw::credentials {

// A check of a secret's value for one use: OK, or a problem whose message names no part of the
// value ("must be at least 16 bytes").
using SecretCheck = std::function<absl::Status(const Secret&)>;

// One config field that references a secret.
struct SecretUse {
  // The field's path, for messages: "tenants[0].integrations[1].credential".
  std::string field;
  // "env:NAME" or "file:NAME" (config::SecretRefName).
  std::string reference;
  // Checked at start and before every replacement; may be empty.
  SecretCheck check;
};

// Thread-safety: every method may be called from any thread.
class SecretRegistry final {
 public:
  // How long the watcher waits for a directory to settle after a change, and the gap between the
  // two reads that must agree.
  static constexpr absl::Duration kDefaultSettle = absl::Milliseconds(200);

  // Reads and checks every secret `uses` names. FAILED_PRECONDITION listing every problem, one per
  // line, each as "field (reference): problem".
  // `store` reads references (RoutingCredentialStore in the server).
  static absl::StatusOr<std::unique_ptr<SecretRegistry>> Load(
      std::shared_ptr<const CredentialStore> store, std::vector<SecretUse> uses,
      absl::Duration settle = kDefaultSettle);

  ~SecretRegistry();
  SecretRegistry(const SecretRegistry&) = delete;
  SecretRegistry& operator=(const SecretRegistry&) = delete;

  // The current value of `reference`; null for a reference that Load() was not given.
  std::shared_ptr<const Secret> Current(absl::string_view reference) const;

  // Whether the store gives `reference` now: false for a reference Load() was not given, and
  // while the last read of its file failed or was refused by its checks (Current() still holds
  // the last good value).
  bool Resolvable(absl::string_view reference) const;

  // Counts every reload that replaced a secret or rejected a changed one into `metrics` (null:
  // none), which outlives the registry.
  void SetMetrics(telemetry::Metrics* metrics) {
    metrics_.store(metrics, std::memory_order_release);
  }

  // Counts replacements, so that users who derive something from a secret (an index of token
  // hashes, a key) know when to derive it again.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Reads every file secret again, twice, `settle` apart; replaces each value that changed, read
  // the same both times and passes its checks. Returns how many were replaced.
  int Reload();

  // Starts a thread that calls Reload() when `directory` (where the file secrets are) changes,
  // after it has been quiet for `settle`, and every `poll_interval` in any case. Without a
  // directory or a file secret there is nothing to watch: OK. INTERNAL when inotify is
  // unavailable.
  absl::Status StartWatching(const std::string& directory,
                             absl::Duration poll_interval = absl::Seconds(30));

 private:
  struct Entry {
    // (field, check) of every use.
    std::vector<std::pair<std::string, SecretCheck>> uses;
    std::shared_ptr<const Secret> value;
    // False while the store cannot give the value (the last read failed or was refused).
    bool resolvable = true;
  };

  SecretRegistry(std::shared_ptr<const CredentialStore> store, absl::Duration settle)
      : store_(std::move(store)), settle_(settle) {}

  // The first failing check of `entry`'s uses, as "field: problem".
  static absl::Status Check(const Entry& entry, const Secret& value);
  void WatchLoop(int inotify_fd, absl::Duration poll_interval);

  const std::shared_ptr<const CredentialStore> store_;
  const absl::Duration settle_;
  mutable absl::Mutex mu_;
  // Keys fixed by Load(); values swapped under mu_.
  std::map<std::string, Entry, std::less<>> entries_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{0};
  std::atomic<telemetry::Metrics*> metrics_{nullptr};
  // Serialises Reload() (the watcher and explicit calls).
  absl::Mutex reload_mu_;

  std::thread watcher_;
  int wake_fd_ = -1;
};

}  // namespace fpgw::credentials

#endif  // FPGW_CREDENTIALS_SECRET_REGISTRY_H_
