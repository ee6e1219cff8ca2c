// EvaluationCache: completed evaluations served again to identical requests. Keys are scoped to a
// tenant's integration (a tenant never reads another's entries), each entry lives for its
// integration's TTL, and a write through the integration (an event update, a rule, a deletion)
// drops the integration's entries. An interface, so that a store shared by replicas can implement
// it later; InMemoryEvaluationCache keeps them in this process, least recently used first out
// beyond a byte budget.
#ifndef FPGW_RESILIENCE_EVALUATION_CACHE_H_
#define FPGW_RESILIENCE_EVALUATION_CACHE_H_

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fpgw/v1/evaluation.pb.h"
#include "fpgw/v1/evaluation_service.pb.h"

namespace fpgw::resilience {

// Thread-safe.
class EvaluationCache {
 public:
  virtual ~EvaluationCache() = default;
  // The live entry of `key` in `scope`, if any.
  virtual std::optional<fpgw::v1::Evaluation> Get(const std::string& scope,
                                                  const std::string& key) = 0;
  // Keeps `evaluation` under `key` in `scope` for `ttl`.
  virtual void Put(const std::string& scope, const std::string& key,
                   const fpgw::v1::Evaluation& evaluation, absl::Duration ttl) = 0;
  // Drops every entry of `scope`.
  virtual void Invalidate(const std::string& scope) = 0;
};

// The cache key of an EvaluateRequest: its deterministic bytes (every field: token, vendor
// options, view) and whether the raw payload is wanted.
std::string EvaluationKey(const fpgw::v1::EvaluateRequest& request, bool include_raw);

class InMemoryEvaluationCache final : public EvaluationCache {
 public:
  // Entries' evaluations count against `max_bytes` (protobuf's byte size plus the key).
  explicit InMemoryEvaluationCache(int64_t max_bytes) : max_bytes_(max_bytes) {}

  std::optional<fpgw::v1::Evaluation> Get(const std::string& scope,
                                          const std::string& key) override;
  void Put(const std::string& scope, const std::string& key, const fpgw::v1::Evaluation& evaluation,
           absl::Duration ttl) override;
  void Invalidate(const std::string& scope) override;

  int64_t bytes() const;
  size_t size() const;

 private:
  struct Entry {
    std::string full_key;
    fpgw::v1::Evaluation evaluation;
    absl::Time expires;
    uint64_t generation;  // of its scope when written
    int64_t bytes;
  };
  using Lru = std::list<Entry>;

  void EraseLocked(Lru::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int64_t max_bytes_;
  mutable absl::Mutex mu_;
  Lru lru_ ABSL_GUARDED_BY(mu_);  // most recently used first
  std::unordered_map<std::string, Lru::iterator> index_ ABSL_GUARDED_BY(mu_);
  // A scope's entries written before its generation changed are dropped when next read.
  std::map<std::string, uint64_t, std::less<>> generations_ ABSL_GUARDED_BY(mu_);
  int64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace fpgw::resilience

#endif  // FPGW_RESILIENCE_EVALUATION_CACHE_H_
