// The golden vectors (protocols/vectors/*.json, made by the independent peer tests/independent/mesopeer.py
// from docs/protocol.md alone) against the library, both ways: the library decodes every vector's bytes to
// its message, and encodes every message to exactly its bytes. A second, independent check re-derives the
// COBS decoding, the CRC-32C and the NMEA checksum of every vector with code written here from the spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/mesogun_json.hpp"
#include "meso/protocols/pen_codec.hpp"
#include "meso/protocols/pen_json.hpp"

#ifndef MESO_VECTORS_DIR
#error "MESO_VECTORS_DIR must name the protocols/vectors directory"
#endif

namespace meso::protocols {
namespace {

using nlohmann::json;

struct Vector {
  std::string name;
  std::string hex;
  json message;
};

// Printed by GoogleTest (and so in the CTest names gtest_discover_tests makes): the vector's name only.
void PrintTo(const Vector& vector, std::ostream* os) {
  *os << vector.name;
}

std::vector<Vector> load_vectors(const std::string& file) {
  const std::string path = std::string(MESO_VECTORS_DIR) + "/" + file;
  std::ifstream in(path);
  if (!in) return {};  // reported by the VectorFiles tests
  std::vector<Vector> out;
  for (const json& item : json::parse(in)) {
    out.push_back(
        {item.at("name").get<std::string>(), item.at("hex").get<std::string>(), item.at("message")});
  }
  return out;
}

const std::vector<Vector>& mesogun_vectors() {
  static const std::vector<Vector> vectors = load_vectors("mesogun.json");
  return vectors;
}

const std::vector<Vector>& pen_vectors() {
  static const std::vector<Vector> vectors = load_vectors("pen.json");
  return vectors;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd-length hex: " + hex);
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4U]);
    out.push_back(kDigits[b & 0x0FU]);
  }
  return out;
}

std::string to_text(const std::vector<std::uint8_t>& bytes) {
  return {bytes.begin(), bytes.end()};
}

std::string sanitised_name(const testing::TestParamInfo<Vector>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  if (name.empty()) name = "vector_" + std::to_string(info.index);
  return name;
}

// ---------------------------------------------------------------------------------------------------------
// Independent of the library: COBS decoding, CRC-32C and NMEA checksum written from docs/protocol.md.
// ---------------------------------------------------------------------------------------------------------

// CRC-32C, a bit at a time, as the pseudo-code of A.2.
std::uint32_t bitwise_crc32c(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0U ? (crc >> 1U) ^ 0x82F63B78U : crc >> 1U;
    }
  }
  return crc ^ 0xFFFFFFFFU;
}

// COBS decoding of one body (no 0x00 delimiter), as A.1; nullopt when a code byte runs past the end.
std::optional<std::vector<std::uint8_t>> hand_cobs_decode(const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> out;
  std::size_t i = 0;
  while (i < body.size()) {
    const std::size_t code = body[i];
    if (code == 0 || i + code > body.size()) return std::nullopt;
    for (std::size_t k = i + 1; k < i + code; ++k) {
      if (body[k] == 0) return std::nullopt;
      out.push_back(body[k]);
    }
    i += code;
    if (code != 0xFF && i < body.size()) out.push_back(0);
  }
  return out;
}

std::uint8_t hand_nmea_checksum(const std::string& between) {
  std::uint8_t x = 0;
  for (const char c : between)
    x ^= static_cast<std::uint8_t>(c);
  return x;
}

TEST(IndependentCrc, CheckValue) {
  const std::string check = "123456789";
  EXPECT_EQ(bitwise_crc32c(reinterpret_cast<const std::uint8_t*>(check.data()), check.size()), 0xE3069283U);
}

TEST(IndependentCobs, SpecExample) {
  EXPECT_EQ(hand_cobs_decode({0x03, 0x11, 0x22, 0x02, 0x33}),
            (std::vector<std::uint8_t>{0x11, 0x22, 0x00, 0x33}));
  EXPECT_EQ(hand_cobs_decode({0x05, 0x11}), std::nullopt);
}

// ---------------------------------------------------------------------------------------------------------
// The vector files
// ---------------------------------------------------------------------------------------------------------

TEST(VectorFiles, MesogunCoversEveryType) {
  const auto& vectors = mesogun_vectors();
  ASSERT_GE(vectors.size(), 15U) << "protocols/vectors/mesogun.json missing or too small";
  const std::set<std::string> all = {"HELLO", "IDENTITY",    "CONFIGURE", "ARM",    "DISARM", "FIRE",
                                     "ESTOP", "QUERY_SHOTS", "SHOT",      "STATUS", "ALARM",  "SHOT_RECORDS",
                                     "ERROR", "HEARTBEAT",   "ACK",       "NAK"};
  ASSERT_EQ(all.size(), 16U);
  std::set<std::string> seen;
  std::set<std::string> names;
  for (const auto& v : vectors) {
    seen.insert(v.message.at("type").get<std::string>());
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate vector name " << v.name;
  }
  EXPECT_EQ(seen, all);
}

TEST(VectorFiles, PenCoversEveryKind) {
  const auto& vectors = pen_vectors();
  ASSERT_GE(vectors.size(), 8U) << "protocols/vectors/pen.json missing or too small";
  const std::set<std::string> all = {"IDQ", "DEP", "SPD", "RUN", "STP", "STQ",
                                     "IDR", "ACK", "NAK", "STA", "ALM"};
  std::set<std::string> seen;
  std::set<std::string> names;
  for (const auto& v : vectors) {
    seen.insert(v.message.at("type").get<std::string>());
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate vector name " << v.name;
  }
  EXPECT_EQ(seen, all);
}

// docs/protocol.md A.4 and B.3: identities of real devices and of simulators, and the simulated bit where
// the spec puts it (byte 74, bit 7; IDR's last field), read from the vector's own bytes.
TEST(VectorFiles, IdentitiesCoverSimulatedAndReal) {
  std::set<bool> mesogun_seen;
  for (const auto& v : mesogun_vectors()) {
    if (v.message.at("type") != "IDENTITY") continue;
    const bool simulated = v.message.at("simulated").get<bool>();
    mesogun_seen.insert(simulated);
    const auto decoded = hand_cobs_decode(from_hex(v.hex.substr(0, v.hex.size() - 2)));
    ASSERT_TRUE(decoded.has_value()) << v.name;
    ASSERT_EQ(decoded->size(), 6U + 75U + 4U) << v.name;
    EXPECT_EQ(((*decoded)[6 + 74] & 0x80U) != 0, simulated) << v.name;
    EXPECT_EQ((*decoded)[6 + 74] & 0x7FU, v.message.at("modes").get<unsigned>()) << v.name;
  }
  EXPECT_EQ(mesogun_seen, (std::set<bool>{false, true}));
  std::set<bool> pen_seen;
  for (const auto& v : pen_vectors()) {
    if (v.message.at("type") != "IDR") continue;
    const bool simulated = v.message.at("simulated").get<bool>();
    pen_seen.insert(simulated);
    const auto bytes = from_hex(v.hex);
    const std::string text(bytes.begin(), bytes.end());
    const auto star = text.find('*');
    ASSERT_NE(star, std::string::npos) << v.name;
    EXPECT_EQ(text.substr(star - 2, 2), simulated ? ",1" : ",0") << v.name;
  }
  EXPECT_EQ(pen_seen, (std::set<bool>{false, true}));
}

TEST(VectorFiles, HoldTheSpecExample) {
  // docs/protocol.md A.8: the vectors file holds this frame.
  const auto& vectors = mesogun_vectors();
  const bool found = std::any_of(vectors.begin(), vectors.end(), [](const Vector& v) {
    return v.hex == "040113070203022a0101050a8ecc1400" &&
           v.message == json{{"type", "FIRE"}, {"seq", 7}, {"ack", 3}, {"command_id", 42}};
  });
  EXPECT_TRUE(found);
}

// ---------------------------------------------------------------------------------------------------------
// Mesogun, one test case per vector
// ---------------------------------------------------------------------------------------------------------

class MesogunVector : public testing::TestWithParam<Vector> {};

TEST_P(MesogunVector, DecodesToMessage) {
  const Vector& v = GetParam();
  const auto wire = from_hex(v.hex);
  const mesogun::DecodeResult result = mesogun::decode(wire);
  const auto* frame = std::get_if<mesogun::Frame>(&result);
  ASSERT_NE(frame, nullptr) << "decode failed: "
                            << mesogun::name_of(std::get<mesogun::DecodeFailure>(result).error) << " ("
                            << std::get<mesogun::DecodeFailure>(result).detail << ")";
  EXPECT_EQ(mesogun::to_json(*frame), v.message);
}

TEST_P(MesogunVector, DecodesWithoutDelimiter) {
  const Vector& v = GetParam();
  auto wire = from_hex(v.hex);
  ASSERT_FALSE(wire.empty());
  wire.pop_back();
  const mesogun::DecodeResult result = mesogun::decode(wire);
  const auto* frame = std::get_if<mesogun::Frame>(&result);
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(mesogun::to_json(*frame), v.message);
}

TEST_P(MesogunVector, FrameDecoderByteByByte) {
  const Vector& v = GetParam();
  const auto wire = from_hex(v.hex);
  mesogun::FrameDecoder decoder;
  std::vector<mesogun::DecodeResult> results;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    auto result = decoder.push(wire[i]);
    if (result) {
      EXPECT_EQ(i, wire.size() - 1) << "a result before the delimiter";
      results.push_back(*result);
    }
  }
  ASSERT_EQ(results.size(), 1U);
  const auto* frame = std::get_if<mesogun::Frame>(&results.front());
  ASSERT_NE(frame, nullptr) << "decode failed: "
                            << mesogun::name_of(std::get<mesogun::DecodeFailure>(results.front()).error);
  EXPECT_EQ(mesogun::to_json(*frame), v.message);
  EXPECT_EQ(decoder.pending(), 0U);

  // Twice in a row, after a leading flush 0x00, through feed(): the same frame twice.
  std::vector<std::uint8_t> stream{0x00};
  stream.insert(stream.end(), wire.begin(), wire.end());
  stream.insert(stream.end(), wire.begin(), wire.end());
  int frames = 0;
  decoder.feed(stream, [&](const mesogun::DecodeResult& r) {
    const auto* f = std::get_if<mesogun::Frame>(&r);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(mesogun::to_json(*f), v.message);
    ++frames;
  });
  EXPECT_EQ(frames, 2);
}

TEST_P(MesogunVector, EncodesToHex) {
  const Vector& v = GetParam();
  mesogun::Frame frame;
  ASSERT_NO_THROW(frame = mesogun::frame_from_json(v.message));
  EXPECT_EQ(mesogun::validate(frame.message), std::nullopt);
  EXPECT_EQ(to_hex(mesogun::encode(frame)), v.hex);
  // JSON round trip through the library alone.
  EXPECT_EQ(mesogun::to_json(frame), v.message);
}

TEST_P(MesogunVector, IndependentCobsAndCrc) {
  const Vector& v = GetParam();
  const auto wire = from_hex(v.hex);
  ASSERT_GE(wire.size(), 2U);
  ASSERT_EQ(wire.back(), 0x00) << "a wire frame ends with its 0x00 delimiter";
  const std::vector<std::uint8_t> body(wire.begin(), wire.end() - 1);
  EXPECT_EQ(std::count(body.begin(), body.end(), std::uint8_t{0}), 0) << "0x00 inside the COBS body";
  EXPECT_LE(body.size(), 251U);
  const auto decoded = hand_cobs_decode(body);
  ASSERT_TRUE(decoded.has_value()) << "not a valid COBS body";
  ASSERT_GE(decoded->size(), 10U);
  ASSERT_LE(decoded->size(), 250U);
  const std::size_t n = decoded->size() - 4;
  const std::uint32_t stored = static_cast<std::uint32_t>((*decoded)[n]) |
                               (static_cast<std::uint32_t>((*decoded)[n + 1]) << 8U) |
                               (static_cast<std::uint32_t>((*decoded)[n + 2]) << 16U) |
                               (static_cast<std::uint32_t>((*decoded)[n + 3]) << 24U);
  EXPECT_EQ(stored, bitwise_crc32c(decoded->data(), n));
  EXPECT_EQ((*decoded)[0], 1) << "version";
  EXPECT_EQ((*decoded)[2] | ((*decoded)[3] << 8U), v.message.at("seq").get<int>());
  EXPECT_EQ((*decoded)[4] | ((*decoded)[5] << 8U), v.message.at("ack").get<int>());
  // The library's decoded (pre-COBS) form is the same byte string.
  EXPECT_EQ(to_hex(mesogun::serialize(mesogun::frame_from_json(v.message))), to_hex(*decoded));
}

INSTANTIATE_TEST_SUITE_P(Golden, MesogunVector, testing::ValuesIn(mesogun_vectors()), sanitised_name);

// ---------------------------------------------------------------------------------------------------------
// Pen, one test case per vector
// ---------------------------------------------------------------------------------------------------------

class PenVector : public testing::TestWithParam<Vector> {};

TEST_P(PenVector, DecodesToMessage) {
  const Vector& v = GetParam();
  const std::string sentence = to_text(from_hex(v.hex));
  const pen::DecodeResult result = pen::decode(sentence);
  const auto* message = std::get_if<pen::Message>(&result);
  ASSERT_NE(message, nullptr) << "decode failed: " << pen::name_of(std::get<pen::DecodeFailure>(result).error)
                              << " (" << std::get<pen::DecodeFailure>(result).detail << ")";
  EXPECT_EQ(pen::to_json(*message), v.message);
}

TEST_P(PenVector, SentenceDecoderByteByByte) {
  const Vector& v = GetParam();
  const auto bytes = from_hex(v.hex);
  pen::SentenceDecoder decoder;
  std::vector<pen::DecodeResult> results;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto result = decoder.push(bytes[i]);
    if (result) {
      EXPECT_EQ(i, bytes.size() - 1) << "a result before the end of the sentence";
      results.push_back(*result);
    }
  }
  ASSERT_EQ(results.size(), 1U);
  const auto* message = std::get_if<pen::Message>(&results.front());
  ASSERT_NE(message, nullptr) << "decode failed: "
                              << pen::name_of(std::get<pen::DecodeFailure>(results.front()).error);
  EXPECT_EQ(pen::to_json(*message), v.message);
  EXPECT_EQ(decoder.pending(), 0U);

  // Twice in a row through feed(): the same message twice.
  const std::string text = to_text(bytes);
  int messages = 0;
  decoder.feed(text + text, [&](const pen::DecodeResult& r) {
    const auto* m = std::get_if<pen::Message>(&r);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(pen::to_json(*m), v.message);
    ++messages;
  });
  EXPECT_EQ(messages, 2);
}

TEST_P(PenVector, EncodesToHex) {
  const Vector& v = GetParam();
  pen::Message message;
  ASSERT_NO_THROW(message = pen::message_from_json(v.message));
  EXPECT_EQ(pen::validate(message), std::nullopt);
  const std::string sentence = pen::encode(message);
  EXPECT_EQ(to_hex(std::vector<std::uint8_t>(sentence.begin(), sentence.end())), v.hex) << sentence;
  EXPECT_EQ(pen::to_json(message), v.message);
}

TEST_P(PenVector, IndependentFraming) {
  const Vector& v = GetParam();
  const std::string sentence = to_text(from_hex(v.hex));
  ASSERT_LE(sentence.size(), 82U);
  ASSERT_GE(sentence.size(), 10U);
  EXPECT_EQ(sentence.substr(0, 6), "$PMSN,");
  ASSERT_EQ(sentence.substr(sentence.size() - 2), "\r\n");
  const std::size_t star = sentence.size() - 5;
  ASSERT_EQ(sentence[star], '*');
  const std::string between = sentence.substr(1, star - 1);
  EXPECT_EQ(between.find_first_of("$*"), std::string::npos);
  for (const char c : between) {
    EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << "non-printable byte in " << v.name;
  }
  std::ostringstream hh;
  hh << std::uppercase << std::hex;
  const unsigned sum = hand_nmea_checksum(between);
  hh << (sum >> 4U) << (sum & 0x0FU);
  EXPECT_EQ(sentence.substr(star + 1, 2), hh.str()) << "checksum, upper-case hex";
  EXPECT_EQ(pen::nmea_checksum(between), sum);
  EXPECT_EQ(between.substr(5, 3), v.message.at("type").get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(Golden, PenVector, testing::ValuesIn(pen_vectors()), sanitised_name);

}  // namespace
}  // namespace meso::protocols
