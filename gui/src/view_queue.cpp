#include "view_queue.hpp"

namespace meso::gui {

void ViewQueue::push(Update update) {
  const std::lock_guard lock(mutex_);
  updates_.push_back(std::move(update));
}

bool ViewQueue::drain(ConsoleView& view) {
  std::vector<Update> updates;
  {
    const std::lock_guard lock(mutex_);
    updates.swap(updates_);
  }
  for (auto& u : updates)
    u(view);
  return !updates.empty();
}

}  // namespace meso::gui
