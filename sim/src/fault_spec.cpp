#include "meso/sim/fault_spec.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <sstream>
#include <system_error>

namespace meso::sim {

namespace {

std::string quote(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

double parse_probability(std::string_view name, std::string_view value) {
  double p = 0.0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), p);
  if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(p) || p < 0.0 || p > 1.0) {
    throw FaultSpecError("fault " + quote(name) + ": " + quote(value) + " is not a probability from 0 to 1");
  }
  return p;
}

std::chrono::milliseconds parse_ms(std::string_view name, std::string_view value) {
  long long ms = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc{} || end != value.data() + value.size() || ms < 0 || ms > 60'000) {
    throw FaultSpecError("fault " + quote(name) + ": " + quote(value) +
                         " is not a whole number of milliseconds from 0 to 60000");
  }
  return std::chrono::milliseconds{ms};
}

void parse_delay(std::string_view value, FaultSpec& spec) {
  const auto colon = value.find(':');
  spec.delay_mean = parse_ms("delay", value.substr(0, colon));
  spec.delay_jitter = colon == std::string_view::npos ? std::chrono::milliseconds{0}
                                                      : parse_ms("delay", value.substr(colon + 1));
}

FaultDirection parse_direction(std::string_view value) {
  if (value == "out") return FaultDirection::outgoing;
  if (value == "in") return FaultDirection::incoming;
  if (value == "both") return FaultDirection::both;
  throw FaultSpecError("fault \"dir\": " + quote(value) + " is not one of out, in, both");
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

}  // namespace

bool FaultSpec::any() const {
  return bitflip > 0 || drop > 0 || has_frame_faults();
}

FaultSpec parse_fault_spec(std::string_view text) {
  FaultSpec spec;
  std::set<std::string, std::less<>> seen;
  text = trim(text);
  if (text.empty()) return spec;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = trim(text.substr(start, comma - start));
    start = comma + 1;
    const auto equals = item.find('=');
    if (item.empty() || equals == std::string_view::npos) {
      throw FaultSpecError("fault spec item " + quote(item) + " is not name=value (e.g. bitflip=0.001)");
    }
    const std::string_view name = trim(item.substr(0, equals));
    const std::string_view value = trim(item.substr(equals + 1));
    if (!seen.emplace(name).second) throw FaultSpecError("fault " + quote(name) + " is given twice");
    if (name == "bitflip") {
      spec.bitflip = parse_probability(name, value);
    } else if (name == "drop") {
      spec.drop = parse_probability(name, value);
    } else if (name == "garbage") {
      spec.garbage = parse_probability(name, value);
    } else if (name == "truncate") {
      spec.truncate = parse_probability(name, value);
    } else if (name == "dup") {
      spec.dup = parse_probability(name, value);
    } else if (name == "delay") {
      parse_delay(value, spec);
    } else if (name == "dir") {
      spec.direction = parse_direction(value);
    } else {
      throw FaultSpecError("unknown fault " + quote(name) +
                           " (known: bitflip, drop, garbage, truncate, dup, delay, dir)");
    }
  }
  return spec;
}

std::string to_string(const FaultSpec& spec) {
  std::ostringstream out;
  const char* separator = "";
  const auto item = [&](std::string_view name, double p) {
    if (p <= 0) return;
    out << separator << name << '=' << p;
    separator = ",";
  };
  item("bitflip", spec.bitflip);
  item("drop", spec.drop);
  item("garbage", spec.garbage);
  item("truncate", spec.truncate);
  item("dup", spec.dup);
  if (spec.delay_mean.count() > 0 || spec.delay_jitter.count() > 0) {
    out << separator << "delay=" << spec.delay_mean.count() << ':' << spec.delay_jitter.count();
    separator = ",";
  }
  if (spec.direction != FaultDirection::outgoing) {
    out << separator << "dir=" << (spec.direction == FaultDirection::incoming ? "in" : "both");
  }
  return out.str();
}

}  // namespace meso::sim
