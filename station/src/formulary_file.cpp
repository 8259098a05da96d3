#include "formulary_file.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "meso/station/calendar.hpp"

namespace meso::station {

namespace {

// Where each value of a (valid) JSON text starts, by JSON pointer: nlohmann::json keeps no positions, so
// the text is walked once more, comments and all.
class ValueLines {
 public:
  explicit ValueLines(std::string_view text) : text_(text) {
    skip();
    value("");
  }
  // The line of `pointer`'s value, or of its nearest enclosing value that has one.
  int line_of(std::string pointer) const {
    for (;;) {
      if (const auto it = lines_.find(pointer); it != lines_.end()) return it->second;
      if (pointer.empty()) return 1;
      pointer.erase(pointer.rfind('/'));
    }
  }

 private:
  bool at_end() const { return i_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[i_]; }
  void advance() {
    if (peek() == '\n') ++line_;
    ++i_;
  }
  void skip() {
    while (!at_end()) {
      if (std::isspace(static_cast<unsigned char>(peek())) != 0) {
        advance();
      } else if (text_.substr(i_, 2) == "//") {
        while (!at_end() && peek() != '\n')
          advance();
      } else if (text_.substr(i_, 2) == "/*") {
        advance();
        advance();
        while (!at_end() && text_.substr(i_, 2) != "*/")
          advance();
        advance();
        advance();
      } else {
        return;
      }
    }
  }
  // A key as a JSON pointer segment (RFC 6901: "~" is "~0", "/" is "~1").
  std::string string_token() {
    std::string out;
    advance();  // the opening quote
    while (!at_end() && peek() != '"') {
      if (peek() == '\\') advance();  // an escaped character stands for itself; \u keys are not ours
      const char c = peek();
      out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
      advance();
    }
    advance();
    return out;
  }
  void value(const std::string& pointer) {
    lines_[pointer] = line_;
    if (peek() == '{') {
      advance();
      skip();
      while (!at_end() && peek() != '}') {
        const std::string key = string_token();
        skip();
        advance();  // ':'
        skip();
        std::string member = pointer;
        member += "/" + key;
        value(member);
        skip();
        if (peek() == ',') advance();
        skip();
      }
      advance();
    } else if (peek() == '[') {
      advance();
      skip();
      for (std::size_t n = 0; !at_end() && peek() != ']'; ++n) {
        value(pointer + "/" + std::to_string(n));
        skip();
        if (peek() == ',') advance();
        skip();
      }
      advance();
    } else if (peek() == '"') {
      string_token();
    } else {
      while (!at_end() && std::string_view(",]} \t\r\n/").find(peek()) == std::string_view::npos)
        advance();
    }
  }

  std::string_view text_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::map<std::string, int> lines_;
};

// A place in the file: its path as people read it ("products[0].name") and as a JSON pointer.
struct Where {
  std::string path;
  std::string pointer;
  Where key(const std::string& k) const { return {path.empty() ? k : path + "." + k, pointer + "/" + k}; }
  Where item(std::size_t i) const {
    return {path + "[" + std::to_string(i) + "]", pointer + "/" + std::to_string(i)};
  }
};

class FileReader {
 public:
  FileReader(const ValueLines& lines, std::string source) : lines_(lines), source_(std::move(source)) {}

  [[noreturn]] void fail(const Where& where, const std::string& why) const {
    throw std::invalid_argument(source_ + " line " + std::to_string(lines_.line_of(where.pointer)) + ": " +
                                (where.path.empty() ? "the file" : where.path) + ": " + why);
  }
  // The object's members, each known; a member not in `known` is an error naming it.
  void only(const nlohmann::json& j, const Where& where, std::initializer_list<const char*> known) const {
    if (!j.is_object()) fail(where, "expected an object {...}");
    for (const auto& [k, unused] : j.items())
      if (std::none_of(known.begin(), known.end(), [&k = k](const char* n) { return k == n; }))
        fail(where.key(k), "unknown field (a misspelling?)");
  }
  const nlohmann::json& member(const nlohmann::json& j, const Where& where, const char* key) const {
    const auto it = j.find(key);
    if (it == j.end()) fail(where, std::string("the field \"") + key + "\" is missing");
    return *it;
  }
  std::string text(const nlohmann::json& j, const Where& where, const char* key) const {
    const auto& v = member(j, where, key);
    if (!v.is_string() || v.get<std::string>().empty()) fail(where.key(key), "expected a non-empty string");
    return v.get<std::string>();
  }

 private:
  const ValueLines& lines_;
  std::string source_;
};

journal::FormularyLot read_lot(const FileReader& r, const nlohmann::json& j, const Where& where) {
  r.only(j, where, {"lot", "expiry", "vials"});
  journal::FormularyLot lot;
  lot.lot = r.text(j, where, "lot");
  lot.expiry = r.text(j, where, "expiry");
  try {
    (void)parse_date(lot.expiry);
  } catch (const std::invalid_argument& e) {
    r.fail(where.key("expiry"), std::string(e.what()) + " (YYYY-MM-DD, the last day it may be used)");
  }
  const auto& vials = r.member(j, where, "vials");
  if (!vials.is_number_integer() || vials.get<std::int64_t>() < 1 || vials.get<std::int64_t>() > 1'000'000)
    r.fail(where.key("vials"), "expected the number of vials received, a whole number from 1 to 1000000");
  lot.vials = vials.get<std::int64_t>();
  return lot;
}

journal::FormularyProduct read_product(const FileReader& r, const nlohmann::json& j, const Where& where) {
  r.only(j, where, {"name", "ingredients", "concentration", "vial_ml", "lots"});
  journal::FormularyProduct p;
  p.name = r.text(j, where, "name");
  const auto& ingredients = r.member(j, where, "ingredients");
  if (!ingredients.is_array() || ingredients.empty())
    r.fail(where.key("ingredients"), "expected a list of every ingredient (the allergy check reads it)");
  for (std::size_t i = 0; i < ingredients.size(); ++i) {
    if (!ingredients[i].is_string() || ingredients[i].get<std::string>().empty())
      r.fail(where.key("ingredients").item(i), "expected an ingredient's name");
    p.ingredients.push_back(ingredients[i].get<std::string>());
  }
  p.concentration = r.text(j, where, "concentration");
  const auto& vial = r.member(j, where, "vial_ml");
  if (!vial.is_number() || !(vial.get<double>() > 0) || vial.get<double>() > 1000)
    r.fail(where.key("vial_ml"), "expected one vial's volume in ml, a number above 0 and at most 1000");
  p.vial_ml = vial.get<double>();
  const auto& lots = r.member(j, where, "lots");
  if (!lots.is_array()) r.fail(where.key("lots"), "expected a list of lots [...]");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < lots.size(); ++i) {
    p.lots.push_back(read_lot(r, lots[i], where.key("lots").item(i)));
    if (!seen.insert(p.lots.back().lot).second)
      r.fail(where.key("lots").item(i).key("lot"), "lot " + p.lots.back().lot + " is listed twice");
  }
  return p;
}

}  // namespace

std::vector<journal::FormularyProduct> parse_formulary(std::string_view text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text, nullptr, true, true);  // comments allowed
  } catch (const nlohmann::json::parse_error& e) {
    const auto upto = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n');
    throw std::invalid_argument(source + " line " + std::to_string(line) + ": not valid JSON: " + e.what());
  }
  const ValueLines lines(text);
  const FileReader r(lines, source);
  const Where top;
  r.only(j, top, {"products"});
  const auto& products = r.member(j, top, "products");
  if (!products.is_array() || products.empty()) r.fail(top.key("products"), "expected a list of products");
  std::vector<journal::FormularyProduct> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < products.size(); ++i) {
    out.push_back(read_product(r, products[i], top.key("products").item(i)));
    if (!seen.insert(out.back().name).second)
      r.fail(top.key("products").item(i).key("name"), "product " + out.back().name + " is listed twice");
  }
  return out;
}

Catalog catalog_of(const std::vector<journal::FormularyProduct>& formulary) {
  Catalog c;
  for (const auto& f : formulary) {
    Product p;
    p.name = f.name;
    p.ingredients = f.ingredients;
    p.concentration = f.concentration;
    p.vial_ml = f.vial_ml;
    for (const auto& l : f.lots) {
      Lot lot;
      lot.id = l.lot;
      lot.expiry = parse_date(l.expiry);
      lot.vials = l.vials;
      lot.retired = l.retired;
      lot.retired_reason = l.retired_reason;
      lot.remaining_nl = l.remaining_nl;
      p.lots.push_back(std::move(lot));
    }
    c.products.push_back(std::move(p));
  }
  return c;
}

std::vector<journal::FormularyProduct> missing_from(const std::vector<journal::FormularyProduct>& formulary,
                                                    const Catalog& profile) {
  std::vector<journal::FormularyProduct> out;
  for (const auto& p : profile.products) {
    const auto held = std::find_if(formulary.begin(), formulary.end(),
                                   [&p](const journal::FormularyProduct& f) { return f.name == p.name; });
    journal::FormularyProduct add;
    if (held != formulary.end()) {
      add = *held;  // as journaled: a product never changes
      add.lots.clear();
    } else {
      add.name = p.name;
      add.ingredients = p.ingredients;
      add.concentration = p.concentration.empty() ? "not stated" : p.concentration;
      add.vial_ml = p.vial_ml > 0 ? p.vial_ml : kProfileVialMl;
    }
    for (const auto& l : p.lots) {
      if (held != formulary.end() &&
          std::any_of(held->lots.begin(), held->lots.end(),
                      [&l](const journal::FormularyLot& f) { return f.lot == l.id; }))
        continue;
      journal::FormularyLot lot;
      lot.lot = l.id;
      lot.expiry = to_string(l.expiry);
      lot.vials = l.vials > 0 ? l.vials : kProfileVials;
      add.lots.push_back(std::move(lot));
    }
    if (held == formulary.end() || !add.lots.empty()) out.push_back(std::move(add));
  }
  return out;
}

}  // namespace meso::station
