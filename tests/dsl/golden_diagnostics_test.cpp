// Golden diagnostics (language.md §8): each tests/dsl/cases/<name>.wmk is parsed and checked in a
// pack with the England vocabulary and tiers 1-5; its diagnostics, sorted, must be exactly the
// lines of <name>.expected: `LINE:COL: SEVERITY [CODE] [message fragment]`.
// The .expected files come from tests/dsl/make_golden_cases.py, where each position is marked by hand.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "waymark/dsl/check.hpp"
#include "waymark/dsl/parse.hpp"

namespace waymark::dsl {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Expectation {
  std::string position;  // "LINE:COL: severity [code]"
  std::string fragment;  // must appear in the message, when given
};

std::vector<Expectation> read_expected(const fs::path& p) {
  std::vector<Expectation> out;
  std::istringstream in(read(p));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto close = line.find(']');
    Expectation e;
    e.position = line.substr(0, close + 1);
    if (close + 2 < line.size()) e.fragment = line.substr(close + 2);
    out.push_back(e);
  }
  return out;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(WAYMARK_TEST_DATA) / "dsl" / "cases")) {
    if (entry.path().extension() == ".wmk") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenDiagnostics : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenDiagnostics, MatchExpected) {
  const fs::path folder = fs::path(WAYMARK_TEST_DATA) / "dsl" / "cases";
  SourceSet sources;
  Diagnostics diagnostics;
  RulePack pack;
  const FileId vocabulary = sources.add("vocabulary.yaml", read(fs::path(WAYMARK_SOURCE_ROOT) / "rules/england/vocabulary.yaml"));
  ASSERT_TRUE(load_vocabulary(sources, vocabulary, pack.vocabulary, diagnostics));
  for (std::int64_t tier = 1; tier <= 5; ++tier) pack.tiers[tier] = "tier " + std::to_string(tier);
  PackLayer layer;
  layer.name = "test";
  const FileId file = sources.add(GetParam() + ".wmk", read(folder / (GetParam() + ".wmk")));
  layer.rule_files.push_back(parse(sources, file, diagnostics));
  pack.layers.push_back(std::move(layer));
  if (!diagnostics.has_errors()) check(pack, sources, diagnostics);

  std::vector<std::string> actual;
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics.sorted()) {
    const LineColumn at = sources.file(d.range.file).position(d.range.begin);
    actual.push_back(std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                     (d.severity == Severity::error ? "error" : "warning") + " [" + d.code + "]");
    messages.push_back(d.message);
  }
  const std::vector<Expectation> expected = read_expected(folder / (GetParam() + ".expected"));
  std::vector<std::string> expected_positions;
  for (const Expectation& e : expected) expected_positions.push_back(e.position);
  ASSERT_EQ(actual, expected_positions) << render_text(diagnostics.sorted(), sources);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NE(messages[i].find(expected[i].fragment), std::string::npos)
        << "message '" << messages[i] << "' should mention '" << expected[i].fragment << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenDiagnostics, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace waymark::dsl
