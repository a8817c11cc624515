// Reading caseloads: the current versions (all pupils or the named ones) and the inputs of a stored
// run, each version checked against its stored digest before it is trusted.

#include <algorithm>
#include <limits>

#include "caseload_reader.hpp"
#include "store_state.hpp"
#include "versions.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Connection;
using detail::Digest;
using detail::Statement;
using detail::Transaction;
using detail::quoted;

namespace {

// Reads versions into a caseload, checking each against its stored digest before it is trusted.
std::optional<StoredCaseload> read_caseload(Connection& c, const dsl::Vocabulary& vocabulary,
                                            detail::VersionStream& stream, dsl::Diagnostics& diagnostics) {
  detail::CaseloadReader reader(c, vocabulary, stream);
  StoredCaseload out;
  while (reader.next(out.caseload.pupils, std::numeric_limits<std::size_t>::max(), diagnostics)) {
  }
  if (reader.failed()) return std::nullopt;
  engine::Caseload pupils = std::move(out.caseload);
  out = reader.release();
  out.caseload = std::move(pupils);
  return out;
}

// A run reads the pupils table joined to each pupil's current version: a pupil row deleted or
// unlinked outside waymark would drop the pupil from the run without a word. Refuse instead.
bool pupils_complete(Connection& c, dsl::Diagnostics& diagnostics) {
  Statement removed(c, "SELECT count(DISTINCT v.pupil_id) FROM pupil_versions v WHERE NOT EXISTS "
                       "(SELECT 1 FROM pupils p WHERE p.id = v.pupil_id)");
  Statement unlinked(c, "SELECT count(*) FROM pupils p WHERE p.current_version IS NULL OR NOT EXISTS "
                        "(SELECT 1 FROM pupil_versions v WHERE v.id = p.current_version AND v.pupil_id = p.id)");
  const std::int64_t gone = removed.step() ? removed.integer(0) : 0;
  const std::int64_t loose = unlinked.step() ? unlinked.integer(0) : 0;
  if (gone == 0 && loose == 0) return true;
  diagnostics.error({}, "altered-data",
                    std::to_string(gone + loose) + (gone + loose == 1 ? " pupil" : " pupils") + " in " + quoted(c.path()) +
                        " no longer " + (gone + loose == 1 ? "leads" : "lead") +
                        " to their case data (rows were deleted or edited outside waymark); nothing was evaluated, so "
                        "no pupil is skipped silently: run 'waymark audit verify --db " + c.path() + "'");
  return false;
}

}  // namespace

namespace detail {

std::optional<VersionQueries> current_version_queries(Connection& c, const std::vector<std::string>& pupils,
                                                      dsl::Diagnostics& diagnostics) {
  if (!pupils_complete(c, diagnostics)) return std::nullopt;
  VersionQueries q;
  q.versions = std::string("SELECT ") + version_columns + " FROM pupils p JOIN pupil_versions v ON v.id = p.current_version";
  q.records = std::string("SELECT ") + record_columns + " FROM pupils p JOIN records r ON r.version_id = p.current_version";
  std::vector<std::string> wanted(pupils.begin(), pupils.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (!wanted.empty()) {
    // The named pupils only: a temporary table keeps one query however many are named.
    c.exec("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY)");
    c.exec("DELETE FROM temp.wanted");
    Statement add(c, "INSERT OR IGNORE INTO temp.wanted (id) VALUES (?)");
    for (const std::string& id : wanted) {
      add.bind(1, id);
      add.run();
    }
    Statement missing(c, "SELECT w.id FROM temp.wanted w LEFT JOIN pupils p ON p.id = w.id "
                         "WHERE p.current_version IS NULL ORDER BY w.id");
    bool ok = true;
    while (missing.step()) {
      diagnostics.error({}, "unknown-pupil", "no pupil '" + missing.text(0) + "' in " + quoted(c.path()));
      ok = false;
    }
    if (!ok) return std::nullopt;
    q.versions += " WHERE p.id IN (SELECT id FROM temp.wanted)";
    q.records += " WHERE p.id IN (SELECT id FROM temp.wanted)";
    q.pupils = wanted.size();
  } else {
    Statement count(c, "SELECT count(*) FROM pupils WHERE current_version IS NOT NULL");
    q.pupils = count.step() ? static_cast<std::size_t>(count.integer(0)) : 0;
  }
  q.versions += " ORDER BY p.id";
  q.records += " ORDER BY p.id, r.seq";
  return q;
}

}  // namespace detail

// --- reading caseloads --------------------------------------------------------------------------

std::optional<StoredCaseload> Store::load_caseload(const dsl::Vocabulary& vocabulary,
                                                   const std::vector<std::string>& pupils,
                                                   dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read the caseload from", false, [&]() -> std::optional<StoredCaseload> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);  // one consistent view while an import may be writing
    const auto queries = detail::current_version_queries(c, pupils, diagnostics);
    if (!queries) return std::nullopt;
    detail::VersionStream stream(c, queries->versions, queries->records, nullptr);
    auto out = read_caseload(c, vocabulary, stream, diagnostics);
    snapshot.commit();
    return out;
  });
}

std::optional<StoredCaseload> Store::load_run_inputs(std::int64_t run, const dsl::Vocabulary& vocabulary,
                                                     dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a run's inputs from", false, [&]() -> std::optional<StoredCaseload> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    if (!load_run_header(c, run)) {
      diagnostics.error({}, "unknown-run", "no run " + std::to_string(run) + " in " + quoted(c.path()));
      return std::nullopt;
    }
    const std::string versions = std::string("SELECT ") + detail::version_columns +
                                 " FROM run_pupils rp JOIN pupil_versions v ON v.id = rp.version_id "
                                 "WHERE rp.run_id = ? ORDER BY rp.pupil_id";
    const std::string records = std::string("SELECT ") + detail::record_columns +
                                " FROM run_pupils rp JOIN records r ON r.version_id = rp.version_id "
                                "WHERE rp.run_id = ? ORDER BY rp.pupil_id, r.seq";
    detail::VersionStream stream(c, versions, records, [&](Statement& s) { s.bind(1, run); });
    auto out = read_caseload(c, vocabulary, stream, diagnostics);
    snapshot.commit();
    return out;
  });
}
}  // namespace waymark::store
