// The list of pupils (a SENCO's caseload; the LA officer's drill-down from a count) and the cohort view.

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "markup.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/report/timeline.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server::pages {

namespace {

const std::vector<std::pair<std::string, std::string>>& group_words() {
  static const std::vector<std::pair<std::string, std::string>> words = {
      {"looked_after", "Looked after"},       {"previously_looked_after", "Previously looked after"},
      {"social_worker", "Has a social worker"}, {"ehc_plan", "EHC plan"},
      {"sen_support", "SEN support"},         {"fsm", "Free school meals"},
  };
  return words;
}

const std::vector<std::pair<std::string, std::string>>& measure_words() {
  static const std::vector<std::pair<std::string, std::string>> words = {
      {"persistent_absence", "Persistent absence (10% or more missed)"},
      {"severe_absence", "Severe absence (50% or more missed)"},
      {"suspension", "Suspended this year"},
      {"permanent_exclusion", "Permanently excluded this year"},
      {"part_time_timetable", "On a part-time timetable now"},
  };
  return words;
}

std::string words_of(const std::vector<std::pair<std::string, std::string>>& table, const std::string& key) {
  for (const auto& [k, v] : table) {
    if (k == key) return v;
  }
  return key;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

int worst(const engine::PupilResult& p) {
  int w = -1;
  for (const engine::Flag& f : p.flags) w = std::max(w, static_cast<int>(f.severity));
  return w;
}

std::optional<dsl::Date> earliest_due(const engine::PupilResult& p) {
  std::optional<dsl::Date> e;
  for (const engine::DueEntry& d : p.due) {
    if (d.deadline && (!e || *d.deadline < *e)) e = d.deadline;
  }
  return e;
}

std::string tier_words(const std::int64_t tier) { return tier == 0 ? "none" : std::to_string(tier); }

}  // namespace

PupilFacets pupil_facets(const engine::Pupil& pupil, const dsl::Vocabulary& vocabulary, const dsl::Date as_of) {
  PupilFacets facets;
  const auto& attributes = vocabulary.pupil_attributes();
  auto attribute = [&](const std::string& name) -> const engine::FieldValue* {
    for (std::size_t i = 0; i < attributes.size() && i < pupil.attributes.size(); ++i) {
      if (attributes[i].name == name) return &pupil.attributes[i];
    }
    return nullptr;
  };
  auto is_true = [&](const std::string& name) {
    const engine::FieldValue* v = attribute(name);
    return v != nullptr && std::holds_alternative<bool>(*v) && std::get<bool>(*v);
  };
  for (const char* flag : {"looked_after", "previously_looked_after", "social_worker"}) {
    if (is_true(flag)) facets.groups.emplace_back(flag);
  }
  if (const engine::FieldValue* sen = attribute("sen"); sen != nullptr && std::holds_alternative<engine::EnumValue>(*sen)) {
    const dsl::FieldSpec* spec = vocabulary.pupil_attribute("sen");
    const std::uint32_t index = std::get<engine::EnumValue>(*sen).index;
    if (spec != nullptr && index < spec->values.size()) {
      if (spec->values[index] == "ehcp") facets.groups.emplace_back("ehc_plan");
      if (spec->values[index] == "sen_support") facets.groups.emplace_back("sen_support");
    }
  }
  if (is_true("fsm")) facets.groups.emplace_back("fsm");

  // DfE: persistently absent at 10% or more of possible sessions missed, severely at 50% or more.
  const engine::DateWindow year = engine::academic_year_of(as_of);
  const engine::AttendanceCodes codes(vocabulary);
  const engine::AttendanceCounts counts = engine::count_sessions(pupil.attendance, codes, year.from, as_of, as_of);
  if (counts.possible > 0) {
    const double missed = 100.0 * static_cast<double>(counts.absent) / static_cast<double>(counts.possible);
    facets.absence = missed;
    if (counts.absent * 10 >= counts.possible) facets.measures.emplace_back("persistent_absence");
    if (counts.absent * 2 >= counts.possible) facets.measures.emplace_back("severe_absence");
  }
  bool suspended = false;
  bool excluded = false;
  bool part_time = false;
  for (const engine::Record& r : engine::records_at(pupil, as_of)) {
    const std::string& kind = vocabulary.kinds()[r.kind].name;
    if (kind == "suspension" && r.anchor() >= year.from) suspended = true;
    if (kind == "permanent_exclusion" && r.anchor() >= year.from) excluded = true;
    if (kind == "reduced_timetable" && engine::is_active(r, as_of)) part_time = true;
  }
  if (suspended) facets.measures.emplace_back("suspension");
  if (excluded) facets.measures.emplace_back("permanent_exclusion");
  if (part_time) facets.measures.emplace_back("part_time_timetable");
  return facets;
}

CaseloadFilter caseload_filter(const std::multimap<std::string, std::string>& query) {
  CaseloadFilter f;
  auto get = [&](const char* key) {
    const auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  };
  f.category = get("category");
  f.tier = get("tier");
  f.due_this_week = get("due") == "week";
  f.school = get("school");
  f.rule = get("rule");
  f.group = get("group");
  f.measure = get("measure");
  f.severity = get("severity");
  const std::string all = get("all");
  f.flagged_only = all == "no" || (!query.empty() && all != "yes" && (query.count("category") || query.count("tier") ||
                                                                     query.count("due") || query.count("all")));
  return f;
}

std::vector<const CaseloadEntry*> filter_caseload(const std::vector<CaseloadEntry>& entries, const CaseloadFilter& filter,
                                                  const dsl::Date as_of) {
  std::vector<const CaseloadEntry*> out;
  for (const CaseloadEntry& e : entries) {
    const engine::PupilResult& p = *e.result;
    if (filter.flagged_only && p.flags.empty() && p.due.empty()) continue;
    if (!filter.school.empty() && e.school != filter.school) continue;
    if (!filter.tier.empty() && tier_words(p.current_tier) != filter.tier) continue;
    if (!filter.group.empty() && !has(e.facets.groups, filter.group)) continue;
    if (!filter.measure.empty() && !has(e.facets.measures, filter.measure)) continue;
    if (!filter.category.empty() &&
        std::none_of(p.flags.begin(), p.flags.end(), [&](const engine::Flag& f) { return f.category == filter.category; })) {
      continue;
    }
    if (!filter.rule.empty() &&
        std::none_of(p.flags.begin(), p.flags.end(), [&](const engine::Flag& f) { return f.rule == filter.rule; })) {
      continue;
    }
    if (!filter.severity.empty() && std::none_of(p.flags.begin(), p.flags.end(), [&](const engine::Flag& f) {
          return filter.severity == engine::severity_name(f.severity);
        })) {
      continue;
    }
    // "Due this week": a deadline from the as-of date to six days after it (seven days in all).
    if (filter.due_this_week && std::none_of(p.due.begin(), p.due.end(), [&](const engine::DueEntry& d) {
          return d.deadline && *d.deadline >= as_of && dsl::days_between(as_of, *d.deadline) <= 6;
        })) {
      continue;
    }
    out.push_back(&e);
  }
  std::stable_sort(out.begin(), out.end(), [](const CaseloadEntry* a, const CaseloadEntry* b) {
    const engine::PupilResult& x = *a->result;
    const engine::PupilResult& y = *b->result;
    if (worst(x) != worst(y)) return worst(x) > worst(y);
    if (x.flags.size() != y.flags.size()) return x.flags.size() > y.flags.size();
    const auto dx = earliest_due(x);
    const auto dy = earliest_due(y);
    if (dx.has_value() != dy.has_value()) return dx.has_value();
    if (dx && *dx != *dy) return *dx < *dy;
    return x.id < y.id;
  });
  return out;
}

Page caseload_page(const Viewer& viewer, const store::RunRecord& run, const std::vector<CaseloadEntry>& entries,
                   const CaseloadFilter& filter, const dsl::Vocabulary& vocabulary) {
  const std::vector<const CaseloadEntry*> shown = filter_caseload(entries, filter, run.as_of);
  std::ostringstream m;
  const bool senco = viewer.role == "senco";
  std::string heading = senco ? "Caseload" : "Pupils";
  if (senco && viewer.schools.size() == 1) heading = "Caseload: " + viewer.schools.front();
  m << "<span class=\"govuk-caption-l\">As of " << report::long_date(run.as_of) << ", run " << run.id << "</span>"
    << "<h1 class=\"govuk-heading-l\">" << escape_html(heading) << "</h1>";
  // The active drill-down filters from the cohort view, in words, with a way back to everyone.
  std::vector<std::string> active;
  if (!filter.school.empty()) active.push_back("school: " + filter.school);
  if (!filter.rule.empty()) active.push_back("rule: " + filter.rule);
  if (!filter.group.empty()) active.push_back(words_of(group_words(), filter.group));
  if (!filter.measure.empty()) active.push_back(words_of(measure_words(), filter.measure));
  if (!filter.severity.empty()) active.push_back(filter.severity + " flags");
  if (!active.empty()) {
    m << "<p class=\"govuk-body\">Showing pupils with ";
    for (std::size_t i = 0; i < active.size(); ++i) m << (i ? "; " : "") << "<strong>" << escape_html(active[i]) << "</strong>";
    m << ". <a class=\"govuk-link\" href=\"/pupils\">Show all pupils</a></p>";
  }

  // The filter form: GET, so it works without JavaScript and the result can be bookmarked.
  m << "<form method=\"get\" action=\"" << (senco ? "/" : "/pupils") << "\" class=\"wm-filters\">";
  for (const auto& [key, value] : std::vector<std::pair<const char*, std::string>>{
           {"school", filter.school}, {"rule", filter.rule}, {"group", filter.group}, {"measure", filter.measure},
           {"severity", filter.severity}}) {
    if (!value.empty()) m << "<input type=\"hidden\" name=\"" << key << "\" value=\"" << escape_html(value) << "\">";
  }
  m << "<div class=\"govuk-form-group wm-filter\"><label class=\"govuk-label\" for=\"category\">Category of flag</label>"
    << "<select class=\"govuk-select\" id=\"category\" name=\"category\"><option value=\"\">Any</option>";
  for (const std::string& c : vocabulary.categories()) {
    m << "<option value=\"" << escape_html(c) << "\"" << (c == filter.category ? " selected" : "") << ">" << escape_html(c)
      << "</option>";
  }
  m << "</select></div><div class=\"govuk-form-group wm-filter\"><label class=\"govuk-label\" for=\"tier\">Current tier</label>"
    << "<select class=\"govuk-select\" id=\"tier\" name=\"tier\"><option value=\"\">Any</option>";
  std::set<std::int64_t> tiers;
  for (const CaseloadEntry& e : entries) tiers.insert(e.result->current_tier);
  for (const std::int64_t t : tiers) {
    const std::string v = tier_words(t);
    m << "<option value=\"" << v << "\"" << (v == filter.tier ? " selected" : "") << ">" << (t == 0 ? "No tier" : "Tier " + v)
      << "</option>";
  }
  m << "</select></div><div class=\"govuk-form-group wm-filter\"><div class=\"govuk-checkboxes govuk-checkboxes--small\">"
    << "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"due\" name=\"due\" type=\"checkbox\" "
    << "value=\"week\"" << (filter.due_this_week ? " checked" : "") << "><label class=\"govuk-label govuk-checkboxes__label\" "
    << "for=\"due\">Something due this week</label></div><div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
    << "id=\"all\" name=\"all\" type=\"checkbox\" value=\"yes\"" << (filter.flagged_only ? "" : " checked")
    << "><label class=\"govuk-label govuk-checkboxes__label\" for=\"all\">Include pupils with nothing flagged</label></div></div></div>"
    << "<button type=\"submit\" class=\"govuk-button govuk-button--secondary wm-filter\" data-module=\"govuk-button\">Apply filters</button></form>";

  std::size_t flags = 0;
  std::size_t due = 0;
  for (const CaseloadEntry* e : shown) {
    flags += e->result->flags.size();
    due += e->result->due.size();
  }
  m << "<p class=\"govuk-body\" id=\"caseload-count\">" << count_of(shown.size(), "pupil", "pupils") << ", "
    << count_of(flags, "flag", "flags") << ", " << count_of(due, "deadline", "deadlines") << " due. Most urgent first.</p>";
  if (shown.empty()) {
    m << "<p class=\"govuk-body\">No pupil matches these filters.</p>";
    return {heading, m.str(), senco ? "caseload" : "caseload", ""};
  }
  m << "<table class=\"govuk-table wm-caseload\"><caption class=\"govuk-table__caption govuk-visually-hidden\">Pupils, most urgent first</caption>"
    << "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Pupil</th>";
  if (!senco || viewer.schools.size() != 1) m << "<th scope=\"col\" class=\"govuk-table__header\">School</th>";
  m << "<th scope=\"col\" class=\"govuk-table__header\">Most severe</th><th scope=\"col\" class=\"govuk-table__header\">Overdue</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">Next due</th><th scope=\"col\" class=\"govuk-table__header\">Tier now</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">Suggested tier</th></tr></thead><tbody class=\"govuk-table__body\">";
  for (const CaseloadEntry* e : shown) {
    const engine::PupilResult& p = *e->result;
    m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/pupils/" << url_encode(p.id)
      << "\">" << escape_html(p.id) << "</a>";
    if (!viewer.redact && !e->name.empty()) m << "<br><span class=\"govuk-body-s\">" << escape_html(e->name) << "</span>";
    m << "</td>";
    if (!senco || viewer.schools.size() != 1) m << "<td class=\"govuk-table__cell\">" << escape_html(e->school) << "</td>";
    const int w = worst(p);
    m << "<td class=\"govuk-table__cell\">" << (w < 0 ? std::string("none") : severity_tag(static_cast<dsl::SeverityLevel>(w)))
      << "</td><td class=\"govuk-table__cell\">";
    if (p.flags.empty()) m << "nothing";
    for (std::size_t i = 0; i < p.flags.size() && i < 3; ++i) m << (i ? "<br>" : "") << escape_html(p.flags[i].title);
    if (p.flags.size() > 3) m << "<br>and " << p.flags.size() - 3 << " more";
    m << "</td><td class=\"govuk-table__cell\">";
    if (const auto d = earliest_due(p)) {
      for (const engine::DueEntry& entry : p.due) {
        if (entry.deadline == d) {
          m << "<strong>" << report::long_date(*d) << "</strong>: " << escape_html(entry.title);
          break;
        }
      }
    } else {
      m << "nothing";
    }
    m << "</td><td class=\"govuk-table__cell\">" << tier_words(p.current_tier) << "</td><td class=\"govuk-table__cell\">"
      << (p.suggested_tier ? "<strong>" + std::to_string(*p.suggested_tier) + "</strong>" : std::string("no change"))
      << "</td></tr>";
  }
  m << "</tbody></table>";
  return {heading, m.str(), "caseload", ""};
}

CohortSummary cohort_summary(const std::vector<CaseloadEntry>& entries) {
  CohortSummary s;
  std::map<std::string, std::pair<std::string, std::size_t>> rules;  // id -> title, pupils
  std::map<std::string, std::size_t> categories;
  std::map<std::string, std::size_t> schools;
  std::map<std::string, std::size_t> groups;
  std::map<std::string, std::size_t> measures;
  for (const CaseloadEntry& e : entries) {
    const engine::PupilResult& p = *e.result;
    ++s.pupils;
    if (!p.flags.empty()) ++s.flagged;
    if (e.facets.absence) ++s.pupils_with_attendance;
    std::set<std::string> seen_rules;
    std::set<std::string> seen_categories;
    for (const engine::Flag& f : p.flags) {
      if (seen_rules.insert(f.rule).second) {
        auto& r = rules[f.rule];
        r.first = f.title;
        ++r.second;
      }
      if (seen_categories.insert(f.category).second) ++categories[f.category];
    }
    if (!p.flags.empty()) ++schools[e.school];
    for (const std::string& g : e.facets.groups) ++groups[g];
    for (const std::string& m : e.facets.measures) ++measures[m];
  }
  for (const auto& [id, r] : rules) s.by_rule.push_back({id + ": " + r.first, r.second, "rule=" + url_encode(id)});
  for (const auto& [c, n] : categories) s.by_category.push_back({c, n, "category=" + url_encode(c) + "&all=no"});
  for (const auto& [school, n] : schools) s.by_school.push_back({school, n, "school=" + url_encode(school) + "&all=no"});
  for (const auto& [key, words] : group_words()) {
    const auto it = groups.find(key);
    s.by_group.push_back({words, it == groups.end() ? 0 : it->second, "group=" + key});
  }
  for (const auto& [key, words] : measure_words()) {
    const auto it = measures.find(key);
    s.by_measure.push_back({words, it == measures.end() ? 0 : it->second, "measure=" + key});
  }
  return s;
}

namespace {

std::string count_table(const std::string& caption, const std::string& what, const std::vector<CohortCount>& counts,
                        const std::size_t denominator = 0) {
  std::ostringstream t;
  t << "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-table__caption--m\">" << escape_html(caption)
    << "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
    << escape_html(what) << "</th><th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Pupils</th>";
  if (denominator > 0) t << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Rate</th>";
  t << "</tr></thead><tbody class=\"govuk-table__body\">";
  if (counts.empty()) {
    t << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" colspan=\"" << (denominator > 0 ? 3 : 2)
      << "\">None</td></tr>";
  }
  for (const CohortCount& c : counts) {
    t << "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header wm-normal\">" << escape_html(c.label)
      << "</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">";
    if (c.pupils == 0) {
      t << "0";
    } else {
      t << "<a class=\"govuk-link\" href=\"/pupils?" << escape_html(c.link) << "\">" << c.pupils
        << "<span class=\"govuk-visually-hidden\"> pupils: " << escape_html(c.label) << "</span></a>";
    }
    t << "</td>";
    if (denominator > 0) {
      char rate[32];
      std::snprintf(rate, sizeof rate, "%.1f%%", 100.0 * static_cast<double>(c.pupils) / static_cast<double>(denominator));
      t << "<td class=\"govuk-table__cell govuk-table__cell--numeric\">" << rate << "</td>";
    }
    t << "</tr>";
  }
  t << "</tbody></table>";
  return t.str();
}

}  // namespace

Page cohort_page(const Viewer& viewer, const store::RunRecord& run, const CohortSummary& summary,
                 const std::vector<store::RunRecord>& runs) {
  (void)viewer;
  std::ostringstream m;
  m << "<span class=\"govuk-caption-l\">As of " << report::long_date(run.as_of) << ", run " << run.id << ", pack "
    << escape_html(run.pack.name + " " + run.pack.version) << "</span><h1 class=\"govuk-heading-l\">Cohort across schools</h1>";
  m << "<div class=\"wm-figures\"><div class=\"wm-figure\"><span class=\"wm-figure__number\">" << summary.pupils
    << "</span> pupils evaluated</div><div class=\"wm-figure\"><a class=\"govuk-link\" href=\"/pupils?all=no\"><span class=\"wm-figure__number\">"
    << summary.flagged << "</span> pupils flagged</a></div></div>";
  m << "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-half\">"
    << count_table("Flagged pupils by school", "School", summary.by_school)
    << count_table("Flagged pupils by category", "Category", summary.by_category) << "</div><div class=\"govuk-grid-column-one-half\">"
    << count_table("Absence and exclusions this academic year", "Measure", summary.by_measure, summary.pupils)
    << count_table("Vulnerable groups", "Group", summary.by_group, summary.pupils) << "</div></div>";
  m << count_table("Pupils flagged by each rule", "Rule", summary.by_rule);
  // The trend over the stored runs, oldest first, so it reads left to right as time passes.
  m << "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-table__caption--m\">Trend over the stored runs</caption>"
    << "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Run</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">As of</th><th scope=\"col\" class=\"govuk-table__header\">Pack</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Pupils</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Flags</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Due</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Flags per 100 pupils</th></tr></thead><tbody class=\"govuk-table__body\">";
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    char per[32];
    std::snprintf(per, sizeof per, "%.1f", it->pupils == 0 ? 0.0 : 100.0 * static_cast<double>(it->flags) / static_cast<double>(it->pupils));
    m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">" << it->id << "</td><td class=\"govuk-table__cell\">"
      << report::long_date(it->as_of) << "</td><td class=\"govuk-table__cell\">" << escape_html(it->pack.name + " " + it->pack.version)
      << "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">" << it->pupils
      << "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">" << it->flags
      << "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">" << it->due
      << "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">" << per << "</td></tr>";
  }
  m << "</tbody></table>";
  return {"Cohort", m.str(), "cohort", ""};
}

}  // namespace waymark::server::pages
