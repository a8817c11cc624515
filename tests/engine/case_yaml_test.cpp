// YAML case files (case-records.md §1-§2) and how records read as of a date (language.md §5).
#include <gtest/gtest.h>

#include "support.hpp"

namespace waymark::engine {
namespace {

using testing::attribute;
using testing::day;
using testing::field;

testing::Loaded spec_example(const char* name) {
  return testing::load_yaml(testing::read_text(std::string(WAYMARK_SOURCE_ROOT) + "/tests/fixtures/spec/cases/" + name));
}

TEST(CaseYaml, LoadsTheSpecExampleWithTypedAttributes) {
  const auto loaded = spec_example("P-0042.yaml");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  ASSERT_EQ(loaded.caseload.pupils.size(), 1u);
  const Pupil& p = loaded.caseload.pupils[0];
  EXPECT_EQ(p.id(), "P-0042");
  EXPECT_EQ(p.upn, "Q801200110001");
  EXPECT_EQ(p.name, "Sam Example");
  EXPECT_EQ(std::get<dsl::Date>(p.attributes[attribute("dob")]), day("2012-03-14"));
  EXPECT_EQ(std::get<dsl::Rational>(p.attributes[attribute("year_group")]), dsl::Rational(9));
  EXPECT_EQ(std::get<std::string>(p.attributes[attribute("school")]), "Oakfield Academy");
  EXPECT_EQ(std::get<bool>(p.attributes[attribute("looked_after")]), true);
  EXPECT_EQ(std::get<bool>(p.attributes[attribute("fsm")]), false);  // booleans default to false
  EXPECT_EQ(std::get<EnumValue>(p.attributes[attribute("sen")]).index, 1u);  // sen_support
  EXPECT_TRUE(is_none(p.attributes[attribute("primary_need")]));
  EXPECT_TRUE(is_none(p.attributes[attribute("age")]));  // derived, never stored
}

TEST(CaseYaml, SortsRecordsByAnchorAndTypesTheirFields) {
  const auto loaded = spec_example("P-0042.yaml");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const auto& records = loaded.caseload.pupils[0].records;
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].id(), "T-1");   // 2025-06-01
  EXPECT_EQ(records[1].id(), "RT-3");  // 2025-09-08
  EXPECT_EQ(records[2].id(), "S-1");   // 2025-10-06
  EXPECT_EQ(records[3].id(), "M-1");   // 2025-10-09
  const Record& s = records[2];
  EXPECT_EQ(testing::england().kinds()[s.kind].name, "suspension");
  EXPECT_EQ(s.end(), day("2025-10-08"));
  EXPECT_EQ(std::get<dsl::Rational>(s.fields[field(s, "days")]), dsl::Rational(3));
  EXPECT_EQ(std::get<std::string>(s.fields[field(s, "reason")]), "persistent disruptive behaviour");
  const Record& rt = records[1];
  EXPECT_EQ(rt.end(), std::nullopt);
  EXPECT_EQ(std::get<DateList>(rt.fields[field(rt, "reviews")]), DateList{day("2025-09-22")});
  EXPECT_TRUE(is_none(rt.fields[field(rt, "la_notified")]));
  const Record& m = records[3];
  EXPECT_EQ(std::get<bool>(m.fields[field(m, "restorative")]), true);
  EXPECT_EQ(std::get<bool>(m.fields[field(m, "pupil_voice")]), false);
  EXPECT_EQ(loaded.caseload.pupils[0].attendance.first, day("2025-09-01"));
  EXPECT_EQ(loaded.caseload.pupils[0].attendance.sessions.size(), 28u);
}

TEST(CaseYaml, DerivesYearGroupAndAgeOnTheAsOfDate) {
  const auto loaded = spec_example("P-0043.yaml");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Pupil& p = loaded.caseload.pupils[0];
  const PupilLayout layout = PupilLayout::of(testing::england());
  EXPECT_TRUE(is_none(p.attributes[attribute("year_group")]));
  // Born 2 Nov 2011: academic year starting 2011, so Year 9 in 2025-26 and Year 8 in 2024-25.
  EXPECT_EQ(std::get<dsl::Rational>(attribute_at(p, attribute("year_group"), day("2025-11-17"), layout)), dsl::Rational(9));
  EXPECT_EQ(std::get<dsl::Rational>(attribute_at(p, attribute("year_group"), day("2025-08-31"), layout)), dsl::Rational(8));
  EXPECT_EQ(std::get<dsl::Rational>(attribute_at(p, layout.age, day("2025-11-01"), layout)), dsl::Rational(13));
  EXPECT_EQ(std::get<dsl::Rational>(attribute_at(p, layout.age, day("2025-11-02"), layout)), dsl::Rational(14));
  // Before birth the dob does not exist yet, so neither does an age.
  EXPECT_TRUE(is_none(attribute_at(p, layout.age, day("2011-01-01"), layout)));
  EXPECT_EQ(std::get<EnumValue>(p.attributes[attribute("sen")]).index, 0u);  // the enum's default, none
}

TEST(YearGroup, FollowsTheEnglishRule) {
  EXPECT_EQ(year_group_on(day("2012-09-01"), day("2025-11-17")), 8);  // oldest of their year
  EXPECT_EQ(year_group_on(day("2013-08-31"), day("2025-11-17")), 8);  // youngest of the same year
  EXPECT_EQ(year_group_on(day("2012-08-31"), day("2025-11-17")), 9);
  EXPECT_EQ(year_group_on(day("2020-09-01"), day("2025-09-01")), 0);  // Reception
  EXPECT_EQ(year_group_on(day("2020-09-01"), day("2025-08-31")), -1);
  EXPECT_EQ(age_on(day("2012-02-29"), day("2025-02-28")), 12);
  EXPECT_EQ(age_on(day("2012-02-29"), day("2025-03-01")), 13);
  EXPECT_EQ(age_on(day("2012-02-29"), day("2024-02-29")), 12);
}

const char* timeline = R"(pupil:
  id: P-1
  dob: 2012-03-14
records:
  - kind: suspension
    id: S-1
    start: 2025-10-06
    end: 2025-10-08
    days: 3
  - kind: reduced_timetable
    id: RT-1
    start: 2025-09-08
    hours_per_week: 12.5
    reviews: [2025-10-06, 2025-09-22]
    la_notified: 2025-10-10
  - kind: meeting
    id: M-1
    date: 2025-10-09
  - kind: meeting
    id: M-0
    date: 2025-10-09
)";

TEST(AsOf, RecordsAnchoredLaterDoNotExist) {
  const auto loaded = testing::load_yaml(timeline);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Pupil& p = loaded.caseload.pupils[0];
  ASSERT_EQ(p.records.size(), 4u);
  EXPECT_EQ(p.records[2].id(), "M-0");  // same date: ids bytewise
  EXPECT_EQ(records_at(p, day("2025-09-07")).size(), 0u);
  EXPECT_EQ(records_at(p, day("2025-09-08")).size(), 1u);
  EXPECT_EQ(records_at(p, day("2025-10-08")).size(), 2u);
  EXPECT_EQ(records_at(p, day("2025-10-09")).size(), 4u);
}

TEST(AsOf, AnEndAfterTheAsOfDateReadsAsOngoing) {
  const auto loaded = testing::load_yaml(timeline);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Record& s = loaded.caseload.pupils[0].records[1];
  ASSERT_EQ(s.id(), "S-1");
  EXPECT_EQ(end_at(s, day("2025-10-07")), std::nullopt);
  EXPECT_TRUE(is_active(s, day("2025-10-07")));
  EXPECT_EQ(end_at(s, day("2025-10-08")), day("2025-10-08"));
  EXPECT_FALSE(is_active(s, day("2025-10-08")));  // ending on the as-of date is not active
  EXPECT_TRUE(is_none(value_at(s.fields[end_field], day("2025-10-07"))));
}

TEST(AsOf, LaterDatesAndListEntriesReadAsNone) {
  const auto loaded = testing::load_yaml(timeline);
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const Record& rt = loaded.caseload.pupils[0].records[0];
  ASSERT_EQ(rt.id(), "RT-1");
  EXPECT_EQ(std::get<dsl::Rational>(rt.fields[field(rt, "hours_per_week")]), *dsl::Rational::fraction(25, 2));
  const auto& reviews = rt.fields[field(rt, "reviews")];
  EXPECT_EQ(std::get<DateList>(reviews), (DateList{day("2025-09-22"), day("2025-10-06")}));  // sorted
  EXPECT_EQ(dates_at(reviews, day("2025-09-21")).size(), 0u);
  EXPECT_EQ(dates_at(reviews, day("2025-09-22")).size(), 1u);
  EXPECT_EQ(dates_at(reviews, day("2025-10-06")).size(), 2u);
  EXPECT_EQ(date_at(rt.fields[field(rt, "la_notified")], day("2025-10-09")), std::nullopt);
  EXPECT_EQ(date_at(rt.fields[field(rt, "la_notified")], day("2025-10-10")), day("2025-10-10"));
  const Pupil t = truncated(loaded.caseload.pupils[0], day("2025-10-07"));
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(std::get<DateList>(t.records[0].fields[field(rt, "reviews")]), (DateList{day("2025-09-22"), day("2025-10-06")}));
  EXPECT_TRUE(is_none(t.records[0].fields[field(rt, "la_notified")]));
  EXPECT_EQ(t.records[1].end(), std::nullopt);
}

TEST(AsOf, MarksAfterTheAsOfDateAreDropped) {
  const auto loaded = spec_example("P-0042.yaml");
  ASSERT_TRUE(loaded.ok);
  const Pupil t = truncated(loaded.caseload.pupils[0], day("2025-09-03"));
  EXPECT_EQ(t.attendance.sessions.size(), 6u);  // 1 to 3 September
  EXPECT_EQ(truncated(loaded.caseload.pupils[0], day("2025-08-31")).attendance.sessions.size(), 0u);
}

TEST(CaseYaml, ReadsMultipleDocumentsAndLists) {
  const auto docs = testing::load_yaml("pupil: {id: B}\n---\npupil: {id: A}\n---\n");
  ASSERT_TRUE(docs.ok) << docs.diagnostics;
  ASSERT_EQ(docs.caseload.pupils.size(), 2u);
  EXPECT_EQ(docs.caseload.pupils[0].id(), "A");  // sorted by id
  const auto list = testing::load_yaml("- pupil: {id: A}\n- pupil: {id: B}\n  records: []\n");
  ASSERT_TRUE(list.ok) << list.diagnostics;
  EXPECT_EQ(list.caseload.pupils.size(), 2u);
}

TEST(CaseYaml, NumbersAndBooleansMustBePlainButDatesAndTextMayBeQuoted) {
  const auto quoted_number = testing::load_yaml(
      "pupil: {id: A}\nrecords:\n  - {kind: tier, id: T, start: 2025-01-01, level: \"2\"}\n");
  EXPECT_FALSE(quoted_number.ok);
  EXPECT_NE(quoted_number.diagnostics.find("write it without quotes"), std::string::npos);
  const auto quoted_date = testing::load_yaml(
      "pupil: {id: A, dob: '2012-03-14', school: \"St Mary's\"}\nrecords:\n  - {kind: incident, id: 7, date: \"2025-01-01\", category: 3}\n");
  ASSERT_TRUE(quoted_date.ok) << quoted_date.diagnostics;
  const Record& r = quoted_date.caseload.pupils[0].records[0];
  EXPECT_EQ(r.id(), "7");
  EXPECT_EQ(std::get<std::string>(r.fields[field(r, "category")]), "3");
}

TEST(CaseYaml, ReportsEveryErrorOfAFileAndKeepsNothingOfIt) {
  const auto loaded = testing::load_yaml(R"(pupil:
  id: A
  sen: ehc
records:
  - kind: suspention
    id: S
  - kind: tier
    id: T
    start: 2025-13-01
    level: two
)");
  EXPECT_FALSE(loaded.ok);
  EXPECT_TRUE(loaded.caseload.pupils.empty());
  EXPECT_NE(loaded.diagnostics.find("case.yaml:3:8: error: 'sen' is one of none, sen_support, ehcp; did you mean 'ehcp'? [unknown-value]"), std::string::npos) << loaded.diagnostics;
  EXPECT_NE(loaded.diagnostics.find("case.yaml:5:11: error: unknown record kind; did you mean 'suspension'? [unknown-kind]"), std::string::npos);
  EXPECT_NE(loaded.diagnostics.find("case.yaml:9:12: error: 'start' is not a real date: check the month and day [invalid-date]"), std::string::npos);
  EXPECT_NE(loaded.diagnostics.find("case.yaml:10:12: error: 'level' is a number"), std::string::npos);
}

TEST(CaseYaml, PupilIdsAreUniqueAcrossTheFilesOfALoad) {
  dsl::SourceSet sources;
  CaseLoader loader(testing::england());
  dsl::Diagnostics d;
  EXPECT_TRUE(loader.add_yaml(sources, sources.add("a.yaml", "pupil: {id: P-1}\n"), d));
  EXPECT_FALSE(loader.add_yaml(sources, sources.add("b.yaml", "pupil: {id: P-2}\n---\npupil:\n  id: P-1\n"), d));
  const std::string text = render_text(d.sorted(), sources);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "b.yaml:4:7: error: this pupil id is already used (a.yaml, line 1): each pupil appears once in a load [duplicate-pupil]");
  const Caseload c = loader.finish();
  ASSERT_EQ(c.pupils.size(), 1u);  // nothing of b.yaml, not even P-2
  EXPECT_NE(c.find("P-1"), nullptr);
  EXPECT_EQ(c.find("P-2"), nullptr);
}

TEST(CaseYaml, RedactionDropsTheNameAndMasksTheUpn) {
  const auto loaded = spec_example("P-0042.yaml");
  ASSERT_TRUE(loaded.ok);
  const Pupil r = redacted(loaded.caseload.pupils[0]);
  EXPECT_EQ(r.name, std::nullopt);
  EXPECT_EQ(r.upn, "Q801*********");
  EXPECT_EQ(r.id(), "P-0042");
}

TEST(CaseYaml, AnInvalidUpnIsAnErrorThatDoesNotRepeatIt) {
  const auto loaded = testing::load_yaml("pupil:\n  id: P-9\n  upn: A801200005001\n");
  EXPECT_FALSE(loaded.ok);
  const std::string first = testing::first_line(loaded.diagnostics);
  EXPECT_EQ(first, "case.yaml:3:8: error: this UPN has the wrong check letter: copy it again from the school's records [invalid-upn]");
  EXPECT_EQ(first.find("801200005001"), std::string::npos);
}

}  // namespace
}  // namespace waymark::engine
