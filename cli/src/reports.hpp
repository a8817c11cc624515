#pragma once
// The output formats of `waymark run` (cli.md): text for a SENCO, JSON for programs, CSV for
// spreadsheets, HTML for a meeting. Each is a function of the run alone, so identical runs give
// identical bytes.

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "spool.hpp"
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

/// What every report says of the run besides its pupils.
struct RunHeader {
  dsl::Date as_of;
  engine::PackIdentity pack;
};

/// A report of a run (cli.md), written as the run is evaluated a slice of pupils at a time: each
/// slice's part is drawn as soon as it is evaluated and waits in a Spool (a temporary file private to
/// its owner); write() gives the whole report, in its order, once the run is complete and stored. Of
/// each pupil only what orders the report stays in memory, so a 250,000-pupil report needs neither the
/// roll's results nor its case data at the end. The same run gives the same bytes however it is sliced.
class RunReport {
public:
  virtual ~RunReport() = default;
  /// Makes the spool in `directory`; false with a diagnostic.
  bool open(const std::string& directory, dsl::Diagnostics& diagnostics) { return spool_.open(directory, diagnostics); }
  /// Draws these pupils' part; `pupils` are the case data they were evaluated from (aligned).
  virtual bool add(const std::vector<engine::PupilResult>& results, const std::vector<engine::Pupil>& pupils,
                   dsl::Diagnostics& diagnostics) = 0;
  /// The whole report.
  virtual bool write(std::ostream& out, dsl::Diagnostics& diagnostics) = 0;
  /// Whether it prints flags' explanations (the evaluation builds them only then).
  virtual bool explains() const = 0;

protected:
  Spool spool_;
};

/// JSON for programs (the bytes of one `ordered_json` document dumped with indent 2).
std::unique_ptr<RunReport> json_run_report(const RunHeader& header, const ReportOptions& options);
/// One row per flag or due entry (docs/guide-senco.md lists the columns); cells from data are
/// neutralised against formula injection; `terminal`: control characters are made visible too.
std::unique_ptr<RunReport> csv_run_report(const RunHeader& header, bool terminal);
/// The SENCO's view: pupils needing attention first, plain words, deadlines in the due list.
std::unique_ptr<RunReport> text_run_report(const RunHeader& header, const ReportOptions& options);
/// One self-contained HTML file: summary, contents, then per pupil needing attention a timeline of the
/// year with the flags on it.
std::unique_ptr<RunReport> html_run_report(const RunHeader& header, const engine::Calendar& calendar,
                                           const dsl::Vocabulary& vocabulary, const ReportOptions& options);
/// The report of `format` (json, csv, text, html) with its spool made in `spool_directory`; null, with
/// a diagnostic, when the spool cannot be made.
std::unique_ptr<RunReport> make_run_report(const std::string& format, const RunHeader& header,
                                           const ReportOptions& options, bool terminal,
                                           const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                                           const std::string& spool_directory, dsl::Diagnostics& diagnostics);

/// How pupils needing attention are ordered: the most severe flag (-1: none), then the number of
/// flags, then id.
struct AttentionKey {
  int worst = -1;
  std::size_t flags = 0;
  std::string id;
  static AttentionKey of(const engine::PupilResult& p);
  bool operator<(const AttentionKey& other) const;
};

/// One HTML file from results held whole (`--out-dir`); `heading` (a school's name) replaces
/// "Waymark" in the title. The same bytes as html_run_report for the same pupils.
std::string html_report(const engine::RunResult& run, const engine::Caseload& caseload, const engine::Calendar& calendar,
                        const dsl::Vocabulary& vocabulary, const ReportOptions& options, const std::string& heading = "");
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
/// Pupils with flags or due entries, in AttentionKey order.
std::vector<const engine::PupilResult*> attention_order(const engine::RunResult& run);

}  // namespace waymark::cli
