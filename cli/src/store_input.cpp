#include "store_input.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

#include "exit_codes.hpp"
#include "output.hpp"

namespace waymark::cli {

void add_input_options(CLI::App* cmd, std::vector<std::string>& cases, std::string& db) {
  CLI::Option_group* input = cmd->add_option_group("INPUT", "Where the cases come from: exactly one of");
  input->add_option("--cases", cases, "Case files or folders: YAML case files, or a folder holding the CSV form")
      ->expected(1, -1);
  input->add_option("--db", db, "A database filled by 'waymark import' (a run against it is stored there)");
  input->require_option(1);
}

std::unique_ptr<StoreInput> read_store_input(const std::string& db, store::OpenMode mode,
                                             const dsl::Vocabulary& vocabulary, const std::vector<std::string>& pupils,
                                             dsl::Diagnostics& diagnostics) {
  auto input = std::make_unique<StoreInput>();
  store::OpenOptions options;
  options.mode = mode;
  input->store = store::Store::open(db, options, diagnostics);
  if (!input->store) return nullptr;
  auto stored = input->store->load_caseload(vocabulary, pupils, diagnostics);
  if (!stored) return nullptr;
  if (stored->caseload.pupils.empty()) {
    report_no_pupils(db, diagnostics);
    return nullptr;
  }
  input->stored = std::move(*stored);
  return input;
}

void report_no_pupils(const std::string& db, dsl::Diagnostics& diagnostics) {
  diagnostics.error({}, "no-pupils", "'" + db + "' holds no pupils yet: fill it with 'waymark import --db " + db + " CASES...'");
}

std::unique_ptr<store::Store> open_store_for_run(const std::string& db, dsl::Diagnostics& diagnostics) {
  store::OpenOptions options;
  options.mode = store::OpenMode::write;
  return store::Store::open(db, options, diagnostics);
}

std::unique_ptr<store::RunWriter> begin_store_run(store::Store& store, dsl::Date as_of, const engine::PackIdentity& pack,
                                                  const std::vector<std::string>& pupils, const std::string& started,
                                                  dsl::Diagnostics& diagnostics) {
  std::optional<std::vector<std::string>> selection;
  if (!pupils.empty()) selection = pupils;
  return store.begin_run(as_of, pack, selection, started, diagnostics);
}

bool finish_store_run(const store::Store& store, store::RunWriter& writer, dsl::Diagnostics& diagnostics) {
  const auto saved = writer.finish(diagnostics);
  if (!saved) return false;
  std::int64_t first = 0;
  std::int64_t last = 0;
  for (const auto& ids : saved->flag_ids) {
    for (const std::int64_t id : ids) {
      if (first == 0) first = id;
      last = id;
    }
  }
  const std::string& db = store.path();
  std::cerr << "stored as run " << saved->run.id << " in '" << db << "': " << saved->run.flags
            << (saved->run.flags == 1 ? " flag" : " flags");
  if (first != 0) std::cerr << (first == last ? " (number " : " (numbers ") << first << (first == last ? "" : "-" + std::to_string(last)) << ")";
  std::cerr << ", " << saved->run.due << (saved->run.due == 1 ? " due entry" : " due entries")
            << "; 'waymark history --db " << db << " --pupil ID' shows them, 'waymark ack --db " << db
            << " FLAG --by NAME --note TEXT' records what was done\n";
  return true;
}

std::optional<std::int64_t> parse_flag_number(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  std::int64_t n = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || n <= 0) return std::nullopt;
  return n;
}

int explain_stored_flag(const std::string& db, const std::string& flag_text) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  const auto flag = parse_flag_number(flag_text);
  if (!flag) {
    diagnostics.error({}, "usage", "--flag takes a flag number as 'waymark history' prints it, not '" + flag_text + "'");
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_usage;
  }
  store::OpenOptions options;
  options.mode = store::OpenMode::read;
  auto opened = store::Store::open(db, options, diagnostics);
  std::optional<store::StoredFlag> stored;
  if (opened) stored = opened->load_flag(*flag, diagnostics);
  print_diagnostics(std::cerr, diagnostics, sources, false);
  if (!stored) {
    for (const dsl::Diagnostic& d : diagnostics.all()) {
      if (d.code == "unknown-flag") return exit_usage;
    }
    return exit_input;
  }
  std::cout << printable_lines("flag " + std::to_string(stored->id) + ": " + stored->flag.title + "\n" +
                               "stored by run " + std::to_string(stored->run.id) + " (as of " + stored->run.as_of.iso() +
                               ", finished " + stored->run.finished + ") for pupil " + stored->pupil + "\n" +
                               engine::explanation_text(stored->flag.explanation, stored->run.pack))
            << std::flush;
  return exit_ok;
}

}  // namespace waymark::cli
