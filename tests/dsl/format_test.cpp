// The canonical layout (language.md §10) as properties: formatting is idempotent and never changes
// the syntax tree, over every .wmk file in the repository and a corpus of generated rules; comments
// survive; and the layout itself, for hand-written inputs.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "waymark/dsl/format.hpp"
#include "waymark/dsl/parse.hpp"

namespace waymark::dsl {
namespace {

namespace fs = std::filesystem;

struct Parsed {
  std::string dump;
  std::string formatted;
  std::size_t errors = 0;
};

Parsed format_text(const std::string& text) {
  SourceSet sources;
  Diagnostics d;
  const FileId file = sources.add("input.wmk", text);
  const RuleFile tree = parse(sources, file, d);
  Parsed out;
  out.errors = d.error_count();
  out.dump = dump(tree);
  if (out.errors == 0) out.formatted = format(tree, sources.file(file));
  return out;
}

/// The two properties of §10 for one input that parses.
void expect_round_trip(const std::string& text, const std::string& label) {
  const Parsed first = format_text(text);
  ASSERT_EQ(first.errors, 0u) << label << " does not parse";
  const Parsed second = format_text(first.formatted);
  ASSERT_EQ(second.errors, 0u) << label << ": the formatted text does not parse:\n" << first.formatted;
  EXPECT_EQ(second.dump, first.dump) << label << ": formatting changed the syntax tree";
  EXPECT_EQ(second.formatted, first.formatted) << label << ": formatting is not idempotent";
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Format, RoundTripsEveryRuleFileInTheRepository) {
  std::size_t files = 0;
  for (const char* folder : {"rules", "examples", "tests/fixtures", "tests/dsl/fixtures"}) {
    const fs::path root = fs::path(WAYMARK_SOURCE_ROOT) / folder;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".wmk") continue;
      ++files;
      expect_round_trip(read(entry.path()), entry.path().string());
    }
  }
  // The shipped packs alone hold more than fifteen rule files; fewer means the walk is broken.
  EXPECT_GT(files, 15u);
}

TEST(Format, RoundTripsTheCleanGoldenCases) {
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(WAYMARK_TEST_DATA) / "dsl" / "cases")) {
    if (entry.path().extension() != ".wmk") continue;
    const std::string text = read(entry.path());
    if (format_text(text).errors != 0) continue;  // syntax-error cases cannot be formatted
    ++files;
    expect_round_trip(text, entry.path().string());
  }
  EXPECT_GT(files, 50u);
}

// A generated corpus: rules assembled from pieces of every grammar production, laid out badly
// (extra spaces, line breaks in odd places, comments everywhere) so the formatter has work to do.
std::string generated_rule(std::mt19937& random, int n) {
  const std::vector<std::string> conditions{
      "attendance in this academic year < 90%",
      "absence within last 4 weeks >= 10%",
      "(attendance between 2025-09-01 and today) - 10% < 5%",
      "unauthorised absence streak > 2",
      "sessions missed in this term > 10",
      "count of incidents within last 4 weeks where incident.restrictive_intervention >= 2",
      "total days of suspensions in this term > 5",
      "max date of meetings is set",
      "pupil.sen in [sen_support, ehcp]",
      "pupil.year_group in 7..9",
      "pupil.sen is not none",
      "not (pupil.looked_after)",
      "some meeting m within last 2 weeks where (m.type = \"pep\" and m.type != \"x\")",
      "no reintegration_meeting within 5 school days after today - 10 days",
      "current tier < 3",
      "current tier start is set",
      "pupil.dob + 16 years > today",
      "age of pupil.dob > 10 years",
      "some suspension s before 2025-09-01",
      "count of suspensions in previous term = 0",
  };
  const std::vector<std::string> spaces{" ", "  ", "\n   ", " # note\n  ", "\t"};
  auto gap = [&]() { return spaces[random() % spaces.size()]; };
  std::ostringstream out;
  out << "# rule " << n << "\n";
  out << "rule" << gap() << "generated-" << n << gap() << "\"Generated {current tier} {{literal}}\"" << gap();
  if (random() % 2) out << "category" << gap() << "attendance" << gap();
  if (random() % 2) out << "severity" << gap() << "high" << gap();
  out << "when" << gap() << conditions[random() % conditions.size()];
  const int more = static_cast<int>(random() % 3);
  const bool use_or = random() % 2;
  for (int i = 0; i < more; ++i) out << gap() << (use_or ? "or" : "and") << gap() << conditions[random() % conditions.size()];
  if (random() % 2) out << gap() << "unless" << gap() << conditions[random() % conditions.size()];
  out << gap() << "suggest" << gap() << "tier 2" << gap() << "\"Act {attendance}\"  # trailing\n";
  if (random() % 2) out << "  notify" << gap() << "senco";
  out << "\n  cite \"Generated guidance {braces are plain}\"\n";
  return out.str();
}

TEST(Format, RoundTripsAGeneratedCorpus) {
  std::mt19937 random(20251117);
  for (int n = 0; n < 300; ++n) {
    std::string text = "param limit = 3 \"A {plain} description\"\n";
    for (int r = 0; r < 3; ++r) text += generated_rule(random, n * 3 + r);
    expect_round_trip(text, "generated file " + std::to_string(n) + ":\n" + text);
  }
}

TEST(Format, LaysOutARuleAsTheSpecSays) {
  const std::string input =
      "param   review_interval=4 weeks\n"
      "rule reduced-timetable-unreviewed \"Reduced timetable\" category safeguarding severity high\n"
      "for each reduced_timetable rt where rt is active when rt older than 6 weeks and no rt.reviews within last review_interval\n"
      "suggest tier 3 \"Review\" notify la_inclusion cite \"Herts 5.1\"\n";
  const std::string expected =
      "param review_interval = 4 weeks\n"
      "\n"
      "rule reduced-timetable-unreviewed \"Reduced timetable\"\n"
      "  category safeguarding\n"
      "  severity high\n"
      "  for each reduced_timetable rt where rt is active\n"
      "  when rt older than 6 weeks\n"
      "   and no rt.reviews within last review_interval\n"
      "  suggest tier 3 \"Review\"\n"
      "  notify la_inclusion\n"
      "  cite \"Herts 5.1\"\n";
  EXPECT_EQ(format_text(input).formatted, expected);
}

TEST(Format, KeepsCommentsOnTheirOwnLineOrAtTheEndOfTheirLine) {
  const std::string input =
      "# heading\n"
      "param a = 3   # why three\n"
      "\n"
      "# about the rule\n"
      "rule r \"T\"\n"
      "  # before when\n"
      "  when pupil.year_group > a   # trailing\n"
      "    and pupil.fsm\n"
      "  suggest \"x\"\n"
      "# at the end\n";
  const std::string expected =
      "# heading\n"
      "param a = 3  # why three\n"
      "\n"
      "# about the rule\n"
      "rule r \"T\"\n"
      "  # before when\n"
      "  when pupil.year_group > a  # trailing\n"
      "   and pupil.fsm\n"
      "  suggest \"x\"\n"
      "# at the end\n";
  EXPECT_EQ(format_text(input).formatted, expected);
  expect_round_trip(input, "comments");
}

TEST(Format, PutsEachOperandOfATopLevelOrChainOnItsOwnLine) {
  const std::string input = "rule r \"T\" when pupil.fsm or pupil.eal or (pupil.looked_after and pupil.fsm) suggest \"x\"\n";
  const std::string expected =
      "rule r \"T\"\n"
      "  when pupil.fsm\n"
      "   or pupil.eal\n"
      "   or (pupil.looked_after and pupil.fsm)\n"
      "  suggest \"x\"\n";
  EXPECT_EQ(format_text(input).formatted, expected);
}

}  // namespace
}  // namespace waymark::dsl

namespace waymark::dsl {
namespace {

TEST(Format, LaysOutTheVersion2ConstructsCanonically) {
  const std::string input =
      "rule r \"T\" for each suspension s\n"
      "when no notification  n about   s where(n.to=\"la\") and sessions coded [ C2,E ]>0\n"
      "and absence excluding[C2]>=10% and some incident in last  2 terms and some incident in term of s\n"
      "and s.start<start of  this term and unauthorised sessions within last 10 school\n weeks >= 10\n"
      "and some meeting m where (m is not   about s)\n"
      "suggest \"x\"\n";
  const std::string expected =
      "rule r \"T\"\n"
      "  for each suspension s\n"
      "  when no notification n about s where (n.to = \"la\")\n"
      "   and sessions coded [C2, E] > 0\n"
      "   and absence excluding [C2] >= 10%\n"
      "   and some incident in last 2 terms\n"
      "   and some incident in term of s\n"
      "   and s.start < start of this term\n"
      "   and unauthorised sessions within last 10 school weeks >= 10\n"
      "   and some meeting m where (m is not about s)\n"
      "  suggest \"x\"\n";
  const Parsed first = format_text(input);
  ASSERT_EQ(first.errors, 0u);
  EXPECT_EQ(first.formatted, expected);
  expect_round_trip(input, "version 2 constructs");
}

}  // namespace
}  // namespace waymark::dsl
