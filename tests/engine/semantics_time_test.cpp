// Semantics of time (language.md §5): as-of truncation, anchors, `older than` / `within last` in
// every unit, `age of X OP D`, and every window form, each one day either side of its threshold.
// Every expected value is worked out by hand from the spec, with the arithmetic in a comment.
// Calendar: the shipped 2024-25 and 2025-26 years (autumn 2025: 2025-09-03..2025-12-19, half term
// 2025-10-27..31; summer 2026 ends Wed 2026-07-22; closure Mon 2026-05-04; summer 2025:
// 2025-04-22..2025-07-22). Weekdays: 2025-10-24 Fri, 2025-11-03 Mon, 2025-11-13 Thu, 2025-11-17 Mon.

#include <gtest/gtest.h>

#include "rule_fixture.hpp"

namespace waymark::engine {
namespace {

using testing::outcome;
using testing::pupil_case;
using testing::TestPack;
using testing::title_of;
using testing::verdict;

std::string incident(const char* id, const char* date, const std::string& extra = {}) {
  return std::string("  - {kind: incident, id: ") + id + ", date: " + date + extra + "}\n";
}

/// `for each incident i when CONDITION` over the given records.
std::string each_incident(const std::string& condition, const std::string& records, const char* as_of) {
  TestPack pack("rule r \"t\"\n  for each incident i\n  when " + condition + "\n  suggest \"act\"\n");
  return outcome(pack.evaluate(pupil_case(records), as_of));
}

// ------------------------------------------------------------------ as-of truncation

TEST(AsOfTruncation, RecordsAnchoredAfterTheAsOfDateDoNotExist) {
  const std::string c = pupil_case(incident("I-1", "2025-11-18"));
  EXPECT_EQ(verdict("some incident", c, "2025-11-17"), "none");  // 2025-11-18 > as-of: invisible
  EXPECT_EQ(verdict("some incident", c, "2025-11-18"), "flag");  // anchored on the as-of date: exists
}

TEST(AsOfTruncation, AnEpisodeEndingAfterTheAsOfDateIsOngoing) {
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-11-10, end: 2025-11-20, days: 8}\n");
  TestPack pack("rule r \"t\"\n  for each suspension s\n  when s.end is none and s is active\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-19")), "flag");  // end 11-20 is after the as-of date: no end yet
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-20")), "none");  // end known, and ending on the as-of date is not active
  // The title sees the end only once it is known.
  EXPECT_EQ(title_of("{s.end}", c, "2025-11-19", "suspension s"), "none");
  EXPECT_EQ(title_of("{s.end}", c, "2025-11-20", "suspension s"), "2025-11-20");
}

TEST(AsOfTruncation, IsActiveIsFalseOnTheDayAnEpisodeEnds) {
  const std::string c = pupil_case("  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, end: 2025-11-17, hours_per_week: 10}\n");
  TestPack pack("rule r \"t\"\n  for each reduced_timetable rt where rt is active\n  when rt.hours_per_week < 25\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-16")), "flag");  // end 11-17 > today: active
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "none");  // end on today: not active
}

TEST(AsOfTruncation, ADateFieldAfterTheAsOfDateReadsAsNone) {
  const std::string c =
      pupil_case("  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, la_notified: 2025-11-18}\n");
  TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n  when rt.la_notified is none\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "flag");  // 11-18 not known yet
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-18")), "none");
}

TEST(AsOfTruncation, DateListEntriesAfterTheAsOfDateAreDropped) {
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, reviews: [2025-10-01, 2025-11-18]}\n");
  EXPECT_EQ(title_of("{count of rt.reviews} {max date of rt.reviews}", c, "2025-11-17", "reduced_timetable rt"),
            "1 2025-10-01");
  EXPECT_EQ(title_of("{count of rt.reviews} {max date of rt.reviews}", c, "2025-11-18", "reduced_timetable rt"),
            "2 2025-11-18");
}

TEST(AsOfTruncation, AttendanceMarksAfterTheAsOfDateDoNotCount) {
  // Mon 2025-11-17 present both sessions, Tue 2025-11-18 absent (N) both.
  const std::string c = pupil_case({}, "  - {from: 2025-11-17, marks: '/\\NN'}\n");
  EXPECT_EQ(verdict("sessions missed = 0", c, "2025-11-17"), "flag");  // 2 possible, 0 missed
  EXPECT_EQ(verdict("sessions missed = 2", c, "2025-11-18"), "flag");  // 4 possible, 2 missed
  EXPECT_EQ(verdict("absence = 50%", c, "2025-11-18"), "flag");        // 2 / 4
}

// ------------------------------------------------------------------ anchors

TEST(Anchors, AnEpisodesAgeRunsFromItsStartEvenOnceEnded) {
  // Start 2025-09-08, ended 2025-09-10. 09-08 -> 11-17: 22 (rest of Sep) + 31 (Oct) + 17 = 70 days.
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-09-08, end: 2025-09-10, days: 3}\n");
  EXPECT_EQ(title_of("{age of s}", c, "2025-11-17", "suspension s"), "10 weeks");  // 70 / 7 = 10
  TestPack pack("rule r \"t\"\n  for each suspension s\n  when s older than 10 weeks\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "none");  // 09-08 + 70 days = 11-17, not < 11-17
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-18")), "flag");  // 11-17 < 11-18
}

TEST(Anchors, AnEventIsAnchoredAtItsDate) {
  const std::string r = incident("I-1", "2025-11-03");
  EXPECT_EQ(each_incident("i within last 14 days", r, "2025-11-17"), "flag");  // 11-17 - 14 = 11-03 <= 11-03
  EXPECT_EQ(each_incident("i within last 14 days", r, "2025-11-18"), "none");  // 11-04 > 11-03
}

// ------------------------------------------------------------------ older than / within last

TEST(OlderThan, DaysIsStrictlyBeforeToday) {
  // X = 2025-11-07, X + 10 days = 2025-11-17.
  const std::string r = incident("I-1", "2025-11-07");
  EXPECT_EQ(each_incident("i older than 10 days", r, "2025-11-16"), "none");
  EXPECT_EQ(each_incident("i older than 10 days", r, "2025-11-17"), "none");  // 11-17 < 11-17 is false
  EXPECT_EQ(each_incident("i older than 10 days", r, "2025-11-18"), "flag");
}

TEST(OlderThan, Weeks) {
  // X = Mon 2025-10-06, + 6 weeks = + 42 days = 2025-11-17.
  const std::string r = incident("I-1", "2025-10-06");
  EXPECT_EQ(each_incident("i older than 6 weeks", r, "2025-11-17"), "none");
  EXPECT_EQ(each_incident("i older than 6 weeks", r, "2025-11-18"), "flag");
}

TEST(OlderThan, MonthsClampToTheEndOfTheMonth) {
  // X = 2025-01-31, + 1 month = 2025-02-31, clamped to 2025-02-28.
  const std::string r = incident("I-1", "2025-01-31");
  EXPECT_EQ(each_incident("i older than 1 month", r, "2025-02-28"), "none");  // 02-28 < 02-28 false
  EXPECT_EQ(each_incident("i older than 1 month", r, "2025-03-01"), "flag");  // 02-28 < 03-01
}

TEST(OlderThan, YearsFromTheTwentyNinthOfFebruary) {
  // X = 2024-02-29, + 1 year = 2025-02-29, clamped to 2025-02-28.
  const std::string r = incident("I-1", "2024-02-29");
  EXPECT_EQ(each_incident("i older than 1 year", r, "2025-02-28"), "none");
  EXPECT_EQ(each_incident("i older than 1 year", r, "2025-03-01"), "flag");
}

TEST(OlderThan, SchoolDaysSkipTheWeekendAndHalfTerm) {
  // X = Fri 2025-10-24; the next school day strictly after it: Sat-Sun 25-26, half term 27-31,
  // Sat-Sun 1-2 Nov, so Mon 2025-11-03.
  const std::string r = incident("I-1", "2025-10-24");
  EXPECT_EQ(each_incident("i older than 1 school day", r, "2025-11-03"), "none");  // 11-03 < 11-03 false
  EXPECT_EQ(each_incident("i older than 1 school day", r, "2025-11-04"), "flag");
  // T + N school days counts from T whether or not T is a school day: Sat 2025-10-25 + 1 = Mon 11-03.
  const std::string sat = incident("I-1", "2025-10-25");
  EXPECT_EQ(each_incident("i older than 1 school day", sat, "2025-11-03"), "none");
  EXPECT_EQ(each_incident("i older than 1 school day", sat, "2025-11-04"), "flag");
}

TEST(OlderThan, SchoolDaysSkipAClosure) {
  // X = Fri 2026-05-01; Mon 2026-05-04 is a closure, so + 1 school day = Tue 2026-05-05.
  const std::string r = incident("I-1", "2026-05-01");
  EXPECT_EQ(each_incident("i older than 1 school day", r, "2026-05-05"), "none");
  EXPECT_EQ(each_incident("i older than 1 school day", r, "2026-05-06"), "flag");
}

TEST(OlderThan, SchoolDaysBeyondTheCalendarAreNoneSoTheTestFails) {
  // X = Mon 2026-07-20; school days after it: Tue 21, Wed 22 (end of summer term), then 2026-27 is
  // not loaded, so X + 5 school days is none and `older than` is false even at the end of August.
  const std::string r = incident("I-1", "2026-07-20");
  EXPECT_EQ(each_incident("i older than 2 school days", r, "2026-07-23"), "flag");  // + 2 = 07-22 < 07-23
  EXPECT_EQ(each_incident("i older than 5 school days", r, "2026-08-30"), "none");
}

TEST(WithinLast, DaysIncludesBothEnds) {
  // today - 10 days <= X <= today, X = 2025-11-07.
  const std::string r = incident("I-1", "2025-11-07");
  EXPECT_EQ(each_incident("i within last 10 days", r, "2025-11-07"), "flag");  // X = today
  EXPECT_EQ(each_incident("i within last 10 days", r, "2025-11-17"), "flag");  // 11-07 <= 11-07
  EXPECT_EQ(each_incident("i within last 10 days", r, "2025-11-18"), "none");  // 11-08 > 11-07
}

TEST(WithinLast, ADateAfterTodayIsNotWithinTheLastDays) {
  // X <= today is part of the test: a date literal one day after the as-of date fails.
  const std::string c = pupil_case({});
  EXPECT_EQ(verdict("2025-11-17 within last 10 days", c, "2025-11-17"), "flag");
  EXPECT_EQ(verdict("2025-11-18 within last 10 days", c, "2025-11-17"), "none");
}

TEST(WithinLast, MonthsSubtractWithClamping) {
  // today = 2025-03-31: 03-31 - 1 month = 02-31, clamped to 2025-02-28. X = 2025-02-28.
  const std::string r = incident("I-1", "2025-02-28");
  EXPECT_EQ(each_incident("i within last 1 month", r, "2025-03-31"), "flag");  // 02-28 <= 02-28
  EXPECT_EQ(each_incident("i within last 1 month", r, "2025-04-01"), "none");  // 04-01 - 1 month = 03-01 > 02-28
  // X = 2025-01-31: at 02-28 the window starts 01-28 (holds); at 03-01 it starts 02-01 (fails).
  const std::string jan = incident("I-1", "2025-01-31");
  EXPECT_EQ(each_incident("i within last 1 month", jan, "2025-02-28"), "flag");
  EXPECT_EQ(each_incident("i within last 1 month", jan, "2025-03-01"), "none");
}

TEST(WithinLast, Years) {
  // today = 2025-11-17 - 1 year = 2024-11-17.
  EXPECT_EQ(each_incident("i within last 1 year", incident("I-1", "2024-11-17"), "2025-11-17"), "flag");
  EXPECT_EQ(each_incident("i within last 1 year", incident("I-1", "2024-11-16"), "2025-11-17"), "none");
}

TEST(WithinLast, SchoolDaysCountBackOverHalfTerm) {
  // today = Mon 2025-11-03: 1 school day strictly before it is Fri 2025-10-24.
  const std::string r = incident("I-1", "2025-10-24");
  EXPECT_EQ(each_incident("i within last 1 school day", r, "2025-11-03"), "flag");  // 10-24 <= 10-24
  EXPECT_EQ(each_incident("i within last 1 school day", r, "2025-10-29"), "flag");  // in half term: Fri 10-24
  EXPECT_EQ(each_incident("i within last 1 school day", r, "2025-11-04"), "none");  // 11-04 - 1 = 11-03
}

TEST(WithinLast, SchoolDaysCountBackOverAClosure) {
  // today = Tue 2026-05-05; Mon 05-04 is a closure, so 1 school day before today is Fri 2026-05-01.
  const std::string r = incident("I-1", "2026-05-01");
  EXPECT_EQ(each_incident("i within last 1 school day", r, "2026-05-05"), "flag");
  EXPECT_EQ(each_incident("i within last 1 school day", r, "2026-05-06"), "none");  // 05-06 - 1 = 05-05
}

TEST(AsOfTruncation, AnUnsortedDateListIsReadInDateOrder) {
  // Written out of order; as of 2025-11-17 only 2025-10-01 exists.
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, reviews: [2025-11-18, 2025-10-01]}\n");
  EXPECT_EQ(title_of("{count of rt.reviews} {min date of rt.reviews}", c, "2025-11-17", "reduced_timetable rt"),
            "1 2025-10-01");
}

TEST(OlderThan, HugeDurationsDoNotWrapAround) {
  // X + 400000000 weeks lies millions of years after today: never `older than`; and today minus it
  // lies long before X: always `within last`. (Durations have at most nine digits, §2.)
  const std::string r = incident("I-1", "2025-11-07");
  EXPECT_EQ(each_incident("i older than 400000000 weeks", r, "2025-11-17"), "none");
  EXPECT_EQ(each_incident("i older than 999999999 years", r, "2025-11-17"), "none");
  EXPECT_EQ(each_incident("i within last 400000000 weeks", r, "2025-11-17"), "flag");
  EXPECT_EQ(each_incident("i within last 999999999 months", r, "2025-11-17"), "flag");
  EXPECT_EQ(each_incident("age of i < 999999999 days", r, "2025-11-17"), "flag");
}

// ------------------------------------------------------------------ age of X OP D

TEST(AgeOf, ComparisonsAreTheAgeTestOnX) {
  // X = 2025-11-07, D = 10 days, X + D = 2025-11-17.
  const std::string r = incident("I-1", "2025-11-07");
  // `>` is X + D < today.
  EXPECT_EQ(each_incident("age of i > 10 days", r, "2025-11-17"), "none");
  EXPECT_EQ(each_incident("age of i > 10 days", r, "2025-11-18"), "flag");
  // `>=` is X + D <= today.
  EXPECT_EQ(each_incident("age of i >= 10 days", r, "2025-11-16"), "none");
  EXPECT_EQ(each_incident("age of i >= 10 days", r, "2025-11-17"), "flag");
  // `<` is X + D > today.
  EXPECT_EQ(each_incident("age of i < 10 days", r, "2025-11-16"), "flag");
  EXPECT_EQ(each_incident("age of i < 10 days", r, "2025-11-17"), "none");
  // `<=` is X + D >= today.
  EXPECT_EQ(each_incident("age of i <= 10 days", r, "2025-11-17"), "flag");
  EXPECT_EQ(each_incident("age of i <= 10 days", r, "2025-11-18"), "none");
}

TEST(AgeOf, EqualityIsTheDayXPlusDIsToday) {
  // `=` and `!=` compare an age with a duration too (§4 operator table): X + D = today.
  const std::string r = incident("I-1", "2025-11-07");
  EXPECT_EQ(each_incident("age of i = 10 days", r, "2025-11-16"), "none");
  EXPECT_EQ(each_incident("age of i = 10 days", r, "2025-11-17"), "flag");
  EXPECT_EQ(each_incident("age of i = 10 days", r, "2025-11-18"), "none");
  EXPECT_EQ(each_incident("age of i != 10 days", r, "2025-11-17"), "none");
  EXPECT_EQ(each_incident("age of i != 10 days", r, "2025-11-18"), "flag");
}

TEST(AgeOf, OfNoneIsNoneAndComparesFalse) {
  const std::string c = pupil_case("  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10}\n");
  TestPack pack("rule r \"{age of rt.la_notified}\"\n  for each reduced_timetable rt\n"
                "  when age of rt.la_notified >= 0 days or age of rt.la_notified < 1 day\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "none");
  EXPECT_EQ(title_of("{age of rt.la_notified}", c, "2025-11-17", "reduced_timetable rt"), "none");
}

TEST(AgeOf, TheDurationMayBeWrittenFirst) {
  // `10 days < age of i` is `age of i > 10 days`: X + D = 11-17 < today.
  const std::string r = incident("I-1", "2025-11-07");
  EXPECT_EQ(each_incident("10 days < age of i", r, "2025-11-17"), "none");
  EXPECT_EQ(each_incident("10 days < age of i", r, "2025-11-18"), "flag");
  EXPECT_EQ(each_incident("10 days >= age of i", r, "2025-11-17"), "flag");  // age <= 10 days: 11-17 >= 11-17
  EXPECT_EQ(each_incident("10 days >= age of i", r, "2025-11-18"), "none");
}

TEST(AgeOf, MonthsAndSchoolDays) {
  // X = 2025-01-31 + 1 month = 2025-02-28 (clamped): `>=` holds from 02-28.
  EXPECT_EQ(each_incident("age of i >= 1 month", incident("I-1", "2025-01-31"), "2025-02-27"), "none");
  EXPECT_EQ(each_incident("age of i >= 1 month", incident("I-1", "2025-01-31"), "2025-02-28"), "flag");
  // X = Fri 2025-10-24 + 1 school day = Mon 2025-11-03: `>` holds from 11-04.
  EXPECT_EQ(each_incident("age of i > 1 school day", incident("I-1", "2025-10-24"), "2025-11-03"), "none");
  EXPECT_EQ(each_incident("age of i > 1 school day", incident("I-1", "2025-10-24"), "2025-11-04"), "flag");
}

TEST(AgeOf, OfADateField) {
  // la_notified 2025-11-03, + 2 weeks = 2025-11-17.
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, la_notified: 2025-11-03}\n");
  TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n  when age of rt.la_notified >= 2 weeks\n  suggest \"act\"\n");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-16")), "none");
  EXPECT_EQ(outcome(pack.evaluate(c, "2025-11-17")), "flag");
}

// ------------------------------------------------------------------ windows

/// `some incident WINDOW` for one incident on `date`.
std::string some_incident(const std::string& window, const char* date, const char* as_of) {
  return verdict("some incident i " + window, pupil_case(incident("I-1", date)), as_of);
}

TEST(Windows, WithinLastSelectsFromTodayMinusDToToday) {
  // 2 weeks before 2025-11-17 is 2025-11-03.
  EXPECT_EQ(some_incident("within last 2 weeks", "2025-11-02", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("within last 2 weeks", "2025-11-03", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("within last 2 weeks", "2025-11-17", "2025-11-17"), "flag");
}

TEST(Windows, WithinAfterExcludesTAndIncludesTPlusD) {
  // S-1 ends Wed 2025-10-08; 5 school days after: Thu 9, Fri 10, Mon 13, Tue 14, Wed 15. Window (10-08, 10-15].
  auto run = [](const char* meeting) {
    TestPack pack(
        "rule r \"t\"\n  for each suspension s\n"
        "  when some reintegration_meeting m within 5 school days after s.end\n  suggest \"act\"\n");
    return outcome(pack.evaluate(
        pupil_case("  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3}\n"
                   "  - {kind: reintegration_meeting, id: M-1, date: " +
                   std::string(meeting) + "}\n"),
        "2025-11-17"));
  };
  EXPECT_EQ(run("2025-10-08"), "none");  // T itself is excluded
  EXPECT_EQ(run("2025-10-09"), "flag");
  EXPECT_EQ(run("2025-10-15"), "flag");  // T + D included
  EXPECT_EQ(run("2025-10-16"), "none");
}

TEST(Windows, WithinBeforeIncludesTMinusDAndExcludesT) {
  // T = Mon 2025-10-06 (s.start), 3 days: [10-03, 10-06).
  auto run = [](const char* date) {
    TestPack pack(
        "rule r \"t\"\n  for each suspension s\n  when some incident i within 3 days before s.start\n  suggest \"act\"\n");
    return outcome(pack.evaluate(
        pupil_case("  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3}\n" + incident("I-1", date)),
        "2025-11-17"));
  };
  EXPECT_EQ(run("2025-10-02"), "none");
  EXPECT_EQ(run("2025-10-03"), "flag");
  EXPECT_EQ(run("2025-10-05"), "flag");
  EXPECT_EQ(run("2025-10-06"), "none");
}

TEST(Windows, WithinSchoolDaysBeforeCrossesHalfTerm) {
  // T = Mon 2025-11-03, 1 school day before = Fri 2025-10-24: window [10-24, 11-03).
  EXPECT_EQ(some_incident("within 1 school day before 2025-11-03", "2025-10-23", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("within 1 school day before 2025-11-03", "2025-10-24", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("within 1 school day before 2025-11-03", "2025-10-31", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("within 1 school day before 2025-11-03", "2025-11-03", "2025-11-17"), "none");
}

TEST(Windows, AfterIsExclusiveOfT) {
  // (2025-10-08, today].
  EXPECT_EQ(some_incident("after 2025-10-08", "2025-10-08", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("after 2025-10-08", "2025-10-09", "2025-11-17"), "flag");
}

TEST(Windows, BeforeIsExclusiveOfT) {
  EXPECT_EQ(some_incident("before 2025-10-08", "2025-10-07", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("before 2025-10-08", "2025-10-08", "2025-11-17"), "none");
}

TEST(Windows, BetweenIncludesBothEnds) {
  const std::string w = "between 2025-10-01 and 2025-10-31";
  EXPECT_EQ(some_incident(w, "2025-09-30", "2025-11-17"), "none");
  EXPECT_EQ(some_incident(w, "2025-10-01", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident(w, "2025-10-31", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident(w, "2025-11-01", "2025-11-17"), "none");
}

TEST(Windows, TheFirstAndAfterBetweenBelongsToBetween) {
  // `between s.start - 1 week and s.end + 1 week and s.days > N`: the window is
  // [2025-09-29, 2025-10-15] for S-1 (10-06..10-08), and `and s.days > N` is a second condition.
  auto run = [](const char* n) {
    TestPack pack(std::string("rule r \"t\"\n  for each suspension s\n"
                              "  when some incident i between s.start - 1 week and s.end + 1 week and s.days > ") +
                  n + "\n  suggest \"act\"\n");
    return outcome(pack.evaluate(
        pupil_case("  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 1}\n" +
                   incident("I-1", "2025-10-15")),
        "2025-11-17"));
  };
  EXPECT_EQ(run("0"), "flag");
  EXPECT_EQ(run("2"), "none");
}

TEST(Windows, EpisodesAreSelectedByOverlap) {
  // Window [2025-10-01, 2025-10-31]; [start, end] overlaps when start <= 10-31 and end >= 10-01.
  const std::string rule = "count of suspensions between 2025-10-01 and 2025-10-31";
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-a, start: 2025-09-25, end: 2025-09-30, days: 4}\n"    // ends the day before: out
      "  - {kind: suspension, id: S-b, start: 2025-09-25, end: 2025-10-01, days: 5}\n"    // ends on A: in
      "  - {kind: suspension, id: S-c, start: 2025-10-31, end: 2025-11-04, days: 3}\n"    // starts on B: in
      "  - {kind: suspension, id: S-d, start: 2025-11-01, end: 2025-11-04, days: 2}\n"    // starts the day after: out
      "  - {kind: suspension, id: S-e, start: 2025-09-01, days: 40}\n");                  // ongoing, runs to today: in
  EXPECT_EQ(title_of("{" + rule + "}", c, "2025-11-17"), "3");
}

TEST(Windows, AnOngoingEpisodeRunsToToday) {
  // Started 2025-09-01 and ends 2025-12-01, after the as-of date: ongoing, so it overlaps the last week.
  const std::string c = pupil_case("  - {kind: suspension, id: S-1, start: 2025-09-01, end: 2025-12-01, days: 40}\n");
  EXPECT_EQ(verdict("some suspension s within last 1 week", c, "2025-11-17"), "flag");
  // Once ended (2025-09-05) it no longer reaches the last week: [11-10, 11-17].
  const std::string ended = pupil_case("  - {kind: suspension, id: S-1, start: 2025-09-01, end: 2025-09-05, days: 5}\n");
  EXPECT_EQ(verdict("some suspension s within last 1 week", ended, "2025-11-17"), "none");
}

TEST(Windows, ThisTermIsTheTermContainingToday) {
  // 2025-11-17 lies in autumn 2025-09-03..2025-12-19.
  EXPECT_EQ(some_incident("in this term", "2025-09-02", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("in this term", "2025-09-03", "2025-11-17"), "flag");
  // Half term is inside the term's dates: on 2025-10-29 this term is still autumn.
  EXPECT_EQ(some_incident("in this term", "2025-09-03", "2025-10-29"), "flag");
}

TEST(Windows, ThisTermDuringAHolidayIsTheLatestTermThatStarted) {
  // 2025-12-25 is in the Christmas holiday: this term = autumn (2025-09-03..2025-12-19).
  EXPECT_EQ(some_incident("in this term", "2025-12-19", "2025-12-25"), "flag");
  EXPECT_EQ(some_incident("in this term", "2025-12-22", "2025-12-25"), "none");  // holiday, after the term's end
  // Sun 2026-01-04 is still the holiday (autumn); Mon 2026-01-05 spring starts.
  EXPECT_EQ(some_incident("in this term", "2025-12-01", "2026-01-04"), "flag");
  EXPECT_EQ(some_incident("in this term", "2025-12-01", "2026-01-05"), "none");
}

TEST(Windows, ThisTermInTheSummerHolidayAndBeforeAutumnStarts) {
  // 2026-08-15: the latest term that started is summer 2026 (2026-04-13..2026-07-22).
  EXPECT_EQ(some_incident("in this term", "2026-07-22", "2026-08-15"), "flag");
  EXPECT_EQ(some_incident("in previous term", "2026-03-27", "2026-08-15"), "flag");  // spring 2026
  // Tue 2025-09-02 is in academic year 2025-26 but before autumn starts (09-03): the latest term that
  // started before it is summer 2025 (2025-04-22..2025-07-22), from the 2024-25 year.
  EXPECT_EQ(some_incident("in this term", "2025-07-22", "2025-09-02"), "flag");
  EXPECT_EQ(some_incident("in this term", "2025-07-22", "2025-09-03"), "none");
}

TEST(Windows, NoTermFoundWhenOnlyLaterYearsAreLoaded) {
  // With only 2025-26 loaded, on 2025-09-02 no loaded term has started: this term selects nothing.
  TestPack pack("rule r \"{count of incidents in this term}\"\n  when pupil.id is set\n  suggest \"act\"\n", {},
                testing::shipped("2025-26"));
  const PupilResult r = pack.evaluate(pupil_case(incident("I-1", "2025-09-01")), "2025-09-02");
  ASSERT_EQ(r.flags.size(), 1u);
  EXPECT_EQ(r.flags[0].title, "0");
}

TEST(Windows, ARuleNeedingTheCalendarAtAnUncoveredDateIsAnError) {
  // case-records.md §3: evaluating at a date no calendar covers is an error for a rule that needs
  // the calendar (school days, terms, streaks), and fine for the others. 2027-01-04 is in 2026-27.
  const std::string c = pupil_case(incident("I-1", "2026-12-01"));
  TestPack plain(testing::when_rule("some incident i within last 6 weeks"));
  EXPECT_EQ(outcome(plain.evaluate(c, "2027-01-04")), "flag");  // 2026-12-01 >= 2026-11-23
  for (const char* condition : {"some incident i within last 5 school days", "some incident in this term",
                                "absence streak > 0"}) {
    TestPack pack(testing::when_rule(condition));
    testing::Loaded loaded = testing::load_yaml(c);
    EvaluateOptions options;
    options.as_of = testing::day("2027-01-04");
    dsl::Diagnostics d;
    EXPECT_FALSE(evaluate(pack.compiled(), loaded.caseload, options, d).has_value()) << condition;
    ASSERT_TRUE(d.has_errors()) << condition;
    EXPECT_EQ(d.all().front().code, "calendar-not-covered");
  }
}

TEST(Windows, PreviousTermCrossesAcademicYears) {
  // On 2025-11-17 this term is autumn 2025, so the previous term is summer 2025 (2025-04-22..2025-07-22).
  EXPECT_EQ(some_incident("in previous term", "2025-04-21", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("in previous term", "2025-04-22", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("in previous term", "2025-07-22", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("in previous term", "2025-07-23", "2025-11-17"), "none");
  // In the Christmas holiday (2025-12-25) this term is autumn, so previous is still summer 2025.
  EXPECT_EQ(some_incident("in previous term", "2025-07-22", "2025-12-25"), "flag");
  // From 2026-01-05 (spring) the previous term is autumn 2025.
  EXPECT_EQ(some_incident("in previous term", "2025-12-19", "2026-01-05"), "flag");
  EXPECT_EQ(some_incident("in previous term", "2025-07-22", "2026-01-05"), "none");
}

TEST(Windows, NoTermFoundSelectsNothing) {
  // On 2024-09-02 no loaded term has started yet (autumn 2024 starts 2024-09-03): this term is not found.
  EXPECT_EQ(some_incident("in this term", "2024-09-01", "2024-09-02"), "none");
  EXPECT_EQ(title_of("{count of incidents in this term}", pupil_case(incident("I-1", "2024-09-01")), "2024-09-02"), "0");
  // On 2024-11-01 this term is autumn 2024, the first loaded term: there is no previous term.
  EXPECT_EQ(some_incident("in previous term", "2024-07-01", "2024-11-01"), "none");
}

TEST(Windows, AcademicYearsTurnOnTheFirstOfSeptember) {
  // Incident on 2025-08-31. As of 2025-08-31 this academic year is 2024-09-01..2025-08-31.
  EXPECT_EQ(some_incident("in this academic year", "2025-08-31", "2025-08-31"), "flag");
  // As of 2025-09-01 this academic year is 2025-09-01..2026-08-31, and the previous one holds 08-31.
  EXPECT_EQ(some_incident("in this academic year", "2025-08-31", "2025-09-01"), "none");
  EXPECT_EQ(some_incident("in previous academic year", "2025-08-31", "2025-09-01"), "flag");
  EXPECT_EQ(some_incident("in previous academic year", "2024-09-01", "2025-09-01"), "flag");
  EXPECT_EQ(some_incident("in previous academic year", "2024-08-31", "2025-09-01"), "none");
  EXPECT_EQ(some_incident("in this academic year", "2025-09-01", "2025-09-01"), "flag");
}

TEST(Windows, ForEachWithAWindowBindsOnlyTheItemsInIt) {
  // Suspensions overlapping this academic year (2025-09-01..): S-2 (ends 2025-09-02) and S-3; not S-1.
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-1, start: 2025-07-01, end: 2025-07-02, days: 2}\n"
      "  - {kind: suspension, id: S-2, start: 2025-08-29, end: 2025-09-02, days: 1}\n"
      "  - {kind: suspension, id: S-3, start: 2025-10-06, end: 2025-10-08, days: 3}\n");
  TestPack pack("rule r \"t\"\n  for each suspension s in this academic year\n  when s.days > 0\n  suggest \"act\"\n");
  EXPECT_EQ(testing::flag_lines(pack.evaluate(c, "2025-11-17")), (std::vector<std::string>{"r: S-2", "r: S-3"}));
}

TEST(CalendarCopy, KeepsItsOwnTermNames) {
  // A copy must not point into the names of the calendar it was copied from (found under ASan;
  // fixed in a10bfcb by keeping terms by position).
  auto source = std::make_unique<Calendar>(
      "c", std::vector<CalendarYear>{CalendarYear{
               "2025-26", 2025, {Term{"autumn", {testing::day("2025-09-03"), testing::day("2025-12-19")}, {}}}, {}}});
  const Calendar copy = *source;
  source.reset();
  const auto term = copy.this_term(testing::day("2025-11-17"));
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(term->name, "autumn");
  EXPECT_EQ(term->year, "2025-26");
}

}  // namespace
}  // namespace waymark::engine
