// The CSV form of case records (case-records.md §4): pupils.csv, records.csv, attendance.csv.
#include <gtest/gtest.h>

#include "support.hpp"

namespace waymark::engine {
namespace {

using testing::attribute;
using testing::day;
using testing::field;
using testing::first_line;

const char* pupils = "id,upn,dob,year_group,school,looked_after,sen\r\n"
                     "P-2,,2011-11-02,,Oakfield Academy,false,\r\n"
                     "P-1,Q801200110001,2012-03-14,9,\"Oakfield, Upper\",true,sen_support\r\n";

TEST(CaseCsv, LoadsPupilsWithQuotingAndCrlf) {
  const auto loaded = testing::load_csv(pupils);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  ASSERT_EQ(loaded.caseload.pupils.size(), 2u);
  const Pupil& p = loaded.caseload.pupils[0];
  EXPECT_EQ(p.id(), "P-1");
  EXPECT_EQ(p.upn, "Q801200110001");
  EXPECT_EQ(std::get<std::string>(p.attributes[attribute("school")]), "Oakfield, Upper");
  EXPECT_EQ(std::get<bool>(p.attributes[attribute("looked_after")]), true);
  EXPECT_EQ(std::get<EnumValue>(p.attributes[attribute("sen")]).index, 1u);
  const Pupil& q = loaded.caseload.pupils[1];
  EXPECT_TRUE(is_none(q.attributes[attribute("year_group")]));  // empty cell: absent
  EXPECT_EQ(std::get<EnumValue>(q.attributes[attribute("sen")]).index, 0u);  // default
  EXPECT_EQ(q.upn, std::nullopt);
}

TEST(CaseCsv, LoadsRecordsWithEscapedFieldsAndDateLists) {
  const auto loaded = testing::load_csv(
      pupils,
      "pupil_id,kind,id,date,start,end,fields\n"
      "P-1,reduced_timetable,RT-3,,2025-09-08,,hours_per_week=12;parental_agreement=true;reviews=2025-10-06|2025-09-22\n"
      "P-1,suspension,S-1,,2025-10-06,2025-10-08,days=3;reason=a\\;b\\=c\\\\d\n"
      "P-1,meeting,M-1,2025-10-09,,,\"type=attendance \"\"support\"\"\"\n"
      "P-2,incident,I-1,2025-10-01,,,\n");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const auto& records = loaded.caseload.pupils[0].records;
  ASSERT_EQ(records.size(), 3u);
  const Record& rt = records[0];
  EXPECT_EQ(rt.id(), "RT-3");
  EXPECT_EQ(std::get<dsl::Rational>(rt.fields[field(rt, "hours_per_week")]), dsl::Rational(12));
  EXPECT_EQ(std::get<DateList>(rt.fields[field(rt, "reviews")]), (DateList{day("2025-09-22"), day("2025-10-06")}));
  const Record& s = records[1];
  EXPECT_EQ(s.end(), day("2025-10-08"));
  EXPECT_EQ(std::get<std::string>(s.fields[field(s, "reason")]), "a;b=c\\d");
  const Record& m = records[2];
  EXPECT_EQ(std::get<std::string>(m.fields[field(m, "type")]), "attendance \"support\"");
  EXPECT_EQ(loaded.caseload.pupils[1].records.size(), 1u);
}

TEST(CaseCsv, ConvertsDailyRowsToCompactMarksInAnyOrder) {
  const auto loaded = testing::load_csv(pupils, {},
                                        "pupil_id,date,am,pm\n"
                                        "P-1,2025-09-05,/,\\\n"
                                        "P-2,2025-09-03,N,N\n"
                                        "P-1,2025-09-03,/,\\\n"
                                        "P-1,2025-09-04,C1,Y7\n"
                                        "P-1,2025-09-08,N,I\n");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const AttendanceMarks& m = loaded.caseload.pupils[0].attendance;
  const AttendanceCodes codes(testing::england());
  EXPECT_EQ(m.first, day("2025-09-03"));
  EXPECT_EQ(m.last(), day("2025-09-08"));
  EXPECT_EQ(codes.code(m.session(day("2025-09-04"), 0)), "C1");
  EXPECT_EQ(codes.code(m.session(day("2025-09-04"), 1)), "Y7");
  EXPECT_EQ(m.session(day("2025-09-06"), 0), not_recorded);  // the weekend had no row
  const auto c = count_sessions(m, codes, day("2025-09-01"), day("2025-09-30"), day("2025-09-30"));
  EXPECT_EQ(c.possible, 7);  // 3rd: 2, 4th: C1 only, 5th: 2, 8th: 2
  EXPECT_EQ(c.absent, 3);
  EXPECT_EQ(c.unauthorised, 1);
}

TEST(CaseCsv, ColumnsMayComeInAnyOrderAndABomIsSkipped) {
  const auto loaded = testing::load_csv("\xEF\xBB\xBFschool,id\nOakfield,P-1\n");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  EXPECT_EQ(loaded.caseload.pupils[0].id(), "P-1");
}

TEST(CaseCsv, ReportsErrorsWithFileLineAndColumn) {
  const auto bad_date = testing::load_csv("id,dob\nP-1,2012-02-30\n");
  EXPECT_EQ(first_line(bad_date.diagnostics),
            "pupils.csv:2:5: error: 'dob' is not a real date: check the month and day [invalid-date]");
  const auto bad_field = testing::load_csv("id\nP-1\n", "pupil_id,kind,id,date,start,end,fields\n"
                                                         "P-1,suspension,S-1,,2025-10-06,,days=3;reasn=x\n");
  EXPECT_EQ(first_line(bad_field.diagnostics),
            "records.csv:2:40: error: a suspension has no field of this name; did you mean 'reason'? [unknown-field]");
  EXPECT_TRUE(bad_field.caseload.pupils.empty());
}

TEST(CaseCsv, RejectsInvalidUtf8WithItsPosition) {
  const auto loaded = testing::load_csv("id,school\nP-1,Caf\xC3\n");
  EXPECT_EQ(first_line(loaded.diagnostics),
            "pupils.csv:2:8: error: this byte is not valid UTF-8: save the file as UTF-8 [invalid-utf8]");
}

TEST(CaseCsv, TheTextCheckReportsANulOrLoneCrBeforeBadUtf8WhereverEachIs) {
  // The text check scans eight bytes at a time; a NUL, a lone CR or an inner byte-order mark is
  // reported before bad UTF-8 even when the bad byte comes first. "id,school\n" is line 1; on line 2
  // "P-1,Caf" is 7 bytes, so \xC3 (not followed by a continuation byte) is column 8.
  const auto nul = testing::load_csv(std::string("id,school\nP-1,Caf\xC3\nP-2,School A\nP-3,B\0C\n", 38));
  EXPECT_EQ(first_line(nul.diagnostics),
            "pupils.csv:4:6: error: a NUL byte: this is not a text file, or it was damaged; save it again as UTF-8 "
            "text [nul-byte]");
  const auto lone_cr = testing::load_csv("id,school\nP-1,Caf\xC3\nP-2,School A 1234567\rP-3,B\n");
  EXPECT_EQ(first_line(lone_cr.diagnostics),
            "pupils.csv:3:21: error: a line ends with CR alone: save the file with LF or CRLF line ends [line-ends]");
  // "P-2,School A 1234567" is 20 characters: the lone CR is column 21.
  const auto crlf = testing::load_csv("id,school\r\nP-1,School ABCDEFGH\r\nP-2,\xEF\xBB\xBFX\r\n");
  EXPECT_EQ(first_line(crlf.diagnostics),
            "pupils.csv:3:5: error: a byte-order mark (U+FEFF) inside the file, where it is invisible: delete it "
            "(files joined together?) [byte-order-mark]");
  // "P-1," 4 + "School " 7 + 16 letters = 27 characters: \xFF is column 28.
  const auto only_bad = testing::load_csv("id,school\nP-1,School ABCDEFGHIJKLMNOP\xFF\n");
  EXPECT_EQ(first_line(only_bad.diagnostics),
            "pupils.csv:2:28: error: this byte is not valid UTF-8: save the file as UTF-8 [invalid-utf8]");
}

TEST(CaseCsv, APupilsRecordsAreInAnchorThenIdOrderWhateverTheRowOrder) {
  // language.md §6: records are read by anchor, then id bytewise ("I-10" before "I-9").
  const auto loaded = testing::load_csv(pupils,
                                        "pupil_id,kind,id,date,start,end,fields\n"
                                        "P-1,incident,I-9,2025-10-05,,,\n"
                                        "P-2,incident,J-1,2025-10-01,,,\n"
                                        "P-1,suspension,S-1,,2025-10-06,2025-10-08,days=3\n"
                                        "P-1,incident,I-10,2025-10-05,,,\n"
                                        "P-1,incident,I-1,2025-09-01,,,\n");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  std::vector<std::string> ids;
  for (const Record& r : loaded.caseload.pupils[0].records) ids.push_back(r.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"I-1", "I-10", "I-9", "S-1"}));
}

// A pupil with more records than are compared pair by pair (16) is checked by sorting them.
std::string many_incidents(int count, const std::string& repeated_id) {
  std::string rows = "pupil_id,kind,id,date,start,end,fields\n";
  for (int i = 0; i < count; ++i) rows += "P-1,incident,I-" + std::to_string(i) + ",2025-10-01,,,\n";
  if (!repeated_id.empty()) rows += "P-1,incident," + repeated_id + ",2025-09-01,,,\n";
  return rows;
}

TEST(CaseCsv, ARepeatedRecordIdIsReportedHoweverManyRecordsThePupilHas) {
  for (const int count : {2, 16, 17, 40}) {
    const auto clean = testing::load_csv(pupils, many_incidents(count, ""));
    EXPECT_TRUE(clean.ok) << count << ": " << clean.diagnostics;
    if (clean.ok) {
      EXPECT_EQ(clean.caseload.pupils[0].records.size(), static_cast<std::size_t>(count));
    }
    // The repeat is the last row: line count + 2 (after the header and the originals), column 14.
    const auto repeated = testing::load_csv(pupils, many_incidents(count, "I-1"));
    EXPECT_FALSE(repeated.ok) << count;
    EXPECT_EQ(testing::first_line(repeated.diagnostics),
              "records.csv:" + std::to_string(count + 2) +
                  ":14: error: this record id is already used by the same pupil: give each record its own id "
                  "[duplicate-record]")
        << count;
  }
}

TEST(CaseCsv, AnEmptyOptionalFileIsAbsentButAnEmptyPupilsFileIsAnError) {
  const auto loaded = testing::load_csv("");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.diagnostics.find("[missing-column]"), std::string::npos);
}

}  // namespace
}  // namespace waymark::engine
