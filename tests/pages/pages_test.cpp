// The server's pages as functions of their view data (server/pages): urgency order and filters,
// cohort counts, plain-English explanations, escaping, and the pieces each persona relies on.

#include <gtest/gtest.h>

#include "../engine/support.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server::pages {
namespace {

using engine::testing::day;

engine::Flag flag(const std::string& rule, const std::string& category, dsl::SeverityLevel severity) {
  engine::Flag f;
  f.rule = rule;
  f.title = rule + " title";
  f.category = category;
  f.severity = severity;
  return f;
}

engine::DueEntry due(const char* deadline) {
  engine::DueEntry d;
  d.title = "something due";
  d.deadline = day(deadline);
  return d;
}

struct Caseload {
  std::vector<engine::PupilResult> results;
  std::vector<CaseloadEntry> entries;
  Caseload() {
    results.resize(5);
    results[0].id = "P-1";  // one medium flag
    results[0].flags = {flag("england/a", "attendance", dsl::SeverityLevel::medium)};
    results[1].id = "P-2";  // one urgent flag: first
    results[1].flags = {flag("england/b", "exclusion", dsl::SeverityLevel::urgent)};
    results[1].current_tier = 2;
    results[2].id = "P-3";  // two medium flags: before P-1 (same severity, more flags)
    results[2].flags = {flag("england/a", "attendance", dsl::SeverityLevel::medium),
                        flag("england/c", "send", dsl::SeverityLevel::low)};
    results[3].id = "P-4";  // only due on 20 November (3 days after the as-of date)
    results[3].due = {due("2025-11-20")};
    results[4].id = "P-5";  // nothing
    for (std::size_t i = 0; i < results.size(); ++i) {
      CaseloadEntry e;
      e.result = &results[i];
      e.school = i < 3 ? "Oakfield Academy" : "Brook Primary School";
      entries.push_back(e);
    }
    entries[0].facets.groups = {"looked_after", "fsm"};
    entries[0].facets.measures = {"persistent_absence"};
    entries[0].facets.absence = 12.5;
    entries[1].facets.groups = {"fsm"};
  }
};

std::vector<std::string> ids(const std::vector<const CaseloadEntry*>& shown) {
  std::vector<std::string> out;
  for (const CaseloadEntry* e : shown) out.push_back(e->result->id);
  return out;
}

TEST(Caseload, PutsTheMostUrgentFirst) {
  const Caseload c;
  // urgent (P-2), then medium with 2 flags (P-3), medium with 1 (P-1), then due only (P-4), then nothing.
  EXPECT_EQ(ids(filter_caseload(c.entries, {}, day("2025-11-17"))),
            (std::vector<std::string>{"P-2", "P-3", "P-1", "P-4", "P-5"}));
}

TEST(Caseload, FiltersByCategoryTierDueThisWeekAndDrillDowns) {
  const Caseload c;
  const dsl::Date as_of = day("2025-11-17");
  CaseloadFilter f;
  f.category = "attendance";
  EXPECT_EQ(ids(filter_caseload(c.entries, f, as_of)), (std::vector<std::string>{"P-3", "P-1"}));
  f = {};
  f.tier = "2";
  EXPECT_EQ(ids(filter_caseload(c.entries, f, as_of)), (std::vector<std::string>{"P-2"}));
  f = {};
  f.due_this_week = true;  // 20 November is 3 days after 17 November
  EXPECT_EQ(ids(filter_caseload(c.entries, f, as_of)), (std::vector<std::string>{"P-4"}));
  EXPECT_TRUE(filter_caseload(c.entries, f, day("2025-11-13")).empty());  // 7 days ahead: next week
  f = {};
  f.group = "fsm";
  EXPECT_EQ(ids(filter_caseload(c.entries, f, as_of)), (std::vector<std::string>{"P-2", "P-1"}));
  f = {};
  f.flagged_only = true;
  f.school = "Brook Primary School";
  EXPECT_EQ(ids(filter_caseload(c.entries, f, as_of)), (std::vector<std::string>{"P-4"}));
}

TEST(Caseload, ReadsItsFilterFromTheQueryString) {
  const CaseloadFilter form = caseload_filter({{"category", "send"}, {"tier", ""}, {"due", "week"}});
  EXPECT_EQ(form.category, "send");
  EXPECT_TRUE(form.due_this_week);
  EXPECT_TRUE(form.flagged_only);  // the form was sent with "include pupils with nothing flagged" unticked
  const CaseloadFilter link = caseload_filter({{"group", "looked_after"}});
  EXPECT_EQ(link.group, "looked_after");
  EXPECT_FALSE(link.flagged_only);  // a cohort count's link lists every pupil of the group
  EXPECT_FALSE(caseload_filter({}).flagged_only);
}

TEST(Cohort, CountsEachPupilOncePerRuleCategorySchoolAndGroup) {
  const Caseload c;
  const CohortSummary s = cohort_summary(c.entries);
  EXPECT_EQ(s.pupils, 5u);
  EXPECT_EQ(s.flagged, 3u);  // P-1, P-2, P-3
  ASSERT_EQ(s.by_rule.size(), 3u);
  EXPECT_EQ(s.by_rule[0].label, "england/a: england/a title");
  EXPECT_EQ(s.by_rule[0].pupils, 2u);  // P-1 and P-3
  EXPECT_EQ(s.by_rule[0].link, "rule=england/a");
  ASSERT_EQ(s.by_school.size(), 1u);  // only Oakfield has flagged pupils
  EXPECT_EQ(s.by_school[0].pupils, 3u);
  EXPECT_EQ(s.by_school[0].link, "school=Oakfield%20Academy&all=no");
  EXPECT_EQ(s.by_group[0].label, "Looked after");
  EXPECT_EQ(s.by_group[0].pupils, 1u);
  EXPECT_EQ(s.by_group[5].label, "Free school meals");
  EXPECT_EQ(s.by_group[5].pupils, 2u);
  EXPECT_EQ(s.by_measure[0].pupils, 1u);  // persistent absence: P-1
}

TEST(Facets, MeasureAbsenceOverTheAcademicYearAndThisYearsExclusions) {
  // 2 INSET days ("--"), then 3 days present and 5 days with one session missed each: 5 of 16 = 31.25%.
  const auto loaded = engine::testing::load_yaml(R"(pupil:
  id: P-9
  looked_after: true
  sen: ehcp
records:
  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-07, days: 2}
  - {kind: suspension, id: S-0, start: 2025-03-03, end: 2025-03-03, days: 1}
  - {kind: reduced_timetable, id: RT-1, start: 2025-09-01, end: 2025-09-30, hours_per_week: 10}
attendance:
  - from: 2025-09-01
    marks: '-- -- /\ /\ /\ -- -- | /N /N /N /N /N'
)");
  ASSERT_TRUE(loaded.ok) << loaded.diagnostics;
  const PupilFacets f = pupil_facets(loaded.caseload.pupils[0], engine::testing::england(), day("2025-11-17"));
  EXPECT_EQ(f.groups, (std::vector<std::string>{"looked_after", "ehc_plan"}));
  ASSERT_TRUE(f.absence.has_value());
  EXPECT_DOUBLE_EQ(*f.absence, 100.0 * 5 / 16);
  // 31.25% is persistent (>= 10%), not severe (< 50%); suspended this year (S-1; S-0 was last year);
  // the part-time timetable ended on 30 September.
  EXPECT_EQ(f.measures, (std::vector<std::string>{"persistent_absence", "suspension"}));
}

TEST(PupilPage, ExplainsInPlainEnglishAndEscapesEverything) {
  engine::PupilResult p;
  p.id = "P-<1>";
  engine::Flag f = flag("england/rt", "compliance", dsl::SeverityLevel::high);
  f.title = "Part-time timetable <b>not</b> reviewed";
  f.notify = {"la_inclusion", "dsl"};
  // As the engine fills them: the suggestions' own words, the tier in its field (language.md §6). A
  // suggestion whose words look like an explanation's action line is shown as written.
  f.actions = {"Review the timetable", "suggest tier 9: as the pack wrote it"};
  f.tier = 3;
  f.cite = "DfE Working together to improve school attendance, para 145";
  engine::ExplanationNode when;
  when.joiner = "when";
  when.text = "rt older than 6 weeks and no rt.reviews within last review_interval";
  when.result = engine::Truth::of(true);
  engine::ExplanationNode a;
  a.joiner = "when";
  a.result = engine::Truth::of(true);
  a.facts = {"rt is RT-3 (2025-09-08), 10 weeks before 2025-11-17"};
  engine::ExplanationNode b = a;
  b.joiner = "and";
  b.facts = {"none found from 2025-10-20 to 2025-11-17"};
  engine::ExplanationNode failed = a;
  failed.result = engine::Truth::of(false);
  failed.facts = {"this did not hold"};
  engine::ExplanationNode either;
  either.joiner = "and";
  either.result = engine::Truth::of(true);
  either.children = {failed, b};
  when.children = {a, either};
  f.explanation.when = when;
  p.flags = {f};
  p.suggested_tier = 3;
  PupilView view;
  view.result = &p;
  view.school = "Oakfield & Co";
  view.flag_ids = {42};
  view.acknowledgements = {{{1, 42, "ms.senco", "Told the LA <today>", "2025-11-18T09:30:00Z"}}};
  view.run.as_of = day("2025-11-17");
  view.can_acknowledge = true;
  Viewer senco{"ms.senco", "senco", {"Oakfield & Co"}, "tok\"en", false};
  const std::string html = layout(senco, pupil_page(senco, view));
  auto has = [&](const std::string& s) { return html.find(s) != std::string::npos; };
  // The facts of the conditions that held, in order, and not the one that failed inside the `or`.
  EXPECT_TRUE(has("<li>rt is RT-3 (2025-09-08), 10 weeks before 2025-11-17</li><li>none found from 2025-10-20 to 2025-11-17</li>"));
  EXPECT_FALSE(has("this did not hold"));
  EXPECT_TRUE(has("<li>the LA inclusion team</li><li>the designated safeguarding lead</li>"));
  EXPECT_TRUE(has("The LA inclusion team, the designated safeguarding lead"));  // the summary's "Who to tell"
  EXPECT_TRUE(has("<li>Review the timetable</li><li>suggest tier 9: as the pack wrote it</li></ul>"
                  "<p class=\"govuk-body\">Suggests tier 3.</p>"));
  EXPECT_TRUE(has("<strong>Tier 3</strong>"));
  EXPECT_TRUE(has("<cite>DfE Working together to improve school attendance, para 145</cite>"));
  EXPECT_TRUE(has("href=\"/flags/42\">Full trace of flag 1"));
  EXPECT_TRUE(has("<form method=\"post\" action=\"/flags/42/ack\""));
  EXPECT_TRUE(has("<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">"));
  EXPECT_TRUE(has("on 18 November 2025 at 09:30 UTC: Told the LA &lt;today&gt;"));
  EXPECT_TRUE(has("Part-time timetable &lt;b&gt;not&lt;/b&gt; reviewed"));
  EXPECT_TRUE(has("P-&lt;1&gt;"));
  EXPECT_TRUE(has("Oakfield &amp; Co"));
  EXPECT_FALSE(has("<b>not</b>"));
  EXPECT_FALSE(has("<today>"));
  // An auditor sees the same page without the form.
  view.can_acknowledge = false;
  Viewer auditor{"a.auditor", "auditor", {}, "t", false};
  EXPECT_EQ(layout(auditor, pupil_page(auditor, view)).find("/ack\""), std::string::npos);
}

TEST(Layout, GivesEachRoleItsNavigationAndMarksTheCurrentPage) {
  const Viewer officer{"o", "la_officer", {}, "t", false};
  const std::string html = layout(officer, Page{"Cohort", "<p>x</p>", "cohort", ""});
  EXPECT_NE(html.find("<html lang=\"en\" class=\"govuk-template\">"), std::string::npos);
  EXPECT_NE(html.find("<title>Cohort - Waymark</title>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/\" aria-current=\"page\">Cohort</a>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/impact\">Impact preview</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#main-content\" class=\"govuk-skip-link\""), std::string::npos);
  const Viewer senco{"s", "senco", {"Oakfield"}, "t", false};
  EXPECT_EQ(layout(senco, Page{"Caseload", "", "caseload", ""}).find("/impact"), std::string::npos);
}

TEST(Impact, ListsNewlyAndNoLongerFlaggedPupilsWithTheirDecidingValues) {
  engine::RunResult before;
  engine::RunResult after;
  before.as_of = after.as_of = day("2025-11-17");
  before.pupils.resize(2);
  after.pupils.resize(2);
  before.pupils[0].id = after.pupils[0].id = "P-1";
  before.pupils[1].id = after.pupils[1].id = "P-2";
  engine::Flag pa = flag("england/persistent-absence", "attendance", dsl::SeverityLevel::medium);
  engine::ExplanationNode leaf;
  leaf.result = engine::Truth::of(true);
  leaf.facts = {"absence in this academic year is 8.5% (11 of 130 sessions)"};
  pa.explanation.when = leaf;
  after.pupils[0].flags = {pa};  // P-1 newly flagged when the threshold drops to 8%
  engine::Flag old = pa;
  old.explanation.when->facts = {"absence in this academic year is 10.2% (13 of 128 sessions)"};
  before.pupils[1].flags = {old};  // P-2 no longer flagged
  const ImpactPreview preview =
      impact_preview({"england.persistent_absence", "8%"}, before, after, {{"P-1", "Oakfield"}, {"P-2", "Brook"}});
  EXPECT_EQ(preview.pupils, 2u);
  EXPECT_EQ(preview.pupils_changed, 2u);
  ASSERT_EQ(preview.rules.size(), 1u);
  ASSERT_EQ(preview.rules[0].newly_flagged.size(), 1u);
  EXPECT_EQ(preview.rules[0].newly_flagged[0].id, "P-1");
  EXPECT_EQ(preview.rules[0].newly_flagged[0].school, "Oakfield");
  EXPECT_EQ(preview.rules[0].newly_flagged[0].facts,
            (std::vector<std::string>{"absence in this academic year is 8.5% (11 of 130 sessions)"}));
  ASSERT_EQ(preview.rules[0].no_longer_flagged.size(), 1u);
  EXPECT_EQ(preview.rules[0].no_longer_flagged[0].facts,
            (std::vector<std::string>{"absence in this academic year is 10.2% (13 of 128 sessions)"}));
}

}  // namespace
}  // namespace waymark::server::pages
