// The pupil timeline (report/timeline.hpp): what it says in words, and where known dates land, with
// every position worked out by hand from the scale (x = 120 + 820 * days since the window's start / span).

#include <gtest/gtest.h>

#include "../engine/support.hpp"
#include "waymark/report/html.hpp"
#include "waymark/report/timeline.hpp"

namespace waymark::report {
namespace {

using engine::testing::day;

// Two INSET days, then a week present, a week with five of ten sessions missed (N), then present.
const char* const case_text = R"(pupil:
  id: P-900
  school: Oakfield Academy
records:
  - {kind: reduced_timetable, id: RT-1, start: 2025-09-15, hours_per_week: 15}
  - {kind: suspension, id: S-2, start: 2025-10-06, end: 2025-10-08, days: 3}
  - {kind: meeting, id: MT-1, date: 2025-10-13, type: pep}
attendance:
  - from: 2025-09-01
    marks: '-- -- /\ /\ /\ -- -- | NN NN N\ /\ /\ -- -- | /\ /\ /\ /\ /\ -- --'
)";

struct Fixture {
  engine::Caseload caseload;
  engine::PupilResult result;
  engine::Calendar calendar = engine::testing::shipped("2025-26");
  Fixture() {
    const auto loaded = engine::testing::load_yaml(case_text);
    EXPECT_TRUE(loaded.ok) << loaded.diagnostics;
    caseload = loaded.caseload;
    result.id = "P-900";
    // Flag 1: a missed deadline, named in a condition that held.
    engine::Flag deadline;
    deadline.title = "Part-time timetable not reviewed <in time>";
    deadline.severity = dsl::SeverityLevel::high;
    deadline.evidence = {"RT-1"};
    engine::ExplanationNode when;
    when.result = engine::Truth::of(true);
    // As `explain` words it; 2025-11-17 is the as-of date, which closes every window and is skipped.
    when.facts = {"rt is RT-1 (2025-09-15), 9 weeks before 2025-11-17",
                  "none found from 2025-10-20 to 2025-11-17; the latest is none"};
    deadline.explanation.when = when;
    // Flag 2: no dates in its facts: it sits at its first evidence record, S-2 (6 October).
    engine::Flag suspension;
    suspension.title = "Suspension not notified";
    suspension.evidence = {"S-2"};
    result.flags = {deadline, suspension};
    engine::DueEntry due;
    due.title = "Reintegration meeting";
    due.deadline = day("2025-11-20");
    result.due = {due};
  }
  const engine::Pupil& pupil() const { return caseload.pupils.at(0); }
};

TEST(Timeline, ZoomsFromTheFirstMonthWithAnythingToTheMonthAfterTheAsOfWeek) {
  const Fixture f;
  // Attendance starts on 1 September; a week after 17 November is 24 November, in November.
  const engine::DateWindow w = timeline_window(f.result, f.pupil(), day("2025-11-17"), engine::testing::england());
  EXPECT_EQ(w.from, day("2025-09-01"));
  EXPECT_EQ(w.to, day("2025-11-30"));
  // As of 1 October with no flags or due entries, a later window would start at the same place, and
  // a due deadline 14 weeks away does not stretch it: the end stays in the as-of month (+7 days).
  engine::PupilResult quiet;
  engine::DueEntry far;
  far.deadline = day("2026-01-08");  // 14 weeks after 2 October
  quiet.due = {far};
  const engine::DateWindow q = timeline_window(quiet, f.pupil(), day("2025-10-02"), engine::testing::england());
  EXPECT_EQ(q.to, day("2025-10-31"));
}

TEST(Timeline, PlacesKnownDatesWhereTheScaleSays) {
  // Window 1 September to 30 November 2025: span 30 + 31 + 29 = 90 days.
  const TimelineScale s{{day("2025-09-01"), day("2025-11-30")}};
  EXPECT_DOUBLE_EQ(s.x(day("2025-09-01")), 120.0);
  EXPECT_NEAR(s.x(day("2025-10-01")), 120 + 820.0 * 30 / 90, 1e-9);  // 393.33
  EXPECT_NEAR(s.x(day("2025-11-17")), 120 + 820.0 * 77 / 90, 1e-9);  // 821.56
  EXPECT_DOUBLE_EQ(s.x(day("2025-08-01")), 120.0);   // clamped to the start
  EXPECT_DOUBLE_EQ(s.x(day("2026-01-01")), 940.0);   // clamped to the end
}

TEST(Timeline, LabelsRecordsInWords) {
  const Fixture f;
  const auto& records = f.pupil().records;  // sorted: RT-1, S-2, MT-1
  EXPECT_EQ(record_label(records[0], engine::testing::england()), "Part-time timetable RT-1");
  EXPECT_EQ(record_label(records[1], engine::testing::england()), "Suspension S-2, 3 days");
  EXPECT_EQ(record_label(records[2], engine::testing::england()), "Meeting MT-1, pep");
}

TEST(Timeline, PutsFlagsWhereTheirBreachHappened) {
  const Fixture f;
  EXPECT_EQ(flag_date(f.result.flags[0], f.pupil(), day("2025-11-17")), day("2025-10-20"));  // the latest date in its facts
  EXPECT_EQ(flag_date(f.result.flags[1], f.pupil(), day("2025-11-17")), day("2025-10-06"));  // S-2's start
  // As of 19 October the 20 October date is in the future: the latest earlier date is 15 September.
  EXPECT_EQ(flag_date(f.result.flags[0], f.pupil(), day("2025-10-19")), day("2025-09-15"));
  // As of 15 September nothing is earlier: the first evidence record, RT-1 (15 September itself).
  EXPECT_EQ(flag_date(f.result.flags[0], f.pupil(), day("2025-09-15")), day("2025-09-15"));
}

TEST(Timeline, DrawsTheYearWithAxisLegendLanesFlagsAndDeadlines) {
  const Fixture f;
  const std::string svg = timeline_svg(f.result, f.pupil(), day("2025-11-17"), f.calendar, engine::testing::england(), "t");
  auto has = [&](const std::string& s) { return svg.find(s) != std::string::npos; };
  EXPECT_EQ(svg.rfind("<svg class=\"timeline\"", 0), 0u);
  EXPECT_TRUE(has("aria-labelledby=\"t-title t-desc\""));
  EXPECT_TRUE(has("<title id=\"t-title\">Timeline from 1 September 2025 to 30 November 2025</title>"));
  // Month ticks at x = 120 + 820 * days / 90: 1 October (30 days) 393.3, 1 November (61 days) 675.8.
  EXPECT_TRUE(has("<line class=\"tick\" x1=\"120\""));
  EXPECT_TRUE(has("<line class=\"tick\" x1=\"393.3\""));
  EXPECT_TRUE(has("<line class=\"tick\" x1=\"675.8\""));
  EXPECT_TRUE(has(">Sep 2025</text>"));
  EXPECT_TRUE(has(">Oct</text>"));
  EXPECT_TRUE(has(">Nov</text>"));
  // The legend names every mark in words.
  for (const char* word : {"absence (share of week)", "episode", "ongoing", "event", "flag (number in the list)",
                           "due deadline", "as-of date"}) {
    EXPECT_TRUE(has(std::string(">") + word + "</text>")) << word;
  }
  // Episodes in words. S-2 runs 6 October (35 days: 438.9) to the end of 8 October (38 days: 466.2),
  // 27.3 wide; RT-1 is ongoing, so it is dashed and says so.
  EXPECT_TRUE(has("<rect x=\"438.9\" y=\"143\" width=\"27.3\""));
  EXPECT_TRUE(has(">Suspension S-2, 3 days</text>"));
  EXPECT_TRUE(has(">Part-time timetable RT-1 (ongoing)</text>"));
  EXPECT_TRUE(has("<title>Part-time timetable RT-1, from 15 September 2025, ongoing</title>"));
  EXPECT_TRUE(has(">Meeting MT-1, pep</text>"));
  // Week of 8 September: 5 of 10 sessions missed, a bar 40 * 0.5 = 20 high from the baseline at 106
  // (y 86), from 8 September (7 days: 183.8) to 13 September (12 days: 229.3) less 1: 44.6 wide.
  EXPECT_TRUE(has("<rect class=\"absence\" x=\"183.8\" y=\"86\" width=\"44.6\" height=\"20\""));
  EXPECT_TRUE(has("<title>Week of 8 September 2025: 5 of 10 sessions missed</title>"));
  // Flag 1 at 20 October (49 days: 566.4), flag 2 at 6 October (438.9), numbered as in the list.
  EXPECT_TRUE(has("<circle cx=\"566.4\""));
  EXPECT_TRUE(has("<circle cx=\"438.9\""));
  EXPECT_TRUE(has("<title>Flag 1: Part-time timetable not reviewed &lt;in time&gt; (high), 20 October 2025</title>"));
  EXPECT_TRUE(has("<title>Flag 2: Suspension not notified (medium), 6 October 2025</title>"));
  // The due deadline ahead of today (80 days: 848.9), dashed, and the as-of line (77 days: 821.6).
  EXPECT_TRUE(has("<line x1=\"848.9\" x2=\"848.9\""));
  EXPECT_TRUE(has(">due 20 Nov</text>"));
  EXPECT_TRUE(has("<line class=\"as-of\" x1=\"821.6\""));
  EXPECT_TRUE(has(">as of 17 Nov</text>"));
  EXPECT_FALSE(has("<in time>"));  // escaped everywhere
}

TEST(Timeline, IsTheSameBytesEveryTime) {
  const Fixture f;
  EXPECT_EQ(timeline_svg(f.result, f.pupil(), day("2025-11-17"), f.calendar, engine::testing::england()),
            timeline_svg(f.result, f.pupil(), day("2025-11-17"), f.calendar, engine::testing::england()));
}

TEST(Html, EscapesEveryMarkupCharacterAndWritesDatesInWords) {
  EXPECT_EQ(escape_html("<a href=\"x\">Tom & Jo's</a>"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jo&#39;s&lt;/a&gt;");
  EXPECT_EQ(long_date(day("2025-11-17")), "17 November 2025");
  EXPECT_EQ(short_date(day("2026-02-01")), "1 Feb");
}

}  // namespace
}  // namespace waymark::report
