#include "formulary_command.hpp"

#include <cstdio>
#include <iomanip>
#include <iostream>

#include "admin_session.hpp"

namespace meso::station {

namespace {

struct FormularyOptions {
  AdminOptions admin;
  std::string file;
  std::string product;
  std::string lot;
  std::string expiry;
  std::int64_t vials = 0;
  std::vector<std::string> ingredients;
  std::string concentration;
  double vial_ml = 0;
  std::string reason;
};

std::string ml(double v) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.2f", v);
  return text.data();
}

void print_formulary(const std::vector<FormularyEntry>& formulary) {
  if (formulary.empty()) {
    std::cout << "the formulary is empty: import one with `mesostation formulary import FILE`\n";
    return;
  }
  for (const auto& p : formulary) {
    std::cout << p.name << "  (" << p.concentration << "; " << ml(p.vial_ml) << " ml a vial)\n  ingredients:";
    for (const auto& i : p.ingredients)
      std::cout << ' ' << i;
    std::cout << '\n';
    std::cout << "  " << std::left << std::setw(14) << "lot" << std::setw(12) << "expiry" << std::setw(7)
              << "vials" << std::setw(11) << "used ml" << std::setw(11) << "left ml"
              << "status\n";
    for (const auto& l : p.lots)
      std::cout << "  " << std::setw(14) << l.lot << std::setw(12) << l.expiry << std::setw(7) << l.vials
                << std::setw(11) << ml(l.used_ml) << std::setw(11) << ml(l.remaining_ml) << l.status
                << (l.retired ? " (" + l.retired_reason + ")" : "") << '\n';
  }
}

CLI::App* subcommand(CLI::App& parent, const char* name, const char* what,
                     const std::shared_ptr<FormularyOptions>& o) {
  CLI::App* c = parent.add_subcommand(name, what);
  add_admin_options(*c, o->admin);
  return c;
}

void add_reason(CLI::App& c, FormularyOptions& o) {
  c.add_option("--reason", o.reason, "why, for the station log")->required();
}

}  // namespace

void add_formulary_command(CLI::App& cli) {
  CLI::App* formulary =
      cli.add_subcommand("formulary", "The station's products, lots and stock (an admin's)");
  formulary->require_subcommand(1);
  auto o = std::make_shared<FormularyOptions>();

  CLI::App* import = subcommand(*formulary, "import",
                                "Add the products and lots of a formulary file (docs/formulary.md); all or "
                                "nothing",
                                o);
  import->add_option("file", o->file, "the formulary file (JSON, // comments allowed)")->required();
  add_reason(*import, *o);
  import->callback([o] {
    run_admin("formulary import", [&] {
      auto station = open_as(o->admin);
  std::cout << must<Done>([&](auto r) { station->import_formulary(o->file, o->reason, r); }).message << '\n';
});
}  // namespace meso::station
);

CLI::App* list = subcommand(*formulary, "list", "List the products and lots with their stock", o);
list->callback([o] {
  run_admin("formulary list", [&] {
    auto station = open_as(o->admin);
    print_formulary(must<std::vector<FormularyEntry>>([&](auto r) { station->list_formulary(r); }));
  });
});

CLI::App* product = subcommand(*formulary, "add-product", "Add a product (without lots)", o);
product->add_option("product", o->product, "its name")->required();
product->add_option("--ingredients", o->ingredients, "every ingredient, comma-separated")
    ->required()
    ->delimiter(',');
product->add_option("--concentration", o->concentration, "as the label states it, with units")->required();
product->add_option("--vial-ml", o->vial_ml, "one vial's volume in ml")->required();
add_reason(*product, *o);
product->callback([o] {
  run_admin("formulary add-product", [&] {
    auto station = open_as(o->admin);
    const NewProduct p{o->product, o->ingredients, o->concentration, o->vial_ml};
    std::cout << must<Done>([&](auto r) { station->add_product(p, o->reason, r); }).message << '\n';
  });
});

CLI::App* lot = subcommand(*formulary, "add-lot", "Add a lot of a product: its number, expiry and vials", o);
lot->add_option("product", o->product, "the product")->required();
lot->add_option("lot", o->lot, "the lot number on the vials")->required();
lot->add_option("--expiry", o->expiry, "YYYY-MM-DD, the last day it may be used")->required();
lot->add_option("--vials", o->vials, "vials received")->required();
add_reason(*lot, *o);
lot->callback([o] {
  run_admin("formulary add-lot", [&] {
    auto station = open_as(o->admin);
    const NewLot l{o->lot, o->expiry, o->vials};
    std::cout << must<Done>([&](auto r) { station->add_lot(o->product, l, o->reason, r); }).message << '\n';
  });
});

CLI::App* retire =
    subcommand(*formulary, "retire-lot", "Retire a lot: never used again (a recall, damage)", o);
retire->add_option("product", o->product, "the product")->required();
retire->add_option("lot", o->lot, "the lot number")->required();
add_reason(*retire, *o);
retire->callback([o] {
  run_admin("formulary retire-lot", [&] {
    auto station = open_as(o->admin);
    std::cout << must<Done>([&](auto r) { station->retire_lot(o->product, o->lot, o->reason, r); }).message
              << '\n';
  });
});
}

}  // namespace meso::station
