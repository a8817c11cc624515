// `waymark import --db FILE [--pack PACK] CASES...` (cli.md, docs/store.md): validate case files with
// the loaders, then store them in one transaction: all or nothing per invocation.

#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
#include "waymark/store/store.hpp"

namespace waymark::cli {

namespace {

struct ImportOptions {
  std::string db;
  std::string pack = "england";
  std::vector<std::string> cases;
};

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int run_import(const ImportOptions& options) {
  const auto began = std::chrono::steady_clock::now();
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&]() {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    std::cerr << "waymark: nothing was imported into '" << options.db << "'\n";
    return exit_input;
  };
  // issue 10.1: the database is this command's output; it must not be one of the files it reads.
  if (!check_output_path(options.db, options.cases, diagnostics)) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_usage;
  }
  Progress progress;
  progress.show("loading the pack " + options.pack + " ...");
  // Only the vocabulary is needed to validate records; the pack's rules are not compiled.
  engine::PackRequest request{options.pack};
  request.until = engine::PackStage::loaded;
  const std::unique_ptr<engine::PreparedPack> prepared = engine::prepare_pack(request, sources, diagnostics);
  if (!prepared || diagnostics.has_errors()) return fail();
  const dsl::RulePack* pack = &prepared->pack;
  const std::size_t first_case_file = sources.size();
  store::ImportProvenance provenance;
  provenance.started = store::now_utc();
  provenance.pack = {pack->top().name, pack->top().version, pack->digest};
  progress.show("loading the case files ...");
  // A roll's attendance export (hundreds of MB) is read a block at a time rather than held, and read
  // again for its digest while the pupils are stored.
  std::vector<engine::StreamedFile> streamed;
  std::optional<engine::Caseload> caseload = load_cases(options.cases, pack->vocabulary, sources, diagnostics, &streamed);
  if (!caseload) return fail();
  std::vector<std::string> read = source_paths(sources);
  for (const engine::StreamedFile& f : streamed) read.push_back(f.path);
  if (!check_output_path(options.db, read, diagnostics)) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_usage;
  }
  if (caseload->pupils.empty()) {
    diagnostics.error({}, "no-pupils", "the files given hold no pupils");
    return fail();
  }
  // Every case file in the order it was read, each hashed while the pupils are stored.
  auto next_streamed = streamed.begin();
  for (std::size_t i = first_case_file; i <= sources.size(); ++i) {
    for (; next_streamed != streamed.end() && next_streamed->files_before <= i; ++next_streamed) {
      provenance.sources.push_back({next_streamed->path, {}, std::nullopt, next_streamed->stamp});
    }
    if (i == sources.size()) break;
    const dsl::SourceFile& f = sources.file(static_cast<dsl::FileId>(i));
    provenance.sources.push_back({f.path(), {}, f.text()});
  }
  const auto loaded = std::chrono::steady_clock::now();

  store::OpenOptions open;
  open.mode = store::OpenMode::create;
  progress.show("importing " + plural(caseload->pupils.size(), "pupil", "pupils") + " into " + options.db + " ...");
  auto db = store::Store::open(options.db, open, diagnostics);
  if (!db) return fail();
  const auto summary = db->import_caseload(*caseload, pack->vocabulary, provenance, diagnostics);
  progress.clear();
  if (!summary) return fail();
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, sources, false);
  const auto done = std::chrono::steady_clock::now();
  const auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.2f s: %.2f s reading and checking, %.2f s storing", seconds(began, done),
                seconds(began, loaded), seconds(loaded, done));
  std::cout << "imported " << plural(summary->pupils, "pupil", "pupils") << " into '" << options.db << "' (import "
            << summary->import_id << "): " << summary->added << " new, " << summary->replaced
            << " replaced (previous versions kept), " << summary->unchanged << " unchanged; "
            << plural(summary->records, "record", "records") << " and "
            << plural(summary->attendance_days, "day", "days") << " of attendance stored, in " << timing << "\n";
  return exit_ok;
}

}  // namespace

Action add_import_command(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* cmd = app.add_subcommand("import", "Validate case files and store them in a database, all or nothing");
  cmd->footer(
      "Example:\n  waymark import --db school.db examples/caseload\n"
      "  waymark gen --pupils 500 --out /tmp/roll && waymark import --db la.db /tmp/roll\n"
      "      (a CSV folder: pupils.csv, records.csv, attendance.csv)\n\n"
      "A pupil already stored is replaced by the new version; the previous version is kept for the audit trail.\n"
      "The database is created private to you (mode 600): it holds pupils' personal data.\n\n"
      "Exit codes: 0 stored, 2 wrong usage, 3 a file or the database could not be used (nothing was stored).");
  cmd->add_option("--db", options->db, "The database file (created if absent)")->required();
  cmd->add_option("--pack", options->pack,
                  "The pack whose vocabulary the cases are written in (default england; an LA pack adds kinds)");
  cmd->add_option("cases", options->cases, "Case files or folders: YAML case files, or a folder holding the CSV form")
      ->required()
      ->expected(1, -1);
  return [options, cmd]() -> int { return cmd->parsed() ? run_import(*options) : -1; };
}

}  // namespace waymark::cli
