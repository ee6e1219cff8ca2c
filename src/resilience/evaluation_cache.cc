// The in-memory evaluation cache.
#include "resilience/evaluation_cache.h"

#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fpgw::resilience {
namespace {

std::string FullKey(const std::string& scope, const std::string& key) {
  std::string full = scope;
  full.push_back('\0');
  full.append(key);
  return full;
}

}  // namespace

std::string EvaluationKey(const fpgw::v1::EvaluateRequest& request, bool include_raw) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  bytes.push_back(include_raw ? 'r' : 'b');
  return bytes;
}

std::optional<fpgw::v1::Evaluation> InMemoryEvaluationCache::Get(const std::string& scope,
                                                                 const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(FullKey(scope, key));
  if (found == index_.end()) return std::nullopt;
  Lru::iterator it = found->second;
  auto generation = generations_.find(scope);
  const uint64_t current = generation == generations_.end() ? 0 : generation->second;
  if (it->expires <= absl::Now() || it->generation != current) {
    EraseLocked(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it);
  return it->evaluation;
}

void InMemoryEvaluationCache::Put(const std::string& scope, const std::string& key,
                                  const fpgw::v1::Evaluation& evaluation, absl::Duration ttl) {
  if (ttl <= absl::ZeroDuration()) return;
  std::string full = FullKey(scope, key);
  // What the entry holds in memory: the message as allocated (several times its wire size), the
  // key twice (list and index) and the nodes around them.
  const int64_t bytes = static_cast<int64_t>(evaluation.SpaceUsedLong()) +
                        2 * static_cast<int64_t>(full.size()) + 128;
  if (bytes > max_bytes_) return;
  absl::MutexLock lock(&mu_);
  if (auto found = index_.find(full); found != index_.end()) EraseLocked(found->second);
  auto generation = generations_.find(scope);
  lru_.push_front(Entry{full, evaluation, absl::Now() + ttl,
                        generation == generations_.end() ? 0 : generation->second, bytes});
  index_.emplace(std::move(full), lru_.begin());
  bytes_ += bytes;
  while (bytes_ > max_bytes_ && !lru_.empty()) EraseLocked(std::prev(lru_.end()));
}

void InMemoryEvaluationCache::Invalidate(const std::string& scope) {
  absl::MutexLock lock(&mu_);
  ++generations_[scope];
}

void InMemoryEvaluationCache::EraseLocked(Lru::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->full_key);
  lru_.erase(it);
}

int64_t InMemoryEvaluationCache::bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

size_t InMemoryEvaluationCache::size() const {
  absl::MutexLock lock(&mu_);
  return lru_.size();
}

}  // namespace fpgw::resilience
