#pragma once
// The pages of `waymark serve` (issue 12): pure functions from view data to HTML in the GOV.UK
// Frontend layout, for SENCOs, LA officers and auditors. Every value from the database goes through
// escaping; the pages read without JavaScript (forms post and redirect); a print stylesheet turns a
// pupil page into a meeting pack. The server gathers the view data (scoped to the user) and calls these.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/impact.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"
#include "waymark/store/audit.hpp"
#include "waymark/store/history.hpp"
#include "waymark/store/store.hpp"

namespace waymark::server::pages {

/// Who is looking: decides the navigation and what the page offers (server.md, Roles).
struct Viewer {
  std::string name;
  std::string role;  // senco, la_officer, auditor
  std::vector<std::string> schools;
  std::string csrf;  // the session's token, put in every form
  bool redact = false;
};

/// A page: its <title> (without the service name), the main content, and the navigation item it
/// belongs to ("caseload", "cohort", "packs", "impact", "runs", "audit").
struct Page {
  std::string title;
  std::string main;
  std::string section;
  std::string notice;  // a success banner ("Acknowledgement recorded"), already plain text
};

/// The whole document: GOV.UK template, header with the service name and the user's navigation,
/// the page's main content, footer. `assets` is the URL prefix of GOV.UK Frontend's files.
std::string layout(const Viewer& viewer, const Page& page);

/// The sign-in page; `error` (plain text) shows in an error summary when not empty.
std::string login_page(const std::string& error, const std::string& name);

/// A page for 404 and 403 answers, in the same layout.
std::string message_page(const Viewer& viewer, const std::string& title, const std::string& text);

// ---- the caseload (SENCO) and the pupil lists the cohort view links to ----

/// What the cohort view counts about one pupil besides their flags (the groups of Hertfordshire §6
/// and Kent's toolkit): vulnerable groups and this academic year's absence and exclusion measures.
struct PupilFacets {
  std::vector<std::string> groups;    // looked_after, previously_looked_after, social_worker, ehc_plan, sen_support, fsm
  std::vector<std::string> measures;  // persistent_absence, severe_absence, suspension, permanent_exclusion, part_time_timetable
  std::optional<double> absence;      // percent of possible sessions missed this academic year to date
};

/// The facets of a pupil as known on `as_of` (absence over the academic year to date: 10% or more is
/// persistent, 50% or more severe, as DfE defines them).
PupilFacets pupil_facets(const engine::Pupil& pupil, const dsl::Vocabulary& vocabulary, dsl::Date as_of);

/// One pupil of a list: the latest result, their school and (unless redacted) name, and facets.
struct CaseloadEntry {
  const engine::PupilResult* result = nullptr;
  std::string school;
  std::string name;
  PupilFacets facets;
};

/// The filters of a list, from the query string; every count of the cohort view links to one.
struct CaseloadFilter {
  std::string category;      // a flag of this category
  std::string tier;          // current tier ("none", "1", ...)
  bool due_this_week = false;  // a due entry within 7 days of the as-of date
  std::string school;
  std::string rule;          // a flag of this rule
  std::string group;         // a vulnerable group
  std::string measure;       // an absence or exclusion measure
  std::string severity;      // a flag of this severity
  bool flagged_only = false;   // only pupils with a flag or a due entry
};

/// The filter of a query string (`?category=attendance&tier=2&due=week`). The form's "include pupils
/// with nothing flagged" box is ticked by default: a query with filters but without `all=yes` (or with
/// `all=no`) shows only pupils with a flag or a due entry.
CaseloadFilter caseload_filter(const std::multimap<std::string, std::string>& query);

/// The entries that pass the filter, most urgent first: the most severe flag, then the number of
/// flags, then the earliest due deadline, then id.
std::vector<const CaseloadEntry*> filter_caseload(const std::vector<CaseloadEntry>& entries, const CaseloadFilter& filter,
                                                  dsl::Date as_of);

/// The list of pupils with its filter form (GET, so it works without JavaScript and can be bookmarked).
Page caseload_page(const Viewer& viewer, const store::RunRecord& run, const std::vector<CaseloadEntry>& entries,
                   const CaseloadFilter& filter, const dsl::Vocabulary& vocabulary);

// ---- one pupil ----

/// Everything the pupil page shows. Pointers may be null when the store could not supply them (the
/// timeline and history are then left out, with a sentence saying so).
struct PupilView {
  const engine::PupilResult* result = nullptr;
  std::string school;
  std::string name;
  std::vector<std::int64_t> flag_ids;                          // aligned with result->flags
  std::vector<std::vector<store::Acknowledgement>> acknowledgements;  // aligned with result->flags
  const engine::Pupil* pupil = nullptr;
  const engine::Calendar* calendar = nullptr;
  const dsl::Vocabulary* vocabulary = nullptr;
  const store::PupilHistory* history = nullptr;
  store::RunRecord run;
  bool can_acknowledge = false;
};

/// The pupil page: overdue flags in plain English, due deadlines, suggested tier and actions, who to
/// tell, the timeline, acknowledgement forms, and the history of flags and acknowledgements.
Page pupil_page(const Viewer& viewer, const PupilView& view);

/// A role id in words: `la_inclusion` -> "the LA inclusion team".
std::string role_words(const std::string& role);

/// A flag's explanation in plain English: the conditions that held with their values and dates, as
/// an HTML list (escaped).
std::string plain_explanation(const engine::Explanation& explanation);

// ---- a flag's trace (auditor, and one click from a SENCO's pupil page) ----

/// A rule as written: its qualified id, where it is, and its source text.
struct RuleSource {
  std::string id;
  std::string location;  // file:line:column
  std::string text;
};

Page flag_page(const Viewer& viewer, const store::StoredFlag& flag, const std::vector<store::Acknowledgement>& acknowledgements,
               const std::optional<RuleSource>& source);

// ---- the LA officer's views ----

/// A count that links to its pupils.
struct CohortCount {
  std::string label;
  std::size_t pupils = 0;
  std::string link;  // query string of /pupils
};

/// The cohort view's numbers for one run.
struct CohortSummary {
  std::size_t pupils = 0;
  std::size_t flagged = 0;
  std::vector<CohortCount> by_rule;
  std::vector<CohortCount> by_category;
  std::vector<CohortCount> by_school;
  std::vector<CohortCount> by_group;
  std::vector<CohortCount> by_measure;
  std::size_t pupils_with_attendance = 0;  // the denominator of the absence rates
};

/// Counts over the latest run's pupils: each pupil once per rule, category, school, group or measure.
CohortSummary cohort_summary(const std::vector<CaseloadEntry>& entries);

Page cohort_page(const Viewer& viewer, const store::RunRecord& run, const CohortSummary& summary,
                 const std::vector<store::RunRecord>& runs);

/// A pack as the LA officer reads it: rules with their citations, parameters with their values.
struct PackRule {
  std::string id;
  std::string title;
  std::string category;
  std::string severity;
  std::string cite;
  std::string location;
  std::string source;
  bool enabled = true;
};
struct PackParameter {
  std::string name;  // qualified: england.review_interval
  std::string value;
  std::string description;
  std::string declared_at;
  bool overridden = false;
};
struct PackCatalogue {
  std::string name;
  std::string version;
  std::string digest;
  std::vector<std::string> layers;  // "england 1.0.0", "hertfordshire 2025.1"
  std::vector<PackRule> rules;
  std::vector<PackParameter> parameters;
};

Page packs_page(const Viewer& viewer, const PackCatalogue& catalogue);

/// What the impact preview was asked: one parameter and its new value (as written in a pack), or an
/// overlay pack's manifest and rule text.
struct ImpactRequest {
  std::string parameter;
  std::string value;
};

/// One pupil whose flag changed, with the values that decided it (the flag's plain explanation in
/// the run that raised it).
struct ImpactPupil {
  std::string id;
  std::string school;
  std::vector<std::string> facts;
};
struct ImpactRule {
  std::string rule;
  std::string title;
  std::vector<ImpactPupil> newly_flagged;
  std::vector<ImpactPupil> no_longer_flagged;
};
struct ImpactPreview {
  ImpactRequest request;
  dsl::Date as_of;
  std::size_t pupils = 0;
  std::size_t pupils_changed = 0;
  std::vector<ImpactRule> rules;
};

/// The preview's per-rule lists from two runs over the same caseload (engine::compare_runs), each
/// pupil with the facts of the flag that exists in one run only.
ImpactPreview impact_preview(const ImpactRequest& request, const engine::RunResult& before, const engine::RunResult& after,
                             const std::map<std::string, std::string>& schools);

/// The form (parameters of the pack to choose from) and, when given, the preview or the problems
/// with the request (plain text, one per line).
Page impact_page(const Viewer& viewer, const PackCatalogue& catalogue, const ImpactRequest& request,
                 const std::optional<ImpactPreview>& preview, const std::vector<std::string>& problems);

// ---- runs and the audit trail ----

/// The stored runs; an LA officer also gets the form that starts a new run.
Page runs_page(const Viewer& viewer, const std::vector<store::RunRecord>& runs, dsl::Date today,
               const std::vector<std::string>& problems);

/// One acknowledgement in the log, with what it acknowledged.
struct AcknowledgementEntry {
  store::Acknowledgement acknowledgement;
  std::string pupil;
  std::string rule;
  std::string title;
  std::int64_t run = 0;
};

Page audit_page(const Viewer& viewer, const store::AuditReport& report, const std::vector<AcknowledgementEntry>& log);

}  // namespace waymark::server::pages
