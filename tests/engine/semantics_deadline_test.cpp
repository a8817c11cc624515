// Deadlines are not breaches before they pass (language.md §5-6): `no X within D after T` while its
// window is open is pending and yields a due entry with deadline T + D; Kleene logic through and, or,
// not and unless; never pending inside `where` or an aggregate; none bounds; null deadlines last.
// Suspension S-2 ends Thu 2025-11-13; 5 school days after it: Fri 14, Mon 17, Tue 18, Wed 19,
// Thu 20, so its window is (2025-11-13, 2025-11-20] and closes after 2025-11-20.

#include <gtest/gtest.h>

#include "rule_fixture.hpp"

namespace waymark::engine {
namespace {

using testing::due_lines;
using testing::flag_lines;
using testing::outcome;
using testing::pupil_case;
using testing::TestPack;

using Lines = std::vector<std::string>;

const std::string s2 = "  - {kind: suspension, id: S-2, start: 2025-11-12, end: 2025-11-13, days: 2}\n";
const std::string no_meeting = "no reintegration_meeting m within 5 school days after s.end";

std::string meeting(const char* date, const char* id = "M-1") {
  return std::string("  - {kind: reintegration_meeting, id: ") + id + ", date: " + date + "}\n";
}

/// A rule `meet` bound to each suspension, with this `when` (and optional `unless`).
std::string meet_rule(const std::string& when, const std::string& unless = {}) {
  return "rule meet \"No meeting after {s}\"\n  for each suspension s\n  when " + when + "\n" +
         (unless.empty() ? "" : "  unless " + unless + "\n") + "  suggest \"Hold a meeting\"\n";
}

std::string run(const std::string& rules, const std::string& records, const char* as_of) {
  TestPack pack(rules);
  return outcome(pack.evaluate(pupil_case(records), as_of));
}

TEST(Deadlines, AnOpenWindowIsDueWithDeadlineTPlusD) {
  TestPack pack(meet_rule(no_meeting));
  const PupilResult r = pack.evaluate(pupil_case(s2), "2025-11-17");
  EXPECT_TRUE(r.flags.empty());
  EXPECT_EQ(due_lines(r), Lines{"meet S-2 -> 2025-11-20"});  // the due entry's evidence is the bound item
  ASSERT_EQ(r.due.size(), 1u);
  EXPECT_EQ(r.due[0].title, "No meeting after S-2");
  EXPECT_EQ(r.due[0].actions, Lines{"Hold a meeting"});
}

TEST(Deadlines, OnTheDeadlineItselfTheWindowIsStillOpen) {
  // Holds only when T + D < today: 2025-11-20 < 2025-11-20 is false.
  EXPECT_EQ(run(meet_rule(no_meeting), s2, "2025-11-20"), "due 2025-11-20");
}

TEST(Deadlines, TheDayAfterTheDeadlineItIsAFlag) {
  TestPack pack(meet_rule(no_meeting));
  const PupilResult r = pack.evaluate(pupil_case(s2), "2025-11-21");
  EXPECT_EQ(flag_lines(r), Lines{"meet: S-2"});
  EXPECT_TRUE(r.due.empty());
}

TEST(Deadlines, AMeetingInTheWindowMeansNeitherFlagNorDue) {
  EXPECT_EQ(run(meet_rule(no_meeting), s2 + meeting("2025-11-20"), "2025-11-21"), "none");  // on T + D
  EXPECT_EQ(run(meet_rule(no_meeting), s2 + meeting("2025-11-14"), "2025-11-17"), "none");  // while open
}

TEST(Deadlines, AMeetingOnTOrAfterTheWindowDoesNotCount) {
  EXPECT_EQ(run(meet_rule(no_meeting), s2 + meeting("2025-11-13"), "2025-11-21"), "flag");  // T excluded
  EXPECT_EQ(run(meet_rule(no_meeting), s2 + meeting("2025-11-21"), "2025-11-24"), "flag");  // after T + D
}

TEST(Deadlines, AnOngoingSuspensionIsNotDue) {
  // s.end is none: the window selects nothing, `no` does not hold and is not due.
  const std::string ongoing = "  - {kind: suspension, id: S-2, start: 2025-11-12, days: 5}\n";
  EXPECT_EQ(run(meet_rule(no_meeting), ongoing, "2025-11-17"), "none");
  // An end after the as-of date reads as none too.
  const std::string later = "  - {kind: suspension, id: S-2, start: 2025-11-12, end: 2025-11-19, days: 5}\n";
  EXPECT_EQ(run(meet_rule(no_meeting), later, "2025-11-17"), "none");
  // On its last day the end is known: Wed 11-19 + 5 school days = Thu 11-20, 21, 24, 25, Wed 11-26.
  EXPECT_EQ(run(meet_rule(no_meeting), later, "2025-11-19"), "due 2025-11-26");
}

TEST(Deadlines, ADeadlineBeyondTheCalendarIsNullAndListedLast) {
  // S-A ends Mon 2026-07-20: school days after it are Tue 21 and Wed 22 (end of the summer term), then
  // 2026-27 is not loaded, so T + 5 school days is none: due with a null deadline.
  // S-B ends Tue 2026-07-14: Wed 15, Thu 16, Fri 17, Mon 20, Tue 21 -> deadline 2026-07-21.
  const std::string records =
      "  - {kind: suspension, id: S-A, start: 2026-07-20, end: 2026-07-20, days: 1}\n"
      "  - {kind: suspension, id: S-B, start: 2026-07-13, end: 2026-07-14, days: 2}\n";
  TestPack pack(meet_rule(no_meeting));
  EXPECT_EQ(due_lines(pack.evaluate(pupil_case(records), "2026-07-21")),
            (Lines{"meet S-B -> 2026-07-21", "meet S-A -> null"}));
  // At the end of August S-B's window has closed (flag) while S-A's stays open.
  const PupilResult late = pack.evaluate(pupil_case(records), "2026-08-30");
  EXPECT_EQ(flag_lines(late), Lines{"meet: S-B"});
  EXPECT_EQ(due_lines(late), Lines{"meet S-A -> null"});
  // The open-ended window (2026-07-20, ...) holds a meeting in August: then nothing is due.
  EXPECT_EQ(run(meet_rule(no_meeting), records + meeting("2026-08-03"), "2026-08-30"), "flag");  // S-B only
}

TEST(Deadlines, PendingAndTrueIsPendingPendingAndFalseIsFalse) {
  EXPECT_EQ(run(meet_rule(no_meeting + " and s.days >= 2"), s2, "2025-11-17"), "due 2025-11-20");
  EXPECT_EQ(run(meet_rule(no_meeting + " and s.days > 2"), s2, "2025-11-17"), "none");
  EXPECT_EQ(run(meet_rule("s.days > 2 and " + no_meeting), s2, "2025-11-17"), "none");
}

TEST(Deadlines, PendingOrTrueIsTruePendingOrFalseIsPending) {
  EXPECT_EQ(run(meet_rule(no_meeting + " or s.days >= 2"), s2, "2025-11-17"), "flag");
  EXPECT_EQ(run(meet_rule(no_meeting + " or s.days > 2"), s2, "2025-11-17"), "due 2025-11-20");
}

TEST(Deadlines, NotOfPendingIsPending) {
  const std::string rule = meet_rule("not (" + no_meeting + ")");
  EXPECT_EQ(run(rule, s2, "2025-11-17"), "due 2025-11-20");          // open: unknown
  EXPECT_EQ(run(rule, s2, "2025-11-21"), "none");                    // closed, none found: not true
  EXPECT_EQ(run(rule, s2 + meeting("2025-11-14"), "2025-11-17"), "flag");  // a meeting: `no` false
}

TEST(Deadlines, UnlessTreatsPendingAsUnknown) {
  const std::string rule = meet_rule("s.days >= 1", no_meeting);
  EXPECT_EQ(run(rule, s2, "2025-11-17"), "due 2025-11-20");                // yes and not(pending)
  EXPECT_EQ(run(rule, s2, "2025-11-21"), "none");                          // unless holds
  EXPECT_EQ(run(rule, s2 + meeting("2025-11-14"), "2025-11-17"), "flag");  // unless false
  // A `when` that fails wins over a pending unless.
  EXPECT_EQ(run(meet_rule("s.days > 2", no_meeting), s2, "2025-11-17"), "none");
}

TEST(Deadlines, TheEarliestDeadlineAmongPendingWindows) {
  // Second window: 2025-11-13 + 10 days = 2025-11-23.
  const std::string both = no_meeting + " and no meeting mm within 10 days after s.end";
  EXPECT_EQ(run(meet_rule(both), s2, "2025-11-17"), "due 2025-11-20");  // min(11-20, 11-23)
  EXPECT_EQ(run(meet_rule(both), s2, "2025-11-21"), "due 2025-11-23");  // first closed (true), second open
  EXPECT_EQ(run(meet_rule(both), s2, "2025-11-24"), "flag");
  const std::string either = "no meeting mm within 10 days after s.end or " + no_meeting;
  EXPECT_EQ(run(meet_rule(either), s2, "2025-11-17"), "due 2025-11-20");
}

TEST(Deadlines, ANullDeadlineCountsAsTheLatest) {
  // S ends Mon 2026-07-20: 5 school days is none (null), 3 days is 2026-07-23.
  const std::string s = "  - {kind: suspension, id: S-1, start: 2026-07-20, end: 2026-07-20, days: 1}\n";
  const std::string rule = meet_rule(no_meeting + " and no meeting mm within 3 days after s.end");
  EXPECT_EQ(run(rule, s, "2026-07-21"), "due 2026-07-23");
  EXPECT_EQ(run(rule, s, "2026-07-24"), "due null");  // the dated window has closed; the other stays open
}

TEST(Deadlines, SomeWithinAfterHoldsAsSoonAsOneExists) {
  const std::string rule = meet_rule("some reintegration_meeting m within 5 school days after s.end");
  EXPECT_EQ(run(rule, s2 + meeting("2025-11-14"), "2025-11-14"), "flag");
  EXPECT_EQ(run(rule, s2, "2025-11-17"), "none");  // `some` never pends
}

TEST(Deadlines, ARuleWithoutForEachCanBeDue) {
  TestPack pack(
      "rule meet \"t\"\n  when no reintegration_meeting m within 5 school days after 2025-11-13\n  suggest \"act\"\n");
  EXPECT_EQ(due_lines(pack.evaluate(pupil_case({}), "2025-11-17")), Lines{"meet -> 2025-11-20"});  // no evidence
}

TEST(Deadlines, ADueEntrysEvidenceIsOnlyTheBoundItem) {
  const std::string records = s2 + "  - {kind: incident, id: I-1, date: 2025-11-10}\n";
  TestPack pack(meet_rule("count of incidents >= 1 and " + no_meeting));
  EXPECT_EQ(due_lines(pack.evaluate(pupil_case(records), "2025-11-17")), Lines{"meet S-2 -> 2025-11-20"});
}

TEST(Deadlines, DueEntriesAreOrderedByDeadlineThenRuleThenEvidence) {
  // S-1 ends Thu 11-13 -> 11-20. S-2 ends Wed 11-12 -> Thu 13, Fri 14, Mon 17, Tue 18, Wed 19 -> 11-19.
  // S-10 and S-9 both end Wed 11-12 -> 11-19; evidence compares bytewise: S-10 < S-2 < S-9.
  const std::string records =
      "  - {kind: suspension, id: S-1, start: 2025-11-13, end: 2025-11-13, days: 1}\n"
      "  - {kind: suspension, id: S-2, start: 2025-11-12, end: 2025-11-12, days: 1}\n"
      "  - {kind: suspension, id: S-9, start: 2025-11-12, end: 2025-11-12, days: 1}\n"
      "  - {kind: suspension, id: S-10, start: 2025-11-12, end: 2025-11-12, days: 1}\n";
  const std::string body = "  for each suspension s\n  when " + no_meeting + "\n  suggest \"act\"\n";
  TestPack pack("rule b-rule \"t\"\n" + body + "\nrule a-rule \"t\"\n" + body);
  EXPECT_EQ(due_lines(pack.evaluate(pupil_case(records), "2025-11-17")),
            (Lines{"a-rule S-10 -> 2025-11-19", "a-rule S-2 -> 2025-11-19", "a-rule S-9 -> 2025-11-19",
                   "b-rule S-10 -> 2025-11-19", "b-rule S-2 -> 2025-11-19", "b-rule S-9 -> 2025-11-19",
                   "a-rule S-1 -> 2025-11-20", "b-rule S-1 -> 2025-11-20"}));
}

TEST(Deadlines, AnUnlessThatHoldsWinsOverAPendingWhen) {
  // pending and not(true) = pending and false = false: neither flag nor due.
  EXPECT_EQ(run(meet_rule(no_meeting, "s.days >= 2"), s2, "2025-11-17"), "none");
  // pending and not(pending) = pending, with the earlier deadline (11-20 before 11-23).
  EXPECT_EQ(run(meet_rule(no_meeting, "no meeting mm within 10 days after s.end"), s2, "2025-11-17"),
            "due 2025-11-20");
}

TEST(Deadlines, OverADateList) {
  // RT-1 starts Mon 2025-11-03; 4 weeks after: (11-03, 12-01].
  const std::string rule = "rule r \"t\"\n  for each reduced_timetable rt\n"
                           "  when no rt.reviews within 4 weeks after rt.start\n  suggest \"act\"\n";
  const std::string none = "  - {kind: reduced_timetable, id: RT-1, start: 2025-11-03, hours_per_week: 10}\n";
  EXPECT_EQ(run(rule, none, "2025-11-17"), "due 2025-12-01");
  EXPECT_EQ(run(rule, none, "2025-12-01"), "due 2025-12-01");
  EXPECT_EQ(run(rule, none, "2025-12-02"), "flag");
  // A review dated after the as-of date does not exist yet.
  const std::string later =
      "  - {kind: reduced_timetable, id: RT-1, start: 2025-11-03, hours_per_week: 10, reviews: [2025-11-20]}\n";
  EXPECT_EQ(run(rule, later, "2025-11-17"), "due 2025-12-01");
  EXPECT_EQ(run(rule, later, "2025-11-20"), "none");
}

TEST(Deadlines, DueEntriesDoNotSuggestATier) {
  // suggested_tier is the highest tier among the flags; a due entry is not a flag.
  TestPack pack("rule meet \"t\"\n  for each suspension s\n  when " + no_meeting + "\n  suggest tier 3 \"act\"\n");
  const PupilResult r = pack.evaluate(pupil_case(s2), "2025-11-17");
  EXPECT_EQ(outcome(r), "due 2025-11-20");
  EXPECT_EQ(r.suggested_tier, std::nullopt);
  EXPECT_EQ(pack.evaluate(pupil_case(s2), "2025-11-21").suggested_tier, std::optional<std::int64_t>(3));
}

// ------------------------------------------------------------------ inside filters and aggregates

TEST(Deadlines, InsideAnAggregateAnOpenWindowDoesNotHold) {
  // language.md §5: inside a `where` filter or an aggregate an open window simply does not hold.
  // As of 11-17 S-2's window is open, so the filter is false for S-2: the count is 0.
  const std::string title = "{count of suspensions s where (" + no_meeting + ")}";
  EXPECT_EQ(testing::title_of(title, pupil_case(s2), "2025-11-17"), "0");
  // Closed on 11-21 with no meeting: the filter holds.
  EXPECT_EQ(testing::title_of(title, pupil_case(s2), "2025-11-21"), "1");
}

TEST(Deadlines, InsideAWhereFilterAnOpenWindowNeverPends) {
  const std::string rule =
      "rule r \"t\"\n  when some suspension s where (" + no_meeting + ")\n  suggest \"act\"\n";
  EXPECT_EQ(run(rule, s2, "2025-11-17"), "none");  // neither a flag nor due
  EXPECT_EQ(run(rule, s2, "2025-11-21"), "flag");
  // A for each filter too: no binding while the window is open.
  const std::string each = "rule r \"t\"\n  for each suspension s where (" + no_meeting + ")\n  when s.days > 0\n  suggest \"act\"\n";
  EXPECT_EQ(run(each, s2, "2025-11-17"), "none");
  EXPECT_EQ(run(each, s2, "2025-11-21"), "flag");
}

TEST(Deadlines, InsideAFilterANoneStartDoesNotHold) {
  // An ongoing suspension: the window's start is none, it selects nothing and `no` over it does not hold.
  const std::string ongoing = "  - {kind: suspension, id: S-2, start: 2025-11-12, days: 5}\n";
  EXPECT_EQ(testing::title_of("{count of suspensions s where (" + no_meeting + ")}", pupil_case(ongoing), "2025-11-17"),
            "0");
}

TEST(NoneBounds, NoOverAWindowWithANoneBoundDoesNotHold) {
  // language.md §5: a window with a none bound selects nothing, and `no` over it does not hold.
  // S-2 is ongoing, so s.end is none: `before s.end` and `within 3 days before s.end` have a none bound.
  const std::string ongoing = "  - {kind: suspension, id: S-2, start: 2025-11-12, days: 5}\n";
  EXPECT_EQ(run(meet_rule("no incident i before s.end"), ongoing, "2025-11-17"), "none");
  EXPECT_EQ(run(meet_rule("no incident i within 3 days before s.end"), ongoing, "2025-11-17"), "none");
  EXPECT_EQ(run(meet_rule("no incident i between s.start and s.end"), ongoing, "2025-11-17"), "none");
  // `some` over it is false as well.
  EXPECT_EQ(run(meet_rule("some incident i before s.end"), ongoing + "  - {kind: incident, id: I-1, date: 2025-11-01}\n",
                "2025-11-17"),
            "none");
  // A school-day bound that falls before the loaded calendar is none too: autumn 2024 starts Tue
  // 2024-09-03, so 5 school days before Thu 2024-09-05 (Wed 4, Tue 3, then 2023-24) is none.
  EXPECT_EQ(run(testing::when_rule("no incident i within 5 school days before 2024-09-05"), {}, "2025-11-17"), "none");
  EXPECT_EQ(run(testing::when_rule("no incident i within last 5 school days"), {}, "2024-09-05"), "none");
  EXPECT_EQ(run(testing::when_rule("no incident i within last 2 school days"), {}, "2024-09-05"), "flag");
  EXPECT_EQ(run(testing::when_rule("attendance within last 5 school days is none"),
                {}, "2024-09-05"), "flag");
  // With the end known, the same windows hold for a pupil without incidents.
  EXPECT_EQ(run(meet_rule("no incident i before s.end"), s2, "2025-11-17"), "flag");
}

}  // namespace
}  // namespace waymark::engine
