#pragma once
// The output formats of `waymark run` (cli.md): text for a SENCO, JSON for programs, CSV for
// spreadsheets. Each is a pure function of the run, so identical runs give identical bytes.

#include <ostream>
#include <string>

#include "waymark/engine/calendar.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"

namespace waymark::cli {

struct ReportOptions {
  bool explain = false;  // JSON: add each flag's explanation tree
  bool redact = false;   // never print names (case-records.md §5)
  bool colour = false;   // text: only at a terminal
};

// Each report is written to a stream as it is produced (a whole roll's report is never held in
// memory); the string forms return the same bytes.
std::string json_report(const engine::RunResult& run, const ReportOptions& options);
void write_json_report(std::ostream& out, const engine::RunResult& run, const ReportOptions& options);
/// One row per flag or due entry (docs/guide-senco.md lists the columns); cells from data are
/// neutralised against formula injection; `terminal`: control characters are made visible too.
void write_csv_report(std::ostream& out, const engine::RunResult& run, bool terminal = false);
std::string csv_report(const engine::RunResult& run, bool terminal = false);
/// The SENCO's view: pupils needing attention first, plain words, deadlines in the due list.
std::string text_report(const engine::RunResult& run, const engine::Caseload& caseload, const ReportOptions& options);
void write_text_report(std::ostream& out, const engine::RunResult& run, const engine::Caseload& caseload,
                       const ReportOptions& options);
/// One self-contained HTML file: summary, contents, then per pupil a timeline of the year with the
/// flags on it; `heading` (a school's name) replaces "Waymark" in the title when given.
std::string html_report(const engine::RunResult& run, const engine::Caseload& caseload, const engine::Calendar& calendar,
                        const dsl::Vocabulary& vocabulary, const ReportOptions& options, const std::string& heading = "");
void write_html_report(std::ostream& out, const engine::RunResult& run, const engine::Caseload& caseload,
                       const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary, const ReportOptions& options);
/// One file of `--out-dir`: its name within the folder and its HTML.
struct SchoolReport {
  std::string file;
  std::string html;
};
/// `run --format html --out-dir DIR`: index.html linking to one report per school (by the pupils'
/// `school` attribute), each file named from the school's name.
std::vector<SchoolReport> html_reports_by_school(const engine::RunResult& run, const engine::Caseload& caseload,
                                                 const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                                                 const ReportOptions& options);
/// Pupils with flags or due entries, those needing attention first: the most severe flag, then the
/// number of flags, then id.
std::vector<const engine::PupilResult*> attention_order(const engine::RunResult& run);

}  // namespace waymark::cli
