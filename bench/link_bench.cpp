// Link benchmarks over a real pseudo-terminal against the in-process simulator, whose output is paced at
// the configured baud (8N1: 10 bits a byte):
//  - round trip of a small command (QUERY_SHOTS for one record, answered by SHOT_RECORDS), p50 and p99,
//    next to the wire time of the paced reply at that baud, the baseline computed in the same run, and the
//    p99 of what the round trip adds beyond the wire time of every byte the device sent meanwhile (a STATUS
//    already on the line delays the reply by its own wire time);
//  - telemetry throughput: back-to-back 12-record SHOT_RECORDS frames (the largest) received per second,
//    as a fraction of the line rate.
// Usage: link_bench [--rounds N]   (prints a Markdown table; docs/performance.md records it)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "meso/hal/fd_stream.hpp"
#include "meso/hal/mesogun_link.hpp"
#include "meso/hal/pty.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "percentile.hpp"

namespace {

using namespace meso;  // NOLINT(google-build-using-namespace): a benchmark's main file
namespace mg = protocols::mesogun;
using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

struct Rig {
  explicit Rig(std::uint32_t baud) : link(hal::LinkRole::host, {}, Clock::now()) {
    hal::PtyPair pty = hal::create_pty(hal::PtyOptions{.hold_slave_open = true});
    slave_hold = std::move(pty.slave_hold);
    auto device_end = std::make_unique<hal::FdStream>(io, std::move(pty.master), "pty master");
    sim::SimulatedMesogun::Config config;
    config.line.baud = baud;
    config.device.capabilities.max_shot_rate_mhz = 1'000'000;  // a fast trigger, to build a history quickly
    gun = std::make_unique<sim::SimulatedMesogun>(io, std::move(device_end), config);
    host = hal::open_pty_stream(io, pty.slave_path, baud == 0 ? 115200 : baud);
    host->start([this](std::span<const std::uint8_t> bytes) { on_bytes(bytes); }, [](const std::string&) {});
    link.start_handshake(99, Clock::now());
    flush();
    run_until([&] { return link.state() == hal::LinkState::up; });
    // A device with a history of 40 shots, so every query has records to return.
    link.send(mg::Configure{1000, 20000, mg::FireMode::single, 0}, Clock::now());
    link.send(mg::Arm{5000}, Clock::now());
    flush();
    run_until([&, t = Clock::now()] { return Clock::now() - t > milliseconds(300); });
    gun->model().pull_trigger(40, Clock::now());
    run_until([&] { return gun->model().persistent().shot_counter >= 40; });
    link.send(mg::Disarm{}, Clock::now());
    flush();
    run_until([&, t = Clock::now()] { return Clock::now() - t > milliseconds(300); });
  }

  void on_bytes(std::span<const std::uint8_t> bytes) {
    received_bytes += bytes.size();
    link.receive(bytes, Clock::now());
    while (auto event = link.next_event()) {
      if (const auto* d = std::get_if<hal::link_event::Delivered>(&*event)) {
        if (const auto* r = std::get_if<mg::ShotRecords>(&d->message)) {
          // Stamped here, as the reply is decoded: the loop below returns to its caller only when its
          // io.run_for() slice ends, and Asio rounds that wait up to a whole millisecond (epoll_wait).
          last_reply_at = Clock::now();
          bytes_at_reply = received_bytes;
          ++replies;
          reply_bytes += mg::encode({0, 0, *r}).size();
        }
      }
    }
    flush();
  }
  void flush() {
    auto bytes = link.take_output();
    if (!bytes.empty()) host->write(bytes);
  }
  template <class Pred>
  void run_until(Pred pred) {
    const auto end = Clock::now() + std::chrono::seconds(10);
    while (!pred() && Clock::now() < end) {
      link.poll(Clock::now());
      flush();
      io.run_for(microseconds(200));
    }
  }

  asio::io_context io;
  hal::UniqueFd slave_hold;
  std::unique_ptr<sim::SimulatedMesogun> gun;
  std::unique_ptr<hal::FdStream> host;
  hal::MesogunLink link;
  std::size_t received_bytes = 0;
  Clock::time_point last_reply_at;
  std::size_t bytes_at_reply = 0;  // every byte the device had sent up to the reply's end
  std::size_t replies = 0;
  std::size_t reply_bytes = 0;
};

double wire_ms(std::size_t bytes, std::uint32_t baud) {
  return baud == 0 ? 0.0 : static_cast<double>(bytes) * 10.0 * 1000.0 / baud;
}

void round_trip(std::uint32_t baud, int rounds) {
  Rig rig(baud);
  const mg::QueryShots query{1, 1};
  std::vector<double> rtts;
  std::vector<double> beyond_line;  // RTT minus the wire time of every byte the device sent meanwhile
  std::size_t request_bytes = 0;
  for (int i = 0; i < rounds; ++i) {
    const std::size_t before = rig.replies;
    const std::size_t bytes_before = rig.received_bytes;
    const auto sent = Clock::now();
    rig.link.send(query, sent);
    request_bytes = mg::encode({1, 1, query}).size();
    rig.flush();
    rig.run_until([&] { return rig.replies > before; });
    const double rtt = std::chrono::duration<double, std::milli>(rig.last_reply_at - sent).count();
    rtts.push_back(rtt);
    // A STATUS or HEARTBEAT already on the line when the query arrives delays the reply by its own wire
    // time: the line is shared, and a frame on the wire cannot be recalled.
    beyond_line.push_back(rtt - wire_ms(rig.bytes_at_reply - bytes_before, baud));
    rig.run_until([&, t = Clock::now()] { return Clock::now() - t > milliseconds(2); });  // let ACKs settle
  }
  const std::size_t reply = rig.reply_bytes / std::max<std::size_t>(rig.replies, 1);
  // Only the device's side is paced (the simulator's pacer); the host's writes cross the pty at once, as
  // they would over a real line only at infinite baud. So the baseline is the reply's wire time.
  const double wire = wire_ms(reply, baud);
  const double p50 = meso::bench::percentile(rtts, 0.5);
  const double p99 = meso::bench::percentile(rtts, 0.99);
  const double beyond_p99 = meso::bench::percentile(beyond_line, 0.99);
  std::printf("| round trip, %s | %zu + %zu | %.3f | %.3f | %.3f | %s | %.3f | %s |\n",
              baud == 0 ? "unpaced" : (std::to_string(baud) + " baud").c_str(), request_bytes, reply, wire,
              p50, p99, baud == 0 ? "n/a" : (std::to_string(p99 - wire).substr(0, 5) + " ms").c_str(),
              beyond_p99, beyond_p99 <= 1.0 ? "yes" : "no");
}

void throughput(std::uint32_t baud) {
  Rig rig(baud);
  const mg::QueryShots query{1, 12};
  const auto start = Clock::now();
  const std::size_t bytes_before = rig.received_bytes;
  const auto duration = milliseconds(2000);
  while (Clock::now() - start < duration) {
    // Keep the device's output queue full: a query in flight for every reply the line can carry.
    if (rig.link.in_flight() + rig.link.queued() < 4) rig.link.send(query, Clock::now());
    rig.flush();
    rig.link.poll(Clock::now());
    rig.io.run_for(microseconds(200));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double bytes_per_s = static_cast<double>(rig.received_bytes - bytes_before) / seconds;
  const double line_rate = baud / 10.0;
  std::printf(
      "| telemetry, %u baud | %.0f bytes/s received | line rate %.0f bytes/s | %.1f %% of line rate | %s |\n",
      baud, bytes_per_s, line_rate, 100.0 * bytes_per_s / line_rate,
      bytes_per_s >= 0.9 * line_rate ? "goal (>= 90 %) met" : "below the 90 % goal");
}

}  // namespace

int main(int argc, char** argv) try {
  int rounds = 200;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::stoi(argv[i + 1]);
  }
  std::printf(
      "| case | request + reply bytes | reply wire time (ms) | p50 (ms) | p99 (ms) | p99 - reply wire | p99 "
      "beyond "
      "the line's bytes (ms) | within 1 ms |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---|\n");
  round_trip(115200, rounds);
  round_trip(1000000, rounds);
  round_trip(0, rounds);
  std::printf("\n| case | measured | baseline | ratio | goal |\n|---|---:|---:|---:|---|\n");
  throughput(115200);
  throughput(1000000);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "link_bench: %s\n", e.what());
  return 1;
}
