// Line faults: parsed strictly, reproducible from the seed, and each one does what it says.
#include "meso/sim/fault_injector.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "meso/protocols/mesogun_codec.hpp"

namespace meso::sim {
namespace {

namespace mg = protocols::mesogun;
using std::chrono::milliseconds;

constexpr TimePoint kStart{std::chrono::hours{1}};

// 200 STATUS frames, as a device would send them.
std::vector<std::uint8_t> frames(std::size_t count = 200) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < count; ++i) {
    mg::Status status;
    status.device_time_ms = static_cast<std::uint32_t>(i * 100);
    status.reservoir_nl = 1'000'000;
    mg::encode_to(mg::Frame{3, 4, status}, out);
  }
  return out;
}

std::size_t count_zeros(const std::vector<std::uint8_t>& bytes) {
  return static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), std::uint8_t{0}));
}

std::vector<std::uint8_t> run(const std::string& spec, std::uint32_t seed, std::size_t chunk = 7) {
  FaultInjector injector(parse_fault_spec(spec), seed, 0x00);
  const auto input = frames();
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    const auto end = std::min(input.size(), at + chunk);
    injector.push(std::span(input).subspan(at, end - at), kStart);
  }
  return injector.take_due(kStart + std::chrono::hours{1});
}

std::size_t good_frames(const std::vector<std::uint8_t>& bytes) {
  mg::FrameDecoder decoder;
  std::size_t good = 0;
  decoder.feed(std::span(bytes),
               [&](const mg::DecodeResult& r) { good += std::holds_alternative<mg::Frame>(r); });
  return good;
}

TEST(FaultSpec, ParsesEveryFault) {
  const auto spec =
      parse_fault_spec("bitflip=0.001, drop=0.002,garbage=0.1,truncate=0.2,dup=0.02,delay=5:3,dir=both");
  EXPECT_DOUBLE_EQ(spec.bitflip, 0.001);
  EXPECT_DOUBLE_EQ(spec.drop, 0.002);
  EXPECT_DOUBLE_EQ(spec.garbage, 0.1);
  EXPECT_DOUBLE_EQ(spec.truncate, 0.2);
  EXPECT_DOUBLE_EQ(spec.dup, 0.02);
  EXPECT_EQ(spec.delay_mean, milliseconds{5});
  EXPECT_EQ(spec.delay_jitter, milliseconds{3});
  EXPECT_EQ(spec.direction, FaultDirection::both);
  EXPECT_EQ(parse_fault_spec(to_string(spec)), spec);
  EXPECT_EQ(parse_fault_spec("delay=7").delay_jitter, milliseconds{0});
  EXPECT_FALSE(parse_fault_spec("").any());
}

TEST(FaultSpec, RefusesBadSpecsNamingTheItem) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"bitflop=0.1", "unknown fault \"bitflop\""},
      {"bitflip=1.5", "\"1.5\" is not a probability"},
      {"drop=-0.1", "not a probability"},
      {"drop=abc", "not a probability"},
      {"delay=5:x", "whole number of milliseconds"},
      {"delay=-3", "whole number of milliseconds"},
      {"dup", "not name=value"},
      {"dup=0.1,,drop=0.1", "not name=value"},
      {"dup=0.1,dup=0.2", "given twice"},
      {"dir=sideways", "not one of out, in, both"},
  };
  for (const auto& [spec, message] : cases) {
    try {
      parse_fault_spec(spec);
      ADD_FAILURE() << spec << " was accepted";
    } catch (const FaultSpecError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << spec << ": " << e.what();
    }
  }
}

TEST(FaultInjector, NoFaultsIsTransparent) {
  EXPECT_EQ(run("", 1), frames());
}

TEST(FaultInjector, SameSeedSameBytesWhateverTheChunking) {
  const std::string spec = "bitflip=0.01,drop=0.01,garbage=0.1,truncate=0.1,dup=0.1";
  const auto a = run(spec, 42, 7);
  EXPECT_EQ(run(spec, 42, 7), a);
  EXPECT_EQ(run(spec, 42, 1), a);
  EXPECT_EQ(run(spec, 42, 1000), a);
  EXPECT_NE(run(spec, 43, 7), a);
  EXPECT_NE(a, frames());
}

TEST(FaultInjector, BitflipCorruptsBytesKeepingTheLength) {
  FaultInjector injector(parse_fault_spec("bitflip=0.01"), 1, 0x00);
  injector.push(frames(), kStart);
  const auto out = injector.take_due(kStart);
  EXPECT_EQ(out.size(), frames().size());
  EXPECT_NE(out, frames());
  EXPECT_GT(injector.counters().bitflips, 0U);
  EXPECT_LT(good_frames(out), 200U);
}

TEST(FaultInjector, DropLosesBytes) {
  FaultInjector injector(parse_fault_spec("drop=0.01"), 1, 0x00);
  injector.push(frames(), kStart);
  const auto out = injector.take_due(kStart);
  EXPECT_EQ(out.size() + injector.counters().drops, frames().size());
  EXPECT_GT(injector.counters().drops, 0U);
  EXPECT_LT(good_frames(out), 200U);
}

TEST(FaultInjector, GarbageAddsBurstsBeforeFrames) {
  FaultInjector injector(parse_fault_spec("garbage=0.2"), 1, 0x00);
  injector.push(frames(), kStart);
  const auto out = injector.take_due(kStart);
  const auto bursts = injector.counters().garbage_bursts;
  EXPECT_GT(bursts, 10U);
  EXPECT_GE(out.size(), frames().size() + bursts);
  EXPECT_LE(out.size(), frames().size() + 32 * bursts);
}

TEST(FaultInjector, TruncateCutsFramesButKeepsTheirDelimiters) {
  FaultInjector injector(parse_fault_spec("truncate=0.2"), 1, 0x00);
  injector.push(frames(), kStart);
  const auto out = injector.take_due(kStart);
  EXPECT_GT(injector.counters().truncations, 10U);
  EXPECT_LT(out.size(), frames().size());
  EXPECT_EQ(count_zeros(out), 200U);
  EXPECT_EQ(good_frames(out), 200U - injector.counters().truncations);  // resync at every delimiter
}

TEST(FaultInjector, DupSendsFramesTwice) {
  FaultInjector injector(parse_fault_spec("dup=1"), 1, 0x00);
  injector.push(frames(), kStart);
  const auto out = injector.take_due(kStart);
  EXPECT_EQ(out.size(), 2 * frames().size());
  EXPECT_EQ(good_frames(out), 400U);
}

TEST(FaultInjector, DelayHoldsFramesInOrder) {
  FaultInjector injector(parse_fault_spec("delay=20:5"), 1, 0x00);
  injector.push(frames(), kStart);
  EXPECT_TRUE(injector.take_due(kStart + milliseconds{14}).empty());
  ASSERT_TRUE(injector.next_release());
  EXPECT_GE(*injector.next_release(), kStart + milliseconds{15});
  EXPECT_EQ(injector.take_due(kStart + milliseconds{25}), frames());  // order kept, nothing lost
  EXPECT_EQ(injector.counters().delayed_frames, 200U);
}

TEST(FaultInjector, ANewSpecTakesEffectAtOnce) {
  FaultInjector injector({}, 1, 0x00);
  injector.push(frames(10), kStart);
  injector.set_spec(parse_fault_spec("dup=1"));
  injector.push(frames(10), kStart);
  EXPECT_EQ(injector.take_due(kStart).size(), 3 * frames(10).size());
}

}  // namespace
}  // namespace meso::sim
