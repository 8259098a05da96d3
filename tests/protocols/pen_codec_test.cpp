// GoogleTest suites for the pen codec (docs/protocol.md Part B): NMEA framing and checksum, field values, the
// stream decoder's resynchronisation and error typing, single-bit errors, limits and the JSON form.
#include "meso/protocols/pen_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/protocols/pen_json.hpp"

namespace meso::protocols::pen {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

// Independent of the library: the XOR of every byte of `body` (the text strictly between '$' and '*').
std::uint8_t xor_of(std::string_view body) {
  unsigned sum = 0;
  for (const char c : body)
    sum ^= static_cast<unsigned char>(c);
  return static_cast<std::uint8_t>(sum);
}

std::string hex2(std::uint8_t value, bool upper = true) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  return {digits[value >> 4U], digits[value & 0x0FU]};
}

// A complete sentence around `body` with a correct checksum, computed in the test.
std::string sentence(std::string_view body, bool upper = true) {
  return "$" + std::string(body) + "*" + hex2(xor_of(body), upper) + "\r\n";
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) {
      out.push_back(c);
    } else {
      out += "\\x" + hex2(u);
    }
  }
  return out;
}

std::string show(const Message& m) {
  return to_json(m).dump();
}

std::string show(const DecodeResult& r) {
  if (const auto* m = std::get_if<Message>(&r)) return "message " + show(*m);
  const auto& f = std::get<DecodeFailure>(r);
  return "failure " + std::string(name_of(f.error)) + " (" + std::string(f.detail) +
         ") bytes=" + std::to_string(f.bytes);
}

std::string show(const std::vector<DecodeResult>& results) {
  std::string out;
  for (const auto& r : results)
    out += "  " + show(r) + "\n";
  return out;
}

bool is_message(const DecodeResult& r) {
  return std::holds_alternative<Message>(r);
}

const DecodeFailure& failure_of(const DecodeResult& r) {
  return std::get<DecodeFailure>(r);
}

bool typed(const DecodeFailure& f) {
  static const std::set<std::string_view> kNames{"garbage",        "truncated",    "too_long",
                                                 "bad_terminator", "bad_checksum", "bad_syntax",
                                                 "unknown_kind",   "bad_field"};
  return kNames.contains(name_of(f.error)) && !f.detail.empty();
}

std::vector<DecodeResult> feed_pieces(std::string_view stream, const std::vector<std::size_t>& sizes,
                                      SentenceDecoder& decoder) {
  std::vector<DecodeResult> results;
  auto sink = [&results](const DecodeResult& r) { results.push_back(r); };
  std::size_t pos = 0;
  for (const std::size_t size : sizes) {
    const std::size_t n = std::min(size, stream.size() - pos);
    decoder.feed(stream.substr(pos, n), sink);
    pos += n;
  }
  decoder.feed(stream.substr(pos), sink);
  return results;
}

std::vector<DecodeResult> feed_whole(std::string_view stream) {
  SentenceDecoder decoder;
  return feed_pieces(stream, {}, decoder);
}

std::vector<DecodeResult> feed_bytewise(std::string_view stream) {
  SentenceDecoder decoder;
  std::vector<DecodeResult> results;
  for (const char c : stream) {
    if (auto r = decoder.push(static_cast<std::uint8_t>(c))) results.push_back(*r);
  }
  return results;
}

void expect_failure(const DecodeResult& r, DecodeError error, const std::string& what) {
  ASSERT_FALSE(is_message(r)) << what << ": decoded as " << show(r);
  EXPECT_EQ(name_of(failure_of(r).error), name_of(error)) << what << ": " << show(r);
  EXPECT_TRUE(typed(failure_of(r))) << what;
}

// decode() of a whole sentence, and the same sentence through the stream decoder followed by a good one,
// must agree; the good one must decode.
DecodeResult decode_both_ways(const std::string& text) {
  DecodeResult direct = decode(text);
  const std::string next = sentence("PMSN,STQ");
  const auto streamed = feed_whole(text + next);
  EXPECT_EQ(streamed.size(), 2U) << printable(text) << "\n" << show(streamed);
  if (streamed.size() == 2) {
    // The same outcome (the detail text may differ: the stream decoder sees the bytes one by one).
    const bool same = is_message(direct) ? streamed[0] == direct
                                         : !is_message(streamed[0]) &&
                                               failure_of(streamed[0]).error == failure_of(direct).error &&
                                               failure_of(streamed[0]).bytes == failure_of(direct).bytes;
    EXPECT_TRUE(same) << printable(text) << ": " << show(streamed[0]) << " vs " << show(direct);
    EXPECT_TRUE(streamed[1] == DecodeResult{Message{StatusQuery{}}}) << show(streamed[1]);
  }
  return direct;
}

Identity pen_identity(std::string model, std::string firmware, std::string serial) {
  return Identity{std::move(model), std::move(firmware), std::move(serial), 1, 250, 2500, 250, 50, 150};
}

Identity simulated_pen_identity() {
  Identity m = pen_identity("MesoPen SIM", "1.0.0", "SIM-PEN-000001");
  m.simulated = true;
  return m;
}

// Every kind, with realistic values; ACK and NAK for every host command, NAK for every reason.
std::vector<Message> sample_messages() {
  std::vector<Message> out{
      Identify{},
      SetDepth{1500},
      SetDepth{0},
      SetSpeed{120},
      Start{150},
      Start{65535},
      Stop{},
      StatusQuery{},
      pen_identity("MP-10 Pen", "2.1.0", "PN000123456789AB"),  // 16-character serial
      pen_identity("", "", ""),
      simulated_pen_identity(),
      Status{PenState::running, 1500, 120, 123456, 87, 312, 150},
      Status{PenState::idle, 250, 50, 0, 100, -45, 0},
      Status{PenState::fault, 65535, 65535, 4294967295U, 0, -32768, 65535},
      Status{PenState::idle, 0, 0, 1, 5, 32767, 0},
      Alarm{AlarmCode::motor_stall, AlarmPriority::high, true},
      Alarm{AlarmCode::over_temperature, AlarmPriority::medium, true},
      Alarm{AlarmCode::low_battery, AlarmPriority::low, false},
      Alarm{AlarmCode::cartridge_missing, AlarmPriority::high, false},
      Alarm{AlarmCode::internal, AlarmPriority::high, true},
  };
  for (const Kind k :
       {Kind::identify, Kind::set_depth, Kind::set_speed, Kind::start, Kind::stop, Kind::status_query}) {
    out.emplace_back(Ack{k});
  }
  for (const NakReason r :
       {NakReason::range, NakReason::state, NakReason::alarm, NakReason::syntax, NakReason::lease}) {
    out.emplace_back(Nak{Kind::set_depth, r});
  }
  out.emplace_back(Nak{Kind::start, NakReason::lease});
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding, checksum and round trips
// ---------------------------------------------------------------------------------------------------------

TEST(PenCodec, SamplesCoverEveryKind) {
  std::set<Kind> kinds;
  for (const auto& m : sample_messages())
    kinds.insert(kind_of(m));
  EXPECT_EQ(kinds.size(), 11U);
  EXPECT_EQ(kinds.size(), std::variant_size_v<Message>);
}

TEST(PenCodec, RoundTripsEveryKind) {
  for (const auto& m : sample_messages()) {
    SCOPED_TRACE(show(m));
    ASSERT_FALSE(validate(m).has_value()) << *validate(m);
    const std::string text = encode(m);
    EXPECT_EQ(text.rfind("$PMSN,", 0), 0U) << printable(text);
    EXPECT_EQ(text.substr(6, 3), to_name(kind_of(m))) << printable(text);
    ASSERT_GE(text.size(), 2U);
    EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
    EXPECT_LE(text.size(), 82U);
    const DecodeResult r = decode(text);
    ASSERT_TRUE(is_message(r)) << printable(text) << ": " << show(r);
    EXPECT_TRUE(std::get<Message>(r) == m) << show(r);
    const auto streamed = feed_whole(text);
    ASSERT_EQ(streamed.size(), 1U);
    EXPECT_TRUE(streamed[0] == r);
  }
}

TEST(PenCodec, ExactSentencesForTheSpecTables) {
  EXPECT_EQ(encode(Identify{}), sentence("PMSN,IDQ"));
  EXPECT_EQ(encode(SetDepth{1500}), sentence("PMSN,DEP,1500"));
  EXPECT_EQ(encode(SetSpeed{120}), sentence("PMSN,SPD,120"));
  EXPECT_EQ(encode(Start{150}), sentence("PMSN,RUN,150"));
  EXPECT_EQ(encode(Stop{}), sentence("PMSN,STP"));
  EXPECT_EQ(encode(StatusQuery{}), sentence("PMSN,STQ"));
  EXPECT_EQ(encode(pen_identity("MP-10", "2.1.0", "SN42")),
            sentence("PMSN,IDR,MP-10,2.1.0,SN42,1,250,2500,250,50,150,0"));
  auto sim = pen_identity("MesoPen SIM", "1.0.0", "SIM-PEN-000001");
  sim.simulated = true;
  EXPECT_EQ(encode(sim), sentence("PMSN,IDR,MesoPen SIM,1.0.0,SIM-PEN-000001,1,250,2500,250,50,150,1"));
  EXPECT_EQ(encode(Ack{Kind::set_depth}), sentence("PMSN,ACK,DEP"));
  EXPECT_EQ(encode(Nak{Kind::start, NakReason::lease}), sentence("PMSN,NAK,RUN,LEASE"));
  EXPECT_EQ(encode(Status{PenState::running, 1500, 120, 123456, 87, -45, 150}),
            sentence("PMSN,STA,RUNNING,1500,120,123456,87,-45,150"));
  EXPECT_EQ(encode(Alarm{AlarmCode::cartridge_missing, AlarmPriority::medium, false}),
            sentence("PMSN,ALM,CARTRIDGE_MISSING,MEDIUM,0"));
}

TEST(PenCodec, ChecksumIsTheXorBetweenDollarAndStar) {
  // Hand-computed values, so that the in-test XOR is itself checked.
  EXPECT_EQ(xor_of("PMSN,IDQ"), 0x70);
  EXPECT_EQ(xor_of("PMSN,DEP,1500"), 0x55);
  EXPECT_EQ(encode(Identify{}), "$PMSN,IDQ*70\r\n");
  EXPECT_EQ(encode(SetDepth{1500}), "$PMSN,DEP,1500*55\r\n");

  for (const auto& m : sample_messages()) {
    const std::string text = encode(m);
    const std::size_t star = text.find('*');
    ASSERT_NE(star, std::string::npos) << printable(text);
    ASSERT_EQ(star + 5, text.size()) << printable(text);
    const std::string_view body = std::string_view(text).substr(1, star - 1);
    EXPECT_EQ(text.substr(star + 1, 2), hex2(xor_of(body))) << printable(text);  // upper-case digits
    EXPECT_EQ(nmea_checksum(body), xor_of(body)) << printable(text);
  }
  EXPECT_EQ(nmea_checksum(""), 0);
  EXPECT_EQ(nmea_checksum("\x7F\x01"), 0x7E);
}

TEST(PenCodec, AcceptsLowerCaseChecksum) {
  std::size_t tried = 0;
  for (std::uint16_t depth = 0; depth < 2000; ++depth) {
    const std::string body = "PMSN,DEP," + std::to_string(depth);
    const std::string upper = hex2(xor_of(body));
    if (upper == hex2(xor_of(body), false)) continue;  // no letter digit
    ++tried;
    const std::string lower = sentence(body, false);
    const DecodeResult r = decode_both_ways(lower);
    ASSERT_TRUE(is_message(r)) << printable(lower) << ": " << show(r);
    EXPECT_TRUE(std::get<Message>(r) == Message{SetDepth{depth}});
    // Mixed case too.
    std::string mixed = sentence(body);
    mixed[mixed.size() - 4] =
        static_cast<char>(std::tolower(static_cast<unsigned char>(mixed[mixed.size() - 4])));
    EXPECT_TRUE(is_message(decode(mixed))) << printable(mixed);
  }
  EXPECT_GT(tried, 100U);
}

// ---------------------------------------------------------------------------------------------------------
// Stream decoding: fragmentation
// ---------------------------------------------------------------------------------------------------------

// Good sentences with garbage and bad sentences mixed in.
std::string mixed_stream() {
  std::string stream = "\r\nnoise";
  const auto messages = sample_messages();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    stream += encode(messages[i]);
    if (i == 2) stream += "xx";                                           // garbage
    if (i == 4) stream += "$PMSN,DEP,15";                                 // truncated by the next '$'
    if (i == 6) stream += "$PMSN,IDQ*70\n";                               // bad_terminator
    if (i == 8) stream += "$PMSN,IDQ*71\r\n";                             // bad_checksum
    if (i == 10) stream += "$PMSN," + std::string(100, 'A') + "*00\r\n";  // too_long
    if (i == 12) stream += sentence("PMSN,XYZ");                          // unknown_kind
  }
  return stream;
}

TEST(PenStream, WholeStreamYieldsEveryMessageInOrder) {
  const auto results = feed_whole(mixed_stream());
  std::vector<Message> messages;
  std::vector<std::string> errors;
  for (const auto& r : results) {
    if (is_message(r)) {
      messages.push_back(std::get<Message>(r));
    } else {
      errors.emplace_back(name_of(failure_of(r).error));
    }
  }
  EXPECT_TRUE(messages == sample_messages()) << show(results);
  EXPECT_EQ(errors, (std::vector<std::string>{"garbage", "garbage", "truncated", "bad_terminator",
                                              "bad_checksum", "too_long", "unknown_kind"}))
      << show(results);
}

TEST(PenStream, SplitInTwoAtEveryOffsetMatchesWhole) {
  const std::string stream = mixed_stream();
  const auto whole = feed_whole(stream);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SentenceDecoder decoder;
    const auto split = feed_pieces(stream, {cut}, decoder);
    ASSERT_TRUE(split == whole) << "cut at " << cut << "\n" << show(split) << "vs\n" << show(whole);
    EXPECT_EQ(decoder.pending(), 0U);
  }
}

TEST(PenStream, ByteByByteMatchesWhole) {
  const std::string stream = mixed_stream();
  const auto bytewise = feed_bytewise(stream);
  EXPECT_TRUE(bytewise == feed_whole(stream)) << show(bytewise);
}

TEST(PenStream, RandomChunkSizesMatchWhole) {
  const std::string stream = mixed_stream();
  const auto whole = feed_whole(stream);
  std::mt19937 rng(424242);
  std::uniform_int_distribution<std::size_t> chunk(1, 40);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::size_t> sizes;
    for (std::size_t total = 0; total < stream.size();) {
      sizes.push_back(chunk(rng));
      total += sizes.back();
    }
    SentenceDecoder decoder;
    ASSERT_TRUE(feed_pieces(stream, sizes, decoder) == whole) << "round " << round;
  }
}

TEST(PenStream, SpanAndStringFeedsAgree) {
  const std::string stream = mixed_stream();
  SentenceDecoder decoder;
  std::vector<DecodeResult> results;
  const std::vector<std::uint8_t> bytes(stream.begin(), stream.end());
  decoder.feed(std::span<const std::uint8_t>(bytes),
               [&results](const DecodeResult& r) { results.push_back(r); });
  EXPECT_TRUE(results == feed_whole(stream));
}

// ---------------------------------------------------------------------------------------------------------
// Garbage, truncation, over-long sentences, terminators
// ---------------------------------------------------------------------------------------------------------

TEST(PenStream, GarbageBeforeAndBetweenSentencesIsReportedOncePerRun) {
  std::mt19937 rng(0x5EED);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 60);
  const auto messages = sample_messages();
  for (int round = 0; round < 50; ++round) {
    std::string stream;
    std::vector<std::size_t> runs;
    for (const auto& m : messages) {
      std::string garbage(length(rng), ' ');
      for (auto& g : garbage) {
        do {
          g = static_cast<char>(byte(rng));
        } while (g == '$');  // anything but a sentence start: NUL, CR, LF, '*', high bytes...
      }
      runs.push_back(garbage.size());
      stream += garbage + encode(m);
    }
    const std::string tail = "trailing\r\n";
    stream += tail;

    SentenceDecoder decoder;
    const auto results = feed_pieces(stream, {}, decoder);
    std::size_t i = 0;
    for (std::size_t k = 0; k < messages.size(); ++k) {
      if (runs[k] > 0) {
        ASSERT_LT(i, results.size()) << show(results);
        expect_failure(results[i], DecodeError::garbage, "run " + std::to_string(k));
        EXPECT_EQ(failure_of(results[i]).bytes, runs[k]) << "run " << k;
        ++i;
      }
      ASSERT_LT(i, results.size()) << show(results);
      EXPECT_TRUE(results[i] == DecodeResult{messages[k]})
          << "round " << round << " sentence " << k << ": " << show(results[i]);
      ++i;
    }
    EXPECT_EQ(i, results.size()) << show(results);
    // Trailing garbage is held until the next '$' and then reported once.
    EXPECT_EQ(decoder.pending(), tail.size());
    const std::string next = encode(Stop{});
    const auto more = feed_pieces(next, {}, decoder);
    ASSERT_EQ(more.size(), 2U) << show(more);
    expect_failure(more[0], DecodeError::garbage, "trailing");
    EXPECT_EQ(failure_of(more[0]).bytes, tail.size());
    EXPECT_TRUE(more[1] == DecodeResult{Message{Stop{}}});
  }
}

TEST(PenStream, DollarInsideASentenceTruncatesItAndTheNextDecodes) {
  const std::string partial = "$PMSN,DEP,15";
  const auto results = feed_whole(partial + encode(SetDepth{1500}));
  ASSERT_EQ(results.size(), 2U) << show(results);
  expect_failure(results[0], DecodeError::truncated, "partial sentence");
  EXPECT_EQ(failure_of(results[0]).bytes, partial.size());
  EXPECT_TRUE(results[1] == DecodeResult{Message{SetDepth{1500}}});

  // A '$' in the checksum position or just before the terminator, too.
  for (const std::string cut : {"$PMSN,IDQ*", "$PMSN,IDQ*7", "$PMSN,IDQ*70", "$PMSN,IDQ*70\r", "$"}) {
    const auto r = feed_whole(cut + encode(Identify{}));
    ASSERT_EQ(r.size(), 2U) << printable(cut) << "\n" << show(r);
    expect_failure(r[0], DecodeError::truncated, printable(cut));
    EXPECT_EQ(failure_of(r[0]).bytes, cut.size());
    EXPECT_TRUE(r[1] == DecodeResult{Message{Identify{}}});
  }
}

TEST(PenStream, OverlongSentenceIsTooLongOnceThenTheNextDecodes) {
  for (const std::size_t extra : {std::size_t{1}, std::size_t{2}, std::size_t{50}, std::size_t{1000}}) {
    // Body of 76 + extra characters: a sentence of 82 + extra bytes with a correct checksum.
    const std::string body = "PMSN,IDR," + std::string(67 + extra, 'A');
    const std::string overlong = sentence(body);
    ASSERT_EQ(overlong.size(), 82U + extra);
    SentenceDecoder decoder;
    const auto results = feed_pieces(overlong + encode(Start{150}), {}, decoder);
    ASSERT_EQ(results.size(), 2U) << extra << "\n" << show(results);
    expect_failure(results[0], DecodeError::too_long, "overlong by " + std::to_string(extra));
    EXPECT_TRUE(results[1] == DecodeResult{Message{Start{150}}}) << show(results);
    EXPECT_EQ(decoder.pending(), 0U);
    expect_failure(decode(overlong), DecodeError::too_long, "decode() of overlong");
  }
  // An overlong run with no end at all, then a sentence.
  const auto r = feed_whole("$PMSN," + std::string(500, '9') + encode(Stop{}));
  ASSERT_EQ(r.size(), 2U) << show(r);
  expect_failure(r[0], DecodeError::too_long, "unterminated");
  EXPECT_TRUE(r[1] == DecodeResult{Message{Stop{}}});
}

// docs/protocol.md B.3: IDR's tenth field says whether the pen is a simulator; a pen older than the field
// sends nine, read as not simulated, and is answered like any other (the station then relies on pairing).
TEST(PenIdentity, SimulatedFieldBothWaysWholeAndInFragments) {
  const Identity real = pen_identity("DermaPen X4", "1.8.2", "DPX4-23-00917");
  const Identity sim = simulated_pen_identity();
  for (const Identity& m : {real, sim}) {
    const std::string text = encode(m);
    EXPECT_EQ(text.substr(text.find('*') - 2, 2), m.simulated ? ",1" : ",0") << printable(text);
    const DecodeResult whole = decode_both_ways(text);
    ASSERT_TRUE(is_message(whole)) << show(whole);
    EXPECT_EQ(std::get<Identity>(std::get<Message>(whole)).simulated, m.simulated);
    for (std::size_t cut = 1; cut < text.size(); ++cut) {
      SentenceDecoder decoder;
      const auto results = feed_pieces(text, {cut}, decoder);
      ASSERT_EQ(results.size(), 1U) << "cut at " << cut;
      EXPECT_TRUE(results[0] == whole) << "cut at " << cut << ": " << show(results[0]);
    }
    const auto bytewise = feed_bytewise(text);
    ASSERT_EQ(bytewise.size(), 1U);
    EXPECT_TRUE(bytewise[0] == whole);
    const auto j = to_json(Message{m});
    EXPECT_EQ(j.at("simulated"), m.simulated) << j.dump();
    EXPECT_TRUE(message_from_json(j) == Message{m}) << j.dump();
  }
}

TEST(PenIdentity, ANineFieldIdrFromAnOlderPenReadsAsNotSimulated) {
  const std::string old = sentence("PMSN,IDR,DermaPen X4,1.8.2,DPX4-23-00917,1,250,2500,250,50,150");
  const DecodeResult r = decode_both_ways(old);
  ASSERT_TRUE(is_message(r)) << show(r);
  const auto& id = std::get<Identity>(std::get<Message>(r));
  EXPECT_FALSE(id.simulated);
  EXPECT_EQ(id.serial_number, "DPX4-23-00917");
  EXPECT_EQ(id.speed_max_sps, 150);
  // In fragments too.
  for (std::size_t cut = 1; cut < old.size(); ++cut) {
    SentenceDecoder decoder;
    const auto results = feed_pieces(old, {cut}, decoder);
    ASSERT_EQ(results.size(), 1U) << "cut at " << cut;
    EXPECT_TRUE(results[0] == r) << "cut at " << cut;
  }
  // Encoded again, it carries the field: the reference always sends all ten.
  EXPECT_EQ(encode(Message{id}),
            sentence("PMSN,IDR,DermaPen X4,1.8.2,DPX4-23-00917,1,250,2500,250,50,150,0"));
  // Only IDR has two lengths: another kind with one field fewer is still bad_field.
  expect_failure(decode(sentence("PMSN,STA,IDLE,250,50,0,100,-45")), DecodeError::bad_field, "STA with 6");
}

// Found by fuzz_pen_decoder: a nine-field IDR of 81 or 82 bytes decoded to an identity whose ten-field form
// is past NMEA's 82 bytes, so encode() threw on a message the decoder had accepted. The decoder refuses it.
TEST(PenIdentity, ANineFieldIdrTooLongToCarryItsTenthFieldIsRefused) {
  // Model, firmware and serial grown in turn (each at most 16 characters) to the size asked for.
  const auto legacy_of_size = [](std::size_t size) {
    std::array<std::string, 3> text{"M", "F", "S"};
    const auto make = [&text] {
      return sentence("PMSN,IDR," + text[0] + "," + text[1] + "," + text[2] + ",1,200,2500,50,50,150");
    };
    for (std::size_t i = 0; make().size() < size; i = (i + 1) % text.size())
      text[i] += 'X';
    return make();
  };
  for (const std::size_t size : {80U, 81U, 82U}) {
    const std::string old = legacy_of_size(size);
    ASSERT_EQ(old.size(), size);
    const DecodeResult r = decode_both_ways(old);
    if (size + 2 <= kMaxSentence) {
      ASSERT_TRUE(is_message(r)) << show(r);
      EXPECT_EQ(encode(std::get<Message>(r)).size(), size + 2);
    } else {
      expect_failure(r, DecodeError::bad_field, "legacy IDR of " + std::to_string(size) + " bytes");
    }
  }
}

TEST(PenIdentity, JsonWithoutSimulatedIsRefusedNamingIt) {
  auto j = to_json(Message{pen_identity("P", "1", "S")});
  j.erase("simulated");
  try {
    (void)message_from_json(j);
    ADD_FAILURE() << "accepted " << j.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("simulated"), std::string::npos) << e.what();
  }
}

TEST(PenLimits, EightyTwoByteSentenceIsTheLongest) {
  Identity m = pen_identity(std::string(16, 'M'), std::string(16, 'F'), "");
  const std::size_t base = encode(m).size();
  ASSERT_LT(base, 82U);
  ASSERT_LE(82U - base, 16U);
  m.serial_number = std::string(82 - base, 'S');
  const std::string longest = encode(m);
  ASSERT_EQ(longest.size(), 82U);
  const DecodeResult r = decode_both_ways(longest);
  ASSERT_TRUE(is_message(r)) << show(r);
  EXPECT_TRUE(std::get<Message>(r) == Message{m});

  m.serial_number.push_back('S');  // 83 bytes
  EXPECT_TRUE(validate(m).has_value());
  EXPECT_THROW((void)encode(m), std::invalid_argument);
}

TEST(PenDecode, MissingCarriageReturnIsBadTerminator) {
  const std::string lf_only = "$PMSN,IDQ*70\n";
  const DecodeResult r = decode_both_ways(lf_only);
  expect_failure(r, DecodeError::bad_terminator, "LF only");
  EXPECT_EQ(failure_of(r).bytes, lf_only.size());
  expect_failure(decode("$PMSN,IDQ*70\r"), DecodeError::bad_terminator, "CR only (decode)");
  expect_failure(decode("$PMSN,IDQ*70"), DecodeError::bad_terminator, "no terminator (decode)");
}

TEST(PenDecode, BadChecksum) {
  expect_failure(decode_both_ways("$PMSN,IDQ*71\r\n"), DecodeError::bad_checksum, "wrong checksum");
  expect_failure(decode_both_ways("$PMSN,IDQ*07\r\n"), DecodeError::bad_checksum, "swapped digits");
  expect_failure(decode_both_ways("$PMSN,IDQ\r\n"), DecodeError::bad_checksum, "missing checksum");
  expect_failure(decode_both_ways("$PMSN,IDQ*\r\n"), DecodeError::bad_checksum, "empty checksum");
  expect_failure(decode_both_ways("$PMSN,IDQ*7\r\n"), DecodeError::bad_checksum, "one digit");
  expect_failure(decode_both_ways("$PMSN,IDQ*700\r\n"), DecodeError::bad_checksum, "three digits");
  expect_failure(decode_both_ways("$PMSN,IDQ*G0\r\n"), DecodeError::bad_checksum, "not hex");
  expect_failure(decode_both_ways("$PMSN,IDQ* 7\r\n"), DecodeError::bad_checksum, "space in checksum");
}

TEST(PenDecode, NotPmsnIsBadSyntax) {
  expect_failure(decode_both_ways(sentence("GPGGA,123519,4807.038,N")), DecodeError::bad_syntax, "GPGGA");
  expect_failure(decode_both_ways(sentence("PMSX,IDQ")), DecodeError::bad_syntax, "PMSX");
  expect_failure(decode_both_ways(sentence("pmsn,IDQ")), DecodeError::bad_syntax, "lower-case address");
  expect_failure(decode_both_ways(sentence("PMSNIDQ")), DecodeError::bad_syntax, "no comma after address");
  expect_failure(decode_both_ways(sentence(",PMSN,IDQ")), DecodeError::bad_syntax, "empty address");
  // B.1: "a sentence not starting $PMSN, is bad_syntax", so the address alone, without a kind, is too.
  expect_failure(decode_both_ways(sentence("PMSN")), DecodeError::bad_syntax, "address only, no comma");
  // Non-printable bytes between '$' and '*'.
  expect_failure(decode_both_ways(sentence(std::string("PMSN,DEP,15\x01") + "0")), DecodeError::bad_syntax,
                 "control byte");
  expect_failure(decode_both_ways(sentence("PMSN,DEP,15\x7F")), DecodeError::bad_syntax, "DEL");
  expect_failure(decode_both_ways(sentence("PMSN,DEP,15\xC3")), DecodeError::bad_syntax, "high byte");
}

TEST(PenDecode, UnknownKind) {
  expect_failure(decode_both_ways(sentence("PMSN,XYZ")), DecodeError::unknown_kind, "XYZ");
  expect_failure(decode_both_ways(sentence("PMSN,dep,1500")), DecodeError::unknown_kind, "lower-case kind");
  expect_failure(decode_both_ways(sentence("PMSN,DEPTH,1500")), DecodeError::unknown_kind, "DEPTH");
  expect_failure(decode_both_ways(sentence("PMSN,")), DecodeError::unknown_kind, "empty kind");
}

TEST(PenDecode, MalformedFieldsAreBadField) {
  const std::vector<std::pair<std::string, std::string>> cases{
      // Wrong number of fields.
      {"PMSN,DEP", "DEP without its field"},
      {"PMSN,DEP,1500,1", "DEP with two fields"},
      {"PMSN,IDQ,1", "IDQ with a field"},
      {"PMSN,STP,", "STP with an empty field"},
      {"PMSN,STA,IDLE,250,50,0,100,-45", "STA with 6 fields"},
      {"PMSN,STA,IDLE,250,50,0,100,-45,0,0", "STA with 8 fields"},
      {"PMSN,NAK,DEP", "NAK without a reason"},
      {"PMSN,ALM,INTERNAL,HIGH", "ALM without active"},
      {"PMSN,IDR,a,b,c,1,250,2500,250,50", "IDR with 8 fields"},
      {"PMSN,IDR,a,b,c,1,250,2500,250,50,150,1,0", "IDR with 11 fields"},
      {"PMSN,IDR,a,b,c,1,250,2500,250,50,150,2", "IDR simulated 2"},
      {"PMSN,IDR,a,b,c,1,250,2500,250,50,150,", "IDR simulated empty"},
      {"PMSN,IDR,a,b,c,1,250,2500,250,50,150,true", "IDR simulated word"},
      {"PMSN,IDR,a,b,c,1,250,2500,250,50,150,01", "IDR simulated 01"},
      {"PMSN,DEP,1,2,3,4,5,6,7,8,9,10,11,12", "many fields"},
      // Non-canonical integers.
      {"PMSN,DEP,01500", "leading zero"},
      {"PMSN,DEP,00", "double zero"},
      {"PMSN,DEP,+5", "plus sign"},
      {"PMSN,DEP,", "empty integer"},
      {"PMSN,DEP,-5", "negative unsigned"},
      {"PMSN,DEP,-0", "minus zero (unsigned)"},
      {"PMSN,STA,IDLE,250,50,0,100,-0,0", "minus zero (signed)"},
      {"PMSN,STA,IDLE,250,50,0,100,+45,0", "plus sign (signed)"},
      {"PMSN,STA,IDLE,250,50,0,100,-045,0", "leading zero after minus"},
      {"PMSN,STA,IDLE,250,50,0,100,-,0", "lone minus"},
      {"PMSN,DEP,15 0", "space inside"},
      {"PMSN,DEP, 150", "leading space"},
      {"PMSN,DEP,1e3", "exponent"},
      {"PMSN,DEP,0x10", "hex"},
      {"PMSN,DEP,1.5", "decimal point"},
      // Out of range.
      {"PMSN,DEP,65536", "u16 65536"},
      {"PMSN,SPD,99999999999", "u16 huge"},
      {"PMSN,RUN,70000", "RUN lease over u16"},
      {"PMSN,STA,IDLE,250,50,4294967296,100,-45,0", "u32 2^32"},
      {"PMSN,STA,IDLE,250,50,0,101,-45,0", "battery 101"},
      {"PMSN,STA,IDLE,250,50,0,256,-45,0", "battery 256"},
      {"PMSN,STA,IDLE,250,50,0,100,32768,0", "i16 32768"},
      {"PMSN,STA,IDLE,250,50,0,100,-32769,0", "i16 -32769"},
      {"PMSN,IDR,M,F,S,256,250,2500,250,50,150", "u8 protocol_version 256"},
      // Bad tokens.
      {"PMSN,STA,SLEEPING,250,50,0,100,-45,0", "unknown state"},
      {"PMSN,STA,idle,250,50,0,100,-45,0", "lower-case state"},
      {"PMSN,NAK,DEP,FOO", "unknown NAK reason"},
      {"PMSN,NAK,XYZ,RANGE", "NAK of an unknown kind"},
      {"PMSN,ACK,STA", "ACK of a pen sentence"},
      {"PMSN,NAK,IDR,RANGE", "NAK of a pen sentence"},
      {"PMSN,ALM,OVERHEAT,HIGH,1", "unknown alarm code"},
      {"PMSN,ALM,INTERNAL,URGENT,1", "unknown priority"},
      {"PMSN,ALM,INTERNAL,HIGH,2", "boolean 2"},
      {"PMSN,ALM,INTERNAL,HIGH,true", "boolean word"},
      {"PMSN,ALM,INTERNAL,HIGH,", "empty boolean"},
      // Text fields.
      {"PMSN,IDR,M!,F,S,1,250,2500,250,50,150", "'!' in a text field"},
      {"PMSN,IDR,M,F\\,S,1,250,2500,250,50,150", "'\\' in a text field"},
      {"PMSN,IDR,M,F,S^,1,250,2500,250,50,150", "'^' in a text field"},
      {"PMSN,IDR,M~,F,S,1,250,2500,250,50,150", "'~' in a text field"},
      {"PMSN,IDR,ABCDEFGHIJKLMNOPQ,F,S,1,250,2500,250,50,150", "17-character text"},
  };
  for (const auto& [body, what] : cases) {
    const std::string text = sentence(body);
    ASSERT_LE(text.size(), 82U) << what;
    expect_failure(decode_both_ways(text), DecodeError::bad_field, what + ": " + printable(text));
  }
  // The boundaries themselves are accepted.
  for (const std::string body :
       {"PMSN,DEP,0", "PMSN,DEP,65535", "PMSN,STA,IDLE,0,0,4294967295,100,-32768,0",
        "PMSN,STA,IDLE,0,0,0,0,32767,0", "PMSN,ALM,INTERNAL,HIGH,0", "PMSN,IDR,,,,255,0,0,0,0,0"}) {
    const DecodeResult r = decode(sentence(body));
    EXPECT_TRUE(is_message(r)) << body << ": " << show(r);
  }
}

TEST(PenDecode, ErrorNamesAreTheSpecNames) {
  EXPECT_EQ(name_of(DecodeError::garbage), "garbage");
  EXPECT_EQ(name_of(DecodeError::truncated), "truncated");
  EXPECT_EQ(name_of(DecodeError::too_long), "too_long");
  EXPECT_EQ(name_of(DecodeError::bad_terminator), "bad_terminator");
  EXPECT_EQ(name_of(DecodeError::bad_checksum), "bad_checksum");
  EXPECT_EQ(name_of(DecodeError::bad_syntax), "bad_syntax");
  EXPECT_EQ(name_of(DecodeError::unknown_kind), "unknown_kind");
  EXPECT_EQ(name_of(DecodeError::bad_field), "bad_field");
}

// ---------------------------------------------------------------------------------------------------------
// Single-bit errors
// ---------------------------------------------------------------------------------------------------------

// The claim: the NMEA XOR checksum catches every single-bit error. A flip between '$' and '*' changes the XOR
// of the body by that bit; a flip in the checksum digits changes its value (or makes it non-hex) unless it
// only changes the case of a letter digit, which receivers accept as the same value. Every flip of every
// byte of every sample, followed by a good sentence: no result differs from the original, a case flip is
// the only way the original itself comes out, and the following sentence always decodes.
TEST(PenStream, NoSingleBitFlipYieldsADifferentMessage) {
  const Message good = SetSpeed{77};  // not among the samples
  const std::string good_text = encode(good);
  std::size_t flips = 0;
  std::size_t case_flips = 0;
  for (const auto& original : sample_messages()) {
    const std::string text = encode(original);
    const std::size_t star = text.find('*');
    for (std::size_t i = 0; i < text.size(); ++i) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        ++flips;
        std::string flipped = text;
        flipped[i] = static_cast<char>(static_cast<unsigned char>(flipped[i]) ^ (1U << bit));
        const bool letter_digit =
            (i == star + 1 || i == star + 2) && std::isalpha(static_cast<unsigned char>(text[i]));
        const bool case_flip = letter_digit && bit == 5;
        const std::string where =
            show(original) + " byte " + std::to_string(i) + " bit " + std::to_string(bit);

        // The single sentence on its own.
        const DecodeResult alone = decode(flipped);
        if (case_flip) {
          ++case_flips;
          EXPECT_TRUE(alone == DecodeResult{original}) << where << ": " << show(alone);
        } else {
          EXPECT_FALSE(is_message(alone)) << where << ": " << printable(flipped) << " -> " << show(alone);
        }

        // In a stream, followed by a good sentence.
        const auto results = feed_whole(flipped + good_text);
        std::size_t originals = 0;
        for (std::size_t k = 0; k < results.size(); ++k) {
          if (!is_message(results[k])) {
            EXPECT_TRUE(typed(failure_of(results[k]))) << where;
            continue;
          }
          const auto& m = std::get<Message>(results[k]);
          ASSERT_TRUE(m == original || m == good) << where << ": different message " << show(m) << "\n"
                                                  << show(results);
          if (m == original) ++originals;
        }
        ASSERT_FALSE(results.empty()) << where;
        EXPECT_TRUE(results.back() == DecodeResult{good}) << where << "\n" << show(results);
        EXPECT_EQ(originals, case_flip ? 1U : 0U) << where << "\n" << show(results);
      }
    }
  }
  std::size_t expected = 0;
  for (const auto& m : sample_messages())
    expected += 8 * encode(m).size();
  EXPECT_EQ(flips, expected);
  EXPECT_GT(case_flips, 0U);
}

// The limit of the claim, for the record: two flips of the same bit in two body bytes cancel in the XOR.
TEST(PenDecode, DoubleBitErrorsCanEscapeTheXorChecksum) {
  std::string text = encode(SetDepth{1500});  // "$PMSN,DEP,1500*55\r\n"
  ASSERT_EQ(text.substr(10, 4), "1500");
  text[11] = static_cast<char>(text[11] ^ 1);  // '5' -> '4'
  text[12] = static_cast<char>(text[12] ^ 1);  // '0' -> '1'
  const DecodeResult r = decode(text);
  ASSERT_TRUE(is_message(r)) << show(r);
  EXPECT_TRUE(std::get<Message>(r) == Message{SetDepth{1410}});
}

// ---------------------------------------------------------------------------------------------------------
// Encoding refusals
// ---------------------------------------------------------------------------------------------------------

void expect_refused(const Message& m, const std::string& what) {
  EXPECT_TRUE(validate(m).has_value()) << what;
  try {
    (void)encode(m);
    ADD_FAILURE() << what << ": encoded";
  } catch (const std::invalid_argument& e) {
    EXPECT_FALSE(std::string(e.what()).empty());
  } catch (...) {
    ADD_FAILURE() << what << ": not std::invalid_argument";
  }
}

TEST(PenEncode, RefusesWhatTheWireCannotCarry) {
  for (const char reserved : std::string("$*,!\\^~")) {
    const std::string bad = std::string("MP") + reserved + "10";
    expect_refused(pen_identity(bad, "2.1.0", "SN1"), std::string("model with '") + reserved + "'");
    expect_refused(pen_identity("MP-10", bad, "SN1"), std::string("firmware with '") + reserved + "'");
    expect_refused(pen_identity("MP-10", "2.1.0", bad), std::string("serial with '") + reserved + "'");
  }
  expect_refused(pen_identity("MP\r\n", "2.1.0", "SN1"), "CR LF in model");
  expect_refused(pen_identity("MP\x01", "2.1.0", "SN1"), "control character in model");
  expect_refused(pen_identity(std::string(17, 'M'), "2.1.0", "SN1"), "17-character model");
  expect_refused(pen_identity(std::string(16, 'M'), std::string(16, 'F'), std::string(16, 'S')),
                 "sentence over 82 bytes");
  expect_refused(Ack{Kind::status}, "ACK of a pen sentence");
  expect_refused(Nak{Kind::identity, NakReason::range}, "NAK of a pen sentence");
  expect_refused(Status{PenState::idle, 0, 0, 0, 101, 0, 0}, "battery 101");
  expect_refused(Nak{Kind::set_depth, static_cast<NakReason>(9)}, "undefined NAK reason");
  expect_refused(Alarm{static_cast<AlarmCode>(9), AlarmPriority::low, true}, "undefined alarm code");
}

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

TEST(PenJson, RoundTripsEveryKind) {
  for (const auto& m : sample_messages()) {
    const nlohmann::json j = to_json(m);
    EXPECT_EQ(j.at("type"), std::string(to_name(kind_of(m)))) << j.dump();
    EXPECT_TRUE(message_from_json(j) == m) << j.dump();
    EXPECT_TRUE(message_from_json(nlohmann::json::parse(j.dump())) == m) << j.dump();
  }
  const auto j = to_json(Message{Alarm{AlarmCode::low_battery, AlarmPriority::low, false}});
  EXPECT_EQ(j,
            nlohmann::json::parse(R"({"type":"ALM","code":"LOW_BATTERY","priority":"LOW","active":false})"));
}

TEST(PenJson, RejectsMalformedMessagesNamingTheField) {
  using nlohmann::json;
  auto rejected = [](const json& j, const std::string& field) {
    try {
      (void)message_from_json(j);
      ADD_FAILURE() << j.dump() << ": accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << j.dump() << ": " << e.what();
    }
  };
  rejected(json::parse(R"({"type":"DEP"})"), "depth_um");
  rejected(json::parse(R"({"type":"DEP","depth_um":1500,"speed":3})"), "speed");
  rejected(json::parse(R"({"type":"DEP","depth_um":"1500"})"), "depth_um");
  rejected(json::parse(R"({"type":"DEP","depth_um":70000})"), "depth_um");
  rejected(json::parse(R"({"type":"NAK","command":"DEP","reason":"NOPE"})"), "reason");
  rejected(json::parse(R"({"type":"ALM","code":"INTERNAL","priority":"HIGH","active":1})"), "active");
  rejected(json::parse(R"({"type":"FOO"})"), "FOO");
}

}  // namespace
}  // namespace meso::protocols::pen
