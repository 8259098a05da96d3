#include "meso/protocols/crc32c.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace meso::protocols {
namespace {

// The bit-at-a-time definition of docs/protocol.md A.2, written independently of the library.
std::uint32_t reference_crc32c(std::span<const std::uint8_t> data) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const std::uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? (crc >> 1U) ^ 0x82F63B78U : crc >> 1U;
    }
  }
  return crc ^ 0xFFFFFFFFU;
}

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

TEST(Crc32c, CheckValueOf123456789) {
  const auto data = bytes_of("123456789");
  EXPECT_EQ(crc32c(data), 0xE3069283U);
  EXPECT_EQ(reference_crc32c(data), 0xE3069283U);  // the reference itself is right
}

TEST(Crc32c, EmptyInputIsZero) {
  // init 0xFFFFFFFF xor-out 0xFFFFFFFF with no data: 0.
  EXPECT_EQ(crc32c(std::span<const std::uint8_t>{}), 0x00000000U);
  EXPECT_EQ(reference_crc32c(std::span<const std::uint8_t>{}), 0x00000000U);
}

// Published CRC-32C values (RFC 3720 B.4, iSCSI) catch a wrong reflection or xor-out in both implementations.
TEST(Crc32c, MatchesRfc3720Examples) {
  const std::vector<std::uint8_t> zeros(32, 0x00);
  const std::vector<std::uint8_t> ones(32, 0xFF);
  std::vector<std::uint8_t> ascending(32);
  std::vector<std::uint8_t> descending(32);
  for (std::size_t i = 0; i < 32; ++i) {
    ascending[i] = static_cast<std::uint8_t>(i);
    descending[i] = static_cast<std::uint8_t>(31 - i);
  }
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAU);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43U);
  EXPECT_EQ(crc32c(ascending), 0x46DD794EU);
  EXPECT_EQ(crc32c(descending), 0x113FDB5CU);
  EXPECT_EQ(reference_crc32c(zeros), 0x8A9136AAU);
  EXPECT_EQ(reference_crc32c(ascending), 0x46DD794EU);
}

TEST(Crc32c, SingleBytes) {
  for (unsigned value = 0; value < 256; ++value) {
    const std::vector<std::uint8_t> one{static_cast<std::uint8_t>(value)};
    EXPECT_EQ(crc32c(one), reference_crc32c(one)) << "byte " << value;
  }
}

TEST(Crc32c, MatchesBitwiseReferenceOnRandomBuffers) {
  std::mt19937 rng(0xC3C32C);
  std::uniform_int_distribution<int> length(0, 600);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 400; ++i) {
    std::vector<std::uint8_t> data(static_cast<std::size_t>(length(rng)));
    for (auto& b : data)
      b = static_cast<std::uint8_t>(byte(rng));
    ASSERT_EQ(crc32c(data), reference_crc32c(data)) << "buffer " << i << " of " << data.size() << " bytes";
  }
}

TEST(Crc32c, SubspansAndUnalignedStarts) {
  // Table-driven engines sometimes slice by alignment; every start offset and length must agree.
  std::mt19937 rng(7);
  std::vector<std::uint8_t> data(96);
  for (auto& b : data)
    b = static_cast<std::uint8_t>(rng());
  const std::span<const std::uint8_t> all(data);
  for (std::size_t start = 0; start < 16; ++start) {
    for (std::size_t len = 0; len + start <= data.size(); len += 5) {
      const auto part = all.subspan(start, len);
      ASSERT_EQ(crc32c(part), reference_crc32c(part)) << start << "+" << len;
    }
  }
}

TEST(Crc32c, DetectsEverySingleBitFlip) {
  auto data = bytes_of("MesoStation frame body for CRC bit-flip coverage");
  const std::uint32_t good = crc32c(data);
  for (std::size_t i = 0; i < data.size(); ++i) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      data[i] = static_cast<std::uint8_t>(data[i] ^ (1U << bit));
      EXPECT_NE(crc32c(data), good) << "byte " << i << " bit " << bit;
      data[i] = static_cast<std::uint8_t>(data[i] ^ (1U << bit));
    }
  }
}

}  // namespace
}  // namespace meso::protocols
