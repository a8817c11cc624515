// Attendance marks (case-records.md §4) and measures (language.md §7), with hand-counted sessions.
// 2025-09-01 is a Monday.
#include <gtest/gtest.h>

#include "support.hpp"
#include "waymark/engine/attendance.hpp"

namespace waymark::engine {
namespace {

using testing::day;

const AttendanceCodes& codes() {
  static const AttendanceCodes c(testing::england());
  return c;
}

AttendanceMarks marks(const char* from, std::string_view text) {
  AttendanceMarks m;
  m.first = day(from);
  std::vector<MarksProblem> problems;
  EXPECT_TRUE(parse_marks(text, codes(), m.sessions, problems)) << (problems.empty() ? "" : problems[0].message);
  return m;
}

dsl::Rational fraction(std::int64_t n, std::int64_t d) { return *dsl::Rational::fraction(n, d); }

TEST(Marks, ParsesSingleAndTwoCharacterTokensIgnoringSpacesAndBars) {
  std::vector<std::uint8_t> s;
  std::vector<MarksProblem> problems;
  ASSERT_TRUE(parse_marks("/\\ | C1 Y7 |--", codes(), s, problems));
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(codes().code(s[0]), "/");
  EXPECT_EQ(codes().code(s[1]), "\\");
  EXPECT_EQ(codes().code(s[2]), "C1");
  EXPECT_EQ(codes().code(s[3]), "Y7");
  EXPECT_EQ(codes().classification(s[2]), dsl::AttendanceClass::authorised_absence);
  EXPECT_EQ(codes().classification(s[3]), dsl::AttendanceClass::not_possible);
  EXPECT_EQ(codes().classification(s[4]), dsl::AttendanceClass::not_possible);
  // A bare C is its own code; C followed by a digit is one token.
  s.clear();
  ASSERT_TRUE(parse_marks("CC2", codes(), s, problems));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(codes().code(s[0]), "C");
  EXPECT_EQ(codes().code(s[1]), "C2");
}

TEST(Marks, ReportsUnknownCodesAtTheirPosition) {
  std::vector<std::uint8_t> s;
  std::vector<MarksProblem> problems;
  EXPECT_FALSE(parse_marks("/\\ H/ Y9/", codes(), s, problems));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].position, 3u);  // H: withdrawn in 2024
  EXPECT_EQ(problems[0].code, "unknown-code");
  EXPECT_EQ(problems[1].position, 6u);  // Y9: not a code
  EXPECT_EQ(problems[1].length, 2u);
}

TEST(Marks, AnOddNumberOfTokensPointsAtTheLastOne) {
  std::vector<std::uint8_t> s;
  std::vector<MarksProblem> problems;
  EXPECT_FALSE(parse_marks("/\\/", codes(), s, problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "odd-marks");
  EXPECT_EQ(problems[0].position, 2u);
}

TEST(Measures, SpecExamplePupil42) {
  // Mon-Tue no school, Wed-Fri present, weekend, Mon present, Tue-Wed N, Thu-Fri present, weekend.
  const auto m = marks("2025-09-01", "----|/\\/\\/\\|----|/\\NNNN/\\/\\|----");
  const auto c = count_sessions(m, codes(), day("2025-09-01"), day("2026-08-31"), day("2025-11-17"));
  EXPECT_EQ(c.possible, 16);
  EXPECT_EQ(c.absent, 4);
  EXPECT_EQ(c.unauthorised, 4);
  EXPECT_EQ(attendance_percent(c), dsl::Rational(75));
  EXPECT_EQ(absence_percent(c), dsl::Rational(25));
  EXPECT_EQ(unauthorised_absence_percent(c), dsl::Rational(25));
  EXPECT_EQ(sessions_missed(c), dsl::Rational(4));
}

TEST(Measures, SpecExamplePupil43IsExact) {
  const auto m = marks("2025-11-03", "/\\/\\/\\/\\/\\|----|/\\/\\EEEE/\\|----|/\\");
  const auto c = count_sessions(m, codes(), day("2025-09-01"), day("2026-08-31"), day("2025-11-17"));
  EXPECT_EQ(c.possible, 22);
  EXPECT_EQ(absence_percent(c), fraction(400, 22));      // 18.18...%, exactly 200/11
  EXPECT_EQ(attendance_percent(c), fraction(1800, 22));  // 81.81...%
  EXPECT_EQ(attendance_percent(c)->fixed(1), "81.8");
  EXPECT_EQ(unauthorised_absence_percent(c), dsl::Rational(0));  // possible sessions, none unauthorised
}

TEST(Measures, OneOfSixIsExactlyOneSixth) {
  const auto m = marks("2025-09-03", "N\\/\\/\\");
  const auto c = count_sessions(m, codes(), day("2025-09-01"), day("2025-09-30"), day("2025-09-30"));
  EXPECT_EQ(absence_percent(c), fraction(100, 6));
  EXPECT_NE(absence_percent(c), fraction(16666667, 1000000));
}

// count_sessions tallies four sessions at a time: every window, whatever its length and start, must
// count what a plain walk over the sessions counts. Two weeks with an absence on each weekday.
TEST(Measures, EveryWindowCountsWhatAPlainWalkCounts) {
  const auto m = marks("2025-09-01", "/N/\\/\\NO/\\----|/\\/\\/\\N\\/L----");
  const auto& table = codes();
  for (int from = 0; from < 14; ++from) {
    for (int to = from; to < 14; ++to) {
      const auto c = count_sessions(m, table, day("2025-09-01").plus_days(from), day("2025-09-01").plus_days(to),
                                    day("2025-09-14"));
      std::int64_t attended = 0;
      std::int64_t absent = 0;
      for (int d = from; d <= to; ++d) {
        for (int half = 0; half < 2; ++half) {
          const auto cls = table.classification(m.session(day("2025-09-01").plus_days(d), half));
          if (cls == dsl::AttendanceClass::present || cls == dsl::AttendanceClass::approved_off_site) ++attended;
          if (cls == dsl::AttendanceClass::authorised_absence || cls == dsl::AttendanceClass::unauthorised_absence) {
            ++absent;
          }
        }
      }
      EXPECT_EQ(c.attended, attended) << from << ".." << to;
      EXPECT_EQ(c.absent, absent) << from << ".." << to;
      EXPECT_EQ(c.possible, attended + absent) << from << ".." << to;
    }
  }
  // By hand, the whole fortnight: 20 weekday sessions; absent on Monday pm (N), Thursday am and pm
  // (N, O) and the second Thursday am (N): 4 absences (L, late, is present).
  const auto all = count_sessions(m, table, day("2025-09-01"), day("2025-09-14"), day("2025-09-14"));
  EXPECT_EQ(all.possible, 20);
  EXPECT_EQ(all.absent, 4);
}

TEST(Measures, AbsenceExactlyAtTenAndFiftyPercent) {
  // Ten possible sessions (Mon-Fri), one absent: exactly 10%, so persistent absence (>= 10%) holds.
  const auto ten = marks("2025-09-08", "/\\/\\/\\/\\/I");
  const auto c10 = count_sessions(ten, codes(), day("2025-09-08"), day("2025-09-12"), day("2025-09-12"));
  EXPECT_EQ(absence_percent(c10), dsl::Rational(10));
  EXPECT_FALSE(*absence_percent(c10) < dsl::Rational(10));
  // Five of ten: exactly 50%, severe absence.
  const auto fifty = marks("2025-09-08", "/\\/\\/NNNNN");
  const auto c50 = count_sessions(fifty, codes(), day("2025-09-08"), day("2025-09-12"), day("2025-09-12"));
  EXPECT_EQ(absence_percent(c50), dsl::Rational(50));
  EXPECT_EQ(attendance_percent(c50), dsl::Rational(50));
}

TEST(Measures, ApprovedOffSiteCountsAsAttendedAndNotPossibleIsLeftOut) {
  const auto m = marks("2025-09-08", "KV/\\DX#-Y1Y2");  // K, V attended; D X # - Y1 Y2 not possible
  const auto c = count_sessions(m, codes(), day("2025-09-08"), day("2025-09-12"), day("2025-09-12"));
  EXPECT_EQ(c.possible, 4);
  EXPECT_EQ(attendance_percent(c), dsl::Rational(100));
}

TEST(Measures, NoPossibleSessionIsNone) {
  const auto m = marks("2025-09-06", "----");
  const auto c = count_sessions(m, codes(), day("2025-09-01"), day("2025-09-30"), day("2025-09-30"));
  EXPECT_EQ(attendance_percent(c), std::nullopt);
  EXPECT_EQ(absence_percent(c), std::nullopt);
  EXPECT_EQ(sessions_missed(c), std::nullopt);
  EXPECT_EQ(absence_percent(count_sessions(AttendanceMarks{}, codes(), day("2025-09-01"), day("2025-09-30"),
                                           day("2025-09-30"))),
            std::nullopt);
}

TEST(Measures, WindowsAreInclusiveAndStopAtTheAsOfDate) {
  // Mon /\ , Tue NN, Wed /\ , Thu NN, Fri /\ .
  const auto m = marks("2025-09-08", "/\\NN/\\NN/\\");
  EXPECT_EQ(count_sessions(m, codes(), day("2025-09-09"), day("2025-09-09"), day("2025-09-30")).absent, 2);
  EXPECT_EQ(count_sessions(m, codes(), day("2025-09-09"), day("2025-09-11"), day("2025-09-30")).possible, 6);
  // As of Tuesday, Wednesday to Friday's marks do not exist yet.
  const auto c = count_sessions(m, codes(), day("2025-09-01"), day("2025-09-30"), day("2025-09-09"));
  EXPECT_EQ(c.possible, 4);
  EXPECT_EQ(absence_percent(c), dsl::Rational(50));
  // A window wholly before the marks, or after them.
  EXPECT_EQ(count_sessions(m, codes(), day("2025-09-01"), day("2025-09-07"), day("2025-09-30")).possible, 0);
  EXPECT_EQ(count_sessions(m, codes(), day("2025-09-13"), day("2025-09-30"), day("2025-09-30")).possible, 0);
  // A window ending before it starts selects nothing.
  EXPECT_EQ(count_sessions(m, codes(), day("2025-09-12"), day("2025-09-08"), day("2025-09-30")).possible, 0);
}

TEST(Measures, TermWindowsFromTheCalendar) {
  const Calendar both = testing::shipped_both();
  // Marks from the last day of summer 2025 into the autumn term: the autumn window excludes July.
  AttendanceMarks m;
  m.first = day("2025-07-21");
  m.sessions.assign(2 * 46, codes().find("N").value());  // 21 July to 4 September, all N
  const auto autumn = both.this_term(day("2025-09-04"))->dates;
  const auto c = count_sessions(m, codes(), autumn.from, autumn.to, day("2025-09-04"));
  EXPECT_EQ(c.possible, 4);  // 3 and 4 September
  const auto summer = both.previous_term(day("2025-09-04"))->dates;
  EXPECT_EQ(count_sessions(m, codes(), summer.from, summer.to, day("2025-09-04")).possible, 4);  // 21, 22 July
  // In the holiday "this term" is the summer term.
  EXPECT_EQ(both.this_term(day("2025-08-10"))->dates, summer);
}

TEST(Streak, CountsWholeDaysOfAbsenceBackFromTheLatestMarkedSchoolDay) {
  const Calendar c = testing::shipped("2025-26");
  const auto m = marks("2025-09-01", "----|/\\/\\/\\|----|/\\NNNN/\\/\\|----");
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-10"), false), 2);  // Tue, Wed
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-09"), false), 1);
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-11"), false), 0);  // Thu present
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-11-17"), false), 0);  // marks end on Sunday 14th
  EXPECT_EQ(absence_streak(AttendanceMarks{}, codes(), c, day("2025-11-17"), false), 0);
}

TEST(Streak, RunsOverWeekendsHalfTermsAndClosures) {
  const Calendar c = testing::shipped("2025-26");
  // Thu 30 Apr NN, Fri 1 May NN, weekend, Mon 4 May (closure) ##, Tue 5 May NN.
  const auto m = marks("2026-04-30", "NNNN----##NN");
  EXPECT_EQ(absence_streak(m, codes(), c, day("2026-05-05"), false), 3);
  // The first marked day is the start of the run: nothing before it counts.
  EXPECT_EQ(absence_streak(m, codes(), c, day("2026-05-20"), false), 3);
  // Fri 24 Oct 2025 N, half term, Mon 3 Nov N: two days in a row.
  const auto h = marks("2025-10-24", "NN----|----------|----|NN");
  EXPECT_EQ(absence_streak(h, codes(), c, day("2025-11-03"), false), 2);
}

TEST(Streak, DaysWithNoPossibleSessionNeitherBreakNorExtend) {
  const Calendar c = testing::shipped("2025-26");
  // Mon /\ , Tue NN, Wed ## (planned closure marked on a school day), Thu I I, Fri N /.
  const auto m = marks("2025-09-08", "/\\NN##IIN/");
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-11"), false), 2);  // Thu, (Wed skipped), Tue
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-12"), false), 0);  // Fri has a present session
  // Unauthorised only: Thursday's I is authorised, so the run is Thursday-less.
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-11"), true), 0);
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-10"), true), 1);  // Wed skipped, Tue NN
  // A school day with nothing recorded between recorded days is skipped too.
  AttendanceMarks gap = marks("2025-09-08", "/\\NN");
  gap.sessions.insert(gap.sessions.end(), {not_recorded, not_recorded});  // Wed
  const auto thu = marks("2025-09-11", "GO");
  gap.sessions.insert(gap.sessions.end(), thu.sessions.begin(), thu.sessions.end());
  EXPECT_EQ(absence_streak(gap, codes(), c, day("2025-09-11"), true), 2);
  // One session possible and absent, the other not possible: a day of absence.
  const auto half = marks("2025-09-08", "/\\N-");
  EXPECT_EQ(absence_streak(half, codes(), c, day("2025-09-09"), false), 1);
}

TEST(Streak, IgnoresMarksAfterToday) {
  const Calendar c = testing::shipped("2025-26");
  const auto m = marks("2025-09-08", "NNNN/\\");
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-09"), false), 2);
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-10"), false), 0);
  EXPECT_EQ(absence_streak(m, codes(), c, day("2025-09-07"), false), 0);  // before any mark
}

}  // namespace
}  // namespace waymark::engine
