#include <iomanip>
#include <sstream>
#include <string>

#include "explain.hpp"

namespace meso::mesoproto {

namespace {

// "9000" thousandths -> "9", "312" tenths -> "31.2": fixed point without going through floating point.
std::string fixed_point(std::int64_t value, std::int64_t scale) {
  const bool negative = value < 0;
  const std::uint64_t magnitude =
      negative ? 0U - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  const auto unsigned_scale = static_cast<std::uint64_t>(scale);
  std::string out = (negative ? "-" : "") + std::to_string(magnitude / unsigned_scale);
  std::string fraction = std::to_string(magnitude % unsigned_scale + unsigned_scale).substr(1);
  while (!fraction.empty() && fraction.back() == '0')
    fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

}  // namespace

std::string with_unit(std::string_view field_name, std::int64_t value) {
  std::string number = std::to_string(value);
  const auto ends = [field_name](std::string_view suffix) { return field_name.ends_with(suffix); };
  if (ends("_um")) return number + " um";
  if (ends("_nl")) return number + " nl";
  if (ends("_ul")) return number + " ul";
  if (ends("_ms")) return number + " ms";
  if (ends("_mbar")) return number + " mbar";
  if (ends("_pct")) return number + " %";
  if (ends("_sps")) return number + " stamps/s";
  if (ends("_mhz")) return number + " mHz (" + fixed_point(value, 1000) + " per second)";
  if (ends("_dc")) return number + " dC (" + fixed_point(value, 10) + " C)";
  return number;
}

void Tally::print(std::ostream& out, std::string_view unit) const {
  out << "summary: " << decoded_ << ' ' << unit << (decoded_ == 1 ? "" : "s") << " decoded, ";
  std::size_t total = 0;
  std::string breakdown;
  for (const auto& [name, count] : errors_) {
    total += count;
    breakdown += (breakdown.empty() ? "" : ", ") + std::to_string(count) + ' ' + name;
  }
  out << total << (total == 1 ? " error" : " errors");
  if (!breakdown.empty()) out << " (" << breakdown << ')';
  if (table_out_of_date_) out << "; explain table out of date, see above";
  out << '\n';
}

void print_row(std::ostream& out, std::string_view where, std::string_view bytes, std::string_view label,
               std::string_view value) {
  std::ostringstream row;
  row << "  " << std::left << std::setw(8) << where << ' ' << std::setw(24) << bytes << ' ' << std::setw(19)
      << label << ' ' << value;
  std::string text = row.str();
  text.erase(text.find_last_not_of(' ') + 1);  // rows without a value end at their label
  out << text << '\n';
}

}  // namespace meso::mesoproto
