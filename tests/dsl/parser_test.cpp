// The parse stage (language.md §2-4 and §8): at least one test per production, lexical rule and
// kind of syntax error. Expected dumps and positions are worked out by hand from the spec and the
// input text (offsets by counting, or by finding the token in the input), never copied from output.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "waymark/dsl/parse.hpp"

namespace waymark::dsl {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

struct Parsed {
  SourceSet sources;
  FileId id = 0;
  Diagnostics diagnostics;
  RuleFile file;
};

std::unique_ptr<Parsed> parse_text(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->id = p->sources.add("test.wmk", text);
  p->file = parse(p->sources, p->id, p->diagnostics);
  return p;
}

std::string rendered(const Parsed& p) { return render_text(p.diagnostics.sorted(), p.sources); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The dump of a file that must parse with no diagnostics.
std::string dump_clean(const std::string& text) {
  auto p = parse_text(text);
  EXPECT_TRUE(p->diagnostics.empty()) << rendered(*p);
  return dump(p->file);
}

/// A rule `r` titled "T" with the given clauses.
std::string rule_with(const std::string& clauses) { return "rule r \"T\"\n" + clauses + "\n"; }

const Rule* only_rule(const Parsed& p) {
  if (p.file.declarations.size() != 1) return nullptr;
  return std::get_if<Rule>(&p.file.declarations[0]);
}

/// The dump of `when CONDITION` in a rule that must parse cleanly.
std::string condition(const std::string& when) {
  auto p = parse_text(rule_with("  when " + when + "\n  suggest \"S\""));
  EXPECT_TRUE(p->diagnostics.empty()) << rendered(*p);
  const Rule* r = only_rule(*p);
  return r != nullptr ? dump(*r->when) : "(no rule)";
}

/// The dump of an expression, written as the bare boolean of a `when`.
std::string expression(const std::string& e) {
  auto p = parse_text(rule_with("  when " + e + "\n  suggest \"S\""));
  EXPECT_TRUE(p->diagnostics.empty()) << rendered(*p);
  const Rule* r = only_rule(*p);
  if (r == nullptr) return "(no rule)";
  const auto* truth = std::get_if<Truth>(&r->when->node);
  return truth != nullptr ? dump(*truth->value) : "(not a bare expression: " + dump(*r->when) + ")";
}

struct Error {
  std::string code;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;
};

std::vector<Error> errors_of(const Parsed& p) {
  std::vector<Error> out;
  for (const Diagnostic& d : p.diagnostics.sorted()) {
    const LineColumn at = p.sources.file(p.id).position(d.range.begin);
    out.push_back({d.code, at.line, at.column, d.message});
  }
  return out;
}

/// `text` has exactly one diagnostic: a syntax error at line:column with this message.
void expect_error(const std::string& text, std::size_t line, std::size_t column, const std::string& message) {
  auto p = parse_text(text);
  const std::vector<Error> found = errors_of(*p);
  ASSERT_EQ(found.size(), 1u) << rendered(*p);
  EXPECT_EQ(found[0].code, "syntax");
  EXPECT_EQ(found[0].line, line) << found[0].message;
  EXPECT_EQ(found[0].column, column) << found[0].message;
  EXPECT_EQ(found[0].message, message);
}

/// The byte span of the first occurrence of `token` in `text` at or after `from`.
Span span_in(const std::string& text, const std::string& token, std::size_t from = 0) {
  const std::size_t at = text.find(token, from);
  EXPECT_NE(at, std::string::npos) << token;
  return Span{static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(at + token.size())};
}

// =============================================================================================
// Whole files: every example of the spec parses

TEST(ParseExamples, FirstLookParsesToTheExpectedTree) {
  const std::string text = read_file(fs::path(WAYMARK_TEST_DATA) / "fixtures" / "spec" / "pack" / "first-look.wmk");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(dump_clean(text),
            "(file\n"
            "  (param review_interval (duration 4 week) \"A reduced timetable must be reviewed at least this often\")\n"
            "  (param reintegration_window (duration 5 school-day))\n"
            "  (rule reduced-timetable-unreviewed\n"
            "    (title \"Reduced timetable in place for \" (interpolate (age-of (name rt))) \" without a recent review\")\n"
            "    (category safeguarding)\n"
            "    (severity high)\n"
            "    (for-each (of reduced_timetable) (var rt) (where (is (name rt) active)))\n"
            "    (when (and (older-than (name rt) (duration 6 week)) (no (of rt.reviews) (window within last (name review_interval)))))\n"
            "    (suggest (tier 3) (text \"Review the reduced timetable with parents and agree a plan back to full-time\"))\n"
            "    (notify la_inclusion)\n"
            "    (cite \"Hertfordshire emotional wellbeing and behaviour strategy 2020-23, 5.1\"))\n"
            "  (rule no-restorative-reintegration\n"
            "    (title \"No restorative reintegration meeting after a suspension\")\n"
            "    (category exclusion)\n"
            "    (severity medium)\n"
            "    (for-each (of suspension) (var s) (window in this academic year))\n"
            "    (when (no (of reintegration_meeting) (var m) (window within (name reintegration_window) after (path s end)) (where (truth (path m restorative)))))\n"
            "    (suggest (text \"Hold a restorative reintegration meeting with the pupil and parents\"))\n"
            "    (cite \"Herefordshire Relational Behaviour Guidance, Appendix 2\"))\n"
            "  (rule persistent-absence\n"
            "    (title \"Persistent absence\")\n"
            "    (category attendance)\n"
            "    (severity medium)\n"
            "    (when (< (attendance (window in this academic year)) (percent 90)))\n"
            "    (unless (some (of meeting) (var m) (window within last (duration 2 week)) (where (paren (= (path m type) (string \"attendance_support\"))))))\n"
            "    (suggest (tier 2) (text \"Meet the family to explore barriers to attendance\"))\n"
            "    (cite \"DfE Working together to improve school attendance (2024)\"))\n"
            "  (comment \"# The rules of language.md, section 1.\"))");
}

TEST(ParseExamples, TheFirstLookBlockOfTheSpecParses) {
  // language.md §1, read from the spec itself so that a change to the spec is noticed.
  const fs::path spec = fs::path(WAYMARK_SHARED_SPEC) / "language.md";
  if (!fs::exists(spec)) GTEST_SKIP() << "no shared spec at " << spec;
  const std::string text = read_file(spec);
  const std::size_t section = text.find("## 1. A first look");
  ASSERT_NE(section, std::string::npos);
  const std::size_t open = text.find("```\n", section);
  const std::size_t close = text.find("\n```", open + 4);
  ASSERT_NE(close, std::string::npos);
  auto p = parse_text(text.substr(open + 4, close - open - 4 + 1));
  EXPECT_TRUE(p->diagnostics.empty()) << rendered(*p);
  ASSERT_EQ(p->file.declarations.size(), 5u);
  EXPECT_EQ(std::get<Rule>(p->file.declarations[4]).id.text, "persistent-absence");
}

TEST(ParseExamples, EveryInlineExampleOfTheSpecParses) {
  // tests/dsl/fixtures/language-examples.wmk holds the examples of §2-8 written into rules.
  const std::string text = read_file(fs::path(WAYMARK_TEST_DATA) / "dsl" / "fixtures" / "language-examples.wmk");
  ASSERT_FALSE(text.empty());
  auto p = parse_text(text);
  EXPECT_TRUE(p->diagnostics.empty()) << rendered(*p);
  // 17 parameters and 9 rules, as written in the fixture.
  EXPECT_EQ(p->file.declarations.size(), 26u);
}

TEST(ParseExamples, EveryShippedRuleFileParses) {
  const fs::path rules = fs::path(WAYMARK_SOURCE_ROOT) / "rules";
  if (!fs::exists(rules)) GTEST_SKIP();
  for (const auto& entry : fs::recursive_directory_iterator(rules)) {
    if (entry.path().extension() != ".wmk") continue;
    auto p = parse_text(read_file(entry.path()));
    EXPECT_TRUE(p->diagnostics.empty()) << entry.path() << "\n" << rendered(*p);
  }
}

// =============================================================================================
// Declarations (language.md §3)

TEST(ParseParam, TakesEveryLiteralType) {
  EXPECT_EQ(dump_clean("param a = 4 weeks \"Reviewed at least this often\"\n"
                       "param b = 5 school days\n"
                       "param c = 90%\n"
                       "param d = 2.5\n"
                       "param e = 2025-09-01\n"
                       "param f = \"herts\"\n"
                       "param g = true\n"
                       "param h = false\n"),
            "(file\n"
            "  (param a (duration 4 week) \"Reviewed at least this often\")\n"
            "  (param b (duration 5 school-day))\n"
            "  (param c (percent 90))\n"
            "  (param d (number 2.5))\n"
            "  (param e (date 2025-09-01))\n"
            "  (param f (string \"herts\"))\n"
            "  (param g (bool true))\n"
            "  (param h (bool false)))");
}

TEST(ParseParam, KeepsLiteralsAsWritten) {
  const std::string text = "param a = 2.50\nparam b = 5  school\tdays\nparam c = \"a \\\"b\\\"\"\n";
  auto p = parse_text(text);
  ASSERT_TRUE(p->diagnostics.empty()) << rendered(*p);
  ASSERT_EQ(p->file.declarations.size(), 3u);
  const Param& a = std::get<Param>(p->file.declarations[0]);
  EXPECT_EQ(a.value.text, "2.50");
  EXPECT_EQ(std::get<Rational>(a.value.value), *Rational::fraction(5, 2));
  EXPECT_EQ(a.value.span, span_in(text, "2.50"));
  EXPECT_EQ(a.span, (Span{0, 14}));
  EXPECT_EQ(a.name.span, (Span{6, 7}));
  const Param& b = std::get<Param>(p->file.declarations[1]);
  EXPECT_EQ(b.value.text, "5  school\tdays");
  EXPECT_EQ(std::get<Duration>(b.value.value), (Duration{5, DurationUnit::school_day}));
  const Param& c = std::get<Param>(p->file.declarations[2]);
  EXPECT_EQ(c.value.text, "\"a \\\"b\\\"\"");
  EXPECT_EQ(std::get<std::string>(c.value.value), "a \"b\"");
}

TEST(ParseParam, DescriptionBracesArePlainText) {
  EXPECT_EQ(dump_clean("param a = 3 \"up to {x} or } and {{\""), "(file\n  (param a (number 3) \"up to {x} or } and {{\"))");
}

TEST(ParseParam, NameCannotBeAKeywordOrAUnitWord) {
  expect_error("param when = 3", 1, 7, "expected a parameter name after 'param' ('when' is a keyword)");
  expect_error("param days = 3", 1, 7, "expected a parameter name after 'param' ('days' is a unit word)");
}

TEST(ParseParam, NeedsEqualsAndALiteral) {
  expect_error("param a 3", 1, 9, "expected '=' after 'a'");
  expect_error("param a = b", 1, 11,
               "expected a value (a number, percent, date, duration, string, true or false) after '='");
  expect_error("param a = 3 4", 1, 13, "expected a description (a string), or a new 'rule' or 'param' after '3'");
  expect_error("param a = 3 \"d\" e", 1, 17, "expected a new 'rule' or 'param' after '\"d\"'");
}

TEST(ParseRule, TakesEveryClauseInOrder) {
  EXPECT_EQ(dump_clean("rule r \"Title\"\n"
                       "  category safeguarding\n"
                       "  severity high\n"
                       "  for each suspension s in this term where (s.days > 2)\n"
                       "  when s.days > 5\n"
                       "  unless s is active\n"
                       "  suggest tier 3 \"Do this\"\n"
                       "  notify dsl\n"
                       "  suggest \"And this\"\n"
                       "  notify senco\n"
                       "  cite \"Guidance, 1.1\"\n"),
            "(file\n"
            "  (rule r\n"
            "    (title \"Title\")\n"
            "    (category safeguarding)\n"
            "    (severity high)\n"
            "    (for-each (of suspension) (var s) (window in this term) (where (paren (> (path s days) (number 2)))))\n"
            "    (when (> (path s days) (number 5)))\n"
            "    (unless (is (name s) active))\n"
            "    (suggest (tier 3) (text \"Do this\"))\n"
            "    (notify dsl)\n"
            "    (suggest (text \"And this\"))\n"
            "    (notify senco)\n"
            "    (cite \"Guidance, 1.1\")))");
}

TEST(ParseRule, NeedsOnlyWhenAndOneAction) {
  EXPECT_EQ(dump_clean("rule r \"T\" when x notify dsl"),
            "(file\n  (rule r\n    (title \"T\")\n    (when (truth (name x)))\n    (notify dsl)))");
  auto p = parse_text("rule r \"T\" when x notify dsl");
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->category);  // language.md §3: defaults (general, medium) are not written into the tree
  EXPECT_FALSE(r->severity);
  EXPECT_FALSE(r->cite);
  EXPECT_EQ(r->unless, nullptr);
}

TEST(ParseRule, KeepsActionsInWrittenOrder) {
  auto p = parse_text(rule_with("  when x\n  notify senco\n  suggest tier 1 \"A\"\n  notify dsl\n  suggest \"B\""));
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  ASSERT_EQ(r->actions.size(), 4u);
  EXPECT_EQ(std::get<Notify>(r->actions[0]).role.text, "senco");
  EXPECT_EQ(std::get<Suggest>(r->actions[1]).tier, 1);
  EXPECT_EQ(std::get<Notify>(r->actions[2]).role.text, "dsl");
  EXPECT_FALSE(std::get<Suggest>(r->actions[3]).tier);
}

TEST(ParseRule, ReadsEverySeverity) {
  const std::pair<const char*, SeverityLevel> levels[] = {{"low", SeverityLevel::low},
                                                          {"medium", SeverityLevel::medium},
                                                          {"high", SeverityLevel::high},
                                                          {"urgent", SeverityLevel::urgent}};
  for (const auto& [word, level] : levels) {
    const std::string text = rule_with(std::string("  severity ") + word + "\n  when x\n  notify dsl");
    auto p = parse_text(text);
    const Rule* r = only_rule(*p);
    ASSERT_NE(r, nullptr) << rendered(*p);
    ASSERT_TRUE(r->severity);
    EXPECT_EQ(r->severity->level, level);
    EXPECT_EQ(r->severity->span, span_in(text, word));
  }
  expect_error(rule_with("  severity severe\n  when x\n  notify dsl"), 2, 12,
               "expected 'low', 'medium', 'high' or 'urgent' after 'severity'");
}

TEST(ParseRule, CategoryMayBeAKeyword) {
  auto p = parse_text(rule_with("  category attendance\n  when x\n  notify dsl"));
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(r->category->text, "attendance");
}

TEST(ParseRule, IdMayBeginWithAKeyword) {
  for (const std::string id : {"no-some", "tier-rule", "in-2", "when2"}) {
    auto p = parse_text("rule " + id + " \"T\" when x notify dsl");
    const Rule* r = only_rule(*p);
    ASSERT_NE(r, nullptr) << rendered(*p);
    EXPECT_EQ(r->id.text, id);
    EXPECT_EQ(r->id.span, (Span{5, static_cast<std::uint32_t>(5 + id.size())}));
  }
}

TEST(ParseRule, IdMustNotBeAKeywordOrHaveOtherCharacters) {
  expect_error("rule when \"T\" when x notify dsl", 1, 6, "expected a rule id after 'rule' ('when' is a keyword)");
  expect_error("rule Big \"T\" when x notify dsl", 1, 6,
               "expected a rule id after 'rule' (a rule id is lower-case letters, digits and '-', starting with a letter)");
  expect_error("rule a_b \"T\" when x notify dsl", 1, 6,
               "expected a rule id after 'rule' (a rule id is lower-case letters, digits and '-', starting with a letter)");
}

TEST(ParseRule, ForEachKindMayBeAKeyword) {
  EXPECT_EQ(condition("t.start older than 2 weeks"), "(older-than (path t start) (duration 2 week))");
  auto p = parse_text(rule_with("  for each tier t\n  when x\n  notify dsl"));
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(r->for_each->binding.source.name.text, "tier");
  EXPECT_EQ(r->for_each->binding.variable->text, "t");
}

TEST(ParseRule, ForEachNeedsAVariable) {
  expect_error(rule_with("  for each suspension in this term\n  when x\n  notify dsl"), 2, 23,
               "expected a variable after 'suspension' ('in' is a keyword)");
}

TEST(ParseRule, EndsWhereTheNextDeclarationBegins) {
  auto p = parse_text("rule a \"A\" when x notify dsl rule b \"B\" when y notify dsl param p = 1 param q = 2");
  EXPECT_TRUE(p->diagnostics.empty()) << rendered(*p);
  ASSERT_EQ(p->file.declarations.size(), 4u);
  EXPECT_EQ(std::get<Rule>(p->file.declarations[1]).id.text, "b");
  EXPECT_EQ(std::get<Param>(p->file.declarations[3]).name.text, "q");
}

TEST(ParseRule, EmptyAndCommentOnlyFilesHaveNoDeclarations) {
  EXPECT_EQ(dump_clean(""), "(file)");
  EXPECT_EQ(dump_clean("  \n\t\n"), "(file)");
  EXPECT_EQ(dump_clean("# only\n# comments"), "(file\n  (comment \"# only\")\n  (comment \"# comments\"))");
}

// =============================================================================================
// Conditions (language.md §4)

TEST(ParseCondition, OrIsLooserThanAndWhichIsLooserThanNot) {
  EXPECT_EQ(condition("a or b and not c"), "(or (truth (name a)) (and (truth (name b)) (not (truth (name c)))))");
  EXPECT_EQ(condition("not a and b"), "(and (not (truth (name a))) (truth (name b)))");
  EXPECT_EQ(condition("a and b or c and d"),
            "(or (and (truth (name a)) (truth (name b))) (and (truth (name c)) (truth (name d))))");
}

TEST(ParseCondition, ChainsStayFlat) {
  EXPECT_EQ(condition("a and b and c"), "(and (truth (name a)) (truth (name b)) (truth (name c)))");
  EXPECT_EQ(condition("a or b or c"), "(or (truth (name a)) (truth (name b)) (truth (name c)))");
}

TEST(ParseCondition, KeepsParentheses) {
  EXPECT_EQ(condition("(a or b) and c"), "(and (paren (or (truth (name a)) (truth (name b)))) (truth (name c)))");
  EXPECT_EQ(condition("((a))"), "(paren (paren (truth (name a))))");
  EXPECT_EQ(condition("a and (b and c)"), "(and (truth (name a)) (paren (and (truth (name b)) (truth (name c)))))");
}

TEST(ParseCondition, NotNests) {
  EXPECT_EQ(condition("not not a"), "(not (not (truth (name a))))");
  EXPECT_EQ(condition("not (x > 3)"), "(not (paren (> (name x) (number 3))))");
  expect_error(rule_with("  when not\n  notify dsl"), 3, 3, "expected a condition after 'not'");
}

TEST(ParseCondition, ComparesWithEveryOperator) {
  EXPECT_EQ(condition("x < 1"), "(< (name x) (number 1))");
  EXPECT_EQ(condition("x <= 1"), "(<= (name x) (number 1))");
  EXPECT_EQ(condition("x > 1"), "(> (name x) (number 1))");
  EXPECT_EQ(condition("x >= 1"), "(>= (name x) (number 1))");
  EXPECT_EQ(condition("x = \"a\""), "(= (name x) (string \"a\"))");
  EXPECT_EQ(condition("x != true"), "(!= (name x) (bool true))");
  EXPECT_EQ(condition("x<1"), "(< (name x) (number 1))");
  expect_error(rule_with("  when x <\n  notify dsl"), 3, 3, "expected an expression after '<'");
}

TEST(ParseCondition, TestsMembershipOfAList) {
  EXPECT_EQ(condition("pupil.sen in [ehcp, sen_support]"), "(in (path pupil sen) (list ehcp sen_support))");
  EXPECT_EQ(condition("x in [1, 2.5, \"a\", 2025-01-01, 10%, true, 3 days]"),
            "(in (name x) (list (number 1) (number 2.5) (string \"a\") (date 2025-01-01) (percent 10) (bool true) "
            "(duration 3 day)))");
  expect_error(rule_with("  when x in [1,]\n  notify dsl"), 2, 16, "expected a value after ','");
  expect_error(rule_with("  when x in [1 2]\n  notify dsl"), 2, 16, "expected ']' after '1'");
  expect_error(rule_with("  when x in 3\n  notify dsl"), 2, 13, "expected a list '[...]' or a range 'N..M' after 'in'");
}

TEST(ParseCondition, TestsMembershipOfARange) {
  EXPECT_EQ(condition("pupil.age in 5..11"), "(in-range (path pupil age) 5 11)");
  EXPECT_EQ(condition("pupil.age in 5 .. 11"), "(in-range (path pupil age) 5 11)");
  // "  when x in 1.5..3": 1.5 is at column 13.
  expect_error(rule_with("  when x in 1.5..3\n  notify dsl"), 2, 13, "a range 'N..M' takes whole numbers");
  expect_error(rule_with("  when x in 1..2.5\n  notify dsl"), 2, 16, "a range 'N..M' takes whole numbers");
  expect_error(rule_with("  when x in 1..y\n  notify dsl"), 2, 16, "expected a whole number after '..'");
}

TEST(ParseCondition, TestsWithIs) {
  EXPECT_EQ(condition("x is none"), "(is (name x) none)");
  EXPECT_EQ(condition("x is set"), "(is (name x) set)");
  EXPECT_EQ(condition("rt is active"), "(is (name rt) active)");
  EXPECT_EQ(condition("pupil.sen is ehcp"), "(is (path pupil sen) ehcp)");
  EXPECT_EQ(condition("x is not none"), "(is-not (name x) none)");
  EXPECT_EQ(condition("pupil.sen is not ehcp"), "(is-not (path pupil sen) ehcp)");
  expect_error(rule_with("  when x is\n  notify dsl"), 3, 3, "expected 'none', 'set', 'active' or a value after 'is'");
}

TEST(ParseCondition, ReadsABareBoolean) {
  EXPECT_EQ(condition("m.restorative"), "(truth (path m restorative))");
  EXPECT_EQ(condition("pupil.looked_after"), "(truth (path pupil looked_after))");
}

TEST(ParseCondition, ReadsAgeTests) {
  EXPECT_EQ(condition("rt older than 6 weeks"), "(older-than (name rt) (duration 6 week))");
  EXPECT_EQ(condition("m.date within last review_interval"), "(within-last (path m date) (name review_interval))");
  expect_error(rule_with("  when rt older 6 weeks\n  notify dsl"), 2, 17, "expected 'than' after 'older'");
  expect_error(rule_with("  when rt older than x.\n  notify dsl"), 2, 24, "expected a field name after 'x.'");
  expect_error(rule_with("  when rt within 6 weeks\n  notify dsl"), 2, 18, "expected 'last' after 'within'");
}

TEST(ParseCondition, ReadsExistenceTests) {
  EXPECT_EQ(condition("no suspensions"), "(no (of suspensions))");
  EXPECT_EQ(condition("some meeting m within last 2 weeks where (m.type = \"x\")"),
            "(some (of meeting) (var m) (window within last (duration 2 week)) (where (paren (= (path m type) (string "
            "\"x\")))))");
  EXPECT_EQ(condition("no rt.reviews r"), "(no (of rt.reviews) (var r))");
  expect_error(rule_with("  when some\n  notify dsl"), 3, 3, "expected a kind or a date list after 'some'");
}

TEST(ParseCondition, WhereTakesOnlyAPathAnIsTestOrParentheses) {
  // language.md §4: the `>= 2` compares the count, and `and s.days > 2` belongs to the condition.
  EXPECT_EQ(condition("count of incidents within last 4 weeks where incident.restrictive_intervention >= 2"),
            "(>= (count (of incidents) (window within last (duration 4 week)) (where (truth (path incident "
            "restrictive_intervention)))) (number 2))");
  EXPECT_EQ(condition("no meeting m after s.end where m.restorative and s.days > 2"),
            "(and (no (of meeting) (var m) (window after (path s end)) (where (truth (path m restorative)))) (> (path s "
            "days) (number 2)))");
  EXPECT_EQ(condition("some support_plan p where p is active"), "(some (of support_plan) (var p) (where (is (name p) active)))");
  EXPECT_EQ(condition("some meeting mm where mm.outcome is trial"),
            "(some (of meeting) (var mm) (where (is (path mm outcome) trial)))");
  EXPECT_EQ(condition("some meeting m where (m.type = \"pep\" and m.pupil_voice)"),
            "(some (of meeting) (var m) (where (paren (and (= (path m type) (string \"pep\")) (truth (path m "
            "pupil_voice))))))");
  // "  when some meeting m where x > 2": x is at column 29.
  expect_error(rule_with("  when some meeting m where x > 2\n  notify dsl"), 2, 29,
               "expected a path, an 'is' test or a parenthesised condition after 'where'");
  expect_error(rule_with("  when some suspension s where s.days > 2\n  notify dsl"), 2, 39,
               "expected 'and', 'or', 'unless' or an action ('suggest' or 'notify') after 's.days'");
}

TEST(ParseCondition, InThisOrPreviousStartsAWindowAndOtherInIsMembership) {
  EXPECT_EQ(condition("attendance in this term < 90%"), "(< (attendance (window in this term)) (percent 90))");
  EXPECT_EQ(condition("count of incident in previous term > 1"),
            "(> (count (of incident) (window in previous term)) (number 1))");
  // "  when s.start in this term": `in` is at column 16.
  expect_error(rule_with("  when s.start in this term\n  notify dsl"), 2, 16,
               "a window ('in this ...' or 'in previous ...') can only follow a collection or an attendance measure");
}

TEST(ParseCondition, BetweenTakesTheFirstAndAfterItsStart) {
  EXPECT_EQ(condition("attendance between 2025-09-01 and 2025-10-01 < 90% and x"),
            "(and (< (attendance (window between (date 2025-09-01) (date 2025-10-01))) (percent 90)) (truth (name x)))");
}

TEST(ParseCondition, ParenthesesGroupConditionsAndExpressionsAlike) {
  EXPECT_EQ(condition("(attendance between 2025-09-01 and 2025-10-01) - 10% < 5%"),
            "(< (- (paren (attendance (window between (date 2025-09-01) (date 2025-10-01)))) (percent 10)) (percent 5))");
  EXPECT_EQ(condition("((x + 1)) > 2"), "(> (paren (paren (+ (name x) (number 1)))) (number 2))");
  EXPECT_EQ(condition("(x) is set"), "(is (paren (name x)) set)");
  EXPECT_EQ(condition("2 < (x)"), "(< (number 2) (paren (name x)))");
  expect_error(rule_with("  when (a < b) + 1 > 2\n  notify dsl"), 2, 8,
               "expected an expression in these parentheses, not a condition: a condition has no value here");
  expect_error(rule_with("  when (a\n  notify dsl"), 3, 3, "expected ')' after 'a'");
}

// =============================================================================================
// Expressions (language.md §4)

TEST(ParseExpression, ReadsLiterals) {
  EXPECT_EQ(expression("3"), "(number 3)");
  EXPECT_EQ(expression("2.5"), "(number 2.5)");
  EXPECT_EQ(expression("12.5%"), "(percent 12.5)");
  EXPECT_EQ(expression("2025-09-01"), "(date 2025-09-01)");
  EXPECT_EQ(expression("1 day"), "(duration 1 day)");
  EXPECT_EQ(expression("3 days"), "(duration 3 day)");
  EXPECT_EQ(expression("1 school day"), "(duration 1 school-day)");
  EXPECT_EQ(expression("5 school days"), "(duration 5 school-day)");
  EXPECT_EQ(expression("1 week"), "(duration 1 week)");
  EXPECT_EQ(expression("2 months"), "(duration 2 month)");
  EXPECT_EQ(expression("1 year"), "(duration 1 year)");
  EXPECT_EQ(expression("\"text\""), "(string \"text\")");
  EXPECT_EQ(expression("false"), "(bool false)");
}

TEST(ParseExpression, ReadsTodayNamesAndPaths) {
  EXPECT_EQ(expression("today"), "today");
  EXPECT_EQ(expression("review_interval"), "(name review_interval)");
  EXPECT_EQ(expression("pupil.age"), "(path pupil age)");
  // A field may be any name, keywords included (language.md §2).
  EXPECT_EQ(expression("p.start"), "(path p start)");
  EXPECT_EQ(expression("rt.end"), "(path rt end)");
  EXPECT_EQ(expression("s.in"), "(path s in)");
  EXPECT_EQ(expression("tier.level"), "(path tier level)");
}

TEST(ParseExpression, AgeOfBindsTighterThanPlusAndMinus) {
  EXPECT_EQ(expression("age of rt + 2 weeks"), "(+ (age-of (name rt)) (duration 2 week))");
  EXPECT_EQ(expression("age of (rt.start + 2 weeks)"), "(age-of (paren (+ (path rt start) (duration 2 week))))");
  EXPECT_EQ(expression("age of today"), "(age-of today)");
  EXPECT_EQ(expression("age of 2025-01-01"), "(age-of (date 2025-01-01))");
  EXPECT_EQ(expression("age of pupil.dob"), "(age-of (path pupil dob))");
  EXPECT_EQ(condition("age of rt > 4 weeks"), "(> (age-of (name rt)) (duration 4 week))");
  // language.md §4: `age of` takes a path, a variable, today, a date or parentheses; nothing else.
  expect_error(rule_with("  when age of age of x\n  notify dsl"), 2, 15,
               "expected a path, a variable, 'today', a date or a parenthesised expression after 'of'");
  expect_error(rule_with("  when age of 5\n  notify dsl"), 2, 15,
               "expected a path, a variable, 'today', a date or a parenthesised expression after 'of'");
  expect_error(rule_with("  when age x\n  notify dsl"), 2, 12, "expected 'of' after 'age'");
}

TEST(ParseExpression, ReadsAggregates) {
  EXPECT_EQ(expression("count of incidents"), "(count (of incidents))");
  EXPECT_EQ(expression("total days of suspensions in this term"), "(total days (of suspensions) (window in this term))");
  EXPECT_EQ(expression("max date of rt.reviews"), "(max date (of rt.reviews))");
  EXPECT_EQ(expression("min start of support_plan p where p is active"),
            "(min start (of support_plan) (var p) (where (is (name p) active)))");
  EXPECT_EQ(expression("count of incidents i after 2025-09-01 where i.restrictive_intervention"),
            "(count (of incidents) (var i) (window after (date 2025-09-01)) (where (truth (path i "
            "restrictive_intervention))))");
  expect_error(rule_with("  when count incidents\n  notify dsl"), 2, 14, "expected 'of' after 'count'");
  expect_error(rule_with("  when total 5 of x\n  notify dsl"), 2, 14, "expected a field after 'total'");
}

TEST(ParseExpression, ReadsAttendanceMeasuresPreferringFixedPhrases) {
  EXPECT_EQ(expression("attendance"), "(attendance)");
  EXPECT_EQ(expression("absence"), "(absence)");
  EXPECT_EQ(expression("unauthorised absence"), "(unauthorised-absence)");
  EXPECT_EQ(expression("sessions missed"), "(sessions-missed)");
  EXPECT_EQ(expression("absence streak"), "(absence-streak)");
  EXPECT_EQ(expression("unauthorised absence streak"), "(unauthorised-absence-streak)");
  EXPECT_EQ(expression("attendance in previous academic year"), "(attendance (window in previous academic year))");
  EXPECT_EQ(expression("unauthorised absence within last 4 weeks"),
            "(unauthorised-absence (window within last (duration 4 week)))");
  EXPECT_EQ(expression("sessions missed after 2025-09-01"), "(sessions-missed (window after (date 2025-09-01)))");
  // language.md §7: streaks take no window. "  when absence streak in this term": `in` at column 23.
  expect_error(rule_with("  when absence streak in this term\n  notify dsl"), 2, 23,
               "a streak takes no window: it always ends at the latest school day");
  expect_error(rule_with("  when unauthorised attendance\n  notify dsl"), 2, 21, "expected 'absence' after 'unauthorised'");
  expect_error(rule_with("  when sessions\n  notify dsl"), 3, 3, "expected 'missed' after 'sessions'");
}

TEST(ParseExpression, ReadsCurrentTier) {
  EXPECT_EQ(expression("current tier"), "current-tier");
  EXPECT_EQ(expression("current tier start"), "current-tier-start");
  EXPECT_EQ(condition("current tier >= 2"), "(>= current-tier (number 2))");
  expect_error(rule_with("  when current start\n  notify dsl"), 2, 16, "expected 'tier' after 'current'");
}

TEST(ParseExpression, ArithmeticIsLeftAssociative) {
  EXPECT_EQ(expression("a - b + c"), "(+ (- (name a) (name b)) (name c))");
  EXPECT_EQ(expression("a - (b + c)"), "(- (name a) (paren (+ (name b) (name c))))");
  EXPECT_EQ(expression("(a - b) + c"), "(+ (paren (- (name a) (name b))) (name c))");
  EXPECT_EQ(expression("2025-09-01 + 5 school days"), "(+ (date 2025-09-01) (duration 5 school-day))");
  expect_error(rule_with("  when a +\n  notify dsl"), 3, 3, "expected an expression after '+'");
}

TEST(ParseExpression, ADateIsNeverASubtraction) {
  EXPECT_EQ(expression("2025-09-01"), "(date 2025-09-01)");
  EXPECT_EQ(expression("2025-09-01-5"), "(- (date 2025-09-01) (number 5))");
  EXPECT_EQ(expression("2025 - 9"), "(- (number 2025) (number 9))");
}

// =============================================================================================
// Windows (language.md §5)

TEST(ParseWindow, ReadsEveryForm) {
  const std::pair<const char*, const char*> windows[] = {
      {"within last 2 weeks", "(window within last (duration 2 week))"},
      {"within 5 school days after s.end", "(window within (duration 5 school-day) after (path s end))"},
      {"within 2 weeks before s.start", "(window within (duration 2 week) before (path s start))"},
      {"within reintegration_window after s.end + 1 day",
       "(window within (name reintegration_window) after (+ (path s end) (duration 1 day)))"},
      {"after s.end", "(window after (path s end))"},
      {"before s.start", "(window before (path s start))"},
      {"between 2025-09-01 and 2025-12-31", "(window between (date 2025-09-01) (date 2025-12-31))"},
      {"in this term", "(window in this term)"},
      {"in previous term", "(window in previous term)"},
      {"in this academic year", "(window in this academic year)"},
      {"in previous academic year", "(window in previous academic year)"},
  };
  for (const auto& [written, dumped] : windows) {
    EXPECT_EQ(condition(std::string("some meeting m ") + written),
              std::string("(some (of meeting) (var m) ") + dumped + ")");
  }
}

TEST(ParseWindow, ReportsWhatIsMissing) {
  // "  when some meeting m within where": `where` is at column 30.
  expect_error(rule_with("  when some meeting m within where m.x\n  notify dsl"), 2, 30,
               "expected a duration after 'within'");
  expect_error(rule_with("  when some meeting m within 5 days\n  notify dsl"), 3, 3,
               "expected 'after' or 'before' after 'days'");
  expect_error(rule_with("  when some meeting m in this week\n  notify dsl"), 2, 31,
               "expected 'term' or 'academic year' after 'this'");
  expect_error(rule_with("  when some meeting m in this academic\n  notify dsl"), 3, 3,
               "expected 'year' after 'academic'");
  expect_error(rule_with("  when some meeting m between 2025-09-01 or x\n  notify dsl"), 2, 42,
               "expected 'and' after '2025-09-01'");
  expect_error(rule_with("  when some meeting m after\n  notify dsl"), 3, 3, "expected a date after 'after'");
}

// =============================================================================================
// Texts (language.md §2, §6)

TEST(ParseText, InterpolatesAndResolvesDoubledBraces) {
  const std::string text = "rule r \"For {age of rt} {{days}} left }}\" when x suggest \"S {x}\"";
  auto p = parse_text(text);
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(dump(p->file),
            "(file\n  (rule r\n    (title \"For \" (interpolate (age-of (name rt))) \" {days} left }\")\n"
            "    (when (truth (name x)))\n    (suggest (text \"S \" (interpolate (name x))))))");
  EXPECT_EQ(r->title.source, "\"For {age of rt} {{days}} left }}\"");
  EXPECT_EQ(r->title.span, span_in(text, r->title.source));
  ASSERT_EQ(r->title.parts.size(), 3u);
  EXPECT_EQ(r->title.parts[0].span, span_in(text, "For "));
  EXPECT_EQ(r->title.parts[1].span, span_in(text, "{age of rt}"));
  EXPECT_EQ(span_of(*r->title.parts[1].expr), span_in(text, "age of rt"));
  EXPECT_EQ(r->title.parts[2].span, span_in(text, " {{days}} left }}"));
}

TEST(ParseText, EmptyTextHasNoParts) { EXPECT_EQ(dump_clean("rule r \"\" when x notify dsl"), "(file\n  (rule r\n    (title)\n    (when (truth (name x)))\n    (notify dsl)))"); }

TEST(ParseText, CiteBracesArePlain) {
  auto p = parse_text("rule r \"T\" when x notify dsl cite \"a {b} }\"");
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(std::get<std::string>(r->cite->value), "a {b} }");
}

TEST(ParseText, ReportsBraceAndInterpolationErrors) {
  // `rule r "a {`: the `{` is at column 11.
  expect_error("rule r \"a { b\" when x notify dsl", 1, 11,
               "a lone '{' in a text: close the interpolation with '}', or write '{{' for a literal brace");
  expect_error("rule r \"a } b\" when x notify dsl", 1, 11, "a lone '}' in a text: write '}}' for a literal brace");
  expect_error("rule r \"{a {b}}\" when x notify dsl", 1, 12, "a '{' inside an interpolation: interpolations do not nest");
  expect_error("rule r \"{}\" when x notify dsl", 1, 10, "expected an expression after '{'");
  expect_error("rule r \"{ }\" when x notify dsl", 1, 11, "expected an expression after '{'");
  expect_error("rule r \"{a b}\" when x notify dsl", 1, 12, "expected '}' after 'a'");
  expect_error("rule r \"{x is set}\" when x notify dsl", 1, 12, "expected '}' after 'x'");
  expect_error("rule r \"{a # b}\" when x notify dsl", 1, 12, "a '#' cannot appear in an interpolation");
  expect_error("rule r \"{(a < b)}\" when x notify dsl", 1, 10,
               "expected an expression in these parentheses, not a condition: a condition has no value here");
  expect_error("rule r \"T\" when x suggest \"a {\"", 1, 30,
               "a lone '{' in a text: close the interpolation with '}', or write '{{' for a literal brace");
}

// =============================================================================================
// Lexical rules (language.md §2)

TEST(Lexical, CollectsCommentsWithTheirSpans) {
  const std::string text = "# one\nparam a = 1 # two \"not a string\nparam b = \"a # not a comment\" # three\n";
  auto p = parse_text(text);
  ASSERT_TRUE(p->diagnostics.empty()) << rendered(*p);
  ASSERT_EQ(p->file.comments.size(), 3u);
  EXPECT_EQ(p->file.comments[0].text, "# one");
  EXPECT_EQ(p->file.comments[0].span, (Span{0, 5}));
  EXPECT_EQ(p->file.comments[1].text, "# two \"not a string");
  EXPECT_EQ(p->file.comments[1].span, span_in(text, "# two \"not a string"));
  EXPECT_EQ(p->file.comments[2].text, "# three");
  EXPECT_EQ(std::get<std::string>(std::get<Param>(p->file.declarations[1]).value.value), "a # not a comment");
}

TEST(Lexical, TreatsCrLfAsALineBreak) {
  const std::string text = "# c\r\nrule r \"T\" # t\r\n  when x\r\n  notify dsl\r\n";
  auto p = parse_text(text);
  ASSERT_TRUE(p->diagnostics.empty()) << rendered(*p);
  ASSERT_EQ(p->file.comments.size(), 2u);
  EXPECT_EQ(p->file.comments[0].text, "# c");
  EXPECT_EQ(p->file.comments[1].text, "# t");
  EXPECT_EQ(p->file.comments[1].span, span_in(text, "# t"));
  expect_error("rule r \"T\"\r\n  when x >\r\n  notify dsl\r\n", 3, 3, "expected an expression after '>'");
  expect_error("rule r \"T\r\n  when x\r\n  notify dsl\r\n", 1, 8, "unterminated string");
  expect_error("rule r \"T {x\n  when x\n  notify dsl\n", 1, 8, "unterminated string");
}

TEST(Lexical, KeywordsCountOnlyAsWholeWords) {
  EXPECT_EQ(condition("nothing and notify_count and incident_total in [1] and nonesuch"),
            "(and (truth (name nothing)) (truth (name notify_count)) (in (name incident_total) (list (number 1))) (truth "
            "(name nonesuch)))");
  EXPECT_EQ(condition("x is nones"), "(is (name x) nones)");
  EXPECT_EQ(condition("todays"), "(truth (name todays))");
}

TEST(Lexical, SchoolIsAUnitWordOnlyBeforeDay) {
  EXPECT_EQ(dump_clean("param school_year = 1 school day"), "(file\n  (param school_year (duration 1 school-day)))");
  EXPECT_EQ(condition("count of school > 1"), "(> (count (of school)) (number 1))");
  expect_error("param a = 5 school", 1, 13, "expected a description (a string), or a new 'rule' or 'param' after '5'");
}

TEST(Lexical, ReadsStringEscapes) {
  auto p = parse_text("param a = \"say \\\"hi\\\" \\\\ ok\"");
  ASSERT_TRUE(p->diagnostics.empty()) << rendered(*p);
  EXPECT_EQ(std::get<std::string>(std::get<Param>(p->file.declarations[0]).value.value), "say \"hi\" \\ ok");
  EXPECT_EQ(dump(p->file), "(file\n  (param a (string \"say \\\"hi\\\" \\\\ ok\")))");
}

TEST(Lexical, ReportsBadEscapesAtTheBackslash) {
  // `param a = "bad \n"`: the backslash is at column 16.
  expect_error("param a = \"bad \\n\"", 1, 16, "unknown escape '\\n' in a string: only \\\" and \\\\ are allowed");
  expect_error("rule r \"T\" when x suggest \"\\{\"", 1, 28, "unknown escape '\\{' in a string: only \\\" and \\\\ are allowed");
}

TEST(Lexical, ReportsUnterminatedStringsAtTheOpeningQuote) {
  auto p = parse_text("param a = \"abc\nparam b = 1\n");
  const std::vector<Error> found = errors_of(*p);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 1u);
  EXPECT_EQ(found[0].column, 11u);
  EXPECT_EQ(found[0].message, "unterminated string");
  ASSERT_EQ(p->file.declarations.size(), 1u);  // parsing resumed at `param b`
  expect_error("param a = \"abc\\", 1, 11, "unterminated string");
}

TEST(Lexical, ReadsNumbers) {
  EXPECT_EQ(dump_clean("param a = 007\nparam b = 0.5\nparam c = 12.5%\nparam d = 100%"),
            "(file\n  (param a (number 7))\n  (param b (number 0.5))\n  (param c (percent 12.5))\n  (param d (percent 100)))");
  expect_error("param a = 3.", 1, 12, "expected a description (a string), or a new 'rule' or 'param' after '3'");
  expect_error("param a = 1234567890123456789", 1, 11, "number too large");
  expect_error("rule r \"T\" when x > 99999999999999999999% notify dsl", 1, 21, "number too large");
}

TEST(Lexical, ReportsImpossibleDatesAtTheToken) {
  EXPECT_EQ(dump_clean("param a = 2024-02-29"), "(file\n  (param a (date 2024-02-29)))");
  expect_error("param a = 2025-02-30", 1, 11, "impossible date '2025-02-30'");
  expect_error("param a = 2025-13-01", 1, 11, "impossible date '2025-13-01'");
  expect_error(rule_with("  when s.start > 2025-00-10\n  notify dsl"), 2, 18, "impossible date '2025-00-10'");
}

TEST(Lexical, DurationsTakeWholeNumbers) {
  expect_error("param a = 2.5 weeks", 1, 11, "a duration needs a whole number, not '2.5'");
  expect_error(rule_with("  suggest tier 2.5 \"x\""), 2, 3, "expected 'when' before 'suggest': every rule needs a 'when' condition");
  expect_error(rule_with("  when x\n  suggest tier 2.5 \"x\""), 3, 16, "expected a tier number (a whole number) after 'tier'");
}

TEST(Lexical, CountsColumnsInCharacters) {
  // `param a = "é" x`: x is the 15th character (the 16th byte).
  expect_error("param a = \"\xC3\xA9\" x", 1, 15,
               "expected a description (a string), or a new 'rule' or 'param' after '\"\xC3\xA9\"'");
}

TEST(Lexical, SurvivesNulBytesInvalidUtf8AndAByteOrderMark) {
  expect_error("rule r \"T\"\n  when x\0\n  notify dsl"s, 2, 9,
               "expected 'and', 'or', 'unless' or an action ('suggest' or 'notify') after 'x'");
  expect_error("param a = \"caf\xC3\"", 1, 15, "invalid UTF-8 in a string");
  expect_error("param a = \"\xED\xA0\x80\"", 1, 12, "invalid UTF-8 in a string");  // a UTF-16 surrogate
  expect_error("\xFF\xFE param a = 1", 1, 1, "expected 'rule' or 'param'");
  EXPECT_EQ(dump_clean("\xEF\xBB\xBFparam a = 1"), "(file\n  (param a (number 1)))");
  auto p = parse_text("param a = \"n\0l\""s);
  ASSERT_TRUE(p->diagnostics.empty()) << rendered(*p);
  EXPECT_EQ(dump(p->file), "(file\n  (param a (string \"n\\x00l\")))");
}

// =============================================================================================
// Syntax errors and recovery (language.md §8)

TEST(SyntaxError, ExpectedWhenListsTheClausesStillAllowed) {
  expect_error(rule_with("  suggest \"x\""), 2, 3, "expected 'when' before 'suggest': every rule needs a 'when' condition");
  expect_error(rule_with("  categry x"), 2, 3, "expected 'when' or a clause ('category', 'severity', 'for each') after '\"T\"'");
  expect_error(rule_with("  category a\n  whn x"), 3, 3, "expected 'when' or a clause ('severity', 'for each') after 'a'");
  expect_error(rule_with("  severity low\n  whn x"), 3, 3, "expected 'when' or 'for each' after 'low'");
  expect_error(rule_with("  for each s x\n  whn x"), 3, 3, "expected 'when' after 'x'");
  expect_error("rule r \"T\"", 1, 11, "expected 'when' or a clause ('category', 'severity', 'for each') after '\"T\"'");
}

TEST(SyntaxError, NamesClausesOutOfOrder) {
  const std::string out_of_place =
      "' is out of place: a rule's clauses come in the order category, severity, for each, when, unless, actions "
      "(suggest, notify), cite, and only the actions may repeat";
  expect_error(rule_with("  severity high\n  category a\n  when x\n  notify dsl"), 3, 3, "'category" + out_of_place);
  expect_error(rule_with("  when x\n  cite \"c\""), 3, 3, "'cite" + out_of_place);
  expect_error(rule_with("  when x\n  notify dsl\n  cite \"c\"\n  suggest \"s\""), 5, 3, "'suggest" + out_of_place);
  expect_error(rule_with("  when x\n  notify dsl\n  for each s x"), 4, 3, "'for each" + out_of_place);
  expect_error(rule_with("  when x\n  when y\n  notify dsl"), 3, 3, "'when" + out_of_place);
  expect_error(rule_with("  when x\n  unless y\n  unless z\n  notify dsl"), 4, 3, "'unless" + out_of_place);
}

TEST(SyntaxError, SaysWhatMayFollowACondition) {
  expect_error(rule_with("  when x > 3 nd y\n  notify dsl"), 2, 14,
               "expected 'and', 'or', 'unless' or an action ('suggest' or 'notify') after '3'");
  expect_error(rule_with("  when x\n  unless y z\n  notify dsl"), 3, 12,
               "expected 'and', 'or' or an action ('suggest' or 'notify') after 'y'");
  expect_error(rule_with("  when\n  notify dsl"), 3, 3, "expected a condition after 'when'");
  expect_error(rule_with("  when x and\n  notify dsl"), 3, 3, "expected a condition after 'and'");
  expect_error(rule_with("  when x or\n  notify dsl"), 3, 3, "expected a condition after 'or'");
}

TEST(SyntaxError, SaysWhatMayEndARule) {
  expect_error("rule r \"T\" when x notify dsl extra", 1, 30,
               "expected another action, 'cite', or a new 'rule' or 'param' after 'dsl'");
  expect_error("rule r \"T\" when x notify dsl cite \"c\" extra", 1, 39, "expected a new 'rule' or 'param' after '\"c\"'");
  expect_error("rule r \"T\" when x notify", 1, 25, "expected a role after 'notify'");
  expect_error("rule r \"T\" when x suggest", 1, 26, "expected 'tier' or the text of the suggestion (a string) after 'suggest'");
  expect_error("rule r \"T\" when x suggest tier 2", 1, 33, "expected the text of the suggestion (a string) after '2'");
  expect_error("rule r \"T\" when x notify dsl cite c", 1, 35,
               "expected the source in the guidance (a string) after 'cite'");
  expect_error("rule r", 1, 7, "expected a title (a string) after 'r'");
}

TEST(SyntaxError, TopLevelNeedsRuleOrParam) {
  expect_error("when x", 1, 1, "expected 'rule' or 'param'");
  expect_error("Rule r \"T\" when x notify dsl", 1, 1, "expected 'rule' or 'param'");
  expect_error("((((((", 1, 1, "expected 'rule' or 'param'");
}

TEST(SyntaxError, NamesThePreviousTokenSkippingComments) {
  expect_error(rule_with("  when # why\n  # more\n  notify dsl"), 4, 3, "expected a condition after 'when'");
  expect_error("rule r \"T\" when x >", 1, 20, "expected an expression after '>'");  // at the end of the file
}

TEST(SyntaxError, ResumesAtTheNextLineStartingWithRuleOrParam) {
  const std::string text =
      "param a = 1\n"                                       // 1
      "rule r1 \"T\"\n"                                     // 2
      "  when x >\n"                                        // 3
      "  suggest \"x\n"                                     // 4: a second problem in r1, not reported
      "rule r2 \"T\"\n"                                     // 5
      "  when y\n"                                          // 6
      "  notify dsl\n"                                      // 7
      "param b = = 2\n"                                     // 8
      "param c = 3\n"                                       // 9
      "param d = = 1 rule r9 \"T\" when q notify dsl\n"     // 10: r9 is not at the start of a line
      "  rule r3 \"T\" when z notify dsl\n";                // 11: blanks before the first token are fine
  auto p = parse_text(text);
  const std::vector<Error> found = errors_of(*p);
  ASSERT_EQ(found.size(), 3u) << rendered(*p);
  EXPECT_EQ(found[0].line, 4u);
  EXPECT_EQ(found[0].column, 3u);
  EXPECT_EQ(found[0].message, "expected an expression after '>'");
  EXPECT_EQ(found[1].line, 8u);
  EXPECT_EQ(found[1].column, 11u);
  EXPECT_EQ(found[2].line, 10u);
  EXPECT_EQ(found[2].column, 11u);
  std::vector<std::string> names;
  for (const Declaration& d : p->file.declarations) {
    names.push_back(std::holds_alternative<Param>(d) ? std::get<Param>(d).name.text : std::get<Rule>(d).id.text);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "r2", "c", "r3"}));
}

TEST(SyntaxError, ReportsOneErrorPerBrokenDeclaration) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "rule r" + std::to_string(i) + " \"T\" when x >\n";
  auto p = parse_text(text);
  EXPECT_EQ(p->diagnostics.error_count(), 2000u);
  EXPECT_TRUE(p->file.declarations.empty());
}

TEST(SyntaxError, NestingDeeperThan100LevelsIsAnErrorForEveryConstruct) {
  const std::string deep = "nested too deeply (more than 100 levels)";
  const auto times = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  // 100 levels are fine.
  EXPECT_EQ(parse_text(rule_with("  when " + times("(", 100) + "x" + times(")", 100) + "\n  notify dsl"))->diagnostics.error_count(), 0u);
  // Parentheses: the 101st `(` is at column 8 + 100.
  expect_error(rule_with("  when " + times("(", 101) + "x" + times(")", 101) + "\n  notify dsl"), 2, 108, deep);
  // `not`: the 101st is at column 8 + 4 * 100.
  expect_error(rule_with("  when " + times("not ", 101) + "x\n  notify dsl"), 2, 408, deep);
  // `age of (`: two levels each; the 51st `age` opens level 101, at column 8 + 8 * 50.
  expect_error(rule_with("  when " + times("age of (", 51) + "x" + times(")", 51) + " > 1 day\n  notify dsl"), 2, 408, deep);
  // A chain of `+` nests its left operand: the 101st `+` is at column 10 + 4 * 100.
  expect_error(rule_with("  when x" + times(" + x", 101) + " > 1\n  notify dsl"), 2, 410, deep);
  // Windows inside windows: the 101st `after` is at column 19 + 17 * 100.
  expect_error(rule_with("  when " + times("count of x after ", 101) + "y > 1\n  notify dsl"), 2, 1719, deep);
  // An interpolation is one level: its 100th `(` is the 101st level, at column 9 + 100.
  expect_error("rule r \"{" + times("(", 100) + "x" + times(")", 100) + "}\" when x notify dsl", 1, 109, deep);
}

TEST(SyntaxError, HugeInputsEndWithoutCrashing) {
  // language.md §2: never a crash; these return one error, found near the start.
  std::string parens = rule_with("  when " + std::string(1 << 20, '('));
  expect_error(parens, 2, 108, "nested too deeply (more than 100 levels)");
  std::string nots = "rule r \"T\" when ";
  while (nots.size() < (1u << 20)) nots += "not ";
  expect_error(nots + "x notify dsl", 1, 417, "nested too deeply (more than 100 levels)");
  std::string ands = "rule r \"T\" when x";
  while (ands.size() < (1u << 20)) ands += " and x";
  auto p = parse_text(ands + " notify dsl");
  EXPECT_TRUE(p->diagnostics.empty());
  EXPECT_EQ(std::get<Logical>(std::get<Rule>(p->file.declarations[0]).when->node).operands.size(), (ands.size() - 17) / 6 + 1);
  expect_error(std::string(1 << 20, '"'), 1, 1, "expected 'rule' or 'param'");
  expect_error("rule r \"" + std::string(1 << 20, 'a'), 1, 8, "unterminated string");
}

TEST(SyntaxError, RangesStayInsideTheFileWhenItEndsEarly) {
  // Found by fuzz_parse: a path cut short at the end of the file gave a range one past the end.
  for (const std::string text : {"rule r \"T\" when pupil.", "rule r \"T\" when x in 1..", "rule r \"T\" when x in 1.",
                                 "rule r \"T\" when (", "rule r \"T\" when x >", "param a = ", "rule r \"{", "rule r \"{x"}) {
    auto p = parse_text(text);
    ASSERT_EQ(p->diagnostics.all().size(), 1u) << text;
    const SourceRange range = p->diagnostics.all()[0].range;
    EXPECT_LE(range.begin, range.end) << text;
    EXPECT_LE(range.end, text.size()) << text;
  }
  expect_error("rule r \"T\" when pupil.", 1, 23, "expected a field name after 'pupil.'");
}

// =============================================================================================
// Source spans of nodes, for diagnostics of later stages

TEST(ParseSpans, EveryNodeKnowsWhereItIs) {
  const std::string text = "rule r \"T\"\n  when not pupil.age >= 5 and x is not set\n  suggest tier 2 \"S\"\n";
  auto p = parse_text(text);
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(r->span, (Span{0, static_cast<std::uint32_t>(text.size() - 1)}));
  EXPECT_EQ(r->id.span, (Span{5, 6}));
  EXPECT_EQ(r->when_span, span_in(text, "when"));
  const auto& chain = std::get<Logical>(r->when->node);
  EXPECT_EQ(chain.span, span_in(text, "not pupil.age >= 5 and x is not set"));
  ASSERT_EQ(chain.operator_spans.size(), 1u);
  EXPECT_EQ(chain.operator_spans[0], span_in(text, "and"));
  const auto& negation = std::get<Not>(chain.operands[0]->node);
  EXPECT_EQ(negation.span, span_in(text, "not pupil.age >= 5"));
  const auto& comparison = std::get<Comparison>(negation.operand->node);
  EXPECT_EQ(comparison.span, span_in(text, "pupil.age >= 5"));
  EXPECT_EQ(comparison.operator_span, span_in(text, ">="));
  const auto& path = std::get<Path>(comparison.lhs->node);
  EXPECT_EQ(path.span, span_in(text, "pupil.age"));
  EXPECT_EQ(path.root.span, span_in(text, "pupil"));
  EXPECT_EQ(path.field.span, span_in(text, "age"));
  const auto& test = std::get<IsTest>(chain.operands[1]->node);
  EXPECT_EQ(test.span, span_in(text, "x is not set"));
  EXPECT_EQ(test.keyword_span, span_in(text, "set"));
  const auto& suggest = std::get<Suggest>(r->actions[0]);
  EXPECT_EQ(suggest.span, span_in(text, "suggest tier 2 \"S\""));
  const auto two = static_cast<std::uint32_t>(text.find("tier 2") + 5);
  EXPECT_EQ(suggest.tier_span, (Span{two, two + 1}));
  EXPECT_EQ(suggest.text.span, span_in(text, "\"S\""));
}

TEST(ParseSpans, QuantifiersWindowsAndMeasuresCoverTheirWords) {
  const std::string text =
      "rule r \"T\"\n  for each suspension s in this term\n  when no meeting m within 5 days after s.end where m.x\n"
      "   and attendance between 2025-09-01 and 2025-10-01 < (90%)\n  notify dsl\n";
  auto p = parse_text(text);
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(r->for_each->span, span_in(text, "for each suspension s in this term"));
  EXPECT_EQ(r->for_each->binding.span, span_in(text, "suspension s in this term"));
  EXPECT_EQ(r->for_each->binding.window->span, span_in(text, "in this term"));
  const auto& chain = std::get<Logical>(r->when->node);
  const auto& none = std::get<Exists>(chain.operands[0]->node);
  EXPECT_EQ(none.span, span_in(text, "no meeting m within 5 days after s.end where m.x"));
  EXPECT_EQ(none.over.span, span_in(text, "meeting m within 5 days after s.end where m.x"));
  EXPECT_EQ(none.over.source.span, span_in(text, "meeting"));
  EXPECT_EQ(none.over.window->span, span_in(text, "within 5 days after s.end"));
  EXPECT_EQ(span_of(*none.over.filter), span_in(text, "m.x"));
  const auto& comparison = std::get<Comparison>(chain.operands[1]->node);
  EXPECT_EQ(span_of(*comparison.lhs), span_in(text, "attendance between 2025-09-01 and 2025-10-01"));
  EXPECT_EQ(span_of(*comparison.rhs), span_in(text, "(90%)"));
}

// =============================================================================================
// dump()

TEST(Dump, EqualTreesDumpEquallyWhateverTheLayout) {
  auto compact = parse_text("rule r \"T\" when a and (b or c) notify dsl");
  auto spread = parse_text("rule   r\n\"T\"\n when a\n  and ( b\n or c )\n notify\n dsl\n");
  ASSERT_TRUE(compact->diagnostics.empty() && spread->diagnostics.empty());
  EXPECT_EQ(dump(compact->file), dump(spread->file));
}

TEST(Dump, PrintsExpressionsAndConditionsAlone) {
  auto p = parse_text(rule_with("  when age of rt > 4 weeks\n  notify dsl"));
  const Rule* r = only_rule(*p);
  ASSERT_NE(r, nullptr) << rendered(*p);
  EXPECT_EQ(dump(*r->when), "(> (age-of (name rt)) (duration 4 week))");
  EXPECT_EQ(dump(*std::get<Comparison>(r->when->node).rhs), "(duration 4 week)");
}

}  // namespace
}  // namespace waymark::dsl

namespace waymark::dsl {
namespace {

// =============================================================================================
// Version 2 (/work/helpers/language-v2.md, docs/language-reference.md "Version 2")

TEST(ParseAbout, QualifiesACollectionBetweenItsVariableAndItsWindow) {
  EXPECT_EQ(condition("no notification n about s"), "(no (of notification) (var n) (about (name s)))");
  EXPECT_EQ(condition("some meeting m about s within 15 school days after s.start where (m.type = \"governor_review\")"),
            "(some (of meeting) (var m) (about (name s)) (window within (duration 15 school-day) after (path s start)) "
            "(where (paren (= (path m type) (string \"governor_review\")))))");
  // Without a variable, in aggregates too.
  EXPECT_EQ(expression("count of notifications about px"), "(count (of notifications) (about (name px)))");
  EXPECT_EQ(expression("total days of suspensions about px in this term"),
            "(total days (of suspensions) (about (name px)) (window in this term))");
}

TEST(ParseAbout, IsAboutIsATestInFiltersAndConditions) {
  EXPECT_EQ(condition("m is about s"), "(is (name m) about (name s))");
  EXPECT_EQ(condition("m is not about s"), "(is-not (name m) about (name s))");
  EXPECT_EQ(condition("some meeting m where m is about s"), "(some (of meeting) (var m) (where (is (name m) about (name s))))");
  EXPECT_EQ(condition("some meeting m where (m is about s or m is about px)"),
            "(some (of meeting) (var m) (where (paren (or (is (name m) about (name s)) (is (name m) about (name px))))))");
  // A vocabulary field named `about` is still read by position.
  EXPECT_EQ(condition("n.about = s.id"), "(= (path n about) (path s id))");
}

TEST(ParseAbout, NeedsAVariableAfterItAndIsAKeyword) {
  // "  when no notification n about where": `where` is at column 32 (7 + "no notification n about " is 24).
  expect_error(rule_with("  when no notification n about where n.x\n  notify dsl"), 2, 32,
               "expected a variable (the record that this one is about) after 'about'");
  // `about` cannot be a variable: "  for each suspension about": `about` at column 23.
  auto p = parse_text(rule_with("  for each suspension about\n  when x\n  notify dsl"));
  ASSERT_FALSE(errors_of(*p).empty());
  EXPECT_EQ(errors_of(*p)[0].line, 2u);
  EXPECT_EQ(errors_of(*p)[0].column, 23u);
}

TEST(ParseMeasure, ReadsTheMeasuresByCode) {
  EXPECT_EQ(expression("sessions coded [N]"), "(sessions-coded (codes N))");
  EXPECT_EQ(expression("days coded [I] in this academic year"), "(days-coded (codes I) (window in this academic year))");
  EXPECT_EQ(expression("first day coded [C2, E]"), "(first-day-coded (codes C2 E))");
  EXPECT_EQ(expression("last day coded [G,N , O]"), "(last-day-coded (codes G N O))");
  EXPECT_EQ(expression("possible sessions"), "(possible-sessions)");
  EXPECT_EQ(expression("unauthorised sessions within last 10 school weeks"),
            "(unauthorised-sessions (window within last (duration 10 school-week)))");
  // Symbols are codes inside a list; `#` is not a comment there, `\` is the code itself.
  EXPECT_EQ(expression("sessions coded [/, \\, #, -]"), "(sessions-coded (codes / \\ # -))");
}

TEST(ParseMeasure, ExcludingLeavesCodesOutOfEveryBaseMeasure) {
  EXPECT_EQ(expression("absence excluding [C2, E]"), "(absence (excluding C2 E))");
  EXPECT_EQ(expression("attendance excluding [C2]"), "(attendance (excluding C2))");
  EXPECT_EQ(expression("unauthorised absence excluding [C2]"), "(unauthorised-absence (excluding C2))");
  EXPECT_EQ(expression("sessions missed excluding [E] within last 4 weeks"),
            "(sessions-missed (excluding E) (window within last (duration 4 week)))");
  EXPECT_EQ(expression("possible sessions excluding [C2, E] in this term"),
            "(possible-sessions (excluding C2 E) (window in this term))");
}

TEST(ParseMeasure, NewPhrasesLeaveTheirFirstWordsFreeAsNames) {
  // `first`, `possible` and `end` are no keywords: alone they are names (parameters) as in version 1.
  EXPECT_EQ(expression("first"), "(name first)");
  EXPECT_EQ(expression("possible"), "(name possible)");
  EXPECT_EQ(expression("end"), "(name end)");
  EXPECT_EQ(expression("first + 1"), "(+ (name first) (number 1))");
}

TEST(ParseMeasure, ReportsBadCodeLists) {
  // "  when sessions coded N": `N` at column 23.
  expect_error(rule_with("  when sessions coded N\n  notify dsl"), 2, 23,
               "expected a code list such as [N] or [C2, E] after 'coded'");
  // "  when sessions coded []": `]` at column 24.
  expect_error(rule_with("  when sessions coded []\n  notify dsl"), 2, 24,
               "a code list needs at least one attendance code, such as [N] or [C2, E]");
  // "  when days coded [N E]": `[` is column 19, so `E` is at column 22.
  expect_error(rule_with("  when days coded [N E]\n  notify dsl"), 2, 22, "expected ',' or ']' in the code list");
  // "  when days coded [n]": `n` at column 20.
  expect_error(rule_with("  when days coded [n]\n  notify dsl"), 2, 20,
               "expected an attendance code (such as N, C2 or /) in the code list");
}

TEST(ParseWindow, ReadsTermWindows) {
  EXPECT_EQ(condition("some incident in last 2 terms"), "(some (of incident) (window in last 2 terms))");
  EXPECT_EQ(condition("some incident in last 1 term"), "(some (of incident) (window in last 1 terms))");
  EXPECT_EQ(condition("some incident in term of s"), "(some (of incident) (window in term of (name s)))");
  EXPECT_EQ(expression("total days of suspensions x in term of s.start"),
            "(total days (of suspensions) (var x) (window in term of (path s start)))");
  // "  when some incident in last 0 terms": `0` at column 30.
  expect_error(rule_with("  when some incident in last 0 terms\n  notify dsl"), 2, 30,
               "expected a whole number of terms (1 or more)");
  // "  when some incident in last 2 weeks": the duration `2 weeks` starts at column 30.
  expect_error(rule_with("  when some incident in last 2 weeks\n  notify dsl"), 2, 30,
               "'in last' counts terms ('in last 2 terms'); for a duration write 'within last 2 weeks'");
  // "  when some incident in last 2 days": `days`... no: `2 days` is a duration too; `2 x` is the
  // number 2 then `x` at column 32, where 'terms' belongs.
  expect_error(rule_with("  when some incident in last 2 x\n  notify dsl"), 2, 32, "expected 'terms' or 'term' after '2'");
}

TEST(ParseExpression, ReadsTermDates) {
  EXPECT_EQ(expression("start of this term"), "(term-start this)");
  EXPECT_EQ(expression("end of previous term"), "(term-end previous)");
  EXPECT_EQ(expression("start of term of s.start"), "(term-start of (path s start))");
  // `term of X` takes a primary operand, so arithmetic applies to the date.
  EXPECT_EQ(expression("end of term of s + 1 day"), "(+ (term-end of (name s)) (duration 1 day))");
  EXPECT_EQ(condition("rt.start < start of this term"), "(< (path rt start) (term-start this))");
  // "  when start of next term": `next` at column 17.
  expect_error(rule_with("  when start of next term\n  notify dsl"), 2, 17,
               "expected 'this term', 'previous term' or 'term of' after 'of'");
}

TEST(ParseExpression, ReadsSchoolWeeks) {
  EXPECT_EQ(expression("3 school weeks"), "(duration 3 school-week)");
  EXPECT_EQ(expression("1 school week"), "(duration 1 school-week)");
  EXPECT_EQ(condition("some incident within 10 school weeks after s.start"),
            "(some (of incident) (window within (duration 10 school-week) after (path s start)))");
}

}  // namespace
}  // namespace waymark::dsl
