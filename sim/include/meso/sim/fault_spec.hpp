// What a line does wrong, as `--faults` spells it: "bitflip=0.001,dup=0.02,delay=5:3,dir=both".
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace meso::sim {

enum class FaultDirection : std::uint8_t { outgoing, incoming, both };

struct FaultSpec {
  double bitflip = 0.0;   // per byte: one random bit inverted
  double drop = 0.0;      // per byte: the byte is lost
  double garbage = 0.0;   // per frame: a burst of 1..32 random bytes on the line before it
  double truncate = 0.0;  // per frame: cut short, its delimiter kept
  double dup = 0.0;       // per frame: sent twice
  std::chrono::milliseconds delay_mean{0};
  std::chrono::milliseconds delay_jitter{0};  // uniform in [-jitter, +jitter] around the mean, never below 0
  FaultDirection direction = FaultDirection::outgoing;  // device's output, its input, or both

  bool any() const;
  bool has_frame_faults() const { return garbage > 0 || truncate > 0 || dup > 0 || delay_mean.count() > 0; }
  bool applies_to_outgoing() const { return direction != FaultDirection::incoming; }
  bool applies_to_incoming() const { return direction != FaultDirection::outgoing; }
  bool operator==(const FaultSpec&) const = default;
};

class FaultSpecError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Comma-separated name=value; an empty text means no faults. Throws FaultSpecError naming the bad item.
FaultSpec parse_fault_spec(std::string_view text);

// The canonical text of a spec (what parse_fault_spec reads back to the same spec).
std::string to_string(const FaultSpec& spec);

}  // namespace meso::sim
