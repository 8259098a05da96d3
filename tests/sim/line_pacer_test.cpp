// Line-rate pacing: the arithmetic under a simulated clock, and one real paced transfer.
#include "meso/sim/line_pacer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace meso::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(LineSchedule, TenBitsPerByte) {
  EXPECT_EQ(byte_time(9600), nanoseconds{1'041'666});
  EXPECT_EQ(byte_time(115200), nanoseconds{86'805});
  EXPECT_EQ(byte_time(0), nanoseconds{0});
}

TEST(LineSchedule, BytesArriveOneByteTimeApartAndQueueBehindEachOther) {
  const TimePoint t0 = TimePoint{} + std::chrono::hours{1};
  LineSchedule line(9600);
  line.push(10, t0);
  EXPECT_EQ(line.take_arrived(t0 + microseconds{1000}), 0U);
  EXPECT_EQ(line.take_arrived(t0 + microseconds{1042}), 1U);
  EXPECT_EQ(line.take_arrived(t0 + microseconds{5300}), 4U);
  line.push(5, t0 + milliseconds{6});  // queued behind the 10: the line is busy until 10.4 ms
  EXPECT_EQ(*line.last_arrival(), t0 + byte_time(9600) * 15);
  EXPECT_EQ(line.take_arrived(t0 + milliseconds{11}), 5U);
  EXPECT_EQ(line.pending(), 5U);
  EXPECT_EQ(line.take_arrived(t0 + milliseconds{100}), 5U);
  EXPECT_FALSE(line.next_arrival());
  // An idle line starts a new byte at once.
  line.push(1, t0 + milliseconds{200});
  EXPECT_EQ(*line.next_arrival(), t0 + milliseconds{200} + byte_time(9600));
}

TEST(LinePacer, PacesAtTheBaudRate) {
  asio::io_context io;
  std::vector<std::uint8_t> received;
  TimePoint done{};
  LinePacer pacer(io, 115200, [&](std::span<const std::uint8_t> bytes) {
    received.insert(received.end(), bytes.begin(), bytes.end());
    if (received.size() == 1152) done = hal::SteadyClock::now();
  });
  const std::vector<std::uint8_t> block(1152, 0x55);  // 100 ms of line at 115200 baud
  const TimePoint start = hal::SteadyClock::now();
  pacer.push(block);
  EXPECT_TRUE(received.empty());
  io.run();
  EXPECT_EQ(received, block);
  EXPECT_GE(done - start, milliseconds{99});
  EXPECT_LT(done - start, milliseconds{300});
}

TEST(LinePacer, BaudZeroPassesBytesStraightThrough) {
  asio::io_context io;
  std::size_t received = 0;
  LinePacer pacer(io, 0, [&](std::span<const std::uint8_t> bytes) { received += bytes.size(); });
  pacer.push(std::vector<std::uint8_t>(5000, 1));
  EXPECT_EQ(received, 5000U);
}

TEST(LinePacer, ClearLosesWhatIsNotOnTheWireYet) {
  asio::io_context io;
  std::size_t received = 0;
  LinePacer pacer(io, 9600, [&](std::span<const std::uint8_t> bytes) { received += bytes.size(); });
  pacer.push(std::vector<std::uint8_t>(1000, 1));  // a second's worth
  asio::steady_timer timer(io, milliseconds{30});
  timer.async_wait([&](const boost::system::error_code&) { pacer.clear(); });
  io.run();
  EXPECT_GT(received, 10U);
  EXPECT_LT(received, 60U);
  EXPECT_EQ(pacer.pending(), 0U);
}

}  // namespace
}  // namespace meso::sim
