#include "meso/hal/fd_stream.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <deque>
#include <system_error>
#include <utility>
#include <vector>

namespace meso::hal {

namespace {

constexpr std::size_t kReadChunk = 4096;
// Bounds one turn of reading so that a device that never stops talking cannot starve the timers and the
// other devices on the same thread.
constexpr int kReadsPerTurn = 16;
// Small writes queued behind a blocked one are merged, up to this size, so a slow port costs one syscall
// per chunk rather than one per frame.
constexpr std::size_t kCoalesceLimit = std::size_t{64} * 1024;

constexpr int kNoError = 0;

std::string reason_for(int err) {
  switch (err) {
    case EIO:  // a pty whose other side closed; a USB adapter pulled out
    case ENXIO:
    case ENODEV:
    case EPIPE:
      return "hang-up";
    case ECONNRESET:
      return "hang-up: connection reset";
    default:
      return "I/O error: " + std::system_category().message(err);
  }
}

bool is_socket(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 && S_ISSOCK(info.st_mode);
}

}  // namespace

struct FdStream::State {
  State(asio::io_context& io, int fd, std::string description_in, bool is_socket_fd)
      : descriptor(io, fd), description(std::move(description_in)), socket_fd(is_socket_fd) {}

  asio::posix::stream_descriptor descriptor;
  std::string description;
  bool socket_fd;
  bool open = true;
  bool started = false;
  bool write_waiting = false;
  bool write_failed = false;
  std::string end_reason;  // set when the stream ended by itself, for a start() that comes later
  BytesHandler on_bytes;
  ClosedHandler on_closed;
  std::deque<std::vector<std::uint8_t>> queue;
  std::size_t front_written = 0;
  std::size_t queued = 0;
  std::array<std::uint8_t, kReadChunk> buffer{};
};

namespace {

using State = FdStream::State;
using StatePtr = std::shared_ptr<State>;

void release(State& s) {
  s.open = false;
  s.on_bytes = nullptr;
  s.on_closed = nullptr;
  s.queue.clear();
  s.front_written = 0;
  s.queued = 0;
  boost::system::error_code ignored;
  s.descriptor.close(ignored);  // completes the pending waits with operation_aborted
}

void finish(const StatePtr& s, const std::string& reason) {
  if (!s->open) return;
  ByteStream::ClosedHandler handler = std::move(s->on_closed);
  s->end_reason = reason;
  release(*s);
  if (handler) handler(reason);
}

// The handler is moved out while it runs, so that it may close or destroy the stream (which resets the
// stored one) without destroying the function that is executing.
void deliver(const StatePtr& s, std::size_t size) {
  if (!s->on_bytes) return;
  ByteStream::BytesHandler handler = std::move(s->on_bytes);
  handler(std::span<const std::uint8_t>(s->buffer.data(), size));
  if (s->open && !s->on_bytes) s->on_bytes = std::move(handler);
}

void read_ready(const StatePtr& s);

void wait_readable(const StatePtr& s) {
  s->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                           [s](const boost::system::error_code& ec) {
                             if (!s->open) return;
                             if (ec) return finish(s, "I/O error: " + ec.message());
                             read_ready(s);
                           });
}

// The reactor is edge-triggered: a wait is armed only after read() said EAGAIN, otherwise bytes already
// buffered would sit there until the device sent more.
void read_ready(const StatePtr& s) {
  for (int turn = 0; turn < kReadsPerTurn; ++turn) {
    if (!s->open) return;
    const ssize_t n = ::read(s->descriptor.native_handle(), s->buffer.data(), s->buffer.size());
    if (n > 0) {
      deliver(s, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return finish(s, "hang-up");
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) return wait_readable(s);
    return finish(s, reason_for(err));
  }
  asio::post(s->descriptor.get_executor(), [s] {
    if (s->open) read_ready(s);
  });
}

// Returns the bytes the kernel took, or -1 with errno set.
ssize_t write_some(State& s, const std::uint8_t* data, std::size_t size) {
  const int fd = s.descriptor.native_handle();
  // A socket whose peer vanished would raise SIGPIPE on write() and kill the station.
  return s.socket_fd ? ::send(fd, data, size, MSG_NOSIGNAL) : ::write(fd, data, size);
}

// Called from write() (in_caller) or from a completed wait. A failure seen inside write() is reported
// later, from the io_context, so the caller's on_closed never runs inside its own write() call.
void fail_write(const StatePtr& s, int err, bool in_caller) {
  s->write_failed = true;
  s->queue.clear();
  s->front_written = 0;
  s->queued = 0;
  if (!in_caller) return finish(s, reason_for(err));
  asio::post(s->descriptor.get_executor(), [s, reason = reason_for(err)] { finish(s, reason); });
}

void flush(const StatePtr& s, bool in_caller);

void wait_writable(const StatePtr& s) {
  s->write_waiting = true;
  s->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                           [s](const boost::system::error_code& ec) {
                             s->write_waiting = false;
                             if (!s->open) return;
                             if (ec) return finish(s, "I/O error: " + ec.message());
                             flush(s, false);
                           });
}

// Writes from the queue until it is empty, the kernel's buffer is full (then waits) or the descriptor fails.
void flush(const StatePtr& s, bool in_caller) {
  while (!s->queue.empty()) {
    const auto& front = s->queue.front();
    const ssize_t n = write_some(*s, front.data() + s->front_written, front.size() - s->front_written);
    const int err = n < 0 ? errno : kNoError;
    if (n > 0) {
      const auto written = static_cast<std::size_t>(n);
      s->front_written += written;
      s->queued -= written;
      if (s->front_written == front.size()) {
        s->queue.pop_front();
        s->front_written = 0;
      }
      continue;
    }
    if (err == EINTR) continue;
    if (n == 0 || err == EAGAIN || err == EWOULDBLOCK) return wait_writable(s);
    return fail_write(s, err, in_caller);
  }
}

}  // namespace

FdStream::FdStream(asio::io_context& io, UniqueFd fd, std::string description) {
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) < 0) {
    throw std::system_error(errno, std::system_category(), description + ": cannot make it non-blocking");
  }
  const bool socket_fd = is_socket(fd.get());
  state_ = std::make_shared<State>(io, fd.get(), std::move(description), socket_fd);
  fd.release();  // the descriptor object owns it now
}

FdStream::~FdStream() {
  FdStream::close();  // this class's close, on purpose: a derived class is already gone
}

void FdStream::start(BytesHandler on_bytes, ClosedHandler on_closed) {
  auto& s = *state_;
  if (s.started) return;
  s.started = true;
  if (!s.open) {
    // Ended before anyone listened (a failed write): the owner still learns it, once.
    if (!s.end_reason.empty() && on_closed) {
      asio::post(s.descriptor.get_executor(),
                 [handler = std::move(on_closed), reason = s.end_reason] { handler(reason); });
    }
    return;
  }
  s.on_bytes = std::move(on_bytes);
  s.on_closed = std::move(on_closed);
  // Posted, not run here: bytes already buffered are delivered from the io_context, never inside start().
  asio::post(s.descriptor.get_executor(), [s = state_] {
    if (s->open) read_ready(s);
  });
}

void FdStream::write(std::span<const std::uint8_t> bytes) {
  auto& s = *state_;
  if (!s.open || s.write_failed || bytes.empty()) return;
  if (s.queue.empty() && !s.write_waiting) {
    // The common case: nothing queued, so the bytes go straight to the kernel and only a remainder is copied.
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = write_some(s, bytes.data() + done, bytes.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      const int err = n < 0 ? errno : kNoError;
      if (err == EINTR) continue;
      if (n == 0 || err == EAGAIN || err == EWOULDBLOCK) break;
      return fail_write(state_, err, true);
    }
    if (done == bytes.size()) return;
    s.queue.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(done), bytes.end());
    s.queued += bytes.size() - done;
    return wait_writable(state_);
  }
  // The front buffer may be partly written; merging goes into the back one only when that is another.
  if (s.queue.size() >= 2 && s.queue.back().size() + bytes.size() <= kCoalesceLimit) {
    s.queue.back().insert(s.queue.back().end(), bytes.begin(), bytes.end());
  } else {
    s.queue.emplace_back(bytes.begin(), bytes.end());
  }
  s.queued += bytes.size();
  if (!s.write_waiting) flush(state_, true);
}

void FdStream::close() {
  if (state_->open) release(*state_);
}

bool FdStream::is_open() const {
  return state_->open;
}

std::string FdStream::describe() const {
  return state_->description;
}

std::size_t FdStream::queued_bytes() const {
  return state_->queued;
}

int FdStream::native_handle() const {
  return state_->open ? state_->descriptor.native_handle() : -1;
}

}  // namespace meso::hal
