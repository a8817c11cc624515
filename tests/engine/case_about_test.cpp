// Version 2 fields of case records (case-records.md §2.1): `about` on every kind, validated in YAML and
// CSV at the value's position; reduced_timetable.planned_end and reason; looked_after_since.
#include <gtest/gtest.h>

#include "support.hpp"

namespace waymark::engine {
namespace {

using testing::attribute;
using testing::day;
using testing::field;
using testing::first_line;

// Line 6 column 12 is where `S-9` starts in "    about: S-9" (4 spaces, "about: " is 7 characters).
const char* about_case = R"(pupil:
  id: P-0042
records:
  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3}
  - kind: notification
    about: S-9
    id: N-1
    date: 2025-10-06
    to: la_inclusion
)";

TEST(CaseAbout, EveryKindHasAboutAsAString) {
  for (const dsl::KindSpec& kind : testing::england().kinds()) {
    const dsl::FieldSpec* about = kind.field("about");
    ASSERT_NE(about, nullptr) << kind.name;
    EXPECT_EQ(about->type, dsl::FieldType::string) << kind.name;
    EXPECT_FALSE(about->builtin) << kind.name;
  }
}

TEST(CaseAbout, YamlKeepsALinkToAnotherRecordOfThePupil) {
  const auto loaded = testing::load_yaml(R"(pupil: {id: P-1}
records:
  - {kind: suspension, id: S-1, start: 2025-10-06, days: 3}
  - {kind: meeting, id: M-1, date: 2025-10-20, type: governor_review, about: S-1}
  - {kind: alternative_provision, id: AP-1, start: 2025-10-09, about: S-1}
)");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const auto& records = loaded.caseload.pupils[0].records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].id(), "AP-1");  // 2025-10-09
  EXPECT_EQ(std::get<std::string>(records[1].fields[field(records[1], "about")]), "S-1");
  EXPECT_EQ(std::get<std::string>(records[2].fields[field(records[2], "about")]), "S-1");
  EXPECT_TRUE(is_none(records[0].fields[field(records[0], "about")]));
}

TEST(CaseAbout, YamlReportsAnUnknownRecordAtTheValue) {
  const auto loaded = testing::load_yaml(about_case);
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(first_line(loaded.diagnostics),
            "case.yaml:6:12: error: P-0042: record N-1 is about 'S-9', but the pupil has no record S-9; give the id of "
            "one of this pupil's records, or remove 'about' [unknown-record]");
}

TEST(CaseAbout, YamlLinksMayPointForwardToALaterRecord) {
  // The link is checked once all the pupil's records are read, so order in the file does not matter.
  const auto loaded = testing::load_yaml(R"(pupil: {id: P-1}
records:
  - {kind: notification, id: N-1, date: 2025-10-06, to: governors, about: S-1}
  - {kind: suspension, id: S-1, start: 2025-10-06, days: 6}
)");
  EXPECT_TRUE(loaded.ok) << loaded.diagnostics;
}

TEST(CaseAbout, YamlRejectsARecordAboutItself) {
  // Line 3: "  - {kind: incident, id: I-1, date: 2025-10-06, about: I-1}"; `I-1` after "about: " is column 56.
  const auto loaded = testing::load_yaml(R"(pupil: {id: P-1}
records:
  - {kind: incident, id: I-1, date: 2025-10-06, about: I-1}
)");
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(first_line(loaded.diagnostics),
            "case.yaml:3:56: error: P-1: record I-1 is about itself; 'about' names another record of the pupil (the "
            "suspension a notification reports, ...) [about-itself]");
}

TEST(CaseAbout, YamlLinksAreToTheSamePupilOnly) {
  const auto loaded = testing::load_yaml(R"(- pupil: {id: P-1}
  records:
    - {kind: suspension, id: S-1, start: 2025-10-06, days: 3}
- pupil: {id: P-2}
  records:
    - {kind: notification, id: N-1, date: 2025-10-06, about: S-1}
)");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.diagnostics.find("P-2: record N-1 is about 'S-1', but the pupil has no record S-1"), std::string::npos)
      << loaded.diagnostics;
}

const char* pupils = "id\nP-1\nP-2\n";

TEST(CaseAbout, CsvKeepsALinkWrittenInFields) {
  const auto loaded = testing::load_csv(pupils, "pupil_id,kind,id,date,start,end,fields\n"
                                                "P-1,notification,N-1,2025-10-07,,,to=la_inclusion;about=S-1\n"
                                                "P-1,suspension,S-1,,2025-10-06,,days=3\n");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Record& n = loaded.caseload.pupils[0].records[1];
  ASSERT_EQ(n.id(), "N-1");
  EXPECT_EQ(std::get<std::string>(n.fields[field(n, "about")]), "S-1");
}

TEST(CaseAbout, CsvReportsAnUnknownRecordAtTheValueInFields) {
  // Row 2 is "P-2,meeting,M-1,2025-10-07,,,type=pep;about=S-1": the fields cell starts at column 30
  // (29 characters before it), and `S-1` after "type=pep;about=" (15 characters) at column 45.
  const auto loaded = testing::load_csv(pupils, "pupil_id,kind,id,date,start,end,fields\n"
                                                "P-2,meeting,M-1,2025-10-07,,,type=pep;about=S-1\n"
                                                "P-1,suspension,S-1,,2025-10-06,,days=3\n");
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(first_line(loaded.diagnostics),
            "records.csv:2:45: error: P-2: record M-1 is about 'S-1', but the pupil has no record S-1; give the id of "
            "one of this pupil's records, or remove 'about' [unknown-record]");
}

TEST(CaseAbout, CsvRejectsARecordAboutItself) {
  // "P-1,incident,I-1,2025-10-07,,,about=I-1": the fields cell starts at column 31, the value 6 later.
  const auto loaded = testing::load_csv(pupils, "pupil_id,kind,id,date,start,end,fields\n"
                                                "P-1,incident,I-1,2025-10-07,,,about=I-1\n");
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(first_line(loaded.diagnostics).substr(0, 30), "records.csv:2:37: error: P-1: ");
  EXPECT_NE(loaded.diagnostics.find("[about-itself]"), std::string::npos);
}

TEST(CaseVersion2Fields, ReducedTimetableHasAPlannedEndAndAReason) {
  const auto loaded = testing::load_yaml(R"(pupil: {id: P-1, looked_after: true, looked_after_since: 2024-02-01}
records:
  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 15, planned_end: 2025-10-17, reason: medical}
)");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Pupil& p = loaded.caseload.pupils[0];
  EXPECT_EQ(std::get<dsl::Date>(p.attributes[attribute("looked_after_since")]), day("2024-02-01"));
  const Record& rt = p.records[0];
  EXPECT_EQ(std::get<dsl::Date>(rt.fields[field(rt, "planned_end")]), day("2025-10-17"));
  EXPECT_EQ(std::get<std::string>(rt.fields[field(rt, "reason")]), "medical");
  const dsl::KindSpec& kind = testing::england().kinds()[rt.kind];
  EXPECT_TRUE(kind.field("planned_end")->planned);
  EXPECT_FALSE(kind.field("la_notified")->planned);
}

TEST(CaseVersion2Fields, VersionOneFilesLoadUnchanged) {
  // A v1 notification with `about` as a plain string of an existing record still loads.
  const auto loaded = testing::load_yaml(R"(pupil: {id: P-1}
records:
  - {kind: suspension, id: S-1, start: 2025-10-06, days: 3}
  - {kind: notification, id: N-1, date: 2025-10-06, to: la_inclusion, about: S-1}
  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 15}
)");
  EXPECT_TRUE(loaded.ok) << loaded.diagnostics;
}

}  // namespace
}  // namespace waymark::engine
