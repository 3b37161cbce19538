#include "threadPool.h"

#include <algorithm>
#include <memory>

namespace layerlens {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::drain(Job& job) {
  for (int i = job.next.fetch_add(1); i < job.count; i = job.next.fetch_add(1)) (*job.task)(i);
}

void ThreadPool::parallelFor(int count, const std::function<void(int)>& task) {
  if (count <= 0) return;
  if (workers_.empty() || count == 1) {
    for (int i = 0; i < count; i++) task(i);
    return;
  }
  Job job{&task, count};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = &job;
    generation_++;
  }
  wake_.notify_all();
  drain(job);
  // Every task has been taken; wait for the workers still running one. Workers that wake later find no job.
  std::unique_lock<std::mutex> lock(mutex_);
  current_ = nullptr;
  done_.wait(lock, [&job] { return job.attached == 0; });
}

void ThreadPool::workerLoop() {
  unsigned seen = 0;
  for (;;) {
    Job* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || (current_ != nullptr && generation_ != seen); });
      if (stopping_) return;
      seen = generation_;
      job = current_;
      job->attached++;
    }
    drain(*job);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--job->attached == 0) done_.notify_all();
    }
  }
}

namespace {
std::unique_ptr<ThreadPool> gShared;
}  // namespace

ThreadPool& sharedPool() {
  if (!gShared) gShared = std::make_unique<ThreadPool>(std::max(1, std::min(2, static_cast<int>(std::thread::hardware_concurrency()))));
  return *gShared;
}

void setSharedPoolThreads(int threads) { gShared = std::make_unique<ThreadPool>(std::max(1, std::min(64, threads))); }

}  // namespace layerlens
