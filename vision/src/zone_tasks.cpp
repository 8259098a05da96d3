#include "zone_tasks.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace meso::vision::planning {

void run_zone_tasks(const std::vector<std::vector<std::size_t>>& after, unsigned threads,
                    const std::function<void(std::size_t)>& task) {
  enum class State { waiting, running, done };
  const std::size_t count = after.size();
  std::vector<State> state(count, State::waiting);
  std::vector<std::exception_ptr> failure(count);
  std::mutex mutex;
  std::condition_variable changed;
  const auto ready = [&](std::size_t z) {
    return state[z] == State::waiting && std::all_of(after[z].begin(), after[z].end(),
                                                     [&](std::size_t y) { return state[y] == State::done; });
  };
  const auto work = [&] {
    std::unique_lock lock(mutex);
    for (;;) {
      std::size_t next = count;
      changed.wait(lock, [&] {
        next = count;
        for (std::size_t z = 0; z < count && next == count; ++z)
          if (ready(z)) next = z;
        return next < count ||
               std::none_of(state.begin(), state.end(), [](State s) { return s == State::waiting; });
      });
      if (next == count) return;  // nothing left to start
      state[next] = State::running;
      lock.unlock();
      std::exception_ptr error;
      try {
        task(next);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      failure[next] = error;
      state[next] = State::done;
      changed.notify_all();
    }
  };
  const unsigned wanted = threads > 0 ? threads : std::max(std::thread::hardware_concurrency(), 1U);
  const std::size_t helpers = std::min<std::size_t>(wanted, count) - (count > 0 ? 1 : 0);
  std::vector<std::jthread> pool;
  for (std::size_t k = 0; k < helpers; ++k)
    pool.emplace_back(work);
  work();
  pool.clear();  // joins
  for (const std::exception_ptr& e : failure)
    if (e) std::rethrow_exception(e);
}

}  // namespace meso::vision::planning
