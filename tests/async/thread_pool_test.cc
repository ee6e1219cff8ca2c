// ThreadPool: every task runs once, on the pool's threads, in parallel; destruction runs what was
// already submitted before joining.
#include "async/thread_pool.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace fpgw::async {
namespace {

TEST(ThreadPool, RunsEveryTaskOnceOffTheCallersThread) {
  ThreadPool pool(2);
  constexpr int kTasks = 1000;
  std::atomic<int> runs{0};
  std::atomic<bool> on_caller{false};
  absl::BlockingCounter done(kTasks);
  const std::thread::id caller = std::this_thread::get_id();
  for (int i = 0; i < kTasks; ++i) {
    pool.Run([&] {
      if (std::this_thread::get_id() == caller) on_caller = true;
      runs.fetch_add(1);
      done.DecrementCount();
    });
  }
  done.Wait();
  EXPECT_EQ(runs.load(), kTasks);
  EXPECT_FALSE(on_caller.load());
}

TEST(ThreadPool, TasksRunInParallel) {
  // Two tasks that each wait for the other can only finish on two threads at once.
  ThreadPool pool(2);
  absl::Notification first_started;
  absl::Notification second_started;
  absl::BlockingCounter done(2);
  pool.Run([&] {
    first_started.Notify();
    second_started.WaitForNotification();
    done.DecrementCount();
  });
  pool.Run([&] {
    second_started.Notify();
    first_started.WaitForNotification();
    done.DecrementCount();
  });
  done.Wait();
}

TEST(ThreadPool, DestructionRunsWhatWasSubmitted) {
  std::atomic<int> runs{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 100; ++i) pool.Run([&] { runs.fetch_add(1); });
  }
  EXPECT_EQ(runs.load(), 100);
}

}  // namespace
}  // namespace fpgw::async
