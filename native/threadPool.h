// A fixed pool of worker threads that run one parallel loop at a time; the calling thread takes part.
// Why not std::async per call: GoogLeNet's actmax step makes ~80 conv calls, and starting threads for
// each costs more than the smaller convs themselves.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace layerlens {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  /** Runs task(i) for i in [0, count), spread over the pool; returns when all are done. */
  void parallelFor(int count, const std::function<void(int)>& task);

 private:
  // One parallelFor call, on its caller's stack. Workers attach to it while it is current and detach when
  // its tasks run out; the caller waits only for those attached, never for a worker that has not woken yet
  // (on a loaded machine a wake-up can take a whole scheduler slice, longer than the loop itself).
  struct Job {
    const std::function<void(int)>* task;
    int count;
    std::atomic<int> next{0};
    int attached = 0;  // guarded by mutex_
  };

  void workerLoop();
  static void drain(Job& job);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  Job* current_ = nullptr;
  unsigned generation_ = 0;
  bool stopping_ = false;
};

/** The pool every kernel runs on, made on first use with up to 2 threads. */
ThreadPool& sharedPool();
/** Replaces the shared pool with one of `threads` threads (the calling thread counts as one). */
void setSharedPoolThreads(int threads);

}  // namespace layerlens
