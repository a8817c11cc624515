#include "waymark/dsl/date.hpp"

#include <array>
#include <cstdio>

namespace waymark::dsl {
namespace {

// Howard Hinnant's civil-date algorithms (public domain): exact for the proleptic Gregorian calendar.
constexpr std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil { int year; unsigned month; unsigned day; };

constexpr Civil civil_from_days(std::int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned last_day_of(int y, unsigned m) {
  static constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

}  // namespace

std::optional<Date> Date::from_ymd(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > last_day_of(year, static_cast<unsigned>(month))) return std::nullopt;
  return from_days(days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::parse_iso(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lengths[p]; ++i) {
      const char c = t[static_cast<std::size_t>(starts[p] + i)];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  return from_ymd(parts[0], parts[1], parts[2]);
}

int Date::year() const { return civil_from_days(days_).year; }
int Date::month() const { return static_cast<int>(civil_from_days(days_).month); }
int Date::day() const { return static_cast<int>(civil_from_days(days_).day); }

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  const int w = (days_ + 3) % 7;
  return w < 0 ? w + 7 : w;
}

std::string Date::iso() const {
  const Civil c = civil_from_days(days_);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buffer;
}

Date Date::plus_months(std::int32_t n) const {
  const Civil c = civil_from_days(days_);
  const long total = static_cast<long>(c.year) * 12 + static_cast<long>(c.month - 1) + n;
  const int y = static_cast<int>(total >= 0 ? total / 12 : (total - 11) / 12);
  const unsigned m = static_cast<unsigned>(total - static_cast<long>(y) * 12) + 1;
  const unsigned d = std::min(c.day, last_day_of(y, m));
  return from_days(days_from_civil(y, m, d));
}

}  // namespace waymark::dsl
