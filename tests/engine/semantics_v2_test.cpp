// Version 2 of the language (docs/language-reference.md, "Version 2"): records about a bound item,
// attendance by code, school weeks, terms, term dates and planned dates, evaluated against the
// shipped calendars of 2024-25 and 2025-26. Every boundary is tested on the day either side, with
// the arithmetic worked against the calendar in a comment:
//   autumn 2025: Wed 2025-09-03 to Fri 2025-12-19, half term Mon 27 to Fri 31 October
//   spring 2026: Mon 2026-01-05 to Fri 2026-03-27, half term 16 to 20 February
//   summer 2025 (of 2024-25): Tue 2025-04-22 to Tue 2025-07-22
#include <gtest/gtest.h>

#include "rule_fixture.hpp"

namespace waymark::engine {
namespace {

using testing::flag_lines;
using testing::outcome;
using testing::pupil_case;
using testing::TestPack;
using testing::verdict;
using Lines = std::vector<std::string>;

std::string incident(const char* id, const char* date) {
  return std::string("  - {kind: incident, id: ") + id + ", date: " + date + "}\n";
}

std::string some_incident(const std::string& window, const char* date, const char* as_of) {
  return verdict("some incident i " + window, pupil_case(incident("I-1", date)), as_of);
}

// ---------------------------------------------------------------------------------------------
// about

const char* review_rule =
    "rule r \"t\"\n  for each suspension s\n"
    "  when no meeting m about s within 15 school days after s.start where (m.type = \"governor_review\")\n"
    "  suggest \"act\"\n";

std::string review_case(const char* meeting_date, const char* about) {
  return pupil_case(std::string("  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-17, days: 10}\n"
                                "  - {kind: suspension, id: S-0, start: 2025-09-15, end: 2025-09-16, days: 2}\n"
                                "  - {kind: meeting, id: M-1, type: governor_review, date: ") +
                    meeting_date + ", about: " + about + "}\n");
}

TEST(About, KeepsOnlyRecordsAboutTheBoundItem) {
  // S-1 starts Mon 2025-10-06; 15 school days after: 7-10 October (4), 13-17 (9), 20-24 (14), half
  // term, Mon 3 November (15). So the window is (2025-10-06, 2025-11-03].
  // S-0 starts Mon 2025-09-15; 15 school days after: 16-19 September (4), 22-26 (9), 29 September to
  // 3 October (14), Mon 6 October (15): (2025-09-15, 2025-10-06]; M-1 is never in it.
  TestPack pack(review_rule);
  EXPECT_EQ(flag_lines(pack.evaluate(review_case("2025-11-03", "S-1"), "2025-11-17")), Lines{"r: S-0"});
  EXPECT_EQ(flag_lines(pack.evaluate(review_case("2025-11-04", "S-1"), "2025-11-17")), (Lines{"r: S-0", "r: S-1"}));
  // A review about the earlier suspension S-0, on a day inside S-1's window, does not count for S-1.
  EXPECT_EQ(flag_lines(pack.evaluate(review_case("2025-10-20", "S-0"), "2025-11-17")), (Lines{"r: S-0", "r: S-1"}));
}

TEST(About, APendingWindowIsStillADueEntry) {
  // As of 2025-10-20 S-1's window (to 2025-11-03) is open; S-0's closed on 2025-10-06 with M-1 about S-1.
  TestPack pack(review_rule);
  const PupilResult r = pack.evaluate(review_case("2025-11-20", "S-1"), "2025-10-20");
  EXPECT_EQ(flag_lines(r), Lines{"r: S-0"});
  ASSERT_EQ(r.due.size(), 1u);
  EXPECT_EQ(r.due[0].deadline, testing::day("2025-11-03"));
}

const std::string notifications = pupil_case(
    "  - {kind: suspension, id: S-1, start: 2025-10-06, days: 1}\n"
    "  - {kind: suspension, id: S-2, start: 2025-10-13, days: 1}\n"
    "  - {kind: notification, id: N-1, date: 2025-10-06, to: la_inclusion, about: S-1}\n"
    "  - {kind: notification, id: N-2, date: 2025-10-07, to: governors, about: S-1}\n"
    "  - {kind: notification, id: N-3, date: 2025-10-13, to: governors}\n");

TEST(About, CountsAndFiltersByTheLink) {
  TestPack counted("rule r \"t\"\n  for each suspension s\n  when count of notifications about s >= 2\n  suggest \"act\"\n");
  // S-1: N-1 and N-2 (the count that held adds them as evidence); S-2: none.
  EXPECT_EQ(flag_lines(counted.evaluate(notifications, "2025-11-17")), Lines{"r: S-1,N-1,N-2"});
  TestPack is_about("rule r \"t\"\n  for each suspension s\n  when some notification n where (n is about s)\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(is_about.evaluate(notifications, "2025-11-17")), Lines{"r: S-1,N-1,N-2"});
  // `is not about`: for S-1 only N-3 (about nothing) is not about it; for S-2 every notification is not.
  TestPack not_about("rule r \"t\"\n  for each suspension s\n"
                     "  when count of notifications n where (n is not about s) = 3\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(not_about.evaluate(notifications, "2025-11-17")), Lines{"r: S-2,N-1,N-2,N-3"});
  TestPack la("rule r \"t\"\n  for each suspension s\n"
              "  when no notification n about s where (n.to = \"la_inclusion\")\n  suggest \"act\"\n");
  EXPECT_EQ(flag_lines(la.evaluate(notifications, "2025-11-17")), Lines{"r: S-2"});
}

TEST(About, ExplanationsNameTheLinkedRecord) {
  TestPack la("rule r \"t\"\n  for each suspension s\n"
              "  when no notification n about s where (n.to = \"la_inclusion\")\n  suggest \"act\"\n");
  const auto e = la.explain(notifications, "2025-11-17", "r");
  ASSERT_EQ(e.size(), 2u);
  ASSERT_TRUE(e[1].when.has_value());
  std::string facts;
  for (const std::string& f : e[1].when->facts) facts += f + "\n";
  EXPECT_NE(facts.find("none found about S-2 (2025-10-13)"), std::string::npos) << facts;
  TestPack some("rule r \"t\"\n  for each suspension s\n  when some notification n about s\n  suggest \"act\"\n");
  const auto found = some.explain(notifications, "2025-11-17", "r");
  ASSERT_EQ(found.size(), 2u);
  facts.clear();
  for (const std::string& f : found[0].when->facts) facts += f + "\n";
  EXPECT_NE(facts.find("found about S-1 (2025-10-06): N-1 (2025-10-06), N-2 (2025-10-07)"), std::string::npos) << facts;
}

// ---------------------------------------------------------------------------------------------
// Attendance by code. Marks from Mon 2025-09-01, one token pair per day:
//   Mon 1 --, Tue 2 --, Wed 3 /\, Thu 4 NN, Fri 5 N\, Sat 6 --, Sun 7 --,
//   Mon 8 II, Tue 9 I\, Wed 10 C2C2, Thu 11 EE, Fri 12 OU, Sat 13 --, Sun 14 --.
// Present: / \ on the 3rd, \ on the 5th and the 9th = 4. Absent: N 3, I 3, C2 2, E 2, O 1, U 1 = 12.
// Possible 16; unauthorised (N, O, U) 5.

const std::string marked = pupil_case({}, "  - from: 2025-09-01\n    marks: '--|--|/\\|NN|N\\|--|--|II|I\\|C2C2|EE|OU|--|--'\n");

std::string on(const std::string& condition, const char* as_of) { return verdict(condition, marked, as_of); }

TEST(ByCode, CountsSessionsAndDaysOfTheChosenCodes) {
  EXPECT_EQ(on("sessions coded [N] = 3", "2025-09-14"), "flag");
  EXPECT_EQ(on("days coded [N] = 1.5", "2025-09-14"), "flag");
  EXPECT_EQ(on("days coded [I] = 1.5", "2025-09-14"), "flag");
  EXPECT_EQ(on("sessions coded [C2, E] = 4", "2025-09-14"), "flag");
  EXPECT_EQ(on("sessions coded [/, \\] = 4", "2025-09-14"), "flag");
  EXPECT_EQ(on("possible sessions = 16", "2025-09-14"), "flag");
  EXPECT_EQ(on("unauthorised sessions = 5", "2025-09-14"), "flag");
}

TEST(ByCode, CountsOnlyDaysUpToTheAsOfDate) {
  // As of Thu 4 September the N sessions are that day's two; as of Wed 3, none (marks exist: 0, not none).
  EXPECT_EQ(on("sessions coded [N] = 2", "2025-09-04"), "flag");
  EXPECT_EQ(on("sessions coded [N] = 0", "2025-09-03"), "flag");
  // As of 31 August the academic year is 2024-25, when no marks were recorded: none, so false either way.
  EXPECT_EQ(on("sessions coded [N] = 0", "2025-08-31"), "none");
  EXPECT_EQ(on("sessions coded [N] is none", "2025-08-31"), "flag");
}

TEST(ByCode, FirstAndLastDayCoded) {
  EXPECT_EQ(on("first day coded [N] = 2025-09-04", "2025-09-14"), "flag");
  EXPECT_EQ(on("last day coded [N] = 2025-09-05", "2025-09-14"), "flag");
  EXPECT_EQ(on("last day coded [N] = 2025-09-04", "2025-09-04"), "flag");  // Friday's N is not known yet
  EXPECT_EQ(on("first day coded [X] is none", "2025-09-14"), "flag");
  // "N not resolved within 5 school days": first N Thu 4 September + 5 school days = Thu 11 September
  // (5, 8, 9, 10, 11); older than that is 4 + 5 school days < today, so from Fri 12 September.
  EXPECT_EQ(on("first day coded [N] older than 5 school days", "2025-09-11"), "none");
  EXPECT_EQ(on("first day coded [N] older than 5 school days", "2025-09-12"), "flag");
}

TEST(ByCode, WindowsApply) {
  // within last 3 days as of Sun 7 September: [4, 7] holds N N N = 3; as of Mon 8: [5, 8] holds 1.
  EXPECT_EQ(on("sessions coded [N] within last 3 days = 3", "2025-09-07"), "flag");
  EXPECT_EQ(on("sessions coded [N] within last 3 days = 1", "2025-09-08"), "flag");
}

TEST(ByCode, ExcludingTreatsTheCodesAsNotPossible) {
  // Without C2 and E (4 sessions): possible 12, absent 8, attended 4, unauthorised 5.
  EXPECT_EQ(on("possible sessions excluding [C2, E] = 12", "2025-09-14"), "flag");
  EXPECT_EQ(on("sessions missed excluding [C2, E] = 8", "2025-09-14"), "flag");
  // absence 8 of 12 = 66.666...%; attendance 4 of 12 = 33.333...%.
  EXPECT_EQ(on("absence excluding [C2, E] > 66.66% and absence excluding [C2, E] < 66.67%", "2025-09-14"), "flag");
  EXPECT_EQ(on("attendance excluding [C2, E] > 33.33% and attendance excluding [C2, E] < 33.34%", "2025-09-14"), "flag");
  // With every code: absence 12 of 16 = 75%.
  EXPECT_EQ(on("absence = 75%", "2025-09-14"), "flag");
  // Unauthorised without N: possible 13, unauthorised 2 (O, U): 2 of 13 = 15.38...%.
  EXPECT_EQ(on("unauthorised absence excluding [N] > 15.38% and unauthorised absence excluding [N] < 15.39%", "2025-09-14"),
            "flag");
}

// ---------------------------------------------------------------------------------------------
// School weeks (Monday to Sunday, with at least one school day)

TEST(SchoolWeeks, WithinLastCountsBackWholeSchoolWeeksFromTheirMonday) {
  // As of Wed 2025-11-05 this week (from Mon 3 November) has had a school day: it is the first; the
  // half-term week of 27 October has none; the second is the week of Mon 20 October.
  EXPECT_EQ(some_incident("within last 2 school weeks", "2025-10-19", "2025-11-05"), "none");
  EXPECT_EQ(some_incident("within last 2 school weeks", "2025-10-20", "2025-11-05"), "flag");
  // As of Sun 2 November (in half term) the first is the week of 20 October, the second that of 13th.
  EXPECT_EQ(some_incident("within last 2 school weeks", "2025-10-12", "2025-11-02"), "none");
  EXPECT_EQ(some_incident("within last 2 school weeks", "2025-10-13", "2025-11-02"), "flag");
}

TEST(SchoolWeeks, ThisWeekCountsOnlyOnceOneOfItsSchoolDaysHasCome) {
  // The autumn term starts Wed 2025-09-03. As of Tue 2 September the week of Mon 1 September has had no
  // school day yet, so the last school week is that of Mon 21 July (summer 2025 ended Tue 22 July):
  // the window is [2025-07-21, 2025-09-02]. From Wed 3 September it is [2025-09-01, today].
  EXPECT_EQ(some_incident("within last 1 school week", "2025-07-20", "2025-09-02"), "none");
  EXPECT_EQ(some_incident("within last 1 school week", "2025-07-21", "2025-09-02"), "flag");
  EXPECT_EQ(some_incident("within last 1 school week", "2025-08-31", "2025-09-03"), "none");
  EXPECT_EQ(some_incident("within last 1 school week", "2025-09-01", "2025-09-03"), "flag");
}

TEST(SchoolWeeks, AddingSkipsWeeksWithoutASchoolDay) {
  // Wed 2025-10-22 + 2 school weeks: the week of 27 October has no school day, so the first is the
  // week of 3 November and the second that of 10 November: Wed 2025-11-12. Window (10-22, 11-12].
  EXPECT_EQ(some_incident("within 2 school weeks after 2025-10-22", "2025-11-12", "2025-11-17"), "flag");
  EXPECT_EQ(some_incident("within 2 school weeks after 2025-10-22", "2025-11-13", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("within 2 school weeks after 2025-10-22", "2025-10-22", "2025-11-17"), "none");
  // And backwards: Wed 2025-11-12 - 2 school weeks = Wed 2025-10-22, so `within 2 school weeks before`
  // is [2025-10-22, 2025-11-12).
  EXPECT_EQ(some_incident("within 2 school weeks before 2025-11-12", "2025-10-21", "2025-11-17"), "none");
  EXPECT_EQ(some_incident("within 2 school weeks before 2025-11-12", "2025-10-22", "2025-11-17"), "flag");
}

TEST(SchoolWeeks, PenaltyNoticeThresholdOverTenSchoolWeeks) {
  // As of Fri 2025-09-12 the school weeks are those of 1 and 8 September, so 10 of them reach back into
  // summer 2025; the marks hold 5 unauthorised sessions (N N N O U): 5 >= 5 holds, 6 does not.
  EXPECT_EQ(on("unauthorised sessions within last 10 school weeks >= 5", "2025-09-12"), "flag");
  EXPECT_EQ(on("unauthorised sessions within last 10 school weeks >= 6", "2025-09-12"), "none");
}

// ---------------------------------------------------------------------------------------------
// Terms and term dates

TEST(Terms, InLastNTermsStartsAtTheEarlierTerm) {
  // As of 2026-01-20 this term is spring 2026 (from 2026-01-05) and the previous autumn 2025 (from 2025-09-03).
  EXPECT_EQ(some_incident("in last 2 terms", "2025-09-02", "2026-01-20"), "none");
  EXPECT_EQ(some_incident("in last 2 terms", "2025-09-03", "2026-01-20"), "flag");
  EXPECT_EQ(some_incident("in last 1 term", "2026-01-04", "2026-01-20"), "none");
  EXPECT_EQ(some_incident("in last 1 term", "2026-01-05", "2026-01-20"), "flag");
}

TEST(Terms, InTermOfAnItemIsTheTermContainingItsAnchor) {
  // S-1 starts 2025-10-06: autumn 2025, 2025-09-03 to 2025-12-19.
  auto run = [](const char* incident_date) {
    TestPack pack("rule r \"t\"\n  for each suspension s\n  when some incident i in term of s\n  suggest \"act\"\n");
    return outcome(pack.evaluate(pupil_case("  - {kind: suspension, id: S-1, start: 2025-10-06, days: 1}\n" +
                                            incident("I-1", incident_date)),
                                 "2026-01-20"));
  };
  EXPECT_EQ(run("2025-09-02"), "none");
  EXPECT_EQ(run("2025-09-03"), "flag");
  EXPECT_EQ(run("2025-12-19"), "flag");
  EXPECT_EQ(run("2025-12-20"), "none");
}

TEST(Terms, TotalsOverTheTermOfASuspension) {
  // S-1 (10 days) and S-2 (6 days) are both in autumn 2025: 16 > 15 for each; S-3 in spring has 2.
  TestPack pack("rule r \"t\"\n  for each suspension s\n  when total days of suspensions x in term of s > 15\n"
                "  suggest \"act\"\n");
  const std::string c = pupil_case(
      "  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-17, days: 10}\n"
      "  - {kind: suspension, id: S-2, start: 2025-11-03, end: 2025-11-10, days: 6}\n"
      "  - {kind: suspension, id: S-3, start: 2026-01-12, end: 2026-01-13, days: 2}\n");
  EXPECT_EQ(flag_lines(pack.evaluate(c, "2026-01-20")), (Lines{"r: S-1,S-2", "r: S-2,S-1"}));
}

TEST(Terms, TermDates) {
  const std::string c = pupil_case({});
  EXPECT_EQ(verdict("start of this term = 2026-01-05", c, "2026-01-20"), "flag");
  EXPECT_EQ(verdict("start of this term = 2026-01-06", c, "2026-01-20"), "none");
  EXPECT_EQ(verdict("start of previous term = 2025-09-03", c, "2026-01-20"), "flag");
  EXPECT_EQ(verdict("end of previous term = 2025-12-19", c, "2026-01-20"), "flag");
  EXPECT_EQ(verdict("end of this term = 2026-03-27", c, "2026-01-20"), "flag");
  EXPECT_EQ(verdict("start of term of 2025-10-06 = 2025-09-03", c, "2026-01-20"), "flag");
  // In the Christmas holiday the term of a date is the latest term that started before it (as `this term`).
  EXPECT_EQ(verdict("end of term of 2025-12-25 = 2025-12-19", c, "2026-01-20"), "flag");
  // Before every loaded term there is none.
  EXPECT_EQ(verdict("start of term of 2024-08-01 is none", c, "2026-01-20"), "flag");
}

TEST(Terms, APartTimeTimetableRunningIntoANewTerm) {
  const char* rule = "rt is active and rt.start < start of this term";
  auto run = [&](const char* start) {
    TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n  when " + std::string(rule) + "\n  suggest \"act\"\n");
    return outcome(pack.evaluate(
        pupil_case("  - {kind: reduced_timetable, id: RT-1, start: " + std::string(start) + ", hours_per_week: 10}\n"),
        "2026-01-20"));
  };
  EXPECT_EQ(run("2026-01-04"), "flag");  // started before spring began on 2026-01-05
  EXPECT_EQ(run("2026-01-05"), "none");
}

// ---------------------------------------------------------------------------------------------
// Planned dates (language.md §5)

TEST(Planned, APlannedDateReadsAtAnyAsOfDate) {
  const std::string c = pupil_case(
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 10, planned_end: 2025-10-17,"
      " la_notified: 2025-10-17}\n");
  auto run = [&](const char* condition, const char* as_of) {
    TestPack pack("rule r \"t\"\n  for each reduced_timetable rt\n  when " + std::string(condition) +
                  "\n  suggest \"act\"\n");
    return outcome(pack.evaluate(c, as_of));
  };
  EXPECT_EQ(run("rt.planned_end is set", "2025-09-20"), "flag");  // planned: known before it comes
  EXPECT_EQ(run("rt.la_notified is set", "2025-09-20"), "none");  // an ordinary date is not
  // "Past its planned end": the end date is before today from Sat 18 October.
  EXPECT_EQ(run("rt.planned_end < today", "2025-10-17"), "none");
  EXPECT_EQ(run("rt.planned_end < today", "2025-10-18"), "flag");
}

// ---------------------------------------------------------------------------------------------
// Calendars that do not expire (issue 9.5)

TEST(CalendarCoverage, OneErrorNamingTheLastCoveredDate) {
  // The fixture loads 2024-25 and 2025-26, so the calendars end on 2026-08-31; 2027-01-04 is in 2026-27.
  TestPack pack("rule a \"t\"\n  when some incident within last 5 school days\n  suggest \"x\"\n"
                "rule b \"t\"\n  when some incident in this term\n  suggest \"x\"\n"
                "rule c \"t\"\n  when some incident within last 5 days\n  suggest \"x\"\n");
  testing::Loaded loaded = testing::load_yaml(pupil_case(incident("I-1", "2026-12-01")));
  EvaluateOptions options;
  options.as_of = testing::day("2027-01-04");
  dsl::Diagnostics d;
  EXPECT_FALSE(evaluate(pack.compiled(), loaded.caseload, options, d).has_value());
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].code, "calendar-not-covered");
  const std::string& m = d.all()[0].message;
  EXPECT_NE(m.find("the loaded calendars end on 2026-08-31"), std::string::npos) << m;
  EXPECT_NE(m.find("2 rules count"), std::string::npos) << m;
  EXPECT_NE(m.find("add the academic year 2026-27"), std::string::npos) << m;
}

TEST(CalendarCoverage, CheckWarnsTwelveWeeksBeforeTheCalendarsEnd) {
  // 2026-06-08 + 12 weeks (84 days: 22 to 30 June, 31 of July, 31 of August) = 2026-08-31, the last
  // covered day: not yet within 12 weeks. From 2026-06-09 it is.
  const Calendar calendar = testing::shipped_both();
  dsl::Diagnostics before;
  warn_if_calendar_ends_soon(calendar, testing::day("2026-06-08"), before);
  EXPECT_TRUE(before.empty());
  dsl::Diagnostics within;
  warn_if_calendar_ends_soon(calendar, testing::day("2026-06-09"), within);
  ASSERT_EQ(within.all().size(), 1u);
  EXPECT_EQ(within.all()[0].code, "calendar-ending");
  EXPECT_EQ(within.all()[0].severity, dsl::Severity::warning);
  EXPECT_NE(within.all()[0].message.find("end on 2026-08-31"), std::string::npos);
  EXPECT_NE(within.all()[0].message.find("2026-27"), std::string::npos);
}

TEST(CalendarCoverage, TheShippedCalendarsRunTo2027_28) {
  Calendar c = testing::shipped_both();
  c.merge(testing::shipped("2026-27"));
  c.merge(testing::shipped("2027-28"));
  EXPECT_TRUE(c.is_covered(testing::day("2026-12-07")));
  EXPECT_EQ(c.last_covered(), testing::day("2028-08-31"));
  // 2026-27: autumn from Thu 2026-09-03, half term 26-30 October; the early May bank holiday is closed.
  EXPECT_FALSE(c.is_school_day(testing::day("2026-09-02")));
  EXPECT_TRUE(c.is_school_day(testing::day("2026-09-03")));
  EXPECT_FALSE(c.is_school_day(testing::day("2026-10-26")));
  EXPECT_FALSE(c.is_school_day(testing::day("2027-05-03")));
  EXPECT_TRUE(c.is_school_day(testing::day("2026-12-07")));
}

}  // namespace
}  // namespace waymark::engine
