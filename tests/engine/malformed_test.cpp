// The malformed-input corpus: tests/engine/malformed/{yaml,csv}/ holds one defect per case and, beside
// it, the expected first line of the diagnostics (`file:line:col: error: message [code]`), worked out
// by hand from the input. Each case must be rejected, with nothing of it loaded.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support.hpp"

namespace waymark::engine {
namespace {

namespace fs = std::filesystem;

const fs::path corpus = fs::path(WAYMARK_TEST_DATA) / "engine" / "malformed";

struct MalformedCase {
  std::string name;  // yaml/NAME or csv/NAME
};

// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

std::vector<MalformedCase> all_cases() {
  std::vector<MalformedCase> out;
  for (const char* form : {"yaml", "csv"}) {
    for (const auto& e : fs::directory_iterator(corpus / form)) {
      if (e.path().extension() == ".expected") out.push_back({std::string(form) + "/" + e.path().stem().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const MalformedCase& a, const MalformedCase& b) { return a.name < b.name; });
  return out;
}

class Malformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(Malformed, IsRejectedWithTheExpectedFirstDiagnostic) {
  const std::string name = GetParam().name;
  std::string expected = testing::read_text((corpus / (name + ".expected")).string());
  expected = expected.substr(0, expected.find('\n'));
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  CaseLoader loader(testing::england());
  bool ok = false;
  if (name.rfind("yaml/", 0) == 0) {
    const std::string relative = name + ".yaml";
    ok = loader.add_yaml(sources, sources.add(relative, testing::read_text((corpus / relative).string())), diagnostics);
  } else {
    const auto file = [&](const char* leaf) -> std::optional<dsl::FileId> {
      const fs::path path = corpus / name / leaf;
      if (!fs::exists(path)) return std::nullopt;
      return sources.add(name + "/" + leaf, testing::read_text(path.string()));
    };
    const auto pupils = file("pupils.csv");
    ASSERT_TRUE(pupils.has_value());
    ok = loader.add_csv(sources, *pupils, file("records.csv"), file("attendance.csv"), diagnostics);
  }
  EXPECT_FALSE(ok);
  EXPECT_TRUE(loader.finish().pupils.empty());
  const std::string text = render_text(diagnostics.sorted(), sources);
  EXPECT_EQ(text.substr(0, text.find('\n')), expected) << text;
}

INSTANTIATE_TEST_SUITE_P(Corpus, Malformed, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<MalformedCase>& param) {
                           std::string s = param.param.name;
                           std::replace_if(s.begin(), s.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return s;
                         });

TEST(MalformedCorpus, HasEnoughCasesOfEachForm) {
  const auto cases = all_cases();
  const auto yaml = std::count_if(cases.begin(), cases.end(), [](const MalformedCase& c) { return c.name.rfind("yaml/", 0) == 0; });
  EXPECT_GE(yaml, 40);
  EXPECT_GE(static_cast<long>(cases.size()) - yaml, 20);
}

}  // namespace
}  // namespace waymark::engine
