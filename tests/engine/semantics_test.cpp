// Semantics per construct (language.md §4, §6, §7): for each, some/no, aggregates, where filters,
// attendance measures, current tier, none propagation, parameters and overrides, arithmetic and
// membership. Every expected value is worked out by hand from the spec, with the arithmetic in a
// comment. Weekdays: 2025-11-03 Mon, 2025-11-10 Mon, 2025-11-13 Thu, 2025-11-17 Mon, 2026-05-01 Fri
// (Mon 2026-05-04 is a closure); half term 2025-10-27..31.

#include <gtest/gtest.h>

#include "rule_fixture.hpp"

namespace waymark::engine {
namespace {

using testing::flag_lines;
using testing::outcome;
using testing::Override;
using testing::pupil_case;
using testing::TestPack;
using testing::title_of;
using testing::verdict;

using Lines = std::vector<std::string>;

std::string incident(const char* id, const char* date, const std::string& extra = {}) {
  return std::string("  - {kind: incident, id: ") + id + ", date: " + date + extra + "}\n";
}

std::string marks(const char* from, const char* text) {
  return std::string("  - {from: ") + from + ", marks: '" + text + "'}\n";
}

/// The value of `{expr}` printed in the title of a rule that always holds.
std::string value_of(const std::string& expr, const std::string& case_yaml, const char* as_of,
                     const std::string& params = {}) {
  return title_of("{" + expr + "}", case_yaml, as_of, {}, params);
}

// ------------------------------------------------------------------ for each

TEST(ForEach, OneFlagPerBindingThatHolds) {
  const std::string c = pupil_case(incident("I-1", "2025-10-01", ", injury: true") + incident("I-2", "2025-10-02") +
                                   incident("I-3", "2025-10-03", ", injury: true"));
  TestPack pack("rule r \"t\"\n  for each incident i\n  when i.injury\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), (Lines{"r: I-1", "r: I-3"}));
}

TEST(ForEach, BindingsAreTriedInAnchorOrderWithTiesByIdBytewise) {
  // Anchors: I-2 and I-10 on 10-01 (bytewise "I-10" < "I-2"), I-1 on 10-02.
  const std::string c =
      pupil_case(incident("I-1", "2025-10-02") + incident("I-2", "2025-10-01") + incident("I-10", "2025-10-01"));
  TestPack pack("rule r \"t\"\n  for each incident i\n  when i.injury\n  suggest \"act\"\n");
  const auto e = pack.explain(c, "2025-11-17", "r");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].binding.item, "I-10");
  EXPECT_EQ(e[1].binding.item, "I-2");
  EXPECT_EQ(e[2].binding.item, "I-1");
}

TEST(ForEach, TheWhereFilterChoosesTheBindings) {
  // RT-1 ended on 2025-10-31 (not active on 11-17); RT-2 ongoing.
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, end: 2025-10-31, hours_per_week: 10}\n"
      "  - {kind: reduced_timetable, id: RT-2, start: 2025-11-03, hours_per_week: 15}\n");
  TestPack pack(
      "rule r \"t\"\n  for each reduced_timetable rt where rt is active\n  when rt.hours_per_week < 25\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: RT-2"});
}

// ------------------------------------------------------------------ some / no

TEST(Exists, SomeNeedsOneItemPassingTheFilter) {
  const std::string rule = "some incident i where i.injury";
  EXPECT_EQ(verdict(rule, pupil_case(incident("I-1", "2025-11-01")), "2025-11-17"), "none");  // injury defaults to false
  EXPECT_EQ(verdict(rule, pupil_case(incident("I-1", "2025-11-01", ", injury: true")), "2025-11-17"), "flag");
  EXPECT_EQ(verdict(rule, pupil_case({}), "2025-11-17"), "none");
}

TEST(Exists, NoHoldsWhenNothingIsInTheWindow) {
  // 4 weeks before 2025-11-17 is 2025-10-20; before 2025-11-18, 2025-10-21.
  const std::string c = pupil_case(incident("I-1", "2025-10-20"));
  EXPECT_EQ(verdict("no incident within last 4 weeks", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("no incident within last 4 weeks", c, "2025-11-18"), "flag");
}

TEST(Exists, APluralNamesTheKind) {
  const std::string c = pupil_case(incident("I-1", "2025-11-01"));
  EXPECT_EQ(verdict("some incidents", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("no incidents", c, "2025-11-17"), "none");
}

TEST(Exists, OverADateList) {
  // Reviews 2025-10-06 and 2025-10-20; 4 weeks before 2025-11-17 is 2025-10-20.
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, reviews: [2025-10-06, 2025-10-20]}\n"
      "  - {kind: reduced_timetable, id: RT-2, start: 2025-09-08, hours_per_week: 10}\n");
  TestPack pack(
      "rule r \"t\"\n  for each reduced_timetable rt\n  when no rt.reviews within last 4 weeks\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-17")), Lines{"r: RT-2"});  // an absent list is empty
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2025-11-18")), (Lines{"r: RT-1", "r: RT-2"}));  // window from 10-21
}

// ------------------------------------------------------------------ where filters

TEST(Where, APathAnIsTestAndAParenthesisedCondition) {
  const std::string c = pupil_case(
      "  - {kind: reintegration_meeting, id: M-1, date: 2025-11-03, restorative: true}\n"
      "  - {kind: managed_move, id: MM-1, start: 2025-09-08, outcome: trial}\n");
  EXPECT_EQ(verdict("some reintegration_meeting m where m.restorative", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("some reintegration_meeting m where (m.restorative and m.parent_attended)", c, "2025-11-17"),
            "none");  // parent_attended defaults to false
  EXPECT_EQ(verdict("some managed_move mm where mm.outcome is trial", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("some managed_move mm where mm.outcome is sustained", c, "2025-11-17"), "none");
}

TEST(Where, AnAndAfterAPathBelongsToTheEnclosingCondition) {
  // `no m after s.end where m.restorative and s.days > 2` is `(no m ... where m.restorative) and (s.days > 2)`.
  // S-1 has days 1 and a meeting after it that is not restorative: the `no` holds, `1 > 2` fails,
  // so nothing fires (read the other way, the filter would match nothing and the rule would fire).
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-06, days: 1}\n"
      "  - {kind: reintegration_meeting, id: M-1, date: 2025-10-07}\n");
  TestPack pack(
      "rule r \"t\"\n  for each suspension s\n"
      "  when no reintegration_meeting m after s.end where m.restorative and s.days > 2\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "none");
  TestPack half("rule r \"t\"\n  for each suspension s\n"
                "  when no reintegration_meeting m after s.end where m.restorative and s.days >= 1\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(half.evaluate(c, "2025-11-17")), "flag");
}

TEST(Where, AKindNameStandsForTheCurrentItem) {
  // `count of incidents where incident.restrictive_intervention >= 2`: the `>= 2` compares the count.
  const std::string two = pupil_case(incident("I-1", "2025-11-01", ", restrictive_intervention: true") +
                                     incident("I-2", "2025-11-02", ", restrictive_intervention: true") +
                                     incident("I-3", "2025-11-03"));
  const std::string one = pupil_case(incident("I-1", "2025-11-01", ", restrictive_intervention: true") +
                                     incident("I-3", "2025-11-03"));
  const std::string rule = "count of incidents where incident.restrictive_intervention >= 2";
  EXPECT_EQ(verdict(rule, two, "2025-11-17"), "flag");
  EXPECT_EQ(verdict(rule, one, "2025-11-17"), "none");
  EXPECT_EQ(verdict("some incident where incident.restrictive_intervention", one, "2025-11-17"), "flag");
}

// ------------------------------------------------------------------ aggregates

const std::string assessments =
    "  - {kind: assessment, id: A-1, date: 2025-10-01, tool: sdq, score: 12}\n"
    "  - {kind: assessment, id: A-2, date: 2025-10-08, tool: sdq, score: 30.5}\n"
    "  - {kind: assessment, id: A-3, date: 2025-10-15, tool: boxall, score: 7}\n"
    "  - {kind: assessment, id: A-4, date: 2025-10-22, tool: boxall}\n";

TEST(Aggregates, CountTotalMaxMinOfANumberField) {
  // Scores 12, 30.5, 7 and one missing (adds nothing): total 49.5, max 30.5, min 7; four records.
  const std::string c = pupil_case(assessments);
  EXPECT_EQ(value_of("count of assessments", c, "2025-11-17"), "4");
  EXPECT_EQ(value_of("total score of assessments", c, "2025-11-17"), "49.5");
  EXPECT_EQ(value_of("max score of assessments", c, "2025-11-17"), "30.5");
  EXPECT_EQ(value_of("min score of assessments", c, "2025-11-17"), "7");
  // With a filter and a window: scores above 10 (12 + 30.5; the missing one fails `> 10`);
  // within last 5 weeks (from 2025-10-13): A-3 and A-4, so 7.
  EXPECT_EQ(value_of("total score of assessments a where (a.score > 10)", c, "2025-11-17"), "42.5");
  EXPECT_EQ(verdict("count of assessments a where (a.tool = \"sdq\") = 2", c, "2025-11-17"), "flag");
  EXPECT_EQ(value_of("total score of assessments within last 5 weeks", c, "2025-11-17"), "7");
}

TEST(Aggregates, OverNothingCountAndTotalAreZeroMaxAndMinNone) {
  const std::string c = pupil_case({});
  EXPECT_EQ(value_of("count of assessments", c, "2025-11-17"), "0");
  EXPECT_EQ(value_of("total score of assessments", c, "2025-11-17"), "0");
  EXPECT_EQ(value_of("max score of assessments", c, "2025-11-17"), "none");
  EXPECT_EQ(value_of("min score of assessments", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("max score of assessments is none", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("count of assessments = 0 and total score of assessments = 0", c, "2025-11-17"), "flag");
}

TEST(Aggregates, TotalOfATermCountsEachOverlappingItemsWholeValue) {
  // This term on 2025-11-17: autumn 2025-09-03..2025-12-19. S-1 (09-01..09-04, 4 days) overlaps it
  // and counts all 4 days; S-2 counts 2.5; S-3 (summer 2025) is outside. 4 + 2.5 = 6.5.
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-1, start: 2025-09-01, end: 2025-09-04, days: 4}\n"
      "  - {kind: suspension, id: S-2, start: 2025-10-06, end: 2025-10-08, days: 2.5}\n"
      "  - {kind: suspension, id: S-3, start: 2025-07-01, end: 2025-07-02, days: 2}\n");
  EXPECT_EQ(value_of("total days of suspensions in this term", c, "2025-11-17"), "6.5");
  EXPECT_EQ(value_of("total days of suspensions in this academic year", c, "2025-11-17"), "6.5");
  EXPECT_EQ(value_of("total days of suspensions in previous academic year", c, "2025-11-17"), "2");
}

TEST(Aggregates, OverADateList) {
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, "
      "reviews: [2025-09-22, 2025-10-06, 2025-10-20]}\n");
  EXPECT_EQ(title_of("{count of rt.reviews} {min date of rt.reviews} {max date of rt.reviews}", c, "2025-11-17",
                     "reduced_timetable rt"),
            "3 2025-09-22 2025-10-20");
  // The latest review is 2025-10-20; + 4 weeks = 2025-11-17, so `older than` holds from 11-18.
  TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n  when max date of rt.reviews older than 4 weeks\n"
                "  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "none");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-18")), "flag");
}

TEST(Aggregates, ADateListElementHasOnlyADate) {
  // Reviews 2025-09-22 and 2025-10-06: one is after 2025-10-01.
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, reviews: [2025-09-22, 2025-10-06]}\n");
  TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n"
                "  when count of rt.reviews r where (r.date > 2025-10-01) = 1\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "flag");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-10-05")), "none");  // 10-06 does not exist yet: count 0
}

TEST(Aggregates, OverAnAbsentDateList) {
  const std::string c = pupil_case("  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10}\n");
  EXPECT_EQ(title_of("{count of rt.reviews} {max date of rt.reviews} {min date of rt.reviews}", c, "2025-11-17",
                     "reduced_timetable rt"),
            "0 none none");
}

TEST(Aggregates, MaxDateOfEventsIsTheLatest) {
  const std::string c = pupil_case(incident("I-1", "2025-10-01") + incident("I-2", "2025-11-03"));
  EXPECT_EQ(value_of("max date of incidents", c, "2025-11-17"), "2025-11-03");
  EXPECT_EQ(value_of("min date of incidents", c, "2025-11-17"), "2025-10-01");
}

// ------------------------------------------------------------------ attendance measures

TEST(Attendance, OneOfSixSessionsIsExactlySixteenAndTwoThirdsPercent) {
  // Mon-Wed 2025-11-10..12: 6 possible sessions, 1 N. Absence = 100/6 % = 16.666...%, attendance
  // 500/6 % = 83.333...%; compared exactly, printed with one decimal.
  const std::string c = pupil_case({}, marks("2025-11-10", "/\\/\\/N"));
  EXPECT_EQ(verdict("absence > 16.666666%", c, "2025-11-12"), "flag");
  EXPECT_EQ(verdict("absence < 16.666667%", c, "2025-11-12"), "flag");
  EXPECT_EQ(verdict("100% - absence = attendance", c, "2025-11-12"), "flag");  // 100 - 100/6 = 500/6 exactly
  EXPECT_EQ(value_of("absence", c, "2025-11-12"), "16.7%");
  EXPECT_EQ(value_of("attendance", c, "2025-11-12"), "83.3%");
  EXPECT_EQ(value_of("unauthorised absence", c, "2025-11-12"), "16.7%");
  EXPECT_EQ(value_of("sessions missed", c, "2025-11-12"), "1");
}

TEST(Attendance, PersistentAbsenceAtExactlyTenPercent) {
  // 2025-11-03..14 (two school weeks, weekend `--`): 20 possible sessions, 2 missed = 10% exactly.
  const std::string ten = pupil_case({}, marks("2025-11-03", "NN/\\/\\/\\/\\ ---- /\\/\\/\\/\\/\\"));
  EXPECT_EQ(verdict("absence >= 10%", ten, "2025-11-14"), "flag");
  EXPECT_EQ(verdict("absence > 10%", ten, "2025-11-14"), "none");
  EXPECT_EQ(verdict("attendance < 90%", ten, "2025-11-14"), "none");  // 90% exactly
  // One more day present (Sat 2025-11-15 recorded `/\`): 2 of 22 = 9.09% < 10%.
  const std::string under = pupil_case({}, marks("2025-11-03", "NN/\\/\\/\\/\\ ---- /\\/\\/\\/\\/\\ /\\"));
  EXPECT_EQ(verdict("absence >= 10%", under, "2025-11-15"), "none");
}

TEST(Attendance, SevereAbsenceAtExactlyFiftyPercent) {
  // 20 possible, 10 missed (the first week all N) = 50%; with Sat 2025-11-15 `/\`: 10 of 22 = 45.45%.
  const std::string half = pupil_case({}, marks("2025-11-03", "NNNNNNNNNN ---- /\\/\\/\\/\\/\\"));
  EXPECT_EQ(verdict("absence >= 50%", half, "2025-11-14"), "flag");
  EXPECT_EQ(value_of("absence", half, "2025-11-14"), "50.0%");
  const std::string under = pupil_case({}, marks("2025-11-03", "NNNNNNNNNN ---- /\\/\\/\\/\\/\\ /\\"));
  EXPECT_EQ(verdict("absence >= 50%", under, "2025-11-15"), "none");
}

TEST(Attendance, AbsenceCodesAuthorisedAndUnauthorised) {
  // Mon E N, Tue C1 G, Wed-Fri present: 10 possible, 4 missed (E, N, C1, G), 2 unauthorised (N, G).
  const std::string c = pupil_case({}, marks("2025-11-10", "ENC1G/\\/\\/\\"));
  EXPECT_EQ(value_of("sessions missed", c, "2025-11-14"), "4");
  EXPECT_EQ(value_of("absence", c, "2025-11-14"), "40.0%");
  EXPECT_EQ(value_of("unauthorised absence", c, "2025-11-14"), "20.0%");
  EXPECT_EQ(value_of("attendance", c, "2025-11-14"), "60.0%");
}

TEST(Attendance, ApprovedEducationOffSiteAttendsAndNotPossibleCodesDoNotCount) {
  // Mon K V, Tue P W, Wed B L: 6 possible, all attended; Thu X Y1, Fri # Z: not possible.
  const std::string c = pupil_case({}, marks("2025-11-10", "KVPWBLXY1#Z"));
  EXPECT_EQ(value_of("attendance", c, "2025-11-14"), "100.0%");
  EXPECT_EQ(value_of("sessions missed", c, "2025-11-14"), "0");
}

TEST(Attendance, NoneWithNoPossibleSession) {
  const std::string blank = pupil_case({}, marks("2025-11-10", "--##XX"));
  EXPECT_EQ(verdict("attendance < 90%", blank, "2025-11-14"), "none");
  EXPECT_EQ(verdict("attendance >= 90%", blank, "2025-11-14"), "none");
  EXPECT_EQ(verdict("attendance is none and sessions missed is none and absence is none", blank, "2025-11-14"), "flag");
  const std::string unmarked = pupil_case({});
  EXPECT_EQ(verdict("attendance is none", unmarked, "2025-11-14"), "flag");
  EXPECT_EQ(value_of("attendance", unmarked, "2025-11-14"), "none");
}

TEST(Attendance, RecordedSessionsCountWhateverTheCalendarSays) {
  // Sat 2025-11-15 N N, Sun - -, Mon 2025-11-17 / \: 4 possible, 2 missed = 50%.
  EXPECT_EQ(value_of("absence", pupil_case({}, marks("2025-11-15", "NN--/\\")), "2025-11-17"), "50.0%");
  // Half term Mon 2025-10-27 N N, Tue / \: 50%.
  EXPECT_EQ(value_of("absence", pupil_case({}, marks("2025-10-27", "NN/\\")), "2025-11-17"), "50.0%");
}

TEST(Attendance, TheDefaultWindowIsThisAcademicYear) {
  // Mon 2025-07-21 N N (academic year 2024-25); Wed 2025-09-03 / \ (2025-26).
  const std::string c = pupil_case({}, marks("2025-07-21", "NN") + marks("2025-09-03", "/\\"));
  EXPECT_EQ(value_of("absence", c, "2025-09-03"), "0.0%");
  EXPECT_EQ(value_of("absence in previous academic year", c, "2025-09-03"), "100.0%");
  EXPECT_EQ(value_of("absence", c, "2025-08-31"), "100.0%");
}

TEST(Attendance, OneRunAcrossTheStartOfTheAcademicYear) {
  // Fri 2025-08-29 N N, weekend, Mon 2025-09-01 N N, Tue 09-02 / \. As of 09-02 this academic year
  // (from 09-01) holds 4 possible sessions, 2 missed: 50%; the previous one holds Friday's: 100%.
  const std::string c = pupil_case({}, marks("2025-08-29", "NN----NN/\\"));
  EXPECT_EQ(value_of("absence", c, "2025-09-02"), "50.0%");
  EXPECT_EQ(value_of("absence in previous academic year", c, "2025-09-02"), "100.0%");
  EXPECT_EQ(value_of("sessions missed", c, "2025-08-31"), "2");
}

TEST(Attendance, MeasuresTakeAWindow) {
  // 2025-11-03..07 all N (10 sessions), weekend --, 2025-11-10..14 all present (10 sessions).
  const std::string c = pupil_case({}, marks("2025-11-03", "NNNNNNNNNN----/\\/\\/\\/\\/\\"));
  // Within last 1 week of Fri 11-14: [11-07, 11-14] = Fri 11-07 (2 N) + 10 present: 10 / 12.
  EXPECT_EQ(value_of("attendance within last 1 week", c, "2025-11-14"), "83.3%");
  EXPECT_EQ(value_of("attendance between 2025-11-03 and 2025-11-07", c, "2025-11-14"), "0.0%");
  EXPECT_EQ(value_of("sessions missed in this term", c, "2025-11-14"), "10");
  // This academic year: 10 of 20 attended = 50%; minus the first week's 0% is 50 percentage points.
  EXPECT_EQ(verdict("attendance - (attendance between 2025-11-03 and 2025-11-07) = 50%", c, "2025-11-14"), "flag");
  EXPECT_EQ(value_of("(attendance between 2025-11-10 and 2025-11-14) - 10%", c, "2025-11-14"), "90.0%");
}

std::string streak(const std::string& attendance, const char* as_of, bool unauthorised = false) {
  return value_of(unauthorised ? "unauthorised absence streak" : "absence streak", pupil_case({}, attendance), as_of);
}

TEST(Streaks, CountTheCurrentRunOfWholeDaysAbsent) {
  // Mon-Wed 2025-11-10..12 absent, Thu-Fri present.
  const std::string a = marks("2025-11-10", "NNNNNN/\\/\\");
  EXPECT_EQ(streak(a, "2025-11-12"), "3");  // marks after the as-of date are not seen
  EXPECT_EQ(streak(a, "2025-11-13"), "0");  // the latest day with marks was attended
  // A day with one session attended breaks the run: Mon N N, Tue N /, Wed N N -> 1.
  EXPECT_EQ(streak(marks("2025-11-10", "NNN/NN"), "2025-11-12"), "1");
}

TEST(Streaks, WeekendsHalfTermAndClosuresNeitherBreakNorExtend) {
  // Thu 11-13, Fri 11-14 absent, weekend --, Mon 11-17 absent: 3 school days.
  EXPECT_EQ(streak(marks("2025-11-13", "NNNN----NN"), "2025-11-17"), "3");
  // Thu 10-23, Fri 10-24 absent; half term and weekends unrecorded; Mon 11-03 absent: 3.
  EXPECT_EQ(streak(marks("2025-10-23", "NNNN") + marks("2025-11-03", "NN"), "2025-11-03"), "3");
  // Fri 2026-05-01 absent, weekend, Mon 05-04 a closure (marked present, but not a school day),
  // Tue 05-05 and Wed 05-06 absent: 3.
  EXPECT_EQ(streak(marks("2026-05-01", "NN----/\\NNNN"), "2026-05-06"), "3");
}

TEST(Streaks, ADayWithNoPossibleSessionNeitherBreaksNorExtends) {
  // Mon N N, Tue # # (no possible session), Wed N N: 2.
  EXPECT_EQ(streak(marks("2025-11-10", "NN##NN"), "2025-11-12"), "2");
  // Mon N N, Tue X Y1: the run ends on Mon (Tue has marks but no possible session): 1.
  EXPECT_EQ(streak(marks("2025-11-10", "NNXY1"), "2025-11-11"), "1");
  // Mon N N, Tue not recorded (a gap between runs), Wed N N: 2.
  EXPECT_EQ(streak(marks("2025-11-10", "NN") + marks("2025-11-12", "NN"), "2025-11-12"), "2");
  // A day whose only possible session is an absence extends it: Mon N N, Tue N #: 2.
  EXPECT_EQ(streak(marks("2025-11-10", "NNN#"), "2025-11-11"), "2");
}

TEST(Streaks, EndAtTheLatestSchoolDayWithMarks) {
  // Marks end on Fri 2025-11-14 (Thu, Fri absent); as of Mon 11-17 nothing is recorded for Monday.
  EXPECT_EQ(streak(marks("2025-11-13", "NNNN"), "2025-11-17"), "2");
  EXPECT_EQ(streak({}, "2025-11-17"), "0");  // no marks: 0
}

TEST(Streaks, UnauthorisedCountsOnlyDaysWhollyUnauthorised) {
  // Mon E E, Tue N N, Wed N G: absence streak 3, unauthorised 2. Thu N E ends the unauthorised run.
  EXPECT_EQ(streak(marks("2025-11-10", "EENNNG"), "2025-11-12"), "3");
  EXPECT_EQ(streak(marks("2025-11-10", "EENNNG"), "2025-11-12", true), "2");
  EXPECT_EQ(streak(marks("2025-11-10", "EENNNGNE"), "2025-11-13", true), "0");
  EXPECT_EQ(streak(marks("2025-11-10", "EENNNGNE"), "2025-11-13"), "4");
}

TEST(Streaks, CompareAsNumbers) {
  // Ten school days absent, 2025-11-03..14, weekend --.
  const std::string c = pupil_case({}, marks("2025-11-03", "NNNNNNNNNN----NNNNNNNNNN"));
  EXPECT_EQ(verdict("absence streak >= 10", c, "2025-11-14"), "flag");
  EXPECT_EQ(verdict("absence streak >= 10", c, "2025-11-13"), "none");  // 9
}

// ------------------------------------------------------------------ current tier

TEST(CurrentTier, ZeroAndNoneWithoutATierEpisode) {
  TestPack pack(testing::when_rule("current tier = 0 and current tier start is none"));
  const PupilResult r = pack.evaluate(pupil_case({}), "2025-11-17");
  EXPECT_EQ(r.current_tier, 0);
  EXPECT_EQ(outcome(r), "flag");
}

TEST(CurrentTier, TheActiveEpisodeWithTheLatestStart) {
  const std::string c = pupil_case(
      "  - {kind: tier, id: T-1, start: 2025-09-01, level: 3}\n"
      "  - {kind: tier, id: T-2, start: 2025-10-01, level: 2}\n");
  EXPECT_EQ(value_of("current tier", c, "2025-11-17"), "2");
  EXPECT_EQ(value_of("current tier start", c, "2025-11-17"), "2025-10-01");
  EXPECT_EQ(value_of("current tier", c, "2025-09-30"), "3");  // T-2 does not exist yet
  TestPack pack(testing::when_rule("current tier = 2"));
  EXPECT_EQ(pack.evaluate(c, "2025-11-17").current_tier, 2);
}

TEST(CurrentTier, SameStartTheGreatestIdBytewise) {
  // "T-9" > "T-10" bytewise.
  const std::string c = pupil_case(
      "  - {kind: tier, id: T-10, start: 2025-10-01, level: 4}\n"
      "  - {kind: tier, id: T-9, start: 2025-10-01, level: 1}\n");
  EXPECT_EQ(value_of("current tier", c, "2025-11-17"), "1");
}

TEST(CurrentTier, AnEpisodeEndingOnTheAsOfDateIsNotActive) {
  const std::string c = pupil_case(
      "  - {kind: tier, id: T-1, start: 2025-06-01, level: 2}\n"
      "  - {kind: tier, id: T-2, start: 2025-10-01, end: 2025-11-17, level: 4}\n");
  EXPECT_EQ(value_of("current tier", c, "2025-11-16"), "4");
  EXPECT_EQ(value_of("current tier", c, "2025-11-17"), "2");
  EXPECT_EQ(value_of("current tier start", c, "2025-11-17"), "2025-06-01");
  TestPack pack(testing::when_rule("current tier = 2"));
  EXPECT_EQ(pack.evaluate(c, "2025-11-17").current_tier, 2);
  EXPECT_EQ(pack.evaluate(c, "2025-11-16").current_tier, 4);
}

TEST(CurrentTier, AllEndedIsZero) {
  const std::string c = pupil_case("  - {kind: tier, id: T-1, start: 2025-06-01, end: 2025-07-01, level: 2}\n");
  TestPack pack(testing::when_rule("current tier = 0"));
  EXPECT_EQ(pack.evaluate(c, "2025-11-17").current_tier, 0);
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "flag");
  EXPECT_EQ(pack.evaluate(c, "2025-06-30").current_tier, 2);
}

TEST(SuggestedTier, TheHighestFlagTierAboveTheCurrentTier) {
  const std::string rules =
      "rule two \"t\"\n  when pupil.id is set\n  suggest tier 2 \"a\"\n"
      "rule four \"t\"\n  when count of incidents >= 1\n  suggest tier 1 \"b\"\n  suggest tier 4 \"c\"\n"
      "rule plain \"t\"\n  when pupil.id is set\n  suggest \"d\"\n";
  TestPack pack(rules);
  const std::string tier3 = "  - {kind: tier, id: T-1, start: 2025-06-01, level: 3}\n";
  // Flags two (tier 2) and plain (none); current 0 -> suggested 2.
  EXPECT_EQ(pack.evaluate(pupil_case({}), "2025-11-17").suggested_tier, std::optional<std::int64_t>(2));
  // Current tier 3 > 2: none.
  EXPECT_EQ(pack.evaluate(pupil_case(tier3), "2025-11-17").suggested_tier, std::nullopt);
  // With rule four the flag's tier is the highest of its actions, 4 > 3: suggested 4.
  const PupilResult r = pack.evaluate(pupil_case(tier3 + incident("I-1", "2025-11-01")), "2025-11-17");
  EXPECT_EQ(r.suggested_tier, std::optional<std::int64_t>(4));
  ASSERT_FALSE(r.flags.empty());
  EXPECT_EQ(r.flags[0].tier, std::optional<std::int64_t>(4));
  // Equal to the current tier is not higher: none.
  const std::string tier4 = "  - {kind: tier, id: T-1, start: 2025-06-01, level: 4}\n";
  EXPECT_EQ(pack.evaluate(pupil_case(tier4 + incident("I-1", "2025-11-01")), "2025-11-17").suggested_tier, std::nullopt);
}

// ------------------------------------------------------------------ none

TEST(NoneValues, AComparisonWithNoneIsFalseNotEqualIncluded) {
  const std::string unset = pupil_case({});
  EXPECT_EQ(verdict("pupil.primary_need = \"autism\"", unset, "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.primary_need != \"autism\"", unset, "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.primary_need is none", unset, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.primary_need is set", unset, "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.primary_need is not none", unset, "2025-11-17"), "none");
  const std::string set = pupil_case({}, {}, "  primary_need: autism\n");
  EXPECT_EQ(verdict("pupil.primary_need = \"autism\"", set, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.primary_need != \"speech\"", set, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.primary_need is set", set, "2025-11-17"), "flag");
}

TEST(NoneValues, NotOverAFalseComparisonWithNoneIsTrue) {
  // Two-valued logic: year_group is none (no dob, none written), `> 3` is false, `not` makes it true.
  const std::string c = pupil_case({}, {}, "");
  EXPECT_EQ(verdict("not (pupil.year_group > 3)", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("not (pupil.year_group <= 3)", c, "2025-11-17"), "flag");
}

TEST(NoneValues, IsNoneOnSenTestsTheValueNone) {
  EXPECT_EQ(verdict("pupil.sen is none", pupil_case({}), "2025-11-17"), "flag");  // default: none
  EXPECT_EQ(verdict("pupil.sen is none", pupil_case({}, {}, "  sen: ehcp\n"), "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.sen is not none", pupil_case({}, {}, "  sen: sen_support\n"), "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.sen is not none", pupil_case({}), "2025-11-17"), "none");
}

TEST(NoneValues, ArithmeticOnNoneIsNone) {
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-11-10, days: 5}\n");
  TestPack cmp("rule r \"t\"\n  for each suspension s\n  when s.end + 5 days < today\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(cmp.evaluate(c, "2025-11-17")), "none");
  TestPack ne("rule r \"t\"\n  for each suspension s\n  when s.end + 5 days != today\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(ne.evaluate(c, "2025-11-17")), "none");
  EXPECT_EQ(title_of("{s.end + 5 days}", c, "2025-11-17", "suspension s"), "none");
}

TEST(NoneValues, MembershipAndBareBooleansOverNoneAreFalse) {
  const std::string c = pupil_case(
      "  - {kind: assessment, id: A-1, date: 2025-10-01, tool: sdq}\n"
      "  - {kind: managed_move, id: MM-1, start: 2025-09-08}\n");
  EXPECT_EQ(verdict("some assessment a where (a.score in 0..100)", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("some assessment a where (a.score in [0, 1])", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("some managed_move mm where (mm.outcome in [trial, sustained, returned])", c, "2025-11-17"), "none");
  // `is not trial` over a missing outcome is false too: missing data is never a silent pass (§6).
  EXPECT_EQ(verdict("some managed_move mm where mm.outcome is not trial", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("some managed_move mm where mm.outcome is none", c, "2025-11-17"), "flag");
}

TEST(NoneValues, MaxOverNothingComparesFalse) {
  const std::string c = pupil_case({});
  EXPECT_EQ(verdict("max score of assessments > 0", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("max score of assessments != 0", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("max date of incidents older than 1 day", c, "2025-11-17"), "none");
}

TEST(NoneValues, BooleansDefaultToFalseNotNone) {
  const std::string c = pupil_case("  - {kind: reintegration_meeting, id: M-1, date: 2025-11-03}\n");
  EXPECT_EQ(verdict("some reintegration_meeting m where m.restorative", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("some reintegration_meeting m where (m.restorative = false)", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("some reintegration_meeting m where m.restorative is set", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.looked_after = false", c, "2025-11-17"), "flag");
}

// ------------------------------------------------------------------ pupil attributes

TEST(PupilAttributes, AgeInWholeYearsOnTheAsOfDate) {
  // Born 2012-03-14: 12 the day before the 13th birthday, 13 on it.
  EXPECT_EQ(verdict("pupil.age >= 13", pupil_case({}), "2025-03-13"), "none");
  EXPECT_EQ(verdict("pupil.age >= 13", pupil_case({}), "2025-03-14"), "flag");
  EXPECT_EQ(value_of("pupil.age", pupil_case({}), "2025-03-14"), "13");
}

TEST(PupilAttributes, YearGroupDerivedFromDobTurnsOnTheFirstOfSeptember) {
  // Born 2012-03-14, in the academic year starting 2011: Year N in the year starting 2011 + 5 + N.
  // 2025-26: 2025 = 2016 + N -> Year 9; 2024-25 (as of 2025-08-31) -> Year 8.
  EXPECT_EQ(value_of("pupil.year_group", pupil_case({}), "2025-08-31"), "8");
  EXPECT_EQ(value_of("pupil.year_group", pupil_case({}), "2025-09-01"), "9");
  // A written year group wins.
  EXPECT_EQ(value_of("pupil.year_group", pupil_case({}, {}, "  dob: 2012-03-14\n  year_group: 7\n"), "2025-09-01"), "7");
}

// ------------------------------------------------------------------ membership and arithmetic

TEST(Membership, RangesAreInclusive) {
  // Year 9 on 2025-11-17 (see above).
  EXPECT_EQ(verdict("pupil.year_group in 7..9", pupil_case({}), "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.year_group in 9..11", pupil_case({}), "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.year_group in 7..8", pupil_case({}), "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.year_group in 10..11", pupil_case({}), "2025-11-17"), "none");
}

TEST(Membership, ListsOfNumbersStringsDatesAndEnumValues) {
  const std::string c = pupil_case(
      "  - {kind: meeting, id: MT-1, date: 2025-11-03, type: pep}\n", {}, "  dob: 2012-03-14\n  sen: ehcp\n");
  EXPECT_EQ(verdict("pupil.year_group in [7, 9]", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.year_group in [7, 8]", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("some meeting m where (m.type in [\"pep\", \"annual_review\"])", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("some meeting m where (m.type in [\"PEP\"])", c, "2025-11-17"), "none");  // exact
  EXPECT_EQ(verdict("some meeting m where (m.date in [2025-11-03])", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("some meeting m where (m.date in [2025-11-04])", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.sen in [sen_support, ehcp]", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.sen in [none, sen_support]", c, "2025-11-17"), "none");
  EXPECT_EQ(verdict("pupil.sen is ehcp", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("pupil.sen is not ehcp", c, "2025-11-17"), "none");
}

TEST(Arithmetic, NumbersAreExactDecimals) {
  // 0.1 + 0.2 is exactly 0.3 (as rationals, never as binary floating point).
  EXPECT_EQ(verdict("a + b = 0.3", pupil_case({}), "2025-11-17", "param a = 0.1\nparam b = 0.2\n"), "flag");
  const std::string c = pupil_case(incident("I-1", "2025-11-01") + incident("I-2", "2025-11-02"));
  EXPECT_EQ(verdict("count of incidents + 1 = 3", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("count of incidents - 3 < 0", c, "2025-11-17"), "flag");  // 2 - 3 = -1
}

TEST(Arithmetic, DatesPlusAndMinusDurations) {
  // S-1 ends Thu 2025-11-13: + 5 school days = Thu 2025-11-20 (Fri 14, Mon 17, Tue 18, Wed 19, Thu 20);
  // starts 2025-11-12: - 1 month = 2025-10-12; 2025-03-31 - 1 month = 2025-02-28 (clamped).
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-11-12, end: 2025-11-13, days: 2}\n");
  EXPECT_EQ(title_of("{s.end + 5 school days} {s.start - 1 month} {today + 1 week} {2025-03-31 - 1 month}", c,
                     "2025-11-17", "suspension s"),
            "2025-11-20 2025-10-12 2025-11-24 2025-02-28");
  // Fri 2025-10-24 - ... and `+ 1 school day` from it crosses half term to Mon 2025-11-03.
  EXPECT_EQ(value_of("2025-10-24 + 1 school day", c, "2025-11-17"), "2025-11-03");
  EXPECT_EQ(value_of("2025-11-03 - 1 school day", c, "2025-11-17"), "2025-10-24");
  // Beyond the loaded calendar: none. Wed 2026-07-22 is the last school day of 2025-26.
  EXPECT_EQ(value_of("2026-07-22 + 1 school day", c, "2025-11-17"), "none");
}

// ------------------------------------------------------------------ parameters

TEST(Parameters, ADeclaredValueAndItsOverride) {
  const std::string params = "param limit = 3 \"incidents before a review\"\n";
  const std::string two = pupil_case(incident("I-1", "2025-11-01") + incident("I-2", "2025-11-02"));
  const std::string rule = testing::when_rule("count of incidents >= limit", params);
  EXPECT_EQ(outcome(TestPack(rule).evaluate(two, "2025-11-17")), "none");  // 2 < 3
  EXPECT_EQ(outcome(TestPack(rule, {Override{"limit", "2"}}).evaluate(two, "2025-11-17")), "flag");
  EXPECT_EQ(outcome(TestPack(rule, {Override{"test.limit", "2"}}).evaluate(two, "2025-11-17")), "flag");
}

TEST(Parameters, DurationPercentDateStringAndBooleanOverrides) {
  // A review on 2025-10-20: within the last 4 weeks of 2025-11-17 (from 10-20), not the last 2 (from 11-03).
  const std::string rt = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, reviews: [2025-10-20]}\n");
  const std::string review = "param interval = 4 weeks\nrule r \"t\"\n  for each reduced_timetable rt\n"
                             "  when no rt.reviews within last interval\n  suggest \"act\"\n";
  EXPECT_EQ(outcome(TestPack(review).evaluate(rt, "2025-11-17")), "none");
  EXPECT_EQ(outcome(TestPack(review, {Override{"interval", "2 weeks"}}).evaluate(rt, "2025-11-17")), "flag");
  // Attendance 75% (Mon-Tue: 3 of 4 sessions attended).
  const std::string att = pupil_case({}, marks("2025-11-10", "/\\/N"));
  const std::string pct = testing::when_rule("attendance < threshold", "param threshold = 90%\n");
  EXPECT_EQ(outcome(TestPack(pct).evaluate(att, "2025-11-11")), "flag");
  EXPECT_EQ(outcome(TestPack(pct, {Override{"threshold", "75%"}}).evaluate(att, "2025-11-11")), "none");  // 75 < 75 false
  EXPECT_EQ(outcome(TestPack(pct, {Override{"threshold", "75.1%"}}).evaluate(att, "2025-11-11")), "flag");
  // A date, a string and a boolean.
  const std::string ev = pupil_case(incident("I-1", "2025-10-02") + "  - {kind: meeting, id: MT-1, date: 2025-11-03, type: pep}\n");
  const std::string dated = testing::when_rule("some incident after since", "param since = 2025-10-01\n");
  EXPECT_EQ(outcome(TestPack(dated).evaluate(ev, "2025-11-17")), "flag");
  EXPECT_EQ(outcome(TestPack(dated, {Override{"since", "2025-10-02"}}).evaluate(ev, "2025-11-17")), "none");
  const std::string named = testing::when_rule("some meeting m where (m.type = kind_of_meeting)",
                                               "param kind_of_meeting = \"pep\"\n");
  EXPECT_EQ(outcome(TestPack(named).evaluate(ev, "2025-11-17")), "flag");
  EXPECT_EQ(outcome(TestPack(named, {Override{"kind_of_meeting", "annual_review", true}}).evaluate(ev, "2025-11-17")),
            "none");
  const std::string flagged = testing::when_rule("enabled", "param enabled = true\n");
  EXPECT_EQ(outcome(TestPack(flagged).evaluate(ev, "2025-11-17")), "flag");
  EXPECT_EQ(outcome(TestPack(flagged, {Override{"enabled", "false"}}).evaluate(ev, "2025-11-17")), "none");
}

TEST(Parameters, ASchoolDayWindowOverrideMovesTheDeadline) {
  // S-2 ends Thu 2025-11-13: 5 school days -> Thu 11-20; 3 school days -> Fri 14, Mon 17, Tue 18.
  const std::string c = pupil_case("  - {kind: suspension, id: S-2, start: 2025-11-12, end: 2025-11-13, days: 2}\n");
  const std::string rule =
      "param window = 5 school days\nrule r \"t\"\n  for each suspension s\n"
      "  when no reintegration_meeting m within window after s.end\n  suggest \"act\"\n";
  EXPECT_EQ(outcome(TestPack(rule).evaluate(c, "2025-11-17")), "due 2025-11-20");
  EXPECT_EQ(outcome(TestPack(rule, {Override{"window", "3 school days"}}).evaluate(c, "2025-11-17")), "due 2025-11-18");
  EXPECT_EQ(outcome(TestPack(rule, {Override{"window", "3 school days"}}).evaluate(c, "2025-11-19")), "flag");
}

}  // namespace
}  // namespace waymark::engine
