#include "waymark/engine/attendance.hpp"

#include <algorithm>

#include "waymark/engine/calendar.hpp"

namespace waymark::engine {
namespace {

constexpr std::uint8_t not_recorded_bin = 5;

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ignored(char c) { return c == ' ' || c == '|' || c == '\t' || c == '\n' || c == '\r'; }

// The length of the UTF-8 sequence starting at `c`, so a stray non-ASCII character is one token.
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

AttendanceCodes::AttendanceCodes(const dsl::Vocabulary& vocabulary) {
  single_.fill(not_recorded);
  pair_.fill(not_recorded);
  bins_.fill(not_recorded_bin);
  const auto& table = vocabulary.attendance_codes();
  for (std::size_t i = 0; i < table.size() && i < not_recorded; ++i) {
    const std::string& c = table[i].code;
    const auto index = static_cast<std::uint8_t>(i);
    if (c.size() == 1) {
      single_[static_cast<unsigned char>(c[0])] = index;
    } else if (c.size() == 2 && is_upper(c[0]) && is_digit(c[1])) {
      pair_[static_cast<std::size_t>((c[0] - 'A') * 10 + (c[1] - '0'))] = index;
    }
    bins_[index] = static_cast<std::uint8_t>(table[i].classification);
    codes_.push_back(c);
  }
}

CodeSet AttendanceCodes::set_of(const std::vector<std::string>& list) const {
  CodeSet out{};
  for (const std::string& c : list) {
    if (const auto b = find(c)) out[*b] = true;
  }
  return out;
}

dsl::AttendanceClass AttendanceCodes::classification(std::uint8_t session) const {
  const std::uint8_t b = bins_[session];
  return b == not_recorded_bin ? dsl::AttendanceClass::not_possible : static_cast<dsl::AttendanceClass>(b);
}

std::string_view AttendanceCodes::code(std::uint8_t session) const {
  return session < codes_.size() ? std::string_view(codes_[session]) : std::string_view();
}

std::uint8_t AttendanceMarks::session(dsl::Date day, int half) const {
  const std::int64_t at = 2 * static_cast<std::int64_t>(dsl::days_between(first, day)) + half;
  if (at < 0 || at >= static_cast<std::int64_t>(sessions.size())) return not_recorded;
  return sessions[static_cast<std::size_t>(at)];
}

bool parse_marks(std::string_view text, const AttendanceCodes& codes, std::vector<std::uint8_t>& sessions,
                 std::vector<MarksProblem>& problems, std::size_t max_problems) {
  bool ok = true;
  std::size_t last_token = 0;
  std::size_t last_length = 1;
  const std::size_t before = sessions.size();
  std::size_t reported = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (is_ignored(text[i])) {
      ++i;
      continue;
    }
    // case-records.md §4: a token is one character, or a letter and a digit (C1, Y7).
    std::size_t length = is_upper(text[i]) && i + 1 < text.size() && is_digit(text[i + 1])
                             ? 2
                             : utf8_length(static_cast<unsigned char>(text[i]));
    length = std::min(length, text.size() - i);
    const std::string_view token = text.substr(i, length);
    const auto code = codes.find(token);
    if (!code) {
      ok = false;
      if (reported++ < max_problems) {
        problems.push_back({i, length, "unknown-code",
                            "this mark is not an attendance code of the vocabulary: use a code from its attendance_codes "
                            "table, and '-' for no session"});
      }
    }
    sessions.push_back(code.value_or(not_recorded));
    last_token = i;
    last_length = length;
    i += length;
  }
  const std::size_t count = sessions.size() - before;
  if (count % 2 != 0) {
    ok = false;
    problems.push_back({last_token, last_length, "odd-marks",
                        "the marks hold " + std::to_string(count) +
                            " session tokens, an odd number: each day needs a morning and an afternoon mark "
                            "(use '-' for no session); this last one has no partner"});
  }
  return ok;
}

AttendanceCounts count_sessions(const AttendanceMarks& marks, const AttendanceCodes& codes, dsl::Date from,
                                dsl::Date to, dsl::Date as_of) {
  AttendanceCounts out;
  if (marks.empty()) return out;
  // language.md §5: marks for days after the as-of date do not exist.
  from = std::max(from, marks.first);
  to = std::min({to, as_of, marks.last()});
  if (to < from) return out;
  const auto begin = static_cast<std::size_t>(2 * dsl::days_between(marks.first, from));
  const auto end = static_cast<std::size_t>(2 * dsl::days_between(marks.first, to) + 2);
  // A tight loop over bytes: one table lookup and one increment per session. Four tallies taken in
  // turn and added at the end: most sessions fall in one bin, and a single tally would make each
  // increment wait for the one before.
  std::array<std::array<std::int64_t, 6>, 4> tallies{};
  const std::uint8_t* data = marks.sessions.data();
  std::size_t i = begin;
  for (; i + 4 <= end; i += 4) {
    ++tallies[0][codes.bin(data[i])];
    ++tallies[1][codes.bin(data[i + 1])];
    ++tallies[2][codes.bin(data[i + 2])];
    ++tallies[3][codes.bin(data[i + 3])];
  }
  for (; i < end; ++i) ++tallies[0][codes.bin(data[i])];
  std::array<std::int64_t, 6> bins{};
  for (const auto& tally : tallies) {
    for (std::size_t b = 0; b < bins.size(); ++b) bins[b] += tally[b];
  }
  using C = dsl::AttendanceClass;
  const auto at = [&](C c) { return bins[static_cast<std::size_t>(c)]; };
  out.attended = at(C::present) + at(C::approved_off_site);
  out.absent = at(C::authorised_absence) + at(C::unauthorised_absence);
  out.unauthorised = at(C::unauthorised_absence);
  out.possible = out.attended + out.absent;
  return out;
}

namespace {

/// The session indices [begin, end) of the days from `from` to `to` as known on `as_of`; empty when none.
std::pair<std::size_t, std::size_t> session_span(const AttendanceMarks& marks, dsl::Date from, dsl::Date to,
                                                 dsl::Date as_of) {
  if (marks.empty()) return {0, 0};
  from = std::max(from, marks.first);
  to = std::min({to, as_of, marks.last()});
  if (to < from) return {0, 0};
  return {static_cast<std::size_t>(2 * dsl::days_between(marks.first, from)),
          static_cast<std::size_t>(2 * dsl::days_between(marks.first, to) + 2)};
}

}  // namespace

AttendanceCounts count_sessions_excluding(const AttendanceMarks& marks, const AttendanceCodes& codes, dsl::Date from,
                                          dsl::Date to, dsl::Date as_of, const CodeSet& excluded) {
  const auto [begin, end] = session_span(marks, from, to, as_of);
  std::array<std::int64_t, 6> bins{};
  const std::uint8_t* data = marks.sessions.data();
  // Excluded sessions go to the not-recorded bin: counted as not possible (one lookup more per session).
  for (std::size_t i = begin; i < end; ++i) ++bins[excluded[data[i]] ? not_recorded_bin : codes.bin(data[i])];
  using C = dsl::AttendanceClass;
  const auto at = [&](C c) { return bins[static_cast<std::size_t>(c)]; };
  AttendanceCounts out;
  out.attended = at(C::present) + at(C::approved_off_site);
  out.absent = at(C::authorised_absence) + at(C::unauthorised_absence);
  out.unauthorised = at(C::unauthorised_absence);
  out.possible = out.attended + out.absent;
  return out;
}

CodedSessions count_coded(const AttendanceMarks& marks, const CodeSet& coded, dsl::Date from, dsl::Date to,
                          dsl::Date as_of) {
  const auto [begin, end] = session_span(marks, from, to, as_of);
  CodedSessions out;
  const std::uint8_t* data = marks.sessions.data();
  std::size_t first = end;
  std::size_t last = end;
  for (std::size_t i = begin; i < end; ++i) {
    if (!coded[data[i]]) continue;
    ++out.sessions;
    if (first == end) first = i;
    last = i;
  }
  if (first != end) {
    out.first = marks.first.plus_days(static_cast<std::int32_t>(first / 2));
    out.last = marks.first.plus_days(static_cast<std::int32_t>(last / 2));
  }
  return out;
}

namespace {

std::optional<dsl::Rational> percent(std::int64_t part, std::int64_t possible) {
  // language.md §7: none with no possible session; exact otherwise (1 of 6 is 100/6).
  if (possible <= 0) return std::nullopt;
  return dsl::Rational::fraction(100 * part, possible);
}

}  // namespace

std::optional<dsl::Rational> attendance_percent(const AttendanceCounts& c) { return percent(c.attended, c.possible); }
std::optional<dsl::Rational> absence_percent(const AttendanceCounts& c) { return percent(c.absent, c.possible); }
std::optional<dsl::Rational> unauthorised_absence_percent(const AttendanceCounts& c) {
  return percent(c.unauthorised, c.possible);
}
std::optional<dsl::Rational> sessions_missed(const AttendanceCounts& c) {
  if (c.possible <= 0) return std::nullopt;
  return dsl::Rational(c.absent);
}

std::int64_t absence_streak(const AttendanceMarks& marks, const AttendanceCodes& codes, const Calendar& calendar,
                            dsl::Date today, bool unauthorised_only) {
  if (marks.empty()) return 0;
  const dsl::Date end = std::min(today, marks.last());
  if (end < marks.first) return 0;
  const auto days = calendar.school_days();
  std::size_t index = calendar.school_days_before(end.plus_days(1));  // school days on or before `end`
  std::int64_t streak = 0;
  using C = dsl::AttendanceClass;
  while (index > 0) {
    const dsl::Date day = days[--index];
    if (day < marks.first) break;  // before the first mark: nothing recorded, the run has started
    int possible = 0;
    int counted = 0;
    for (int half = 0; half < 2; ++half) {
      const C c = codes.classification(marks.session(day, half));
      if (c == C::not_possible) continue;  // not_recorded classifies as not possible too
      ++possible;
      if (c == C::unauthorised_absence || (!unauthorised_only && c == C::authorised_absence)) ++counted;
    }
    // language.md §7: a school day with no possible session neither breaks nor extends a streak.
    if (possible == 0) continue;
    if (counted < possible) break;
    ++streak;
  }
  return streak;
}

}  // namespace waymark::engine
