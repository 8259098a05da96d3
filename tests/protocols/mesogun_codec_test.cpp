// GoogleTest suites for the mesogun codec (docs/protocol.md Part A): framing, payload layouts, the stream
// decoder's resynchronisation, error typing, limits, validation and the JSON form.
#include "meso/protocols/mesogun_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/protocols/cobs.hpp"
#include "meso/protocols/crc32c.hpp"
#include "meso/protocols/mesogun_json.hpp"

namespace meso::protocols::mesogun {
namespace {

using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

std::string hex(std::span<const std::uint8_t> bytes) {
  std::ostringstream out;
  out << std::hex;
  for (const std::uint8_t b : bytes)
    out << (b < 0x10 ? "0" : "") << static_cast<unsigned>(b) << ' ';
  return out.str();
}

std::string show(const Frame& frame) {
  return to_json(frame).dump();
}

std::string show(const DecodeResult& result) {
  if (const auto* frame = std::get_if<Frame>(&result)) return "frame " + show(*frame);
  const auto& failure = std::get<DecodeFailure>(result);
  std::string out = "failure " + std::string(name_of(failure.error)) + " (" + std::string(failure.detail) +
                    ") wire_bytes=" + std::to_string(failure.wire_bytes);
  if (failure.header) {
    out += " header{v=" + std::to_string(failure.header->version) +
           " type=" + std::to_string(failure.header->type) + " seq=" + std::to_string(failure.header->seq) +
           " ack=" + std::to_string(failure.header->ack) + "}";
  }
  return out;
}

std::string show(const std::vector<DecodeResult>& results) {
  std::string out;
  for (const auto& r : results)
    out += "  " + show(r) + "\n";
  return out;
}

bool is_frame(const DecodeResult& result) {
  return std::holds_alternative<Frame>(result);
}

const DecodeFailure& failure_of(const DecodeResult& result) {
  return std::get<DecodeFailure>(result);
}

// A failure is "typed" when its error is one of the names the spec defines.
bool typed(const DecodeFailure& failure) {
  static const std::set<std::string_view> kNames{"cobs_invalid", "too_short",    "too_long",   "bad_crc",
                                                 "bad_version",  "unknown_type", "bad_length", "bad_field"};
  return kNames.contains(name_of(failure.error)) && !failure.detail.empty();
}

// Feeds `stream` to a fresh decoder in pieces of the given sizes (the rest, if any, in one last piece).
std::vector<DecodeResult> feed_pieces(std::span<const std::uint8_t> stream,
                                      const std::vector<std::size_t>& sizes, FrameDecoder& decoder) {
  std::vector<DecodeResult> results;
  auto sink = [&results](const DecodeResult& r) { results.push_back(r); };
  std::size_t pos = 0;
  for (const std::size_t size : sizes) {
    const std::size_t n = std::min(size, stream.size() - pos);
    decoder.feed(stream.subspan(pos, n), sink);
    pos += n;
  }
  decoder.feed(stream.subspan(pos), sink);
  return results;
}

std::vector<DecodeResult> feed_whole(std::span<const std::uint8_t> stream) {
  FrameDecoder decoder;
  return feed_pieces(stream, {}, decoder);
}

std::vector<DecodeResult> feed_bytewise(std::span<const std::uint8_t> stream) {
  FrameDecoder decoder;
  std::vector<DecodeResult> results;
  for (const std::uint8_t b : stream) {
    if (auto r = decoder.push(b)) results.push_back(*r);
  }
  return results;
}

// Recomputes the CRC of a decoded frame (the last 4 bytes) over everything before it.
void reseal(Bytes& decoded) {
  const std::uint32_t crc = crc32c(std::span<const std::uint8_t>(decoded).first(decoded.size() - 4));
  for (std::size_t i = 0; i < 4; ++i)
    decoded[decoded.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8U * i));
}

// Builds a decoded frame from header fields and a payload, with a valid CRC.
Bytes hand_built(std::uint8_t version, std::uint8_t type, std::uint16_t seq, std::uint16_t ack,
                 const Bytes& payload) {
  Bytes out{version,
            type,
            static_cast<std::uint8_t>(seq),
            static_cast<std::uint8_t>(seq >> 8U),
            static_cast<std::uint8_t>(ack),
            static_cast<std::uint8_t>(ack >> 8U)};
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), 4, 0);
  reseal(out);
  return out;
}

// COBS body plus delimiter.
Bytes wire_of(const Bytes& decoded) {
  Bytes out;
  cobs_encode(decoded, out);
  out.push_back(0x00);
  return out;
}

// Decodes a hand-built decoded frame three ways (parse, decode, stream) and checks that they agree.
DecodeResult decode_all_ways(const Bytes& decoded) {
  const Bytes wire = wire_of(decoded);
  DecodeResult via_decode = decode(wire);
  const auto via_stream = feed_whole(wire);
  EXPECT_EQ(via_stream.size(), 1U);
  if (!via_stream.empty()) {
    EXPECT_TRUE(via_stream[0] == via_decode) << show(via_stream[0]);
  }
  DecodeResult via_parse = parse(decoded);
  // parse() does not know the wire size; everything else must agree.
  if (auto* f = std::get_if<DecodeFailure>(&via_parse)) f->wire_bytes = wire.size();
  EXPECT_TRUE(via_parse == via_decode) << show(via_parse) << " vs " << show(via_decode);
  return via_decode;
}

void expect_failure(const DecodeResult& result, DecodeError error, bool header_expected,
                    const std::string& what) {
  ASSERT_FALSE(is_frame(result)) << what << ": decoded as " << show(result);
  const auto& f = failure_of(result);
  EXPECT_EQ(name_of(f.error), name_of(error)) << what << ": " << show(result);
  EXPECT_EQ(f.header.has_value(), header_expected) << what << ": " << show(result);
  EXPECT_TRUE(typed(f)) << what;
}

ShotRecord record(std::uint32_t counter, std::uint32_t command_id) {
  return ShotRecord{counter, command_id, static_cast<std::uint16_t>(500 + 250 * (counter % 8)),
                    static_cast<std::uint32_t>(40 + counter % 3 * 5), 3'600'000U + counter * 111U};
}

ShotRecords records(std::uint32_t first, std::size_t count) {
  ShotRecords m;
  m.oldest_counter = first > 300 ? first - 256 : 1;
  m.latest_counter = first + static_cast<std::uint32_t>(count) + 3;
  for (std::size_t i = 0; i < count; ++i) {
    const auto counter = first + static_cast<std::uint32_t>(i);
    m.records.push_back(record(counter, i % 3 == 0 ? 0 : 9000 + counter));
  }
  return m;
}

Identity identity(std::string model, std::string serial) {
  Identity m;
  m.hello_nonce = 0xC0FFEE42;
  m.protocol_version = 1;
  m.model = std::move(model);
  m.serial_number = std::move(serial);
  m.firmware_major = 2;
  m.firmware_minor = 4;
  m.firmware_patch = 17;
  m.boot_id = 0x5A5A0001;
  m.shot_counter = 123456;
  m.depth_min_um = 100;
  m.depth_max_um = 4000;
  m.depth_step_um = 50;
  m.dose_min_nl = 10;
  m.dose_max_nl = 1000;
  m.dose_step_nl = 10;
  m.max_shot_rate_mhz = 9000;
  m.syringe_volume_ul = 2000;
  m.modes = kModeBitSingle | kModeBitContinuous | kModeBitNappage;
  return m;
}

Identity simulated_identity() {
  Identity m = identity("MesoGun SIM", "SIM-MG-000001");
  m.modes = kModeBitSingle;
  m.simulated = true;
  return m;
}

// One representative frame of every type, with realistic values; a few types appear more than once to cover
// boundaries (empty and 16-character text, 0 and 12 shot records, negative temperature, sequence wrap).
std::vector<Frame> sample_frames() {
  Status status;
  status.device_time_ms = 123'456'789;
  status.state = DeviceState::armed;
  status.shot_counter = 1234;
  status.reservoir_nl = 1'800'000;
  status.line_pressure_mbar = 850;
  status.battery_pct = 87;
  status.temperature_dc = 312;
  status.depth_actual_um = 1500;
  status.trigger_pressed = true;
  status.active_alarms = 0b0000101;
  Status cold = status;
  cold.state = DeviceState::estopped;
  cold.temperature_dc = -45;
  cold.trigger_pressed = false;
  cold.battery_pct = 100;
  cold.active_alarms = 0x7F;

  return {
      Frame{0, 0, Hello{1, 0xC0FFEE42}},
      Frame{0, 0, identity("MG-200 Mesogun", "SN-0000000012345")},  // 14 and 16 characters
      Frame{0, 0, identity("", "0123456789ABCDEF")},                // empty model, 16-char serial
      Frame{0, 0, identity("ABCDEFGHIJKLMNOP", "")},                // 16-char model, empty serial
      Frame{0, 0, simulated_identity()},
      Frame{1, 0, Configure{1500, 50, FireMode::nappage, 4000}},
      Frame{2, 0, Configure{250, 1000, FireMode::single, 0}},
      Frame{3, 1, Arm{150}},
      Frame{4, 2, Disarm{}},
      Frame{7, 3, Fire{42}},
      Frame{8, 3, Fire{0xFFFFFFFF}},
      Frame{9, 3, EStop{}},
      Frame{10, 3, QueryShots{1001, 12}},
      Frame{4, 10, Shot{ShotRecord{1234, 42, 1500, 50, 3'600'123}}},
      Frame{4, 10, status},
      Frame{65535, 65534, cold},
      Frame{5, 10, Alarm{AlarmCode::occlusion, AlarmPriority::high, true, 3'600'500}},
      Frame{6, 10, Alarm{AlarmCode::low_reservoir, AlarmPriority::low, false, 3'700'000}},
      Frame{7, 10, ShotRecords{0, 0, {}}},  // a device that holds no records
      Frame{8, 10, records(1001, 12)},
      Frame{9, 10, records(77, 5)},
      Frame{10, 11, Error{11, static_cast<std::uint8_t>(MessageType::fire), ErrorReason::not_armed}},
      Frame{11, 12, Error{0, 0x7F, ErrorReason::unknown_type}},
      Frame{3, 2, Heartbeat{3'600'000}},
      Frame{3, 2, Ack{}},
      Frame{3, 2, Nak{NakReason::sequence_gap}},
      Frame{3, 2, Nak{NakReason::corrupted_frame}},
  };
}

// Payload sizes from docs/protocol.md A.3 (SHOT_RECORDS: 9 + 18 x count).
std::size_t spec_payload_size(const Message& m) {
  static const std::map<MessageType, std::size_t> kSizes{
      {MessageType::hello, 5},     {MessageType::identity, 75},   {MessageType::configure, 11},
      {MessageType::arm, 2},       {MessageType::disarm, 0},      {MessageType::fire, 4},
      {MessageType::estop, 0},     {MessageType::query_shots, 5}, {MessageType::shot, 18},
      {MessageType::status, 22},   {MessageType::alarm, 7},       {MessageType::error, 4},
      {MessageType::heartbeat, 4}, {MessageType::ack, 0},         {MessageType::nak, 1},
  };
  if (const auto* r = std::get_if<ShotRecords>(&m)) return 9 + 18 * r->records.size();
  return kSizes.at(type_of(m));
}

// ---------------------------------------------------------------------------------------------------------
// Encoding and round trips
// ---------------------------------------------------------------------------------------------------------

TEST(MesogunCodec, SamplesCoverEveryType) {
  std::set<MessageType> types;
  for (const auto& f : sample_frames())
    types.insert(type_of(f.message));
  EXPECT_EQ(types.size(), 16U);
  EXPECT_EQ(types.size(), std::variant_size_v<Message>);
}

TEST(MesogunCodec, RoundTripsEveryType) {
  for (const auto& frame : sample_frames()) {
    SCOPED_TRACE(show(frame));
    ASSERT_FALSE(validate(frame.message).has_value()) << *validate(frame.message);
    const Bytes wire = encode(frame);
    const DecodeResult decoded = decode(wire);
    ASSERT_TRUE(is_frame(decoded)) << show(decoded) << "\nwire: " << hex(wire);
    EXPECT_TRUE(std::get<Frame>(decoded) == frame) << show(decoded);

    // Without its delimiter, through the stream decoder, and from the serialized (pre-COBS) bytes.
    const DecodeResult no_delimiter = decode(std::span<const std::uint8_t>(wire).first(wire.size() - 1));
    EXPECT_TRUE(no_delimiter == decoded) << show(no_delimiter);
    const auto streamed = feed_whole(wire);
    ASSERT_EQ(streamed.size(), 1U);
    EXPECT_TRUE(streamed[0] == decoded) << show(streamed[0]);
    const DecodeResult parsed = parse(serialize(frame));
    EXPECT_TRUE(parsed == decoded) << show(parsed);
  }
}

TEST(MesogunCodec, EncodedBytesHaveNoZeroExceptTheFinalDelimiter) {
  for (const auto& frame : sample_frames()) {
    const Bytes wire = encode(frame);
    ASSERT_GE(wire.size(), 12U) << show(frame);
    EXPECT_EQ(wire.back(), 0x00) << show(frame);
    EXPECT_EQ(std::count(wire.begin(), wire.end() - 1, std::uint8_t{0}), 0) << show(frame) << "\n"
                                                                            << hex(wire);
  }
}

TEST(MesogunCodec, SerializedLengthIsHeaderPayloadCrcAndEncodingFits) {
  for (const auto& frame : sample_frames()) {
    SCOPED_TRACE(show(frame));
    const Bytes decoded = serialize(frame);
    const std::size_t payload = spec_payload_size(frame.message);
    EXPECT_EQ(decoded.size(), 6 + payload + 4);
    EXPECT_LE(payload, 240U);

    // Header layout: version 1, type, seq and ack little-endian.
    ASSERT_GE(decoded.size(), 10U);
    EXPECT_EQ(decoded[0], 1);
    EXPECT_EQ(decoded[1], static_cast<std::uint8_t>(type_of(frame.message)));
    EXPECT_EQ(decoded[2] | (decoded[3] << 8), frame.seq);
    EXPECT_EQ(decoded[4] | (decoded[5] << 8), frame.ack);
    // CRC-32C over everything before it, least significant byte first.
    const std::uint32_t crc = crc32c(std::span<const std::uint8_t>(decoded).first(decoded.size() - 4));
    const std::size_t c = decoded.size() - 4;
    EXPECT_EQ(static_cast<std::uint32_t>(decoded[c] | (decoded[c + 1] << 8) | (decoded[c + 2] << 16)) |
                  (static_cast<std::uint32_t>(decoded[c + 3]) << 24),
              crc);

    // encode() is exactly COBS(serialize()) + 0x00, and at most 251 + 1 bytes.
    const Bytes wire = encode(frame);
    EXPECT_EQ(wire, wire_of(decoded));
    EXPECT_LE(wire.size(), 252U);
    EXPECT_EQ(wire.size(), decoded.size() + 2);  // below 254 bytes COBS adds exactly one code byte
  }
}

TEST(MesogunCodec, EncodeToAppends) {
  const Frame a{1, 0, Arm{150}};
  const Frame b{2, 0, Fire{7}};
  Bytes out{0xAA};
  encode_to(a, out);
  encode_to(b, out);
  Bytes expected{0xAA};
  const Bytes ea = encode(a);
  const Bytes eb = encode(b);
  expected.insert(expected.end(), ea.begin(), ea.end());
  expected.insert(expected.end(), eb.begin(), eb.end());
  EXPECT_EQ(out, expected);
}

// docs/protocol.md A.8, byte for byte.
TEST(MesogunCodec, MatchesSpecExampleFire) {
  const Frame frame{7, 3, Fire{42}};
  const Bytes decoded{0x01, 0x13, 0x07, 0x00, 0x03, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x0a, 0x8e, 0xcc, 0x14};
  const Bytes wire{0x04, 0x01, 0x13, 0x07, 0x02, 0x03, 0x02, 0x2a,
                   0x01, 0x01, 0x05, 0x0a, 0x8e, 0xcc, 0x14, 0x00};
  EXPECT_EQ(serialize(frame), decoded) << hex(serialize(frame));
  EXPECT_EQ(encode(frame), wire) << hex(encode(frame));
  const DecodeResult result = decode(wire);
  ASSERT_TRUE(is_frame(result)) << show(result);
  EXPECT_TRUE(std::get<Frame>(result) == frame);
}

// Field order, width and endianness of a few payloads, against the A.4 tables.
TEST(MesogunCodec, PayloadLayoutsFollowTheSpecTables) {
  {
    const Bytes d = serialize(Frame{1, 0, Configure{0x1234, 0xA1B2C3D4, FireMode::continuous, 0x00002328}});
    const Bytes payload(d.begin() + 6, d.end() - 4);
    EXPECT_EQ(payload, (Bytes{0x34, 0x12, 0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x28, 0x23, 0x00, 0x00}));
  }
  {
    Status s;
    s.device_time_ms = 0x01020304;
    s.state = DeviceState::fault;
    s.shot_counter = 0x0A0B0C0D;
    s.reservoir_nl = 0x11223344;
    s.line_pressure_mbar = 0x5566;
    s.battery_pct = 99;
    s.temperature_dc = -2;  // two's complement 0xFFFE
    s.depth_actual_um = 0x7788;
    s.trigger_pressed = true;
    s.active_alarms = 0x41;
    const Bytes d = serialize(Frame{0, 0, s});
    const Bytes payload(d.begin() + 6, d.end() - 4);
    EXPECT_EQ(payload, (Bytes{0x04, 0x03, 0x02, 0x01, 0x03, 0x0D, 0x0C, 0x0B, 0x0A, 0x44, 0x33,
                              0x22, 0x11, 0x66, 0x55, 99,   0xFE, 0xFF, 0x88, 0x77, 0x01, 0x41}));
  }
  {
    const Bytes d = serialize(Frame{0, 0, identity("AB", "")});
    const Bytes payload(d.begin() + 6, d.end() - 4);
    ASSERT_EQ(payload.size(), 75U);
    EXPECT_EQ(payload[5], 'A');
    EXPECT_EQ(payload[6], 'B');
    for (std::size_t i = 7; i < 37; ++i)
      EXPECT_EQ(payload[i], 0) << "text16 padding at " << i;
    EXPECT_EQ(payload[74], 0x07);  // modes
  }
  {
    const Bytes d = serialize(Frame{0, 0, records(1001, 2)});
    const Bytes payload(d.begin() + 6, d.end() - 4);
    ASSERT_EQ(payload.size(), 9U + 36U);
    EXPECT_EQ(payload[8], 2);                           // count
    EXPECT_EQ(payload[9] | (payload[10] << 8), 1001);   // first record's shot_counter
    EXPECT_EQ(payload[27] | (payload[28] << 8), 1002);  // second record's shot_counter
  }
}

// ---------------------------------------------------------------------------------------------------------
// Stream decoding: fragmentation
// ---------------------------------------------------------------------------------------------------------

// Several good frames with a few bad ones mixed in, so that failures too must be reported identically.
Bytes mixed_stream() {
  const auto frames = sample_frames();
  Bytes stream{0x00};  // a sender's initial flush
  for (std::size_t i = 0; i < frames.size(); ++i) {
    encode_to(frames[i], stream);
    if (i == 3) stream.insert(stream.end(), {0x05, 0x11, 0x00});  // cobs_invalid
    if (i == 7) stream.insert(stream.end(), {0x00, 0x00});        // empty frames, ignored
    if (i == 9) {
      Bytes bad = encode(Frame{1, 1, Arm{100}});
      bad[3] ^= 0x10;  // bad_crc
      stream.insert(stream.end(), bad.begin(), bad.end());
    }
    if (i == 12) stream.insert(stream.end(), 300, 0x55);  // too_long...
    if (i == 12) stream.push_back(0x00);                  // ...ended here
  }
  return stream;
}

// docs/protocol.md A.4: the simulated flag is bit 7 of IDENTITY's byte 74, beside the mode bits; a device
// older than the bit sent 0 there, so the bytes of a real device are unchanged.
TEST(MesogunIdentity, SimulatedIsBit7OfTheModesByte) {
  const Identity real = identity("MG-200", "MG2-00417");
  const Identity sim = simulated_identity();
  const auto byte74 = [](const Identity& m) {
    const Bytes d = serialize(Frame{0, 0, m});
    return d.at(6 + 74);
  };
  EXPECT_EQ(byte74(real), 0x07);
  EXPECT_EQ(byte74(sim), 0x81);
  Identity all_modes_sim = real;
  all_modes_sim.simulated = true;
  EXPECT_EQ(byte74(all_modes_sim), 0x87);

  for (const Identity& m : {real, sim, all_modes_sim}) {
    const Bytes wire = encode(Frame{0, 0, m});
    const auto whole = decode(wire);
    ASSERT_TRUE(is_frame(whole)) << show(whole);
    const auto& got = std::get<Identity>(std::get<Frame>(whole).message);
    EXPECT_EQ(got.simulated, m.simulated);
    EXPECT_EQ(got.modes, m.modes) << "bit 7 leaked into the modes";
    // In fragments: split at every offset, and byte by byte.
    for (std::size_t cut = 1; cut < wire.size(); ++cut) {
      FrameDecoder decoder;
      const auto results = feed_pieces(wire, {cut}, decoder);
      ASSERT_EQ(results.size(), 1U) << "cut at " << cut;
      EXPECT_TRUE(results[0] == whole) << "cut at " << cut << ": " << show(results[0]);
    }
    const auto bytewise = feed_bytewise(wire);
    ASSERT_EQ(bytewise.size(), 1U);
    EXPECT_TRUE(bytewise[0] == whole);
    // JSON: two members for the one byte.
    const auto j = to_json(Frame{0, 0, m});
    EXPECT_EQ(j.at("simulated"), m.simulated) << j.dump();
    EXPECT_EQ(j.at("modes"), m.modes) << j.dump();
    EXPECT_TRUE(frame_from_json(j) == (Frame{0, 0, m})) << j.dump();
  }
}

TEST(MesogunIdentity, JsonWithoutSimulatedIsRefusedNamingIt) {
  auto j = to_json(Frame{0, 0, identity("MG-200", "MG2-00417")});
  j.erase("simulated");
  try {
    (void)frame_from_json(j);
    ADD_FAILURE() << "accepted " << j.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("simulated"), std::string::npos) << e.what();
  }
  j["simulated"] = 1;  // a boolean, not a bit
  EXPECT_THROW((void)frame_from_json(j), std::invalid_argument);
}

TEST(MesogunStream, WholeStreamYieldsEveryFrameInOrder) {
  const auto frames = sample_frames();
  const auto results = feed_whole(mixed_stream());
  std::vector<Frame> decoded;
  std::vector<std::string> errors;
  for (const auto& r : results) {
    if (is_frame(r)) {
      decoded.push_back(std::get<Frame>(r));
    } else {
      errors.emplace_back(name_of(failure_of(r).error));
    }
  }
  EXPECT_TRUE(decoded == frames) << show(results);
  EXPECT_EQ(errors, (std::vector<std::string>{"cobs_invalid", "bad_crc", "too_long"})) << show(results);
}

TEST(MesogunStream, SplitInTwoAtEveryOffsetMatchesWhole) {
  const Bytes stream = mixed_stream();
  const auto whole = feed_whole(stream);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder decoder;
    const auto split = feed_pieces(stream, {cut}, decoder);
    ASSERT_TRUE(split == whole) << "cut at " << cut << "\n" << show(split) << "vs\n" << show(whole);
    EXPECT_EQ(decoder.pending(), 0U);
  }
}

TEST(MesogunStream, ByteByByteMatchesWhole) {
  const Bytes stream = mixed_stream();
  const auto bytewise = feed_bytewise(stream);
  EXPECT_TRUE(bytewise == feed_whole(stream)) << show(bytewise);
}

TEST(MesogunStream, RandomChunkSizesMatchWhole) {
  const Bytes stream = mixed_stream();
  const auto whole = feed_whole(stream);
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> chunk(1, 64);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::size_t> sizes;
    for (std::size_t total = 0; total < stream.size();) {
      sizes.push_back(chunk(rng));
      total += sizes.back();
    }
    FrameDecoder decoder;
    const auto chunked = feed_pieces(stream, sizes, decoder);
    ASSERT_TRUE(chunked == whole) << "round " << round << "\n" << show(chunked);
  }
}

TEST(MesogunStream, PendingCountsBytesOfThePartialFrame) {
  const Bytes wire = encode(Frame{7, 3, Fire{42}});
  FrameDecoder decoder;
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    EXPECT_FALSE(decoder.push(wire[i]).has_value());
    EXPECT_EQ(decoder.pending(), i + 1);
  }
  const auto result = decoder.push(0x00);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(is_frame(*result));
  EXPECT_EQ(decoder.pending(), 0U);
}

TEST(MesogunStream, EmptyFramesAreIgnored) {
  Bytes stream{0x00, 0x00, 0x00};
  const Frame frame{1, 0, Heartbeat{10}};
  encode_to(frame, stream);
  stream.insert(stream.end(), {0x00, 0x00});
  const auto results = feed_whole(stream);
  ASSERT_EQ(results.size(), 1U) << show(results);
  EXPECT_TRUE(results[0] == DecodeResult{frame});
}

// ---------------------------------------------------------------------------------------------------------
// Garbage
// ---------------------------------------------------------------------------------------------------------

// Random garbage (any byte, 0x00 included) before, between and after good frames. Each good frame is sent
// as a sender does after a possible interruption: a 0x00 flush, then the frame (A.1 step 2). Every good
// frame must come out, and the garbage must produce exactly one typed failure per non-empty 0x00-delimited
// run of it.
TEST(MesogunStream, GarbageBetweenFramesNeverLosesAGoodFrame) {
  std::mt19937 rng(0xBADF00D);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> zero_one_in(0, 9);
  std::uniform_int_distribution<std::size_t> burst(0, 80);
  const auto frames = sample_frames();

  for (int round = 0; round < 50; ++round) {
    Bytes stream;
    std::size_t expected_failures = 0;
    std::size_t run = 0;  // length of the current non-zero garbage run
    auto add_garbage = [&](std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t b = zero_one_in(rng) == 0 ? std::uint8_t{0} : static_cast<std::uint8_t>(byte(rng));
        stream.push_back(b);
        if (b == 0) {
          if (run > 0) ++expected_failures;
          run = 0;
        } else {
          ++run;
        }
      }
    };
    auto flush = [&] {
      stream.push_back(0x00);
      if (run > 0) ++expected_failures;
      run = 0;
    };
    // Occasionally a long burst to exercise too_long.
    for (std::size_t i = 0; i < frames.size(); ++i) {
      add_garbage(i % 7 == 3 ? 400 : burst(rng));
      flush();
      encode_to(frames[i], stream);
    }
    add_garbage(burst(rng));
    flush();

    const auto results = feed_whole(stream);
    std::vector<Frame> good;
    std::size_t failures = 0;
    for (const auto& r : results) {
      if (is_frame(r)) {
        good.push_back(std::get<Frame>(r));
      } else {
        ++failures;
        EXPECT_TRUE(typed(failure_of(r))) << show(r);
        EXPECT_GT(failure_of(r).wire_bytes, 1U) << show(r);
      }
    }
    ASSERT_EQ(good.size(), frames.size()) << "round " << round << "\n" << show(results);
    EXPECT_TRUE(good == frames) << "round " << round;
    EXPECT_EQ(failures, expected_failures) << "round " << round << "\n" << show(results);
  }
}

// Garbage directly after a frame's delimiter (no flush needed: the delimiter already ended the frame) and
// leading garbage ended by a 0x00.
TEST(MesogunStream, GarbageBeforeTheFirstFrameAndAfterTheLast) {
  const Frame a{1, 0, Fire{5}};
  const Frame b{2, 0, Fire{6}};
  Bytes stream{0x12, 0x34, 0x56, 0x00};  // leading garbage, one failure
  encode_to(a, stream);
  stream.insert(stream.end(), {0xFF, 0xFE, 0x00});  // garbage after a frame, one failure
  encode_to(b, stream);
  stream.insert(stream.end(), {0x01, 0x02});  // trailing partial garbage: pending, not yet reported
  FrameDecoder decoder;
  const auto results = feed_pieces(stream, {}, decoder);
  ASSERT_EQ(results.size(), 4U) << show(results);
  EXPECT_FALSE(is_frame(results[0]));
  EXPECT_EQ(failure_of(results[0]).wire_bytes, 4U);
  EXPECT_TRUE(results[1] == DecodeResult{a});
  EXPECT_FALSE(is_frame(results[2]));
  EXPECT_EQ(failure_of(results[2]).wire_bytes, 3U);
  EXPECT_TRUE(results[3] == DecodeResult{b});
  EXPECT_EQ(decoder.pending(), 2U);
}

// Garbage inserted inside a frame: that frame is rejected, and the next good frame, which follows without
// any flush, is decoded.
TEST(MesogunStream, GarbageInsideAFrameRejectsItAndTheNextFrameDecodes) {
  std::mt19937 rng(31337);
  std::uniform_int_distribution<int> nonzero(1, 255);
  std::uniform_int_distribution<int> any(0, 255);
  std::uniform_int_distribution<std::size_t> len(1, 6);
  const Frame next{12, 4, Heartbeat{999}};
  const Bytes next_wire = encode(next);

  for (const auto& frame : sample_frames()) {
    const Bytes wire = encode(frame);
    for (std::size_t pos = 0; pos + 1 < wire.size(); ++pos) {  // before the delimiter
      for (const bool with_zeros : {false, true}) {
        Bytes garbage(len(rng));
        for (auto& g : garbage)
          g = static_cast<std::uint8_t>(with_zeros ? any(rng) : nonzero(rng));
        Bytes stream(wire.begin(), wire.end());
        stream.insert(stream.begin() + static_cast<std::ptrdiff_t>(pos), garbage.begin(), garbage.end());
        stream.insert(stream.end(), next_wire.begin(), next_wire.end());

        const auto results = feed_whole(stream);
        SCOPED_TRACE(show(frame) + " garbage at " + std::to_string(pos) + ": " + hex(garbage));
        ASSERT_GE(results.size(), 2U) << show(results);
        EXPECT_TRUE(results.back() == DecodeResult{next}) << show(results);
        for (std::size_t i = 0; i + 1 < results.size(); ++i) {
          ASSERT_FALSE(is_frame(results[i])) << "a frame with garbage inside decoded\n" << show(results);
          EXPECT_TRUE(typed(failure_of(results[i])));
        }
        if (!with_zeros) {
          EXPECT_EQ(results.size(), 2U) << show(results);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Single-bit errors
// ---------------------------------------------------------------------------------------------------------

// Every single-bit flip of every encoded sample frame, delimiter included. The flipped frame is followed by
// a good frame; no decoded frame may differ from the originals, and the good frame must come out. When the
// flip turns the delimiter into a non-zero byte, the flipped frame and the good one merge into one bad
// frame, so the good frame can only be recovered by a sender's 0x00 flush (A.1 step 2): every flip is also
// tried with that flush, where the good frame must always decode.
TEST(MesogunStream, NoSingleBitFlipYieldsAWrongFrame) {
  const Frame good{321, 123, Heartbeat{0x01020304}};
  const Bytes good_wire = encode(good);
  std::size_t flips = 0;
  for (const auto& original : sample_frames()) {
    const Bytes wire = encode(original);
    for (std::size_t i = 0; i < wire.size(); ++i) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        ++flips;
        Bytes flipped = wire;
        flipped[i] = static_cast<std::uint8_t>(flipped[i] ^ (1U << bit));
        const bool delimiter = i + 1 == wire.size();
        const std::string where =
            show(original) + " byte " + std::to_string(i) + " bit " + std::to_string(bit);

        for (const bool flush : {false, true}) {
          Bytes stream = flipped;
          if (flush) stream.push_back(0x00);
          stream.insert(stream.end(), good_wire.begin(), good_wire.end());
          const auto results = feed_whole(stream);
          std::size_t good_count = 0;
          for (const auto& r : results) {
            if (!is_frame(r)) {
              EXPECT_TRUE(typed(failure_of(r))) << where;
              continue;
            }
            const auto& f = std::get<Frame>(r);
            ASSERT_TRUE(f == original || f == good) << where << ": wrong frame " << show(f);
            if (f == good) ++good_count;
            // A flipped COBS body never decodes to the original frame either.
            EXPECT_FALSE(f == original && !delimiter) << where;
          }
          if (!delimiter || flush) {
            ASSERT_EQ(good_count, 1U) << where << (flush ? " (with flush)" : "") << "\n" << show(results);
            ASSERT_FALSE(results.empty());
            EXPECT_TRUE(results.back() == DecodeResult{good}) << where << "\n" << show(results);
          }
        }
      }
    }
  }
  std::size_t expected_flips = 0;
  for (const auto& f : sample_frames())
    expected_flips += 8 * encode(f).size();
  EXPECT_EQ(flips, expected_flips);
}

// Same check on the decoded (pre-COBS) bytes: every single-bit error is caught, by the CRC or earlier.
TEST(MesogunCodec, ParseRejectsEverySingleBitFlipOfTheDecodedFrame) {
  for (const auto& frame : sample_frames()) {
    const Bytes decoded = serialize(frame);
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        Bytes flipped = decoded;
        flipped[i] = static_cast<std::uint8_t>(flipped[i] ^ (1U << bit));
        const DecodeResult r = parse(flipped);
        ASSERT_FALSE(is_frame(r)) << show(frame) << " byte " << i << " bit " << bit;
        EXPECT_EQ(name_of(failure_of(r).error), "bad_crc");
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------------------

TEST(MesogunLimits, ShotRecordsWithTwelveRecordsIsTheLargestValidFrame) {
  const Frame largest{8, 10, records(1001, 12)};
  const Bytes decoded = serialize(largest);
  EXPECT_EQ(decoded.size(), 6U + 9U + 18U * 12U + 4U);
  EXPECT_LE(decoded.size(), kMaxFrame);
  const Bytes wire = encode(largest);
  EXPECT_LE(wire.size(), 252U);
  for (const auto& f : sample_frames()) {
    if (f == largest) continue;
    EXPECT_LT(serialize(f).size(), decoded.size()) << show(f);
  }
  // Identity with both texts full is the largest fixed-size frame and still smaller.
  EXPECT_LT(serialize(Frame{0, 0, identity("ABCDEFGHIJKLMNOP", "0123456789ABCDEF")}).size(), decoded.size());
  const DecodeResult r = decode(wire);
  ASSERT_TRUE(is_frame(r)) << show(r);
  EXPECT_TRUE(std::get<Frame>(r) == largest);
}

TEST(MesogunLimits, HandBuiltFrameWith241PayloadBytesIsRejected) {
  for (const std::uint8_t type : {std::uint8_t{0x23}, std::uint8_t{0x02}, std::uint8_t{0x30}}) {
    Bytes payload(241);
    for (std::size_t i = 0; i < payload.size(); ++i)
      payload[i] = static_cast<std::uint8_t>(i * 7 + 1);
    if (type == 0x23) payload[8] = 13;  // a count byte consistent with neither 12 nor 13 records
    const Bytes decoded = hand_built(1, type, 5, 6, payload);
    ASSERT_EQ(decoded.size(), 251U);
    const Bytes wire = wire_of(decoded);
    EXPECT_EQ(wire.size(), 253U);  // 252 body bytes: one more than any frame can take
    const DecodeResult r = decode(wire);
    ASSERT_FALSE(is_frame(r)) << show(r);
    const auto name = name_of(failure_of(r).error);
    EXPECT_TRUE(name == "too_long" || name == "bad_length") << show(r);

    const Frame next{1, 1, Ack{}};
    Bytes stream = wire;
    encode_to(next, stream);
    FrameDecoder decoder;
    const auto results = feed_pieces(stream, {}, decoder);
    ASSERT_EQ(results.size(), 2U) << show(results);
    EXPECT_FALSE(is_frame(results[0]));
    EXPECT_TRUE(results[1] == DecodeResult{next});
    EXPECT_EQ(decoder.pending(), 0U);
  }
}

TEST(MesogunLimits, OverlongBodyIsReportedOnceAndTheNextFrameDecodes) {
  for (const std::size_t body : {std::size_t{252}, std::size_t{253}, std::size_t{300}, std::size_t{5000}}) {
    SCOPED_TRACE("body of " + std::to_string(body) + " bytes");
    Bytes stream(body, 0x42);
    stream.push_back(0x00);
    const Frame next{2, 1, Fire{77}};
    encode_to(next, stream);

    FrameDecoder decoder;
    std::vector<DecodeResult> results;
    for (std::size_t i = 0; i < body; ++i) {
      if (auto r = decoder.push(stream[i])) results.push_back(*r);
      ASSERT_EQ(decoder.pending(), i + 1) << "pending after " << i + 1 << " bytes";
    }
    ASSERT_TRUE(results.empty()) << "reported before the delimiter: " << show(results);
    decoder.feed(std::span<const std::uint8_t>(stream).subspan(body),
                 [&results](const DecodeResult& r) { results.push_back(r); });
    ASSERT_EQ(results.size(), 2U) << show(results);
    expect_failure(results[0], DecodeError::too_long, false, "overlong body");
    EXPECT_EQ(failure_of(results[0]).wire_bytes, body + 1);
    EXPECT_TRUE(results[1] == DecodeResult{next}) << show(results);
    EXPECT_EQ(decoder.pending(), 0U);
  }
}

TEST(MesogunLimits, DecodeRejectsAnOverlongBodyDirectly) {
  const Bytes body(252, 0x42);
  expect_failure(decode(body), DecodeError::too_long, false, "252-byte body");
}

// 251 encoded bytes is the limit (the longest frame, 250 bytes, encodes to 251, A.1): such a body is decoded
// (here it is not valid COBS: the last block runs past its end), not discarded as too long. One byte more is
// too long.
TEST(MesogunLimits, TooLongStartsAtTwoHundredFiftyTwoEncodedBytes) {
  for (const std::size_t size : {std::size_t{251}, std::size_t{252}}) {
    Bytes stream(size, 0x42);
    stream.push_back(0x00);
    const auto results = feed_whole(stream);
    ASSERT_EQ(results.size(), 1U) << show(results);
    const DecodeError expected = size == 251 ? DecodeError::cobs_invalid : DecodeError::too_long;
    expect_failure(results[0], expected, false, std::to_string(size) + " encoded bytes");
    EXPECT_EQ(failure_of(results[0]).wire_bytes, size + 1);
    EXPECT_TRUE(decode(stream) == results[0]) << show(decode(stream));
  }
}

TEST(MesogunLimits, ShortFramesAreTooShort) {
  for (std::size_t n = 1; n < 10; ++n) {
    Bytes decoded(n, 0x01);
    const DecodeResult r = decode(wire_of(decoded));
    expect_failure(r, DecodeError::too_short, false, std::to_string(n) + " bytes");
  }
  // A 10-byte frame: header and CRC only; with a valid CRC and a 0-byte type it decodes.
  const DecodeResult ack = decode(wire_of(hand_built(1, 0x31, 4, 5, {})));
  ASSERT_TRUE(is_frame(ack)) << show(ack);
  EXPECT_TRUE(std::get<Frame>(ack) == (Frame{4, 5, Ack{}}));
}

TEST(MesogunLimits, InvalidCobsAndBadCrcAreTyped) {
  expect_failure(decode(Bytes{0x05, 0x11, 0x22, 0x00}), DecodeError::cobs_invalid, false, "code past end");
  Bytes decoded = serialize(Frame{7, 3, Fire{42}});
  decoded.back() ^= 0x80;
  expect_failure(decode(wire_of(decoded)), DecodeError::bad_crc, false, "CRC flipped");
}

// ---------------------------------------------------------------------------------------------------------
// Content errors with a good CRC: the header is reported
// ---------------------------------------------------------------------------------------------------------

TEST(MesogunErrors, UnknownTypeReportsTheHeader) {
  for (const std::uint8_t type :
       {std::uint8_t{0x7F}, std::uint8_t{0x00}, std::uint8_t{0x03}, std::uint8_t{0x16}, std::uint8_t{0x25},
        std::uint8_t{0x33}, std::uint8_t{0xFF}}) {
    const DecodeResult r = decode_all_ways(hand_built(1, type, 0x1234, 0x0042, {0x01, 0x02, 0x03, 0x04}));
    expect_failure(r, DecodeError::unknown_type, true, "type " + std::to_string(type));
    if (is_frame(r) || !failure_of(r).header) continue;
    EXPECT_TRUE((*failure_of(r).header == FrameHeader{1, type, 0x1234, 0x0042}));
  }
}

TEST(MesogunErrors, BadVersionReportsTheHeader) {
  for (const std::uint8_t version : {std::uint8_t{0}, std::uint8_t{2}, std::uint8_t{0xFF}}) {
    const DecodeResult r = decode_all_ways(hand_built(version, 0x13, 7, 3, {42, 0, 0, 0}));
    expect_failure(r, DecodeError::bad_version, true, "version " + std::to_string(version));
    if (!is_frame(r) && failure_of(r).header) {
      EXPECT_TRUE((*failure_of(r).header == FrameHeader{version, 0x13, 7, 3}));
    }
  }
  // Version is checked before type: an unknown type with a bad version is bad_version.
  expect_failure(decode_all_ways(hand_built(2, 0x7F, 1, 1, {})), DecodeError::bad_version, true, "v2 0x7F");
}

TEST(MesogunErrors, WrongPayloadLengthIsBadLength) {
  for (const auto& frame : sample_frames()) {
    const Bytes good = serialize(frame);
    const Bytes payload(good.begin() + 6, good.end() - 4);
    const auto type = static_cast<std::uint8_t>(type_of(frame.message));
    Bytes longer = payload;
    longer.push_back(0x00);
    expect_failure(decode_all_ways(hand_built(1, type, frame.seq, frame.ack, longer)),
                   DecodeError::bad_length, true, show(frame) + " + 1 byte");
    if (!payload.empty()) {
      Bytes shorter = payload;
      shorter.pop_back();
      expect_failure(decode_all_ways(hand_built(1, type, frame.seq, frame.ack, shorter)),
                     DecodeError::bad_length, true, show(frame) + " - 1 byte");
    }
  }
  // SHOT_RECORDS whose count byte disagrees with the records present; and a payload shorter than its header.
  Bytes payload = serialize(Frame{0, 0, records(10, 3)});
  payload = Bytes(payload.begin() + 6, payload.end() - 4);
  payload[8] = 2;
  expect_failure(decode_all_ways(hand_built(1, 0x23, 1, 1, payload)), DecodeError::bad_length, true,
                 "count 2, 3 records");
  payload[8] = 4;
  expect_failure(decode_all_ways(hand_built(1, 0x23, 1, 1, payload)), DecodeError::bad_length, true,
                 "count 4, 3 records");
  expect_failure(decode_all_ways(hand_built(1, 0x23, 1, 1, {0, 0, 0, 0, 0, 0, 0, 0})),
                 DecodeError::bad_length, true, "8-byte SHOT_RECORDS");
}

// Re-seals the payload of `frame` after `mutate` changes it, and expects bad_field with the header.
template <class Mutate>
void expect_bad_field(const Frame& frame, Mutate mutate, const std::string& what) {
  Bytes decoded = serialize(frame);
  mutate(decoded.data() + 6);
  reseal(decoded);
  expect_failure(decode_all_ways(decoded), DecodeError::bad_field, true, what);
}

TEST(MesogunErrors, OutOfRangeFieldValuesAreBadField) {
  const auto samples = sample_frames();
  auto sample = [&samples](MessageType type) {
    for (const auto& f : samples) {
      if (type_of(f.message) == type) return f;
    }
    throw std::logic_error("no sample");
  };
  auto poke = [](std::size_t offset, int value) {
    return [=](std::uint8_t* p) { p[offset] = static_cast<std::uint8_t>(value); };
  };

  // Enums.
  for (const int mode : {0, 4, 0xFF})
    expect_bad_field(sample(MessageType::configure), poke(6, mode), "CONFIGURE.mode " + std::to_string(mode));
  for (const int state : {5, 0x80})
    expect_bad_field(sample(MessageType::status), poke(4, state), "STATUS.state " + std::to_string(state));
  for (const int code : {0, 8})
    expect_bad_field(sample(MessageType::alarm), poke(0, code), "ALARM.code " + std::to_string(code));
  for (const int priority : {0, 4})
    expect_bad_field(sample(MessageType::alarm), poke(1, priority),
                     "ALARM.priority " + std::to_string(priority));
  for (const int reason : {0, 15})
    expect_bad_field(sample(MessageType::error), poke(3, reason), "ERROR.reason " + std::to_string(reason));
  for (const int reason : {0, 3})
    expect_bad_field(sample(MessageType::nak), poke(0, reason), "NAK.reason " + std::to_string(reason));

  // Booleans must be 0 or 1.
  expect_bad_field(sample(MessageType::status), poke(20, 2), "STATUS.trigger_pressed 2");
  expect_bad_field(sample(MessageType::alarm), poke(2, 2), "ALARM.active 2");
  expect_bad_field(sample(MessageType::alarm), poke(2, 0xFF), "ALARM.active 255");

  // Field rules.
  expect_bad_field(
      sample(MessageType::fire), [](std::uint8_t* p) { p[0] = p[1] = p[2] = p[3] = 0; }, "FIRE.command_id 0");
  expect_bad_field(
      sample(MessageType::shot), [](std::uint8_t* p) { p[0] = p[1] = p[2] = p[3] = 0; },
      "SHOT.shot_counter 0");
  expect_bad_field(sample(MessageType::status), poke(15, 101), "STATUS.battery_pct 101");
  expect_bad_field(sample(MessageType::status), poke(21, 0x80), "STATUS.active_alarms bit 7");
  expect_bad_field(sample(MessageType::identity), poke(74, 0x08), "IDENTITY.modes bit 3");
  expect_bad_field(sample(MessageType::identity), poke(74, 0x40), "IDENTITY.modes bit 6");
  expect_bad_field(sample(MessageType::identity), poke(74, 0x88), "IDENTITY.modes bits 3 and 7");

  // SHOT_RECORDS: records must be ascending and counted from 1.
  const Frame recs{1, 1, records(500, 3)};
  expect_bad_field(
      recs, [](std::uint8_t* p) { p[9 + 18] = p[9]; }, "records: equal counters");
  expect_bad_field(
      recs, [](std::uint8_t* p) { p[9 + 18 + 1] = 0; }, "records: descending");
  expect_bad_field(
      recs, [](std::uint8_t* p) { p[9] = p[10] = p[11] = p[12] = 0; }, "records: counter 0");
}

// LIBRARY BUG (reported, not yet fixed; do not weaken this test): a text16 field that is not canonical
// (docs/protocol.md A.4: printable ASCII, then only 0x00) must be bad_field, but the decoder reports
// bad_length. read_text() fails and read(Identity) returns before reading the rest of the payload, so
// read_message() sees remaining() != 0 and reports a length error for a payload of exactly 75 bytes.
TEST(MesogunErrors, NonCanonicalText16IsBadField) {
  auto poke = [](std::size_t offset, int value) {
    return [=](std::uint8_t* p) { p[offset] = static_cast<std::uint8_t>(value); };
  };
  // text16: printable ASCII, then only NULs.
  const Frame short_model{0, 0, identity("MG-200", "SN1")};  // model at payload 5..20, serial at 21..36
  expect_bad_field(short_model, poke(5 + 8, 'X'), "model: printable after a NUL");
  expect_bad_field(short_model, poke(5 + 15, 'X'), "model: printable in the last byte after NULs");
  expect_bad_field(short_model, poke(21 + 4, '!'), "serial_number: printable after a NUL");
  expect_bad_field(short_model, poke(5 + 1, 0x7F), "model: DEL");
  expect_bad_field(short_model, poke(5 + 1, 0x1F), "model: control character");
  expect_bad_field(short_model, poke(5 + 1, 0xC3), "model: non-ASCII");
  expect_bad_field(short_model, poke(5, 0x00), "model: empty text, then printable");
}

TEST(MesogunErrors, ShotRecordsWithThirteenRecordsFails) {
  // Thirteen real records: 243 payload bytes, a frame longer than 250.
  Bytes payload{0x01, 0, 0, 0, 0x20, 0, 0, 0, 13};
  for (std::uint32_t c = 1; c <= 13; ++c) {
    Bytes rec(18, 0);
    rec[0] = static_cast<std::uint8_t>(c);
    rec[8] = 0xDC;
    rec[9] = 0x05;
    payload.insert(payload.end(), rec.begin(), rec.end());
  }
  const DecodeResult thirteen = decode(wire_of(hand_built(1, 0x23, 1, 0, payload)));
  ASSERT_FALSE(is_frame(thirteen)) << show(thirteen);
  EXPECT_TRUE(typed(failure_of(thirteen)));
  EXPECT_EQ(name_of(failure_of(thirteen).error), "too_long") << show(thirteen);

  // A count byte of 13 over twelve records.
  payload.resize(9 + 18 * 12);
  const DecodeResult count13 = decode(wire_of(hand_built(1, 0x23, 1, 0, payload)));
  ASSERT_FALSE(is_frame(count13)) << show(count13);
  EXPECT_TRUE(typed(failure_of(count13)));
  // The same bytes with count 12 are valid: the failure above is due to the count.
  payload[8] = 12;
  const DecodeResult count12 = decode(wire_of(hand_built(1, 0x23, 1, 0, payload)));
  ASSERT_TRUE(is_frame(count12)) << show(count12);
  EXPECT_EQ(std::get<ShotRecords>(std::get<Frame>(count12).message).records.size(), 12U);
}

TEST(MesogunErrors, ErrorNamesAreTheSpecNames) {
  EXPECT_EQ(name_of(DecodeError::cobs_invalid), "cobs_invalid");
  EXPECT_EQ(name_of(DecodeError::too_short), "too_short");
  EXPECT_EQ(name_of(DecodeError::too_long), "too_long");
  EXPECT_EQ(name_of(DecodeError::bad_crc), "bad_crc");
  EXPECT_EQ(name_of(DecodeError::bad_version), "bad_version");
  EXPECT_EQ(name_of(DecodeError::unknown_type), "unknown_type");
  EXPECT_EQ(name_of(DecodeError::bad_length), "bad_length");
  EXPECT_EQ(name_of(DecodeError::bad_field), "bad_field");
}

// ---------------------------------------------------------------------------------------------------------
// validate() and encode refuse what the wire cannot carry
// ---------------------------------------------------------------------------------------------------------

template <class Call>
void expect_invalid_argument(Call call, const std::string& what) {
  try {
    call();
    ADD_FAILURE() << what << ": no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_FALSE(std::string(e.what()).empty()) << what;
  } catch (...) {
    ADD_FAILURE() << what << ": not std::invalid_argument";
  }
}

void expect_refused(const Message& m, const std::string& what) {
  EXPECT_TRUE(validate(m).has_value()) << what;
  const Frame frame{1, 1, m};
  expect_invalid_argument([&] { (void)encode(frame); }, what + " (encode)");
  expect_invalid_argument(
      [&] {
        Bytes out;
        encode_to(frame, out);
      },
      what + " (encode_to)");
  expect_invalid_argument([&] { (void)serialize(frame); }, what + " (serialize)");
}

TEST(MesogunValidate, AcceptsEverySample) {
  for (const auto& f : sample_frames())
    EXPECT_FALSE(validate(f.message).has_value()) << show(f);
}

TEST(MesogunValidate, RefusesMessagesTheWireCannotCarry) {
  expect_refused(Fire{0}, "FIRE command_id 0");
  expect_refused(identity("ABCDEFGHIJKLMNOPQ", "SN1"), "17-character model");
  expect_refused(identity("MG-200", "0123456789ABCDEFG"), "17-character serial");
  expect_refused(identity("MG\x01", "SN1"), "control character in model");
  expect_refused(identity("MG-200\x7F", "SN1"), "DEL in model");
  expect_refused(records(1, 13), "13 records");
  {
    ShotRecords m = records(100, 3);
    std::swap(m.records[0], m.records[2]);
    expect_refused(m, "records not ascending");
  }
  {
    ShotRecords m = records(100, 3);
    m.records[1].shot_counter = m.records[0].shot_counter;
    expect_refused(m, "records with equal counters");
  }
  {
    ShotRecords m = records(100, 1);
    m.records[0].shot_counter = 0;
    expect_refused(m, "record with shot_counter 0");
  }
  expect_refused(Shot{ShotRecord{0, 1, 2, 3, 4}}, "SHOT shot_counter 0");
  {
    Identity m = identity("MG", "SN");
    m.modes = 0x08;
    expect_refused(m, "IDENTITY modes bit 3");
  }
  {
    Identity m = identity("MG", "SN");
    m.modes = kSimulatedBit;  // the flag has its own member; the modes member holds bits 0 to 2
    expect_refused(m, "IDENTITY modes bit 7");
  }
  {
    Status m;
    m.battery_pct = 101;
    expect_refused(m, "STATUS battery 101");
  }
  {
    Status m;
    m.active_alarms = 0x80;
    expect_refused(m, "STATUS active_alarms bit 7");
  }
  expect_refused(Configure{1500, 50, static_cast<FireMode>(4), 0}, "CONFIGURE mode 4");
  expect_refused(Alarm{static_cast<AlarmCode>(0), AlarmPriority::low, true, 0}, "ALARM code 0");
  expect_refused(Nak{static_cast<NakReason>(3)}, "NAK reason 3");
}

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

// Expects message_from_json (and frame_from_json) to throw std::invalid_argument naming `field`.
void expect_json_rejected(const nlohmann::json& json, const std::string& field) {
  for (const bool as_frame : {false, true}) {
    try {
      if (as_frame) {
        (void)frame_from_json(json);
      } else {
        (void)message_from_json(json);
      }
      ADD_FAILURE() << json.dump() << ": accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos)
          << json.dump() << ": message '" << e.what() << "' does not name " << field;
    } catch (const std::exception& e) {
      ADD_FAILURE() << json.dump() << ": not std::invalid_argument: " << e.what();
    }
  }
}

TEST(MesogunJson, RoundTripsEveryType) {
  for (const auto& frame : sample_frames()) {
    const nlohmann::json j = to_json(frame);
    EXPECT_EQ(j.at("type"), std::string(to_name(type_of(frame.message)))) << j.dump();
    EXPECT_EQ(j.at("seq"), frame.seq);
    EXPECT_EQ(j.at("ack"), frame.ack);
    EXPECT_TRUE(frame_from_json(j) == frame) << j.dump();
    // Through text, as the vectors and mesoproto carry it.
    EXPECT_TRUE(frame_from_json(nlohmann::json::parse(j.dump())) == frame) << j.dump();
    const nlohmann::json m = to_json(frame.message);
    EXPECT_FALSE(m.contains("seq"));
    EXPECT_TRUE(message_from_json(m) == frame.message) << m.dump();
  }
}

TEST(MesogunJson, SpecExampleFromJson) {
  const auto frame =
      frame_from_json(nlohmann::json::parse(R"({"type":"FIRE","seq":7,"ack":3,"command_id":42})"));
  EXPECT_TRUE(frame == (Frame{7, 3, Fire{42}}));
  EXPECT_EQ(encode(frame), (Bytes{0x04, 0x01, 0x13, 0x07, 0x02, 0x03, 0x02, 0x2a, 0x01, 0x01, 0x05, 0x0a,
                                  0x8e, 0xcc, 0x14, 0x00}));
  // seq and ack default to 0.
  EXPECT_TRUE(frame_from_json(nlohmann::json::parse(R"({"type":"ACK"})")) == (Frame{0, 0, Ack{}}));
}

TEST(MesogunJson, UsesSpecNamesForEnums) {
  const auto j = to_json(Message{Configure{1500, 50, FireMode::nappage, 4000}});
  EXPECT_EQ(j.at("mode"), "nappage");
  const auto a = to_json(Message{Alarm{AlarmCode::over_pressure, AlarmPriority::medium, false, 1}});
  EXPECT_EQ(a.at("code"), "over_pressure");
  EXPECT_EQ(a.at("priority"), "medium");
  EXPECT_EQ(a.at("active"), false);
}

TEST(MesogunJson, RejectsMalformedMessagesNamingTheField) {
  using nlohmann::json;
  const json fire = json::parse(R"({"type":"FIRE","command_id":42})");
  const json configure = json::parse(R"({"type":"CONFIGURE","depth_um":1500,"dose_nl":50,"mode":"single",
                                         "rate_mhz":0})");
  ASSERT_NO_THROW((void)message_from_json(fire));
  ASSERT_NO_THROW((void)message_from_json(configure));

  // Missing field.
  expect_json_rejected(json::parse(R"({"type":"FIRE"})"), "command_id");
  {
    json j = configure;
    j.erase("dose_nl");
    expect_json_rejected(j, "dose_nl");
  }
  // Unknown field.
  {
    json j = fire;
    j["bogus_field"] = 1;
    expect_json_rejected(j, "bogus_field");
  }
  // Wrong type of value.
  {
    json j = fire;
    j["command_id"] = "42";
    expect_json_rejected(j, "command_id");
    j["command_id"] = 42.5;
    expect_json_rejected(j, "command_id");
    j["command_id"] = true;
    expect_json_rejected(j, "command_id");
  }
  {
    json j = to_json(Message{Alarm{}});
    j["active"] = 1;
    expect_json_rejected(j, "active");
  }
  {
    json j = configure;
    j["mode"] = 1;
    expect_json_rejected(j, "mode");
  }
  // Out-of-range integer.
  {
    json j = configure;
    j["depth_um"] = 70000;
    expect_json_rejected(j, "depth_um");
    j["depth_um"] = -1;
    expect_json_rejected(j, "depth_um");
  }
  {
    json j = fire;
    j["command_id"] = 4294967296ULL;
    expect_json_rejected(j, "command_id");
  }
  {
    json j = to_json(Message{Status{}});
    j["temperature_dc"] = 32768;
    expect_json_rejected(j, "temperature_dc");
    j["temperature_dc"] = -32769;
    expect_json_rejected(j, "temperature_dc");
  }
  // Unknown enum name.
  {
    json j = configure;
    j["mode"] = "burst";
    expect_json_rejected(j, "mode");
    j["mode"] = "SINGLE";  // names are case-sensitive
    expect_json_rejected(j, "mode");
  }
  // Nested shot records name the record and its field.
  {
    json j = to_json(Message{records(5, 2)});
    j["records"][1].erase("dose_nl");
    expect_json_rejected(j, "dose_nl");
    j = to_json(Message{records(5, 2)});
    j["records"][0]["extra"] = 0;
    expect_json_rejected(j, "extra");
  }
  // seq and ack are frame fields only, and range-checked.
  {
    json j = fire;
    j["seq"] = 70000;
    EXPECT_THROW((void)frame_from_json(j), std::invalid_argument);
    EXPECT_THROW((void)message_from_json(j), std::invalid_argument);
  }
  // Unknown type.
  expect_json_rejected(json::parse(R"({"type":"LAUNCH"})"), "LAUNCH");
}

}  // namespace
}  // namespace meso::protocols::mesogun

namespace meso::protocols::mesogun {
namespace {

TEST(MesogunJson, AMisspelledFieldIsNamedRatherThanReportedMissing) {
  try {
    (void)message_from_json(nlohmann::json::parse(R"({"type":"FIRE","comand_id":1})"));
    FAIL() << "a misspelled field was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("comand_id"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace meso::protocols::mesogun
