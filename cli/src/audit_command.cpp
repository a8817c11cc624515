// `waymark audit verify --db FILE [--head HASH]` (cli.md): check the hash chain over imports, runs,
// flags, due entries and acknowledgements, and every digest of stored case data; name the first
// altered or deleted entry (exit 1) or confirm the chain and print its head for safe keeping.
// `waymark audit reproduce --db FILE --pack PACK [--run ID]`: re-evaluate a stored run's inputs as of
// its date and show that the same flags come out.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
#include "waymark/store/store.hpp"

namespace waymark::cli {

namespace {

struct AuditOptions {
  std::string db;
  std::string head;
  std::string pack;
  std::int64_t run = 0;
};

std::string count(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int run_verify(const AuditOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  store::OpenOptions open;
  open.mode = store::OpenMode::read;
  auto db = store::Store::open(options.db, open, diagnostics);
  std::optional<store::AuditReport> report;
  if (db) report = db->verify(diagnostics, options.head);
  print_diagnostics(std::cerr, diagnostics, sources, false);
  if (!report) {
    for (const dsl::Diagnostic& d : diagnostics.all()) {
      if (d.code == "usage") return exit_usage;
    }
    return exit_input;
  }
  const std::string contents = count(report->entries, "entry", "entries") + " (" +
                               count(report->imports, "import", "imports") + ", " + count(report->runs, "run", "runs") +
                               ", " + count(report->flags, "flag", "flags") + ", " +
                               count(report->due, "due entry", "due entries") + ", " +
                               count(report->acknowledgements, "acknowledgement", "acknowledgements") +
                               (report->user_changes == 0 ? std::string()
                                                          : ", " + count(report->user_changes, "user change", "user changes")) +
                               ") and " +
                               count(report->pupil_versions, "stored version", "stored versions") +
                               " of pupils' case data";
  const std::string head = report->head_hash.empty()
                               ? std::string("none (nothing stored yet)")
                               : "entry " + std::to_string(report->head_entry) + ", " + report->head_hash;
  if (!report->intact()) {
    std::cout << "TAMPERING FOUND in '" << options.db << "': " << count(report->problems.size(), "problem", "problems")
              << "; the first is listed first\n";
    const std::size_t shown = std::min<std::size_t>(report->problems.size(), 50);
    for (std::size_t i = 0; i < shown; ++i) std::cout << "  " << (i + 1) << ". " << printable_lines(report->problems[i].what) << "\n";
    if (shown < report->problems.size()) {
      std::cout << "  ... and " << (report->problems.size() - shown) << " more\n";
    }
    std::cout << "checked " << contents << "\nrecorded head: " << head << "\n";
    return exit_problems;
  }
  std::cout << "audit trail of '" << options.db << "' is intact: " << contents << " verified\n";
  std::cout << "head: " << head << "\n";
  if (!options.head.empty()) {
    std::cout << "the head you recorded is entry " << report->anchor_entry
              << " of this chain: nothing up to it has been rewritten or removed\n";
  } else if (!report->head_hash.empty()) {
    std::cout << "Keep this head outside the database (an audit log, an email): 'waymark audit verify --db "
              << options.db << " --head " << report->head_hash
              << "' later proves that nothing up to it was rewritten, even by someone who recomputed the chain.\n";
  }
  return exit_ok;
}

int run_reproduce(const AuditOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&](int code) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return code;
  };
  store::OpenOptions open;
  open.mode = store::OpenMode::read;
  auto db = store::Store::open(options.db, open, diagnostics);
  if (!db) return fail(exit_input);
  std::int64_t run_id = options.run;
  if (run_id == 0) {
    const auto latest = db->latest_run(diagnostics);
    if (!latest) return fail(exit_input);
    run_id = *latest;
  }
  auto stored = db->load_run(run_id, diagnostics);
  if (!stored) return fail(exit_input);
  std::unique_ptr<engine::PreparedPack> ready = engine::prepare_pack({options.pack}, sources, diagnostics);
  if (!ready) return fail(exit_input);
  const engine::PackIdentity& pack = ready->compiled->identity();
  if (pack.digest != stored->run.pack.digest) {
    diagnostics.error({}, "wrong-pack",
                      "run " + std::to_string(run_id) + " was made with " + stored->run.pack.name + " " +
                          stored->run.pack.version + " (" + stored->run.pack.digest + "), but '" + options.pack +
                          "' is " + pack.name + " " + pack.version + " (" + pack.digest +
                          "): reproduce it with exactly that pack");
    return fail(exit_usage);
  }
  auto inputs = db->load_run_inputs(run_id, ready->pack.vocabulary, diagnostics);
  if (!inputs) return fail(exit_input);
  if (inputs->input_digest != stored->run.input_digest) {
    std::cout << "run " << run_id << " cannot be reproduced: the case data it evaluated no longer matches its input "
              << "digest (stored " << stored->run.input_digest << ", now " << inputs->input_digest
              << "); run 'waymark audit verify --db " << options.db << "'\n";
    return exit_problems;
  }
  engine::EvaluateOptions evaluate;
  evaluate.as_of = stored->run.as_of;
  auto fresh = engine::evaluate(*ready->compiled, inputs->caseload, evaluate, diagnostics);
  if (!fresh) return fail(exit_input);
  const std::vector<std::string> differences = store::compare_runs(stored->result, *fresh);
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, sources, false);
  const std::string what = count(stored->run.pupils, "pupil", "pupils") + ", " + count(stored->run.flags, "flag", "flags") +
                           ", " + count(stored->run.due, "due entry", "due entries");
  if (!differences.empty()) {
    std::cout << "run " << run_id << " did NOT reproduce (" << what << " stored): " << differences.size()
              << (differences.size() == 1 ? " difference" : " differences") << "\n";
    for (const std::string& d : differences) std::cout << "  " << d << "\n";
    return exit_problems;
  }
  std::cout << "run " << run_id << " reproduced exactly: " << what << " as of " << stored->run.as_of.iso() << " with "
            << pack.name << " " << pack.version << " (" << pack.digest << ") over the same case data ("
            << inputs->input_digest << ")\n";
  return exit_ok;
}

}  // namespace

Action add_audit_command(CLI::App& app) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand("audit", "Prove that stored runs, flags and acknowledgements were not altered");
  cmd->require_subcommand(1);
  CLI::App* verify = cmd->add_subcommand("verify", "Check the audit chain and every stored digest");
  verify->footer(
      "Example:\n  waymark audit verify --db school.db\n"
      "  waymark audit verify --db school.db --head sha256:3f1c...   (a head you recorded earlier)\n\n"
      "Exit codes: 0 intact, 1 tampering found (the first altered or deleted entry is named first), 2 wrong usage,\n"
      "3 the database could not be read.");
  verify->add_option("--db", options->db, "The database file (opened read-only)")->required();
  verify->add_option("--head", options->head, "A head hash printed by an earlier verify: it must still be in the chain");
  CLI::App* reproduce = cmd->add_subcommand("reproduce", "Re-evaluate a stored run's inputs as of its date and compare");
  reproduce->footer(
      "Example:\n  waymark audit reproduce --db school.db --pack hertfordshire --run 1\n\n"
      "The pack must be the one the run was made with (same digest). Exit codes: 0 the same flags, due entries,\n"
      "tiers and explanations; 1 a difference; 2 wrong usage or another pack; 3 the database could not be read.");
  reproduce->add_option("--db", options->db, "The database file (opened read-only)")->required();
  reproduce->add_option("--pack", options->pack, "The pack the run was made with")->required();
  reproduce->add_option("--run", options->run, "The run's number (default: the latest)");
  return [options, verify, reproduce]() -> int {
    if (verify->parsed()) return run_verify(*options);
    if (reproduce->parsed()) return run_reproduce(*options);
    return -1;
  };
}

}  // namespace waymark::cli
