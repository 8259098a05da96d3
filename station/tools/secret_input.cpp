#include "secret_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <stdexcept>

namespace meso::station {

namespace {

bool on_terminal() {
  return isatty(STDIN_FILENO) == 1;
}

std::string read_line(const std::string& what) {
  std::string line;
  if (!std::getline(std::cin, line))
    throw std::runtime_error("standard input ended before " + what + " was given");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::string read_secret(const std::string& prompt) {
  if (!on_terminal()) return read_line(prompt);
  std::cerr << prompt << ": " << std::flush;
  termios saved{};
  tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  std::cerr << '\n';
  if (!read) throw std::runtime_error("standard input ended before " + prompt + " was given");
  return line;
}

std::string read_new_secret(const std::string& prompt) {
  std::string first = read_secret(prompt);
  if (!on_terminal()) return first;
  if (read_secret(prompt + " (again)") != first)
    throw std::runtime_error("the two passwords differ: nothing was changed, try again");
  return first;
}

}  // namespace meso::station
