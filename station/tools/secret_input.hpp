// Passwords on the command line's terminal: typed without echo (twice for a new one), or, for a script,
// one per line on standard input.
#pragma once

#include <string>

namespace meso::station {

// `prompt` on stderr, then a line read without echo from a terminal, or a plain line from a pipe. Throws
// std::runtime_error when standard input has ended.
std::string read_secret(const std::string& prompt);
// A new password: twice on a terminal (they must match), once from a pipe.
std::string read_new_secret(const std::string& prompt);

}  // namespace meso::station
