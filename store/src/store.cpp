// The Store: opening and migrating the file, import, reading caseloads, storing and reading runs,
// flags and acknowledgements. History is in history.cpp, verification in audit.cpp.

#include "waymark/store/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

#include "case_codec.hpp"
#include "chain.hpp"
#include "json_text.hpp"
#include "result_codec.hpp"
#include "run_rows.hpp"
#include "schema.hpp"
#include "store_state.hpp"
#include "versions.hpp"

namespace waymark::store {

using detail::Bytes;
using detail::ChainWriter;
using detail::Connection;
using detail::Digest;
using detail::SqlError;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;

namespace detail {

const char* waymark_version() {
#ifdef WAYMARK_VERSION
  return WAYMARK_VERSION;
#else
  return "unknown";
#endif
}

}  // namespace detail

int schema_version() { return detail::current_version(); }

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string content_digest(std::string_view bytes) {
  detail::Sha256 h;
  h.update(bytes);
  return detail::digest_text(h.finish());
}

namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// Makes the file before SQLite does, so that it is private from its first byte: SQLite would create it
// 0644 less the umask, and gives its -wal and -shm files the database file's permissions.
bool create_private_file(const std::string& path, dsl::Diagnostics& diagnostics) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return true;  // another process made it a moment ago
    diagnostics.error({}, errno == ENOSPC ? "database-full" : "cannot-create",
                      "cannot create " + quoted(path) + ": " + std::strerror(errno));
    return false;
  }
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    diagnostics.error({}, "cannot-create", "cannot make " + quoted(path) + " private: " + std::strerror(saved));
    return false;
  }
  return true;
}

void set_pragmas(Connection& c, const OpenOptions& options) {
  c.exec("PRAGMA foreign_keys = ON");
  c.exec("PRAGMA cache_size = -65536");  // 64 MiB: a 250,000-pupil import touches many index pages
  if (options.mode != OpenMode::read) {
    // FULL: a committed import or run survives a power cut, not only a crash (one fsync per command).
    c.exec("PRAGMA synchronous = FULL");
  }
  if (options.max_pages) c.exec("PRAGMA max_page_count = " + std::to_string(*options.max_pages));
}

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

// Shared with the server's queries (run_rows.hpp).
namespace detail {

RunRecord read_run_header(Statement& s) {
  RunRecord r;
  r.id = s.integer(0);
  r.as_of = dsl::Date::parse_iso(s.text(1)).value_or(dsl::Date{});
  r.pack.name = s.text(2);
  r.pack.version = s.text(3);
  r.pack.digest = s.text(4);
  r.input_digest = s.text(5);
  if (const auto sel = s.optional_text(6)) r.selection = detail::parse_strings(*sel);
  r.pupils = static_cast<std::size_t>(s.integer(7));
  r.flags = static_cast<std::size_t>(s.integer(8));
  r.due = static_cast<std::size_t>(s.integer(9));
  r.started = s.text(10);
  r.finished = s.text(11);
  r.waymark_version = s.text(12);
  return r;
}

const char* const run_header_columns =
    "id, as_of, pack_name, pack_version, pack_digest, input_digest, selection, pupils, flags, due, started, finished, "
    "waymark_version";

std::optional<RunRecord> load_run_header(Connection& c, std::int64_t run) {
  Statement s(c, std::string("SELECT ") + run_header_columns + " FROM runs WHERE id = ?");
  s.bind(1, run);
  if (!s.step()) return std::nullopt;
  return read_run_header(s);
}

// The flag columns after `id` read back into a Flag; false when a column does not parse (an edit).
const char* const flag_columns =
    "id, run_id, pupil_id, position, rule, title, category, severity, tier, evidence, actions, notify, cite, explanation";

bool read_flag(Statement& s, engine::Flag& f) {
  f.rule = s.text(4);
  f.title = s.text(5);
  f.category = s.text(6);
  const auto severity = detail::parse_severity(s.text(7));
  f.tier = s.optional_integer(8);
  auto evidence = detail::parse_strings(s.text(9));
  auto actions = detail::parse_strings(s.text(10));
  auto notify = detail::parse_strings(s.text(11));
  f.cite = s.text(12);
  auto explanation = detail::parse_explanation(s.text(13));
  if (!severity || !evidence || !actions || !notify || !explanation) return false;
  f.severity = *severity;
  f.evidence = std::move(*evidence);
  f.actions = std::move(*actions);
  f.notify = std::move(*notify);
  f.explanation = std::move(*explanation);
  return true;
}

}  // namespace detail

using detail::flag_columns;
using detail::load_run_header;
using detail::read_flag;
using detail::read_run_header;
using detail::run_header_columns;

namespace {

// A write after tampering still links to the recorded head, so the evidence stays; say so now too.
void warn_if_broken(const ChainWriter& chain, const std::string& path, dsl::Diagnostics& diagnostics) {
  if (!chain.head_mismatch()) return;
  diagnostics.warning({}, "chain-head", "the audit chain of " + quoted(path) +
                                            " does not end where its head says (edited outside waymark?): run "
                                            "'waymark audit verify --db " + path + "'");
}

void damaged(const std::string& path, const std::string& what) {
  throw SqlError("damaged-row", "cannot read " + what + " in " + quoted(path) +
                                    ": a stored value does not parse (edited outside waymark?); run "
                                    "'waymark audit verify --db " + path + "'");
}

}  // namespace

// --- opening ------------------------------------------------------------------------------------

Store::Store(std::unique_ptr<State> state) : state_(std::move(state)) {}
Store::~Store() = default;

const std::string& Store::path() const { return state_->path; }

std::unique_ptr<Store> Store::open(const std::string& path, const OpenOptions& options,
                                   dsl::Diagnostics& diagnostics) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      diagnostics.error({}, "cannot-open", "cannot open " + quoted(path) + ": " + std::strerror(errno));
      return nullptr;
    }
    if (options.mode != OpenMode::create) {
      diagnostics.error({}, "no-database",
                        quoted(path) + " does not exist: fill a database first with 'waymark import --db " + path +
                            " CASES...'");
      return nullptr;
    }
    if (!create_private_file(path, diagnostics)) return nullptr;
  } else if (S_ISDIR(st.st_mode)) {
    diagnostics.error({}, "not-a-database", quoted(path) + " is a folder, not a Waymark database file");
    return nullptr;
  }
  const bool shared = (st.st_mode & 077) != 0;  // st is zero for a file just created private

  auto state = std::make_unique<State>();
  state->path = path;
  state->options = options;
  try {
    detail::ConnectionOptions co;
    co.read_only = options.mode == OpenMode::read;
    co.busy_timeout = options.busy_timeout;
    state->connection = std::make_unique<Connection>(path, co);
    Connection& c = *state->connection;
    c.set_activity("open");
    // Reading the header is where a file that is not SQLite at all shows itself (SQLITE_NOTADB).
    const std::int64_t app = c.query_integer("PRAGMA application_id");
    const std::int64_t version = c.query_integer("PRAGMA user_version");
    bool fresh = false;
    if (app != detail::application_id) {
      const std::int64_t objects = c.query_integer("SELECT count(*) FROM sqlite_schema");
      if (app != 0 || version != 0 || objects != 0) {
        diagnostics.error({}, "not-a-database",
                          quoted(path) + " is not a Waymark database (it is an SQLite database of another program)");
        return nullptr;
      }
      fresh = true;
    }
    if (version > detail::current_version()) {
      diagnostics.error({}, "newer-schema",
                        quoted(path) + " was written by a newer Waymark (schema version " + std::to_string(version) +
                            "; this one knows up to " + std::to_string(detail::current_version()) +
                            "): use that version or a later one");
      return nullptr;
    }
    if (options.mode == OpenMode::read) {
      if (fresh) {
        diagnostics.error({}, "not-a-database",
                          quoted(path) + " is empty: not a Waymark database yet (fill it with 'waymark import')");
        return nullptr;
      }
    } else if (fresh || version < detail::current_version()) {
      c.set_activity("prepare");
      detail::migrate(c, detail::current_version());
    }
    set_pragmas(c, options);
    if (shared) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      diagnostics.warning({}, "not-private",
                          quoted(path) + " can be read by other users (mode " + mode +
                              "); it holds pupils' personal data: run 'chmod 600 " + path + "'");
    }
  } catch (const SqlError& e) {
    dsl::Diagnostic d;
    d.code = e.code();
    d.message = e.what();
    diagnostics.add(std::move(d));
    return nullptr;
  }
  return std::unique_ptr<Store>(new Store(std::move(state)));
}

// --- import -------------------------------------------------------------------------------------

std::optional<ImportSummary> Store::import_caseload(const engine::Caseload& caseload, const dsl::Vocabulary& vocabulary,
                                                    const ImportProvenance& provenance, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "store the import in", true, [&]() -> std::optional<ImportSummary> {
    Connection& c = *state_->connection;
    // Encoding needs no lock: do it before taking the write lock, so others wait less.
    std::vector<detail::StoredPupil> encoded;
    std::vector<Digest> digests;
    encoded.reserve(caseload.pupils.size());
    digests.reserve(caseload.pupils.size());
    const detail::PupilEncoder encoder(vocabulary);
    for (const engine::Pupil& p : caseload.pupils) {
      encoded.push_back(encoder.encode(p));
      digests.push_back(detail::pupil_digest(encoded.back()));
    }
    std::string sources = "[";
    for (std::size_t i = 0; i < provenance.sources.size(); ++i) {
      sources += i > 0 ? ",{\"path\":" : "{\"path\":";
      if (!detail::put_json_string(sources, provenance.sources[i].path)) {
        throw SqlError("invalid-text", "a file name is not valid UTF-8: rename it");
      }
      sources += ",\"sha256\":";
      detail::put_json_string(sources, provenance.sources[i].digest);
      sources += "}";
    }
    sources += "]";

    Transaction transaction(c, Transaction::Kind::immediate);
    ChainWriter chain(c);
    Statement insert_import(c,
                            "INSERT INTO imports (started, finished, waymark_version, pack_name, pack_version, "
                            "pack_digest, sources, attendance_codes, pupils, added, replaced, unchanged, records, "
                            "versions_digest) VALUES (?, '', ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?)");
    insert_import.bind(1, provenance.started.empty() ? now_utc() : provenance.started)
        .bind(2, detail::waymark_version())
        .bind(3, provenance.pack.name)
        .bind(4, provenance.pack.version)
        .bind(5, provenance.pack.digest)
        .bind(6, sources)
        .bind(7, detail::attendance_codes_json(vocabulary))
        .bind(8, Bytes());
    insert_import.run();
    const std::int64_t import_id = c.last_insert_id();

    Statement current(c,
                      "SELECT p.current_version, v.digest FROM pupils p LEFT JOIN pupil_versions v "
                      "ON v.id = p.current_version WHERE p.id = ?");
    Statement insert_pupil(c, "INSERT INTO pupils (id, current_version) VALUES (?, NULL)");
    Statement insert_version(c,
                             "INSERT INTO pupil_versions (pupil_id, import_id, replaces, upn, name, attributes, "
                             "marks_first, marks, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Statement insert_record(c,
                            "INSERT INTO records (version_id, seq, kind, record_id, anchor, end_date, fields) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
    Statement set_current(c, "UPDATE pupils SET current_version = ? WHERE id = ?");

    ImportSummary summary;
    summary.import_id = import_id;
    summary.pupils = encoded.size();
    detail::Sha256 versions;
    versions.frame_text("waymark-import-versions-v1");
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      const detail::StoredPupil& p = encoded[i];
      current.bind(1, p.id);
      const bool exists = current.step();
      const std::optional<std::int64_t> previous = exists ? current.optional_integer(0) : std::nullopt;
      const bool same = exists && previous && detail::digest_of(current.blob(1)) == digests[i];
      current.reset();
      if (same) {
        ++summary.unchanged;
        continue;
      }
      if (!exists) {
        insert_pupil.bind(1, p.id);
        insert_pupil.run();
        ++summary.added;
      } else {
        ++summary.replaced;
      }
      insert_version.bind(1, p.id).bind(2, import_id).bind(3, previous).bind(4, p.upn).bind(5, p.name);
      insert_version.bind(6, p.attributes).bind(7, p.marks_first);
      if (p.marks) {
        insert_version.bind(8, *p.marks);
      } else {
        insert_version.bind_null(8);
      }
      insert_version.bind(9, detail::to_bytes(digests[i]));
      insert_version.run();
      const std::int64_t version = c.last_insert_id();
      for (std::size_t k = 0; k < p.records.size(); ++k) {
        const detail::StoredRecord& r = p.records[k];
        insert_record.bind(1, version).bind(2, static_cast<std::int64_t>(k)).bind(3, r.kind).bind(4, r.record_id);
        insert_record.bind(5, r.anchor).bind(6, r.end_date).bind(7, r.fields);
        insert_record.run();
      }
      set_current.bind(1, version).bind(2, p.id);
      set_current.run();
      versions.frame_integer(version);
      versions.frame_text(p.id);
      versions.frame_value(previous ? SqlValue(*previous) : SqlValue());
      versions.frame_digest(digests[i]);
      summary.records += p.records.size();
      if (p.marks) summary.attendance_days += p.marks->size() / 2;
    }
    Statement finish(c,
                     "UPDATE imports SET finished = ?, pupils = ?, added = ?, replaced = ?, unchanged = ?, records = ?, "
                     "versions_digest = ? WHERE id = ?");
    finish.bind(1, now_utc())
        .bind(2, static_cast<std::int64_t>(summary.pupils))
        .bind(3, static_cast<std::int64_t>(summary.added))
        .bind(4, static_cast<std::int64_t>(summary.replaced))
        .bind(5, static_cast<std::int64_t>(summary.unchanged))
        .bind(6, static_cast<std::int64_t>(summary.records))
        .bind(7, detail::to_bytes(versions.finish()))
        .bind(8, import_id);
    finish.run();
    chain.append("imports", import_id);
    chain.finish();
    transaction.commit();
    warn_if_broken(chain, state_->path, diagnostics);
    return summary;
  });
}

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

// --- runs ---------------------------------------------------------------------------------------

std::optional<SavedRun> Store::save_run(const engine::RunResult& result, const StoredCaseload& inputs,
                                        const std::optional<std::vector<std::string>>& selection,
                                        const std::string& started, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "store the run in", true, [&]() -> std::optional<SavedRun> {
    Connection& c = *state_->connection;
    std::map<std::string_view, std::int64_t> version_of;
    for (std::size_t i = 0; i < inputs.pupil_ids.size() && i < inputs.versions.size(); ++i) {
      version_of.emplace(inputs.pupil_ids[i], inputs.versions[i]);
    }
    detail::Sha256 pupils_digest;
    pupils_digest.frame_text("waymark-run-pupils-v1");
    std::size_t flag_count = 0;
    std::size_t due_count = 0;
    for (const engine::PupilResult& p : result.pupils) {
      const auto at = version_of.find(p.id);
      if (at == version_of.end()) {
        throw SqlError("database-error", "internal error: pupil " + p.id + " was evaluated but not read from the store");
      }
      pupils_digest.frame_text(p.id);
      pupils_digest.frame_integer(at->second);
      pupils_digest.frame_value(p.current_tier != 0 ? SqlValue(p.current_tier) : SqlValue());
      pupils_digest.frame_value(p.suggested_tier ? SqlValue(*p.suggested_tier) : SqlValue());
      flag_count += p.flags.size();
      due_count += p.due.size();
    }

    SavedRun out;
    RunRecord& run = out.run;
    run.as_of = result.as_of;
    run.pack = result.pack;
    run.input_digest = inputs.input_digest;
    run.selection = selection;
    run.pupils = result.pupils.size();
    run.flags = flag_count;
    run.due = due_count;
    run.started = started;
    run.finished = now_utc();
    run.waymark_version = detail::waymark_version();

    const auto text = [](std::string v) { return SqlValue(std::move(v)); };
    const auto integer = [](std::int64_t v) { return SqlValue(v); };
    const auto optional_integer = [](std::optional<std::int64_t> v) { return v ? SqlValue(*v) : SqlValue(); };

    Transaction transaction(c, Transaction::Kind::immediate);
    ChainWriter chain(c);
    const auto& runs = detail::chained_table("runs");
    const auto& flags = detail::chained_table("flags");
    const auto& due = detail::chained_table("due");
    Statement insert_run(c, detail::insert_sql(runs));
    std::vector<SqlValue> row{SqlValue(),
                              text(run.as_of.iso()),
                              text(run.pack.name),
                              text(run.pack.version),
                              text(run.pack.digest),
                              text(run.input_digest),
                              selection ? text(detail::strings_json(*selection)) : SqlValue(),
                              integer(static_cast<std::int64_t>(run.pupils)),
                              integer(static_cast<std::int64_t>(run.flags)),
                              integer(static_cast<std::int64_t>(run.due)),
                              SqlValue(detail::to_bytes(pupils_digest.finish())),
                              text(run.started),
                              text(run.finished),
                              text(run.waymark_version)};
    run.id = chain.insert(runs, insert_run, row);

    Statement insert_pupil(c,
                           "INSERT INTO run_pupils (run_id, pupil_id, version_id, current_tier, suggested_tier) "
                           "VALUES (?, ?, ?, ?, ?)");
    Statement insert_flag(c, detail::insert_sql(flags));
    Statement insert_due(c, detail::insert_sql(due));
    out.flag_ids.reserve(result.pupils.size());
    for (const engine::PupilResult& p : result.pupils) {
      insert_pupil.bind(1, run.id).bind(2, p.id).bind(3, version_of.at(p.id));
      insert_pupil.bind(4, p.current_tier != 0 ? std::optional<std::int64_t>(p.current_tier) : std::nullopt);
      insert_pupil.bind(5, p.suggested_tier);
      insert_pupil.run();
      std::vector<std::int64_t>& ids = out.flag_ids.emplace_back();
      for (std::size_t i = 0; i < p.flags.size(); ++i) {
        const engine::Flag& f = p.flags[i];
        row = {SqlValue(),
               integer(run.id),
               text(p.id),
               integer(static_cast<std::int64_t>(i)),
               text(f.rule),
               text(detail::bound_item(f)),
               text(f.title),
               text(f.category),
               text(detail::severity_word(f.severity)),
               optional_integer(f.tier),
               text(detail::strings_json(f.evidence)),
               text(detail::strings_json(f.actions)),
               text(detail::strings_json(f.notify)),
               text(f.cite),
               text(detail::explanation_json(f.explanation))};
        ids.push_back(chain.insert(flags, insert_flag, row));
      }
      for (std::size_t i = 0; i < p.due.size(); ++i) {
        const engine::DueEntry& d = p.due[i];
        row = {SqlValue(),
               integer(run.id),
               text(p.id),
               integer(static_cast<std::int64_t>(i)),
               text(d.rule),
               text(d.title),
               text(detail::strings_json(d.evidence)),
               d.deadline ? text(d.deadline->iso()) : SqlValue(),
               text(detail::strings_json(d.actions))};
        chain.insert(due, insert_due, row);
      }
    }
    chain.finish();
    transaction.commit();
    warn_if_broken(chain, state_->path, diagnostics);
    return out;
  });
}

std::optional<StoredRun> Store::load_run(std::int64_t run, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a run from", false, [&]() -> std::optional<StoredRun> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    auto header = load_run_header(c, run);
    if (!header) {
      diagnostics.error({}, "unknown-run", "no run " + std::to_string(run) + " in " + quoted(c.path()));
      return std::nullopt;
    }
    StoredRun out;
    out.run = *header;
    out.result.as_of = header->as_of;
    out.result.pack = header->pack;
    std::map<std::string, std::size_t> index;
    Statement pupils(c, "SELECT pupil_id, current_tier, suggested_tier FROM run_pupils WHERE run_id = ? ORDER BY pupil_id");
    pupils.bind(1, run);
    while (pupils.step()) {
      engine::PupilResult p;
      p.id = pupils.text(0);
      p.current_tier = pupils.optional_integer(1).value_or(0);
      p.suggested_tier = pupils.optional_integer(2);
      index.emplace(p.id, out.result.pupils.size());
      out.result.pupils.push_back(std::move(p));
      out.flag_ids.emplace_back();
    }
    Statement flags(c, std::string("SELECT ") + flag_columns + " FROM flags WHERE run_id = ? ORDER BY pupil_id, position");
    flags.bind(1, run);
    while (flags.step()) {
      const auto at = index.find(flags.text(2));
      if (at == index.end()) damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
      engine::Flag f;
      if (!read_flag(flags, f)) damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
      out.result.pupils[at->second].flags.push_back(std::move(f));
      out.flag_ids[at->second].push_back(flags.integer(0));
    }
    Statement due(c, "SELECT id, pupil_id, rule, title, evidence, deadline, actions FROM due WHERE run_id = ? "
                     "ORDER BY pupil_id, position");
    due.bind(1, run);
    while (due.step()) {
      const auto at = index.find(due.text(1));
      engine::DueEntry d;
      d.rule = due.text(2);
      d.title = due.text(3);
      auto evidence = detail::parse_strings(due.text(4));
      auto actions = detail::parse_strings(due.text(6));
      if (const auto deadline = due.optional_text(5)) d.deadline = dsl::Date::parse_iso(*deadline);
      if (at == index.end() || !evidence || !actions) damaged(c.path(), "due entry " + std::to_string(due.integer(0)));
      d.evidence = std::move(*evidence);
      d.actions = std::move(*actions);
      out.result.pupils[at->second].due.push_back(std::move(d));
    }
    snapshot.commit();
    return out;
  });
}

std::optional<std::int64_t> Store::latest_run(dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read", false, [&]() -> std::optional<std::int64_t> {
    Statement s(*state_->connection, "SELECT max(id) FROM runs");
    if (!s.step() || s.is_null(0)) {
      diagnostics.error({}, "unknown-run", "no run is stored in " + quoted(state_->path) + " yet");
      return std::nullopt;
    }
    return s.integer(0);
  });
}

// --- flags and acknowledgements -----------------------------------------------------------------

std::optional<StoredFlag> Store::load_flag(std::int64_t flag, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a flag from", false, [&]() -> std::optional<StoredFlag> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    Statement s(c, std::string("SELECT ") + flag_columns + " FROM flags WHERE id = ?");
    s.bind(1, flag);
    if (!s.step()) {
      diagnostics.error({}, "unknown-flag", "no flag " + std::to_string(flag) + " in " + quoted(c.path()) +
                                                ": 'waymark history --db " + c.path() +
                                                " --pupil ID' lists a pupil's flags with their numbers");
      return std::nullopt;
    }
    StoredFlag out;
    out.id = flag;
    out.pupil = s.text(2);
    if (!read_flag(s, out.flag)) damaged(c.path(), "flag " + std::to_string(flag));
    auto header = load_run_header(c, s.integer(1));
    if (!header) damaged(c.path(), "the run of flag " + std::to_string(flag));
    out.run = *header;
    snapshot.commit();
    return out;
  });
}

std::optional<Acknowledgement> Store::acknowledge(std::int64_t flag, const std::string& by, const std::string& note,
                                                  dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "record the acknowledgement in", true,
                         [&]() -> std::optional<Acknowledgement> {
                           Connection& c = *state_->connection;
                           Transaction transaction(c, Transaction::Kind::immediate);
                           Statement exists(c, "SELECT 1 FROM flags WHERE id = ?");
                           exists.bind(1, flag);
                           if (!exists.step()) {
                             diagnostics.error({}, "unknown-flag",
                                               "no flag " + std::to_string(flag) + " in " + quoted(c.path()) +
                                                   ": 'waymark history --db " + c.path() +
                                                   " --pupil ID' lists a pupil's flags with their numbers");
                             return std::nullopt;
                           }
                           exists.reset();
                           ChainWriter chain(c);
                           Acknowledgement a;
                           a.flag = flag;
                           a.by = by;
                           a.note = note;
                           a.at = now_utc();
                           const auto& acks = detail::chained_table("acks");
                           Statement insert(c, detail::insert_sql(acks));
                           std::vector<SqlValue> row{SqlValue(), SqlValue(flag), SqlValue(by), SqlValue(note),
                                                     SqlValue(a.at)};
                           a.id = chain.insert(acks, insert, row);
                           chain.finish();
                           transaction.commit();
                           warn_if_broken(chain, state_->path, diagnostics);
                           return a;
                         });
}

}  // namespace waymark::store
