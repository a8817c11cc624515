#pragma once
// The school calendar (case-records.md §3): terms, breaks and closures per academic year, and the
// time arithmetic of language.md §5 that needs it. Loaded from YAML; used by the evaluator, which
// calls school-day arithmetic millions of times, so every query is O(1) or O(log n).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/diagnostic.hpp"

namespace waymark::engine {

/// An inclusive range of dates [from, to].
struct DateWindow {
  dsl::Date from;
  dsl::Date to;
  bool contains(dsl::Date d) const { return from <= d && d <= to; }
  friend bool operator==(const DateWindow&, const DateWindow&) = default;
};

/// A term: its dates (inclusive) and its breaks (half terms), which are not school days.
struct Term {
  std::string name;
  DateWindow dates;
  std::vector<DateWindow> breaks;
};

/// One academic year of a calendar, named `2025-26`.
struct CalendarYear {
  std::string name;
  int start_year = 0;  // 2025 for 2025-26: the year runs 1 September 2025 to 31 August 2026
  std::vector<Term> terms;  // in date order, not overlapping
  std::vector<dsl::Date> closures;  // bank holidays and INSET days, sorted
};

/// A term of a calendar, as selected by `this term` / `previous term`; the names point into the
/// calendar, so they are valid while it lives unchanged.
struct TermWindow {
  std::string_view year;  // the academic year's name
  std::string_view name;
  DateWindow dates;
};

/// Units of a duration (language.md §2).
enum class DurationUnit { days, weeks, months, years, school_days, school_weeks };

/// The academic year (1 September to 31 August) containing `day`; needs no calendar (language.md §5).
DateWindow academic_year_of(dsl::Date day);
/// The academic year before the one containing `day`.
DateWindow previous_academic_year_of(dsl::Date day);

/// The school calendar: years of terms, with a precomputed index of school days.
class Calendar {
public:
  Calendar() = default;
  /// A calendar of these years (each already validated); a later year of the same name replaces an earlier one.
  Calendar(std::string name, std::vector<CalendarYear> years);

  const std::string& name() const { return name_; }
  /// The loaded years, in date order.
  const std::vector<CalendarYear>& years() const { return years_; }
  /// Adds `overlay`'s years, replacing years of the same name (case-records.md §3: a pack's calendar wins).
  void merge(const Calendar& overlay);

  /// True when the academic year containing `day` is loaded (case-records.md §3).
  bool is_covered(dsl::Date day) const;
  /// True when every date of the window is covered.
  bool covers(DateWindow window) const;
  /// A Monday to Friday inside a term, outside its breaks, not a closure; false when not covered.
  bool is_school_day(dsl::Date day) const;
  /// The Nth school day strictly after `from` (n > 0) or strictly before it (n < 0); `from` itself when
  /// n is 0. None when the days counted leave the loaded calendar (language.md §5).
  std::optional<dsl::Date> add_school_days(dsl::Date from, std::int64_t n) const;
  /// `T + N school weeks` (version 2): the same weekday as `from` in the Nth school week after its week
  /// (a school week is a week, Monday to Sunday, with at least one school day; weeks without one are
  /// skipped); backwards for n < 0. None when that leaves the loaded calendar.
  std::optional<dsl::Date> add_school_weeks(dsl::Date from, std::int64_t n) const;
  /// The Monday of the Nth most recent school week on `today` (n >= 1), the week containing today
  /// counting as the first when it has a school day on or before today: the start of `within last N
  /// school weeks`. None when the loaded calendar holds too few.
  std::optional<dsl::Date> school_weeks_back(dsl::Date today, std::int64_t n) const;
  /// Mondays of every school week of the loaded years, in order.
  std::span<const dsl::Date> school_weeks() const { return school_weeks_; }
  /// `from` plus a duration of any unit; only school days and school weeks can be none.
  std::optional<dsl::Date> add(dsl::Date from, std::int64_t n, DurationUnit unit) const;
  /// Number of school days strictly before `day` (O(1)).
  std::size_t school_days_before(dsl::Date day) const;
  /// Number of school days in the window (inclusive).
  std::size_t count_school_days(DateWindow window) const;
  /// Every school day of the loaded years, in order.
  std::span<const dsl::Date> school_days() const { return school_days_; }

  /// `this term` on `today`: the term containing it, or in a holiday the latest term that started before it.
  std::optional<TermWindow> this_term(dsl::Date today) const;
  /// `previous term`: the term before this term.
  std::optional<TermWindow> previous_term(dsl::Date today) const;
  /// The start of `in last N terms` (n >= 1): the first day of the term N-1 terms before this term.
  std::optional<dsl::Date> last_terms_start(dsl::Date today, std::int64_t n) const;
  /// The last date the loaded calendars cover (31 August of the last academic year), if any.
  std::optional<dsl::Date> last_covered() const;

private:
  void rebuild();
  std::optional<std::size_t> term_index(dsl::Date today) const;
  TermWindow window(std::size_t index) const;

  // A term by position, not by pointer or view: a Calendar is copied and moved as a value.
  struct TermAt {
    std::uint32_t year = 0;
    std::uint32_t term = 0;
    DateWindow dates;
  };

  std::string name_;
  std::vector<CalendarYear> years_;
  std::vector<int> covered_years_;           // sorted start years
  std::vector<TermAt> terms_;                // every term of every year, by start date
  std::vector<dsl::Date> school_days_;       // sorted
  std::vector<dsl::Date> school_weeks_;      // the Monday of each week holding a school day, sorted
  dsl::Date first_;                          // 1 September of the first loaded year
  std::vector<std::uint32_t> before_;        // school days before first_ + i, for i in [0, span]
  std::vector<std::uint8_t> is_school_;      // 1 when first_ + i is a school day
};

/// `check`'s warning `calendar-ending` (case-records.md §3) when the loaded calendars end within the
/// next 12 weeks of `today` (or already have), so that an LA adds the next year before runs stop.
void warn_if_calendar_ends_soon(const Calendar& calendar, dsl::Date today, dsl::Diagnostics& diagnostics);

/// Reads a calendar file (case-records.md §3), strictly: every problem is a diagnostic with its line
/// and column, and then nothing is returned.
std::optional<Calendar> load_calendar(const dsl::SourceSet& sources, dsl::FileId file, dsl::Diagnostics& diagnostics);

}  // namespace waymark::engine
