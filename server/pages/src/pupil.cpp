// The pupil page (a SENCO's ten minutes before a meeting; printed, the meeting pack) and a flag's
// full trace (the auditor's view, one click from the pupil page).

#include <algorithm>
#include <map>
#include <sstream>

#include "markup.hpp"
#include "waymark/report/timeline.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server::pages {

std::string role_words(const std::string& role) {
  static const std::map<std::string, std::string> words = {
      {"dsl", "the designated safeguarding lead"},
      {"senco", "the SENCO"},
      {"headteacher", "the headteacher"},
      {"virtual_school", "the virtual school head"},
      {"social_worker", "the pupil's social worker"},
      {"la_attendance", "the LA attendance team"},
      {"la_inclusion", "the LA inclusion team"},
      {"la_send", "the LA SEND team"},
      {"governors", "the governing board"},
      {"parents", "the parents or carers"},
  };
  if (const auto it = words.find(role); it != words.end()) return it->second;
  std::string out = role;
  std::replace(out.begin(), out.end(), '_', ' ');
  return "the " + out;
}

namespace {

// The conditions that held, leaf by leaf, each as its facts (the values and dates compared); a node
// that held through no held operand (a `not`) counts as a leaf.
void held_facts(const engine::ExplanationNode& node, std::vector<std::string>& out) {
  if (!node.result.yes()) return;
  const bool operand_held = std::any_of(node.children.begin(), node.children.end(),
                                        [](const engine::ExplanationNode& c) { return c.result.yes(); });
  if (!operand_held) {
    if (node.facts.empty()) {
      out.push_back("<code>" + escape_html(node.text) + "</code> held");
    } else {
      std::string s;
      for (const std::string& f : node.facts) s += (s.empty() ? "" : "; ") + escape_html(f);
      out.push_back(s);
    }
    return;
  }
  for (const engine::ExplanationNode& c : node.children) held_facts(c, out);
}

std::string acknowledgement_list(const std::vector<store::Acknowledgement>& acks) {
  if (acks.empty()) return "";
  std::ostringstream m;
  m << "<ul class=\"govuk-list wm-acks\">";
  for (const store::Acknowledgement& a : acks) {
    m << "<li><strong>Acknowledged by " << escape_html(a.by) << "</strong> on " << escape_html(timestamp_words(a.at))
      << ": " << escape_html(a.note) << "</li>";
  }
  m << "</ul>";
  return m.str();
}

}  // namespace

std::string plain_explanation(const engine::Explanation& explanation) {
  std::vector<std::string> facts;
  if (explanation.when) held_facts(*explanation.when, facts);
  std::ostringstream m;
  m << "<ul class=\"govuk-list govuk-list--bullet\">";
  for (const std::string& f : facts) m << "<li>" << f << "</li>";
  if (explanation.unless && explanation.unless->result.no()) {
    m << "<li>and the exception did not apply: <code>" << escape_html(explanation.unless->text) << "</code>";
    std::string s;
    for (const std::string& f : explanation.unless->facts) s += (s.empty() ? " (" : "; ") + escape_html(f);
    m << (s.empty() ? "" : s + ")") << "</li>";
  }
  m << "</ul>";
  return m.str();
}

Page pupil_page(const Viewer& viewer, const PupilView& view) {
  const engine::PupilResult& p = *view.result;
  std::ostringstream m;
  const std::string title = viewer.redact || view.name.empty() ? p.id : p.id + " " + view.name;
  m << "<span class=\"govuk-caption-l\">" << escape_html(view.school) << ", as of " << report::long_date(view.run.as_of)
    << "</span><h1 class=\"govuk-heading-l\">" << escape_html(title) << "</h1>";
  m << "<dl class=\"govuk-summary-list wm-summary\"><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Overdue</dt>"
    << "<dd class=\"govuk-summary-list__value\">" << count_of(p.flags.size(), "flag", "flags") << "</dd></div>"
    << "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Due</dt><dd class=\"govuk-summary-list__value\">";
  if (p.due.empty()) m << "nothing";
  for (std::size_t i = 0; i < p.due.size(); ++i) {
    const engine::DueEntry& d = p.due[i];
    m << (i ? "<br>" : "") << escape_html(d.title) << " by <strong>"
      << (d.deadline ? report::long_date(*d.deadline) : std::string("a date beyond the loaded calendar")) << "</strong>";
  }
  m << "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Tier now</dt>"
    << "<dd class=\"govuk-summary-list__value\">" << (p.current_tier == 0 ? std::string("none") : std::to_string(p.current_tier))
    << "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Suggested tier</dt>"
    << "<dd class=\"govuk-summary-list__value\">"
    << (p.suggested_tier ? "<strong>Tier " + std::to_string(*p.suggested_tier) + "</strong>" : std::string("no change suggested"))
    << "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Who to tell</dt>"
    << "<dd class=\"govuk-summary-list__value\">";
  std::vector<std::string> notify;
  for (const engine::Flag& f : p.flags) {
    for (const std::string& r : f.notify) {
      if (std::find(notify.begin(), notify.end(), r) == notify.end()) notify.push_back(r);
    }
  }
  if (notify.empty()) m << "nobody yet";
  for (std::size_t i = 0; i < notify.size(); ++i) {
    std::string words = role_words(notify[i]);
    if (i == 0) words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
    m << (i ? ", " : "") << escape_html(words);
  }
  m << "</dd></div></dl>";
  m << "<p class=\"govuk-body wm-no-print\"><button type=\"button\" class=\"govuk-button govuk-button--secondary wm-js-only\" "
    << "data-print>Print a meeting pack</button> <span class=\"govuk-body-s wm-print-hint\">Printing this page gives the meeting pack: "
    << "timeline, flags, deadlines and history.</span></p>";

  // The timeline, drawn as in the HTML report.
  m << "<h2 class=\"govuk-heading-m\">Timeline this academic year</h2>";
  if (view.pupil != nullptr && view.calendar != nullptr && view.vocabulary != nullptr) {
    m << "<div class=\"wm-timeline\">" << report::timeline_svg(p, *view.pupil, view.run.as_of, *view.calendar, *view.vocabulary, "timeline")
      << "</div>";
  } else {
    m << "<p class=\"govuk-body\">The case records this run evaluated are not available, so there is no timeline.</p>";
  }

  m << "<h2 class=\"govuk-heading-m\" id=\"flags\">Overdue: " << count_of(p.flags.size(), "flag", "flags") << "</h2>";
  if (p.flags.empty()) m << "<p class=\"govuk-body\">Nothing is overdue for this pupil.</p>";
  m << "<ol class=\"wm-flags\">";
  for (std::size_t i = 0; i < p.flags.size(); ++i) {
    const engine::Flag& f = p.flags[i];
    const std::int64_t id = i < view.flag_ids.size() ? view.flag_ids[i] : 0;
    m << "<li class=\"wm-flag\" id=\"flag-" << id << "\"><h3 class=\"govuk-heading-s\"><span class=\"wm-flag__number\">" << i + 1
      << "</span> " << escape_html(f.title) << " " << severity_tag(f.severity) << "</h3>";
    m << "<p class=\"govuk-body-s wm-muted\">" << escape_html(f.category) << " &middot; rule " << escape_html(f.rule);
    if (!f.evidence.empty()) {
      std::string ids;
      for (const std::string& e : f.evidence) ids += (ids.empty() ? "" : ", ") + e;
      m << " &middot; records " << escape_html(ids);
    }
    m << "</p><h4 class=\"govuk-heading-s wm-h4\">Why</h4>" << plain_explanation(f.explanation);
    if (!f.cite.empty()) m << "<p class=\"govuk-body\">Guidance: <cite>" << escape_html(f.cite) << "</cite></p>";
    if (!f.actions.empty()) {
      m << "<h4 class=\"govuk-heading-s wm-h4\">What to do</h4><ul class=\"govuk-list govuk-list--bullet\">";
      for (const std::string& a : f.actions) m << "<li>" << escape_html(a) << "</li>";
      m << "</ul>";
      // The tier is the flag's own field (language.md §6: the highest of its `suggest tier` actions).
      if (f.tier) m << "<p class=\"govuk-body\">Suggests tier " << *f.tier << ".</p>";
    }
    if (!f.notify.empty()) {
      m << "<h4 class=\"govuk-heading-s wm-h4\">Who to tell</h4><ul class=\"govuk-list govuk-list--bullet\">";
      for (const std::string& r : f.notify) m << "<li>" << escape_html(role_words(r)) << "</li>";
      m << "</ul>";
    }
    if (id > 0) {
      m << "<p class=\"govuk-body wm-no-print\"><a class=\"govuk-link\" href=\"/flags/" << id << "\">Full trace of flag " << i + 1
        << "<span class=\"govuk-visually-hidden\">: " << escape_html(f.title) << "</span></a></p>";
    }
    if (i < view.acknowledgements.size()) m << acknowledgement_list(view.acknowledgements[i]);
    if (view.can_acknowledge && id > 0) {
      m << "<form method=\"post\" action=\"/flags/" << id << "/ack\" class=\"wm-ack wm-no-print\">" << csrf_field(viewer.csrf)
        << "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"note-" << id << "\">What was done about flag "
        << i + 1 << "</label><div class=\"govuk-hint\" id=\"note-" << id << "-hint\">For example: LA told by email on 18 November; review booked.</div>"
        << "<textarea class=\"govuk-textarea\" id=\"note-" << id << "\" name=\"note\" rows=\"2\" aria-describedby=\"note-" << id
        << "-hint\"></textarea></div><button type=\"submit\" class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
        << "Acknowledge flag " << i + 1 << "</button></form>";
    }
    m << "</li>";
  }
  m << "</ol>";

  if (!p.due.empty()) {
    m << "<h2 class=\"govuk-heading-m\">Due, and by when</h2><table class=\"govuk-table\"><thead class=\"govuk-table__head\">"
      << "<tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">By</th><th scope=\"col\" "
      << "class=\"govuk-table__header\">What</th><th scope=\"col\" class=\"govuk-table__header\">To do</th></tr></thead><tbody class=\"govuk-table__body\">";
    for (const engine::DueEntry& d : p.due) {
      m << "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><strong>"
        << (d.deadline ? report::long_date(*d.deadline) : std::string("beyond the loaded calendar"))
        << "</strong></td><td class=\"govuk-table__cell\">" << escape_html(d.title) << "</td><td class=\"govuk-table__cell\">";
      for (std::size_t i = 0; i < d.actions.size(); ++i) m << (i ? "<br>" : "") << escape_html(d.actions[i]);
      m << "</td></tr>";
    }
    m << "</tbody></table>";
  }

  m << "<h2 class=\"govuk-heading-m\" id=\"history\">History of flags and acknowledgements</h2>";
  if (view.history == nullptr || view.history->runs.empty()) {
    m << "<p class=\"govuk-body\">No earlier runs evaluated this pupil.</p>";
  } else {
    for (auto run = view.history->runs.rbegin(); run != view.history->runs.rend(); ++run) {
      m << "<h3 class=\"govuk-heading-s\">Run " << run->run << ", as of " << report::long_date(run->as_of) << "</h3>";
      if (run->flags.empty() && run->resolved.empty()) m << "<p class=\"govuk-body\">No flags.</p>";
      m << "<ul class=\"govuk-list wm-history\">";
      for (const store::HistoryFlag& f : run->flags) {
        m << "<li><strong class=\"govuk-tag "
          << (f.status == store::FlagStatus::new_flag ? "govuk-tag--blue\">new" : "govuk-tag--grey\">continuing")
          << "</strong> " << escape_html(f.flag.title);
        if (!f.bound_item.empty()) m << " (" << escape_html(f.bound_item) << ")";
        m << acknowledgement_list(f.acknowledgements) << "</li>";
      }
      for (const store::ResolvedFlag& r : run->resolved) {
        m << "<li><strong class=\"govuk-tag govuk-tag--green\">resolved</strong> " << escape_html(r.title);
        if (!r.bound_item.empty()) m << " (" << escape_html(r.bound_item) << ")";
        m << "</li>";
      }
      m << "</ul>";
    }
  }
  return {title, m.str(), "caseload", ""};
}

Page flag_page(const Viewer& viewer, const store::StoredFlag& stored, const std::vector<store::Acknowledgement>& acknowledgements,
               const std::optional<RuleSource>& source) {
  (void)viewer;
  const engine::Flag& f = stored.flag;
  std::ostringstream m;
  m << "<span class=\"govuk-caption-l\">Flag " << stored.id << ", run " << stored.run.id << "</span><h1 class=\"govuk-heading-l\">"
    << escape_html(f.title) << "</h1>";
  m << "<dl class=\"govuk-summary-list\">";
  auto row = [&](const std::string& key, const std::string& value_html) {
    m << "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">" << key
      << "</dt><dd class=\"govuk-summary-list__value\">" << value_html << "</dd></div>";
  };
  row("Pupil", "<a class=\"govuk-link\" href=\"/pupils/" + url_encode(stored.pupil) + "\">" + escape_html(stored.pupil) + "</a>");
  row("Rule", "<code>" + escape_html(f.rule) + "</code>");
  row("Severity", severity_tag(f.severity));
  row("Category", escape_html(f.category));
  row("As of", report::long_date(stored.run.as_of));
  row("Pack", escape_html(stored.run.pack.name + " " + stored.run.pack.version) + "<br><code class=\"wm-digest\">" +
                  escape_html(stored.run.pack.digest) + "</code>");
  row("Run", std::to_string(stored.run.id) + ", finished " + escape_html(timestamp_words(stored.run.finished)));
  if (!f.cite.empty()) row("Guidance", "<cite>" + escape_html(f.cite) + "</cite>");
  m << "</dl><h2 class=\"govuk-heading-m\">In plain English</h2>" << plain_explanation(f.explanation);
  m << "<h2 class=\"govuk-heading-m\">The trace</h2><p class=\"govuk-body\">Each condition in the rule's own words with where "
    << "it is written: &#10003; held, &#10007; did not hold, &hellip; a deadline still open; beneath it, the values compared.</p>"
    << "<pre class=\"wm-trace\">" << escape_html(engine::explanation_text(f.explanation, stored.run.pack)) << "</pre>";
  m << "<h2 class=\"govuk-heading-m\">The rule as written</h2>";
  if (source) {
    m << "<p class=\"govuk-body\"><code>" << escape_html(source->id) << "</code> at <code>" << escape_html(source->location)
      << "</code></p><pre class=\"wm-source\">" << escape_html(source->text) << "</pre>";
  } else {
    m << "<p class=\"govuk-body\">The served pack no longer has this rule; the trace above is as it was stored (its location: <code>"
      << escape_html(f.explanation.rule_location) << "</code>).</p>";
  }
  m << "<h2 class=\"govuk-heading-m\">Acknowledgements</h2>";
  if (acknowledgements.empty()) m << "<p class=\"govuk-body\">None yet.</p>";
  m << acknowledgement_list(acknowledgements);
  return {"Flag " + std::to_string(stored.id), m.str(), viewer.role == "auditor" ? "audit" : "caseload", ""};
}

}  // namespace waymark::server::pages
