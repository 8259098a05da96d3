#include "demo.hpp"

#include <array>
#include <string>

#include "explain.hpp"
#include "meso/protocols/cobs.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/pen_codec.hpp"
#include "tool_io.hpp"

namespace meso::mesoproto {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;

namespace {

mg::Identity demo_identity(std::uint32_t hello_nonce) {
  mg::Identity identity;
  identity.hello_nonce = hello_nonce;
  identity.model = "MG-200";
  identity.serial_number = "MG2-2026-00417";
  identity.firmware_major = 1;
  identity.firmware_minor = 4;
  identity.firmware_patch = 2;
  identity.boot_id = 47;
  identity.shot_counter = 1203;
  identity.depth_min_um = 500;
  identity.depth_max_um = 4000;
  identity.depth_step_um = 100;
  identity.dose_min_nl = 5000;
  identity.dose_max_nl = 100000;
  identity.dose_step_nl = 1000;
  identity.max_shot_rate_mhz = 9000;
  identity.syringe_volume_ul = 5000;
  identity.modes = mg::kModeBitSingle | mg::kModeBitContinuous | mg::kModeBitNappage;
  return identity;
}

mg::Status demo_status() {
  mg::Status status;
  status.device_time_ms = 73530;
  status.state = mg::DeviceState::armed;
  status.shot_counter = 1204;
  status.reservoir_nl = 4180000;
  status.line_pressure_mbar = 1180;
  status.battery_pct = 87;
  status.temperature_dc = 312;
  status.depth_actual_um = 1500;
  return status;
}

// The frame as a receiver sees it after one bit flipped on the line: COBS still frames it, the CRC catches
// it.
void append_with_flipped_bit(const mg::Frame& frame, std::size_t byte, Bytes& stream) {
  auto decoded = mg::serialize(frame);
  decoded.at(byte) ^= 0x01U;
  protocols::cobs_encode(decoded, stream);
  stream.push_back(0x00);
}

// Both directions in time order, as a sniffer on the line would log them. Host frames count seq from 1 for
// reliable frames (docs/protocol.md A.5); the device's SHOT is its first reliable frame.
Bytes mesogun_session() {
  Bytes stream;
  const auto send = [&stream](std::uint16_t seq, std::uint16_t ack, mg::Message message) {
    mg::encode_to(mg::Frame{seq, ack, std::move(message)}, stream);
  };
  constexpr std::uint32_t kNonce = 0x5EED0042;
  send(0, 0, mg::Hello{mg::kProtocolVersion, kNonce});
  send(0, 0, demo_identity(kNonce));
  send(1, 0, mg::Configure{1500, 20000, mg::FireMode::single, 0});
  send(2, 0, mg::Arm{150});
  const mg::Frame fire{3, 0, mg::Fire{42}};
  append_with_flipped_bit(fire, mg::kHeaderSize, stream);  // command_id 42 arrives as 43, CRC says no
  send(0, 2, mg::Nak{mg::NakReason::corrupted_frame});
  // Noise has no delimiter of its own and would spoil the next frame; the host's 0x00 before its
  // retransmission (docs/protocol.md A.1, rule 2) ends the noise instead.
  constexpr std::array<std::uint8_t, 5> kLineNoise{0xE3, 0x1F, 0xFF, 0x80, 0x07};
  stream.insert(stream.end(), kLineNoise.begin(), kLineNoise.end());
  stream.push_back(0x00);
  mg::encode_to(fire, stream);
  send(1, 3, mg::Shot{mg::ShotRecord{1204, 42, 1500, 19950, 73512}});
  send(1, 3, demo_status());
  send(3, 1, mg::Heartbeat{1843250});
  send(4, 1, mg::Disarm{});
  return stream;
}

void append_sentence(const pen::Message& message, std::string& stream) {
  stream += pen::encode(message);
}

std::string pen_exchange() {
  std::string stream = "MSN pen 2.1.0 ready\r\n";  // the pen's boot banner: not a sentence
  append_sentence(pen::Identify{}, stream);
  append_sentence(pen::Identity{"MN-PEN", "2.1.0", "PN-00912", 1, 250, 2500, 250, 50, 150}, stream);
  append_sentence(pen::SetDepth{1500}, stream);
  append_sentence(pen::Ack{pen::Kind::set_depth}, stream);
  append_sentence(pen::Start{150}, stream);
  append_sentence(pen::Ack{pen::Kind::start}, stream);
  append_sentence(pen::StatusQuery{}, stream);
  std::string damaged = pen::encode(pen::Status{pen::PenState::running, 1500, 120, 3480, 87, 312, 142});
  damaged[damaged.find("3480")] ^= 0x01;  // '3' becomes '2': one bit flipped on the line
  stream += damaged;
  append_sentence(pen::StatusQuery{}, stream);
  append_sentence(pen::Status{pen::PenState::running, 1500, 120, 3486, 87, 312, 146}, stream);
  append_sentence(pen::Stop{}, stream);
  append_sentence(pen::Ack{pen::Kind::stop}, stream);
  return stream;
}

}  // namespace

int run_demo(std::ostream& out) {
  out << "mesoproto demo: a mesogun session and a pen exchange, built in memory (nothing is written to "
         "disk)\n"
      << "and explained exactly as `mesoproto explain` explains a capture.\n\n"
      << "=== mesogun: host and device, both directions in time order ===\n"
      << "HELLO and IDENTITY, CONFIGURE, ARM; a FIRE with one bit flipped on the line; the device NAKs;\n"
      << "line noise, ended by the host's 0x00 flush; the FIRE again; SHOT, STATUS, HEARTBEAT, DISARM.\n\n";
  explain_mesogun(mesogun_session(), out);
  const std::string pen_text = pen_exchange();
  out << "\n=== pen: host and pen, both directions in time order ===\n"
      << "The pen's boot banner, IDQ and IDR, DEP, RUN, a status poll answered by an STA with one bit\n"
      << "flipped, the next poll, STP.\n\n";
  explain_pen(Bytes(pen_text.begin(), pen_text.end()), out);
  out << "\nBoth decoders dropped only the damaged bytes and decoded every good frame after them.\n"
      << "Similar sessions, as files for QA: examples/captures/mesogun-session.hex and pen-session.txt:\n"
      << "  mesoproto explain --protocol mesogun --hex-in examples/captures/mesogun-session.hex\n";
  return 0;
}

}  // namespace meso::mesoproto
