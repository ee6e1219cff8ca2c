// ThreadPool: a fixed number of threads that run submitted tasks in submission order. The vendor
// HTTP client hands every finished transfer to one, so that parsing, mapping and finishing RPCs
// never stall its event loop (which only moves bytes) and use every core.
#ifndef FPGW_ASYNC_THREAD_POOL_H_
#define FPGW_ASYNC_THREAD_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace fpgw::async {

// Runs tasks somewhere else.
class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `task` soon on another thread; never inline, never blocks on the task.
  virtual void Run(absl::AnyInvocable<void() &&> task) = 0;
};

// Thread-safe.
class ThreadPool final : public Executor {
 public:
  // `threads` >= 1.
  explicit ThreadPool(int threads);
  // Runs every task already submitted, then joins the threads.
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Run(absl::AnyInvocable<void() &&> task) override;

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace fpgw::async

#endif  // FPGW_ASYNC_THREAD_POOL_H_
