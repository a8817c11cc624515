// The school calendar (case-records.md §3) and time arithmetic (language.md §5), against dates
// counted by hand on the shipped calendars. 2025-09-01 is a Monday.
#include <gtest/gtest.h>

#include <memory>

#include "support.hpp"

namespace waymark::engine {
namespace {

using testing::day;

TEST(Calendar, SchoolDaysAreWeekdaysInTermOutsideBreaksAndClosures) {
  const Calendar c = testing::shipped("2025-26");
  EXPECT_TRUE(c.is_school_day(day("2025-09-03")));   // first day of autumn (Wednesday)
  EXPECT_FALSE(c.is_school_day(day("2025-09-02")));  // before the term
  EXPECT_FALSE(c.is_school_day(day("2025-09-06")));  // Saturday
  EXPECT_FALSE(c.is_school_day(day("2025-10-27")));  // half term
  EXPECT_FALSE(c.is_school_day(day("2025-10-31")));  // last day of half term
  EXPECT_TRUE(c.is_school_day(day("2025-11-03")));
  EXPECT_FALSE(c.is_school_day(day("2026-05-04")));  // bank holiday closure
  EXPECT_TRUE(c.is_school_day(day("2026-05-05")));
  EXPECT_TRUE(c.is_school_day(day("2026-07-22")));   // last day of summer
  EXPECT_FALSE(c.is_school_day(day("2026-07-23")));
  EXPECT_FALSE(c.is_school_day(day("2024-10-01")));  // not covered
}

TEST(Calendar, ShippedYearsHaveTheHandCountedNumberOfSchoolDays) {
  // 2025-26: autumn 3+35+35 = 73, spring 55, summer 15+4+10+35+3 = 67.
  EXPECT_EQ(testing::shipped("2025-26").count_school_days({day("2025-09-01"), day("2026-08-31")}), 195u);
  // 2024-25: autumn 4+35+35 = 74, spring 60, summer 4+5+4+10+35+2 = 60.
  EXPECT_EQ(testing::shipped("2024-25").count_school_days({day("2024-09-01"), day("2025-08-31")}), 194u);
  // September 2025: 3 + 5 + 5 + 5 + 2.
  EXPECT_EQ(testing::shipped("2025-26").count_school_days({day("2025-09-01"), day("2025-09-30")}), 20u);
}

TEST(Calendar, AddsSchoolDaysStrictlyAfterAcrossWeekends) {
  const Calendar c = testing::shipped("2025-26");
  EXPECT_EQ(c.add_school_days(day("2025-09-05"), 1), day("2025-09-08"));  // Friday + 1 = Monday
  EXPECT_EQ(c.add_school_days(day("2025-09-06"), 1), day("2025-09-08"));  // from a Saturday
  EXPECT_EQ(c.add_school_days(day("2025-09-07"), 1), day("2025-09-08"));  // from a Sunday
  EXPECT_EQ(c.add_school_days(day("2025-09-08"), 1), day("2025-09-09"));
  EXPECT_EQ(c.add_school_days(day("2025-09-08"), 0), day("2025-09-08"));
  // The spec's examples: S-1 ended Wed 8 Oct, window to Wed 15 Oct; S-2 ended Thu 13 Nov, due Thu 20 Nov.
  EXPECT_EQ(c.add_school_days(day("2025-10-08"), 5), day("2025-10-15"));
  EXPECT_EQ(c.add_school_days(day("2025-11-13"), 5), day("2025-11-20"));
}

TEST(Calendar, SkipsHalfTermsAndClosures) {
  const Calendar c = testing::shipped("2025-26");
  EXPECT_EQ(c.add_school_days(day("2025-10-24"), 1), day("2025-11-03"));  // over half term
  EXPECT_EQ(c.add_school_days(day("2025-10-29"), 1), day("2025-11-03"));  // from inside half term
  EXPECT_EQ(c.add_school_days(day("2025-11-03"), -1), day("2025-10-24"));
  EXPECT_EQ(c.add_school_days(day("2025-10-29"), -1), day("2025-10-24"));
  EXPECT_EQ(c.add_school_days(day("2026-05-01"), 1), day("2026-05-05"));  // over the May bank holiday
  EXPECT_EQ(c.add_school_days(day("2026-05-05"), -1), day("2026-05-01"));
  EXPECT_EQ(c.add_school_days(day("2026-05-22"), 1), day("2026-06-01"));  // over the summer half term
  EXPECT_EQ(c.add_school_days(day("2025-12-19"), 1), day("2026-01-05"));  // over Christmas
  EXPECT_EQ(c.add_school_days(day("2025-09-03"), 20), day("2025-10-01"));  // 20 after Wed 3 Sep: Wed 1 Oct
}

TEST(Calendar, SchoolDaysBeyondTheLoadedCalendarAreNone) {
  const Calendar c = testing::shipped("2025-26");
  EXPECT_EQ(c.add_school_days(day("2026-07-21"), 1), day("2026-07-22"));
  EXPECT_EQ(c.add_school_days(day("2026-07-22"), 1), std::nullopt);
  EXPECT_EQ(c.add_school_days(day("2025-09-03"), -1), std::nullopt);
  // From uncovered August into September: the August days counted over are not covered.
  EXPECT_EQ(c.add_school_days(day("2025-08-20"), 1), std::nullopt);
  const Calendar both = testing::shipped_both();
  EXPECT_EQ(both.add_school_days(day("2025-08-20"), 1), day("2025-09-03"));
  EXPECT_EQ(both.add_school_days(day("2025-09-03"), -1), day("2025-07-22"));
  EXPECT_EQ(both.add_school_days(day("2025-07-22"), 1), day("2025-09-03"));
}

TEST(Calendar, AGapYearMakesSchoolDaysAcrossItNone) {
  Calendar c = testing::shipped("2024-25");
  c.merge(testing::calendar_from(R"(calendar: later
years:
  - year: 2026-27
    terms:
      - {name: autumn, start: 2026-09-02, end: 2026-12-18}
)"));
  EXPECT_TRUE(c.is_covered(day("2025-07-22")));
  EXPECT_FALSE(c.is_covered(day("2025-09-03")));
  EXPECT_EQ(c.add_school_days(day("2025-07-22"), 1), std::nullopt);
  EXPECT_EQ(c.add_school_days(day("2026-09-02"), -1), std::nullopt);
  EXPECT_EQ(c.add_school_days(day("2026-09-02"), 1), day("2026-09-03"));
}

TEST(Calendar, CoverageIsByAcademicYear) {
  const Calendar c = testing::shipped("2025-26");
  EXPECT_FALSE(c.is_covered(day("2025-08-31")));
  EXPECT_TRUE(c.is_covered(day("2025-09-01")));
  EXPECT_TRUE(c.is_covered(day("2026-08-31")));
  EXPECT_FALSE(c.is_covered(day("2026-09-01")));
  EXPECT_TRUE(c.covers({day("2025-09-01"), day("2026-08-31")}));
  EXPECT_FALSE(c.covers({day("2025-08-31"), day("2025-09-01")}));
  EXPECT_FALSE(Calendar().is_covered(day("2025-09-01")));
}

TEST(Calendar, CalendarArithmeticClampsMonthEnds) {
  const Calendar c;
  EXPECT_EQ(c.add(day("2025-01-31"), 1, DurationUnit::months), day("2025-02-28"));
  EXPECT_EQ(c.add(day("2024-01-31"), 1, DurationUnit::months), day("2024-02-29"));
  EXPECT_EQ(c.add(day("2025-03-31"), -1, DurationUnit::months), day("2025-02-28"));
  EXPECT_EQ(c.add(day("2025-08-31"), 1, DurationUnit::months), day("2025-09-30"));
  EXPECT_EQ(c.add(day("2024-02-29"), 1, DurationUnit::years), day("2025-02-28"));
  EXPECT_EQ(c.add(day("2025-11-17"), -4, DurationUnit::weeks), day("2025-10-20"));
  EXPECT_EQ(c.add(day("2025-11-17"), -70, DurationUnit::days), day("2025-09-08"));
  EXPECT_EQ(c.add(day("2025-12-31"), 1, DurationUnit::days), day("2026-01-01"));
  EXPECT_EQ(c.add(day("2025-11-17"), 1, DurationUnit::school_days), std::nullopt);  // no calendar loaded
}

TEST(Calendar, ThisTermContainsTodayOrIsTheLatestStartedInAHoliday) {
  const Calendar c = testing::shipped("2025-26");
  auto t = c.this_term(day("2025-11-17"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "autumn");
  EXPECT_EQ(t->year, "2025-26");
  EXPECT_EQ(t->dates, (DateWindow{day("2025-09-03"), day("2025-12-19")}));
  EXPECT_EQ(c.this_term(day("2025-10-29"))->name, "autumn");  // half term is inside the term's dates
  EXPECT_EQ(c.this_term(day("2025-09-03"))->name, "autumn");  // its first day
  EXPECT_EQ(c.this_term(day("2025-12-19"))->name, "autumn");  // its last day
  EXPECT_EQ(c.this_term(day("2025-12-25"))->name, "autumn");  // Christmas holiday
  EXPECT_EQ(c.this_term(day("2026-01-05"))->name, "spring");
  EXPECT_EQ(c.this_term(day("2026-08-15"))->name, "summer");  // summer holiday
  EXPECT_EQ(c.this_term(day("2025-09-02")), std::nullopt);    // before any loaded term
  EXPECT_EQ(c.previous_term(day("2025-11-17")), std::nullopt);
  EXPECT_EQ(c.previous_term(day("2026-01-05"))->name, "autumn");
  EXPECT_EQ(c.previous_term(day("2026-04-12"))->name, "autumn");  // Easter holiday: this term is spring
}

TEST(Calendar, TermsRunAcrossLoadedYears) {
  const Calendar c = testing::shipped_both();
  auto previous = c.previous_term(day("2025-11-17"));
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->year, "2024-25");
  EXPECT_EQ(previous->name, "summer");
  EXPECT_EQ(previous->dates, (DateWindow{day("2025-04-22"), day("2025-07-22")}));
  EXPECT_EQ(c.this_term(day("2025-09-02"))->year, "2024-25");  // in the holiday before autumn 2025
}

TEST(Calendar, AcademicYearsRunSeptemberToAugust) {
  EXPECT_EQ(academic_year_of(day("2025-08-31")), (DateWindow{day("2024-09-01"), day("2025-08-31")}));
  EXPECT_EQ(academic_year_of(day("2025-09-01")), (DateWindow{day("2025-09-01"), day("2026-08-31")}));
  EXPECT_EQ(previous_academic_year_of(day("2025-11-17")), (DateWindow{day("2024-09-01"), day("2025-08-31")}));
  EXPECT_EQ(previous_academic_year_of(day("2026-01-01")), (DateWindow{day("2024-09-01"), day("2025-08-31")}));
}

TEST(Calendar, APackCalendarReplacesYearsOfTheSameName) {
  Calendar c = testing::shipped_both();
  c.merge(testing::calendar_from(R"(calendar: herts-2025-26
years:
  - year: 2025-26
    terms:
      - {name: autumn, start: 2025-09-04, end: 2025-12-19, breaks: [[2025-10-20, 2025-10-24]]}
)"));
  EXPECT_EQ(c.name(), "herts-2025-26");
  EXPECT_FALSE(c.is_school_day(day("2025-09-03")));
  EXPECT_TRUE(c.is_school_day(day("2025-09-04")));
  EXPECT_FALSE(c.is_school_day(day("2025-10-20")));
  EXPECT_TRUE(c.is_school_day(day("2025-10-27")));
  EXPECT_FALSE(c.is_school_day(day("2026-01-05")));        // the replacement has no spring term
  EXPECT_TRUE(c.is_school_day(day("2025-04-22")));         // 2024-25 kept
  EXPECT_EQ(c.years().size(), 2u);
  EXPECT_EQ(c.add_school_days(day("2025-07-22"), 1), day("2025-09-04"));
}

TEST(Calendar, TheShipped2025YearAgreesWithTheSpecExample) {
  const Calendar example = testing::calendar_from(
      testing::read_text(std::string(WAYMARK_SOURCE_ROOT) + "/tests/fixtures/spec/pack/calendar.yaml"));
  const Calendar shipped = testing::shipped("2025-26");
  EXPECT_TRUE(std::equal(example.school_days().begin(), example.school_days().end(), shipped.school_days().begin(),
                         shipped.school_days().end()));
}

TEST(Calendar, ACopyKeepsItsOwnTermNames) {
  // Terms are held by position, so a copy outlives the calendar it was copied from (run under ASan).
  auto source = std::make_unique<Calendar>(testing::shipped("2025-26"));
  const Calendar copy = *source;
  Calendar moved = std::move(*source);
  source.reset();
  EXPECT_EQ(copy.this_term(day("2025-11-17"))->name, "autumn");
  EXPECT_EQ(copy.this_term(day("2025-11-17"))->year, "2025-26");
  EXPECT_EQ(moved.previous_term(day("2026-01-05"))->name, "autumn");
}

TEST(Calendar, SchoolDaysBeforeIsAPrefixCount) {
  const Calendar c = testing::shipped("2025-26");
  EXPECT_EQ(c.school_days_before(day("2025-09-03")), 0u);
  EXPECT_EQ(c.school_days_before(day("2025-09-04")), 1u);
  EXPECT_EQ(c.school_days_before(day("2025-09-08")), 3u);
  EXPECT_EQ(c.school_days_before(day("2030-01-01")), 195u);
  EXPECT_EQ(c.school_days_before(day("2000-01-01")), 0u);
}

}  // namespace
}  // namespace waymark::engine
