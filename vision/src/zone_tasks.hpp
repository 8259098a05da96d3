// Runs one task per zone on a few threads, each zone after the earlier zones it depends on. Internal to
// vision/.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace meso::vision::planning {

// Calls task(z) for every z below `after.size()`, on up to `threads` threads (the caller's among them; 0: one
// per core), each once task(y) has returned for every y in after[z] (all y < z). A task's writes are visible
// to the tasks that come after it. Rethrows the exception of the first task, in zone order, that threw; a
// task whose earlier zone threw still runs. So the result never depends on the number of threads or their
// timing.
void run_zone_tasks(const std::vector<std::vector<std::size_t>>& after, unsigned threads,
                    const std::function<void(std::size_t)>& task);

}  // namespace meso::vision::planning
