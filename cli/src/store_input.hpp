#pragma once
// The CLI's wiring of the store (docs/store.md): `--db FILE` as the input of run and explain, storing a
// run's results, and the exit code of a store failure. The store yields caseloads; the engine evaluates.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/engine/result.hpp"
#include "waymark/store/store.hpp"

namespace CLI {
class App;
}

namespace waymark::cli {

/// Adds `--db FILE`, the alternative to `--cases` (exactly one of them), to a command.
void add_input_options(CLI::App* cmd, std::vector<std::string>& cases, std::string& db);

/// An open database and the caseload read from it for one command.
struct StoreInput {
  std::unique_ptr<store::Store> store;
  store::StoredCaseload stored;
};

/// Opens `db` and reads its current caseload (only `pupils`, when given) in `vocabulary`'s terms.
std::unique_ptr<StoreInput> read_store_input(const std::string& db, store::OpenMode mode,
                                             const dsl::Vocabulary& vocabulary, const std::vector<std::string>& pupils,
                                             dsl::Diagnostics& diagnostics);

/// Opens `db` for a run that reads its pupils as it evaluates them (RunWriter::read_current).
std::unique_ptr<store::Store> open_store_for_run(const std::string& db, dsl::Diagnostics& diagnostics);

/// Starts storing a run over the current caseload (`pupils`: the selection, if any); null on failure.
std::unique_ptr<store::RunWriter> begin_store_run(store::Store& store, dsl::Date as_of, const engine::PackIdentity& pack,
                                                  const std::vector<std::string>& pupils, const std::string& started,
                                                  dsl::Diagnostics& diagnostics);

/// Completes a run stored slice by slice and tells the user (on stderr) where it went; false on failure.
bool finish_store_run(const store::Store& store, store::RunWriter& writer, dsl::Diagnostics& diagnostics);

/// The error for a database that holds no pupils yet.
void report_no_pupils(const std::string& db, dsl::Diagnostics& diagnostics);

/// `waymark explain --db FILE --flag ID`: prints the stored explanation; returns the exit code.
int explain_stored_flag(const std::string& db, const std::string& flag);

/// Parses a flag number as printed (`17` or `#17`); nothing if it is not one.
std::optional<std::int64_t> parse_flag_number(const std::string& text);

}  // namespace waymark::cli
