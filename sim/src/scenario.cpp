#include "meso/sim/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace meso::sim {

namespace {

using nlohmann::json;

// Reads one event's members; every member an action accepts is listed once, so an unknown key is an error
// naming what is allowed.
class EventReader {
 public:
  EventReader(const json& event, std::string where, std::string_view action)
      : event_(event), where_(std::move(where)), action_(action) {}

  std::uint64_t uint(std::string_view key, std::uint64_t max) {
    const json& value = member(key);
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() > max) {
      fail("\"" + std::string(key) + "\" must be a whole number from 0 to " + std::to_string(max));
    }
    return value.get<std::uint64_t>();
  }
  std::optional<std::uint64_t> optional_uint(std::string_view key, std::uint64_t max) {
    if (!event_.contains(key)) {
      allowed_.emplace_back(key);
      return std::nullopt;
    }
    return uint(key, max);
  }
  double fraction(std::string_view key) {
    const json& value = member(key);
    if (!value.is_number() || value.get<double>() < 0.0 || value.get<double>() > 1.0) {
      fail("\"" + std::string(key) + "\" must be a number from 0 to 1");
    }
    return value.get<double>();
  }
  std::string text(std::string_view key) {
    const json& value = member(key);
    if (!value.is_string()) fail("\"" + std::string(key) + "\" must be a string");
    return value.get<std::string>();
  }
  bool boolean(std::string_view key, bool fallback) {
    if (!event_.contains(key)) {
      allowed_.emplace_back(key);
      return fallback;
    }
    const json& value = member(key);
    if (!value.is_boolean()) fail("\"" + std::string(key) + "\" must be true or false");
    return value.get<bool>();
  }

  // After the action has read what it takes: anything else in the event is a mistake.
  void reject_unknown_keys() const {
    for (const auto& [key, value] : event_.items()) {
      if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) continue;
      std::string allowed;
      for (const auto& name : allowed_)
        allowed += (allowed.empty() ? "" : ", ") + name;
      std::string message = "unknown key \"";
      message += key;
      message += "\" for \"";
      message += action_;
      message += "\" (allowed: ";
      message += allowed;
      message += ")";
      fail(message);
    }
  }

  [[noreturn]] void fail(const std::string& what) const { throw ScenarioError(where_ + ": " + what); }

 private:
  const json& member(std::string_view key) {
    allowed_.emplace_back(key);
    const auto found = event_.find(key);
    if (found == event_.end()) {
      fail("\"" + std::string(action_) + "\" needs \"" + std::string(key) + "\"");
    }
    return *found;
  }

  const json& event_;
  std::string where_;
  std::string_view action_;
  std::vector<std::string> allowed_{"at_ms", "do"};
};

constexpr std::uint64_t kMaxDurationMs = 24ULL * 3600 * 1000;

using ActionParser = std::function<ScenarioAction(EventReader&)>;

const std::map<std::string, ActionParser, std::less<>>& action_parsers() {
  static const std::map<std::string, ActionParser, std::less<>> parsers{
      {"occlusion", [](EventReader&) -> ScenarioAction { return action::Occlusion{}; }},
      {"clear_occlusion", [](EventReader&) -> ScenarioAction { return action::ClearOcclusion{}; }},
      {"low_reservoir",
       [](EventReader& r) -> ScenarioAction {
         action::LowReservoir low;
         if (auto nl = r.optional_uint("reservoir_nl", std::numeric_limits<std::uint32_t>::max())) {
           low.reservoir_nl = static_cast<std::uint32_t>(*nl);
         }
         return low;
       }},
      {"refill", [](EventReader&) -> ScenarioAction { return action::Refill{}; }},
      {"busy_once", [](EventReader&) -> ScenarioAction { return action::BusyOnce{}; }},
      {"under_delivery",
       [](EventReader& r) -> ScenarioAction { return action::UnderDelivery{r.fraction("fraction")}; }},
      {"stuck_trigger", [](EventReader&) -> ScenarioAction { return action::StuckTrigger{}; }},
      {"release_trigger", [](EventReader&) -> ScenarioAction { return action::ReleaseTrigger{}; }},
      {"trigger",
       [](EventReader& r) -> ScenarioAction {
         const auto count = r.optional_uint("count", 10'000).value_or(1);
         if (count == 0) r.fail("\"count\" must be at least 1");
         return action::Trigger{static_cast<std::uint32_t>(count)};
       }},
      {"alarm",
       [](EventReader& r) -> ScenarioAction {
         const std::string code = r.text("code");
         const auto parsed = protocols::enum_from_name<protocols::pen::AlarmCode>(code);
         if (!parsed) {
           std::string known;
           for (const auto& entry : protocols::enum_names<protocols::pen::AlarmCode>()) {
             known += (known.empty() ? "" : ", ") + std::string(entry.name);
           }
           r.fail("unknown pen alarm code \"" + code + "\" (known: " + known + ")");
         }
         return action::PenAlarm{*parsed, r.boolean("active", true)};
       }},
      {"reboot", [](EventReader&) -> ScenarioAction { return action::Reboot{}; }},
      {"unplug",
       [](EventReader& r) -> ScenarioAction {
         return action::Unplug{milliseconds{static_cast<long long>(r.uint("for_ms", kMaxDurationMs))}};
       }},
      {"stuck",
       [](EventReader& r) -> ScenarioAction {
         return action::Stuck{milliseconds{static_cast<long long>(r.uint("for_ms", kMaxDurationMs))}};
       }},
      {"faults",
       [](EventReader& r) -> ScenarioAction {
         try {
           return action::Faults{parse_fault_spec(r.text("spec"))};
         } catch (const FaultSpecError& e) {
           r.fail(e.what());
         }
       }},
  };
  return parsers;
}

ScenarioEvent parse_event(const json& event, std::size_t index) {
  const std::string where = "events[" + std::to_string(index) + "]";
  if (!event.is_object()) throw ScenarioError(where + ": must be an object");
  const auto at = event.find("at_ms");
  if (at == event.end() || !at->is_number_unsigned() || at->get<std::uint64_t>() > kMaxDurationMs) {
    throw ScenarioError(where + ": \"at_ms\" must be a whole number of milliseconds from 0");
  }
  const auto what = event.find("do");
  if (what == event.end() || !what->is_string()) {
    throw ScenarioError(where + ": \"do\" must name an action");
  }
  const auto& parsers = action_parsers();
  const auto parser = parsers.find(what->get<std::string>());
  if (parser == parsers.end()) {
    std::string known;
    for (const auto& [name, unused] : parsers)
      known += (known.empty() ? "" : ", ") + name;
    throw ScenarioError(where + ": unknown action \"" + what->get<std::string>() + "\" (known: " + known +
                        ")");
  }
  EventReader reader(event, where, parser->first);
  ScenarioEvent parsed{milliseconds{static_cast<long long>(at->get<std::uint64_t>())},
                       parser->second(reader)};
  reader.reject_unknown_keys();
  return parsed;
}

}  // namespace

std::string_view name_of(const ScenarioAction& action) {
  static constexpr std::string_view kNames[] = {
      "occlusion",     "clear_occlusion", "low_reservoir", "refill",   "under_delivery",
      "stuck_trigger", "release_trigger", "trigger",       "alarm",    "reboot",
      "unplug",        "stuck",           "faults",        "busy_once"};
  static_assert(std::size(kNames) == std::variant_size_v<ScenarioAction>);
  return kNames[action.index()];
}

bool is_line_action(const ScenarioAction& action) {
  return std::holds_alternative<action::Unplug>(action) || std::holds_alternative<action::Stuck>(action) ||
         std::holds_alternative<action::Faults>(action);
}

Scenario parse_scenario(const json& json_doc) {
  if (!json_doc.is_object()) throw ScenarioError("scenario: must be a JSON object with \"events\"");
  Scenario scenario;
  for (const auto& [key, value] : json_doc.items()) {
    if (key == "description") {
      if (!value.is_string()) throw ScenarioError("scenario: \"description\" must be a string");
      scenario.description = value.get<std::string>();
    } else if (key != "events") {
      throw ScenarioError("scenario: unknown key \"" + key + "\" (allowed: description, events)");
    }
  }
  const auto events = json_doc.find("events");
  if (events == json_doc.end() || !events->is_array()) {
    throw ScenarioError("scenario: \"events\" must be an array");
  }
  for (std::size_t i = 0; i < events->size(); ++i)
    scenario.events.push_back(parse_event((*events)[i], i));
  std::stable_sort(scenario.events.begin(), scenario.events.end(),
                   [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
  return scenario;
}

Scenario parse_scenario(std::string_view text) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(std::string("scenario: not valid JSON: ") + e.what());
  }
  return parse_scenario(parsed);
}

Scenario load_scenario(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError("scenario: cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_scenario(std::string_view(text.str()));
  } catch (const ScenarioError& e) {
    throw ScenarioError(path.string() + ": " + e.what());
  }
}

ScenarioPlayer::ScenarioPlayer(Scenario scenario, std::chrono::steady_clock::time_point start)
    : scenario_(std::move(scenario)), start_(start) {}

std::vector<ScenarioAction> ScenarioPlayer::take_due(std::chrono::steady_clock::time_point now) {
  std::vector<ScenarioAction> due;
  while (next_ < scenario_.events.size() && start_ + scenario_.events[next_].at <= now) {
    due.push_back(scenario_.events[next_].action);
    ++next_;
  }
  return due;
}

std::optional<std::chrono::steady_clock::time_point> ScenarioPlayer::next_event() const {
  if (finished()) return std::nullopt;
  return start_ + scenario_.events[next_].at;
}

}  // namespace meso::sim
