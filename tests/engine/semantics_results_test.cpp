// What a flag carries and how results are ordered (language.md §6, §9): interpolation formatting,
// evidence, flag and due ordering, flag fields, determinism across runs and threads, and
// explanations naming the first failing condition. Expected values worked out by hand.

#include <gtest/gtest.h>

#include <sstream>

#include "rule_fixture.hpp"

namespace waymark::engine {
namespace {

using testing::flag_ids;
using testing::flag_lines;
using testing::outcome;
using testing::pupil_case;
using testing::TestPack;
using testing::title_of;

using Lines = std::vector<std::string>;

std::string incident(const char* id, const char* date, const std::string& extra = {}) {
  return std::string("  - {kind: incident, id: ") + id + ", date: " + date + extra + "}\n";
}

std::string value_of(const std::string& expr, const std::string& case_yaml, const char* as_of,
                     const std::string& params = {}) {
  return title_of("{" + expr + "}", case_yaml, as_of, {}, params);
}

// ------------------------------------------------------------------ interpolation

TEST(Interpolation, PercentsHaveOneDecimalRoundedHalfUp) {
  const std::string c = pupil_case({});
  EXPECT_EQ(value_of("p", c, "2025-11-17", "param p = 78.25%\n"), "78.3%");  // exactly half: up
  EXPECT_EQ(value_of("p", c, "2025-11-17", "param p = 78.24%\n"), "78.2%");
  EXPECT_EQ(value_of("p", c, "2025-11-17", "param p = 12.35%\n"), "12.4%");  // 12.35 is not exact in binary
  EXPECT_EQ(value_of("p", c, "2025-11-17", "param p = 75%\n"), "75.0%");
  EXPECT_EQ(value_of("p", c, "2025-11-17", "param p = 0.05%\n"), "0.1%");
  EXPECT_EQ(value_of("p", c, "2025-11-17", "param p = 99.95%\n"), "100.0%");
}

TEST(Interpolation, MeasuresPrintExactFractionsRoundedHalfUp) {
  // From Mon 2025-11-03: Mon N /, Tue-Fri present, weekend, Mon-Wed present: 16 possible sessions,
  // 1 missed. Absence 100/16 = 6.25% -> 6.3% (half up); attendance 93.75% -> 93.8%.
  const std::string c = pupil_case({}, "  - {from: 2025-11-03, marks: 'N//\\/\\/\\/\\----/\\/\\/\\'}\n");
  EXPECT_EQ(value_of("absence", c, "2025-11-12"), "6.3%");
  EXPECT_EQ(value_of("attendance", c, "2025-11-12"), "93.8%");
  EXPECT_EQ(value_of("sessions missed", c, "2025-11-12"), "1");
}

TEST(Interpolation, NumbersWithoutTrailingZerosAtMostSixDecimals) {
  const std::string c = pupil_case({});
  EXPECT_EQ(value_of("n", c, "2025-11-17", "param n = 2.50\n"), "2.5");
  EXPECT_EQ(value_of("n", c, "2025-11-17", "param n = 3.0\n"), "3");
  EXPECT_EQ(value_of("n", c, "2025-11-17", "param n = 12\n"), "12");
  EXPECT_EQ(value_of("n", c, "2025-11-17", "param n = 0.1234565\n"), "0.123457");  // 7th decimal 5: half up
  EXPECT_EQ(value_of("n", c, "2025-11-17", "param n = 0.1000004\n"), "0.1");       // rounds to 0.100000
}

TEST(Interpolation, AgesAsWholeWeeksFromTwoWeeksElseDays) {
  // As of 2025-11-17: I-76 on 2025-09-02 is 76 days old (28 + 31 + 17), 76 / 7 = 10.86 -> 10 weeks;
  // I-14 on 11-03 is 14 days (2 weeks); I-13 on 11-04: 13 days; I-9 on 11-08; I-1 on 11-16; I-0 today.
  const std::string c = pupil_case(incident("I-76", "2025-09-02") + incident("I-14", "2025-11-03") +
                                   incident("I-13", "2025-11-04") + incident("I-9", "2025-11-08") +
                                   incident("I-1", "2025-11-16") + incident("I-0", "2025-11-17"));
  TestPack pack("rule r \"{i}: {age of i}\"\n  for each incident i\n  when pupil.id is set\n  suggest \"act\"\n");
  Lines titles;
  for (const Flag& f : pack.evaluate(c, "2025-11-17").flags) titles.push_back(f.title);
  // Flags are ordered by evidence, bytewise: I-0, I-1, I-13, I-14, I-76, I-9.
  EXPECT_EQ(titles, (Lines{"I-0: 0 days", "I-1: 1 day", "I-13: 13 days", "I-14: 2 weeks", "I-76: 10 weeks",
                           "I-9: 9 days"}));
}

TEST(Interpolation, DurationLiteralsAndParameters) {
  const std::string c = pupil_case({});
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 5 school days\n"), "5 school days");
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 1 school day\n"), "1 school day");
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 4 weeks\n"), "4 weeks");
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 9 days\n"), "9 days");
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 1 day\n"), "1 day");
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 76 days\n"), "10 weeks");
  EXPECT_EQ(value_of("d", c, "2025-11-17", "param d = 1 week\n"), "7 days");  // under two weeks: days
}

TEST(Interpolation, DatesItemsStringsEnumsBooleansAndNone) {
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3, reason: verbal abuse}\n"
      "  - {kind: reintegration_meeting, id: M-1, date: 2025-10-09, restorative: true}\n",
      {}, "  dob: 2012-03-14\n  sen: sen_support\n");
  EXPECT_EQ(title_of("{s} {s.start} {s.end} {s.days} {s.reason} {today}", c, "2025-11-17", "suspension s"),
            "S-1 2025-10-06 2025-10-08 3 verbal abuse 2025-11-17");
  EXPECT_EQ(title_of("{m.restorative}/{m.parent_attended}", c, "2025-11-17", "reintegration_meeting m"), "yes/no");
  EXPECT_EQ(value_of("pupil.sen", c, "2025-11-17"), "sen_support");
  EXPECT_EQ(value_of("pupil.sen", pupil_case({}), "2025-11-17"), "none");  // the enum value `none`
  EXPECT_EQ(value_of("pupil.looked_after", c, "2025-11-17"), "no");
  EXPECT_EQ(value_of("pupil.primary_need", c, "2025-11-17"), "none");  // missing
  EXPECT_EQ(value_of("pupil.id", c, "2025-11-17"), "P-1");
}

TEST(Interpolation, BracesAndSuggestTexts) {
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3}\n");
  TestPack pack(
      "param window = 5 school days\n"
      "rule r \"{{{s}}} after {{s}}\"\n  for each suspension s\n  when s.days > 2\n"
      "  suggest tier 2 \"Meet within {window} of {s.end}\"\n  suggest \"Call home about {s}\"\n");
  const PupilResult r = pack.evaluate(c, "2025-11-17");
  ASSERT_EQ(r.flags.size(), 1u);
  EXPECT_EQ(r.flags[0].title, "{S-1} after {s}");
  EXPECT_EQ(r.flags[0].actions, (Lines{"Meet within 5 school days of 2025-10-08", "Call home about S-1"}));
}

// ------------------------------------------------------------------ flag fields

TEST(FlagFields, EveryFieldFromTheRule) {
  TestPack pack(
      "rule full \"Full\"\n  category safeguarding\n  severity urgent\n  when pupil.id is set\n"
      "  suggest tier 2 \"two\"\n  notify dsl\n  suggest tier 4 \"four\"\n  notify senco\n  cite \"Somewhere, 1.2\"\n"
      "rule bare \"Bare\"\n  when pupil.id is set\n  notify la_attendance\n");
  const PupilResult r = pack.evaluate(pupil_case({}), "2025-11-17");
  ASSERT_EQ(r.flags.size(), 2u);
  const Flag& full = r.flags[0];
  EXPECT_EQ(full.rule, "test/full");
  EXPECT_EQ(full.title, "Full");
  EXPECT_EQ(full.category, "safeguarding");
  EXPECT_EQ(full.severity, dsl::SeverityLevel::urgent);
  EXPECT_EQ(full.tier, std::optional<std::int64_t>(4));  // the highest of its suggest tier actions
  EXPECT_EQ(full.actions, (Lines{"two", "four"}));
  EXPECT_EQ(full.notify, (Lines{"dsl", "senco"}));
  EXPECT_EQ(full.cite, "Somewhere, 1.2");
  EXPECT_TRUE(full.evidence.empty());
  const Flag& bare = r.flags[1];
  EXPECT_EQ(bare.category, "general");  // defaults
  EXPECT_EQ(bare.severity, dsl::SeverityLevel::medium);
  EXPECT_EQ(bare.tier, std::nullopt);
  EXPECT_TRUE(bare.actions.empty());
  EXPECT_EQ(bare.notify, Lines{"la_attendance"});
  EXPECT_EQ(r.suggested_tier, std::optional<std::int64_t>(4));
}

// ------------------------------------------------------------------ evidence

TEST(Evidence, TheBoundItemThenAggregateRecordsByAnchorThenId) {
  // 4 weeks before 2025-11-17 is 2025-10-20: I-3 (11-01), I-10 and I-9 (11-10; "I-10" < "I-9").
  // I-old (10-19) is outside the window.
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-11-12, end: 2025-11-13, days: 2}\n" +
                                   incident("I-9", "2025-11-10") + incident("I-3", "2025-11-01") +
                                   incident("I-10", "2025-11-10") + incident("I-old", "2025-10-19"));
  TestPack pack("rule r \"t\"\n  for each suspension s\n  when count of incidents within last 4 weeks >= 2\n"
                "  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: S-1,I-3,I-10,I-9"});
}

TEST(Evidence, TheBoundItemComesFirstAndIsNotRepeated) {
  // Each incident is bound in turn; the aggregate selects both; the bound one is listed once, first.
  const std::string c = pupil_case(incident("I-1", "2025-10-01") + incident("I-2", "2025-10-02"));
  TestPack pack("rule r \"t\"\n  for each incident i\n  when count of incidents >= 2\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), (Lines{"r: I-1,I-2", "r: I-2,I-1"}));
}

TEST(Evidence, SomeTestsThatHeldAddTheirRecordsWithoutRepeats) {
  const std::string c = pupil_case(incident("I-1", "2025-11-01", ", injury: true") + incident("I-2", "2025-11-02") +
                                   "  - {kind: meeting, id: MT-2, date: 2025-11-10}\n"
                                   "  - {kind: meeting, id: MT-1, date: 2025-11-12}\n");
  // `some meeting` selects both meetings (anchor order: MT-2 on 11-10, MT-1 on 11-12); the count and
  // the `some ... where i.injury` both select I-1, listed once.
  TestPack pack(testing::when_rule(
      "some meeting m within last 2 weeks and count of incidents >= 2 and some incident i where i.injury"));
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: I-1,I-2,MT-2,MT-1"});
}

TEST(Evidence, OnlyConditionsThatHeldContribute) {
  // The count (2 incidents) fails `>= 5`; the `or` holds by the meeting alone.
  const std::string c = pupil_case(incident("I-1", "2025-11-01") + incident("I-2", "2025-11-02") +
                                   "  - {kind: meeting, id: MT-1, date: 2025-11-10}\n");
  TestPack pack(testing::when_rule("count of incidents >= 5 or some meeting m"));
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: MT-1"});
  // Under `not`, the comparison holding the aggregate did not hold: nothing is added.
  TestPack negated(testing::when_rule("not (count of incidents >= 5)"));
  EXPECT_EQ(flag_lines(negated.evaluate(c, "2025-11-17")), Lines{"r:"});
}

TEST(Evidence, NoUnlessAndDateListsAddNothing) {
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, reviews: [2025-09-22]}\n" +
      incident("I-1", "2025-11-01") + incident("I-2", "2025-11-02") +
      "  - {kind: meeting, id: MT-1, date: 2025-09-01}\n");
  TestPack pack(
      "rule r \"t\"\n  for each reduced_timetable rt\n"
      "  when no meeting m within last 2 weeks and count of rt.reviews >= 1 and some rt.reviews\n"
      "   and max date of rt.reviews older than 4 weeks\n"
      "  unless count of incidents > 5 or some meeting m2 within last 1 week\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: RT-1"});
}

TEST(Evidence, RecordsSelectedInUnlessAddNothing) {
  // The meeting makes `some meeting m` true, so `not` (the unless) is false and the rule holds;
  // the meeting was selected only inside `unless`.
  const std::string c = pupil_case(incident("I-1", "2025-11-01") + "  - {kind: meeting, id: MT-1, date: 2025-11-10}\n");
  TestPack pack("rule r \"t\"\n  when some incident i\n  unless not (some meeting m)\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: I-1"});
}

TEST(Evidence, IdsCompareBytewiseWithinAnAnchor) {
  const std::string c = pupil_case(incident("I-9", "2025-11-01") + incident("I-10", "2025-11-01") +
                                   incident("I-1", "2025-11-02"));
  TestPack pack(testing::when_rule("some incident i"));
  // Anchor 11-01: "I-10" < "I-9"; then I-1 on 11-02.
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: I-10,I-9,I-1"});
}

TEST(Evidence, AFlagCarriesItsExplanation) {
  const std::string c = pupil_case(incident("I-1", "2025-11-01"));
  TestPack pack("rule r \"t\"\n  for each incident i\n  when i within last 4 weeks and not i.injury\n  suggest \"act\"\n");
  const PupilResult r = pack.evaluate(c, "2025-11-17");
  ASSERT_EQ(r.flags.size(), 1u);
  const Explanation& e = r.flags[0].explanation;
  EXPECT_EQ(e.rule, "test/r");
  EXPECT_TRUE(e.result.yes());
  // An incident is an event: its summary is its date.
  EXPECT_EQ(e.binding, (Binding{"incident", "i", "I-1", "2025-11-01"}));
  ASSERT_TRUE(e.when.has_value());
  ASSERT_EQ(e.when->children.size(), 2u);
  EXPECT_TRUE(e.when->children[0].result.yes());
  EXPECT_TRUE(e.when->children[1].result.yes());
}

// ------------------------------------------------------------------ ordering

TEST(FlagOrder, BySeverityUrgentFirst) {
  TestPack pack(
      "rule a-low \"t\"\n  severity low\n  when pupil.id is set\n  suggest \"x\"\n"
      "rule b-medium \"t\"\n  severity medium\n  when pupil.id is set\n  suggest \"x\"\n"
      "rule c-high \"t\"\n  severity high\n  when pupil.id is set\n  suggest \"x\"\n"
      "rule d-urgent \"t\"\n  severity urgent\n  when pupil.id is set\n  suggest \"x\"\n");
  EXPECT_EQ(flag_ids(pack.evaluate(pupil_case({}), "2025-11-17")), (Lines{"d-urgent", "c-high", "b-medium", "a-low"}));
}

TEST(FlagOrder, ThenTierHigherFirstNoneLast) {
  TestPack pack(
      "rule a-one \"t\"\n  when pupil.id is set\n  suggest tier 1 \"x\"\n"
      "rule b-none \"t\"\n  when pupil.id is set\n  suggest \"x\"\n"
      "rule c-three \"t\"\n  when pupil.id is set\n  suggest tier 3 \"x\"\n"
      "rule d-high-none \"t\"\n  severity high\n  when pupil.id is set\n  notify dsl\n");
  EXPECT_EQ(flag_ids(pack.evaluate(pupil_case({}), "2025-11-17")), (Lines{"d-high-none", "c-three", "a-one", "b-none"}));
}

TEST(FlagOrder, ThenRuleIdBytewise) {
  TestPack pack(
      "rule r-9 \"t\"\n  when pupil.id is set\n  suggest \"x\"\n"
      "rule r-10 \"t\"\n  when pupil.id is set\n  suggest \"x\"\n"
      "rule r-1 \"t\"\n  when pupil.id is set\n  suggest \"x\"\n");
  EXPECT_EQ(flag_ids(pack.evaluate(pupil_case({}), "2025-11-17")), (Lines{"r-1", "r-10", "r-9"}));
}

TEST(FlagOrder, ThenEvidenceAsListsOfIdsBytewise) {
  // Anchors in the opposite order to the ids, so only the evidence order can explain the result.
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-9, start: 2025-10-01, end: 2025-10-01, days: 1}\n"
      "  - {kind: suspension, id: S-10, start: 2025-10-02, end: 2025-10-02, days: 1}\n"
      "  - {kind: suspension, id: S-1, start: 2025-10-03, end: 2025-10-03, days: 1}\n");
  TestPack pack("rule r \"t\"\n  for each suspension s\n  when s.days > 0\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), (Lines{"r: S-1", "r: S-10", "r: S-9"}));
}

// ------------------------------------------------------------------ determinism

std::string serialise(const RunResult& run) {
  std::ostringstream out;
  out << run.as_of.iso() << "\n";
  for (const PupilResult& p : run.pupils) {
    out << p.id << " current " << p.current_tier << " suggested " << (p.suggested_tier ? *p.suggested_tier : -1) << "\n";
    for (const Flag& f : p.flags) {
      out << "  flag " << f.rule << " | " << f.title << " | " << (f.tier ? *f.tier : -1) << " |";
      for (const std::string& e : f.evidence) out << " " << e;
      for (const std::string& a : f.actions) out << " | " << a;
      out << "\n";
    }
    for (const DueEntry& d : p.due) {
      out << "  due " << d.rule << " " << (d.deadline ? d.deadline->iso() : "null") << " |";
      for (const std::string& e : d.evidence) out << " " << e;
      out << "\n";
    }
  }
  return out.str();
}

const char* determinism_rules =
    "rule meet \"No meeting after {s}\"\n  for each suspension s\n"
    "  when no reintegration_meeting m within 5 school days after s.end\n  suggest tier 2 \"Meet\"\n"
    "rule absent \"Absent {absence}\"\n  when absence >= 10%\n  suggest tier 3 \"Call\"\n"
    "rule busy \"{count of incidents} incidents\"\n  when count of incidents within last 4 weeks >= 2\n  notify dsl\n";

/// 300 pupils with varied records (enough for two threads: the engine hands out blocks of pupils).
std::string caseload() {
  std::string out;
  for (int i = 0; i < 300; ++i) {
    const std::string id = "P-" + std::to_string(i);
    out += "---\npupil:\n  id: " + id + "\n  dob: 2012-03-14\nrecords:\n";
    out += "  - {kind: suspension, id: S-" + std::to_string(i) + ", start: 2025-11-1" + std::to_string(i % 4) +
           ", end: 2025-11-1" + std::to_string(i % 4) + ", days: 1}\n";
    for (int k = 0; k < i % 4; ++k) {
      const std::string date = "2025-11-0" + std::to_string(3 + k);
      out += incident(("I-" + std::to_string(k)).c_str(), date.c_str());
    }
    if (i % 5 == 0) out += "  - {kind: reintegration_meeting, id: M-1, date: 2025-11-14}\n";
    if (i % 3 == 0) out += "  - {kind: tier, id: T-1, start: 2025-06-01, level: " + std::to_string(1 + i % 5) + "}\n";
    out += "attendance:\n  - {from: 2025-11-10, marks: '" + std::string(i % 2 == 0 ? "/\\NN/\\/\\/\\" : "/\\/\\/\\/\\/\\") + "'}\n";
  }
  return out;
}

TEST(Determinism, TheSameInputGivesTheSameResult) {
  TestPack pack(determinism_rules);
  const std::string cases = caseload();
  const std::string first = serialise(pack.run(cases, "2025-11-17"));
  EXPECT_EQ(first, serialise(pack.run(cases, "2025-11-17")));
  // Sanity: the run is not trivially empty (both flags and due entries appear).
  EXPECT_NE(first.find("flag test/absent"), std::string::npos);
  EXPECT_NE(first.find("due test/meet"), std::string::npos);
  EXPECT_NE(first.find("flag test/busy"), std::string::npos);
}

TEST(Determinism, OneThreadAndTwoThreadsAgree) {
  TestPack pack(determinism_rules);
  const std::string cases = caseload();
  const RunResult one = pack.run(cases, "2025-11-17", 1);
  const RunResult two = pack.run(cases, "2025-11-17", 2);
  ASSERT_EQ(one.pupils.size(), 300u);
  EXPECT_EQ(serialise(one), serialise(two));
  EXPECT_EQ(serialise(one), serialise(pack.run(cases, "2025-11-17", 0)));  // one thread per core
  // Pupils are sorted by id bytewise: P-0, P-1, P-10, P-100, ...
  EXPECT_EQ(one.pupils[0].id, "P-0");
  EXPECT_EQ(one.pupils[1].id, "P-1");
  EXPECT_EQ(one.pupils[2].id, "P-10");
  EXPECT_EQ(one.pupils[3].id, "P-100");
}

// ------------------------------------------------------------------ explanations

TEST(Explain, NamesTheFirstConditionThatFailed) {
  // count of incidents = 1 holds; pupil.age > 20 fails (13); some meeting fails (none).
  const std::string c = pupil_case(incident("I-1", "2025-11-01"));
  TestPack pack(testing::when_rule("count of incidents >= 1 and pupil.age > 20 and some meeting m"));
  const auto e = pack.explain(c, "2025-11-17", "r");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rule, "test/r");
  EXPECT_EQ(e[0].pupil, "P-1");
  EXPECT_TRUE(e[0].result.no());
  ASSERT_TRUE(e[0].when.has_value());
  const auto& ops = e[0].when->children;
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_TRUE(ops[0].result.yes());
  EXPECT_TRUE(ops[1].result.no());
  EXPECT_EQ(ops[1].text, "pupil.age > 20");
  bool mentions_age = false;
  for (const std::string& f : ops[1].facts) mentions_age = mentions_age || f.find("13") != std::string::npos;
  EXPECT_TRUE(mentions_age) << "the failing condition should show the value it compared (13)";
}

TEST(Explain, OneExplanationPerBindingWithPendingResults) {
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3}\n"
      "  - {kind: suspension, id: S-2, start: 2025-11-12, end: 2025-11-13, days: 2}\n");
  TestPack pack("rule meet \"t\"\n  for each suspension s\n"
                "  when no reintegration_meeting m within 5 school days after s.end\n  suggest \"act\"\n");
  const auto e = pack.explain(c, "2025-11-17", "test/meet");  // qualified or not
  ASSERT_EQ(e.size(), 2u);
  EXPECT_TRUE(e[0].result.yes());         // S-1: the window closed on 2025-10-15
  EXPECT_TRUE(e[1].result.is_pending());  // S-2: open until 2025-11-20
  EXPECT_EQ(e[1].result.deadline, testing::day("2025-11-20"));
}

TEST(Binding, AnEpisodeSaysWhetherItHadEndedOnTheAsOfDate) {
  // RT-1 ends 2025-10-31: ended as of 11-17, active as of 10-15 (RT-2 starts 11-03, after 10-15: not seen).
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, end: 2025-10-31, hours_per_week: 10}\n"
      "  - {kind: reduced_timetable, id: RT-2, start: 2025-11-03, hours_per_week: 15}\n");
  TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n  when rt.hours_per_week < 25\n  suggest \"act\"\n");
  const auto late = pack.explain(c, "2025-11-17", "r");
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[0].binding, (Binding{"reduced_timetable", "rt", "RT-1", "started 2025-09-08, ended 2025-10-31"}));
  EXPECT_EQ(late[1].binding, (Binding{"reduced_timetable", "rt", "RT-2", "started 2025-11-03, active"}));
  EXPECT_EQ(binding_text(late[1].binding), "reduced_timetable rt -> RT-2 (started 2025-11-03, active)");
  const auto early = pack.explain(c, "2025-10-15", "r");
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].binding, (Binding{"reduced_timetable", "rt", "RT-1", "started 2025-09-08, active"}));
}

TEST(Binding, WithoutForEachItIsEmptyAndRendersNothing) {
  TestPack pack(testing::when_rule("some incident i"));
  const auto e = pack.explain(pupil_case(incident("I-1", "2025-11-01")), "2025-11-17", "r");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_TRUE(e[0].binding.empty());
  EXPECT_EQ(binding_text(e[0].binding), "");
}

TEST(Binding, ADateFromAListHasNoSummary) {
  EXPECT_EQ(binding_text(Binding{"rt.reviews", "d", "2025-10-06", ""}), "rt.reviews d -> 2025-10-06");
}

TEST(Binding, StoredTextReadsBackIntoItsPartsAndRendersTheSameBytes) {
  // The store keeps the rendered text (its chain hashed it); parse_binding splits it at the first
  // " -> " and the last " (", so an id holding either still renders back exactly.
  struct Case {
    std::string text;
    Binding parts;
  };
  const std::vector<Case> cases = {
      {"incident i -> I-1 (2025-11-01)", {"incident", "i", "I-1", "2025-11-01"}},
      {"reduced_timetable rt -> RT-3 (started 2025-09-08, active)",
       {"reduced_timetable", "rt", "RT-3", "started 2025-09-08, active"}},
      {"rt.reviews d -> 2025-10-06", {"rt.reviews", "d", "2025-10-06", ""}},
      {"incident i -> A (1) (2025-11-01)", {"incident", "i", "A (1)", "2025-11-01"}},
      {"incident i -> x -> y (2025-11-01)", {"incident", "i", "x -> y", "2025-11-01"}},
      {"incident i -> id ()", {"incident", "i", "id ()", ""}},
      {"incident i -> ", {"incident", "i", "", ""}},
  };
  for (const Case& c : cases) {
    const auto parsed = parse_binding(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.parts) << c.text;
    EXPECT_EQ(binding_text(*parsed), c.text);
  }
  EXPECT_FALSE(parse_binding("incident i RT-3").has_value());  // no arrow: not a binding
  EXPECT_FALSE(parse_binding(" -> RT-3").has_value());         // no kind
  EXPECT_FALSE(parse_binding(" x -> RT-3").has_value());       // a kind cannot start with a space
}

TEST(Explain, AnUnknownRuleIsNothing) {
  TestPack pack(testing::when_rule("pupil.id is set"));
  testing::Loaded loaded = testing::load_yaml(pupil_case({}));
  EXPECT_FALSE(explain_rule(pack.compiled(), loaded.caseload.pupils.front(), testing::day("2025-11-17"), "nope"));
}

// ------------------------------------------------------------------ the specification's example

TEST(SpecExample, FirstLookRulesGiveTheExpectedFlagsAndDueEntries) {
  // spec/examples: the rules of language.md §1 with the example calendar, as of 2025-11-17; the
  // expected values are those of expected-2025-11-17.json (the README explains each).
  // The repository's copy of spec/examples (tests/fixtures/spec), so the test needs nothing outside it.
  const std::string spec = std::string(WAYMARK_TEST_DATA) + "/fixtures/spec";
  TestPack pack(testing::read_text(spec + "/pack/first-look.wmk"), {},
                testing::calendar_from(testing::read_text(spec + "/pack/calendar.yaml")));
  const std::string cases = "---\n" + testing::read_text(spec + "/cases/P-0042.yaml") + "\n---\n" +
                            testing::read_text(spec + "/cases/P-0043.yaml");
  const RunResult run = pack.run(cases, "2025-11-17");
  ASSERT_EQ(run.pupils.size(), 2u);
  const PupilResult& p42 = run.pupils[0];
  EXPECT_EQ(p42.id, "P-0042");
  EXPECT_EQ(p42.current_tier, 2);
  EXPECT_EQ(p42.suggested_tier, std::optional<std::int64_t>(3));
  ASSERT_EQ(p42.flags.size(), 2u);
  EXPECT_EQ(p42.flags[0].rule, "test/reduced-timetable-unreviewed");
  EXPECT_EQ(p42.flags[0].title, "Reduced timetable in place for 10 weeks without a recent review");
  EXPECT_EQ(p42.flags[0].category, "safeguarding");
  EXPECT_EQ(p42.flags[0].severity, dsl::SeverityLevel::high);
  EXPECT_EQ(p42.flags[0].tier, std::optional<std::int64_t>(3));
  EXPECT_EQ(p42.flags[0].evidence, Lines{"RT-3"});
  EXPECT_EQ(p42.flags[0].notify, Lines{"la_inclusion"});
  EXPECT_EQ(p42.flags[1].rule, "test/persistent-absence");
  EXPECT_EQ(p42.flags[1].title, "Persistent absence");
  EXPECT_EQ(p42.flags[1].tier, std::optional<std::int64_t>(2));
  EXPECT_TRUE(p42.flags[1].evidence.empty());
  EXPECT_TRUE(p42.due.empty());
  const PupilResult& p43 = run.pupils[1];
  EXPECT_EQ(p43.id, "P-0043");
  EXPECT_EQ(p43.current_tier, 0);
  EXPECT_EQ(p43.suggested_tier, std::nullopt);
  EXPECT_TRUE(p43.flags.empty());
  EXPECT_EQ(testing::due_lines(p43), Lines{"no-restorative-reintegration S-2 -> 2025-11-20"});
}

}  // namespace
}  // namespace waymark::engine
