#include "meso/protocols/cobs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace meso::protocols {
namespace {

std::vector<std::uint8_t> enc(const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out;
  cobs_encode(data, out);
  return out;
}

// Examples from the COBS paper and its common references.
TEST(Cobs, EncodesReferenceExamples) {
  EXPECT_EQ(enc({}), (std::vector<std::uint8_t>{0x01}));
  EXPECT_EQ(enc({0x00}), (std::vector<std::uint8_t>{0x01, 0x01}));
  EXPECT_EQ(enc({0x00, 0x00}), (std::vector<std::uint8_t>{0x01, 0x01, 0x01}));
  EXPECT_EQ(enc({0x11, 0x22, 0x00, 0x33}), (std::vector<std::uint8_t>{0x03, 0x11, 0x22, 0x02, 0x33}));
  EXPECT_EQ(enc({0x11, 0x22, 0x33, 0x44}), (std::vector<std::uint8_t>{0x05, 0x11, 0x22, 0x33, 0x44}));
  EXPECT_EQ(enc({0x11, 0x00, 0x00, 0x00}), (std::vector<std::uint8_t>{0x02, 0x11, 0x01, 0x01, 0x01}));
}

TEST(Cobs, FullBlockOf254HasNoTrailingCode) {
  std::vector<std::uint8_t> data(254);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<std::uint8_t>(i + 1);
  const auto out = enc(data);
  ASSERT_EQ(out.size(), 255U);
  EXPECT_EQ(out[0], 0xFF);
  data.push_back(0xFF);  // 255 bytes: a second block starts
  const auto out2 = enc(data);
  ASSERT_EQ(out2.size(), 257U);
  EXPECT_EQ(out2[255], 0x02);
}

TEST(Cobs, RoundTripsEveryLengthAndZeroPattern) {
  for (std::size_t n = 0; n < 600; n += 7) {
    std::vector<std::uint8_t> data(n);
    for (std::size_t i = 0; i < n; ++i)
      data[i] = static_cast<std::uint8_t>((i * 37U) % 5U == 0 ? 0 : i);
    const auto encoded = enc(data);
    EXPECT_EQ(std::count(encoded.begin(), encoded.end(), 0), 0);
    EXPECT_LE(encoded.size(), cobs_max_encoded_size(n));
    std::vector<std::uint8_t> decoded(n + 2);
    const auto size = cobs_decode(encoded, decoded);
    ASSERT_TRUE(size.has_value()) << n;
    decoded.resize(*size);
    EXPECT_EQ(decoded, data) << n;
  }
}

TEST(Cobs, RejectsInvalidBodies) {
  std::vector<std::uint8_t> out(16);
  const std::vector<std::uint8_t> zero_inside{0x03, 0x11, 0x00};
  EXPECT_FALSE(cobs_decode(zero_inside, out));
  const std::vector<std::uint8_t> code_runs_past_end{0x05, 0x11, 0x22};
  EXPECT_FALSE(cobs_decode(code_runs_past_end, out));
  const std::vector<std::uint8_t> leading_zero{0x00};
  EXPECT_FALSE(cobs_decode(leading_zero, out));
  std::vector<std::uint8_t> tiny(1);
  const std::vector<std::uint8_t> too_big_for_output{0x03, 0x11, 0x22};
  EXPECT_FALSE(cobs_decode(too_big_for_output, tiny));
}

}  // namespace
}  // namespace meso::protocols
