// StationApp's formulary use cases: the formulary read by anyone logged in, changed by an admin (each change
// one journal transaction with its station-log entry), and the station's catalog following every change.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app_impl.hpp"
#include "formulary_file.hpp"
#include "meso/station/app.hpp"

namespace meso::station {

namespace {

double ml_of(std::int64_t nl) {
  return static_cast<double>(nl) / static_cast<double>(journal::kNlPerMl);
}

FormularyEntry entry_of(const journal::FormularyProduct& p, Date today) {
  FormularyEntry e{p.name, p.ingredients, p.concentration, p.vial_ml, {}, p.added_utc};
  for (const auto& l : p.lots) {
    FormularyLotView v;
    v.lot = l.lot;
    v.expiry = l.expiry;
    v.vials = l.vials;
    v.received_ml = ml_of(journal::stock_nl(p.vial_ml, l.vials));
    v.used_ml = ml_of(l.used_nl);
    v.remaining_ml = ml_of(l.remaining_nl);
    v.retired = l.retired;
    v.retired_reason = l.retired_reason;
    v.expired = today > parse_date(l.expiry);
    v.status = v.retired ? "retired" : v.expired ? "expired" : l.remaining_nl <= 0 ? "used up" : "usable";
    v.added_utc = l.added_utc;
    e.lots.push_back(std::move(v));
  }
  return e;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot open the formulary file " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string lots_added_text(const journal::Result<journal::Seq>& done) {
  return done.value() == 0 ? "nothing changed: the formulary holds all of it already"
                           : "station log entry " + std::to_string(done.value());
}

}  // namespace

Catalog formulary_at_start(journal::JournalWriter& writer, const AppConfig& config, Tag journal_kind) {
  const auto& profile = config.station.catalog;
  if (!profile.products.empty() && journal_kind != Tag::real) {
    const journal::JournalReader reader(config.db);
    const auto staff = reader.staff();
    const auto admin = std::find_if(staff.begin(), staff.end(), [](const journal::StaffAccount& a) {
      return a.role == Role::admin && !a.disabled;
    });
    if (const auto missing = missing_from(reader.formulary(), profile);
        !missing.empty() && admin != staff.end()) {
      const auto imported =
          writer.import_formulary(missing, admin->id,
                                  "the " + config.profile + " profile's catalog, on a " +
                                      std::string(journal::to_string(journal_kind)) + " journal",
                                  config.profile + " profile");
      if (!imported)
        throw std::runtime_error("cannot give " + config.db.string() + " the " + config.profile +
                                 " profile's catalog: " + imported.error().message);
    }
  } else if (!profile.products.empty()) {
    std::cerr << "mesostation: " << config.db.string()
              << " is a real station's journal: its own formulary is used, not the " << config.profile
              << " profile's catalog\n";
  }
  return catalog_of(journal::JournalReader(config.db).formulary());
}

void StationApp::Impl::reload_catalog() {
  Catalog catalog = catalog_of(reader().formulary());
  post([this, catalog = std::move(catalog)]() mutable { station->set_catalog(std::move(catalog)); });
}

void StationApp::Impl::formulary_act(Reply<Done> reply,
                                     std::function<journal::Result<journal::Seq>(journal::UserId)> act,
                                     std::function<std::string()> said) {
  post([this, reply = std::move(reply), act = std::move(act), said = std::move(said)] {
    if (auto refused = may_administer()) return answer(reply, Result<Done>(*refused));
    worker->post([this, reply, act, said, by = user->id] {
      try {
        const auto done = act(by);
        if (!done) return answer(reply, Result<Done>(refusal(Refused::input, done.error().message)));
        reload_catalog();
        answer(reply, Result<Done>(Done{said() + " (" + lots_added_text(done) + ")"}));
      } catch (const std::invalid_argument& e) {
        answer(reply, Result<Done>(refusal(Refused::input, std::string(e.what()) + "; nothing was changed")));
      } catch (const std::exception& e) {
        answer(reply, Result<Done>(refusal(Refused::failed, e.what())));
      }
    });
  });
}

void StationApp::list_formulary(Reply<std::vector<FormularyEntry>> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto r = s.unlocked()) return answer(reply, Result<std::vector<FormularyEntry>>(*r));
    if (!s.user)
      return answer(
          reply, Result<std::vector<FormularyEntry>>(refusal(Refused::not_logged_in, "nobody is logged in")));
    s.worker->post([&s, reply, today = s.config.station.today()] {
      try {
        std::vector<FormularyEntry> out;
        for (const auto& p : s.reader().formulary())
          out.push_back(entry_of(p, today));
        answer(reply, Result<std::vector<FormularyEntry>>(std::move(out)));
      } catch (const std::exception& e) {
        answer(reply, Result<std::vector<FormularyEntry>>(refusal(Refused::failed, e.what())));
      }
    });
  });
}

void StationApp::import_formulary(const std::filesystem::path& file, const std::string& reason,
                                  Reply<Done> reply) {
  auto& s = *impl_;
  auto count = std::make_shared<std::size_t>(0);
  s.formulary_act(
      std::move(reply),
      [&s, file, reason, count](journal::UserId by) {
        const auto products = parse_formulary(read_text(file), file.filename().string());
        for (const auto& p : products)
          *count += p.lots.size();
        return s.writer.import_formulary(products, by, reason, file.filename().string());
      },
      [file, count] {
        return "imported " + file.filename().string() + " (" + std::to_string(*count) + " lots in the file)";
      });
}

void StationApp::add_product(const NewProduct& product, const std::string& reason, Reply<Done> reply) {
  auto& s = *impl_;
  s.formulary_act(
      std::move(reply),
      [&s, product, reason](journal::UserId by) {
        journal::FormularyProduct p;
        p.name = product.name;
        p.ingredients = product.ingredients;
        p.concentration = product.concentration;
        p.vial_ml = product.vial_ml;
        return s.writer.add_product(p, by, reason);
      },
      [name = product.name] { return "added product " + name; });
}

void StationApp::add_lot(const std::string& product, const NewLot& lot, const std::string& reason,
                         Reply<Done> reply) {
  auto& s = *impl_;
  s.formulary_act(
      std::move(reply),
      [&s, product, lot, reason](journal::UserId by) {
        (void)parse_date(lot.expiry);  // a sentence naming the text, before the journal's own check
        journal::FormularyLot l;
        l.lot = lot.lot;
        l.expiry = lot.expiry;
        l.vials = lot.vials;
        return s.writer.add_lot(product, l, by, reason);
      },
      [product, lot] {
        return "added lot " + lot.lot + " of " + product + ": " + std::to_string(lot.vials) +
               " vials, expiring " + lot.expiry;
      });
}

void StationApp::retire_lot(const std::string& product, const std::string& lot, const std::string& reason,
                            Reply<Done> reply) {
  auto& s = *impl_;
  s.formulary_act(
      std::move(reply),
      [&s, product, lot, reason](journal::UserId by) {
        return s.writer.retire_lot(product, lot, by, reason);
      },
      [product, lot] { return "retired lot " + lot + " of " + product; });
}

}  // namespace meso::station
