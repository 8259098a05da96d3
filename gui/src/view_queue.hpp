// The console's view queue: updates for the render thread's view, queued from any thread (the layer's
// replies), run there once per frame.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "meso/gui/console_view.hpp"

namespace meso::gui {

// Updates for the render thread's view, queued from any thread, run there once per frame (swap the queue
// out under the lock, run it unlocked).
class ViewQueue {
 public:
  using Update = std::function<void(ConsoleView&)>;
  void push(Update update);
  bool drain(ConsoleView& view);

 private:
  std::mutex mutex_;
  std::vector<Update> updates_;
};

}  // namespace meso::gui
