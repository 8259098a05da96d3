// Pseudo-terminals: how the simulator stands in for a device on a serial port. The simulator keeps the
// master side; the station opens the slave path ("/dev/pts/N") exactly as it would open /dev/ttyUSB0.
//
// A pty ignores the baud rate: bytes cross it as fast as the two programs move them (DOMAIN.md §4), so a
// simulator that wants the timing of a real line paces its own bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/fd_stream.hpp"
#include "meso/hal/unique_fd.hpp"

namespace meso::hal {

struct PtyOptions {
  // Keeps a descriptor of the slave open in this process. A pty master whose slave nobody has open reads
  // as a hang-up (EIO); a simulator that waits for the station to connect, and reconnect, wants this on.
  // The price: the master then no longer sees the station close its side.
  bool hold_slave_open = false;
};

struct PtyPair {
  UniqueFd master;         // raw mode, non-blocking, close-on-exec
  std::string slave_path;  // "/dev/pts/N"
  UniqueFd slave_hold;     // open only with PtyOptions::hold_slave_open
};

// Throws std::system_error when the system has no ptys left or devpts is missing.
PtyPair create_pty(const PtyOptions& options = {});

// True for a pty slave device, or a symlink to one (a simulator's "/tmp/mesogun" link, say).
bool is_pty_path(const std::string& path);

// Puts a terminal in raw mode: no echo, no line editing, no CR/LF translation, no XON/XOFF, 8 data bits.
// The baud rate is set when the system knows it; a pty accepts and ignores it. Throws std::system_error.
void set_raw_mode(int fd, std::uint32_t baud);

// Opens a pty slave directly (libserialport cannot: it asks for modem lines, which a pty refuses), raw and
// non-blocking. Throws std::runtime_error naming the path.
UniqueFd open_pty_fd(const std::string& path, std::uint32_t baud);

// The slave as a byte stream: describe() is "pty /dev/pts/3".
std::unique_ptr<FdStream> open_pty_stream(asio::io_context& io, const std::string& path,
                                          std::uint32_t baud = 115200);

}  // namespace meso::hal
