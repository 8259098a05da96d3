// Strict reading of one JSON object of a station file (plan, scenario, limits, catalog): every key read is
// remembered, and finish() names any key left over, so a misspelled field is an error and never a silent
// default. Errors name the path ("plan.steps[1].depth_um: expected an integer").
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace meso::station {

class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object())
      throw std::invalid_argument((where_.empty() ? "the file" : where_) + ": expected a JSON object");
  }

  template <class T>
  T get(const std::string& key) {
    seen_.insert(key);
    const auto it = object_.find(key);
    if (it == object_.end()) throw std::invalid_argument(path(key) + ": missing");
    return convert<T>(*it, key);
  }
  template <class T>
  T get_or(const std::string& key, T fallback) {
    seen_.insert(key);
    const auto it = object_.find(key);
    return it == object_.end() ? fallback : convert<T>(*it, key);
  }
  bool has(const std::string& key) const { return object_.contains(key); }
  // The raw member, for nested objects and arrays; marks it read.
  const nlohmann::json& member(const std::string& key) {
    seen_.insert(key);
    const auto it = object_.find(key);
    if (it == object_.end()) throw std::invalid_argument(path(key) + ": missing");
    return *it;
  }
  // A file's top level has no name of its own: its keys are their own paths ("devices.pen").
  std::string path(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }
  void finish() const {
    for (const auto& [key, unused] : object_.items())
      if (!seen_.contains(key)) throw std::invalid_argument(path(key) + ": unknown field");
  }

 private:
  template <class T>
  T convert(const nlohmann::json& v, const std::string& key) const {
    try {
      if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean()) throw std::invalid_argument("expected true or false");
      } else if constexpr (std::is_integral_v<T>) {
        if (!v.is_number_integer()) throw std::invalid_argument("expected an integer");
        if (v.is_number_unsigned() ? !std::in_range<T>(v.get<std::uint64_t>())
                                   : !std::in_range<T>(v.get<std::int64_t>()))
          throw std::invalid_argument("out of range");
      } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) throw std::invalid_argument("expected a number");
      } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) throw std::invalid_argument("expected a string");
      }
      return v.get<T>();
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(path(key) + ": " + e.what());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(path(key) + ": " + e.what());
    }
  }

  const nlohmann::json& object_;
  std::string where_;
  std::set<std::string> seen_;
};

// Reads a station file (`what`: "plan", "limits file") and hands its JSON to `from_json`; a file that cannot
// be opened or is not JSON is an error naming the file.
template <class FromJson>
auto read_json_file(const std::filesystem::path& file, const char* what, FromJson from_json) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(std::string("cannot open ") + what + " " + file.string());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(file.string() + ": not valid JSON: " + e.what());
  }
  return from_json(j);
}

}  // namespace meso::station
