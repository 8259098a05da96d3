// The link layer under a simulated clock: two MesogunLink cores joined by a wire that can delay, drop and
// corrupt, advanced from deadline to deadline. Deterministic: no sleeping, seeded faults.
#include "meso/hal/mesogun_link.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace meso::hal {
namespace {

namespace mg = protocols::mesogun;
using std::chrono::milliseconds;

struct WireFaults {
  double drop_frame = 0.0;  // probability a whole frame is lost
  double flip_frame = 0.0;  // probability one bit of a frame is flipped
  milliseconds delay{1};
};

class LinkPair {
 public:
  explicit LinkPair(std::uint32_t seed = 1)
      : host(LinkRole::host, LinkTiming{}, now), device(LinkRole::device, LinkTiming{}, now), rng(seed) {}

  // Moves bytes written by `from` onto the wire towards `to`, frame by frame (split at 0x00).
  void transfer(MesogunLink& from, bool to_device) {
    auto bytes = from.take_output();
    std::vector<std::uint8_t> frame;
    for (const std::uint8_t b : bytes) {
      frame.push_back(b);
      if (b != 0x00) continue;
      if (frame.size() == 1) {  // a lone delimiter: a flush, not a frame
        frame.clear();
        continue;
      }
      const WireFaults& f = to_device ? down : up;
      if (cut || chance(f.drop_frame)) {
        ++dropped;
      } else {
        if (chance(f.flip_frame) && frame.size() > 1) {
          std::uniform_int_distribution<std::size_t> pos(0, frame.size() - 2);
          frame[pos(rng)] ^= static_cast<std::uint8_t>(1U << (rng() % 8U));
        }
        in_transit.emplace(now + f.delay, Transit{to_device, frame});
      }
      frame.clear();
    }
  }

  // Runs the pair until `until`, jumping from one deadline or arrival to the next.
  void run_until(TimePoint until) {
    while (true) {
      drain_events();  // first: the device's answers to events go out in this round
      transfer(host, true);
      transfer(device, false);
      TimePoint next = std::min(host.next_deadline(), device.next_deadline());
      if (!in_transit.empty()) next = std::min(next, in_transit.begin()->first);
      if (next > until) break;
      now = std::max(now, next);
      while (!in_transit.empty() && in_transit.begin()->first <= now) {
        auto node = in_transit.extract(in_transit.begin());
        (node.mapped().to_device ? device : host).receive(node.mapped().bytes, now);
      }
      host.poll(now);
      device.poll(now);
    }
    now = until;
  }
  void run_for(milliseconds d) { run_until(now + d); }

  void handshake() {
    host.start_handshake(0xC0FFEE, now);
    run_for(milliseconds(20));
  }

  TimePoint now{};  // declared first: the links are constructed from it
  MesogunLink host;
  MesogunLink device;
  WireFaults down;  // host -> device
  WireFaults up;    // device -> host
  bool cut = false;
  int dropped = 0;
  std::vector<std::pair<TimePoint, LinkEvent>> host_events;
  std::vector<std::pair<TimePoint, LinkEvent>> device_events;

 private:
  struct Transit {
    bool to_device;
    std::vector<std::uint8_t> bytes;
  };

  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < p; }

  void drain_events() {
    while (auto e = device.next_event()) {
      // The device model's part of the handshake: answer HELLO with IDENTITY.
      if (const auto* up_event = std::get_if<link_event::Up>(&*e)) {
        const auto& hello = std::get<mg::Hello>(up_event->hello_or_identity);
        mg::Identity identity;
        identity.hello_nonce = hello.hello_nonce;
        identity.model = "TEST";
        device.send(identity, now);
      }
      device_events.emplace_back(now, std::move(*e));
    }
    while (auto e = host.next_event())
      host_events.emplace_back(now, std::move(*e));
  }

  std::mt19937 rng;
  std::multimap<TimePoint, Transit> in_transit;
};

template <class E>
int count_events(const std::vector<std::pair<TimePoint, LinkEvent>>& events) {
  int n = 0;
  for (const auto& [t, e] : events)
    n += std::holds_alternative<E>(e) ? 1 : 0;
  return n;
}

std::vector<std::uint32_t> delivered_fire_ids(const std::vector<std::pair<TimePoint, LinkEvent>>& events) {
  std::vector<std::uint32_t> ids;
  for (const auto& [t, e] : events) {
    if (const auto* d = std::get_if<link_event::Delivered>(&e)) {
      if (const auto* fire = std::get_if<mg::Fire>(&d->message); fire != nullptr && d->reliable) {
        ids.push_back(fire->command_id);
      }
    }
  }
  return ids;
}

TEST(SequenceNumbers, WrapFrom65535To1AndCompareAcrossTheWrap) {
  EXPECT_EQ(next_seq(0), 1);
  EXPECT_EQ(next_seq(1), 2);
  EXPECT_EQ(next_seq(65535), 1);
  EXPECT_TRUE(seq_newer(2, 1));
  EXPECT_FALSE(seq_newer(1, 2));
  EXPECT_FALSE(seq_newer(7, 7));
  EXPECT_TRUE(seq_newer(1, 65535));
  EXPECT_TRUE(seq_newer(3, 65530));
  EXPECT_FALSE(seq_newer(65530, 3));
  EXPECT_TRUE(seq_newer(1, 0));
  EXPECT_FALSE(seq_newer(0, 1));
}

TEST(MesogunLink, HandshakeBringsBothSidesUp) {
  LinkPair pair;
  pair.handshake();
  EXPECT_EQ(pair.host.state(), LinkState::up);
  EXPECT_EQ(pair.device.state(), LinkState::up);
  ASSERT_EQ(count_events<link_event::Up>(pair.host_events), 1);
  const auto& identity = std::get<link_event::Up>(pair.host_events.front().second).hello_or_identity;
  EXPECT_EQ(std::get<mg::Identity>(identity).model, "TEST");
}

TEST(MesogunLink, HandshakeRetriesHelloThenGivesUpAfterTwoSeconds) {
  LinkPair pair;
  pair.cut = true;
  pair.host.start_handshake(1, pair.now);
  const TimePoint start = pair.now;
  pair.run_for(milliseconds(2500));
  ASSERT_EQ(count_events<link_event::HandshakeFailed>(pair.host_events), 1);
  EXPECT_EQ(pair.host_events.front().first - start, milliseconds(2000));
  EXPECT_EQ(pair.dropped, 10);  // HELLO at 0, 200, ..., 1800 ms
  EXPECT_EQ(pair.host.state(), LinkState::idle);
}

TEST(MesogunLink, ReliableFramesArriveOnceInOrderOverALossyCorruptingWire) {
  LinkPair pair(42);
  pair.handshake();
  pair.down = {.drop_frame = 0.2, .flip_frame = 0.1, .delay = milliseconds(3)};
  pair.up = {.drop_frame = 0.2, .flip_frame = 0.1, .delay = milliseconds(3)};
  std::vector<std::uint32_t> sent;
  for (std::uint32_t id = 1; id <= 300; ++id) {
    if (pair.host.send(mg::Fire{id}, pair.now)) sent.push_back(id);
    EXPECT_LE(pair.host.in_flight(), 8U);
    pair.run_for(milliseconds(2));
  }
  pair.run_for(milliseconds(5000));
  EXPECT_EQ(delivered_fire_ids(pair.device_events), sent);
  EXPECT_EQ(pair.host.in_flight(), 0U);
  EXPECT_GT(pair.host.counters().retransmits, 0U);
  EXPECT_GT(pair.device.counters().crc_errors + pair.device.counters().resyncs, 0U);
  EXPECT_GT(pair.device.counters().duplicates, 0U);
}

TEST(MesogunLink, WindowHoldsAtMostEightInFlight) {
  LinkPair pair;
  pair.handshake();
  pair.cut = true;
  for (std::uint32_t id = 1; id <= 20; ++id)
    ASSERT_TRUE(pair.host.send(mg::Fire{id}, pair.now));
  EXPECT_EQ(pair.host.in_flight(), 8U);
  EXPECT_EQ(pair.host.queued(), 12U);
  pair.cut = false;
  pair.run_for(milliseconds(2000));
  EXPECT_EQ(delivered_fire_ids(pair.device_events).size(), 20U);
}

TEST(MesogunLink, RetransmitTimeoutAdaptsToTheRoundTripAndNeverGoesBelow20ms) {
  LinkPair pair;
  pair.handshake();
  pair.down.delay = pair.up.delay = milliseconds(15);
  for (std::uint32_t id = 1; id <= 50; ++id) {
    pair.host.send(mg::Fire{id}, pair.now);
    pair.run_for(milliseconds(40));
  }
  const auto& c = pair.host.counters();
  // Each sample: 15 ms out, up to 5 ms ack delay, 15 ms back.
  EXPECT_GE(c.srtt, milliseconds(30));
  EXPECT_LE(c.srtt, milliseconds(36));
  EXPECT_GE(c.rto, milliseconds(30));
  EXPECT_EQ(c.retransmits, 0U);

  LinkPair fast;
  fast.handshake();
  fast.down.delay = fast.up.delay = milliseconds(0);
  for (std::uint32_t id = 1; id <= 20; ++id) {
    fast.host.send(mg::Fire{id}, fast.now);
    fast.run_for(milliseconds(10));
  }
  EXPECT_EQ(fast.host.counters().rto, milliseconds(20));
}

TEST(MesogunLink, TimeoutDoublesUpToOneSecond) {
  LinkPair pair;
  pair.handshake();
  pair.cut = true;
  pair.host.send(mg::Fire{1}, pair.now);
  std::vector<std::chrono::microseconds> rtos;
  for (int i = 0; i < 12; ++i) {
    const auto before = pair.host.counters().retransmits;
    while (pair.host.counters().retransmits == before)
      pair.run_for(milliseconds(1));
    rtos.push_back(pair.host.counters().rto);
  }
  EXPECT_EQ(rtos.front(), milliseconds(200));  // the initial 100 ms, doubled
  EXPECT_EQ(rtos.back(), milliseconds(1000));
  for (std::size_t i = 1; i < rtos.size(); ++i)
    EXPECT_GE(rtos[i], rtos[i - 1]);
}

TEST(MesogunLink, HeartbeatsKeepAnIdleLinkUp) {
  LinkPair pair;
  pair.handshake();
  const auto sent_before = pair.host.counters().frames_sent;
  pair.run_for(milliseconds(1000));
  EXPECT_EQ(pair.host.state(), LinkState::up);
  EXPECT_EQ(pair.device.state(), LinkState::up);
  EXPECT_NEAR(static_cast<double>(pair.host.counters().frames_sent - sent_before), 20.0, 1.0);  // every 50 ms
  EXPECT_EQ(count_events<link_event::Lost>(pair.host_events), 0);
}

TEST(MesogunLink, LossIsDeclared250msAfterTheLastValidFrameAndRestoredAfter) {
  LinkPair pair;
  pair.handshake();
  pair.run_for(milliseconds(100));
  pair.cut = true;
  const TimePoint cut_at = pair.now;
  pair.run_for(milliseconds(400));
  ASSERT_EQ(count_events<link_event::Lost>(pair.host_events), 1);
  ASSERT_EQ(count_events<link_event::Lost>(pair.device_events), 1);
  const auto lost_at = std::find_if(pair.host_events.begin(), pair.host_events.end(), [](const auto& e) {
                         return std::holds_alternative<link_event::Lost>(e.second);
                       })->first;
  EXPECT_GT(lost_at - cut_at, milliseconds(200));  // the last heartbeat arrived up to 50 ms before the cut
  EXPECT_LE(lost_at - cut_at, milliseconds(250));
  pair.cut = false;
  pair.run_for(milliseconds(200));
  EXPECT_EQ(count_events<link_event::Restored>(pair.host_events), 1);
  EXPECT_EQ(pair.host.state(), LinkState::up);
}

TEST(MesogunLink, CorruptedFrameIsNakedAndRetransmittedAtOnce) {
  LinkPair pair;
  pair.handshake();
  pair.run_for(milliseconds(100));  // an RTT sample or two from acks of nothing: none, rto stays 100 ms
  pair.down.flip_frame = 1.0;
  pair.host.send(mg::Fire{9}, pair.now);
  pair.run_for(milliseconds(1));  // the corrupted FIRE arrives, the device NAKs
  pair.down.flip_frame = 0.0;
  pair.run_for(milliseconds(10));
  EXPECT_EQ(delivered_fire_ids(pair.device_events), std::vector<std::uint32_t>{9});
  EXPECT_GE(pair.device.counters().naks_sent, 1U);
  EXPECT_GE(pair.host.counters().naks_received, 1U);
}

TEST(MesogunLink, EStopActsEvenOutOfOrder) {
  LinkPair pair;
  pair.handshake();
  pair.down.drop_frame = 1.0;
  pair.host.send(mg::Fire{1}, pair.now);  // lost: the ESTOP after it arrives out of order
  pair.run_for(milliseconds(1));
  pair.down.drop_frame = 0.0;
  pair.host.send(mg::EStop{}, pair.now);
  pair.run_for(milliseconds(2));
  // The stop is told at once (A.4), before the sequence is looked at; the frame itself waits its turn.
  EXPECT_EQ(count_events<link_event::StopNow>(pair.device_events), 1);
  EXPECT_TRUE(delivered_fire_ids(pair.device_events).empty());
}

TEST(MesogunLink, SequenceNumbersWrapWithoutLosingOrder) {
  LinkPair pair;
  pair.handshake();
  pair.down.delay = pair.up.delay = milliseconds(0);
  std::uint32_t id = 1;
  for (; id <= 66000; ++id) {
    ASSERT_TRUE(pair.host.send(mg::Fire{id}, pair.now));
    if (id % 8 == 0) pair.run_for(milliseconds(6));  // a window's worth, then the delayed ACK
  }
  pair.run_for(milliseconds(100));
  const auto ids = delivered_fire_ids(pair.device_events);
  ASSERT_EQ(ids.size(), 66000U);
  for (std::size_t i = 0; i < ids.size(); ++i)
    ASSERT_EQ(ids[i], i + 1);
}

// Up events of the device: false for a HELLO that started a session, true for a repeated one.
std::vector<bool> device_ups(const std::vector<std::pair<TimePoint, LinkEvent>>& events) {
  std::vector<bool> ups;
  for (const auto& [t, e] : events) {
    if (const auto* up = std::get_if<link_event::Up>(&e)) ups.push_back(up->repeat);
  }
  return ups;
}

std::vector<mg::MessageType> delivered_types(const std::vector<std::pair<TimePoint, LinkEvent>>& events) {
  std::vector<mg::MessageType> types;
  for (const auto& [t, e] : events) {
    if (const auto* d = std::get_if<link_event::Delivered>(&e); d != nullptr && d->reliable)
      types.push_back(mg::type_of(d->message));
  }
  return types;
}

// A.6: on a line whose round trip exceeds the 200 ms HELLO period, the host's second HELLO reaches the
// device after the host has taken the first IDENTITY and started the session. It is a repeat (same nonce,
// nothing else from the host since): answered again, nothing reset, so the reliable frame the device sent
// meanwhile and everything after it arrive once and in order. The host ignores the second IDENTITY.
TEST(MesogunLink, ARepeatedHelloOnASlowLineIsAnsweredWithoutResettingTheSession) {
  LinkPair pair;
  pair.down.delay = milliseconds(150);
  pair.up.delay = milliseconds(150);
  pair.host.start_handshake(7, pair.now);
  pair.run_for(milliseconds(200));  // the device answered HELLO 1 at 150 ms; HELLO 2 leaves now
  ASSERT_EQ(pair.device.state(), LinkState::up);
  ASSERT_TRUE(
      pair.device.send(mg::Alarm{mg::AlarmCode::occlusion, mg::AlarmPriority::high, true, 1}, pair.now));
  pair.run_for(milliseconds(600));
  ASSERT_EQ(pair.host.state(), LinkState::up);
  EXPECT_EQ(device_ups(pair.device_events), (std::vector<bool>{false, true}));
  EXPECT_EQ(count_events<link_event::Up>(pair.host_events), 1);
  for (std::uint32_t id = 1; id <= 3; ++id) {
    ASSERT_TRUE(pair.host.send(mg::Fire{id}, pair.now));
    ASSERT_TRUE(pair.device.send(mg::Shot{mg::ShotRecord{id, id, 2000, 20000, 0}}, pair.now));
  }
  pair.run_for(milliseconds(2000));
  EXPECT_EQ(delivered_fire_ids(pair.device_events), (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(delivered_types(pair.host_events),
            (std::vector<mg::MessageType>{mg::MessageType::alarm, mg::MessageType::shot,
                                          mg::MessageType::shot, mg::MessageType::shot}));
  EXPECT_EQ(pair.host.in_flight() + pair.device.in_flight(), 0U);
}

// A.6: once the host has sent anything of the session, a HELLO with the session's nonce (a host that
// restarted and reused it) is no repeat: it starts a new session, sequence numbers from 1 again.
TEST(MesogunLink, AHelloWithTheSessionsNonceAfterOtherFramesStartsANewSession) {
  LinkPair pair;
  pair.handshake();
  ASSERT_TRUE(pair.host.send(mg::Fire{1}, pair.now));
  pair.run_for(milliseconds(100));
  pair.host.start_handshake(0xC0FFEE, pair.now);  // the same nonce as the first session
  pair.run_for(milliseconds(20));
  ASSERT_EQ(pair.host.state(), LinkState::up);
  EXPECT_EQ(device_ups(pair.device_events), (std::vector<bool>{false, false}));
  ASSERT_TRUE(pair.host.send(mg::Fire{2}, pair.now));
  pair.run_for(milliseconds(100));
  EXPECT_EQ(delivered_fire_ids(pair.device_events), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(pair.device.counters().duplicates, 0U) << "the new session's FIRE (seq 1) taken for the old one";
}

// A.6: while an ARM's lease may run, the host sends a frame at least every lease / 10 (15 ms for 150 ms), so
// that nine frames lost in a row cannot expire it; once the device has acknowledged a DISARM, the 50 ms
// heartbeat again.
TEST(MesogunLink, WhileALeaseMayRunTheHostSendsTenFramesPerLease) {
  LinkPair pair;
  pair.handshake();
  pair.run_for(milliseconds(200));
  const auto idle_from = pair.host.counters().frames_sent;
  pair.run_for(milliseconds(1000));
  const auto idle = pair.host.counters().frames_sent - idle_from;
  EXPECT_LE(idle, 21U);
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(50));

  ASSERT_TRUE(pair.host.send(mg::Arm{150}, pair.now));
  pair.run_for(milliseconds(20));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(15));
  const auto armed_from = pair.host.counters().frames_sent;
  pair.run_for(milliseconds(1000));
  EXPECT_GE(pair.host.counters().frames_sent - armed_from, 66U)
      << "fewer than 67 frames a second while armed";

  ASSERT_TRUE(pair.host.send(mg::Disarm{}, pair.now));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(15)) << "until the device has the DISARM";
  pair.run_for(milliseconds(20));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(50));
  // An ESTOP ends the lease the same way; a new session too.
  ASSERT_TRUE(pair.host.send(mg::Arm{1000}, pair.now));
  pair.run_for(milliseconds(20));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(50)) << "1000 / 10 is longer than the heartbeat";
  ASSERT_TRUE(pair.host.send(mg::Arm{500}, pair.now));
  pair.run_for(milliseconds(20));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(50));
  ASSERT_TRUE(pair.host.send(mg::Arm{300}, pair.now));
  pair.run_for(milliseconds(20));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(30));
  ASSERT_TRUE(pair.host.send(mg::EStop{}, pair.now));
  pair.run_for(milliseconds(20));
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(50));
  ASSERT_TRUE(pair.host.send(mg::Arm{150}, pair.now));
  pair.host.start_handshake(0xBEEF, pair.now);
  EXPECT_EQ(pair.host.silence_allowed(), milliseconds(50));
}

// A.6: a device that speaks no version at or below the host's answers ERROR unsupported_version as a
// handshake frame (seq 0, ack 0), and the host stops its handshake at once instead of repeating HELLO.
TEST(MesogunLink, AnUnsupportedVersionAnswerEndsTheHandshakeAtOnce) {
  const TimePoint start{};
  MesogunLink host(LinkRole::host, LinkTiming{}, start);
  host.start_handshake(7, start);
  host.take_output();
  const auto error = mg::encode(mg::Frame{0, 0, mg::Error{0, 0x01, mg::ErrorReason::unsupported_version}});
  host.receive(error, start + milliseconds(3));
  const auto event = host.next_event();
  ASSERT_TRUE(event);
  const auto* failed = std::get_if<link_event::HandshakeFailed>(&*event);
  ASSERT_NE(failed, nullptr);
  EXPECT_TRUE(failed->unsupported_version);
  EXPECT_EQ(host.state(), LinkState::idle);
  host.poll(start + milliseconds(400));
  EXPECT_FALSE(host.has_output()) << "no HELLO after the device said it cannot speak this version";

  // Any other time it means nothing: a session that is up ignores it.
  LinkPair pair;
  pair.handshake();
  pair.host.receive(error, pair.now);
  pair.run_for(milliseconds(1));
  EXPECT_EQ(pair.host.state(), LinkState::up);
  EXPECT_EQ(count_events<link_event::HandshakeFailed>(pair.host_events), 0);
}

TEST(MesogunLink, SendIsRefusedWithoutASession) {
  LinkPair pair;
  EXPECT_FALSE(pair.host.send(mg::Fire{1}, pair.now));
  EXPECT_FALSE(pair.host.has_output());
}

}  // namespace
}  // namespace meso::hal
