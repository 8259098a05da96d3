// Runs the real mesosim binary as QA and the station's tests do: over its pty and its TCP port, with
// signals, a scenario that unplugs it, and the shot log checked against what the host heard.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/hal/mesogun_link.hpp"
#include "meso/hal/pty.hpp"
#include "meso/protocols/mesogun_codec.hpp"

namespace meso::sim {
namespace {

namespace mg = protocols::mesogun;
using std::chrono::milliseconds;

class Mesosim {
 public:
  explicit Mesosim(const std::vector<std::string>& args) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      std::vector<std::string> all{MESOSIM_PATH};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      argv.reserve(all.size() + 1);
      for (auto& arg : all)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(MESOSIM_PATH, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_ = hal::UniqueFd(out[0]);
  }
  Mesosim(const Mesosim&) = delete;
  Mesosim& operator=(const Mesosim&) = delete;
  ~Mesosim() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  std::optional<std::string> read_line(milliseconds timeout) {
    std::string line;
    const auto deadline = hal::SteadyClock::now() + timeout;
    while (hal::SteadyClock::now() < deadline) {
      pollfd p{stdout_.get(), POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char c = 0;
      if (::read(stdout_.get(), &c, 1) != 1) return std::nullopt;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return std::nullopt;
  }

  // Sends the signal and waits for the exit code (-1: killed or still running after 5 s).
  int signal_and_wait(int signal) {
    ::kill(pid_, signal);
    const auto deadline = hal::SteadyClock::now() + std::chrono::seconds{5};
    while (hal::SteadyClock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(10'000);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  hal::UniqueFd stdout_;
};

// The station's side of the link over a raw descriptor, in real time.
class FdHost {
  static hal::TimePoint now() { return hal::SteadyClock::now(); }

 public:
  explicit FdHost(int fd) : fd_(fd), link_(hal::LinkRole::host, {}, now()) {}

  void handshake(std::uint32_t nonce) {
    link_.start_handshake(nonce, now());
    run_for(milliseconds{2000}, [&] { return identity.has_value(); });
  }
  void send(mg::Message message) { link_.send(std::move(message), now()); }

  template <class Done>
  void run_for(milliseconds duration, Done done) {
    const auto end = now() + duration;
    while (now() < end && !done()) {
      flush();
      const auto wait = std::min(link_.next_deadline(), end) - now();
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1,
                               static_cast<int>(std::clamp<long long>(
                                   std::chrono::duration_cast<milliseconds>(wait).count(), 0, 20)));
      if (ready > 0 && (p.revents & POLLIN) != 0) {
        std::uint8_t buffer[512];
        const auto got = ::read(fd_, buffer, sizeof buffer);
        if (got > 0) link_.receive(std::span(buffer, static_cast<std::size_t>(got)), now());
      }
      if (ready > 0 && (p.revents & (POLLHUP | POLLERR)) != 0) hung_up = true;
      if (now() >= link_.next_deadline()) link_.poll(now());
      while (auto event = link_.next_event()) {
        if (auto* up = std::get_if<hal::link_event::Up>(&*event)) {
          identity = std::get<mg::Identity>(up->hello_or_identity);
        } else if (auto* delivered = std::get_if<hal::link_event::Delivered>(&*event)) {
          received.push_back(delivered->message);
        }
      }
      if (hung_up) return;
    }
    flush();
  }
  void run_for(milliseconds duration) {
    run_for(duration, [] { return false; });
  }

  std::optional<mg::Identity> identity;
  std::vector<mg::Message> received;
  bool hung_up = false;

 private:
  void flush() {
    const auto bytes = link_.take_output();
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::write(fd_, bytes.data() + sent, bytes.size() - sent);
      if (n > 0)
        sent += static_cast<std::size_t>(n);
      else if (errno != EAGAIN)
        return;
    }
  }

  int fd_;
  hal::MesogunLink link_;
};

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("mesosim-test-" + std::to_string(::getpid()) + "-" + name);
}

TEST(MesosimProcess, PtyHandshakeThenSigtermExitsCleanly) {
  Mesosim sim({"--device", "mesogun", "--pty", "--baud", "0"});
  const auto path = sim.read_line(std::chrono::seconds{5});
  ASSERT_TRUE(path);
  EXPECT_TRUE(hal::is_pty_path(*path)) << *path;
  hal::UniqueFd fd = hal::open_pty_fd(*path, 115200);

  // HELLO as raw bytes, IDENTITY decoded by hand: nothing of the station's link layer involved.
  auto hello = mg::encode(mg::Frame{0, 0, mg::Hello{1, 0xABCD}});
  hello.insert(hello.begin(), 0x00);
  ASSERT_EQ(::write(fd.get(), hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
  mg::FrameDecoder decoder;
  std::optional<mg::Identity> identity;
  const auto deadline = hal::SteadyClock::now() + std::chrono::seconds{2};
  while (!identity && hal::SteadyClock::now() < deadline) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    std::uint8_t buffer[256];
    const auto got = ::read(fd.get(), buffer, sizeof buffer);
    if (got <= 0) continue;
    decoder.feed(std::span(buffer, static_cast<std::size_t>(got)), [&](const mg::DecodeResult& r) {
      if (const auto* frame = std::get_if<mg::Frame>(&r)) {
        if (const auto* id = std::get_if<mg::Identity>(&frame->message)) identity = *id;
      }
    });
  }
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->hello_nonce, 0xABCDU);
  EXPECT_EQ(sim.signal_and_wait(SIGTERM), 0);
}

TEST(MesosimProcess, AutoTriggerShotsMatchTheShotLog) {
  const auto log = temp_path("shots.jsonl");
  std::filesystem::remove(log);
  Mesosim sim(
      {"--device", "mesogun", "--pty", "--auto-trigger", "10", "--shot-log", log.string(), "--seed", "3"});
  const auto path = sim.read_line(std::chrono::seconds{5});
  ASSERT_TRUE(path);
  hal::UniqueFd fd = hal::open_pty_fd(*path, 115200);
  FdHost host(fd.get());
  host.handshake(9);
  ASSERT_TRUE(host.identity);
  host.send(mg::Configure{1000, 10000, mg::FireMode::single, 0});
  host.run_for(milliseconds{300});
  host.send(mg::Arm{150});
  host.run_for(milliseconds{1000});
  host.send(mg::Disarm{});
  host.run_for(milliseconds{500});  // the last SHOTs, retransmitted if need be
  EXPECT_EQ(sim.signal_and_wait(SIGINT), 0);

  std::map<std::uint32_t, mg::ShotRecord> heard;
  for (const auto& message : host.received) {
    if (const auto* shot = std::get_if<mg::Shot>(&message)) heard[shot->record.shot_counter] = shot->record;
  }
  std::ifstream in(log);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(nlohmann::json::parse(line));
  EXPECT_GE(lines.size(), 7U);  // about 10 pulls/s for a second
  EXPECT_LE(lines.size(), 11U);
  ASSERT_EQ(lines.size(), heard.size());
  for (const auto& line : lines) {
    const auto& shot = heard.at(line.at("shot_counter").get<std::uint32_t>());
    EXPECT_EQ(line.at("command_id").get<std::uint32_t>(), shot.command_id);
    EXPECT_EQ(line.at("dose_nl").get<std::uint32_t>(), shot.dose_nl);
    EXPECT_EQ(line.at("depth_um").get<std::uint16_t>(), 1000);
    EXPECT_EQ(line.at("device_time_ms").get<std::uint32_t>(), shot.device_time_ms);
    EXPECT_EQ(line.at("boot_id").get<std::uint32_t>(), host.identity->boot_id);
    EXPECT_TRUE(line.at("wall_time").is_string());
  }
  std::filesystem::remove(log);
}

TEST(MesosimProcess, ScenarioUnplugHangsUpAndReplugsUnderANewNameBehindTheLink) {
  const auto scenario = temp_path("unplug.json");
  const auto link = temp_path("link");
  std::ofstream(scenario) << R"({"events": [{"at_ms": 500, "do": "unplug", "for_ms": 300}]})";
  Mesosim sim(
      {"--device", "pen", "--pty", "--baud", "0", "--link", link.string(), "--scenario", scenario.string()});
  const auto first = sim.read_line(std::chrono::seconds{5});
  ASSERT_TRUE(first);
  EXPECT_EQ(std::filesystem::read_symlink(link), *first);
  hal::UniqueFd fd = hal::open_pty_fd(link.string(), 115200);

  // The station's open port sees the hang-up.
  bool hung_up = false;
  const auto deadline = hal::SteadyClock::now() + std::chrono::seconds{2};
  while (!hung_up && hal::SteadyClock::now() < deadline) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 20) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0) hung_up = true;
  }
  EXPECT_TRUE(hung_up);

  const auto replugged = sim.read_line(std::chrono::seconds{2});
  ASSERT_TRUE(replugged);
  ASSERT_EQ(replugged->rfind("replugged ", 0), 0U) << *replugged;
  const std::string second = replugged->substr(10);
  EXPECT_EQ(std::filesystem::read_symlink(link), second);
  hal::UniqueFd again = hal::open_pty_fd(link.string(), 115200);
  const std::string query = "$PMSN,IDQ*" + [] {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02X", 'P' ^ 'M' ^ 'S' ^ 'N' ^ ',' ^ 'I' ^ 'D' ^ 'Q');
    return std::string(hex);
  }() + "\r\n";
  ASSERT_EQ(::write(again.get(), query.data(), query.size()), static_cast<ssize_t>(query.size()));
  std::string answer;
  const auto answer_deadline = hal::SteadyClock::now() + std::chrono::seconds{2};
  while (answer.find("\r\n") == std::string::npos && hal::SteadyClock::now() < answer_deadline) {
    pollfd p{again.get(), POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char buffer[128];
    const auto got = ::read(again.get(), buffer, sizeof buffer);
    if (got > 0) answer.append(buffer, static_cast<std::size_t>(got));
  }
  EXPECT_EQ(answer.rfind("$PMSN,IDR,", 0), 0U) << answer;

  EXPECT_EQ(sim.signal_and_wait(SIGTERM), 0);
  EXPECT_FALSE(std::filesystem::is_symlink(link));  // cleaned up on exit
  std::filesystem::remove(scenario);
}

TEST(MesosimProcess, TcpServesOneConnection) {
  Mesosim sim({"--device", "mesogun", "--tcp", "127.0.0.1:0", "--baud", "0"});
  const auto listening = sim.read_line(std::chrono::seconds{5});
  ASSERT_TRUE(listening);
  ASSERT_EQ(listening->rfind("listening 127.0.0.1:", 0), 0U) << *listening;
  const int port = std::stoi(listening->substr(listening->rfind(':') + 1));
  hal::UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  FdHost host(socket.get());
  host.handshake(5);
  ASSERT_TRUE(host.identity);
  EXPECT_EQ(host.identity->hello_nonce, 5U);
  EXPECT_EQ(sim.signal_and_wait(SIGTERM), 0);
}

struct Run {
  int exit_code = -1;
  std::string output;
};

Run mesosim(const std::string& args) {
  FILE* pipe = ::popen((std::string(MESOSIM_PATH) + " " + args + " 2>&1").c_str(), "r");
  Run run;
  char buffer[512];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    run.output.append(buffer, got);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(MesosimProcess, UsageErrorsExitTwoNamingTheProblem) {
  const auto bad_scenario = temp_path("bad.json");
  const auto pen_scenario = temp_path("pen.json");
  std::ofstream(bad_scenario) << R"({"events": [{"at_ms": 5, "do": "explode"}]})";
  std::ofstream(pen_scenario) << R"({"events": [{"at_ms": 5, "do": "occlusion"}]})";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--device mesogun --pty --faults bitflip=2", "--faults: fault \"bitflip\""},
      {"--device mesogun --pty --faults nonsense", "not name=value"},
      {"--device mesogun --pty --scenario " + bad_scenario.string(), "unknown action \"explode\""},
      {"--device pen --pty --scenario " + pen_scenario.string(), "\"occlusion\" does not apply to the pen"},
      {"--device mesogun", "one of --pty or --tcp"},
      {"--device toaster --pty", "--device"},
      {"--device mesogun --pty --tcp 127.0.0.1:5000", "excludes"},
      {"--device mesogun --tcp localhost", "not HOST:PORT"},
      {"--device pen --pty --auto-trigger 2", "for --device mesogun"},
  };
  for (const auto& [args, message] : cases) {
    const auto run = mesosim(args);
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.output;
    EXPECT_NE(run.output.find(message), std::string::npos) << args << "\n" << run.output;
  }
  EXPECT_EQ(mesosim("--help").exit_code, 0);
  std::filesystem::remove(bad_scenario);
  std::filesystem::remove(pen_scenario);
}

}  // namespace
}  // namespace meso::sim
