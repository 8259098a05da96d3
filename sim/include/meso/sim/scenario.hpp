// A timeline of things that happen to a simulated device and its line, read from JSON (sim/README.md):
// {"events": [{"at_ms": 500, "do": "occlusion"}, {"at_ms": 900, "do": "unplug", "for_ms": 2000}]}
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "meso/protocols/pen_messages.hpp"
#include "meso/sim/fault_spec.hpp"

namespace meso::sim {

using std::chrono::milliseconds;

namespace action {
// The mesogun's world.
struct Occlusion {};
struct ClearOcclusion {};
struct LowReservoir {
  std::optional<std::uint32_t> reservoir_nl;  // default: just under the low-reservoir threshold
};
struct Refill {};
struct UnderDelivery {
  double fraction = 1.0;  // of the set dose that reaches the needle, from now on
};
struct StuckTrigger {};
struct ReleaseTrigger {};
struct Trigger {
  std::uint32_t count = 1;  // pulls, as fast as the mechanism allows
};
// A firmware that still believes it is armed: the next CONFIGURE is refused with `busy` (A.4), once.
struct BusyOnce {};
// The pen's world.
struct PenAlarm {
  protocols::pen::AlarmCode code = protocols::pen::AlarmCode::internal;
  bool active = true;
};
// Either device.
struct Reboot {};
// The line.
struct Unplug {
  milliseconds for_ms{0};
};
struct Stuck {
  milliseconds for_ms{0};
};
struct Faults {
  FaultSpec spec;
};
}  // namespace action

using ScenarioAction = std::variant<action::Occlusion, action::ClearOcclusion, action::LowReservoir,
                                    action::Refill, action::UnderDelivery, action::StuckTrigger,
                                    action::ReleaseTrigger, action::Trigger, action::PenAlarm, action::Reboot,
                                    action::Unplug, action::Stuck, action::Faults, action::BusyOnce>;

// The "do" word of an action, as the JSON spells it.
std::string_view name_of(const ScenarioAction& action);
// Unplug, stuck and faults act on the line, not on the device.
bool is_line_action(const ScenarioAction& action);

struct ScenarioEvent {
  milliseconds at{0};  // from the simulator's start
  ScenarioAction action;
};

struct Scenario {
  std::string description;
  std::vector<ScenarioEvent> events;  // ordered by time; events at the same time keep the file's order
};

class ScenarioError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Strict: an unknown key or action, a missing or mistyped value throws ScenarioError naming it
// ("events[2]: unknown key \"fracton\" for \"under_delivery\" (allowed: at_ms, do, fraction)").
Scenario parse_scenario(const nlohmann::json& json);
Scenario parse_scenario(std::string_view text);
Scenario load_scenario(const std::filesystem::path& path);

// Hands out the events whose time has come.
class ScenarioPlayer {
 public:
  ScenarioPlayer() = default;
  ScenarioPlayer(Scenario scenario, std::chrono::steady_clock::time_point start);

  std::vector<ScenarioAction> take_due(std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::steady_clock::time_point> next_event() const;
  bool finished() const { return next_ >= scenario_.events.size(); }

 private:
  Scenario scenario_;
  std::chrono::steady_clock::time_point start_{};
  std::size_t next_ = 0;
};

}  // namespace meso::sim
