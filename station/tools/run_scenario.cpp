#include "run_scenario.hpp"

#include <fstream>
#include <stdexcept>

namespace meso::station {
namespace {

// The scenario's objects are small; a local strict reader keeps the error messages pointing at the file.
void reject_unknown(const nlohmann::json& j, const std::vector<std::string>& known,
                    const std::string& where) {
  if (!j.is_object()) throw std::invalid_argument(where + ": expected an object");
  for (const auto& [key, unused] : j.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string why = where;
    why += "." + key + ": unknown field";
    throw std::invalid_argument(why);
  }
}

template <class T>
T value_or(const nlohmann::json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(where + "." + key + ": " + e.what());
  }
}

}  // namespace

RunScenario load_run_scenario(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open scenario " + file.string());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(file.string() + ": not valid JSON: " + e.what());
  }
  reject_unknown(j,
                 {"name", "tag", "patient", "user", "course_session", "screening", "assessment", "catalog",
                  "plan", "treatment", "sim", "expect", "description"},
                 "scenario");
  RunScenario s;
  s.name = value_or<std::string>(j, "name", file.stem().string(), "scenario");
  s.tag = value_or<std::string>(j, "tag", "test", "scenario");
  s.patient = j.at("patient").get<std::string>();
  const auto& user = j.at("user");
  reject_unknown(user, {"name", "role", "password"}, "scenario.user");
  s.user = user.at("name").get<std::string>();
  s.role = value_or<std::string>(user, "role", "qa", "scenario.user");
  s.password = user.at("password").get<std::string>();
  s.course_session = value_or<std::uint32_t>(j, "course_session", 1, "scenario");
  s.screening = screening_from_json(j.at("screening"));
  s.assessment = value_or<nlohmann::json>(j, "assessment", nlohmann::json::object(), "scenario");
  s.catalog = catalog_from_json(j.at("catalog"));
  s.plan = plan_from_json(j.at("plan"));
  if (j.contains("treatment")) {
    const auto& t = j.at("treatment");
    const std::string w = "scenario.treatment";
    reject_unknown(
        t, {"mode", "fire_interval_ms", "auto_trigger_hz", "rearm_after_fault", "max_rearms", "timeout_s"},
        w);
    s.mode = value_or<std::string>(t, "mode", s.mode, w);
    if (s.mode != "fire" && s.mode != "trigger")
      throw std::invalid_argument(w + ".mode: 'fire' or 'trigger'");
    s.fire_interval_ms = value_or(t, "fire_interval_ms", s.fire_interval_ms, w);
    s.auto_trigger_hz = value_or(t, "auto_trigger_hz", s.auto_trigger_hz, w);
    s.rearm_after_fault = value_or(t, "rearm_after_fault", s.rearm_after_fault, w);
    s.max_rearms = value_or(t, "max_rearms", s.max_rearms, w);
    s.timeout_s = value_or(t, "timeout_s", s.timeout_s, w);
  }
  if (j.contains("sim")) {
    const auto& sim = j.at("sim");
    reject_unknown(sim, {"seed", "faults", "scenario"}, "scenario.sim");
    s.seed = value_or(sim, "seed", s.seed, "scenario.sim");
    s.faults = value_or<std::string>(sim, "faults", "", "scenario.sim");
    s.sim_scenario = value_or<nlohmann::json>(sim, "scenario", nullptr, "scenario.sim");
  }
  const auto& e = j.at("expect");
  reject_unknown(e, {"outcome", "shots", "alarms"}, "scenario.expect");
  s.expect_outcome = value_or<std::string>(e, "outcome", "closed", "scenario.expect");
  if (e.contains("shots")) s.expect_shots = e.at("shots").get<std::uint64_t>();
  s.expect_alarms = value_or(e, "alarms", std::vector<std::string>{}, "scenario.expect");
  return s;
}

}  // namespace meso::station
