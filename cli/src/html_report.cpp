// The HTML report of cli.md: one self-contained file (no network fetches) for a SENCO or a meeting:
// a summary, then per flagged pupil a timeline of the academic year (terms, attendance by week,
// episodes such as suspensions, reduced timetables and tiers, events such as meetings) with the
// flags marked on it, the suggested next steps, and each flag's explanation folded beneath it.

#include <algorithm>
#include <sstream>

#include "reports.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/calendar.hpp"

namespace waymark::cli {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* const style = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}.meta{color:#555;margin-top:0}
table.summary{border-collapse:collapse;margin:1em 0}table.summary td,table.summary th{border:1px solid #ccc;padding:.3em .8em;text-align:left}
section.pupil{border-top:2px solid #ddd;margin-top:2em;padding-top:.5em}
h2{font-size:1.25em;margin:.3em 0}.tiers{color:#444;font-weight:normal;font-size:.85em}
ol.flags{padding-left:1.2em}ol.flags li{margin:.6em 0}
.sev{display:inline-block;min-width:5.5em;font-weight:bold;font-size:.8em;text-transform:uppercase}
.urgent{color:#b00020}.high{color:#c2410c}.medium{color:#a16207}.low{color:#0e7490}
.evidence{color:#666;font-size:.85em}ul.actions{margin:.2em 0 .2em 1em}
details pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.8em}
.due{background:#fff8e1;padding:.4em .8em;border-left:4px solid #f59e0b}
svg text{font:10px system-ui,sans-serif;fill:#333}
)";

struct Timeline {
  dsl::Date from;
  dsl::Date to;
  double width = 1000;
  double x(dsl::Date d) const {
    const double span = std::max(1, dsl::days_between(from, to));
    return std::clamp(static_cast<double>(dsl::days_between(from, d)) / span * width, 0.0, width);
  }
};

/// A timeline of the academic year containing the as-of date, as inline SVG.
std::string timeline_svg(const engine::PupilResult& result, const engine::Pupil& pupil, const dsl::Date as_of,
                         const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary) {
  const engine::DateWindow year = engine::academic_year_of(as_of);
  Timeline t{year.from, year.to};
  std::ostringstream svg;
  // Lanes: terms, weekly absence, then one lane per episode and one for events.
  std::vector<const engine::Record*> episodes;
  std::vector<const engine::Record*> events;
  for (const engine::Record& r : engine::records_at(pupil, as_of)) {
    const std::optional<dsl::Date> end = r.end();
    if (r.anchor() > year.to || (end && *end < year.from) || (r.shape == dsl::KindShape::event && r.anchor() < year.from)) {
      continue;
    }
    (r.shape == dsl::KindShape::episode ? episodes : events).push_back(&r);
  }
  const double lane = 16;
  const double top_events = 60 + lane * static_cast<double>(episodes.size());
  const double height = top_events + 40;
  svg << "<svg viewBox=\"-4 0 " << t.width + 8 << " " << height << "\" width=\"100%\" role=\"img\" aria-label=\"timeline\">";
  // Terms (with their names) and months.
  for (const engine::CalendarYear& y : calendar.years()) {
    for (const engine::Term& term : y.terms) {
      if (term.dates.to < year.from || term.dates.from > year.to) continue;
      const double a = t.x(term.dates.from);
      const double b = t.x(term.dates.to);
      svg << "<rect x=\"" << a << "\" y=\"0\" width=\"" << b - a << "\" height=\"12\" fill=\"#e0e7ff\"/>"
          << "<text x=\"" << a + 2 << "\" y=\"10\">" << escape(term.name) << "</text>";
    }
  }
  // Weekly absence: the share of possible sessions missed each week, as a bar.
  const engine::AttendanceCodes codes(vocabulary);
  for (dsl::Date week = year.from; week <= year.to && week <= as_of; week = week.plus_days(7)) {
    const engine::AttendanceCounts c =
        engine::count_sessions(pupil.attendance, codes, week, week.plus_days(6), as_of);
    if (c.possible == 0) continue;
    const double missed = static_cast<double>(c.absent) / static_cast<double>(c.possible);
    const double h = 28 * missed + 1;
    svg << "<rect x=\"" << t.x(week) << "\" y=\"" << 44 - h << "\" width=\"" << std::max(1.0, t.x(week.plus_days(6)) - t.x(week))
        << "\" height=\"" << h << "\" fill=\"" << (missed >= 0.5 ? "#b91c1c" : missed >= 0.1 ? "#f59e0b" : "#86efac")
        << "\"><title>week of " << week.iso() << ": " << c.absent << " of " << c.possible
        << " sessions missed</title></rect>";
  }
  svg << "<text x=\"0\" y=\"56\">absence by week</text>";
  // Episodes, one lane each, ongoing ones running to the as-of date.
  double y = 60;
  for (const engine::Record* r : episodes) {
    const std::optional<dsl::Date> end = r->end();
    const dsl::Date last = end && *end <= as_of ? *end : as_of;
    const std::string& kind = vocabulary.kinds()[r->kind].name;
    const double a = t.x(std::max(r->anchor(), year.from));
    svg << "<rect x=\"" << a << "\" y=\"" << y + 2 << "\" width=\"" << std::max(2.0, t.x(last) - a) << "\" height=\"" << lane - 5
        << "\" rx=\"3\" fill=\"#94a3b8\"><title>" << escape(kind + " " + r->id() + " from " + r->anchor().iso() +
                                                            (end ? " to " + end->iso() : " (ongoing)"))
        << "</title></rect><text x=\"" << a + 3 << "\" y=\"" << y + 11 << "\">" << escape(kind + " " + r->id()) << "</text>";
    y += lane;
  }
  // Events as ticks.
  for (const engine::Record* r : events) {
    const double x = t.x(r->anchor());
    svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top_events << "\" y2=\"" << top_events + 12
        << "\" stroke=\"#334155\" stroke-width=\"2\"><title>"
        << escape(vocabulary.kinds()[r->kind].name + " " + r->id() + " on " + r->anchor().iso()) << "</title></line>";
  }
  // Flags, marked at their first record (or at the as-of date when they have none).
  for (const engine::Flag& f : result.flags) {
    dsl::Date at = as_of;
    if (!f.evidence.empty()) {
      for (const engine::Record& r : pupil.records) {
        if (r.id() == f.evidence.front()) at = r.anchor();
      }
    }
    const double x = t.x(at);
    svg << "<path d=\"M" << x - 5 << " " << top_events + 28 << " L" << x + 5 << " " << top_events + 28 << " L" << x << " "
        << top_events + 18 << " Z\" class=\"" << engine::severity_name(f.severity) << "\" fill=\"currentColor\"><title>"
        << escape(f.title) << "</title></path>";
  }
  const double now = t.x(as_of);
  svg << "<line x1=\"" << now << "\" x2=\"" << now << "\" y1=\"0\" y2=\"" << height - 4
      << "\" stroke=\"#111\" stroke-dasharray=\"3 3\"/><text x=\"" << std::min(now + 3, t.width - 60) << "\" y=\""
      << height - 4 << "\">as of " << as_of.iso() << "</text></svg>";
  return svg.str();
}

}  // namespace

std::string html_report(const engine::RunResult& run, const engine::Caseload& caseload,
                        const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                        const ReportOptions& options) {
  std::ostringstream out;
  write_html_report(out, run, caseload, calendar, vocabulary, options);
  return out.str();
}

void write_html_report(std::ostream& out, const engine::RunResult& run, const engine::Caseload& caseload,
                       const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                       const ReportOptions& options) {
  std::vector<const engine::PupilResult*> order = attention_order(run);
  std::size_t counts[4] = {0, 0, 0, 0};
  std::size_t flagged = 0;
  for (const engine::PupilResult& p : run.pupils) {
    flagged += p.flags.empty() ? 0 : 1;
    for (const engine::Flag& f : p.flags) ++counts[static_cast<int>(f.severity)];
  }
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Waymark as of " << run.as_of.iso()
      << "</title><style>" << style << "</style></head><body>\n";
  out << "<h1>Waymark as of " << run.as_of.iso() << "</h1><p class=\"meta\">pack " << escape(run.pack.name) << " "
      << escape(run.pack.version) << " (" << escape(run.pack.digest) << ")</p>\n";
  out << "<table class=\"summary\"><tr><th>pupils evaluated</th><td>" << run.pupils.size()
      << "</td></tr><tr><th>pupils flagged</th><td>" << flagged << "</td></tr>";
  const char* names[] = {"low", "medium", "high", "urgent"};
  for (int s = 3; s >= 0; --s) {
    out << "<tr><th class=\"" << names[s] << "\">" << names[s] << " flags</th><td>" << counts[s] << "</td></tr>";
  }
  out << "</table>\n";
  for (const engine::PupilResult* p : order) {
    const engine::Pupil* pupil = caseload.find(p->id);
    out << "<section class=\"pupil\"><h2>" << escape(p->id);
    if (!options.redact && pupil != nullptr && pupil->name) out << " " << escape(*pupil->name);
    out << " <span class=\"tiers\">current tier "
        << (p->current_tier == 0 ? std::string("none") : std::to_string(p->current_tier));
    if (p->suggested_tier) out << ", suggested tier " << *p->suggested_tier;
    out << "</span></h2>\n";
    if (pupil != nullptr) out << timeline_svg(*p, *pupil, run.as_of, calendar, vocabulary) << "\n";
    out << "<ol class=\"flags\">";
    for (const engine::Flag& f : p->flags) {
      const char* severity = engine::severity_name(f.severity);
      out << "<li><span class=\"sev " << severity << "\">" << severity << "</span> " << escape(f.title);
      if (!f.evidence.empty()) {
        std::string ids;
        for (const std::string& e : f.evidence) ids += (ids.empty() ? "" : ", ") + e;
        out << " <span class=\"evidence\">[" << escape(ids) << "]</span>";
      }
      out << "<ul class=\"actions\">";
      for (const std::string& a : f.actions) out << "<li>" << escape(a) << "</li>";
      for (const std::string& r : f.notify) out << "<li>tell: " << escape(r) << "</li>";
      out << "</ul><details><summary>why</summary><pre>" << escape(engine::explanation_text(f.explanation, run.pack))
          << "</pre></details></li>";
    }
    out << "</ol>\n";
    for (const engine::DueEntry& d : p->due) {
      out << "<p class=\"due\">due by <strong>"
          << (d.deadline ? d.deadline->iso() : std::string("a date beyond the loaded calendar")) << "</strong>: "
          << escape(d.title);
      for (const std::string& a : d.actions) out << " &mdash; " << escape(a);
      out << "</p>\n";
    }
    out << "</section>\n";
  }
  out << "</body></html>\n";
}

}  // namespace waymark::cli
