#pragma once
// Attendance marks stored one byte per session, and the measures of language.md §7 computed exactly.
// The code table comes from the vocabulary (case-records.md §4), never from C++.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/rational.hpp"
#include "waymark/dsl/vocabulary.hpp"

namespace waymark::engine {

class Calendar;
struct DateWindow;

/// A session byte that holds no mark (a gap between recorded runs).
inline constexpr std::uint8_t not_recorded = 0xFF;

/// A set of session bytes (attendance codes), for the measures by code of version 2.
using CodeSet = std::array<bool, 256>;

/// The vocabulary's attendance codes compiled for byte-at-a-time work: a session byte is an index into
/// Vocabulary::attendance_codes(), or not_recorded.
class AttendanceCodes {
public:
  AttendanceCodes() = default;
  /// Compiles the table of `vocabulary` (at most 255 codes; later ones are ignored).
  explicit AttendanceCodes(const dsl::Vocabulary& vocabulary);

  /// The byte of a token (`N`, `/`, `C1`), or nothing when the vocabulary has no such code. Inline:
  /// the CSV reader looks up two codes per attendance row, millions of rows per roll.
  std::optional<std::uint8_t> find(std::string_view token) const {
    std::uint8_t index = not_recorded;
    if (token.size() == 1) index = single_[static_cast<unsigned char>(token[0])];
    if (token.size() == 2 && token[0] >= 'A' && token[0] <= 'Z' && token[1] >= '0' && token[1] <= '9') {
      index = pair_[static_cast<std::size_t>((token[0] - 'A') * 10 + (token[1] - '0'))];
    }
    if (index == not_recorded) return std::nullopt;
    return index;
  }
  /// The byte of a one-character code, or not_recorded when the vocabulary has no such code: a plain
  /// byte, for the attendance reader's quickest path (an optional returned there is written in two
  /// parts and read back whole, a store-forwarding stall on every row).
  std::uint8_t single(char code) const { return single_[static_cast<unsigned char>(code)]; }
  /// How a session byte counts; not_recorded counts as not possible.
  dsl::AttendanceClass classification(std::uint8_t session) const;
  /// The code of a session byte, "" for not_recorded.
  std::string_view code(std::uint8_t session) const;
  /// The set of these codes (each known to the vocabulary; unknown ones are left out).
  CodeSet set_of(const std::vector<std::string>& codes) const;
  /// Bin of a session byte for counting: the AttendanceClass value, or 5 for not_recorded.
  std::uint8_t bin(std::uint8_t session) const { return bins_[session]; }

private:
  std::array<std::uint8_t, 256> single_{};      // one-character codes
  std::array<std::uint8_t, 26 * 10> pair_{};    // letter+digit codes
  std::array<std::uint8_t, 256> bins_{};
  std::vector<std::string> codes_;
};

/// A pupil's marks: two sessions (am, pm) per calendar day from `first`, as one contiguous span.
struct AttendanceMarks {
  dsl::Date first;
  std::vector<std::uint8_t> sessions;  // 2 per day; not_recorded in gaps

  bool empty() const { return sessions.empty(); }
  /// The last day of the span (only when not empty).
  dsl::Date last() const { return first.plus_days(static_cast<std::int32_t>(sessions.size() / 2) - 1); }
  /// The morning (0) or afternoon (1) byte of a day; not_recorded outside the span.
  std::uint8_t session(dsl::Date day, int half) const;
};

/// A problem in a marks string: the byte position of the offending token within it, a code, a message.
struct MarksProblem {
  std::size_t position = 0;
  std::size_t length = 1;
  std::string code;
  std::string message;
};

/// Parses a marks string (case-records.md §4) into session bytes; problems (unknown code, odd
/// number of tokens) are appended and make it return false. At most `max_problems` are reported.
bool parse_marks(std::string_view text, const AttendanceCodes& codes, std::vector<std::uint8_t>& sessions,
                 std::vector<MarksProblem>& problems, std::size_t max_problems = 10);

/// Session counts over a window: possible, attended (present or approved off site), absent, unauthorised.
struct AttendanceCounts {
  std::int64_t possible = 0;
  std::int64_t attended = 0;
  std::int64_t absent = 0;
  std::int64_t unauthorised = 0;
};

/// Counts the recorded sessions from `from` to `to` inclusive, ignoring days after `as_of` (language.md §5, §7).
AttendanceCounts count_sessions(const AttendanceMarks& marks, const AttendanceCodes& codes, dsl::Date from,
                                dsl::Date to, dsl::Date as_of);

/// As count_sessions, but sessions whose code is in `excluded` count as not possible (version 2:
/// `absence excluding [C2, E]`).
AttendanceCounts count_sessions_excluding(const AttendanceMarks& marks, const AttendanceCodes& codes, dsl::Date from,
                                          dsl::Date to, dsl::Date as_of, const CodeSet& excluded);

/// Sessions whose code is in a set over a window, and the first and last days holding one (version 2:
/// `sessions coded [N]`, `first day coded [N]`).
struct CodedSessions {
  std::int64_t sessions = 0;
  std::optional<dsl::Date> first;
  std::optional<dsl::Date> last;
};

/// Counts the sessions from `from` to `to` inclusive whose code is in `coded`, ignoring days after `as_of`.
CodedSessions count_coded(const AttendanceMarks& marks, const CodeSet& coded, dsl::Date from, dsl::Date to,
                          dsl::Date as_of);

/// `attendance`: percent of possible sessions attended, exact; none with no possible session.
std::optional<dsl::Rational> attendance_percent(const AttendanceCounts& counts);
/// `absence`: percent of possible sessions missed; none with no possible session.
std::optional<dsl::Rational> absence_percent(const AttendanceCounts& counts);
/// `unauthorised absence`: percent of possible sessions missed without authority; none with no possible session.
std::optional<dsl::Rational> unauthorised_absence_percent(const AttendanceCounts& counts);
/// `sessions missed`: absent sessions; none with no possible session.
std::optional<dsl::Rational> sessions_missed(const AttendanceCounts& counts);

/// `absence streak` (or `unauthorised absence streak`): school days in the current run of whole-day
/// absence ending at the latest school day on or before `today` that has marks (language.md §7).
std::int64_t absence_streak(const AttendanceMarks& marks, const AttendanceCodes& codes, const Calendar& calendar,
                            dsl::Date today, bool unauthorised_only);

}  // namespace waymark::engine
