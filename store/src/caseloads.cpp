// Reading caseloads: the current versions (all pupils or the named ones) and the inputs of a stored
// run, each version checked against its stored digest before it is trusted.

#include <algorithm>
#include <map>

#include "case_codec.hpp"
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

Digest input_digest(const std::vector<std::string>& ids, const std::vector<Digest>& digests) {
  detail::Sha256 h;
  h.frame_text("waymark-input-v1");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    h.frame_text(ids[i]);
    h.frame_digest(digests[i]);
  }
  return h.finish();
}

// Reads versions into a caseload, checking each against its stored digest before trusting it.
std::optional<StoredCaseload> read_caseload(Connection& c, const dsl::Vocabulary& vocabulary,
                                            detail::VersionStream& stream, dsl::Diagnostics& diagnostics) {
  std::map<std::int64_t, std::string> codes;
  {
    Statement s(c, "SELECT id, attendance_codes FROM imports");
    while (s.step()) codes.emplace(s.integer(0), s.text(1));
  }
  detail::PupilDecoder decoder(vocabulary);
  StoredCaseload out;
  std::vector<std::string> ids;
  std::vector<Digest> digests;
  detail::VersionRow row;
  bool ok = true;
  while (stream.next(row)) {
    const Digest computed = detail::pupil_digest(row.pupil);
    const auto stored = detail::digest_of(row.digest);
    if (!stored || *stored != computed) {
      diagnostics.error({}, "altered-data",
                        "the stored case data of pupil " + row.pupil.id + " (version " + std::to_string(row.id) +
                            ") no longer matches its digest: it was changed outside waymark; nothing was evaluated: "
                            "run 'waymark audit verify --db " + c.path() + "'");
      ok = false;
      continue;
    }
    std::string problem;
    auto pupil = decoder.decode(row.pupil, row.import_id, codes[row.import_id], problem);
    if (!pupil) {
      diagnostics.error({}, "vocabulary-mismatch",
                        problem + " (stored in " + quoted(c.path()) +
                            "): run with the pack the cases were imported with, or one that extends it");
      ok = false;
      continue;
    }
    ids.push_back(row.pupil.id);
    out.pupil_ids.push_back(row.pupil.id);
    digests.push_back(computed);
    out.versions.push_back(row.id);
    out.version_digests.push_back(detail::digest_text(computed));
    out.caseload.pupils.push_back(std::move(*pupil));
  }
  if (!ok) return std::nullopt;
  out.input_digest = detail::digest_text(input_digest(ids, digests));
  return out;
}
}  // namespace

// --- reading caseloads --------------------------------------------------------------------------

std::optional<StoredCaseload> Store::load_caseload(const dsl::Vocabulary& vocabulary,
                                                   const std::vector<std::string>& pupils,
                                                   dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read the caseload from", false, [&]() -> std::optional<StoredCaseload> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);  // one consistent view while an import may be writing
    std::string versions = std::string("SELECT ") + detail::version_columns +
                           " FROM pupils p JOIN pupil_versions v ON v.id = p.current_version";
    std::string records = std::string("SELECT ") + detail::record_columns +
                          " FROM pupils p JOIN records r ON r.version_id = p.current_version";
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
      versions += " WHERE p.id IN (SELECT id FROM temp.wanted)";
      records += " WHERE p.id IN (SELECT id FROM temp.wanted)";
    }
    versions += " ORDER BY p.id";
    records += " ORDER BY p.id, r.seq";
    detail::VersionStream stream(c, versions, records, nullptr);
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
