#pragma once
// The case store (docs/store.md): pupils' case records kept between runs, each run with its flags,
// due entries and explanations, SENCOs' acknowledgements, and an append-only hash chain over them.
// Used by the CLI (import, run --db, explain --flag, history, ack, audit). SQLite today, behind this API.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/source.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"
#include "waymark/store/audit.hpp"
#include "waymark/store/history.hpp"
#include "waymark/store/roster.hpp"
#include "waymark/store/users.hpp"

namespace waymark::store {

/// How a command uses the database.
enum class OpenMode {
  create,  // import: make the file (private to its owner) when it does not exist
  write,   // run, ack: the file must exist
  read,    // history, explain, audit: never modifies the file
};

struct OpenOptions {
  OpenMode mode = OpenMode::write;
  /// How long to wait for another process's write to finish before giving up with `database-busy`.
  std::chrono::milliseconds busy_timeout{60000};
  /// A limit on the database's size in pages (4 KiB); reaching it is reported like a full disk.
  std::optional<std::uint64_t> max_pages;
};

/// The schema version this build writes (PRAGMA user_version).
int schema_version();

/// A file read by an import, with the SHA-256 of its bytes.
struct ImportSource {
  std::string path;
  std::string digest;  // `sha256:...` (or "" for a source that is no file)
  /// The file's bytes, to be hashed while the import stores pupils (then `digest` is set from them);
  /// they must outlive the import.
  std::optional<std::string_view> content = std::nullopt;
  /// Or the file at `path` is read again and hashed while the import stores pupils (a roll's
  /// attendance export, read a block at a time rather than held): it must still have this stamp, as
  /// it was when it was read, before and after; otherwise the digest would describe other bytes than
  /// those imported, and nothing is imported (`changed-input`).
  std::optional<dsl::FileStamp> read_with_stamp = std::nullopt;
};

/// What an import is told about itself, for the audit trail.
struct ImportProvenance {
  engine::PackIdentity pack;  // the pack whose vocabulary validated the cases
  std::vector<ImportSource> sources;
  std::string started;        // UTC, ISO 8601 (see now_utc)
};

/// What an import did.
struct ImportSummary {
  std::int64_t import_id = 0;
  std::size_t pupils = 0;     // in the files
  std::size_t added = 0;      // new to the database
  std::size_t replaced = 0;   // a new version; the previous one is kept for the audit trail
  std::size_t unchanged = 0;  // identical to the stored version: nothing new written
  std::size_t records = 0;    // records of the added and replaced pupils
  std::size_t attendance_days = 0;
};

/// A caseload read from the store, with what identifies it: the version of each pupil and a digest
/// over them (what a run records as its input, and what reproduction checks).
struct StoredCaseload {
  engine::Caseload caseload;           // may be moved out for evaluation: the ids below stay
  std::vector<std::string> pupil_ids;  // aligned with caseload.pupils, sorted
  std::vector<std::int64_t> versions;  // aligned with pupil_ids
  std::string input_digest;            // `sha256:...`
  std::vector<std::string> version_digests;
};

/// The stored header of a run.
struct RunRecord {
  std::int64_t id = 0;
  dsl::Date as_of;
  engine::PackIdentity pack;
  std::string input_digest;
  std::optional<std::vector<std::string>> selection;  // the pupils asked for, or all
  std::size_t pupils = 0;
  std::size_t flags = 0;
  std::size_t due = 0;
  std::string started;
  std::string finished;
  std::string waymark_version;
};

/// A run as stored: its header, the result exactly as evaluated, and the id of each flag (aligned
/// with result.pupils[i].flags).
struct StoredRun {
  RunRecord run;
  engine::RunResult result;
  std::vector<std::vector<std::int64_t>> flag_ids;
};

/// What storing a run gives back: its header and the id of each flag (aligned with the result's
/// pupils and their flags).
struct SavedRun {
  RunRecord run;
  std::vector<std::vector<std::int64_t>> flag_ids;
};

/// One stored flag, with the run that raised it.
struct StoredFlag {
  std::int64_t id = 0;
  RunRecord run;
  std::string pupil;
  engine::Flag flag;
};

/// The time now, UTC, as `2025-11-17T09:30:12Z`.
std::string now_utc();

/// `sha256:...` of some bytes (the files an import read are recorded with theirs).
std::string content_digest(std::string_view bytes);

class RunWriter;

/// An open database. Each writing call is one transaction (BEGIN IMMEDIATE, so concurrent writers
/// wait their turn): it happens entirely or not at all. Failures are diagnostics naming the file.
/// A Store is used by one thread at a time (its connection takes no lock of its own): threads that
/// work at once open a Store each, as the server does.
class Store {
public:
  /// Opens (or, for OpenMode::create, creates with mode 0600) and migrates the database; nothing,
  /// with a diagnostic, when it cannot (missing, not a Waymark database, newer schema, busy, ...).
  static std::unique_ptr<Store> open(const std::string& path, const OpenOptions& options,
                                     dsl::Diagnostics& diagnostics);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  const std::string& path() const;

  /// Stores validated pupils: a new pupil is added, a changed one gets a new version (the previous
  /// one kept), an identical one is left alone. All or nothing.
  std::optional<ImportSummary> import_caseload(const engine::Caseload& caseload, const dsl::Vocabulary& vocabulary,
                                               const ImportProvenance& provenance, dsl::Diagnostics& diagnostics);

  /// The current version of every stored pupil (or of those named), under `vocabulary`.
  std::optional<StoredCaseload> load_caseload(const dsl::Vocabulary& vocabulary, const std::vector<std::string>& pupils,
                                              dsl::Diagnostics& diagnostics);

  /// Stores a run evaluated over `inputs`, with every flag, explanation and due entry, appended to the
  /// hash chain. `started` is when evaluation began. Returns the run's header and flag ids.
  std::optional<SavedRun> save_run(const engine::RunResult& result, const StoredCaseload& inputs,
                                    const std::optional<std::vector<std::string>>& selection,
                                    const std::string& started, dsl::Diagnostics& diagnostics);

  /// Starts storing a run over `inputs` a slice of pupils at a time (RunWriter), so that a whole roll's
  /// flags and explanations need never be in memory together. Holds the write lock until finished.
  std::unique_ptr<RunWriter> begin_run(dsl::Date as_of, const engine::PackIdentity& pack, const StoredCaseload& inputs,
                                       const std::optional<std::vector<std::string>>& selection,
                                       const std::string& started, dsl::Diagnostics& diagnostics);
  /// The same for a run that reads its inputs itself, a slice at a time as it evaluates them
  /// (RunWriter::read_current), so that a roll's case data need not be in memory at once either.
  std::unique_ptr<RunWriter> begin_run(dsl::Date as_of, const engine::PackIdentity& pack,
                                       const std::optional<std::vector<std::string>>& selection,
                                       const std::string& started, dsl::Diagnostics& diagnostics);

  /// A stored run, exactly as it was stored.
  std::optional<StoredRun> load_run(std::int64_t run, dsl::Diagnostics& diagnostics);
  /// The pupils exactly as run `run` saw them (the versions it recorded), under `vocabulary`.
  std::optional<StoredCaseload> load_run_inputs(std::int64_t run, const dsl::Vocabulary& vocabulary,
                                                dsl::Diagnostics& diagnostics);
  /// The id of the latest run, if any.
  std::optional<std::int64_t> latest_run(dsl::Diagnostics& diagnostics);

  /// One stored flag with its explanation.
  std::optional<StoredFlag> load_flag(std::int64_t flag, dsl::Diagnostics& diagnostics);

  /// Records that a flag was seen and what was done, appended to the hash chain.
  std::optional<Acknowledgement> acknowledge(std::int64_t flag, const std::string& by, const std::string& note,
                                             dsl::Diagnostics& diagnostics);

  /// Every run's flags for a pupil, new / continuing / resolved, with acknowledgements.
  std::optional<PupilHistory> history(const std::string& pupil, dsl::Diagnostics& diagnostics);
  /// Every acknowledgement, newest first, with its flag's pupil, rule, title and run (at most `limit`).
  std::optional<std::vector<LoggedAcknowledgement>> acknowledgement_log(dsl::Diagnostics& diagnostics,
                                                                        std::size_t limit = 1000);

  /// Checks the hash chain and every digest; problems are in the report (not diagnostics), in chain
  /// order. `head`, a hash an auditor recorded earlier, must still be in the chain.
  std::optional<AuditReport> verify(dsl::Diagnostics& diagnostics, const std::string& head = "");

  // --- for `waymark serve` (users.cpp, sessions.cpp, roster.cpp) ---

  /// Adds a user (a chained user change); an error `user-exists` when the name is taken.
  std::optional<UserAccount> add_user(const UserAccount& user, dsl::Diagnostics& diagnostics);
  /// Removes a user (a chained user change) and ends their sessions; an error `unknown-user` otherwise.
  bool remove_user(const std::string& name, dsl::Diagnostics& diagnostics);
  /// The current users, by name.
  std::optional<std::vector<UserAccount>> users(dsl::Diagnostics& diagnostics);
  /// The current account of that name; nothing without a diagnostic when there is none.
  std::optional<UserAccount> find_user(const std::string& name, dsl::Diagnostics& diagnostics);
  /// The account made by user change `change`, if it is still that user's latest change.
  std::optional<UserAccount> user_of_change(std::int64_t change, dsl::Diagnostics& diagnostics);

  bool start_session(const SessionRecord& session, dsl::Diagnostics& diagnostics);
  /// The session with this token hash; nothing without a diagnostic when there is none.
  std::optional<SessionRecord> find_session(const std::vector<std::uint8_t>& token_hash, dsl::Diagnostics& diagnostics);
  /// Records that a session was seen `now`. Best effort: skipped at once (false, no diagnostic) while
  /// another process holds the write lock, as a run being stored does for half a minute or more.
  bool touch_session(const std::vector<std::uint8_t>& token_hash, std::int64_t now);
  bool end_session(const std::vector<std::uint8_t>& token_hash, dsl::Diagnostics& diagnostics);
  /// Ends every session not seen since `before`. Best effort, as touch_session.
  bool end_idle_sessions(std::int64_t before);

  /// Every stored run's header, newest first.
  std::optional<std::vector<RunRecord>> runs(dsl::Diagnostics& diagnostics);
  /// The run lists answer from: the latest run over the whole caseload (no `--pupil` selection), else
  /// the latest run; 0 when nothing was run yet.
  std::optional<std::int64_t> current_run(dsl::Diagnostics& diagnostics);
  /// Every pupil of a run, sorted by id.
  std::optional<std::vector<RosterPupil>> roster(std::int64_t run, dsl::Diagnostics& diagnostics);
  /// One pupil's result in a run; nothing without a diagnostic when the run did not evaluate them.
  std::optional<StoredPupilResult> pupil_result(std::int64_t run, const std::string& pupil,
                                                dsl::Diagnostics& diagnostics);
  /// The `school` attribute of the pupil's current version; nothing without a diagnostic when unknown.
  std::optional<std::string> pupil_school(const std::string& pupil, dsl::Diagnostics& diagnostics);
  /// A flag's acknowledgements, oldest first.
  std::optional<std::vector<Acknowledgement>> acknowledgements(std::int64_t flag, dsl::Diagnostics& diagnostics);

  struct State;

private:
  explicit Store(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// The current caseload as a run reads it (RunWriter::read_current): pupils a slice at a time, each
/// checked against its stored digest before it is given.
class CaseloadCursor {
public:
  struct State;
  explicit CaseloadCursor(std::unique_ptr<State> state);
  CaseloadCursor(const CaseloadCursor&) = delete;
  CaseloadCursor& operator=(const CaseloadCursor&) = delete;
  ~CaseloadCursor();

  /// Replaces `pupils` with the next `count` pupils in id order (fewer at the end). False when none
  /// are left or on a problem: then failed(), and the diagnostics name every problem of the whole read.
  /// Reads on a connection of its own: it may be called on another thread than the run's writer
  /// (RunWriter::add storing the slice before), one call at a time.
  bool next(std::vector<engine::Pupil>& pupils, std::size_t count, dsl::Diagnostics& diagnostics);
  bool failed() const;
  /// How many pupils the read gives (for progress).
  std::size_t expected() const;

private:
  std::unique_ptr<State> state_;
};

/// A run being stored (Store::begin_run): the results of each slice of pupils go on the hash chain as
/// they are added; the run's own row, with its counts and pupils digest, is chained last by finish().
/// One transaction throughout: a writer destroyed unfinished, or one whose add failed, stores nothing.
class RunWriter {
public:
  struct State;
  explicit RunWriter(std::unique_ptr<State> state);
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  ~RunWriter();

  /// Stores these pupils' results (pupils in id order, slice after slice, each read from the store);
  /// false, with a diagnostic, when it cannot (the run is then abandoned).
  bool add(const std::vector<engine::PupilResult>& pupils, dsl::Diagnostics& diagnostics);
  /// For a run begun without its inputs: reads the current version of every pupil (or of those named)
  /// inside this run's transaction, recording each pupil's version and, at the end, the input digest.
  /// Read every pupil before finish(). Null, with a diagnostic, when it cannot begin (unknown pupils,
  /// pupil rows edited outside waymark); `diagnostics` must outlive the cursor.
  std::unique_ptr<CaseloadCursor> read_current(const dsl::Vocabulary& vocabulary, const std::vector<std::string>& pupils,
                                               dsl::Diagnostics& diagnostics);
  /// Completes and commits the run: its header and every flag's id, aligned with the pupils added.
  std::optional<SavedRun> finish(dsl::Diagnostics& diagnostics);

private:
  std::unique_ptr<State> state_;
};

}  // namespace waymark::store
