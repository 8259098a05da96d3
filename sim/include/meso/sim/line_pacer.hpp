// A pseudo-terminal or a socket moves bytes as fast as the kernel can; a serial line moves one byte per 10
// bit times (8N1). The pacer holds outgoing bytes back so they reach the peer when a real line would
// deliver them: 86.8 us per byte at 115200 baud. Baud 0 passes bytes straight through.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "meso/hal/asio.hpp"
#include "meso/hal/mesogun_link.hpp"

namespace meso::sim {

using hal::TimePoint;

// 10 bits per byte: a start bit, 8 data bits, a stop bit.
std::chrono::nanoseconds byte_time(std::uint32_t baud);

// The arithmetic of a line, sans-I/O: bytes handed to the transmitter at a time, and when each one has
// completely arrived at the other end.
class LineSchedule {
 public:
  explicit LineSchedule(std::uint32_t baud);

  void push(std::size_t count, TimePoint now);
  // How many of the oldest bytes have arrived by `now` (each is counted once).
  std::size_t take_arrived(TimePoint now);
  // When the next byte arrives, or when the last byte queued does.
  std::optional<TimePoint> next_arrival() const;
  std::optional<TimePoint> last_arrival() const;
  std::size_t pending() const { return pending_; }
  void clear();

 private:
  struct Run {
    TimePoint start;
    std::size_t count;
    std::size_t arrived;
  };
  std::chrono::nanoseconds byte_time_;
  std::deque<Run> runs_;
  TimePoint line_free_{};
  std::size_t pending_ = 0;
};

class LinePacer {
 public:
  using Sink = std::function<void(std::span<const std::uint8_t>)>;

  // `quantum`: bytes are handed on in batches at most this often, like a USB-serial adapter's frames.
  LinePacer(asio::io_context& io, std::uint32_t baud, Sink sink,
            std::chrono::microseconds quantum = std::chrono::microseconds{1000});
  LinePacer(const LinePacer&) = delete;
  LinePacer& operator=(const LinePacer&) = delete;
  LinePacer(LinePacer&&) = delete;
  LinePacer& operator=(LinePacer&&) = delete;
  ~LinePacer();

  void push(std::span<const std::uint8_t> bytes);
  // Bytes not yet on the wire are lost (the cable was pulled).
  void clear();
  std::size_t pending() const { return bytes_.size(); }
  std::uint32_t baud() const { return baud_; }

 private:
  void release();
  void schedule();

  asio::steady_timer timer_;
  std::uint32_t baud_;
  Sink sink_;
  std::chrono::microseconds quantum_;
  LineSchedule schedule_;
  std::deque<std::uint8_t> bytes_;
  bool waiting_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // a timer handler may outlive the pacer
};

}  // namespace meso::sim
