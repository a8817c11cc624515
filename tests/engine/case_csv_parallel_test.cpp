// An attendance.csv of more than 1 MiB is read on two cores (case_csv.cpp): the result, and every
// diagnostic, must be those of a single pass whichever half a row falls in.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support.hpp"

namespace waymark::engine {
namespace {

using testing::day;

constexpr int roll = 2000;
constexpr int days = 30;  // 2025-09-01 .. 2025-09-30, weekends included: the loader keeps any date

std::string pupil_id(int i) { return "P-" + std::to_string(100000 + i); }

std::string pupils_csv() {
  std::string out = "id\n";
  for (int i = 0; i < roll; ++i) out += pupil_id(i) + "\n";
  return out;
}

std::string date_of(int d) { return "2025-09-" + std::string(d < 9 ? "0" : "") + std::to_string(d + 1); }

// Every pupil's rows together, pupils in roll order: 2000 * 30 rows of about 30 bytes, 1.8 MB, so
// the file is split near pupil 1000. `extra` is appended at the very end (in the second half).
std::string attendance_csv(const std::string& extra = {}, int skip_pupil = -1, int skip_day = -1) {
  std::string out = "pupil_id,date,am,pm\n";
  for (int i = 0; i < roll; ++i) {
    for (int d = 0; d < days; ++d) {
      if (i == skip_pupil && d == skip_day) continue;
      // Pupil i is absent (N) in the morning of day d when (i + d) % 7 == 0, else present.
      out += pupil_id(i) + "," + date_of(d) + "," + ((i + d) % 7 == 0 ? "N" : "/") + ",\\\n";
    }
  }
  return out + extra;
}

TEST(CaseCsvParallel, ALargeFileGivesTheMarksOfOnePass) {
  const std::string attendance = attendance_csv();
  ASSERT_GT(attendance.size(), 1u << 20);
  const auto loaded = testing::load_csv(pupils_csv(), {}, attendance);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  ASSERT_EQ(loaded.caseload.pupils.size(), static_cast<std::size_t>(roll));
  const AttendanceCodes codes(testing::england());
  for (const int i : {0, 999, 1000, 1001, 1999}) {
    const Pupil* p = loaded.caseload.find(pupil_id(i));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->attendance.first, day("2025-09-01"));
    EXPECT_EQ(p->attendance.last(), day("2025-09-30"));
    EXPECT_EQ(p->attendance.sessions.size(), 60u);
    // Mornings absent: days d in 0..29 with (i + d) % 7 == 0. For i = 0: d = 0, 7, 14, 21, 28 (5);
    // i = 999 (999 % 7 = 5): d = 2, 9, 16, 23 (4); i = 1000 (% 7 = 6): d = 1, 8, 15, 22, 29 (5);
    // i = 1001 (% 7 = 0): 5, as for 0; i = 1999 (% 7 = 4): d = 3, 10, 17, 24 (4).
    const int expected = i == 999 || i == 1999 ? 4 : 5;
    const auto c = count_sessions(p->attendance, codes, day("2025-09-01"), day("2025-09-30"), day("2025-09-30"));
    EXPECT_EQ(c.possible, 60) << pupil_id(i);
    EXPECT_EQ(c.absent, expected) << pupil_id(i);
  }
}

TEST(CaseCsvParallel, RowsOfEveryShapeGiveTheMarksTheyName) {
  // Rows the quickest path reads (another day of the same pupil, one-byte codes, LF) mixed with rows
  // it leaves to the splitter (two-character codes, CRLF endings, each pupil's first row): every
  // session must hold the code its row names.
  const auto am_of = [](int i, int d) -> std::string { return (i + d) % 5 == 0 ? "C1" : (i + d) % 5 == 1 ? "N" : "/"; };
  const auto pm_of = [](int i, int d) -> std::string { return (3 * i + d) % 4 == 0 ? "I" : "\\"; };
  std::string attendance = "pupil_id,date,am,pm\n";
  for (int i = 0; i < roll; ++i) {
    for (int d = 0; d < days; ++d) {
      attendance += pupil_id(i) + "," + date_of(d) + "," + am_of(i, d) + "," + pm_of(i, d) + ((i + d) % 3 == 0 ? "\r\n" : "\n");
    }
  }
  ASSERT_GT(attendance.size(), 1u << 20);
  const auto loaded = testing::load_csv(pupils_csv(), {}, attendance);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  ASSERT_EQ(loaded.caseload.pupils.size(), static_cast<std::size_t>(roll));
  const AttendanceCodes codes(testing::england());
  for (int i = 0; i < roll; ++i) {
    const Pupil* p = loaded.caseload.find(pupil_id(i));
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(p->attendance.first, day("2025-09-01"));
    ASSERT_EQ(p->attendance.sessions.size(), static_cast<std::size_t>(2 * days));
    for (int d = 0; d < days; ++d) {
      ASSERT_EQ(p->attendance.sessions[2 * d], *codes.find(am_of(i, d))) << pupil_id(i) << " " << date_of(d);
      ASSERT_EQ(p->attendance.sessions[2 * d + 1], *codes.find(pm_of(i, d))) << pupil_id(i) << " " << date_of(d);
    }
  }
}

TEST(CaseCsvParallel, APupilsRowsInBothHalvesAreMerged) {
  // Pupil 0's 2025-09-05 row (day 4) moves to the end of the file, into the second half.
  const auto loaded = testing::load_csv(pupils_csv(), {},
                                        attendance_csv(pupil_id(0) + ",2025-09-05,C,C\n", 0, 4));
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Pupil* p = loaded.caseload.find(pupil_id(0));
  ASSERT_NE(p, nullptr);
  const AttendanceCodes codes(testing::england());
  EXPECT_EQ(codes.code(p->attendance.session(day("2025-09-05"), 0)), "C");
  EXPECT_EQ(codes.code(p->attendance.session(day("2025-09-05"), 1)), "C");
  // 5 absent mornings (d = 0, 7, 14, 21, 28) and both sessions of the 5th: 7 of 60.
  const auto c = count_sessions(p->attendance, codes, day("2025-09-01"), day("2025-09-30"), day("2025-09-30"));
  EXPECT_EQ(c.absent, 7);
}

TEST(CaseCsvParallel, AProblemInTheSecondHalfIsReportedAsByOnePass) {
  // Line 1 is the header and 2000 * 30 = 60,000 rows follow, so an appended row is line 60,002;
  // "P-100005,2025-10-01,/," is 22 characters, so its pm cell starts at column 23, its date at 10.
  const auto unknown = testing::load_csv(pupils_csv(), {}, attendance_csv(pupil_id(5) + ",2025-10-01,/,QQ\n"));
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.diagnostics.substr(0, unknown.diagnostics.find('\n')),
            "attendance.csv:60002:23: error: this mark is not an attendance code of the vocabulary: use a code from its "
            "attendance_codes table, and '-' for no session [unknown-code]");
  const auto twice = testing::load_csv(pupils_csv(), {}, attendance_csv(pupil_id(1500) + ",2025-09-02,/,\\\n"));
  EXPECT_FALSE(twice.ok);
  EXPECT_NE(twice.diagnostics.find("attendance.csv:60002:10: error: a second row for the same pupil and day"),
            std::string::npos)
      << twice.diagnostics;
}

// Each half places a pupil's run of rows at once; a pupil met again further down the same half grows
// its span. Pupil 3's day 4 moves after pupil 500's rows (first half), pupil 1500's day 0 after pupil
// 1800's (second half), so both spans are filled in two pieces, the second before the first day.
TEST(CaseCsvParallel, APupilMetTwiceInOneHalfGetsAllItsMarks) {
  std::string attendance = attendance_csv({}, 3, 4);
  const auto move_after = [&](int after_pupil, const std::string& row) {
    const std::string last_row_of = pupil_id(after_pupil) + "," + date_of(days - 1);
    const std::size_t at = attendance.find('\n', attendance.find(last_row_of)) + 1;
    attendance.insert(at, row);
  };
  move_after(500, pupil_id(3) + ",2025-09-05,C,C\n");
  const std::string first_day_1500 = pupil_id(1500) + ",2025-09-01,";
  const std::size_t row_at = attendance.find(first_day_1500);
  const std::size_t row_end = attendance.find('\n', row_at) + 1;
  const std::string row = attendance.substr(row_at, row_end - row_at);
  attendance.erase(row_at, row_end - row_at);
  move_after(1800, row);
  const auto loaded = testing::load_csv(pupils_csv(), {}, attendance);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const AttendanceCodes codes(testing::england());
  const Pupil* three = loaded.caseload.find(pupil_id(3));
  const Pupil* later = loaded.caseload.find(pupil_id(1500));
  ASSERT_NE(three, nullptr);
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(codes.code(three->attendance.session(day("2025-09-05"), 1)), "C");
  EXPECT_EQ(three->attendance.sessions.size(), 60u);
  EXPECT_EQ(later->attendance.first, day("2025-09-01"));
  EXPECT_EQ(later->attendance.sessions.size(), 60u);
  // Pupil 1500 (1500 % 7 = 2): mornings absent on d = 5, 12, 19, 26 (4), day 0 included or not.
  const auto c = count_sessions(later->attendance, codes, day("2025-09-01"), day("2025-09-30"), day("2025-09-30"));
  EXPECT_EQ(c.possible, 60);
  EXPECT_EQ(c.absent, 4);
}

TEST(CaseCsvParallel, ARepeatedDayWithinOnePupilsRowsIsReportedAsByOnePass) {
  // Pupil 10's day 2 written twice in a row, in the first half: the repeat is line 2 + 10 * 30 + 3.
  std::string attendance = attendance_csv();
  const std::string row = pupil_id(10) + "," + date_of(2) + ",/,\\\n";
  attendance.insert(attendance.find(row) + row.size(), row);
  const auto loaded = testing::load_csv(pupils_csv(), {}, attendance);
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.diagnostics.find("attendance.csv:305:10: error: a second row for the same pupil and day"),
            std::string::npos)
      << loaded.diagnostics;
}

// With a large attendance.csv, records.csv is read on another thread at the same time.
TEST(CaseCsvParallel, RecordsReadBesideALargeAttendanceFileAreAllKept) {
  const std::string records = "pupil_id,kind,id,date,start,end,fields\n" + pupil_id(7) +
                              ",suspension,S-1,,2025-09-08,2025-09-09,days=2;reason=x\n" + pupil_id(1999) +
                              ",meeting,M-1,2025-09-10,,,type=pep\n";
  const auto loaded = testing::load_csv(pupils_csv(), records, attendance_csv());
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Pupil* seven = loaded.caseload.find(pupil_id(7));
  const Pupil* last = loaded.caseload.find(pupil_id(1999));
  ASSERT_NE(seven, nullptr);
  ASSERT_NE(last, nullptr);
  ASSERT_EQ(seven->records.size(), 1u);
  EXPECT_EQ(seven->records[0].id(), "S-1");
  ASSERT_EQ(last->records.size(), 1u);
  EXPECT_EQ(last->records[0].id(), "M-1");
  EXPECT_EQ(seven->attendance.sessions.size(), 60u);
}

TEST(CaseCsvParallel, ProblemsInRecordsAndAttendanceAreBothReportedInFileOrder) {
  // records.csv line 2: "P-100003," is 9 characters, so the kind starts at column 10.
  const std::string records = "pupil_id,kind,id,date,start,end,fields\n" + pupil_id(3) + ",suspenshun,S-1,,2025-09-08,,\n";
  const auto loaded = testing::load_csv(pupils_csv(), records, attendance_csv(pupil_id(5) + ",2025-10-01,/,QQ\n"));
  EXPECT_FALSE(loaded.ok);
  const std::size_t record_error = loaded.diagnostics.find("records.csv:2:10: error: unknown record kind");
  const std::size_t mark_error = loaded.diagnostics.find("attendance.csv:60002:23: error:");
  EXPECT_NE(record_error, std::string::npos) << loaded.diagnostics;
  EXPECT_NE(mark_error, std::string::npos) << loaded.diagnostics;
  EXPECT_LT(record_error, mark_error);
}

// A pupils.csv of more than 1 MiB is read in two halves too: 40,000 rows of about 30 bytes.
constexpr int big_roll = 40000;

std::string big_pupils_csv(const std::string& extra = {}) {
  std::string out = "id,school,looked_after\n";
  for (int i = 0; i < big_roll; ++i) {
    // Pupil i is looked after when i % 3 == 0; schools cycle through 7.
    out += pupil_id(i) + ",School number " + std::to_string(i % 7) + "," + (i % 3 == 0 ? "true" : "false") + "\n";
  }
  return out + extra;
}

TEST(CaseCsvParallel, ALargePupilsFileGivesThePupilsOfOnePass) {
  const std::string pupils = big_pupils_csv();
  ASSERT_GT(pupils.size(), 1u << 20);
  const auto loaded = testing::load_csv(pupils);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  ASSERT_EQ(loaded.caseload.pupils.size(), static_cast<std::size_t>(big_roll));
  const dsl::Vocabulary& vocabulary = testing::england();
  const auto index_of = [&](const std::string& name) {
    const auto& attributes = vocabulary.pupil_attributes();
    for (std::size_t a = 0; a < attributes.size(); ++a) {
      if (attributes[a].name == name) return a;
    }
    ADD_FAILURE() << "no attribute " << name;
    return std::size_t{0};
  };
  const std::size_t school = index_of("school");
  const std::size_t looked_after = index_of("looked_after");
  for (const int i : {0, 1, 19999, 20000, 20001, 39999}) {
    const Pupil* p = loaded.caseload.find(pupil_id(i));
    ASSERT_NE(p, nullptr) << i;
    EXPECT_EQ(std::get<std::string>(p->attributes[school]), "School number " + std::to_string(i % 7)) << i;
    EXPECT_EQ(std::get<bool>(p->attributes[looked_after]), i % 3 == 0) << i;
  }
}

// The first problem reported when pupil `repeated` is added again after the 40,000 rows (line 40,002).
std::string first_problem_repeating(int repeated) {
  const auto loaded = testing::load_csv(big_pupils_csv(pupil_id(repeated) + ",School X,false\n"));
  EXPECT_FALSE(loaded.ok);
  return loaded.diagnostics.substr(0, loaded.diagnostics.find('\n'));
}

TEST(CaseCsvParallel, APupilUsedTwiceAcrossTheHalvesIsReportedAsByOnePass) {
  // Pupil 3 is on line 5 (line 1 is the header), in the first half.
  EXPECT_EQ(first_problem_repeating(3),
            "pupils.csv:40002:1: error: this pupil id is used twice in pupils.csv (line 5): each pupil appears once "
            "[duplicate-pupil]");
}

TEST(CaseCsvParallel, APupilUsedTwiceWithinTheSecondHalfIsReportedAsByOnePass) {
  // Pupil 39,999 is the last of the 40,000 rows, on line 40,001.
  EXPECT_EQ(first_problem_repeating(39999),
            "pupils.csv:40002:1: error: this pupil id is used twice in pupils.csv (line 40001): each pupil appears "
            "once [duplicate-pupil]");
}

TEST(CaseCsvParallel, AProblemInEitherHalfOfPupilsIsReportedAsByOnePass) {
  // A bad boolean in the last row (line 40,002; "P-140007,School X," is 18 bytes: column 19).
  const auto loaded = testing::load_csv(big_pupils_csv(pupil_id(40007) + ",School X,maybe\n"));
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.diagnostics.find("pupils.csv:40002:19: error:"), std::string::npos) << loaded.diagnostics;
}


// --- attendance.csv read a block at a time (CaseLoader::stream_attendance_from): the caseload, and on
// any problem every diagnostic, must be those of the file read whole.

namespace fs = std::filesystem;

struct FolderLoad {
  Caseload caseload;
  std::string diagnostics;
  bool ok = false;
  std::vector<StreamedFile> streamed;
  std::size_t attendance_bytes = 0;
  std::size_t files_kept = 0;  // files held in the SourceSet
  fs::path attendance;
};

// The CSV form written to a folder (the same folder for each `name`, so that messages name the same
// paths) and loaded through add_path, with attendance.csv streamed when the loader may.
FolderLoad load_folder(const std::string& name, const std::string& pupils, const std::string& records,
                       const std::string& attendance, bool stream) {
  const fs::path dir = fs::temp_directory_path() / ("waymark-streamed-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "pupils.csv", std::ios::binary) << pupils;
  if (!records.empty()) std::ofstream(dir / "records.csv", std::ios::binary) << records;
  std::ofstream(dir / "attendance.csv", std::ios::binary) << attendance;
  dsl::SourceSet sources;
  CaseLoader loader(testing::england());
  if (stream) loader.stream_attendance_from(1);
  dsl::Diagnostics d;
  FolderLoad out;
  out.ok = loader.add_path(dir, sources, d);
  out.diagnostics = render_text(d.sorted(), sources);
  out.streamed = loader.streamed_files();
  out.files_kept = sources.size();
  out.attendance = dir / "attendance.csv";
  out.attendance_bytes = static_cast<std::size_t>(fs::file_size(out.attendance));
  out.caseload = loader.finish();
  fs::remove_all(dir);
  return out;
}

// Every pupil's marks and records, compared one by one.
void expect_same_caseload(const Caseload& a, const Caseload& b) {
  ASSERT_EQ(a.pupils.size(), b.pupils.size());
  for (std::size_t i = 0; i < a.pupils.size(); ++i) {
    ASSERT_EQ(a.pupils[i].id(), b.pupils[i].id());
    EXPECT_EQ(a.pupils[i].attendance.first, b.pupils[i].attendance.first) << a.pupils[i].id();
    EXPECT_EQ(a.pupils[i].attendance.sessions, b.pupils[i].attendance.sessions) << a.pupils[i].id();
    EXPECT_EQ(a.pupils[i].records.size(), b.pupils[i].records.size()) << a.pupils[i].id();
  }
}

// 2000 pupils over 90 days (September to November), about 5 MB: each part is read in several blocks.
std::string long_attendance_csv(const std::string& header = "pupil_id,date,am,pm") {
  const bool date_first = header.rfind("date", 0) == 0;
  std::string out = header + "\n";
  for (int i = 0; i < roll; ++i) {
    for (int d = 0; d < 90; ++d) {
      const std::string date = day("2025-09-01").plus_days(d).iso();
      const std::string am = (i + d) % 7 == 0 ? "N" : (i + d) % 11 == 0 ? "C1" : "/";
      out += date_first ? date + "," + pupil_id(i) : pupil_id(i) + "," + date;
      out += "," + am + ",\\\n";
    }
  }
  return out;
}

const std::string some_records = "pupil_id,kind,id,date,start,end,fields\n" + pupil_id(7) +
                                 ",suspension,S-1,,2025-09-08,2025-09-09,days=2;reason=x\n";

TEST(CaseCsvStreamed, AStreamedAttendanceFileGivesTheCaseloadOfAWholeRead) {
  const std::string attendance = long_attendance_csv();
  ASSERT_GT(attendance.size(), 4u << 20);  // two parts of more than two 1 MiB blocks each
  const FolderLoad whole = load_folder("same", pupils_csv(), some_records, attendance, false);
  const FolderLoad streamed = load_folder("same", pupils_csv(), some_records, attendance, true);
  ASSERT_TRUE(whole.ok) << whole.diagnostics;
  ASSERT_TRUE(streamed.ok) << streamed.diagnostics;
  EXPECT_TRUE(whole.streamed.empty());
  ASSERT_EQ(streamed.streamed.size(), 1u);
  EXPECT_EQ(fs::path(streamed.streamed[0].path), streamed.attendance);
  EXPECT_EQ(streamed.streamed[0].files_before, 2u);  // read after pupils.csv and records.csv
  EXPECT_EQ(streamed.streamed[0].stamp.size, streamed.attendance_bytes);
  EXPECT_NE(streamed.streamed[0].stamp.inode, 0u);
  EXPECT_EQ(whole.files_kept, 3u);
  EXPECT_EQ(streamed.files_kept, 2u);  // pupils.csv and records.csv only
  expect_same_caseload(whole.caseload, streamed.caseload);
  // Pupil 1000 (1000 % 7 = 6, 1000 % 11 = 10): mornings N on d = 1, 8, ..., 85 (13 days).
  const Pupil* p = streamed.caseload.find(pupil_id(1000));
  ASSERT_NE(p, nullptr);
  const AttendanceCodes codes(testing::england());
  EXPECT_EQ(p->attendance.sessions.size(), 180u);
  EXPECT_EQ(codes.code(p->attendance.session(day("2025-09-02"), 0)), "N");
}

TEST(CaseCsvStreamed, AProblemInAStreamedFileIsReportedAsByAWholeRead) {
  const std::string attendance = attendance_csv(pupil_id(5) + ",2025-10-01,/,QQ\n");
  const FolderLoad whole = load_folder("problem", pupils_csv(), some_records, attendance, false);
  const FolderLoad streamed = load_folder("problem", pupils_csv(), some_records, attendance, true);
  EXPECT_FALSE(whole.ok);
  EXPECT_FALSE(streamed.ok);
  EXPECT_NE(whole.diagnostics.find("attendance.csv:60002:23: error:"), std::string::npos) << whole.diagnostics;
  EXPECT_EQ(streamed.diagnostics, whole.diagnostics);
  EXPECT_TRUE(streamed.streamed.empty());  // read whole after all, to say where
}

TEST(CaseCsvStreamed, ADayThatIsNotInTheCalendarIsReportedAsByAWholeRead) {
  // 2025-09-31 has the shape of a date and is not one; its cell starts at column 10 of line 60,002.
  const std::string attendance = attendance_csv(pupil_id(5) + ",2025-09-31,/,/\n");
  const FolderLoad whole = load_folder("no-day", pupils_csv(), {}, attendance, false);
  const FolderLoad streamed = load_folder("no-day", pupils_csv(), {}, attendance, true);
  EXPECT_FALSE(whole.ok);
  EXPECT_NE(whole.diagnostics.find("attendance.csv:60002:10: error:"), std::string::npos) << whole.diagnostics;
  EXPECT_EQ(streamed.diagnostics, whole.diagnostics);
  EXPECT_TRUE(streamed.streamed.empty());
}

TEST(CaseCsvStreamed, BadBytesInAStreamedFileAreReportedAsByAWholeRead) {
  std::string attendance = attendance_csv();
  attendance.insert(attendance.size() - 100, std::string("\xC3\x28", 2));  // not UTF-8, in the second part
  const FolderLoad whole = load_folder("bytes", pupils_csv(), {}, attendance, false);
  const FolderLoad streamed = load_folder("bytes", pupils_csv(), {}, attendance, true);
  EXPECT_FALSE(whole.ok);
  EXPECT_NE(whole.diagnostics.find("[invalid-utf8]"), std::string::npos) << whole.diagnostics;
  EXPECT_EQ(streamed.diagnostics, whole.diagnostics);
}

TEST(CaseCsvStreamed, AnotherColumnOrderOrAPupilInBothPartsIsReadWholeAndRight) {
  const FolderLoad plain = load_folder("order", pupils_csv(), {}, long_attendance_csv(), true);
  const FolderLoad reordered = load_folder("order", pupils_csv(), {}, long_attendance_csv("date,pupil_id,am,pm"), true);
  ASSERT_TRUE(plain.ok) << plain.diagnostics;
  ASSERT_TRUE(reordered.ok) << reordered.diagnostics;
  EXPECT_EQ(plain.streamed.size(), 1u);
  EXPECT_TRUE(reordered.streamed.empty());
  expect_same_caseload(plain.caseload, reordered.caseload);
  // Pupil 0's 2025-09-05 row moved to the end: in both parts, which only a whole read can merge.
  const FolderLoad moved =
      load_folder("moved", pupils_csv(), {}, attendance_csv(pupil_id(0) + ",2025-09-05,C,C\n", 0, 4), true);
  ASSERT_TRUE(moved.ok) << moved.diagnostics;
  EXPECT_TRUE(moved.streamed.empty());
  const AttendanceCodes codes(testing::england());
  const Pupil* p = moved.caseload.find(pupil_id(0));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(codes.code(p->attendance.session(day("2025-09-05"), 1)), "C");
}

}  // namespace
}  // namespace waymark::engine
