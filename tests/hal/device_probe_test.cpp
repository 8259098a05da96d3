// The probe, against devices played by the test on the far end of a memory pair: which protocol answered,
// one protocol at a time (the mesogun sees nothing but HELLO when it answers, A.6), and a random HELLO
// nonce at every probe.
#include "meso/hal/device_probe.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/mesogun_link.hpp"
#include "meso/protocols/pen_codec.hpp"

namespace meso::hal {
namespace {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;
using std::chrono::milliseconds;

enum class Plays : std::uint8_t { mesogun, pen, nothing };

struct ProbeRun {
  std::optional<ProbeResult> result;
  std::vector<std::uint8_t> heard;  // every byte the device's end received
  std::vector<std::uint32_t> nonces;
  // When the first pen IDQ sentence arrived, decoded as a sentence: a bare '$' byte is no sign of one, since
  // a HELLO frame's random nonce and CRC hold 0x24 about once in 30 probes.
  std::optional<TimePoint> first_idq;
  TimePoint started;
};

ProbeRun probe_against(Plays plays) {
  asio::io_context io;
  auto [station_end, device_end] = make_memory_pair(io);
  ProbeRun run;
  run.started = SteadyClock::now();
  MesogunLink device_link(LinkRole::device, LinkTiming{}, run.started);
  mg::FrameDecoder frames;
  pen::SentenceDecoder sentences;
  pen::SentenceDecoder idq_watch;  // every play: did a pen IDQ arrive
  auto* device = device_end.get();
  device_end->start(
      [&](std::span<const std::uint8_t> bytes) {
        run.heard.insert(run.heard.end(), bytes.begin(), bytes.end());
        idq_watch.feed(bytes, [&](const pen::DecodeResult& r) {
          const auto* m = std::get_if<pen::Message>(&r);
          if (m != nullptr && std::holds_alternative<pen::Identify>(*m) && !run.first_idq)
            run.first_idq = SteadyClock::now();
        });
        frames.feed(bytes, [&](const mg::DecodeResult& r) {
          if (const auto* f = std::get_if<mg::Frame>(&r))
            if (const auto* hello = std::get_if<mg::Hello>(&f->message))
              run.nonces.push_back(hello->hello_nonce);
        });
        if (plays == Plays::mesogun) {
          device_link.receive(bytes, SteadyClock::now());
          while (auto e = device_link.next_event()) {
            if (const auto* up = std::get_if<link_event::Up>(&*e)) {
              mg::Identity id;
              id.hello_nonce = std::get<mg::Hello>(up->hello_or_identity).hello_nonce;
              id.protocol_version = 1;
              id.model = "MesoGun TEST";
              device_link.send(id, SteadyClock::now());
            }
          }
          const auto out = device_link.take_output();
          if (!out.empty()) device->write(out);
        } else if (plays == Plays::pen) {
          sentences.feed(bytes, [&](const pen::DecodeResult& r) {
            const auto* m = std::get_if<pen::Message>(&r);
            if (m == nullptr || !std::holds_alternative<pen::Identify>(*m)) return;
            pen::Identity id;
            id.model = "Pen TEST";
            id.protocol_version = 1;
            const std::string idr = pen::encode(id);
            device->write(std::span(reinterpret_cast<const std::uint8_t*>(idr.data()), idr.size()));
          });
        }
      },
      [](const std::string&) {});
  DeviceProbe probe(io, *station_end, milliseconds(1000), [&](const ProbeResult& r) {
    run.result = r;
    io.stop();
  });
  io.run_for(std::chrono::seconds(3));
  return run;
}

TEST(DeviceProbe, AMesogunHearsNothingButHelloAndIsNamed) {
  const auto run = probe_against(Plays::mesogun);
  ASSERT_TRUE(run.result);
  ASSERT_TRUE(run.result->identity) << run.result->error;
  EXPECT_EQ(run.result->identity->kind, DeviceKind::mesogun);
  ASSERT_EQ(run.result->attempts.size(), 1U);
  EXPECT_EQ(run.result->attempts[0].protocol, DeviceKind::mesogun);
  EXPECT_TRUE(run.result->attempts[0].answered);
  EXPECT_EQ(run.result->attempts[0].note, "IDENTITY");
  EXPECT_FALSE(run.first_idq) << "a pen IDQ reached a mesogun that was answering";
  // Nothing but one leading 0x00 and HELLO frames.
  mg::FrameDecoder decoder;
  std::size_t frames = 0;
  decoder.feed(run.heard, [&](const mg::DecodeResult& r) {
    const auto* f = std::get_if<mg::Frame>(&r);
    ASSERT_NE(f, nullptr) << "bytes that are not a frame";
    EXPECT_TRUE(std::holds_alternative<mg::Hello>(f->message));
    ++frames;
  });
  EXPECT_GE(frames, 1U);
}

TEST(DeviceProbe, APenIsAskedOnlyAfterTheMesogunsTurnAndIsNamed) {
  const auto run = probe_against(Plays::pen);
  ASSERT_TRUE(run.result);
  ASSERT_TRUE(run.result->identity) << run.result->error;
  EXPECT_EQ(run.result->identity->kind, DeviceKind::pen);
  ASSERT_EQ(run.result->attempts.size(), 2U);
  EXPECT_EQ(run.result->attempts[0].protocol, DeviceKind::mesogun);
  EXPECT_FALSE(run.result->attempts[0].answered);
  EXPECT_EQ(run.result->attempts[1].protocol, DeviceKind::pen);
  EXPECT_TRUE(run.result->attempts[1].answered);
  ASSERT_TRUE(run.first_idq);
  EXPECT_GE(*run.first_idq - run.started, milliseconds(490)) << "IDQ before the mesogun's half was over";
}

TEST(DeviceProbe, NothingAnsweringNamesBothAttempts) {
  const auto run = probe_against(Plays::nothing);
  ASSERT_TRUE(run.result);
  EXPECT_FALSE(run.result->identity);
  ASSERT_EQ(run.result->attempts.size(), 2U);
  EXPECT_FALSE(run.result->attempts[0].answered);
  EXPECT_FALSE(run.result->attempts[1].answered);
  EXPECT_NE(run.result->error.find("nothing answered"), std::string::npos) << run.result->error;
}

TEST(DeviceProbe, EachProbeChoosesARandomNonce) {
  std::vector<std::uint32_t> firsts;
  for (int i = 0; i < 3; ++i) {
    const auto run = probe_against(Plays::mesogun);
    ASSERT_FALSE(run.nonces.empty());
    for (const auto n : run.nonces)
      EXPECT_EQ(n, run.nonces.front()) << "the repeats of one HELLO keep its nonce";
    firsts.push_back(run.nonces.front());
  }
  EXPECT_NE(firsts[0], 0x50524F42U) << "the fixed nonce of old";
  EXPECT_FALSE(firsts[0] == firsts[1] && firsts[1] == firsts[2]) << "the same nonce at every probe";
}

}  // namespace
}  // namespace meso::hal
