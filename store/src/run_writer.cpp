// Storing a run a slice of pupils at a time (docs/store.md, docs/performance.md). A 250,000-pupil LA
// run raises some 330,000 flags, each with an explanation tree; held together until the end they
// took more memory than the caseload itself. Here each slice's rows are built, hashed and inserted as
// the slice is evaluated. The run's row is inserted first (its id is every row's run_id) and chained
// last, once its counts and pupils digest are known; verify reads chain entries in any order.

#include <atomic>
#include <future>
#include <mutex>
#include <map>

#include "caseload_reader.hpp"
#include "chain.hpp"
#include "flag_packing.hpp"
#include "json_text.hpp"
#include "result_codec.hpp"
#include "store_state.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::ChainWriter;
using detail::Connection;
using detail::ReferencesUnchecked;
using detail::SqlError;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;

struct RunWriter::State {
  State(Store::State& store_state, const StoredCaseload* inputs)
      : store(store_state),
        c(*store_state.connection),
        unchecked(c),
        transaction(c, Transaction::Kind::immediate),
        chain(c),
        insert_pupil(c, "INSERT INTO run_pupils (run_id, pupil_id, version_id, current_tier, suggested_tier) "
                        "VALUES (?, ?, ?, ?, ?)"),
        insert_flag(c, detail::insert_sql_with_id(detail::chained_table("flags"))),
        insert_due(c, detail::insert_sql_with_id(detail::chained_table("due"))),
        reads_inputs(inputs == nullptr) {
    for (std::size_t i = 0; inputs != nullptr && i < inputs->pupil_ids.size() && i < inputs->versions.size(); ++i) {
      version_of.emplace(inputs->pupil_ids[i], inputs->versions[i]);
    }
    pupils_digest.frame_text("waymark-run-pupils-v1");
  }

  Store::State& store;
  Connection& c;
  // A run's rows refer only to its own run row and to each pupil and the version it was read from.
  ReferencesUnchecked unchecked;  // before the transaction, and restored after it
  Transaction transaction;  // destroyed after the statements below, rolling back an unfinished run
  ChainWriter chain;
  Statement insert_pupil;
  Statement insert_flag;
  Statement insert_due;
  std::mutex versions_lock;  // version_of is filled by the thread reading the inputs
  std::map<std::string, std::int64_t, std::less<>> version_of;
  detail::Sha256 pupils_digest;
  std::unique_ptr<detail::FlagPacker> packer;  // made from the first slice with flags (run_dictionary)
  SavedRun out;
  std::int64_t next_flag = 0;  // the ids SQLite would give (max + 1: this transaction holds the write lock)
  std::int64_t next_due = 0;
  std::atomic<bool> failed = false;  // also set by the thread reading the inputs
  const bool reads_inputs;     // begun without inputs: read_current() reads them
  bool inputs_read = false;    // ... and has read them all (the input digest is known)
  bool reading = false;        // a cursor was made
};

namespace {

SqlValue text(std::string v) { return SqlValue(std::move(v)); }
SqlValue integer(std::int64_t v) { return SqlValue(v); }
SqlValue optional_integer(std::optional<std::int64_t> v) { return v ? SqlValue(*v) : SqlValue(); }

std::int64_t next_id(Connection& c, const char* table) {
  Statement max(c, std::string("SELECT coalesce(max(id), 0) FROM ") + table);
  max.step();
  return max.integer(0) + 1;
}

struct Prepared {
  std::vector<SqlValue> values;
  detail::RowHash hash;
};

// The flag rows, then the due rows, of pupils [from, to), in insertion order, with their hashes:
// most of the cost of storing, so it runs on another core while the block before is inserted. A
// flag's long texts are packed (flag_packing.hpp); their own columns are left empty.
std::vector<Prepared> prepare(const std::vector<engine::PupilResult>& pupils, std::size_t from, std::size_t to,
                              std::int64_t run, const std::vector<std::int64_t>& first_flag,
                              const std::vector<std::int64_t>& first_due, const detail::FlagPacker* packer) {
  const auto& flags = detail::chained_table("flags");
  const auto& due = detail::chained_table("due");
  std::optional<detail::FlagPacker::Session> packing;  // the dictionary is made before flags come
  if (packer != nullptr) packing.emplace(*packer);
  std::vector<Prepared> rows;
  for (std::size_t n = from; n < to; ++n) {
    const engine::PupilResult& p = pupils[n];
    if (!p.flags.empty() && !packing) throw std::logic_error("a flag to store before its run's dictionary");
    for (std::size_t i = 0; i < p.flags.size(); ++i) {
      const engine::Flag& f = p.flags[i];
      Prepared& r = rows.emplace_back();
      r.values = {integer(first_flag[n] + static_cast<std::int64_t>(i)),
                  integer(run),
                  text(p.id),
                  integer(static_cast<std::int64_t>(i)),
                  text(f.rule),
                  text(detail::bound_item(f)),
                  text(f.title),
                  text(f.category),
                  text(detail::severity_word(f.severity)),
                  optional_integer(f.tier),
                  text(detail::strings_json(f.evidence)),
                  text(""),  // actions, notify, cite and explanation: packed
                  text(""),
                  text(""),
                  text(""),
                  SqlValue(packing->pack(f))};
      r.hash = detail::hash_row(flags, r.values);
    }
    for (std::size_t i = 0; i < p.due.size(); ++i) {
      const engine::DueEntry& d = p.due[i];
      Prepared& r = rows.emplace_back();
      r.values = {integer(first_due[n] + static_cast<std::int64_t>(i)),
                  integer(run),
                  text(p.id),
                  integer(static_cast<std::int64_t>(i)),
                  text(d.rule),
                  text(d.title),
                  text(detail::strings_json(d.evidence)),
                  d.deadline ? text(d.deadline->iso()) : SqlValue(),
                  text(detail::strings_json(d.actions))};
      r.hash = detail::hash_row(due, r.values);
    }
  }
  return rows;
}

}  // namespace

RunWriter::RunWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
RunWriter::~RunWriter() = default;

namespace {

// The run's own row goes in first (its id is every other row's run_id); `inputs` null when the run
// reads them itself, the input digest then filled in by finish().
std::unique_ptr<RunWriter> begin(Store::State& store, dsl::Date as_of, const engine::PackIdentity& pack,
                                 const StoredCaseload* inputs, const std::optional<std::vector<std::string>>& selection,
                                 const std::string& started, dsl::Diagnostics& diagnostics) {
  auto writer = detail::guarded(store, diagnostics, "store the run in", true,
                                [&]() -> std::optional<std::unique_ptr<RunWriter>> {
    auto state = std::make_unique<RunWriter::State>(store, inputs);
    RunRecord& run = state->out.run;
    run.as_of = as_of;
    run.pack = pack;
    run.input_digest = inputs != nullptr ? inputs->input_digest : std::string();
    run.selection = selection;
    run.started = started;
    run.waymark_version = detail::waymark_version();
    // The counts, pupils digest and finishing time are filled in by finish(), before the row is chained.
    Statement insert_run(state->c, detail::insert_sql(detail::chained_table("runs")));
    const std::vector<SqlValue> row{text(run.as_of.iso()),
                                    text(run.pack.name),
                                    text(run.pack.version),
                                    text(run.pack.digest),
                                    text(run.input_digest),
                                    selection ? text(detail::strings_json(*selection)) : SqlValue(),
                                    integer(0),
                                    integer(0),
                                    integer(0),
                                    SqlValue(detail::Bytes(32, 0)),
                                    text(run.started),
                                    text(""),
                                    text(run.waymark_version),
                                    SqlValue()};  // the dictionary: set by the first slice with flags
    for (std::size_t i = 0; i < row.size(); ++i) insert_run.bind(static_cast<int>(i + 1), row[i]);
    insert_run.run();
    run.id = state->c.last_insert_id();
    state->next_flag = next_id(state->c, "flags");
    state->next_due = next_id(state->c, "due");
    return std::make_unique<RunWriter>(std::move(state));
  });
  return writer ? std::move(*writer) : nullptr;
}

}  // namespace

std::unique_ptr<RunWriter> Store::begin_run(dsl::Date as_of, const engine::PackIdentity& pack,
                                            const StoredCaseload& inputs,
                                            const std::optional<std::vector<std::string>>& selection,
                                            const std::string& started, dsl::Diagnostics& diagnostics) {
  return begin(*state_, as_of, pack, &inputs, selection, started, diagnostics);
}

std::unique_ptr<RunWriter> Store::begin_run(dsl::Date as_of, const engine::PackIdentity& pack,
                                            const std::optional<std::vector<std::string>>& selection,
                                            const std::string& started, dsl::Diagnostics& diagnostics) {
  return begin(*state_, as_of, pack, nullptr, selection, started, diagnostics);
}

// --- a run reading its own inputs -----------------------------------------------------------------

// The run's inputs are read on a connection of their own, so that the next slice can be read (and
// evaluated) on another thread while this one stores the slice before; reading was a sixth of the
// thread that stores. Its snapshot is exactly what the writer sees: the writer took the write lock
// first (BEGIN IMMEDIATE), so nothing can be committed in between, and the run writes no case data.
struct CaseloadCursor::State {
  State(RunWriter::State& run_state, std::unique_ptr<detail::ReadingConnection> reading_,
        const detail::VersionQueries& queries, const dsl::Vocabulary& vocabulary)
      : run(run_state),
        reading(std::move(reading_)),
        stream(reading->connection, queries.versions, queries.records, nullptr),
        reader(reading->connection, vocabulary, stream),
        expected(queries.pupils) {}

  RunWriter::State& run;
  std::unique_ptr<detail::ReadingConnection> reading;
  detail::VersionStream stream;
  detail::CaseloadReader reader;  // declared after the stream it reads
  std::size_t expected;
  std::size_t registered = 0;  // pupils read whose version the run knows
  std::atomic<bool> failed = false;
};

CaseloadCursor::CaseloadCursor(std::unique_ptr<State> state) : state_(std::move(state)) {}
CaseloadCursor::~CaseloadCursor() = default;
bool CaseloadCursor::failed() const { return state_->failed; }
std::size_t CaseloadCursor::expected() const { return state_->expected; }

bool CaseloadCursor::next(std::vector<engine::Pupil>& pupils, std::size_t count, dsl::Diagnostics& diagnostics) {
  State& s = *state_;
  pupils.clear();
  if (s.failed || s.run.inputs_read) return false;
  const auto more = detail::guarded(s.reading->connection, diagnostics, "read the caseload from", true, [&]() -> std::optional<bool> {
    const bool given = s.reader.next(pupils, count, diagnostics);
    // The run records the version each pupil was read from (RunWriter::add looks them up).
    const StoredCaseload& read = s.reader.read();
    {
      const std::lock_guard<std::mutex> lock(s.run.versions_lock);
      for (; s.registered < read.pupil_ids.size(); ++s.registered) {
        s.run.version_of.emplace(read.pupil_ids[s.registered], read.versions[s.registered]);
      }
    }
    if (!given && !s.reader.failed()) {
      s.run.out.run.input_digest = read.input_digest;
      s.run.inputs_read = true;
    }
    return given;
  });
  if (!more || s.reader.failed()) {
    s.failed = true;
    s.run.failed = true;  // the run cannot be stored without all of its inputs
    pupils.clear();
    return false;
  }
  return *more;
}

std::unique_ptr<CaseloadCursor> RunWriter::read_current(const dsl::Vocabulary& vocabulary,
                                                        const std::vector<std::string>& pupils,
                                                        dsl::Diagnostics& diagnostics) {
  State& s = *state_;
  if (s.failed || !s.reads_inputs || s.reading) {
    diagnostics.error({}, "internal-error", "internal error: a run's inputs can be read once, by a run begun without them");
    return nullptr;
  }
  s.reading = true;
  auto cursor = detail::guarded(s.store, diagnostics, "read the caseload from", true,
                                [&]() -> std::optional<std::unique_ptr<CaseloadCursor>> {
    // The selection's temporary table is made on the connection that reads with it.
    auto reading = std::make_unique<detail::ReadingConnection>(s.c);
    const auto queries = detail::current_version_queries(reading->connection, pupils, diagnostics);
    if (!queries) return std::nullopt;
    return std::make_unique<CaseloadCursor>(
        std::make_unique<CaseloadCursor::State>(s, std::move(reading), *queries, vocabulary));
  });
  if (!cursor) {
    s.failed = true;
    return nullptr;
  }
  return std::move(*cursor);
}

bool RunWriter::add(const std::vector<engine::PupilResult>& pupils, dsl::Diagnostics& diagnostics) {
  if (state_->failed) return false;
  State& s = *state_;
  const auto stored = detail::guarded(s.store, diagnostics, "store the run in", true, [&]() -> std::optional<bool> {
    RunRecord& run = s.out.run;
    std::vector<std::int64_t> first_flag(pupils.size() + 1, s.next_flag);
    std::vector<std::int64_t> first_due(pupils.size() + 1, s.next_due);
    std::vector<std::int64_t> version(pupils.size());  // the stored version each pupil was read from
    {
      const std::lock_guard<std::mutex> lock(s.versions_lock);
      for (std::size_t i = 0; i < pupils.size(); ++i) {
        const auto at = s.version_of.find(pupils[i].id);
        if (at == s.version_of.end()) {
          throw SqlError("database-error", "internal error: a pupil was evaluated but not read from the store");
        }
        version[i] = at->second;
      }
    }
    for (std::size_t i = 0; i < pupils.size(); ++i) {
      const engine::PupilResult& p = pupils[i];
      s.pupils_digest.frame_text(p.id);
      s.pupils_digest.frame_integer(version[i]);
      s.pupils_digest.frame_value(p.current_tier != 0 ? SqlValue(p.current_tier) : SqlValue());
      s.pupils_digest.frame_value(p.suggested_tier ? SqlValue(*p.suggested_tier) : SqlValue());
      first_flag[i + 1] = first_flag[i] + static_cast<std::int64_t>(p.flags.size());
      first_due[i + 1] = first_due[i] + static_cast<std::int64_t>(p.due.size());
    }
    const auto& flags = detail::chained_table("flags");
    const auto& due = detail::chained_table("due");
    constexpr std::size_t block = 2048;
    const std::size_t total = pupils.size();
    const auto prepare_block = [&](std::size_t from) {
      return prepare(pupils, from, std::min(from + block, total), run.id, first_flag, first_due, s.packer.get());
    };
    if (!s.packer && first_flag[total] > s.next_flag) {
      // The run's first flags: its dictionary, stored in its row before any flag it packs.
      s.packer = std::make_unique<detail::FlagPacker>(detail::run_dictionary(pupils));
      Statement keep(s.c, "UPDATE runs SET dictionary = ? WHERE id = ?");
      const std::string& dictionary = s.packer->dictionary();
      keep.bind(1, detail::Bytes(dictionary.begin(), dictionary.end())).bind(2, run.id);
      keep.run();
    }
    std::future<std::vector<Prepared>> next;
    if (total > 0) next = std::async(std::launch::async, prepare_block, 0);
    for (std::size_t from = 0; from < total; from += block) {
      const std::size_t to = std::min(from + block, total);
      std::vector<Prepared> rows = next.get();
      if (to < total) next = std::async(std::launch::async, prepare_block, to);
      std::size_t at = 0;
      for (std::size_t n = from; n < to; ++n) {
        const engine::PupilResult& p = pupils[n];
        s.insert_pupil.bind(1, run.id).bind(2, p.id).bind(3, version[n]);
        s.insert_pupil.bind(4, p.current_tier != 0 ? std::optional<std::int64_t>(p.current_tier) : std::nullopt);
        s.insert_pupil.bind(5, p.suggested_tier);
        s.insert_pupil.run();
        std::vector<std::int64_t>& ids = s.out.flag_ids.emplace_back();
        for (std::size_t i = 0; i < p.flags.size(); ++i, ++at) {
          ids.push_back(s.chain.insert_hashed(flags, s.insert_flag, rows[at].values, rows[at].hash));
        }
        for (std::size_t i = 0; i < p.due.size(); ++i, ++at) {
          s.chain.insert_hashed(due, s.insert_due, rows[at].values, rows[at].hash);
        }
      }
    }
    run.pupils += pupils.size();
    run.flags += static_cast<std::size_t>(first_flag[total] - s.next_flag);
    run.due += static_cast<std::size_t>(first_due[total] - s.next_due);
    s.next_flag = first_flag[total];
    s.next_due = first_due[total];
    return true;
  });
  if (!stored) s.failed = true;
  return stored.has_value();
}

std::optional<SavedRun> RunWriter::finish(dsl::Diagnostics& diagnostics) {
  if (state_->failed) return std::nullopt;
  State& s = *state_;
  auto saved = detail::guarded(s.store, diagnostics, "store the run in", true, [&]() -> std::optional<SavedRun> {
    RunRecord& run = s.out.run;
    if (s.reads_inputs && !s.inputs_read) {
      throw SqlError("database-error", "internal error: a run was finished before all of its inputs were read");
    }
    run.finished = now_utc();
    Statement complete(s.c, "UPDATE runs SET input_digest = ?, pupils = ?, flags = ?, due = ?, pupils_digest = ?, "
                            "finished = ? WHERE id = ?");
    complete.bind(1, run.input_digest)
        .bind(2, static_cast<std::int64_t>(run.pupils))
        .bind(3, static_cast<std::int64_t>(run.flags))
        .bind(4, static_cast<std::int64_t>(run.due))
        .bind(5, detail::to_bytes(s.pupils_digest.finish()))
        .bind(6, run.finished)
        .bind(7, run.id);
    complete.run();
    s.chain.append("runs", run.id);
    s.chain.finish();
    s.transaction.commit();
    detail::warn_if_broken(s.chain, s.store.path, diagnostics);
    return std::move(s.out);
  });
  s.failed = true;  // finished either way: a second finish stores nothing
  return saved;
}

}  // namespace waymark::store
