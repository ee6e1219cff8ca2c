// Secrets read at start, kept in memory, and re-read when their directory changes.
#include "credentials/secret_registry.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "telemetry/log.h"

namespace fpgw::credentials {
namespace {

using telemetry::Log;
using telemetry::LogLevel;

int PollMillis(absl::Duration d) {
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d), 1 << 30));
}

// Drains every pending inotify event; true when there was at least one.
bool DrainEvents(int fd) {
  alignas(inotify_event) char buffer[4096];
  bool any = false;
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) return any;
    any = true;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SecretRegistry>> SecretRegistry::Load(
    std::shared_ptr<const CredentialStore> store, std::vector<SecretUse> uses,
    absl::Duration settle) {
  std::unique_ptr<SecretRegistry> registry(new SecretRegistry(store, settle));
  std::vector<std::string> problems;
  absl::MutexLock lock(&registry->mu_);
  for (SecretUse& use : uses) {
    Entry& entry = registry->entries_[use.reference];
    entry.uses.emplace_back(std::move(use.field), std::move(use.check));
  }
  for (auto& [reference, entry] : registry->entries_) {
    absl::StatusOr<Secret> value = store->Get(reference);
    if (!value.ok()) {
      for (const auto& use : entry.uses) {
        problems.push_back(
            absl::StrCat(use.first, " (", reference, "): ", value.status().message()));
      }
      continue;
    }
    for (const auto& [field, check] : entry.uses) {
      if (!check) continue;
      absl::Status status = check(*value);
      if (!status.ok()) {
        problems.push_back(absl::StrCat(field, " (", reference, "): ", status.message()));
      }
    }
    entry.value = std::make_shared<const Secret>(*std::move(value));
  }
  if (!problems.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        problems.size(), " secret(s) cannot be used:\n", absl::StrJoin(problems, "\n")));
  }
  return registry;
}

SecretRegistry::~SecretRegistry() {
  if (watcher_.joinable()) {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
    watcher_.join();
  }
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool SecretRegistry::Resolvable(absl::string_view reference) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.find(reference);
  return it != entries_.end() && it->second.value != nullptr && it->second.resolvable;
}

std::shared_ptr<const Secret> SecretRegistry::Current(absl::string_view reference) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.find(reference);
  return it == entries_.end() ? nullptr : it->second.value;
}

absl::Status SecretRegistry::Check(const Entry& entry, const Secret& value) {
  for (const auto& [field, check] : entry.uses) {
    if (!check) continue;
    absl::Status status = check(value);
    if (!status.ok()) return absl::FailedPreconditionError(status.message());
  }
  return absl::OkStatus();
}

int SecretRegistry::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  std::vector<std::string> references;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [reference, entry] : entries_) {
      if (RoutingCredentialStore::IsFileReference(reference)) references.push_back(reference);
    }
  }
  if (references.empty()) return 0;
  // Two reads a moment apart must agree, so that a file caught half-written is never taken.
  std::map<std::string, absl::StatusOr<Secret>> first;
  for (const std::string& reference : references) first.emplace(reference, store_->Get(reference));
  absl::SleepFor(settle_);
  int replaced = 0;
  for (const std::string& reference : references) {
    absl::StatusOr<Secret> second = store_->Get(reference);
    absl::StatusOr<Secret>& earlier = first.at(reference);
    std::string field;
    absl::Status problem = absl::OkStatus();
    bool unchanged = false;
    bool was_resolvable = true;
    {
      absl::ReaderMutexLock lock(&mu_);
      const Entry& entry = entries_.at(reference);
      field = entry.uses.front().first;
      was_resolvable = entry.resolvable;
      unchanged = second.ok() && entry.value->Equals(second->RevealForWire()) && earlier.ok() &&
                  entry.value->Equals(earlier->RevealForWire());
      if (unchanged) {
        // The value held: nothing to check.
      } else if (!earlier.ok()) {
        problem = earlier.status();
      } else if (!second.ok()) {
        problem = second.status();
      } else if (!earlier->Equals(second->RevealForWire())) {
        problem = absl::AbortedError("the file changed while it was read; trying again later");
      } else {
        problem = Check(entry, *second);
      }
    }
    if (unchanged) {
      if (!was_resolvable) {  // Readable again after reads that failed.
        absl::MutexLock lock(&mu_);
        entries_.at(reference).resolvable = true;
      }
      continue;
    }
    if (!problem.ok()) {
      // A file caught mid-change is read again later; anything else means the store cannot give
      // this secret now.
      const bool unresolvable = problem.code() != absl::StatusCode::kAborted;
      {
        absl::MutexLock lock(&mu_);
        if (unresolvable) entries_.at(reference).resolvable = false;
      }
      if (telemetry::Metrics* metrics = metrics_.load(std::memory_order_acquire)) {
        metrics->CredentialReload(false);
      }
      Log(LogLevel::kWarning, "secret not replaced: keeping the last good value",
          {{"field", field},
           {"reference", reference},
           {"problem", std::string(problem.message())}});
      continue;
    }
    {
      absl::MutexLock lock(&mu_);
      Entry& entry = entries_.at(reference);
      entry.value = std::make_shared<const Secret>(*std::move(second));
      entry.resolvable = true;
    }
    generation_.fetch_add(1, std::memory_order_acq_rel);
    ++replaced;
    if (telemetry::Metrics* metrics = metrics_.load(std::memory_order_acquire)) {
      metrics->CredentialReload(true);
    }
    Log(LogLevel::kInfo, "secret replaced", {{"field", field}, {"reference", reference}});
  }
  return replaced;
}

absl::Status SecretRegistry::StartWatching(const std::string& directory,
                                           absl::Duration poll_interval) {
  if (watcher_.joinable()) return absl::OkStatus();
  bool any_file = false;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [reference, entry] : entries_) {
      any_file |= RoutingCredentialStore::IsFileReference(reference);
    }
  }
  if (!any_file || directory.empty()) return absl::OkStatus();
  const int inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0) {
    return absl::InternalError(absl::StrCat("inotify: ", std::strerror(errno)));
  }
  // The directory itself: Kubernetes swaps `..data` by rename; other writers rename or rewrite a
  // file. Changes inside `..data` targets are never made in place by Kubernetes; the poll covers
  // anything else.
  if (inotify_add_watch(inotify_fd, directory.c_str(),
                        IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE |
                            IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
    const int err = errno;
    close(inotify_fd);
    return absl::InternalError(absl::StrCat("cannot watch ", directory, ": ", std::strerror(err)));
  }
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    close(inotify_fd);
    return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  watcher_ = std::thread([this, inotify_fd, poll_interval] {
    WatchLoop(inotify_fd, poll_interval);
    close(inotify_fd);
  });
  return absl::OkStatus();
}

void SecretRegistry::WatchLoop(int inotify_fd, absl::Duration poll_interval) {
  pollfd fds[2] = {{inotify_fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    const int ready = poll(fds, 2, PollMillis(poll_interval));
    if (ready < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
      // Wait until the directory has been quiet for `settle_`: a rotation is several events.
      DrainEvents(inotify_fd);
      while (true) {
        pollfd settle_fds[2] = {{inotify_fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        const int more = poll(settle_fds, 2, PollMillis(settle_));
        if (more > 0 && settle_fds[1].revents != 0) return;
        if (more <= 0 || !DrainEvents(inotify_fd)) break;
      }
    }
    Reload();
  }
}

}  // namespace fpgw::credentials
