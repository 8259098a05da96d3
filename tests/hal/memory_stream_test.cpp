#include "meso/hal/memory_stream.hpp"

#include <gtest/gtest.h>

#include "stream_test_support.hpp"

namespace meso::hal::test {
namespace {

TEST(MemoryStream, BytesCrossBothWaysInOrder) {
  asio::io_context io;
  auto [a, b] = make_memory_pair(io);
  Recorder at_a;
  Recorder at_b;
  at_a.attach(*a);
  at_b.attach(*b);
  const auto to_b = payload(10'000, 1);
  const auto to_a = payload(7'000, 2);
  write_in_pieces(*a, to_b);
  write_in_pieces(*b, to_a);
  ASSERT_TRUE(
      run_until(io, [&] { return at_b.bytes.size() == to_b.size() && at_a.bytes.size() == to_a.size(); }));
  EXPECT_EQ(at_b.bytes, to_b);
  EXPECT_EQ(at_a.bytes, to_a);
}

TEST(MemoryStream, CloseMakesThePeerSeeAHangUpOnce) {
  asio::io_context io;
  auto [a, b] = make_memory_pair(io);
  Recorder at_a;
  Recorder at_b;
  at_a.attach(*a);
  at_b.attach(*b);
  a->close();
  a->close();
  ASSERT_TRUE(run_until(io, [&] { return !at_b.closed.empty(); }));
  run_for(io, 20ms);
  EXPECT_EQ(at_b.closed.size(), 1U);
  EXPECT_TRUE(at_a.closed.empty()) << "close() does not call the closer's own handler";
  EXPECT_FALSE(a->is_open());
  EXPECT_FALSE(b->is_open());
}

}  // namespace
}  // namespace meso::hal::test
