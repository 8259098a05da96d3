// The drivers carry the identity's simulated flag into hal::DeviceIdentity, from bytes a device of either
// kind could send: a simulator's, a real device's, and a pen's that predates the flag (docs/protocol.md A.4,
// B.3). The station's trust in a device (Station::arm_blockers) starts from this field.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/pen_driver.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/pen_codec.hpp"

namespace meso::testing {
namespace {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;
using std::chrono::milliseconds;

// A port whose far end is a script: `answer` gets the host's bytes and may write back.
struct ScriptedPort {
  asio::io_context io;
  std::unique_ptr<hal::ByteStream> device_end;
  std::function<void(std::span<const std::uint8_t>)> answer;

  hal::StreamOpener opener() {
    return [this](const hal::StreamReady& ready) {
      auto [station_end, device] = hal::make_memory_pair(io);
      device_end = std::move(device);
      device_end->start([this](std::span<const std::uint8_t> bytes) { answer(bytes); },
                        [](const std::string&) {});
      ready(std::move(station_end), "");
    };
  }
  void write(std::span<const std::uint8_t> bytes) const { device_end->write(bytes); }
  template <class Pred>
  bool run_until(Pred pred) {
    const auto end = std::chrono::steady_clock::now() + milliseconds(3000);
    while (!pred() && std::chrono::steady_clock::now() < end) {
      io.restart();
      io.run_for(milliseconds(5));
    }
    return pred();
  }
};

mg::Identity gun_identity(std::uint32_t nonce, bool simulated) {
  mg::Identity id;
  id.hello_nonce = nonce;
  id.model = "MG-200";
  id.serial_number = "MG2-2026-00417";
  id.depth_min_um = 500;
  id.depth_max_um = 4000;
  id.depth_step_um = 100;
  id.dose_min_nl = 1000;
  id.dose_max_nl = 100000;
  id.dose_step_nl = 500;
  id.max_shot_rate_mhz = 9000;
  id.syringe_volume_ul = 5000;
  id.modes = mg::kModeBitSingle;
  id.simulated = simulated;
  return id;
}

std::optional<hal::DeviceIdentity> mesogun_identity_for(bool simulated) {
  ScriptedPort port;
  mg::FrameDecoder decoder;
  port.answer = [&](std::span<const std::uint8_t> bytes) {
    decoder.feed(bytes, [&](const mg::DecodeResult& result) {
      const auto* frame = std::get_if<mg::Frame>(&result);
      if (frame == nullptr) return;
      if (const auto* hello = std::get_if<mg::Hello>(&frame->message)) {
        port.write(mg::encode(mg::Frame{0, 0, gun_identity(hello->hello_nonce, simulated)}));
      }
    });
  };
  hal::MesogunDriver driver(port.io, port.opener(), {});
  driver.set_event_handler([](const hal::DeviceEvent&) {});
  driver.configure();
  port.run_until([&] { return driver.identity().has_value(); });
  auto identity = driver.identity();
  driver.cleanup();
  return identity;
}

TEST(DriverIdentity, TheMesogunDriverReadsBit7AsSimulated) {
  const auto real = mesogun_identity_for(false);
  ASSERT_TRUE(real) << "no identity from the scripted mesogun";
  EXPECT_FALSE(real->simulated);
  EXPECT_EQ(real->serial_number, "MG2-2026-00417");
  EXPECT_EQ(real->capabilities.modes, mg::kModeBitSingle);
  const auto sim = mesogun_identity_for(true);
  ASSERT_TRUE(sim);
  EXPECT_TRUE(sim->simulated);
  EXPECT_EQ(sim->capabilities.modes, mg::kModeBitSingle) << "bit 7 is not a mode";
}

std::optional<hal::DeviceIdentity> pen_identity_for(const std::string& idr_body) {
  ScriptedPort port;
  pen::SentenceDecoder decoder;
  const std::string idr = "$" + idr_body + "*" + [&] {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    const auto sum = pen::nmea_checksum(idr_body);
    return std::string{kHex[sum >> 4U], kHex[sum & 0x0FU]};
  }() + "\r\n";
  port.answer = [&](std::span<const std::uint8_t> bytes) {
    decoder.feed(bytes, [&](const pen::DecodeResult& result) {
      const auto* message = std::get_if<pen::Message>(&result);
      if (message == nullptr) return;
      if (std::holds_alternative<pen::Identify>(*message)) {
        port.write(std::span(reinterpret_cast<const std::uint8_t*>(idr.data()), idr.size()));
      } else if (std::holds_alternative<pen::StatusQuery>(*message)) {
        const auto sta = pen::encode(pen::Status{pen::PenState::idle, 250, 50, 0, 90, 250, 0});
        port.write(std::span(reinterpret_cast<const std::uint8_t*>(sta.data()), sta.size()));
      } else if (std::holds_alternative<pen::Stop>(*message)) {
        const auto ack = pen::encode(pen::Ack{pen::Kind::stop});
        port.write(std::span(reinterpret_cast<const std::uint8_t*>(ack.data()), ack.size()));
      }
    });
  };
  hal::PenDriver driver(port.io, port.opener(), {});
  driver.set_event_handler([](const hal::DeviceEvent&) {});
  driver.configure();
  port.run_until([&] { return driver.identity().has_value(); });
  auto identity = driver.identity();
  driver.cleanup();
  return identity;
}

TEST(DriverIdentity, ThePenDriverReadsTheSimulatedField) {
  const auto real = pen_identity_for("PMSN,IDR,DermaPen X4,1.8.2,DPX4-23-00917,1,250,2500,250,50,150,0");
  ASSERT_TRUE(real) << "no identity from the scripted pen";
  EXPECT_FALSE(real->simulated);
  EXPECT_EQ(real->serial_number, "DPX4-23-00917");
  const auto sim = pen_identity_for("PMSN,IDR,DermaPen X4,1.8.2,DPX4-23-00917,1,250,2500,250,50,150,1");
  ASSERT_TRUE(sim);
  EXPECT_TRUE(sim->simulated);
}

TEST(DriverIdentity, APenOlderThanTheFieldIsIdentifiedAsNotSimulated) {
  const auto old = pen_identity_for("PMSN,IDR,DermaPen X4,1.8.2,DPX4-23-00917,1,250,2500,250,50,150");
  ASSERT_TRUE(old) << "a nine-field IDR was not accepted";
  EXPECT_FALSE(old->simulated);
  EXPECT_EQ(old->serial_number, "DPX4-23-00917");
}

}  // namespace
}  // namespace meso::testing
