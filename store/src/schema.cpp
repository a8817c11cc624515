#include "schema.hpp"

#include <stdexcept>
#include <string>

namespace waymark::store::detail {

namespace {

// Version 1: the tables. Types are STRICT so that a value reads back exactly as it was written (the
// hash chain depends on it) and an edit of the wrong type is refused. Only portable SQL: INTEGER,
// TEXT and BLOB columns, foreign keys, unique constraints; a server database takes the same shape.
constexpr std::string_view version_1 = R"sql(
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  started TEXT NOT NULL,
  finished TEXT NOT NULL,
  waymark_version TEXT NOT NULL,
  pack_name TEXT NOT NULL,
  pack_version TEXT NOT NULL,
  pack_digest TEXT NOT NULL,
  sources TEXT NOT NULL,
  attendance_codes TEXT NOT NULL,
  pupils INTEGER NOT NULL,
  added INTEGER NOT NULL,
  replaced INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  records INTEGER NOT NULL,
  versions_digest BLOB NOT NULL
) STRICT;

CREATE TABLE pupils (
  id TEXT PRIMARY KEY,
  current_version INTEGER REFERENCES pupil_versions (id)
) STRICT;

CREATE TABLE pupil_versions (
  id INTEGER PRIMARY KEY,
  pupil_id TEXT NOT NULL REFERENCES pupils (id),
  import_id INTEGER NOT NULL REFERENCES imports (id),
  replaces INTEGER REFERENCES pupil_versions (id),
  upn TEXT,
  name TEXT,
  attributes TEXT NOT NULL,
  marks_first TEXT,
  marks BLOB,
  digest BLOB NOT NULL
) STRICT;

CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES pupil_versions (id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  anchor TEXT NOT NULL,
  end_date TEXT,
  fields TEXT NOT NULL,
  UNIQUE (version_id, seq)
) STRICT;

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  as_of TEXT NOT NULL,
  pack_name TEXT NOT NULL,
  pack_version TEXT NOT NULL,
  pack_digest TEXT NOT NULL,
  input_digest TEXT NOT NULL,
  selection TEXT,
  pupils INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  due INTEGER NOT NULL,
  pupils_digest BLOB NOT NULL,
  started TEXT NOT NULL,
  finished TEXT NOT NULL,
  waymark_version TEXT NOT NULL
) STRICT;

CREATE TABLE run_pupils (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  pupil_id TEXT NOT NULL REFERENCES pupils (id),
  version_id INTEGER NOT NULL REFERENCES pupil_versions (id),
  current_tier INTEGER,
  suggested_tier INTEGER,
  PRIMARY KEY (run_id, pupil_id)
) STRICT;

CREATE TABLE flags (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  pupil_id TEXT NOT NULL REFERENCES pupils (id),
  position INTEGER NOT NULL,
  rule TEXT NOT NULL,
  bound_item TEXT NOT NULL,
  title TEXT NOT NULL,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  tier INTEGER,
  evidence TEXT NOT NULL,
  actions TEXT NOT NULL,
  notify TEXT NOT NULL,
  cite TEXT NOT NULL,
  explanation TEXT NOT NULL
) STRICT;

CREATE TABLE due (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  pupil_id TEXT NOT NULL REFERENCES pupils (id),
  position INTEGER NOT NULL,
  rule TEXT NOT NULL,
  title TEXT NOT NULL,
  evidence TEXT NOT NULL,
  deadline TEXT,
  actions TEXT NOT NULL
) STRICT;

CREATE TABLE acks (
  id INTEGER PRIMARY KEY,
  flag_id INTEGER NOT NULL REFERENCES flags (id),
  acknowledged_by TEXT NOT NULL,
  note TEXT NOT NULL,
  acknowledged_at TEXT NOT NULL
) STRICT;

CREATE TABLE chain (
  seq INTEGER PRIMARY KEY,
  tbl TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  content BLOB NOT NULL,
  columns BLOB NOT NULL,
  hash BLOB NOT NULL,
  UNIQUE (tbl, row_id)
) STRICT;

CREATE TABLE chain_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  tbl TEXT,
  row_id INTEGER
) STRICT;
)sql";

// Version 2: indexes for history (per pupil), verify (per run) and re-import (versions per pupil).
constexpr std::string_view version_2 = R"sql(
CREATE INDEX pupil_versions_by_pupil ON pupil_versions (pupil_id, id);
CREATE INDEX pupil_versions_by_import ON pupil_versions (import_id, id);
CREATE INDEX run_pupils_by_pupil ON run_pupils (pupil_id, run_id);
CREATE INDEX flags_by_run ON flags (run_id, pupil_id, position);
CREATE INDEX flags_by_pupil ON flags (pupil_id, run_id);
CREATE INDEX due_by_run ON due (run_id, pupil_id, position);
CREATE INDEX due_by_pupil ON due (pupil_id, run_id);
CREATE INDEX acks_by_flag ON acks (flag_id);
)sql";


// Version 3: the server's users and sessions (server.md). Users are an append-only list of changes
// (add or remove, with the role, schools and password hash), chained like acknowledgements, so that
// `audit verify` catches a role or school edited outside waymark; the current users are the latest
// change per name. Sessions are not evidence (they expire) and are not chained; a session names the
// user change it was granted under, so removing or re-adding a user ends their sessions.
constexpr std::string_view version_3 = R"sql(
CREATE TABLE user_changes (
  id INTEGER PRIMARY KEY,
  user_name TEXT NOT NULL,
  change TEXT NOT NULL,
  role TEXT NOT NULL,
  schools TEXT NOT NULL,
  credential TEXT NOT NULL,
  changed_at TEXT NOT NULL
) STRICT;
CREATE INDEX user_changes_by_name ON user_changes (user_name, id);

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_change INTEGER NOT NULL REFERENCES user_changes (id),
  csrf TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_change);
)sql";

// Version 4: a flag's long texts (actions, notify, cite and explanation, 60% of a run's bytes and
// nearly all alike from flag to flag) are stored together in `packed`, a zstd frame compressed against
// the run's `dictionary` (docs/store.md, "Packed flags"); the four text columns are then empty. Rows
// stored before keep their texts and no packed column. Both columns are chained (ChainedTable).
// It also moves the server's sessions to a file of their own (users.cpp): signing in must not wait
// for a run's write lock. The sessions kept here are dropped (their users sign in again).
constexpr std::string_view version_4 = R"sql(
ALTER TABLE runs ADD COLUMN dictionary BLOB;
ALTER TABLE flags ADD COLUMN packed BLOB;
DROP TABLE sessions;
)sql";

}  // namespace

int current_version() { return static_cast<int>(migrations().size()); }

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> all{version_1, version_2, version_3, version_4};
  return all;
}

void migrate(Connection& connection, int target) {
  // A new database gets pages of 16 KiB (SQLite's default is 4 KiB): a roll's pupils, flags and chain
  // are hundreds of thousands of rows of a few hundred bytes, and larger pages mean fewer b-tree pages
  // to split, write and read (a 250,000-pupil run about 5% faster, reading it back about 20%;
  // docs/performance.md). It only takes effect before the file's first page is written, so an
  // existing database keeps its size.
  if (connection.query_integer("PRAGMA user_version") == 0) connection.exec("PRAGMA page_size = 16384");
  // WAL lets readers (history, verify) work while a writer imports; it is a property of the file and
  // cannot change inside a transaction.
  Statement wal(connection, "PRAGMA journal_mode = WAL");
  if (wal.step() && wal.text(0) != "wal") {
    throw SqlError("database-error", "cannot switch '" + connection.path() + "' to write-ahead logging (journal mode " +
                                         wal.text(0) + ")");
  }
  wal.reset();
  Transaction transaction(connection, Transaction::Kind::immediate);
  const std::int64_t version = connection.query_integer("PRAGMA user_version");
  if (version >= target) return;  // another process got here first
  if (version == 0) connection.exec("PRAGMA application_id = " + std::to_string(application_id));
  for (int v = static_cast<int>(version); v < target; ++v) connection.exec(migrations()[static_cast<std::size_t>(v)]);
  connection.exec("PRAGMA user_version = " + std::to_string(target));
  transaction.commit();
}

const std::vector<ChainedTable>& chained_tables() {
  static const std::vector<ChainedTable> tables{
      {"imports", "import",
       {"id", "started", "finished", "waymark_version", "pack_name", "pack_version", "pack_digest", "sources",
        "attendance_codes", "pupils", "added", "replaced", "unchanged", "records", "versions_digest"}},
      {"runs", "run",
       {"id", "as_of", "pack_name", "pack_version", "pack_digest", "input_digest", "selection", "pupils", "flags", "due",
        "pupils_digest", "started", "finished", "waymark_version", "dictionary"},
       14, 4},
      {"flags", "flag",
       {"id", "run_id", "pupil_id", "position", "rule", "bound_item", "title", "category", "severity", "tier",
        "evidence", "actions", "notify", "cite", "explanation", "packed"},
       15, 4},
      {"due", "due entry", {"id", "run_id", "pupil_id", "position", "rule", "title", "evidence", "deadline", "actions"}},
      {"acks", "acknowledgement", {"id", "flag_id", "acknowledged_by", "note", "acknowledged_at"}},
      {"user_changes", "user change", {"id", "user_name", "change", "role", "schools", "credential", "changed_at"}},
  };
  return tables;
}

int schema_version(Connection& connection) {
  return static_cast<int>(connection.query_integer("PRAGMA user_version"));
}

std::string select_chained(Connection& connection, const ChainedTable& table, std::string_view where) {
  const bool old = table.first_added < table.columns.size() && schema_version(connection) < table.added_in;
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    sql += i > 0 ? ", " : "";
    sql += old && i >= table.first_added ? "NULL" : std::string(table.columns[i]);
  }
  return sql + " FROM " + std::string(table.name) + " " + std::string(where);
}

const ChainedTable& chained_table(std::string_view name) {
  for (const ChainedTable& t : chained_tables()) {
    if (t.name == name) return t;
  }
  throw std::logic_error("not a chained table: " + std::string(name));
}

}  // namespace waymark::store::detail
