// `waymark run --pack PACK (--cases PATH... | --db FILE) [--as-of DATE] [--format text|json|csv|html] [--out FILE]
//  [--pupil ID]... [--redact] [--explain]` (cli.md): the product's main job.

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <iostream>
#include <iterator>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "output_file.hpp"
#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
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

// What is done with each slice's results, beside the pupils they were evaluated from, before they join
// the run (storing them, drawing their HTML); false to stop.
using SliceDone = std::function<bool(std::vector<engine::PupilResult>&, const std::vector<engine::Pupil>&)>;
// Replaces `part` with the next slice of pupils, in id order; false when none are left (or on a
// problem, in `diagnostics`). Called on a helper thread, one call at a time.
using NextSlice = std::function<bool(std::vector<engine::Pupil>& part, dsl::Diagnostics& diagnostics)>;

constexpr std::size_t slice_size = 16384;

// Evaluates a slice of pupils at a time, each slice's results handed to `after_slice` (storing them,
// drawing the report's part) and, only with `keep` (--out-dir), kept with their case data (in
// `kept`). A roll's case data and its results are then never all in memory at once. Each pupil's
// result depends on that pupil alone, so the run is the same however it is sliced.
//
// What a slice leaves behind is freed on another thread, `freeing`; the last of it is still being
// freed when this returns, so that the caller writes its report meanwhile (the future waits for it
// when the caller drops it).
//
// While one slice is stored and drawn on this thread, the next is read and evaluated on another: the
// two take about as long, and overlapped they keep both cores busy. Storing stays on this thread, the
// one that owns the database connection; reading has a connection of its own (CaseloadCursor).
std::optional<engine::RunResult> evaluate_in_slices(const engine::CompiledPack& pack, const NextSlice& next_slice,
                                                    std::size_t total, const engine::EvaluateOptions& options,
                                                    bool keep, const SliceDone& after_slice, engine::Caseload& kept,
                                                    std::future<void>& freeing, dsl::Diagnostics& diagnostics) {
  struct Evaluated {
    bool read = false;  // a slice was read (the first is evaluated even when the roll is empty)
    std::optional<engine::RunResult> result;
    dsl::Diagnostics diagnostics;  // its own: this thread may add to `diagnostics` meanwhile
  };
  engine::Caseload slots[2];  // the slice being stored and the one being read and evaluated (never moved)
  const auto read_and_evaluate = [&](engine::Caseload& part, std::size_t done, bool first) {
    return std::async(std::launch::async, [&pack, &part, &options, &next_slice, total, done, first] {
      Evaluated e;
      e.read = next_slice(part.pupils, e.diagnostics);
      if (!e.read && (!first || e.diagnostics.has_errors())) return e;  // an empty roll still has a header
      engine::EvaluateOptions sliced = options;
      if (options.progress) {
        sliced.progress = [&options, total, done](std::size_t n, std::size_t) {
          options.progress(done + n, std::max(total, done + n));
        };
      }
      e.result = engine::evaluate(pack, part, sliced, e.diagnostics);
      return e;
    });
  };
  // What a slice leaves behind (its pupils' case data, its results with their explanation trees: about
  // a million small blocks per slice) is freed on another thread while this one stores the next, one
  // slice at a time.
  const auto free_later = [&freeing](std::vector<engine::Pupil> pupils, std::vector<engine::PupilResult> results) {
    if (freeing.valid()) freeing.get();
    freeing = std::async(std::launch::async, [p = std::move(pupils), r = std::move(results)]() mutable {
      std::vector<engine::Pupil>().swap(p);
      std::vector<engine::PupilResult>().swap(r);
    });
  };
  std::future<Evaluated> evaluating = read_and_evaluate(slots[0], 0, true);
  std::optional<engine::RunResult> run;
  std::size_t done = 0;
  for (std::size_t k = 0;; ++k) {
    engine::Caseload& part = slots[k % 2];
    Evaluated e = evaluating.get();
    diagnostics.append(e.diagnostics);
    if (!e.result) {
      if (k > 0 && !e.read && !e.diagnostics.has_errors()) break;  // the end of the roll
      return std::nullopt;
    }
    done += part.pupils.size();
    engine::Caseload& following = slots[(k + 1) % 2];
    std::vector<engine::Pupil> stored_before = std::move(following.pupils);  // the slice before, done with
    following.pupils.clear();
    if (e.read) evaluating = read_and_evaluate(following, done, false);
    if (!after_slice(e.result->pupils, part.pupils)) {
      if (evaluating.valid()) diagnostics.append(evaluating.get().diagnostics);
      return std::nullopt;
    }
    std::vector<engine::PupilResult> results = std::move(e.result->pupils);
    e.result->pupils.clear();
    if (!run) run = std::move(e.result);
    if (keep) {
      std::move(results.begin(), results.end(), std::back_inserter(run->pupils));
      std::move(part.pupils.begin(), part.pupils.end(), std::back_inserter(kept.pupils));
      results.clear();
    }
    free_later(std::move(stored_before), std::move(results));
    if (!e.read) break;  // an empty roll: its header only
  }
  // The last slice's case data joins what is being freed, without waiting for the slice before's.
  freeing = std::async(std::launch::async, [before = std::move(freeing), a = std::move(slots[0].pupils),
                                            b = std::move(slots[1].pupils)]() mutable {
    if (before.valid()) before.get();
    std::vector<engine::Pupil>().swap(a);
    std::vector<engine::Pupil>().swap(b);
  });
  return run;
}

// The next slice of a caseload already in memory (the case files), moved out of it.
NextSlice slices_of(engine::Caseload& caseload) {
  return [&caseload, from = std::size_t{0}](std::vector<engine::Pupil>& part, dsl::Diagnostics&) mutable {
    const std::size_t to = std::min(caseload.pupils.size(), from + slice_size);
    part.assign(std::make_move_iterator(caseload.pupils.begin() + static_cast<std::ptrdiff_t>(from)),
                std::make_move_iterator(caseload.pupils.begin() + static_cast<std::ptrdiff_t>(to)));
    from = to;
    return !part.empty();
  };
}

// A run stored into a database is the LA's batch job, and the same database is often served to
// SENCOs at the same time (issue 13.5: a pupil page within 50 ms while a run is being stored). The run
// lowers its own priority (nice +10, before it starts any thread, so every thread inherits it): alone
// on the machine it is as fast as before; beside the server it gives way. Only ever lowered, so no
// privilege is needed.
void yield_to_interactive_work() {
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, 0);
  if (errno == 0 && now < 10) ::setpriority(PRIO_PROCESS, 0, std::min(19, now + 10));
}

int run_run(const RunOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&](int code = exit_input) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return code;
  };
  const std::optional<dsl::Date> as_of = parse_as_of(options.as_of, diagnostics);
  if (!options.out_dir.empty() && (options.format != "html" || !options.out.empty())) {
    diagnostics.error({}, "usage", "--out-dir splits an HTML report by school: use it with --format html and without --out");
  }
  if (!as_of || diagnostics.has_errors()) return fail(exit_usage);
  // issue 10.1: refuse an output that is an input (or no file) before reading, and again once every
  // file read is known, before the run is stored or anything written.
  std::vector<std::string> inputs = database_paths(options.db);
  inputs.insert(inputs.end(), options.cases.begin(), options.cases.end());
  inputs.push_back(options.pack);
  if (!check_output_path(options.out, inputs, diagnostics)) return fail(exit_usage);
  Progress progress;
  progress.show("loading the pack " + options.pack + " ...");
  std::unique_ptr<engine::PreparedPack> ready = engine::prepare_pack({options.pack}, sources, diagnostics);
  if (!ready) return fail();
  if (!options.db.empty()) yield_to_interactive_work();
  const std::string started = store::now_utc();
  // With --db the run reads its pupils a slice at a time inside its own transaction and stores each
  // slice as soon as it is evaluated, so neither the roll's case data nor its explanations are ever
  // all in memory (docs/performance.md).
  std::unique_ptr<store::Store> db;
  std::unique_ptr<store::RunWriter> writer;
  std::unique_ptr<store::CaseloadCursor> cursor;
  engine::Caseload caseload;  // the case files; then, with --out-dir, every pupil evaluated
  NextSlice next_slice;
  std::size_t total = 0;
  std::vector<engine::StreamedFile> streamed_inputs;  // case files read a block at a time, not kept in `sources`
  if (!options.db.empty()) {
    progress.show("reading the cases from " + options.db + " ...");
    db = open_store_for_run(options.db, diagnostics);
    if (db) writer = begin_store_run(*db, *as_of, ready->compiled->identity(), options.pupils, started, diagnostics);
    if (writer) cursor = writer->read_current(ready->pack.vocabulary, options.pupils, diagnostics);
    if (!cursor) return fail();
    next_slice = [&cursor](std::vector<engine::Pupil>& part, dsl::Diagnostics& d) {
      return cursor->next(part, slice_size, d);
    };
    total = cursor->expected();
  } else {
    progress.show("loading the case files ...");
    std::optional<engine::Caseload> loaded =
        load_cases(options.cases, ready->pack.vocabulary, sources, diagnostics, &streamed_inputs);
    if (!loaded || !select_pupils(*loaded, options.pupils, diagnostics)) return fail();
    caseload = std::move(*loaded);
    next_slice = slices_of(caseload);
    total = caseload.pupils.size();
  }
  inputs = source_paths(sources);
  for (const engine::StreamedFile& f : streamed_inputs) inputs.push_back(f.path);
  const std::vector<std::string> db_files = database_paths(options.db);
  inputs.insert(inputs.end(), db_files.begin(), db_files.end());
  if (!check_output_path(options.out, inputs, diagnostics)) return fail(exit_usage);

  engine::EvaluateOptions evaluate;
  evaluate.as_of = *as_of;
  if (progress.active()) {
    evaluate.progress = [&progress](std::size_t done, std::size_t all) {
      if (done % 8192 < 256 || done == all) {
        progress.show("evaluating " + std::to_string(done) + " / " + std::to_string(all) + " pupils");
      }
    };
  }
  // `--out-dir` counts every pupil of each school in its index, so it keeps every result and the case
  // data; every other report draws its part of each slice as it is evaluated (RunReport).
  const bool keep = !options.out_dir.empty();
  ReportOptions report_options;
  report_options.explain = options.explain;
  report_options.redact = options.redact;
  report_options.colour = options.out.empty() && stdout_colour();
  const bool terminal = (options.out.empty() || options.out == "-") && stdout_is_terminal();
  std::unique_ptr<RunReport> report;
  if (!keep) {
    report = make_run_report(options.format, RunHeader{*as_of, ready->compiled->identity()}, report_options, terminal,
                             ready->compiled->program_calendar(), ready->pack.vocabulary,
                             spool_directory(options.out), diagnostics);
    if (!report) return fail();
  }
  // Explanations are built for what keeps or shows them: a stored run, `--out-dir`'s HTML, a report
  // that prints them.
  evaluate.explanations = db != nullptr || !report || report->explains();
  std::size_t evaluated = 0;
  const SliceDone after_slice = [&](std::vector<engine::PupilResult>& pupils, const std::vector<engine::Pupil>& part) {
    evaluated += pupils.size();
    if (!writer) return !report || report->add(pupils, part, diagnostics);
    // Stored on this thread (it owns the connection) while the report draws the slice on another: each
    // only reads the results.
    dsl::Diagnostics drawing;
    std::future<bool> drawn;
    if (report) drawn = std::async(std::launch::async, [&] { return report->add(pupils, part, drawing); });
    const bool stored = writer->add(pupils, diagnostics);
    const bool ok = !drawn.valid() || drawn.get();
    diagnostics.append(drawing);
    return stored && ok;
  };
  engine::Caseload kept;
  std::future<void> freeing;  // the last slice's case data, freed while the report is written
  std::optional<engine::RunResult> run = evaluate_in_slices(*ready->compiled, next_slice, total, evaluate, keep,
                                                            after_slice, kept, freeing, diagnostics);
  if (!run || (cursor && cursor->failed())) return fail();
  if (db && evaluated == 0) {
    report_no_pupils(options.db, diagnostics);
    return fail();
  }
  caseload = std::move(kept);
  // Stored before it is reported: a report of a run that failed to store would mislead.
  progress.clear();  // finish_store_run says where the run went
  if (writer && !finish_store_run(*db, *writer, diagnostics)) return fail();
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, sources, false);

  if (!options.out_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.out_dir, error);
    if (error) {
      diagnostics.error({}, "output", "cannot create the folder " + options.out_dir + ": " + error.message() +
                                          "; choose a folder you may write to");
      return fail();
    }
    for (const SchoolReport& part :
         html_reports_by_school(*run, caseload, ready->compiled->program_calendar(), ready->pack.vocabulary, report_options)) {
      if (!write_output((std::filesystem::path(options.out_dir) / part.file).string(), part.html, diagnostics)) return fail();
    }
    return exit_ok;
  }
  OutputFile output(options.out);
  if (!output.open(diagnostics) || !report->write(output.stream(), diagnostics)) return fail();
  if (!output.commit(diagnostics)) return fail();
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
      "  waymark run --pack hertfordshire --cases examples/caseload --as-of 2025-11-17 --format csv --out results.csv\n"
      "  waymark import --db school.db examples/caseload\n"
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
