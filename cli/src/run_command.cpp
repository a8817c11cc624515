// `waymark run --pack PACK (--cases PATH... | --db FILE) [--as-of DATE] [--format text|json|csv|html] [--out FILE]
//  [--pupil ID]... [--redact] [--explain]` (cli.md): the product's main job.

#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "reports.hpp"
#include "store_input.hpp"

namespace waymark::cli {

namespace {

struct RunOptions {
  std::string pack;
  std::vector<std::string> cases;
  std::string db;  // instead of cases: read from, and store the run in, this database
  std::string as_of;
  std::string format = "text";
  std::string out;
  std::string out_dir;  // html only: one file per school and an index
  std::vector<std::string> pupils;
  bool redact = false;
  bool explain = false;
};

int run_run(const RunOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&]() {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_input;
  };
  const std::optional<dsl::Date> as_of = parse_as_of(options.as_of, diagnostics);
  if (!options.out_dir.empty() && (options.format != "html" || !options.out.empty())) {
    diagnostics.error({}, "usage", "--out-dir splits an HTML report by school: use it with --format html and without --out");
  }
  if (!as_of || diagnostics.has_errors()) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_usage;
  }
  std::unique_ptr<ReadyPack> ready = prepare_pack(options.pack, sources, diagnostics);
  if (!ready) return fail();
  const std::string started = store::now_utc();
  std::unique_ptr<StoreInput> db;
  std::optional<engine::Caseload> caseload;
  if (!options.db.empty()) {
    db = read_store_input(options.db, store::OpenMode::write, ready->pack.vocabulary, options.pupils, diagnostics);
    if (!db) return fail();
    caseload = std::move(db->stored.caseload);
  } else {
    caseload = load_cases(options.cases, ready->pack.vocabulary, sources, diagnostics);
  }
  if (!caseload || !select_pupils(*caseload, options.pupils, diagnostics)) return fail();

  engine::EvaluateOptions evaluate;
  evaluate.as_of = *as_of;
  const bool show_progress = stderr_is_terminal() && caseload->pupils.size() > 5000;
  if (show_progress) {
    evaluate.progress = [](std::size_t done, std::size_t total) {
      if (done % 8192 < 256 || done == total) std::cerr << "\revaluating " << done << " / " << total << " pupils" << std::flush;
    };
  }
  std::optional<engine::RunResult> run = engine::evaluate(*ready->compiled, *caseload, evaluate, diagnostics);
  if (show_progress) std::cerr << "\r\033[K" << std::flush;
  if (!run) return fail();
  // Stored before it is reported: a report of a run that failed to store would mislead.
  if (db && !save_store_run(*db, *run, options.pupils, started, diagnostics)) return fail();
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, sources, false);

  ReportOptions report;
  report.explain = options.explain;
  report.redact = options.redact;
  report.colour = options.out.empty() && stdout_is_terminal();
  if (!options.out_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.out_dir, error);
    if (error) {
      diagnostics.error({}, "output", "cannot create the folder " + options.out_dir + ": " + error.message() +
                                          "; choose a folder you may write to");
      return fail();
    }
    for (const SchoolReport& part :
         html_reports_by_school(*run, *caseload, ready->compiled->program_calendar(), ready->pack.vocabulary, report)) {
      if (!write_output((std::filesystem::path(options.out_dir) / part.file).string(), part.html, diagnostics)) return fail();
    }
    return exit_ok;
  }
  std::string text;
  if (options.format == "json") text = json_report(*run, report);
  else if (options.format == "csv") text = csv_report(*run);
  else if (options.format == "html") text = html_report(*run, *caseload, ready->compiled->program_calendar(), ready->pack.vocabulary, report);
  else text = text_report(*run, *caseload, report);
  if (!write_output(options.out, text, diagnostics)) return fail();
  return exit_ok;
}

}  // namespace

void add_case_options(CLI::App* cmd, std::vector<std::string>& cases) {
  cmd->add_option("--cases", cases, "Case files or folders: YAML case files, or a folder holding the CSV form")
      ->required()
      ->expected(1, -1);
}

Action add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Evaluate a rule pack over pupils' case records and report what needs attention");
  cmd->footer(
      "Example:\n  waymark run --pack hertfordshire --cases examples/caseload --as-of 2025-11-17\n"
      "  waymark run --pack ./my-pack --cases roll/ --format json --out results.json\n"
      "  waymark run --pack hertfordshire --db school.db --as-of 2025-11-17   (stores the run and its flags)\n\n"
      "Exit codes: 0 done (flags are results, not failures), 2 wrong usage, 3 a pack or case file could not be loaded.");
  cmd->add_option("--pack", options->pack, "The pack: a folder path or a name (kent)")->required();
  add_input_options(cmd, options->cases, options->db);
  cmd->add_option("--as-of", options->as_of, "Evaluate as known on this date (YYYY-MM-DD); default today");
  cmd->add_option("--format", options->format, "text (default, for people), json, csv, or html (one self-contained file)")
      ->check(CLI::IsMember({"text", "json", "csv", "html"}));
  cmd->add_option("--out", options->out, "Write the report to this file (created private to you) instead of stdout");
  cmd->add_option("--out-dir", options->out_dir,
                  "With --format html: write index.html and one report per school into this folder");
  cmd->add_option("--pupil", options->pupils, "Only this pupil (repeatable)");
  cmd->add_flag("--redact", options->redact, "Never print names; UPNs are masked (they are never in reports)");
  cmd->add_flag("--explain", options->explain, "JSON: add each flag's explanation tree");
  return [options, cmd]() -> int { return cmd->parsed() ? run_run(*options) : -1; };
}

}  // namespace waymark::cli
