#pragma once
// Calendar dates as whole days: the one date type of rule files, case records and calendars.
// Used by the parser (date literals), the case model and the evaluator.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace waymark::dsl {

/// A proleptic Gregorian date, stored as days since 1970-01-01 so that arithmetic is integer arithmetic.
class Date {
public:
  constexpr Date() = default;
  static constexpr Date from_days(std::int32_t days) { Date d; d.days_ = days; return d; }
  /// The date of a valid year/month/day, or nothing (2025-02-30 is nothing).
  static std::optional<Date> from_ymd(int year, int month, int day);
  /// Parses exactly `YYYY-MM-DD` (a real date); anything else is nothing.
  static std::optional<Date> parse_iso(std::string_view text);

  constexpr std::int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  /// 0 = Monday ... 6 = Sunday.
  int weekday() const;
  bool is_weekend() const { return weekday() >= 5; }
  std::string iso() const;

  constexpr Date plus_days(std::int32_t n) const { return from_days(days_ + n); }
  /// Calendar months; the day clamps to the month's last day (31 Jan + 1 month = 28/29 Feb).
  Date plus_months(std::int32_t n) const;
  Date plus_years(std::int32_t n) const { return plus_months(12 * n); }
  /// The year in which the academic year containing this date starts (1 September to 31 August).
  int academic_year_start() const { return month() >= 9 ? year() : year() - 1; }

  constexpr auto operator<=>(const Date&) const = default;

private:
  std::int32_t days_ = 0;
};

/// Days from the first date to the second (negative when the second is earlier).
constexpr std::int32_t days_between(Date from, Date to) { return to.days() - from.days(); }

}  // namespace waymark::dsl
