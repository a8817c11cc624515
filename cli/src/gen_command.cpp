// `waymark gen --pupils N [--seed S] (--out DIR | --db FILE)` (cli.md): a synthetic, realistic caseload
// for demos, tests and benchmarks, written in the CSV form (case-records.md §4) or imported into a
// database (docs/store.md). No real people.

#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
#include "waymark/engine/generate.hpp"
#include "waymark/store/store.hpp"

namespace waymark::cli {

namespace {

struct GenOptions {
  std::size_t pupils = 0;
  std::uint64_t seed = 1;
  std::string out;
  std::string db;  // instead of out: import the caseload into this database
  std::string pack = "england";
  std::string from = "2025-09-01";
  std::string to = "2026-08-31";
};

int run_gen(const GenOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&](int code) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return code;
  };
  const std::optional<dsl::Date> from = dsl::Date::parse_iso(options.from);
  const std::optional<dsl::Date> to = dsl::Date::parse_iso(options.to);
  if (!from || !to || *to < *from) {
    diagnostics.error({}, "usage", "--from and --to take dates as YYYY-MM-DD, with --from first");
    return fail(exit_usage);
  }
  std::unique_ptr<engine::PreparedPack> ready = engine::prepare_pack({options.pack}, sources, diagnostics);
  if (!ready) return fail(exit_input);
  std::error_code ec;
  if (options.db.empty()) std::filesystem::create_directories(options.out, ec);
  if (ec) {
    diagnostics.error({}, "cannot-write", "cannot create the folder '" + options.out + "': " + ec.message());
    return fail(exit_input);
  }
  engine::GenerateOptions generate;
  generate.pupils = options.pupils;
  generate.seed = options.seed;
  generate.first_day = *from;
  generate.last_day = *to;
  const engine::Calendar& calendar = ready->compiled->program_calendar();
  const engine::Caseload caseload = engine::generate_caseload(ready->pack.vocabulary, calendar, generate);
  if (!options.db.empty()) {
    store::ImportProvenance provenance;
    provenance.pack = ready->compiled->identity();
    provenance.started = store::now_utc();
    provenance.sources.push_back({"waymark gen --pupils " + std::to_string(options.pupils) + " --seed " +
                                      std::to_string(options.seed) + " --from " + options.from + " --to " + options.to,
                                  ""});
    store::OpenOptions open;
    open.mode = store::OpenMode::create;
    auto db = store::Store::open(options.db, open, diagnostics);
    const auto summary = db ? db->import_caseload(caseload, ready->pack.vocabulary, provenance, diagnostics) : std::nullopt;
    if (!summary) return fail(exit_input);
    std::cout << "imported " << summary->pupils << " synthetic pupils into '" << options.db << "' (import "
              << summary->import_id << ": " << summary->added << " new, " << summary->replaced << " replaced)\n";
    return exit_ok;
  }
  if (!engine::write_csv_caseload(caseload, ready->pack.vocabulary, calendar, options.out, diagnostics)) {
    return fail(exit_input);
  }
  std::cout << "wrote " << caseload.pupils.size() << " synthetic pupils to " << options.out
            << " (pupils.csv, records.csv, attendance.csv)\n";
  return exit_ok;
}

}  // namespace

Action add_gen_command(CLI::App& app) {
  auto options = std::make_shared<GenOptions>();
  CLI::App* cmd = app.add_subcommand("gen", "Write a synthetic, realistic caseload (no real people) for demos and benchmarks");
  cmd->footer(
      "Example:\n  waymark gen --pupils 100000 --seed 7 --out /tmp/roll\n"
      "  waymark run --pack england --cases /tmp/roll --as-of 2025-11-17\n"
      "  waymark gen --pupils 2000 --db demo.db   (imported as by 'waymark import')\n\n"
      "Exit codes: 0 done, 2 wrong usage, 3 the pack could not be loaded or the files could not be written.");
  cmd->add_option("--pupils", options->pupils, "How many pupils")->required()->check(CLI::Range(1, 10000000));
  cmd->add_option("--seed", options->seed, "The same seed gives the same caseload (default 1)");
  CLI::Option_group* output = cmd->add_option_group("OUTPUT", "Where the caseload goes: exactly one of");
  output->add_option("--out", options->out, "Folder to write the CSV form into");
  output->add_option("--db", options->db, "A database to import it into (created if absent)");
  output->require_option(1);
  cmd->add_option("--pack", options->pack, "Pack whose vocabulary and calendar to use (default england)");
  cmd->add_option("--from", options->from, "First day of attendance marks (default 2025-09-01)");
  cmd->add_option("--to", options->to, "Last day of attendance marks (default 2026-08-31)");
  return [options, cmd]() -> int { return cmd->parsed() ? run_gen(*options) : -1; };
}

}  // namespace waymark::cli
