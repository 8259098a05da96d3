// Runs a whole capture through the library's stream decoders and keeps, for every result, where in the
// capture its bytes lie: the decoders report what they found, not where, and a QA engineer needs both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/pen_codec.hpp"

namespace meso::mesoproto {

enum class Protocol : std::uint8_t { mesogun, pen };

template <class Result>
struct Event {
  std::size_t offset = 0;  // of the first byte the result accounts for
  std::size_t length = 0;  // bytes it accounts for, delimiter or "\r\n" included
  Result result;
};

template <class Result>
struct Scan {
  std::vector<Event<Result>> events;
  std::size_t pending = 0;  // bytes the decoder still held when the capture ended
  std::size_t total = 0;    // capture size
};

using MesogunScan = Scan<protocols::mesogun::DecodeResult>;
using PenScan = Scan<protocols::pen::DecodeResult>;

MesogunScan scan_mesogun(std::span<const std::uint8_t> capture);
PenScan scan_pen(std::span<const std::uint8_t> capture);

bool is_error(const protocols::mesogun::DecodeResult& result);
bool is_error(const protocols::pen::DecodeResult& result);

// The `decode` subcommand's JSON line for each result, and for bytes left pending.
nlohmann::ordered_json to_json_line(const Event<protocols::mesogun::DecodeResult>& event);
nlohmann::ordered_json to_json_line(const Event<protocols::pen::DecodeResult>& event);
nlohmann::ordered_json incomplete_json_line(Protocol protocol, std::size_t pending, std::size_t total);

}  // namespace meso::mesoproto
