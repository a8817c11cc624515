// `waymark gen --pupils N [--seed S] (--out DIR | --db FILE)` (cli.md): a synthetic, realistic caseload
// for demos, tests and benchmarks, written in the CSV form (case-records.md §4) or imported into a
// database (docs/store.md). No real people.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "waymark/dsl/printable.hpp"
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
  std::vector<std::string> rates;  // KIND=SHARE
};

// `--rate suspension=0.2`: the share of pupils (0 to 1) who get that kind of record.
bool parse_rates(const std::vector<std::string>& rates, std::map<std::string, std::uint64_t>& out,
                 dsl::Diagnostics& diagnostics) {
  std::vector<std::string> kinds;
  for (const engine::GeneratedKind& k : engine::generated_kinds) kinds.emplace_back(k.kind);
  bool ok = true;
  for (const std::string& r : rates) {
    const auto equals = r.find('=');
    const std::string kind = r.substr(0, equals);
    double share = -1;
    if (equals != std::string::npos) {
      const std::string number = r.substr(equals + 1);
      char* end = nullptr;
      share = std::strtod(number.c_str(), &end);
      if (number.empty() || end != number.c_str() + number.size()) share = -1;
    }
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      std::string all;
      for (const std::string& k : kinds) all += (all.empty() ? "" : ", ") + k;
      diagnostics.error({}, "usage", "--rate: waymark gen makes no '" + dsl::printable(kind) + "' records" +
                                         dsl::did_you_mean(kind, kinds) + " (it makes " + all + ")");
      ok = false;
    } else if (!(share >= 0 && share <= 1)) {
      diagnostics.error({}, "usage", "--rate takes KIND=SHARE with a share of pupils from 0 to 1 (suspension=0.2), not '" +
                                         dsl::printable(r) + "'");
      ok = false;
    } else {
      out[kind] = static_cast<std::uint64_t>(share * 1000 + 0.5);
    }
  }
  return ok;
}

int run_gen(const GenOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&](int code) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return code;
  };
  engine::GenerateOptions generate;
  if (!parse_rates(options.rates, generate.per_mille, diagnostics)) return fail(exit_usage);
  const std::optional<dsl::Date> from = dsl::Date::parse_iso(options.from);
  const std::optional<dsl::Date> to = dsl::Date::parse_iso(options.to);
  if (!from || !to || *to < *from) {
    diagnostics.error({}, "usage", "--from and --to take dates as YYYY-MM-DD, with --from first");
    return fail(exit_usage);
  }
  // issue 10.1: the folder or database written must be no file this command reads, nor a special file.
  if (!check_output_path(options.db.empty() ? options.out : options.db, {options.pack}, diagnostics,
                         options.db.empty())) {
    return fail(exit_usage);
  }
  Progress progress;
  progress.show("loading the pack " + options.pack + " ...");
  std::unique_ptr<engine::PreparedPack> ready = engine::prepare_pack({options.pack}, sources, diagnostics);
  if (!ready) return fail(exit_input);
  if (!options.db.empty() && !check_output_path(options.db, source_paths(sources), diagnostics)) return fail(exit_usage);
  std::error_code ec;
  if (options.db.empty()) std::filesystem::create_directories(options.out, ec);
  if (ec) {
    diagnostics.error({}, "cannot-write", "cannot create the folder '" + options.out + "': " + ec.message());
    return fail(exit_input);
  }
  generate.pupils = options.pupils;
  generate.seed = options.seed;
  generate.first_day = *from;
  generate.last_day = *to;
  const engine::Calendar& calendar = ready->compiled->program_calendar();
  progress.show("generating " + std::to_string(options.pupils) + " synthetic pupils ...");
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
    progress.show("importing " + std::to_string(caseload.pupils.size()) + " synthetic pupils into " + options.db + " ...");
    auto db = store::Store::open(options.db, open, diagnostics);
    const auto summary = db ? db->import_caseload(caseload, ready->pack.vocabulary, provenance, diagnostics) : std::nullopt;
    if (!summary) return fail(exit_input);
    progress.clear();
    std::cout << "imported " << summary->pupils << " synthetic pupils into '" << options.db << "' (import "
              << summary->import_id << ": " << summary->added << " new, " << summary->replaced << " replaced)\n";
    return exit_ok;
  }
  progress.show("writing " + std::to_string(caseload.pupils.size()) + " synthetic pupils to " + options.out + " ...");
  if (!engine::write_csv_caseload(caseload, ready->pack.vocabulary, calendar, options.out, diagnostics)) {
    return fail(exit_input);
  }
  progress.clear();
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
      "  waymark gen --pupils 2000 --db demo.db   (imported as by 'waymark import')\n"
      "  waymark gen --pupils 500 --rate suspension=0.3 --rate incident=0.2 --out /tmp/roll\n\n"
      "Pupils are Reception to Year 11, each at a school of their phase (primary, secondary or all-through).\n\n"
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
  cmd->add_option("--rate", options->rates,
                  "KIND=SHARE: the share of pupils (0 to 1) with that kind of record (repeatable); kinds: suspension "
                  "(default 0.09), reintegration_meeting (per suspension, 0.7), reduced_timetable (0.006), tier (0.3), "
                  "meeting (0.5 of the often absent), incident (0.1)");
  return [options, cmd]() -> int { return cmd->parsed() ? run_gen(*options) : -1; };
}

}  // namespace waymark::cli
