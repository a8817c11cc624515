#pragma once
// The output formats of `waymark run` (cli.md): text for a SENCO, JSON for programs, CSV for
// spreadsheets. Each is a pure function of the run, so identical runs give identical bytes.

#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
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
/// The HTML report of a run evaluated a slice at a time (`run --format html`): each pupil's section
/// (timeline, flags, explanations) is drawn as its slice is evaluated and kept in a temporary file
/// private to its owner (gone when closed), so neither the roll's case data nor its explanations are
/// held to the end; write() then gives the same bytes as write_html_report, copying each section in
/// the contents' order.
class HtmlSpool {
public:
  HtmlSpool(dsl::Date as_of, const engine::PackIdentity& pack, const engine::Calendar& calendar,
            const dsl::Vocabulary& vocabulary, const ReportOptions& options);
  ~HtmlSpool();
  HtmlSpool(const HtmlSpool&) = delete;
  HtmlSpool& operator=(const HtmlSpool&) = delete;
  /// Creates the temporary file in `directory`; false with a diagnostic.
  bool open(const std::string& directory, dsl::Diagnostics& diagnostics);
  /// Draws the sections of the pupils needing attention among `results`, evaluated from `pupils`
  /// (aligned with them).
  bool add(const std::vector<engine::PupilResult>& results, const std::vector<engine::Pupil>& pupils,
           dsl::Diagnostics& diagnostics);
  /// The whole report; `names` holds the names of the pupils shown (at least).
  bool write(std::ostream& out, const engine::RunResult& run, const engine::Caseload& names,
             dsl::Diagnostics& diagnostics);

private:
  struct Span {
    std::uint64_t offset = 0;
    std::size_t size = 0;
  };
  bool fail(const char* doing, int error, dsl::Diagnostics& diagnostics);
  dsl::Date as_of_;
  const engine::PackIdentity& pack_;
  const engine::Calendar& calendar_;
  const dsl::Vocabulary& vocabulary_;
  const ReportOptions& options_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::unordered_map<std::string, Span> sections_;
};

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
