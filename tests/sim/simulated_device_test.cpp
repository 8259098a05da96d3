// The in-process simulators on a real io_context, behind memory pairs, as the demo and the station's
// tests use them: real timers, real pacing, a real unplug and re-plug.
#include <gtest/gtest.h>

#include <functional>

#include "meso/hal/memory_stream.hpp"
#include "meso/protocols/pen_codec.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/sim/simulated_pen.hpp"

namespace meso::sim {
namespace {

namespace mg = protocols::mesogun;
using std::chrono::milliseconds;

// The station's side: a host-role link on the io_context, over whatever stream it is given.
class AsioHost {
 public:
  explicit AsioHost(asio::io_context& io) : timer_(io), link_(hal::LinkRole::host, {}, now()) {}

  void attach(std::unique_ptr<hal::ByteStream> stream) {
    stream_ = std::move(stream);
    stream_->start(
        [this](std::span<const std::uint8_t> bytes) {
          link_.receive(bytes, now());
          pump();
        },
        [this](const std::string& reason) { closed_reasons.push_back(reason); });
    pump();
  }
  void handshake(std::uint32_t nonce) {
    link_.start_handshake(nonce, now());
    pump();
  }
  void send(mg::Message message) {
    link_.send(std::move(message), now());
    pump();
  }
  void stop() {
    timer_.cancel();
    if (stream_) stream_->close();
  }

  std::function<void(const mg::Message&)> on_message;
  std::function<void(const mg::Identity&)> on_identity;
  std::vector<std::string> closed_reasons;

 private:
  static TimePoint now() { return hal::SteadyClock::now(); }
  void pump() {
    while (auto event = link_.next_event()) {
      if (auto* up = std::get_if<hal::link_event::Up>(&*event)) {
        if (on_identity) on_identity(std::get<mg::Identity>(up->hello_or_identity));
      } else if (auto* delivered = std::get_if<hal::link_event::Delivered>(&*event)) {
        if (on_message) on_message(delivered->message);
      }
    }
    const auto bytes = link_.take_output();
    if (stream_ && !bytes.empty()) stream_->write(bytes);
    timer_.expires_at(std::min(link_.next_deadline(), now() + std::chrono::seconds{1}));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      link_.poll(now());
      pump();
    });
  }

  asio::steady_timer timer_;
  hal::MesogunLink link_;
  std::unique_ptr<hal::ByteStream> stream_;
};

// Runs the io_context until `done`, failing the test instead of hanging it.
bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::seconds limit) {
  const TimePoint deadline = hal::SteadyClock::now() + limit;
  while (!done() && hal::SteadyClock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(milliseconds{20});
  }
  return done();
}

TEST(SimulatedMesogunInProcess, HandshakeConfigureArmFireOverAPacedMemoryPair) {
  asio::io_context io;
  auto [station_end, device_end] = hal::make_memory_pair(io);
  std::vector<mg::ShotRecord> truth;
  SimulatedMesogun::Config config;
  config.line.seed = 5;
  config.line.baud = 115200;
  config.shot_sink = [&](const mg::ShotRecord& record, std::uint32_t) { truth.push_back(record); };
  SimulatedMesogun gun(io, std::move(device_end), std::move(config));

  AsioHost host(io);
  std::optional<mg::Shot> shot;
  asio::steady_timer step(io);
  host.on_identity = [&](const mg::Identity& identity) {
    EXPECT_EQ(identity.hello_nonce, 77U);
    host.send(mg::Configure{1500, 20000, mg::FireMode::single, 0});
    step.expires_after(milliseconds{300});
    step.async_wait([&](const boost::system::error_code&) {
      host.send(mg::Arm{150});
      host.send(mg::Fire{4242});
    });
  };
  host.on_message = [&](const mg::Message& message) {
    if (const auto* s = std::get_if<mg::Shot>(&message)) shot = *s;
    if (const auto* e = std::get_if<mg::Error>(&message)) ADD_FAILURE() << "refused: " << int(e->reason);
  };
  host.attach(std::move(station_end));
  host.handshake(77);
  EXPECT_TRUE(run_until(
      io, [&] { return shot.has_value(); }, std::chrono::seconds{5}));
  host.stop();
  gun.stop();

  ASSERT_TRUE(shot);
  EXPECT_EQ(shot->record.command_id, 4242U);
  ASSERT_EQ(truth.size(), 1U);
  EXPECT_EQ(truth[0], shot->record);
  EXPECT_EQ(gun.model().reservoir_nl(), 10'000'000U - shot->record.dose_nl);
}

TEST(SimulatedMesogunInProcess, UnplugClosesTheStationsEndAndReplugServesANewOne) {
  asio::io_context io;
  auto [station_end, device_end] = hal::make_memory_pair(io);
  AsioHost host(io);
  std::unique_ptr<SimulatedMesogun> gun;
  asio::steady_timer replug(io);
  std::vector<std::uint32_t> boot_ids;
  int identities = 0;

  SimulatedMesogun::Config config;
  config.line.baud = 0;
  config.line.scenario =
      parse_scenario(std::string_view(R"({"events": [{"at_ms": 300, "do": "unplug", "for_ms": 200}]})"));
  config.line.on_unplug = [&](milliseconds for_ms) {
    replug.expires_after(for_ms);
    replug.async_wait([&](const boost::system::error_code&) {
      auto [new_station_end, new_device_end] = hal::make_memory_pair(io);
      gun->attach(std::move(new_device_end));
      host.attach(std::move(new_station_end));
      host.handshake(2);
    });
  };
  gun = std::make_unique<SimulatedMesogun>(io, std::move(device_end), std::move(config));
  host.on_identity = [&](const mg::Identity& identity) {
    boot_ids.push_back(identity.boot_id);
    ++identities;
  };
  host.attach(std::move(station_end));
  host.handshake(1);
  EXPECT_TRUE(run_until(
      io, [&] { return identities == 2; }, std::chrono::seconds{5}));
  host.stop();
  gun->stop();

  EXPECT_EQ(identities, 2);
  ASSERT_EQ(host.closed_reasons.size(), 1U);  // the station saw its port go away
  ASSERT_EQ(boot_ids.size(), 2U);
  EXPECT_EQ(boot_ids[0], boot_ids[1]);  // unplugged, not rebooted
}

TEST(SimulatedPenInProcess, AnswersIdentify) {
  asio::io_context io;
  auto [station_end, device_end] = hal::make_memory_pair(io);
  SimulatedPen::Config config;
  config.line.baud = 9600;
  SimulatedPen pen(io, std::move(device_end), std::move(config));
  protocols::pen::SentenceDecoder decoder;
  std::optional<protocols::pen::Identity> identity;
  station_end->start(
      [&](std::span<const std::uint8_t> bytes) {
        decoder.feed(bytes, [&](const protocols::pen::DecodeResult& result) {
          if (const auto* m = std::get_if<protocols::pen::Message>(&result)) {
            if (const auto* id = std::get_if<protocols::pen::Identity>(m)) identity = *id;
          }
        });
      },
      [](const std::string&) {});
  const auto query = protocols::pen::encode(protocols::pen::Identify{});
  station_end->write(std::span(reinterpret_cast<const std::uint8_t*>(query.data()), query.size()));
  EXPECT_TRUE(run_until(
      io, [&] { return identity.has_value(); }, std::chrono::seconds{5}));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->serial_number, "SIM-PEN-000001");
  EXPECT_TRUE(identity->simulated) << "the IDR on the wire says so";
}

}  // namespace
}  // namespace meso::sim
