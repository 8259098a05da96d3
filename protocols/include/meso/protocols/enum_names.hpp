// Names for the protocol enums, as docs/protocol.md spells them in JSON and in tables. One table per enum
// serves printing, parsing JSON and checking raw wire values, so the three can never disagree.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace meso::protocols {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

// Specialised, next to each enum's definition, by the protocol sources.
template <class E>
std::span<const EnumName<E>> enum_names();

template <class E>
std::string_view to_name(E value) {
  for (const auto& entry : enum_names<E>()) {
    if (entry.value == value) return entry.name;
  }
  return "UNKNOWN";
}

template <class E>
std::optional<E> enum_from_name(std::string_view name) {
  for (const auto& entry : enum_names<E>()) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

template <class E>
std::optional<E> enum_from_value(std::underlying_type_t<E> raw) {
  for (const auto& entry : enum_names<E>()) {
    if (static_cast<std::underlying_type_t<E>>(entry.value) == raw) return entry.value;
  }
  return std::nullopt;
}

}  // namespace meso::protocols
