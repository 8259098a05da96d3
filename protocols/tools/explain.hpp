// Human-readable explanation of a capture, frame by frame: what each byte means and, for each error, what
// to check. Used by `mesoproto explain` and `mesoproto demo`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace meso::mesoproto {

// Both return true when every frame decoded, nothing was left pending and the explanation tables matched
// the decoder.
bool explain_mesogun(std::span<const std::uint8_t> capture, std::ostream& out);
bool explain_pen(std::span<const std::uint8_t> capture, std::ostream& out);

// ---- shared by the two explainers ----

// "1500 um", "312 dC (31.2 C)": the unit the spec puts in the field's name.
std::string with_unit(std::string_view field_name, std::int64_t value);

// The one-line verdict at the end of an explanation.
class Tally {
 public:
  void decoded() { ++decoded_; }
  void error(std::string_view name) { ++errors_[std::string(name)]; }
  void table_out_of_date() { table_out_of_date_ = true; }
  bool ok() const { return errors_.empty() && !table_out_of_date_; }
  void print(std::ostream& out, std::string_view unit) const;

 private:
  std::size_t decoded_ = 0;
  std::map<std::string, std::size_t> errors_;
  bool table_out_of_date_ = false;
};

// One annotated line: where the bytes lie in the frame, the bytes, what they are, what they say.
void print_row(std::ostream& out, std::string_view where, std::string_view bytes, std::string_view label,
               std::string_view value);

}  // namespace meso::mesoproto
