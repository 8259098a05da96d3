// The simulated pen, spoken to in real sentences under a simulated clock.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "meso/protocols/pen_codec.hpp"
#include "meso/sim/pen_device.hpp"

namespace meso::sim {
namespace {

namespace pen = protocols::pen;
using std::chrono::milliseconds;

class PenHarness {
 public:
  explicit PenHarness(PenModelConfig config = {})
      : now(TimePoint{} + std::chrono::hours{1}), device(std::move(config), now) {}

  void send(const pen::Message& message) { send_raw(pen::encode(message)); }
  void send_raw(const std::string& sentence) {
    device.receive(std::span(reinterpret_cast<const std::uint8_t*>(sentence.data()), sentence.size()), now);
    collect();
  }
  void run_for(milliseconds duration) {
    const TimePoint end = now + duration;
    while (now < end) {
      now += milliseconds{1};
      if (now >= device.next_deadline()) device.poll(now);
      collect();
    }
  }
  // Polls STQ every 50 ms, as the station does while the motor runs.
  void poll_status_for(milliseconds duration) {
    const TimePoint end = now + duration;
    while (now < end) {
      send(pen::StatusQuery{});
      run_for(milliseconds{50});
    }
  }
  template <class T>
  std::vector<T> received_of() const {
    std::vector<T> out;
    for (const auto& m : received) {
      if (const auto* t = std::get_if<T>(&m)) out.push_back(*t);
    }
    return out;
  }
  template <class T>
  T last() const {
    return received_of<T>().back();
  }
  pen::Status status() {
    send(pen::StatusQuery{});
    return last<pen::Status>();
  }

  TimePoint now;
  PenDevice device;
  pen::SentenceDecoder decoder;
  std::vector<pen::Message> received;

 private:
  void collect() {
    decoder.feed(std::span<const std::uint8_t>(device.take_output()), [&](const pen::DecodeResult& result) {
      if (const auto* m = std::get_if<pen::Message>(&result))
        received.push_back(*m);
      else
        ADD_FAILURE() << "the pen sent a bad sentence";
    });
  }
};

TEST(SimulatedPen, IdentifiesWithCapabilities) {
  PenHarness h;
  h.send(pen::Identify{});
  const auto id = h.last<pen::Identity>();
  EXPECT_TRUE(id.simulated);  // the identity says it is a simulator (docs/protocol.md B.3)
  EXPECT_EQ(id.depth_min_um, 250);
  EXPECT_EQ(id.depth_max_um, 2500);
  EXPECT_EQ(id.depth_step_um, 250);
  EXPECT_EQ(id.speed_min_sps, 50);
  EXPECT_EQ(id.speed_max_sps, 150);
}

TEST(SimulatedPen, SaysItIsSimulatedWhateverItIsNamed) {
  PenModelConfig config;
  config.model = "DermaPen X4";  // the name of a real model, and a real-looking serial number
  config.serial_number = "DPX4-23-00917";
  PenHarness h(config);
  h.send(pen::Identify{});
  const auto id = h.last<pen::Identity>();
  EXPECT_EQ(id.model, "DermaPen X4");
  EXPECT_TRUE(id.simulated);
}

TEST(SimulatedPen, DepthAndSpeedWithinCapabilitiesOnly) {
  PenHarness h;
  h.send(pen::SetDepth{1000});
  EXPECT_EQ(h.last<pen::Ack>().command, pen::Kind::set_depth);
  for (const std::uint16_t bad : std::vector<std::uint16_t>{0, 200, 1100, 2750}) {
    h.send(pen::SetDepth{bad});
    EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::set_depth, pen::NakReason::range})) << bad;
  }
  h.send(pen::SetSpeed{120});
  EXPECT_EQ(h.last<pen::Ack>().command, pen::Kind::set_speed);
  h.send(pen::SetSpeed{200});
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::set_speed, pen::NakReason::range}));
  const auto status = h.status();
  EXPECT_EQ(status.depth_um, 1000);
  EXPECT_EQ(status.speed_sps, 120);
  EXPECT_EQ(status.state, pen::PenState::idle);
}

TEST(SimulatedPen, RunCountsStampsAtSpeedTimesTime) {
  PenHarness h;
  h.send(pen::SetSpeed{120});
  h.send(pen::Start{200});
  EXPECT_EQ(h.last<pen::Ack>().command, pen::Kind::start);
  h.poll_status_for(milliseconds{1000});
  const auto running = h.status();
  EXPECT_EQ(running.state, pen::PenState::running);
  EXPECT_NEAR(running.stamps_total, 120, 1);
  EXPECT_GT(running.lease_left_ms, 150);
  EXPECT_LE(running.lease_left_ms, 200);

  h.send(pen::SetDepth{1500});
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::set_depth, pen::NakReason::state}));
  h.send(pen::SetSpeed{100});
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::set_speed, pen::NakReason::state}));

  h.send(pen::Stop{});
  EXPECT_EQ(h.last<pen::Ack>().command, pen::Kind::stop);
  const auto stopped = h.status();
  EXPECT_EQ(stopped.state, pen::PenState::idle);
  EXPECT_EQ(stopped.lease_left_ms, 0);
  h.run_for(milliseconds{500});
  EXPECT_EQ(h.status().stamps_total, stopped.stamps_total);
}

TEST(SimulatedPen, RunLeaseStopsTheMotorWhenTheHostFallsSilent) {
  PenHarness h;
  h.send(pen::SetSpeed{100});
  h.send(pen::Start{200});
  h.poll_status_for(milliseconds{500});
  h.send(pen::StatusQuery{});  // the host's last word
  const TimePoint silent_from = h.now;
  h.run_for(milliseconds{199});
  EXPECT_TRUE(h.device.model().running());
  h.run_for(milliseconds{2});
  EXPECT_FALSE(h.device.model().running());
  const auto status = h.status();
  EXPECT_EQ(status.state, pen::PenState::idle);
  // Stamps stop at the lease's end: 0.7 s at 100 stamps/s.
  EXPECT_NEAR(status.stamps_total, 70, 1);
  EXPECT_GE(h.now - silent_from, milliseconds{200});
  h.poll_status_for(milliseconds{300});
  EXPECT_FALSE(h.device.model().running());  // never restarts by itself
}

TEST(SimulatedPen, RunRefusals) {
  PenHarness h;
  h.send(pen::Start{20});
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::start, pen::NakReason::lease}));
  h.send(pen::Start{6000});
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::start, pen::NakReason::lease}));
  h.device.apply(action::PenAlarm{pen::AlarmCode::cartridge_missing, true}, h.now);
  h.send(pen::Start{200});
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::start, pen::NakReason::alarm}));
}

TEST(SimulatedPen, HighAlarmStopsTheMotorAndIsReportedOnChange) {
  PenHarness h;
  h.send(pen::Start{500});
  h.poll_status_for(milliseconds{200});
  h.device.apply(action::PenAlarm{pen::AlarmCode::motor_stall, true}, h.now);
  h.run_for(milliseconds{1});
  const auto alarm = h.last<pen::Alarm>();
  EXPECT_EQ(alarm, (pen::Alarm{pen::AlarmCode::motor_stall, pen::AlarmPriority::high, true}));
  EXPECT_EQ(h.status().state, pen::PenState::fault);
  EXPECT_FALSE(h.device.model().running());
  const auto alarms_before = h.received_of<pen::Alarm>().size();
  h.device.apply(action::PenAlarm{pen::AlarmCode::motor_stall, true}, h.now);  // no change, no ALM
  EXPECT_EQ(h.received_of<pen::Alarm>().size(), alarms_before);
  h.device.apply(action::PenAlarm{pen::AlarmCode::motor_stall, false}, h.now);
  h.run_for(milliseconds{1});
  EXPECT_FALSE(h.last<pen::Alarm>().active);
  EXPECT_EQ(h.status().state, pen::PenState::idle);
}

TEST(SimulatedPen, MalformedCommandIsNakSyntaxAndGarbageIsIgnored) {
  PenHarness h;
  const std::string body = "PMSN,DEP,01000";  // a leading zero: not canonical
  char checksum[3];
  std::snprintf(checksum, sizeof checksum, "%02X", pen::nmea_checksum(body));
  h.send_raw("$" + body + "*" + checksum + "\r\n");
  EXPECT_EQ(h.last<pen::Nak>(), (pen::Nak{pen::Kind::set_depth, pen::NakReason::syntax}));
  const auto before = h.received.size();
  h.send_raw("noise$PMSN,STQ*00\r\n");  // bad checksum: not answered
  EXPECT_EQ(h.received.size(), before);
  h.send_raw("xx" + pen::encode(pen::StatusQuery{}));  // garbage before a good sentence loses nothing
  EXPECT_EQ(h.received.size(), before + 1);
}

TEST(SimulatedPen, RebootResetsStampsSincePowerOn) {
  PenHarness h;
  h.send(pen::Start{200});
  h.poll_status_for(milliseconds{500});
  EXPECT_GT(h.status().stamps_total, 0U);
  h.device.apply(action::Reboot{}, h.now);
  h.send(pen::StatusQuery{});
  const auto answers = h.received.size();
  h.run_for(milliseconds{100});
  h.send(pen::StatusQuery{});  // still booting: nobody answers
  EXPECT_EQ(h.received.size(), answers);
  h.run_for(milliseconds{300});
  const auto status = h.status();
  EXPECT_EQ(status.stamps_total, 0U);
  EXPECT_EQ(status.state, pen::PenState::idle);
}

}  // namespace
}  // namespace meso::sim
