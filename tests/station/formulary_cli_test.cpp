// mesostation formulary, the real binary on a real station's journal: an import of the example file, a
// list, a lot retired and added; a bad file refused with exit 2, a sentence naming the field and its line,
// and nothing changed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "meso/journal/reader.hpp"

namespace {

constexpr const char* kPassword = "formulary-admin-1";

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

class FormularyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("formulary_cli_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const auto made =
        run("init --db " + db().string() + " --admin boss", std::string(kPassword) + "\n" + kPassword);
    ASSERT_EQ(made.code, 0) << made.err;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path db() const { return dir_ / "station.db"; }
  std::string as_boss() const { return " --db " + db().string() + " --as boss"; }

  CliRun run(const std::string& args, const std::string& input = kPassword) const {
    const auto in = dir_ / "in.txt", out = dir_ / "out.txt", err = dir_ / "err.txt";
    std::ofstream(in) << input << '\n';
    const std::string command = std::string(MESOSTATION_PATH) + " " + args + " < " + in.string() + " > " +
                                out.string() + " 2> " + err.string();
    const int status = std::system(command.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  static std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::size_t lots() const {
    std::size_t n = 0;
    for (const auto& p : meso::journal::JournalReader(db()).formulary())
      n += p.lots.size();
    return n;
  }
  std::size_t formulary_acts() const {
    std::size_t n = 0;
    for (const auto& e : meso::journal::JournalReader(db()).station_log())
      n += e.kind.rfind("formulary.", 0) == 0 ? 1U : 0U;
    return n;
  }

  std::filesystem::path dir_;
};

const char* kBadExpiry = R"({
  // line 2
  "products": [
    {"name": "X", "ingredients": ["a"], "concentration": "a 1 mg/ml", "vial_ml": 5,
     "lots": [
       {"lot": "X-1", "expiry": "2027-01-31", "vials": 2},
       {"lot": "X-2",
        "expiry": "2027-02-30", "vials": 2}
     ]}
  ]
})";

TEST_F(FormularyCli, TheExampleFileImportsAndListsWithItsStock) {
  const auto example = std::filesystem::path(EXAMPLES_DIR) / "formulary.json";
  const auto imported =
      run("formulary import " + example.string() + as_boss() + " --reason 'first delivery'");
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(lots(), 3U);
  EXPECT_EQ(formulary_acts(), 1U);
  const auto listed = run("formulary list" + as_boss());
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find("HV-2604"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("100.00"), std::string::npos) << listed.out;  // 20 vials of 5 ml
  // The same file again: nothing new, nothing logged.
  const auto again = run("formulary import " + example.string() + as_boss() + " --reason 'again'");
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing changed"), std::string::npos) << again.out;
  EXPECT_EQ(formulary_acts(), 1U);

  const auto retired =
      run("formulary retire-lot 'HairVital B' HV-2611" + as_boss() + " --reason 'recall 2026-11'");
  ASSERT_EQ(retired.code, 0) << retired.err;
  EXPECT_NE(run("formulary list" + as_boss()).out.find("retired (recall 2026-11)"), std::string::npos);
  const auto added = run("formulary add-lot 'HairVital B' HV-2701 --expiry 2028-01-31 --vials 5" + as_boss() +
                         " --reason delivery");
  ASSERT_EQ(added.code, 0) << added.err;
  EXPECT_EQ(lots(), 4U);
  EXPECT_EQ(formulary_acts(), 3U);
}

TEST_F(FormularyCli, ABadFieldIsNamedWithItsLineAndNothingIsImported) {
  const auto bad =
      run("formulary import " + write("bad.json", kBadExpiry).string() + as_boss() + " --reason x");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.json line 8: products[0].lots[1].expiry: '2027-02-30' is not a real date"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("nothing was changed"), std::string::npos) << bad.err;
  EXPECT_EQ(lots(), 0U);  // X-1, before the bad lot, is not in either
  EXPECT_EQ(formulary_acts(), 0U);

  const auto unknown = run("formulary import " +
                           write("typo.json",
                                 "{\"products\": [\n {\"name\": \"X\", \"ingredients\": [\"a\"],\n"
                                 "  \"concentration\": \"1\", \"vial_ml\": 5,\n"
                                 "  \"lotz\": []}]}")
                               .string() +
                           as_boss() + " --reason x");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("typo.json line 4: products[0].lotz: unknown field"), std::string::npos)
      << unknown.err;
  const auto missing = run("formulary import " +
                           write("missing.json",
                                 "{\"products\": [\n\n {\"name\": \"X\", \"ingredients\": "
                                 "[\"a\"], \"vial_ml\": 5, \"lots\": []}]}")
                               .string() +
                           as_boss() + " --reason x");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("missing.json line 3: products[0]: the field \"concentration\" is missing"),
            std::string::npos)
      << missing.err;
  const auto syntax = run("formulary import " +
                          write("syntax.json", "{\n\"products\": [\n {\"name\": \"X\" \"a\"}]}").string() +
                          as_boss() + " --reason x");
  EXPECT_EQ(syntax.code, 2);
  EXPECT_NE(syntax.err.find("syntax.json line 3: not valid JSON"), std::string::npos) << syntax.err;
  EXPECT_EQ(lots(), 0U);
  EXPECT_EQ(formulary_acts(), 0U);
}

TEST_F(FormularyCli, ALotThatExistsWithOtherFieldsRefusesTheWholeImport) {
  const auto example = std::filesystem::path(EXAMPLES_DIR) / "formulary.json";
  ASSERT_EQ(run("formulary import " + example.string() + as_boss() + " --reason delivery").code, 0);
  std::string text = slurp(example);
  text.replace(text.find("\"vials\": 20"), 11, "\"vials\": 21");
  text.replace(
      text.find("\"products\": ["), 13,
      "\"products\": [{\"name\": \"New\", \"ingredients\": [\"a\"], \"concentration\": \"a 1 mg/ml\", "
      "\"vial_ml\": 1, \"lots\": [{\"lot\": \"N-1\", \"expiry\": \"2027-01-31\", \"vials\": 1}]},");
  const auto changed =
      run("formulary import " + write("changed.json", text).string() + as_boss() + " --reason x");
  EXPECT_EQ(changed.code, 2);
  EXPECT_NE(changed.err.find("lot HV-2604 of HairVital B is in the formulary already"), std::string::npos)
      << changed.err;
  EXPECT_EQ(lots(), 3U);  // New and N-1 are not there
  EXPECT_EQ(formulary_acts(), 1U);
}

}  // namespace
