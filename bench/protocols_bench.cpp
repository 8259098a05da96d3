// Encode and decode costs of the mesogun and pen protocols, each next to a baseline measured in the same
// run, so the figures can be read as "how many times the unavoidable work" rather than as machine-bound
// nanoseconds. Names follow the convention scripts/bench_table.py relies on:
//   BM_<Family><Operation>/<case>      the measured operation (Family: Mesogun or Pen)
//   BM_Baseline_<Family><Kind>/<case>  a baseline on the same bytes (Kind: Crc32c, Xor or Memcpy)
// Every benchmark of a case reports the same items (frames or sentences) and the same bytes (wire bytes),
// so the ratio of two rows is the same whether read from time, items/s or MB/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "meso/protocols/crc32c.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/pen_codec.hpp"

namespace {

namespace mg = meso::protocols::mesogun;
namespace pen = meso::protocols::pen;

constexpr std::size_t kStreamBytes = 1U << 20U;  // 1 MiB: long enough that setup and cache warm-up vanish
constexpr std::size_t kStreamChunk = 64;         // a typical serial driver read

// ---- mesogun ----

enum class MgCase { fire, shot, status, shot_records_12 };

mg::ShotRecord shot_record(std::uint32_t counter) {
  return {counter, counter % 3 == 0 ? 0 : 1000 + counter, 1500, 20000, 300000 + 250 * counter};
}

mg::Frame mesogun_frame(MgCase which, std::uint16_t seq = 7) {
  switch (which) {
    case MgCase::fire:
      return {seq, 3, mg::Fire{42}};
    case MgCase::shot:
      return {seq, 3, mg::Shot{shot_record(42)}};
    case MgCase::status:
      return {seq, 0, mg::Status{123500, mg::DeviceState::armed, 42, 1980000, 850, 87, 312, 1505, false, 0}};
    case MgCase::shot_records_12: {
      mg::ShotRecords records{90, 111, {}};
      for (std::uint32_t i = 0; i < mg::kMaxShotRecords; ++i)
        records.records.push_back(shot_record(100 + i));
      return {seq, 4, std::move(records)};
    }
  }
  return {};
}

// The bytes the decoder runs CRC-32C over: the decoded frame without its trailing CRC.
std::vector<std::uint8_t> crc_covered_bytes(const mg::Frame& frame) {
  std::vector<std::uint8_t> decoded = mg::serialize(frame);
  decoded.resize(decoded.size() - mg::kCrcSize);
  return decoded;
}

void set_counters(benchmark::State& state, std::size_t items_per_op, std::size_t wire_bytes_per_op) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items_per_op));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire_bytes_per_op));
}

void BM_MesogunEncode(benchmark::State& state, MgCase which) {
  const mg::Frame frame = mesogun_frame(which);
  std::vector<std::uint8_t> out;
  out.reserve(mg::kMaxEncodedFrame + 1);  // a link reuses its transmit buffer
  for ([[maybe_unused]] auto _ : state) {
    out.clear();
    mg::encode_to(frame, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, 1, out.size());
}

void BM_MesogunDecode(benchmark::State& state, MgCase which) {
  const std::vector<std::uint8_t> wire = mg::encode(mesogun_frame(which));
  for ([[maybe_unused]] auto _ : state) {
    mg::DecodeResult result = mg::decode(wire);
    benchmark::DoNotOptimize(result);
  }
  if (!std::holds_alternative<mg::Frame>(mg::decode(wire))) state.SkipWithError("the frame did not decode");
  set_counters(state, 1, wire.size());
}

void BM_Baseline_MesogunCrc32c(benchmark::State& state, MgCase which) {
  const mg::Frame frame = mesogun_frame(which);
  const std::vector<std::uint8_t> covered = crc_covered_bytes(frame);
  for ([[maybe_unused]] auto _ : state) {
    std::uint32_t crc = meso::protocols::crc32c(covered);
    benchmark::DoNotOptimize(crc);
  }
  set_counters(state, 1, mg::encode(frame).size());
}

void BM_Baseline_MesogunMemcpy(benchmark::State& state, MgCase which) {
  const std::vector<std::uint8_t> wire = mg::encode(mesogun_frame(which));
  std::vector<std::uint8_t> copy(wire.size());
  for ([[maybe_unused]] auto _ : state) {
    std::memcpy(copy.data(), wire.data(), wire.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, 1, wire.size());
}

// What the station hears from a gun in a session: mostly STATUS and heartbeats, shots with their FIRE/ACK
// exchange, and now and then a full SHOT_RECORDS page. Stops before the frame that would pass kStreamBytes.
struct MgStream {
  std::vector<std::uint8_t> wire;
  std::vector<std::vector<std::uint8_t>> crc_covered;  // per frame, for the CRC baseline
};

MgStream mesogun_stream() {
  MgStream stream;
  std::vector<std::uint8_t> frame_wire;
  for (std::uint32_t n = 0;; ++n) {
    const auto seq = static_cast<std::uint16_t>(n);
    mg::Frame frame;
    switch (n % 8) {
      case 0:
      case 4:
        frame = mesogun_frame(MgCase::status, seq);
        break;
      case 1:
        frame = mesogun_frame(MgCase::fire, seq);
        break;
      case 2:
        frame = {seq, static_cast<std::uint16_t>(seq - 1), mg::Ack{}};
        break;
      case 3:
        frame = mesogun_frame(MgCase::shot, seq);
        break;
      case 5:
        frame = {seq, 0, mg::Heartbeat{n * 100}};
        break;
      case 6:
        frame =
            n % 200 == 6 ? mesogun_frame(MgCase::shot_records_12, seq) : mesogun_frame(MgCase::status, seq);
        break;
      default:
        frame = {seq, 0, mg::Heartbeat{n * 100 + 50}};
        break;
    }
    frame_wire.clear();
    mg::encode_to(frame, frame_wire);
    if (stream.wire.size() + frame_wire.size() > kStreamBytes) break;
    stream.wire.insert(stream.wire.end(), frame_wire.begin(), frame_wire.end());
    stream.crc_covered.push_back(crc_covered_bytes(frame));
  }
  return stream;
}

void BM_MesogunStream(benchmark::State& state) {
  const MgStream stream = mesogun_stream();
  const std::span<const std::uint8_t> wire(stream.wire);
  std::size_t frames = 0;
  std::size_t failures = 0;
  for ([[maybe_unused]] auto _ : state) {
    mg::FrameDecoder decoder;
    frames = 0;
    failures = 0;
    for (std::size_t at = 0; at < wire.size(); at += kStreamChunk) {
      decoder.feed(wire.subspan(at, std::min(kStreamChunk, wire.size() - at)),
                   [&](const mg::DecodeResult& result) {
                     ++frames;
                     if (std::holds_alternative<mg::DecodeFailure>(result)) ++failures;
                   });
    }
    benchmark::DoNotOptimize(frames);
  }
  if (frames != stream.crc_covered.size() || failures != 0) state.SkipWithError("the stream did not decode");
  set_counters(state, stream.crc_covered.size(), wire.size());
}

void BM_Baseline_MesogunCrc32cStream(benchmark::State& state) {
  const MgStream stream = mesogun_stream();
  for ([[maybe_unused]] auto _ : state) {
    for (const auto& covered : stream.crc_covered) {
      std::uint32_t crc = meso::protocols::crc32c(covered);
      benchmark::DoNotOptimize(crc);
    }
  }
  set_counters(state, stream.crc_covered.size(), stream.wire.size());
}

void BM_Baseline_MesogunMemcpyStream(benchmark::State& state) {
  const MgStream stream = mesogun_stream();
  std::vector<std::uint8_t> copy(kStreamChunk);
  for ([[maybe_unused]] auto _ : state) {
    for (std::size_t at = 0; at < stream.wire.size(); at += kStreamChunk) {
      std::memcpy(copy.data(), stream.wire.data() + at, std::min(kStreamChunk, stream.wire.size() - at));
      benchmark::DoNotOptimize(copy.data());
      benchmark::ClobberMemory();
    }
  }
  set_counters(state, stream.crc_covered.size(), stream.wire.size());
}

// ---- pen ----

enum class PenCase { set_depth, status };

pen::Message pen_message(PenCase which) {
  switch (which) {
    case PenCase::set_depth:
      return pen::SetDepth{1500};
    case PenCase::status:
      return pen::Status{pen::PenState::running, 1500, 120, 48213, 87, -35, 450};
  }
  return {};
}

// The bytes the decoder XORs: between '$' and '*'.
std::string_view checksummed(std::string_view sentence) {
  return sentence.substr(1, sentence.find('*') - 1);
}

void BM_PenEncode(benchmark::State& state, PenCase which) {
  const pen::Message message = pen_message(which);
  std::size_t size = 0;
  for ([[maybe_unused]] auto _ : state) {
    std::string sentence = pen::encode(message);
    size = sentence.size();
    benchmark::DoNotOptimize(sentence.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, 1, size);
}

void BM_PenDecode(benchmark::State& state, PenCase which) {
  const std::string sentence = pen::encode(pen_message(which));
  for ([[maybe_unused]] auto _ : state) {
    pen::DecodeResult result = pen::decode(sentence);
    benchmark::DoNotOptimize(result);
  }
  if (!std::holds_alternative<pen::Message>(pen::decode(sentence)))
    state.SkipWithError("the sentence did not decode");
  set_counters(state, 1, sentence.size());
}

void BM_Baseline_PenXor(benchmark::State& state, PenCase which) {
  const std::string sentence = pen::encode(pen_message(which));
  const std::string_view body = checksummed(sentence);
  for ([[maybe_unused]] auto _ : state) {
    std::uint8_t sum = pen::nmea_checksum(body);
    benchmark::DoNotOptimize(sum);
  }
  set_counters(state, 1, sentence.size());
}

void BM_Baseline_PenMemcpy(benchmark::State& state, PenCase which) {
  const std::string sentence = pen::encode(pen_message(which));
  std::string copy(sentence.size(), '\0');
  for ([[maybe_unused]] auto _ : state) {
    std::memcpy(copy.data(), sentence.data(), sentence.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, 1, sentence.size());
}

}  // namespace

BENCHMARK_CAPTURE(BM_MesogunEncode, fire, MgCase::fire);
BENCHMARK_CAPTURE(BM_MesogunEncode, shot, MgCase::shot);
BENCHMARK_CAPTURE(BM_MesogunEncode, status, MgCase::status);
BENCHMARK_CAPTURE(BM_MesogunEncode, shot_records_12, MgCase::shot_records_12);
BENCHMARK_CAPTURE(BM_MesogunDecode, fire, MgCase::fire);
BENCHMARK_CAPTURE(BM_MesogunDecode, shot, MgCase::shot);
BENCHMARK_CAPTURE(BM_MesogunDecode, status, MgCase::status);
BENCHMARK_CAPTURE(BM_MesogunDecode, shot_records_12, MgCase::shot_records_12);
BENCHMARK_CAPTURE(BM_Baseline_MesogunCrc32c, fire, MgCase::fire);
BENCHMARK_CAPTURE(BM_Baseline_MesogunCrc32c, shot, MgCase::shot);
BENCHMARK_CAPTURE(BM_Baseline_MesogunCrc32c, status, MgCase::status);
BENCHMARK_CAPTURE(BM_Baseline_MesogunCrc32c, shot_records_12, MgCase::shot_records_12);
BENCHMARK_CAPTURE(BM_Baseline_MesogunMemcpy, fire, MgCase::fire);
BENCHMARK_CAPTURE(BM_Baseline_MesogunMemcpy, shot, MgCase::shot);
BENCHMARK_CAPTURE(BM_Baseline_MesogunMemcpy, status, MgCase::status);
BENCHMARK_CAPTURE(BM_Baseline_MesogunMemcpy, shot_records_12, MgCase::shot_records_12);
BENCHMARK(BM_MesogunStream)->Name("BM_MesogunStream/mixed_1MiB_64B_chunks");
BENCHMARK(BM_Baseline_MesogunCrc32cStream)->Name("BM_Baseline_MesogunCrc32c/mixed_1MiB_64B_chunks");
BENCHMARK(BM_Baseline_MesogunMemcpyStream)->Name("BM_Baseline_MesogunMemcpy/mixed_1MiB_64B_chunks");

BENCHMARK_CAPTURE(BM_PenEncode, set_depth, PenCase::set_depth);
BENCHMARK_CAPTURE(BM_PenEncode, status, PenCase::status);
BENCHMARK_CAPTURE(BM_PenDecode, set_depth, PenCase::set_depth);
BENCHMARK_CAPTURE(BM_PenDecode, status, PenCase::status);
BENCHMARK_CAPTURE(BM_Baseline_PenXor, set_depth, PenCase::set_depth);
BENCHMARK_CAPTURE(BM_Baseline_PenXor, status, PenCase::status);
BENCHMARK_CAPTURE(BM_Baseline_PenMemcpy, set_depth, PenCase::set_depth);
BENCHMARK_CAPTURE(BM_Baseline_PenMemcpy, status, PenCase::status);

BENCHMARK_MAIN();
