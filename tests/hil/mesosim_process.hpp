// A real `mesosim` process for hardware-in-the-loop tests (or another of our programs, given its path):
// started with its arguments, its stdout read line by line (mesosim's pty path comes first), killed and
// reaped when the test ends.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): kill() is POSIX, not in <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace meso::testing {

class MesosimProcess {
 public:
  explicit MesosimProcess(std::vector<std::string> args, const std::string& program = MESOSIM_PATH,
                          bool quiet_stderr = false) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      if (quiet_stderr) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDERR_FILENO);
      }
      args.insert(args.begin(), program);
      std::vector<char*> argv;
      argv.reserve(args.size() + 1);
      for (auto& arg : args)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_fd_ = out[0];
  }
  MesosimProcess(const MesosimProcess&) = delete;
  MesosimProcess& operator=(const MesosimProcess&) = delete;
  ~MesosimProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdout_fd_);
  }

  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{stdout_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char c = 0;
      if (::read(stdout_fd_, &c, 1) != 1) return std::nullopt;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return std::nullopt;
  }

  // SIGKILL, as a crash or a pulled power cord would end it; reaped at once.
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // The exit code once it ends by itself (-1 if not within `timeout` or killed by a signal).
  int wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(5'000);
    }
    return -1;
  }

  // SIGTERM, then the exit code (-1 if it did not exit within 5 s or was killed).
  int terminate() {
    ::kill(pid_, SIGTERM);
    return wait(std::chrono::seconds(5));
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

}  // namespace meso::testing
