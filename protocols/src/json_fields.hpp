// Generic JSON reading and writing of message fields; internal to the protocols library. Each message type
// lists its fields once (fields(m, f)), and these visitors turn that list into JSON and back, strictly:
// a missing field, an unknown field, a value of the wrong kind or out of range is an error that names it.
#pragma once

#include <concepts>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "meso/protocols/enum_names.hpp"

namespace meso::protocols::detail {

template <class T, class U>
concept Like = std::same_as<std::remove_const_t<T>, U>;

template <class T>
concept Enum = std::is_enum_v<T>;

[[noreturn]] inline void field_error(std::string_view where, std::string_view field, std::string_view what) {
  throw std::invalid_argument(std::string(where) + "." + std::string(field) + ": " + std::string(what));
}

struct JsonWriter {
  nlohmann::json& out;

  template <class T>
  void operator()(std::string_view name, const T& value) const {
    if constexpr (Enum<T>) {
      out[std::string(name)] = std::string(to_name(value));
    } else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_same_v<T, std::string>) {
      out[std::string(name)] = value;
    } else {  // a vector of nested records
      auto array = nlohmann::json::array();
      for (const auto& item : value) {
        nlohmann::json element = nlohmann::json::object();
        fields(item, JsonWriter{element});
        array.push_back(std::move(element));
      }
      out[std::string(name)] = std::move(array);
    }
  }
};

// Collects the field names of a message type, so unknown (often misspelled) keys are named before any
// "missing" error for the field they were meant to be.
struct NameCollector {
  std::set<std::string>* names;
  template <class T>
  void operator()(std::string_view name, const T&) const {
    names->insert(std::string(name));
  }
};

struct JsonReader {
  const nlohmann::json& in;
  std::string where;            // "FIRE" or "SHOT_RECORDS.records[2]"
  std::set<std::string>* seen;  // names read, for the unknown-field check

  template <class T>
  void operator()(std::string_view name, T& value) const {
    const std::string key(name);
    if (seen != nullptr) seen->insert(key);
    const auto it = in.find(key);
    if (it == in.end()) field_error(where, name, "missing");
    const nlohmann::json& v = *it;
    if constexpr (Enum<T>) {
      if (!v.is_string()) field_error(where, name, "expected a name (string)");
      const auto parsed = enum_from_name<T>(v.get<std::string>());
      if (!parsed) field_error(where, name, "'" + v.get<std::string>() + "' is not one of the defined names");
      value = *parsed;
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean()) field_error(where, name, "expected true or false");
      value = v.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
      const auto range = "expected an integer from " + std::to_string(std::numeric_limits<T>::min()) +
                         " to " + std::to_string(std::numeric_limits<T>::max());
      if (!v.is_number_integer()) field_error(where, name, range);
      if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
          field_error(where, name, range);
        }
      } else {
        const auto n = v.get<std::int64_t>();
        if (n < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            n > static_cast<std::int64_t>(std::numeric_limits<T>::max())) {
          field_error(where, name, range);
        }
      }
      value = v.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string()) field_error(where, name, "expected a string");
      value = v.get<std::string>();
    } else {  // a vector of nested records
      if (!v.is_array()) field_error(where, name, "expected an array");
      value.clear();
      for (std::size_t i = 0; i < v.size(); ++i) {
        typename T::value_type item{};
        std::set<std::string> item_seen;
        const std::string item_where = where + "." + key + "[" + std::to_string(i) + "]";
        if (!v[i].is_object()) field_error(item_where, "", "expected an object");
        fields(item, JsonReader{v[i], item_where, &item_seen});
        reject_unknown(v[i], item_seen, item_where);
        value.push_back(item);
      }
    }
  }

  static void reject_unknown(const nlohmann::json& object, const std::set<std::string>& known,
                             std::string_view where) {
    for (const auto& [key, unused] : object.items()) {
      if (!known.contains(key)) field_error(where, key, "unknown field");
    }
  }
};

}  // namespace meso::protocols::detail
