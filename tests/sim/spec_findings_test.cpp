// What a peer written from docs/protocol.md alone found in the simulated mesogun and pen (issue 15), each
// checked against the revised spec: the stop wins over every other check (A.4), a frame of another version
// is not answered as corruption (A.2, A.5), a HELLO the device cannot speak is refused once and
// unsequenced (A.6), the lease range (A.4), and FIREs faster than the device's rate (A.4).
#include <gtest/gtest.h>

#include "host_harness.hpp"
#include "meso/protocols/cobs.hpp"
#include "meso/protocols/crc32c.hpp"
#include "meso/protocols/lease.hpp"

namespace meso::sim::testing {
namespace {

using std::chrono::milliseconds;

// A frame built byte by byte, as an outside peer builds it: any version, type, seq, ack and payload, with
// a good CRC-32C, COBS-encoded and delimited.
std::vector<std::uint8_t> raw_frame(std::uint8_t version, std::uint8_t type, std::uint16_t seq,
                                    std::uint16_t ack, std::vector<std::uint8_t> payload) {
  std::vector<std::uint8_t> decoded{version,
                                    type,
                                    static_cast<std::uint8_t>(seq & 0xFFU),
                                    static_cast<std::uint8_t>(seq >> 8U),
                                    static_cast<std::uint8_t>(ack & 0xFFU),
                                    static_cast<std::uint8_t>(ack >> 8U)};
  decoded.insert(decoded.end(), payload.begin(), payload.end());
  const std::uint32_t crc = protocols::crc32c(decoded);
  for (int i = 0; i < 4; ++i)
    decoded.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  std::vector<std::uint8_t> wire;
  protocols::cobs_encode(decoded, wire);
  wire.push_back(0x00);
  return wire;
}

constexpr std::uint8_t kEstop = 0x14;

// Every frame the device wrote, decoded.
std::vector<mg::DecodeResult> frames_on(const std::vector<std::uint8_t>& wire) {
  std::vector<mg::DecodeResult> out;
  mg::FrameDecoder decoder;
  decoder.feed(wire, [&](const mg::DecodeResult& r) { out.push_back(r); });
  return out;
}

TEST(SpecFindings, AnEstopWithAMalformedPayloadStopsAnArmedDevice) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm();
  ASSERT_EQ(h.model().state(), mg::DeviceState::armed);
  // The host's next reliable seq (CONFIGURE was 1, ARM 2), with a one-byte payload: 01 14 03 00 00 00 00.
  h.core.receive(raw_frame(1, kEstop, 3, 0, {0x00}), h.now);
  EXPECT_EQ(h.model().state(), mg::DeviceState::estopped) << "the stop must come before the payload check";
  h.run_for(milliseconds{180});
  EXPECT_EQ(h.model().state(), mg::DeviceState::estopped);
  ASSERT_TRUE(h.last_of<mg::Status>());
  EXPECT_EQ(h.last_of<mg::Status>()->state, mg::DeviceState::estopped);
  // ... and only then is it checked: refused as a malformed reliable command, the stop staying.
  const auto errors = h.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].reason, mg::ErrorReason::bad_payload);
  EXPECT_EQ(errors[0].refused_seq, 3);
  EXPECT_EQ(errors[0].refused_type, kEstop);
  h.send(mg::Arm{150});  // seq 3 again: the device has it as a duplicate; nothing re-arms
  h.run_for(milliseconds{20});
  EXPECT_EQ(h.model().state(), mg::DeviceState::estopped);
}

TEST(SpecFindings, AnEstopStopsWhateverItsSequenceVersionOrSession) {
  struct Case {
    const char* what;
    std::uint8_t version;
    std::uint16_t seq;
  };
  for (const Case c : {Case{"an old seq (a duplicate)", 1, 1}, Case{"a seq far ahead (a gap)", 1, 500},
                       Case{"version 2", 2, 3}}) {
    SCOPED_TRACE(c.what);
    MesogunHostHarness h;
    ASSERT_TRUE(h.handshake());
    h.configure_and_arm();
    ASSERT_EQ(h.model().state(), mg::DeviceState::armed);
    h.core.receive(raw_frame(c.version, kEstop, c.seq, 0, {}), h.now);
    EXPECT_EQ(h.model().state(), mg::DeviceState::estopped);
  }
  // Before any session: nothing is armed, but the stop holds until a HELLO starts one.
  MesogunHostHarness fresh;
  fresh.run_for(milliseconds{10});
  fresh.core.receive(raw_frame(1, kEstop, 1, 0, {}), fresh.now);
  EXPECT_EQ(fresh.model().state(), mg::DeviceState::estopped);
  ASSERT_TRUE(fresh.handshake());
  fresh.run_for(milliseconds{10});
  EXPECT_NE(fresh.model().state(), mg::DeviceState::estopped) << "a HELLO starts a new session (A.6)";
}

TEST(SpecFindings, AFrameOfAnotherVersionWithAGoodCrcIsDiscardedWithoutANak) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.run_for(milliseconds{50});
  const auto naks_before = h.device.link().counters().naks_sent;
  const auto crc_before = h.device.link().counters().crc_errors;
  h.core.receive(raw_frame(2, 0x30, 0, 0, {0, 0, 0, 0}), h.now);  // a version-2 HEARTBEAT
  h.run_for(milliseconds{50});
  EXPECT_EQ(h.device.link().counters().naks_sent, naks_before) << "NAK corrupted_frame is for frames whose "
                                                                  "CRC failed (A.5)";
  EXPECT_EQ(h.device.link().counters().crc_errors, crc_before);
  EXPECT_EQ(h.device.link().counters().other_version, 1U);
  // A corrupted frame still gets its NAK.
  auto corrupted = raw_frame(1, 0x30, 0, 0, {0, 0, 0, 0});
  corrupted[3] ^= 0x01U;
  h.core.receive(corrupted, h.now);
  h.run_for(milliseconds{5});
  EXPECT_EQ(h.device.link().counters().naks_sent, naks_before + 1);
}

TEST(SpecFindings, AHelloOfVersionZeroIsRefusedOnceAsAnUnsequencedHandshakeFrame) {
  MesogunHostHarness h;
  h.run_for(milliseconds{10});
  h.wire_from_device.clear();
  h.core.receive(raw_frame(1, 0x01, 0, 0, {0x00, 0x78, 0x56, 0x34, 0x12}), h.now);  // HELLO, version 0
  h.run_for(milliseconds{1000});  // long enough for any retransmission (100 ms .. 1 s)
  std::vector<mg::Frame> frames;
  for (const auto& r : frames_on(h.wire_from_device)) {
    if (const auto* f = std::get_if<mg::Frame>(&r)) frames.push_back(*f);
  }
  ASSERT_EQ(frames.size(), 1U) << "the answer is sent once, never retransmitted";
  EXPECT_EQ(frames[0].seq, 0);
  EXPECT_EQ(frames[0].ack, 0);
  const auto* error = std::get_if<mg::Error>(&frames[0].message);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->reason, mg::ErrorReason::unsupported_version);
  EXPECT_EQ(error->refused_seq, 0);
  EXPECT_EQ(error->refused_type, 0x01);
  EXPECT_EQ(h.device.link().state(), hal::LinkState::idle) << "no session was started";
}

TEST(SpecFindings, TheLeaseRangeIs150To5000) {
  EXPECT_EQ(protocols::kLeaseMinMs, 150);
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.send(mg::Configure{1500, 20000, mg::FireMode::single, 0});
  h.run_for(milliseconds{600});
  for (const std::uint16_t lease :
       {std::uint16_t{49}, std::uint16_t{50}, std::uint16_t{149}, std::uint16_t{5001}}) {
    h.send(mg::Arm{lease});
    h.run_for(milliseconds{5});
    ASSERT_TRUE(h.last_of<mg::Error>()) << lease;
    EXPECT_EQ(h.last_of<mg::Error>()->reason, mg::ErrorReason::lease_out_of_range) << lease;
    EXPECT_NE(h.model().state(), mg::DeviceState::armed) << lease;
  }
  const auto refusals = h.errors().size();
  h.send(mg::Arm{150});
  h.run_for(milliseconds{5});
  EXPECT_EQ(h.errors().size(), refusals);
  EXPECT_EQ(h.model().state(), mg::DeviceState::armed);
  h.send(mg::Arm{5000});
  h.run_for(milliseconds{5});
  EXPECT_EQ(h.errors().size(), refusals) << "ARM while armed renews the lease";
}

TEST(SpecFindings, AFireSoonerThanTheMaximumRateIsRefusedBusyNotTakenForAnOcclusion) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm();
  // 30 FIREs 50 ms apart: twice the 9 shots/s the device can do.
  for (std::uint32_t id = 1; id <= 30; ++id) {
    h.send(mg::Fire{id});
    h.run_for(milliseconds{50});
  }
  h.run_for(milliseconds{200});
  EXPECT_TRUE(h.received_of<mg::Alarm>().empty()) << "no alarm: the device refuses, it does not jam";
  std::size_t busy = 0;
  for (const auto& e : h.errors()) {
    EXPECT_EQ(e.reason, mg::ErrorReason::busy);
    busy += e.reason == mg::ErrorReason::busy ? 1 : 0;
  }
  EXPECT_EQ(busy + h.delivered.size(), 30U);
  EXPECT_GE(busy, 10U);
  for (std::size_t i = 1; i < h.delivered.size(); ++i) {
    EXPECT_GE(h.delivered[i].device_time_ms - h.delivered[i - 1].device_time_ms, 111U)
        << "shots " << i - 1 << " and " << i << " faster than 9 per second";
  }
}

}  // namespace
}  // namespace meso::sim::testing
