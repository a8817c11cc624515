// Calendar files are checked strictly (case-records.md §3): each problem is a diagnostic with its
// line and column (counted by hand below), and a calendar with any problem is not loaded.
#include <gtest/gtest.h>

#include "support.hpp"

namespace waymark::engine {
namespace {

std::string first_error(const std::string& text) {
  dsl::SourceSet sources;
  const auto file = sources.add("calendar.yaml", text);
  dsl::Diagnostics d;
  const auto calendar = load_calendar(sources, file, d);
  EXPECT_FALSE(calendar.has_value());
  const std::string rendered = render_text(d.sorted(), sources);
  return rendered.substr(0, rendered.find('\n'));
}

std::string year(const std::string& name, const std::string& terms, const std::string& extra = "") {
  return "calendar: test\nyears:\n  - year: " + name + "\n    terms:\n" + terms + extra;
}

const std::string autumn = "      - {name: autumn, start: 2025-09-03, end: 2025-12-19}\n";

TEST(CalendarFile, RejectsAYearThatIsNotTwoConsecutiveYears) {
  EXPECT_EQ(first_error(year("2025-27", autumn)),
            "calendar.yaml:3:11: error: the year '2025-27' is not an academic year: write the two calendar years it "
            "spans, e.g. 2025-26 [invalid-year]");
  EXPECT_EQ(first_error(year("2025", autumn)).substr(0, 31), "calendar.yaml:3:11: error: the ");
}

TEST(CalendarFile, RejectsATermEndingBeforeItStarts) {
  // `      - {name: autumn, start: 2025-09-03, end: ` is 47 characters: the end date is at column 48.
  EXPECT_EQ(first_error(year("2025-26", "      - {name: autumn, start: 2025-09-03, end: 2025-09-01}\n")),
            "calendar.yaml:5:48: error: the term 'autumn' ends (2025-09-01) before it starts (2025-09-03) [end-before-start]");
}

TEST(CalendarFile, RejectsATermOutsideItsAcademicYear) {
  EXPECT_EQ(first_error(year("2025-26", "      - {name: autumn, start: 2025-08-28, end: 2025-12-19}\n")),
            "calendar.yaml:5:31: error: the term 'autumn' runs outside the academic year 2025-26 (1 September 2025 "
            "to 31 August 2026) [outside-year]");
}

TEST(CalendarFile, RejectsOverlappingTerms) {
  EXPECT_EQ(first_error(year("2025-26", autumn + "      - {name: spring, start: 2025-12-19, end: 2026-03-27}\n")),
            "calendar.yaml:6:31: error: the term 'spring' starts on or before the end of 'autumn' (2025-12-19): list "
            "terms in date order, without overlaps [overlapping-terms]");
}

TEST(CalendarFile, RejectsABreakOutsideItsTerm) {
  // `      - {name: autumn, start: 2025-09-03, end: 2025-12-19, breaks: [` is 68 characters.
  EXPECT_EQ(first_error(year("2025-26",
                             "      - {name: autumn, start: 2025-09-03, end: 2025-12-19, breaks: [[2025-12-20, 2025-12-31]]}\n")),
            "calendar.yaml:5:69: error: the break 2025-12-20 to 2025-12-31 is not inside the term 'autumn' (2025-09-03 "
            "to 2025-12-19) [outside-term]");
}

TEST(CalendarFile, RejectsABreakThatIsNotAPair) {
  EXPECT_EQ(first_error(year("2025-26", "      - {name: autumn, start: 2025-09-03, end: 2025-12-19, breaks: [2025-10-27]}\n")),
            "calendar.yaml:5:69: error: a break is a pair [first day, last day], e.g. [2025-10-27, 2025-10-31] [wrong-shape]");
}

TEST(CalendarFile, RejectsUnknownKeysWithASuggestion) {
  EXPECT_EQ(first_error(year("2025-26", autumn, "    closure: [2025-11-03]\n")),
            "calendar.yaml:6:5: error: unknown key 'closure' in a calendar year; did you mean 'closures'? (expected one "
            "of: year, terms, closures) [unknown-key]");
}

TEST(CalendarFile, RejectsBadAndOutOfYearClosures) {
  EXPECT_EQ(first_error(year("2025-26", autumn, "    closures: [2025-11-31]\n")),
            "calendar.yaml:6:16: error: 'closures' is not a real date: check the month and day [invalid-date]");
  EXPECT_EQ(first_error(year("2025-26", autumn, "    closures: [2026-09-01]\n")),
            "calendar.yaml:6:16: error: the closure 2026-09-01 is not in the academic year 2025-26 (1 September 2025 to "
            "31 August 2026) [outside-year]");
}

TEST(CalendarFile, RejectsAYearGivenTwice) {
  const std::string text = year("2025-26", autumn) + "  - year: 2025-26\n    terms:\n" + autumn;
  EXPECT_EQ(first_error(text), "calendar.yaml:6:11: error: the year 2025-26 appears twice in this calendar; keep one [duplicate-year]");
}

TEST(CalendarFile, RejectsAMissingNameAndYears) {
  EXPECT_EQ(first_error("years: []\n"),
            "calendar.yaml:1:1: error: a calendar needs a name: calendar: england-2025-26 [missing-key]");
  EXPECT_EQ(first_error("calendar: x\n"),
            "calendar.yaml:1:1: error: a calendar needs 'years': a list of academic years, each with 'year: 2025-26' and "
            "its terms [missing-key]");
}

}  // namespace
}  // namespace waymark::engine
