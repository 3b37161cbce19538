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
  void workerLoop();
  void drain();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)>* task_ = nullptr;
  int count_ = 0;
  std::atomic<int> next_{0};
  int busy_ = 0;
  unsigned generation_ = 0;
  bool stopping_ = false;
};

/** The pool every kernel runs on, made on first use with up to 2 threads. */
ThreadPool& sharedPool();
/** Replaces the shared pool with one of `threads` threads (the calling thread counts as one). */
void setSharedPoolThreads(int threads);

}  // namespace layerlens
