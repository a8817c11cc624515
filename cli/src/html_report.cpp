// The HTML report of cli.md: one self-contained file (no network fetches) for a SENCO or a meeting:
// a summary and a contents list linking to each pupil, then per pupil needing attention the timeline
// of the year (report/timeline.hpp, the same drawing as the server's pupil page) with the flags
// numbered on it, the list of those numbered flags with their next steps, the due deadlines, and each
// flag's explanation folded beneath it. `--out-dir` writes one such file per school and an index.

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <sstream>

#include "reports.hpp"
#include "waymark/report/html.hpp"
#include "waymark/report/timeline.hpp"

namespace waymark::cli {

namespace {

using report::escape_html;

// Black text on white, severity in words as well as colour, and a print layout that keeps a pupil
// together on paper.
const char* const style = R"(
body{font:16px/1.45 Arial,sans-serif;margin:2em auto;max-width:1100px;color:#0b0c0c;padding:0 1em}
h1{font-size:1.8em;margin-bottom:.2em}.meta{color:#505a5f;margin-top:0}a{color:#1d70b8}
table.summary{border-collapse:collapse;margin:1em 0}table.summary td,table.summary th{border:1px solid #b1b4b6;padding:.3em .8em;text-align:left}
nav.contents ol{columns:2;padding-left:1.5em}
section.pupil{border-top:3px solid #0b0c0c;margin-top:2em;padding-top:.5em}
h2{font-size:1.35em;margin:.3em 0}.tiers{color:#505a5f;font-weight:normal;font-size:.8em}
ol.flags{padding-left:1.6em}ol.flags>li{margin:.6em 0}
.sev{display:inline-block;min-width:5.5em;font-weight:bold;font-size:.8em;text-transform:uppercase;border:1px solid currentColor;padding:0 .3em;margin-right:.4em}
.urgent{color:#942514}.high{color:#d4351c}.medium{color:#594d00}.low{color:#1d70b8}
.evidence{color:#505a5f;font-size:.9em}ul.actions{margin:.2em 0 .2em 1em}
details pre{background:#f3f2f1;padding:.6em;overflow-x:auto;font-size:.8em;white-space:pre-wrap}
.due{border-left:5px solid #0b0c0c;padding:.3em .8em;background:#f3f2f1}
svg.timeline{max-width:100%;height:auto;margin:.5em 0}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:#0b0c0c;text-decoration:none}
nav.contents{display:none}section.pupil{break-before:page;border-top:none}details{display:block}
details>summary{list-style:none}details pre{background:none;border:1px solid #b1b4b6}}
)";

std::string anchor_of(const std::string& pupil_id) {
  std::string out = "pupil-";
  for (const char c : pupil_id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  return out;
}

std::string tier_text(const engine::PupilResult& p) {
  std::string s = "current tier " + (p.current_tier == 0 ? std::string("none") : std::to_string(p.current_tier));
  if (p.suggested_tier) s += ", suggested tier " + std::to_string(*p.suggested_tier);
  return s;
}

}  // namespace

namespace {

std::string name_of(const engine::Pupil* pupil, const ReportOptions& options) {
  return !options.redact && pupil != nullptr && pupil->name ? " " + *pupil->name : "";
}

// What a pupil's section is drawn with besides the pupil's own result and case data.
struct SectionContext {
  dsl::Date as_of;
  const engine::PackIdentity& pack;
  const engine::Calendar& calendar;
  const dsl::Vocabulary& vocabulary;
  const ReportOptions& options;
};

// One pupil needing attention: the timeline, the numbered flags with their next steps and folded
// explanations, and the due deadlines. `pupil` is the case data (null: no timeline).
void write_section(std::ostream& out, const engine::PupilResult& p, const engine::Pupil* pupil, const SectionContext& c) {
  out << "<section class=\"pupil\" id=\"" << anchor_of(p.id) << "\"><h2>" << escape_html(p.id + name_of(pupil, c.options))
      << " <span class=\"tiers\">" << tier_text(p) << "</span></h2>\n";
  if (pupil != nullptr) {
    out << report::timeline_svg(p, *pupil, c.as_of, c.calendar, c.vocabulary, "timeline-" + anchor_of(p.id)) << "\n";
  }
  if (!p.flags.empty()) out << "<h3>Flags</h3><ol class=\"flags\">";
  for (const engine::Flag& f : p.flags) {
    const char* severity = engine::severity_name(f.severity);
    out << "<li><span class=\"sev " << severity << "\">" << severity << "</span> " << escape_html(f.title);
    if (!f.evidence.empty()) {
      std::string ids;
      for (const std::string& e : f.evidence) ids += (ids.empty() ? "" : ", ") + e;
      out << " <span class=\"evidence\">(records " << escape_html(ids) << ")</span>";
    }
    out << "<ul class=\"actions\">";
    for (const std::string& a : f.actions) out << "<li>" << escape_html(a) << "</li>";
    for (const std::string& r : f.notify) out << "<li>tell: " << escape_html(r) << "</li>";
    if (!f.cite.empty()) out << "<li>guidance: " << escape_html(f.cite) << "</li>";
    out << "</ul><details><summary>Why this flag</summary><pre>"
        << escape_html(engine::explanation_text(f.explanation, c.pack)) << "</pre></details></li>";
  }
  if (!p.flags.empty()) out << "</ol>\n";
  for (const engine::DueEntry& d : p.due) {
    out << "<p class=\"due\">Due by <strong>"
        << (d.deadline ? report::long_date(*d.deadline) : std::string("a date beyond the loaded calendar"))
        << "</strong>: " << escape_html(d.title);
    for (const std::string& a : d.actions) out << " &mdash; " << escape_html(a);
    out << "</p>\n";
  }
  out << "<p><a href=\"#contents\">Back to the list of pupils</a></p></section>\n";
}

// The counts of the summary table.
struct Summary {
  std::size_t pupils = 0;
  std::size_t flagged = 0;
  std::size_t counts[4] = {0, 0, 0, 0};  // flags by severity rank
  void add(const engine::PupilResult& p) {
    ++pupils;
    flagged += p.flags.empty() ? 0 : 1;
    for (const engine::Flag& f : p.flags) ++counts[static_cast<int>(f.severity)];
  }
};

// A line of the contents: a pupil needing attention.
struct Entry {
  AttentionKey key;
  std::size_t due = 0;
  std::string name;  // " " and the name, or nothing (redacted or none)
  static Entry of(const engine::PupilResult& p, const engine::Pupil* pupil, const ReportOptions& options) {
    return {AttentionKey::of(p), p.due.size(), name_of(pupil, options)};
  }
};

// Writes the section of contents entry `n`.
using SectionWriter = std::function<bool(std::ostream& out, std::size_t n)>;

// Contents entry `n`, in attention order.
using EntryAt = std::function<const Entry&(std::size_t n)>;

// The report around the sections: title, summary and contents (`entries` of them), then
// each entry's section. Written as it goes: the document (1.8 GB for a 250,000-pupil LA run) is never
// held as one string.
bool write_html(std::ostream& out, const RunHeader& header, const Summary& summary, std::size_t entries,
                const EntryAt& entry_at, const std::string& heading, const SectionWriter& section) {
  const std::string title = (heading.empty() ? std::string("Waymark") : heading) + " as of " + report::long_date(header.as_of);
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      << "content=\"width=device-width, initial-scale=1\"><title>" << escape_html(title) << "</title><style>" << style
      << "</style></head><body>\n<main>\n";
  out << "<h1>" << escape_html(title) << "</h1><p class=\"meta\">Pack " << escape_html(header.pack.name) << " "
      << escape_html(header.pack.version) << " (" << escape_html(header.pack.digest) << ")</p>\n";
  out << "<table class=\"summary\"><tr><th scope=\"row\">Pupils evaluated</th><td>" << summary.pupils
      << "</td></tr><tr><th scope=\"row\">Pupils flagged</th><td>" << summary.flagged << "</td></tr>";
  const char* names[] = {"low", "medium", "high", "urgent"};
  for (int s = 3; s >= 0; --s) {
    out << "<tr><th scope=\"row\"><span class=\"sev " << names[s] << "\">" << names[s] << "</span> flags</th><td>"
        << summary.counts[s] << "</td></tr>";
  }
  out << "</table>\n";
  if (entries != 0) {
    out << "<nav class=\"contents\" aria-labelledby=\"contents\"><h2 id=\"contents\">Pupils needing attention</h2><ol>";
    for (std::size_t n = 0; n < entries; ++n) {
      const Entry& e = entry_at(n);
      out << "<li><a href=\"#" << anchor_of(e.key.id) << "\">" << escape_html(e.key.id + e.name) << "</a> ("
          << e.key.flags << (e.key.flags == 1 ? " flag" : " flags");
      if (e.due != 0) out << ", " << e.due << " due";
      out << ")</li>";
    }
    out << "</ol></nav>\n";
  }
  for (std::size_t n = 0; n < entries; ++n) {
    if (!section(out, n)) return false;
  }
  out << "</main></body></html>\n";
  return true;
}

// The sections drawn as each slice is evaluated (spooled), copied in attention order at the end.
class HtmlReport : public RunReport {
public:
  HtmlReport(const RunHeader& header, const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
             const ReportOptions& options)
      : header_(header), calendar_(calendar), vocabulary_(vocabulary), options_(options), shown_(spool_) {}

  bool explains() const override { return true; }  // folded beneath each flag

  bool add(const std::vector<engine::PupilResult>& results, const std::vector<engine::Pupil>& pupils,
           dsl::Diagnostics& diagnostics) override {
    const SectionContext context{header_.as_of, header_.pack, calendar_, vocabulary_, options_};
    for (std::size_t i = 0; i < results.size(); ++i) {
      const engine::PupilResult& p = results[i];
      summary_.add(p);
      if (p.flags.empty() && p.due.empty()) continue;
      const engine::Pupil* pupil = i < pupils.size() ? &pupils[i] : nullptr;
      write_section(shown_.out(), p, pupil, context);
      if (!shown_.end_part(Entry::of(p, pupil, options_), diagnostics)) return false;
    }
    return shown_.flush(diagnostics);
  }

  bool write(std::ostream& out, dsl::Diagnostics& diagnostics) override {
    shown_.sort([](const Entry& a, const Entry& b) { return a.key < b.key; });
    return write_html(
        out, header_, summary_, shown_.size(), [&](std::size_t n) -> const Entry& { return shown_.key(n); }, "",
        [&](std::ostream& o, std::size_t n) { return shown_.copy(n, o, diagnostics); });
  }

private:
  RunHeader header_;
  const engine::Calendar& calendar_;
  const dsl::Vocabulary& vocabulary_;
  ReportOptions options_;
  Summary summary_;
  OrderedParts<Entry> shown_;  // the pupils needing attention: their sections
};

}  // namespace

std::string html_report(const engine::RunResult& run, const engine::Caseload& caseload,
                        const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                        const ReportOptions& options, const std::string& heading) {
  Summary summary;
  for (const engine::PupilResult& p : run.pupils) summary.add(p);
  const std::vector<const engine::PupilResult*> order = attention_order(run);
  std::vector<Entry> entries;
  for (const engine::PupilResult* p : order) entries.push_back(Entry::of(*p, caseload.find(p->id), options));
  const SectionContext context{run.as_of, run.pack, calendar, vocabulary, options};
  std::ostringstream out;
  write_html(
      out, RunHeader{run.as_of, run.pack}, summary, entries.size(), [&](std::size_t n) -> const Entry& { return entries[n]; },
      heading, [&](std::ostream& o, std::size_t n) {
    write_section(o, *order[n], caseload.find(order[n]->id), context);
    return true;
  });
  return out.str();
}

std::vector<SchoolReport> html_reports_by_school(const engine::RunResult& run, const engine::Caseload& caseload,
                                                 const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                                                 const ReportOptions& options) {
  // The school is a vocabulary attribute (case-records.md §2); pupils without one form their own group.
  std::optional<std::size_t> school_slot;
  for (std::size_t i = 0; i < vocabulary.pupil_attributes().size(); ++i) {
    if (vocabulary.pupil_attributes()[i].name == "school") school_slot = i;
  }
  std::map<std::string, engine::RunResult> by_school;
  for (const engine::PupilResult& p : run.pupils) {
    std::string school = "No school recorded";
    const engine::Pupil* pupil = caseload.find(p.id);
    if (school_slot && pupil != nullptr && *school_slot < pupil->attributes.size()) {
      if (const auto* s = std::get_if<std::string>(&pupil->attributes[*school_slot]); s && !s->empty()) school = *s;
    }
    engine::RunResult& part = by_school[school];
    part.as_of = run.as_of;
    part.pack = run.pack;
    part.pupils.push_back(p);
  }
  std::vector<SchoolReport> reports;
  std::map<std::string, int> used;
  std::ostringstream index;
  index << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Waymark as of "
        << report::long_date(run.as_of) << "</title><style>" << style << "</style></head><body><main><h1>Waymark as of "
        << report::long_date(run.as_of) << "</h1><p class=\"meta\">Pack " << escape_html(run.pack.name) << " "
        << escape_html(run.pack.version) << "</p><h2>Schools</h2><ul>";
  for (const auto& [school, part] : by_school) {
    // A file name from the school's name: letters and digits, other runs as one hyphen, unique.
    std::string file;
    for (const char c : school) {
      if (std::isalnum(static_cast<unsigned char>(c))) file += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (!file.empty() && file.back() != '-') file += '-';
    }
    while (!file.empty() && file.back() == '-') file.pop_back();
    if (file.empty()) file = "school";
    if (const int n = used[file]++; n > 0) file += "-" + std::to_string(n + 1);
    file += ".html";
    std::size_t attention = attention_order(part).size();
    index << "<li><a href=\"" << escape_html(file) << "\">" << escape_html(school) << "</a>: " << part.pupils.size()
          << " pupils, " << attention << " needing attention</li>";
    reports.push_back({file, html_report(part, caseload, calendar, vocabulary, options, school)});
  }
  index << "</ul></main></body></html>\n";
  reports.insert(reports.begin(), SchoolReport{"index.html", index.str()});
  return reports;
}

}  // namespace waymark::cli

namespace waymark::cli {

std::unique_ptr<RunReport> html_run_report(const RunHeader& header, const engine::Calendar& calendar,
                                           const dsl::Vocabulary& vocabulary, const ReportOptions& options) {
  return std::make_unique<HtmlReport>(header, calendar, vocabulary, options);
}

}  // namespace waymark::cli
