// `waymark ack --db FILE FLAG --by NAME --note TEXT` (cli.md): record that a flag was seen and what was
// done about it, appended to the audit chain.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/dsl/printable.hpp"
#include "store_input.hpp"

namespace waymark::cli {

namespace {

struct AckOptions {
  std::string db;
  std::string flag;
  std::string by;
  std::string note;
};

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

int run_ack(const AckOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  const auto flag = parse_flag_number(options.flag);
  if (!flag) diagnostics.error({}, "usage", "FLAG is a flag number as 'waymark history' prints it, not '" + options.flag + "'");
  if (blank(options.by)) diagnostics.error({}, "usage", "--by needs the name of who saw the flag");
  if (blank(options.note)) diagnostics.error({}, "usage", "--note needs what was done about the flag");
  if (diagnostics.has_errors()) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_usage;
  }
  store::OpenOptions open;
  open.mode = store::OpenMode::write;
  auto db = store::Store::open(options.db, open, diagnostics);
  std::optional<store::Acknowledgement> ack;
  std::optional<store::StoredFlag> stored;
  if (db) stored = db->load_flag(*flag, diagnostics);
  if (stored) ack = db->acknowledge(*flag, options.by, options.note, diagnostics);
  print_diagnostics(std::cerr, diagnostics, sources, false);
  if (!ack) {
    for (const dsl::Diagnostic& d : diagnostics.all()) {
      if (d.code == "unknown-flag") return exit_usage;
    }
    return exit_input;
  }
  std::cout << "acknowledged flag " << ack->flag << " (pupil " << dsl::printable(stored->pupil) << ", "
            << dsl::printable(stored->flag.rule) << ", run " << stored->run.id << " as of " << stored->run.as_of.iso()
            << "): ack " << ack->id << " by " << dsl::printable(ack->by) << " at " << ack->at << "\n";
  return exit_ok;
}

}  // namespace

Action add_ack_command(CLI::App& app) {
  auto options = std::make_shared<AckOptions>();
  CLI::App* cmd = app.add_subcommand("ack", "Record that a stored flag was seen, by whom, and what was done");
  cmd->footer(
      "Example (after the import and run examples of 'waymark run --help'):\n  waymark ack --db school.db 1 --by \"J Smith (SENCO)\" --note \"Review meeting booked with parents for 20 Nov\"\n\n"
      "Flag numbers are printed by 'waymark history' (and after 'waymark run --db').\n"
      "Acknowledgements cannot be edited or removed: record a correction as a new one.\n\n"
      "Exit codes: 0 recorded, 2 wrong usage or no such flag, 3 the database could not be used.");
  cmd->add_option("--db", options->db, "The database file")->required();
  cmd->add_option("flag", options->flag, "The flag's number")->required();
  cmd->add_option("--by", options->by, "Who saw the flag (a name or role)")->required();
  cmd->add_option("--note", options->note, "What was done about it")->required();
  return [options, cmd]() -> int { return cmd->parsed() ? run_ack(*options) : -1; };
}

}  // namespace waymark::cli
