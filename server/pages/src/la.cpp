// The LA officer's pages besides the cohort: the pack's rules and parameters, the impact preview of a
// parameter change, and the stored runs (with the form that starts a new one). The auditor's audit page.

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "markup.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server::pages {

Page packs_page(const Viewer& viewer, const PackCatalogue& c) {
  std::ostringstream m;
  m << "<span class=\"govuk-caption-l\">The pack this server evaluates</span><h1 class=\"govuk-heading-l\">Rules: "
    << escape_html(c.name + " " + c.version) << "</h1><p class=\"govuk-body\">Digest <code class=\"wm-digest\">" << escape_html(c.digest)
    << "</code>. Layers, base first: ";
  for (std::size_t i = 0; i < c.layers.size(); ++i) m << (i ? ", " : "") << escape_html(c.layers[i]);
  m << ".</p>";
  if (viewer.role == "la_officer") {
    m << "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/impact\">Preview the impact of changing a parameter</a></p>";
  }
  m << "<h2 class=\"govuk-heading-m\">Parameters</h2><table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
    << "<th scope=\"col\" class=\"govuk-table__header\">Parameter</th><th scope=\"col\" class=\"govuk-table__header\">Value</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">Meaning</th><th scope=\"col\" class=\"govuk-table__header\">Declared at</th></tr></thead>"
    << "<tbody class=\"govuk-table__body\">";
  for (const PackParameter& p : c.parameters) {
    m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><code>" << escape_html(p.name) << "</code></td><td class=\"govuk-table__cell\">"
      << escape_html(p.value) << (p.overridden ? " <strong class=\"govuk-tag govuk-tag--blue\">set by the LA</strong>" : "")
      << "</td><td class=\"govuk-table__cell\">" << escape_html(p.description) << "</td><td class=\"govuk-table__cell\"><code>"
      << escape_html(p.declared_at) << "</code></td></tr>";
  }
  m << "</tbody></table><h2 class=\"govuk-heading-m\">Rules</h2>";
  for (const PackRule& r : c.rules) {
    m << "<div class=\"wm-rule\" id=\"rule-" << escape_html(r.id) << "\"><h3 class=\"govuk-heading-s\">" << escape_html(r.title) << " "
      << "<span class=\"govuk-body-s wm-muted\">" << escape_html(r.severity) << ", " << escape_html(r.category) << "</span>"
      << (r.enabled ? "" : " <strong class=\"govuk-tag govuk-tag--grey\">disabled by the LA</strong>") << "</h3>"
      << "<p class=\"govuk-body-s\"><code>" << escape_html(r.id) << "</code> at <code>" << escape_html(r.location) << "</code>";
    if (!r.cite.empty()) m << "<br>Guidance: <cite>" << escape_html(r.cite) << "</cite>";
    m << "</p><details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span class=\"govuk-details__summary-text\">"
      << "The rule as written<span class=\"govuk-visually-hidden\">: " << escape_html(r.id) << "</span></span></summary>"
      << "<div class=\"govuk-details__text\"><pre class=\"wm-source\">" << escape_html(r.source) << "</pre></div></details></div>";
  }
  return {"Rules", m.str(), "packs", ""};
}

ImpactPreview impact_preview(const ImpactRequest& request, const engine::RunResult& before, const engine::RunResult& after,
                             const std::map<std::string, std::string>& schools) {
  ImpactPreview out;
  out.request = request;
  out.as_of = after.as_of;
  const engine::PackImpact impact = engine::compare_runs(before, after);
  out.pupils = impact.pupils;
  out.pupils_changed = impact.pupils_changed;
  // The flag that exists in one run only carries the deciding values: its explanation's facts.
  auto find_flag = [](const engine::RunResult& run, const std::string& pupil, const std::string& rule) -> const engine::Flag* {
    const auto it = std::lower_bound(run.pupils.begin(), run.pupils.end(), pupil,
                                     [](const engine::PupilResult& p, const std::string& id) { return p.id < id; });
    if (it == run.pupils.end() || it->id != pupil) return nullptr;
    for (const engine::Flag& f : it->flags) {
      if (f.rule == rule) return &f;
    }
    return nullptr;
  };
  auto facts_of = [](const engine::Flag* f) {
    std::vector<std::string> facts;
    if (f == nullptr || !f->explanation.when) return facts;
    std::vector<const engine::ExplanationNode*> stack{&*f->explanation.when};
    while (!stack.empty()) {
      const engine::ExplanationNode* n = stack.back();
      stack.pop_back();
      for (auto c = n->children.rbegin(); c != n->children.rend(); ++c) stack.push_back(&*c);
      // The leaves that held decided the flag; a fact shared by two conditions is shown once.
      if (n->children.empty() && n->result.yes()) {
        for (const std::string& fact : n->facts) {
          if (std::find(facts.begin(), facts.end(), fact) == facts.end()) facts.push_back(fact);
        }
      }
    }
    return facts;
  };
  auto school_of = [&](const std::string& id) {
    const auto it = schools.find(id);
    return it == schools.end() ? std::string() : it->second;
  };
  for (const engine::RuleImpact& r : impact.rules) {
    ImpactRule rule;
    rule.rule = r.rule;
    for (const std::string& id : r.newly_flagged) {
      const engine::Flag* f = find_flag(after, id, r.rule);
      if (f != nullptr && rule.title.empty()) rule.title = f->title;
      rule.newly_flagged.push_back({id, school_of(id), facts_of(f)});
    }
    for (const std::string& id : r.no_longer_flagged) {
      const engine::Flag* f = find_flag(before, id, r.rule);
      if (f != nullptr && rule.title.empty()) rule.title = f->title;
      rule.no_longer_flagged.push_back({id, school_of(id), facts_of(f)});
    }
    out.rules.push_back(std::move(rule));
  }
  return out;
}

namespace {

std::string impact_list(const char* heading, const char* when, const std::vector<ImpactPupil>& pupils) {
  if (pupils.empty()) return "";
  std::ostringstream m;
  m << "<h4 class=\"govuk-heading-s wm-h4\">" << heading << ": " << pupils.size() << "</h4><table class=\"govuk-table wm-impact\">"
    << "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Pupil</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">School</th><th scope=\"col\" class=\"govuk-table__header\">Deciding values "
    << when << "</th></tr></thead><tbody class=\"govuk-table__body\">";
  for (const ImpactPupil& p : pupils) {
    m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/pupils/" << url_encode(p.id)
      << "\">" << escape_html(p.id) << "</a></td><td class=\"govuk-table__cell\">" << escape_html(p.school)
      << "</td><td class=\"govuk-table__cell\">";
    for (std::size_t i = 0; i < p.facts.size(); ++i) m << (i ? "<br>" : "") << escape_html(p.facts[i]);
    m << "</td></tr>";
  }
  m << "</tbody></table>";
  return m.str();
}

}  // namespace

Page impact_page(const Viewer& viewer, const PackCatalogue& catalogue, const ImpactRequest& request,
                 const std::optional<ImpactPreview>& preview, const std::vector<std::string>& problems) {
  std::ostringstream m;
  if (!problems.empty()) {
    m << "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\"><h2 class=\"govuk-error-summary__title\">"
      << "There is a problem</h2><div class=\"govuk-error-summary__body\"><ul class=\"govuk-list govuk-error-summary__list\">";
    for (const std::string& p : problems) m << "<li><a href=\"#value\">" << escape_html(p) << "</a></li>";
    m << "</ul></div></div></div>";
  }
  m << "<span class=\"govuk-caption-l\">" << escape_html(catalogue.name + " " + catalogue.version)
    << "</span><h1 class=\"govuk-heading-l\">Impact preview</h1><p class=\"govuk-body\">See which pupils a parameter change would "
    << "newly flag, and which it would stop flagging, over the stored caseload, before anything is published. Nothing is stored.</p>"
    << "<form method=\"post\" action=\"/impact\">" << csrf_field(viewer.csrf)
    << "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"parameter\">Parameter</label>"
    << "<select class=\"govuk-select\" id=\"parameter\" name=\"parameter\">";
  for (const PackParameter& p : catalogue.parameters) {
    m << "<option value=\"" << escape_html(p.name) << "\"" << (p.name == request.parameter ? " selected" : "") << ">"
      << escape_html(p.name + " (now " + p.value + ")") << "</option>";
  }
  m << "</select></div><div class=\"govuk-form-group" << (problems.empty() ? "" : " govuk-form-group--error")
    << "\"><label class=\"govuk-label govuk-label--s\" for=\"value\">New value</label><div class=\"govuk-hint\" id=\"value-hint\">"
    << "Written as in a pack: 90%, 6 weeks, 10 school days, 2025-09-01</div>";
  if (!problems.empty()) {
    m << "<p id=\"value-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> "
      << escape_html(problems.front()) << "</p>";
  }
  m << "<input class=\"govuk-input govuk-input--width-10" << (problems.empty() ? "" : " govuk-input--error")
    << "\" id=\"value\" name=\"value\" type=\"text\" spellcheck=\"false\" value=\"" << escape_html(request.value)
    << "\" aria-describedby=\"value-hint" << (problems.empty() ? "" : " value-error") << "\"></div>"
    << "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Preview the impact</button></form>";
  if (preview) {
    std::size_t newly = 0;
    std::size_t gone = 0;
    for (const ImpactRule& r : preview->rules) {
      newly += r.newly_flagged.size();
      gone += r.no_longer_flagged.size();
    }
    m << "<h2 class=\"govuk-heading-m\" id=\"preview\">If <code>" << escape_html(preview->request.parameter) << "</code> were "
      << escape_html(preview->request.value) << "</h2><div class=\"govuk-inset-text\">As of " << report::long_date(preview->as_of)
      << ", over " << count_of(preview->pupils, "pupil", "pupils") << ": " << newly << " newly flagged, " << gone
      << " no longer flagged (pupil and rule pairs); " << count_of(preview->pupils_changed, "pupil", "pupils") << " affected.</div>";
    if (preview->rules.empty()) m << "<p class=\"govuk-body\">No rule would flag a different set of pupils.</p>";
    for (const ImpactRule& r : preview->rules) {
      m << "<h3 class=\"govuk-heading-s\">" << escape_html(r.title.empty() ? r.rule : r.title) << " <span class=\"govuk-body-s wm-muted\"><code>"
        << escape_html(r.rule) << "</code></span></h3>" << impact_list("Newly flagged", "after the change", r.newly_flagged)
        << impact_list("No longer flagged", "before the change", r.no_longer_flagged);
    }
  }
  return {"Impact preview", m.str(), "impact", ""};
}

Page runs_page(const Viewer& viewer, const std::vector<store::RunRecord>& runs, const dsl::Date today,
               const std::vector<std::string>& problems) {
  std::ostringstream m;
  if (!problems.empty()) {
    m << "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\"><h2 class=\"govuk-error-summary__title\">"
      << "There is a problem</h2><div class=\"govuk-error-summary__body\"><ul class=\"govuk-list govuk-error-summary__list\">";
    for (const std::string& p : problems) m << "<li><a href=\"#as-of\">" << escape_html(p) << "</a></li>";
    m << "</ul></div></div></div>";
  }
  m << "<h1 class=\"govuk-heading-l\">Stored runs</h1>";
  if (viewer.role == "la_officer") {
    m << "<form method=\"post\" action=\"/runs\" class=\"wm-run-form\">" << csrf_field(viewer.csrf)
      << "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"as-of\">Run the pack as of</label>"
      << "<div class=\"govuk-hint\" id=\"as-of-hint\">A date as YYYY-MM-DD. Every school's SENCO sees the new results.</div>"
      << "<input class=\"govuk-input govuk-input--width-10\" id=\"as-of\" name=\"as_of\" type=\"text\" value=\"" << today.iso()
      << "\" aria-describedby=\"as-of-hint\"></div><button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">"
      << "Start a new run</button></form>";
  }
  if (runs.empty()) {
    m << "<p class=\"govuk-body\">No run has been stored yet.</p>";
    return {"Runs", m.str(), "runs", ""};
  }
  m << "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-visually-hidden\">Stored runs, newest first</caption>"
    << "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Run</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">As of</th><th scope=\"col\" class=\"govuk-table__header\">Pack and digest</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Pupils</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Flags</th>"
    << "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Due</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">Finished</th></tr></thead><tbody class=\"govuk-table__body\">";
  for (const store::RunRecord& r : runs) {
    m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">" << r.id << "</td><td class=\"govuk-table__cell\">"
      << report::long_date(r.as_of) << "</td><td class=\"govuk-table__cell\">" << escape_html(r.pack.name + " " + r.pack.version)
      << "<br><code class=\"wm-digest\">" << escape_html(r.pack.digest) << "</code></td><td class=\"govuk-table__cell govuk-table__cell--numeric\">"
      << r.pupils << "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">" << r.flags
      << "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">" << r.due << "</td><td class=\"govuk-table__cell\">"
      << escape_html(timestamp_words(r.finished)) << "</td></tr>";
  }
  m << "</tbody></table>";
  return {"Runs", m.str(), "runs", ""};
}

Page audit_page(const Viewer& viewer, const store::AuditReport& report, const std::vector<AcknowledgementEntry>& log) {
  (void)viewer;
  std::ostringstream m;
  m << "<h1 class=\"govuk-heading-l\">Audit trail</h1>";
  if (report.intact()) {
    m << "<div class=\"govuk-panel wm-panel--intact\"><h2 class=\"govuk-panel__title\">The chain is intact</h2><div class=\"govuk-panel__body\">"
      << report.entries << " entries checked</div></div>";
  } else {
    m << "<div class=\"govuk-error-summary\"><div role=\"alert\"><h2 class=\"govuk-error-summary__title\">The chain is broken</h2>"
      << "<div class=\"govuk-error-summary__body\"><p class=\"govuk-body\">" << count_of(report.problems.size(), "problem", "problems")
      << " found; the first altered or missing entry is listed first. Keep this database as it is and tell the data protection officer.</p>"
      << "</div></div></div>";
  }
  m << "<dl class=\"govuk-summary-list\">";
  auto row = [&](const std::string& key, const std::string& value) {
    m << "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">" << key << "</dt><dd class=\"govuk-summary-list__value\">"
      << value << "</dd></div>";
  };
  row("Head of the chain", "<code class=\"wm-digest\">" + escape_html(report.head_hash) + "</code> (entry " +
                               std::to_string(report.head_entry) + ")");
  row("Imports", std::to_string(report.imports));
  row("Pupil versions", std::to_string(report.pupil_versions));
  row("Runs", std::to_string(report.runs));
  row("Flags", std::to_string(report.flags));
  row("Due entries", std::to_string(report.due));
  row("Acknowledgements", std::to_string(report.acknowledgements));
  m << "</dl><p class=\"govuk-body\">Record the head hash somewhere else (a letter, a ticket): if the database is ever rewritten, "
    << "<code>waymark audit verify --head</code> with it will show where.</p>";
  m << "<h2 class=\"govuk-heading-m\">Acknowledgement log</h2>";
  if (log.empty()) {
    m << "<p class=\"govuk-body\">No flag has been acknowledged yet.</p>";
    return {"Audit trail", m.str(), "audit", ""};
  }
  m << "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
    << "<th scope=\"col\" class=\"govuk-table__header\">When</th><th scope=\"col\" class=\"govuk-table__header\">By</th>"
    << "<th scope=\"col\" class=\"govuk-table__header\">Flag</th><th scope=\"col\" class=\"govuk-table__header\">Note</th></tr></thead>"
    << "<tbody class=\"govuk-table__body\">";
  for (const AcknowledgementEntry& e : log) {
    m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">" << escape_html(timestamp_words(e.acknowledgement.at))
      << "</td><td class=\"govuk-table__cell\">" << escape_html(e.acknowledgement.by) << "</td><td class=\"govuk-table__cell\">"
      << "<a class=\"govuk-link\" href=\"/flags/" << e.acknowledgement.flag << "\">Flag " << e.acknowledgement.flag << "</a>: "
      << escape_html(e.title) << " (" << escape_html(e.pupil) << ", run " << e.run << ")</td><td class=\"govuk-table__cell\">"
      << escape_html(e.acknowledgement.note) << "</td></tr>";
  }
  m << "</tbody></table>";
  return {"Audit trail", m.str(), "audit", ""};
}

}  // namespace waymark::server::pages
