// Store::verify (docs/store.md, "What verify proves"): a sequence of named steps, each adding the
// problems it finds to one report. Every step reads the database only; none trusts another's rows.
//
//   1. tables       every table waymark writes still exists (a dropped table is tampering, not an error)
//   2. chain        the hash chain, entry by entry, and each chained row against its entry
//   3. head         the head row names the last entry: its number, hash, table and row
//   4. unchained    rows of chained tables that no entry records
//   5. case data    each pupil version against its digest; each import's list of versions
//   6. pupils       every pupil row has versions and points at its latest; no version lacks its pupil
//   7. counts       each import's and run's recorded counts against the rows stored for it
//   8. runs         the pupils each run evaluated and the case data it read
//   9. anchor       the head the auditor recorded elsewhere is in the chain

#include <algorithm>
#include <atomic>
#include <limits>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "chain.hpp"
#include "store_state.hpp"
#include "versions.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Bytes;
using detail::Connection;
using detail::Digest;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;

namespace {

std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string entry_words(std::int64_t seq) { return "chain entry " + std::to_string(seq); }

// Entry numbers come from the file, so arithmetic on them must not overflow whatever they hold.
std::int64_t next_of(std::int64_t n) { return n == std::numeric_limits<std::int64_t>::max() ? n : n + 1; }

std::string count_text(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Every table waymark writes, in schema order (schema.cpp).
constexpr const char* expected_tables[] = {"imports", "pupils", "pupil_versions", "records", "runs", "run_pupils",
                                           "flags",   "due",    "acks",           "chain",   "chain_head"};

const detail::ChainedTable* chained_table_named(std::string_view name) {
  for (const detail::ChainedTable& t : detail::chained_tables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::size_t table_index(const detail::ChainedTable& table) {
  return static_cast<std::size_t>(&table - detail::chained_tables().data());
}

// The items of a block handed out a slice at a time to whichever thread asks, each exactly once.
class Slices {
public:
  explicit Slices(std::size_t size) : size_(size) {}
  template <class Work>
  void run(Work&& work) {
    for (;;) {
      const std::size_t from = next_.fetch_add(slice);
      if (from >= size_) return;
      work(from, std::min(from + slice, size_));
    }
  }

private:
  static constexpr std::size_t slice = 64;
  const std::size_t size_;
  std::atomic<std::size_t> next_{0};
};

// Reads blocks on this thread (SQLite's) while another core works on the block read before; this
// thread then helps with what is left of that block rather than wait (work(block, from, to) touches
// only items from..to), and takes each block here in order, so that what is reported comes out
// exactly as from one loop. Two blocks are reused throughout, never moved (their rows may point into
// their own buffers).
template <class Block, class Read, class Work, class Take>
void pipelined(Read&& read, Work&& work, Take&& take) {
  Block blocks[2];
  std::size_t current = 0;
  bool more = read(blocks[current]);
  while (more) {
    Block& block = blocks[current];
    Slices slices(block.size());
    const auto work_some = [&] { slices.run([&](std::size_t from, std::size_t to) { work(block, from, to); }); };
    auto working = std::async(std::launch::async, work_some);
    more = read(blocks[1 - current]);
    work_some();
    working.get();
    take(block);
    current = 1 - current;
  }
}

// A block of chain entries and the rows they name, copied out of SQLite so that the rows' digests
// (most of the cost over a run's explanations) and the entries' hashes can be taken on another core
// while the next block is read. The checks then run here, in chain order.
struct ChainBlock {
  static constexpr std::size_t capacity = 2048;
  static constexpr std::size_t no_row = SIZE_MAX;
  enum Column { seq_column, table_column, row_column, content_column, columns_column, hash_column };
  struct Entry {
    const detail::ChainedTable* table = nullptr;  // null: a table waymark does not chain
    std::size_t row = no_row;                     // in `rows`; no_row: the row was deleted
    Digest previous{};                            // the stored hash of the entry before, which this one follows
    Digest now{};                                 // row_content of the row as it is
    bool follows = false;                         // its stored hash follows from its content and `previous`
    std::int64_t seq = 0;
    std::int64_t row_id = 0;
  };
  detail::CopiedRows entries;  // seq, tbl, row_id, content, columns, hash
  detail::CopiedRows rows;     // each row an entry names, in its table's column order
  std::vector<Entry> meta;

  std::size_t size() const { return meta.size(); }
  void clear() {
    entries.clear();
    rows.clear();
    meta.clear();
  }
  void digest_rows(std::size_t from, std::size_t to);
};

// Each row's content digest and each entry's hash, for entries from..to. An entry's hash follows from
// the *stored* hash of the entry before, so entries need not be hashed in order.
void ChainBlock::digest_rows(std::size_t from, std::size_t to) {
  detail::Sha256 h;
  for (std::size_t i = from; i < to; ++i) {
    Entry& e = meta[i];
    const auto entry = entries.row(i);
    if (e.table != nullptr && e.row != no_row) e.now = detail::row_content(h, *e.table, rows.row(e.row));
    const auto content_digest = detail::digest_of(detail::bytes_of(entry[content_column]));
    const auto stored_hash = detail::digest_of(detail::bytes_of(entry[hash_column]));
    e.follows = content_digest && stored_hash &&
                detail::entry_hash(h, e.previous, e.seq, entry[table_column].bytes, e.row_id, *content_digest,
                                   detail::bytes_of(entry[columns_column])) == *stored_hash;
  }
}

// Reads the chain in order a block at a time, with the rows its entries name, and keeps which rows of
// each table the chain names (for step 4, rows no entry records).
class ChainReader {
public:
  explicit ChainReader(Connection& connection)
      : connection_(connection),
        chain_(connection, "SELECT seq, tbl, row_id, content, columns, hash FROM chain ORDER BY seq"),
        cursors_(detail::chained_tables().size()),
        named_(detail::chained_tables().size()) {}

  /// Fills `block` (cleared first) with the next entries; false when none were left.
  bool read(ChainBlock& block);
  /// The ids of `table`'s rows that entries name, sorted.
  std::vector<std::int64_t> named_rows(const detail::ChainedTable& table);

private:
  Connection& connection_;
  Statement chain_;
  bool entries_left_ = true;  // a finished statement must not be stepped again: SQLite would restart it
  Digest previous_{};         // the stored hash of the last entry read that has one
  std::vector<std::unique_ptr<detail::RowCursor>> cursors_;  // by table_index, made when first needed
  std::vector<std::vector<std::int64_t>> named_;           // by table_index
};

bool ChainReader::read(ChainBlock& block) {
  block.clear();
  while (block.size() < ChainBlock::capacity && entries_left_ && (entries_left_ = chain_.step())) {
    block.entries.add(chain_, 6);
    ChainBlock::Entry& e = block.meta.emplace_back();
    e.previous = previous_;
    e.seq = chain_.integer(ChainBlock::seq_column);
    e.row_id = chain_.integer(ChainBlock::row_column);
    if (const auto stored = detail::digest_of(detail::bytes_of(chain_.view(ChainBlock::hash_column)))) {
      previous_ = *stored;
    }
    e.table = chained_table_named(chain_.view(ChainBlock::table_column).bytes);
    if (e.table == nullptr) continue;
    const std::size_t t = table_index(*e.table);
    const std::int64_t row = e.row_id;
    named_[t].push_back(row);
    if (!cursors_[t]) cursors_[t] = std::make_unique<detail::RowCursor>(connection_, *e.table);
    if (cursors_[t]->find(row)) {
      e.row = block.rows.add(cursors_[t]->row(), static_cast<int>(e.table->columns.size()));
    }
  }
  block.entries.seal();
  block.rows.seal();
  return block.size() > 0;
}

std::vector<std::int64_t> ChainReader::named_rows(const detail::ChainedTable& table) {
  std::vector<std::int64_t> out = std::move(named_[table_index(table)]);
  std::sort(out.begin(), out.end());
  return out;
}

// What step 5 reads of the pupils' case data, for the steps after it.
struct CaseData {
  struct Problem {
    std::optional<std::int64_t> import;  // the import whose chain entry the problem is reported under
    std::string table;
    std::int64_t row = 0;
    std::string what;
  };
  std::size_t versions = 0;
  std::vector<std::pair<std::int64_t, Digest>> version_digest;  // version id -> digest recomputed, by id
  std::vector<std::pair<std::string, std::int64_t>> pupil_versions;  // (pupil, version) of every version
  std::vector<Problem> problems;
};
CaseData read_case_data(Connection& c);

class Verifier {
public:
  Verifier(Connection& connection, AuditReport& report) : c_(connection), report_(report) {}

  bool tables();
  void chain(const std::optional<Digest>& anchor);
  void check_entry(const ChainBlock& block, std::size_t i, std::int64_t& expected, const std::optional<Digest>& anchor);
  void head();
  void unchained();
  void case_data(CaseData data);
  void pupils();
  void counts();
  void runs();
  void anchor(const Digest& wanted);

private:
  void problem(std::int64_t entry, std::string table, std::int64_t row, std::string what) {
    report_.problems.push_back({entry, std::move(table), row, std::move(what)});
  }
  std::int64_t import_entry(std::int64_t id) const {
    const auto at = import_entry_.find(id);
    return at != import_entry_.end() ? at->second : 0;
  }
  std::int64_t run_entry(std::int64_t id) const {
    const auto at = run_entry_.find(id);
    return at != run_entry_.end() ? at->second : 0;
  }

  Connection& c_;
  AuditReport& report_;
  std::optional<ChainReader> chain_reader_;  // made by step 2, once step 1 found the chain's table
  std::map<std::int64_t, std::int64_t> run_entry_;     // run id -> its chain entry
  std::map<std::int64_t, std::int64_t> import_entry_;  // import id -> its chain entry
  std::vector<std::pair<std::int64_t, Digest>> version_digest_;  // version id -> digest recomputed, by id
  std::vector<std::pair<std::string, std::int64_t>> pupil_versions_;  // (pupil, version) of every version
  std::int64_t last_seq_ = 0;
  Bytes last_hash_;
  std::string last_table_;
  std::int64_t last_row_ = 0;
  std::int64_t anchor_entry_ = 0;
};

// 1. A dropped table cannot be read, so it is reported by name and verify stops there: the other
// steps would only fail on it.
bool Verifier::tables() {
  Statement s(c_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  bool all = true;
  for (const char* name : expected_tables) {
    s.bind(1, name);
    const bool present = s.step();
    s.reset();
    if (!present) {
      problem(0, name, 0, std::string("table ") + name + " was dropped: the audit trail it held is gone");
      all = false;
    }
  }
  return all;
}

// 2. The chain in order: gaps, each entry's hash from its content and the entry before, and each
// chained row against the content its entry recorded. Entries are read a block at a time; hashing a
// block runs on another core while the next block is read, and each block is then checked here in
// chain order.
void Verifier::chain(const std::optional<Digest>& anchor) {
  std::int64_t expected = 1;
  chain_reader_.emplace(c_);
  pipelined<ChainBlock>([&](ChainBlock& block) { return chain_reader_->read(block); },
                        [](ChainBlock& block, std::size_t from, std::size_t to) { block.digest_rows(from, to); },
                        [&](const ChainBlock& block) {
                          for (std::size_t i = 0; i < block.size(); ++i) check_entry(block, i, expected, anchor);
                        });
}

void Verifier::check_entry(const ChainBlock& block, std::size_t i, std::int64_t& expected,
                           const std::optional<Digest>& anchor) {
  const ChainBlock::Entry& e = block.meta[i];
  const auto entry = block.entries.row(i);
  const std::int64_t seq = e.seq;
  const std::string table_name(entry[ChainBlock::table_column].bytes);
  const std::int64_t row = e.row_id;
  ++report_.entries;
  const bool gap = seq != expected;
  if (gap) {
    problem(seq, table_name, row,
            next_of(expected) == seq ? entry_words(expected) + " is missing: it was deleted"
                                     : "chain entries " + std::to_string(expected) + " to " +
                                           std::to_string(seq - 1) + " are missing: they were deleted");
  }
  const auto content_digest = detail::digest_of(detail::bytes_of(entry[ChainBlock::content_column]));
  const auto stored_hash = detail::digest_of(detail::bytes_of(entry[ChainBlock::hash_column]));
  if (!gap && !e.follows) {
    problem(seq, table_name, row,
            entry_words(seq) + " (" + table_name + " " + std::to_string(row) +
                ") was altered: its hash does not follow from its content and the entry before it");
  }
  const detail::ChainedTable* table = e.table;
  if (table == nullptr) {
    problem(seq, table_name, row, entry_words(seq) + " names a table waymark does not chain: '" + table_name + "'");
  } else {
    if (table->name == "runs") {
      ++report_.runs;
      run_entry_[row] = seq;
    } else if (table->name == "imports") {
      ++report_.imports;
      import_entry_[row] = seq;
    } else if (table->name == "flags") {
      ++report_.flags;
    } else if (table->name == "due") {
      ++report_.due;
    } else if (table->name == "user_changes") {
      ++report_.user_changes;
    } else {
      ++report_.acknowledgements;
    }
    const auto noun = [&] { return std::string(table->noun) + " " + std::to_string(row); };  // only for a problem
    if (e.row == ChainBlock::no_row) {
      problem(seq, table_name, row, noun() + " was deleted (" + entry_words(seq) + " records it)");
    } else if (content_digest && e.now != *content_digest) {
      const detail::RowHash now = detail::hash_row(*table, block.rows.row(e.row));
      const auto changed =
          detail::changed_columns(*table, detail::bytes_of(entry[ChainBlock::columns_column]), now.columns);
      problem(seq, table_name, row,
              noun() + " was altered after it was stored: " +
                  (changed.empty() ? std::string("its content")
                                   : (changed.size() == 1 ? "column " : "columns ") + join_names(changed)) +
                  " differ" + (changed.size() == 1 ? "s" : "") + " from what was recorded (" + entry_words(seq) + ")");
    }
  }
  if (anchor && stored_hash && *stored_hash == *anchor) anchor_entry_ = seq;
  expected = next_of(seq);
  last_seq_ = seq;
  const auto hash = detail::bytes_of(entry[ChainBlock::hash_column]);
  last_hash_.assign(hash.begin(), hash.end());
  last_table_ = table_name;
  last_row_ = row;
}

// 3. The head must name the last entry, all of it: otherwise the tail was cut off (or added to), or
// the head row itself was edited.
void Verifier::head() {
  Statement head(c_, "SELECT seq, hash, tbl, row_id FROM chain_head WHERE id = 1");
  if (!head.step()) {
    if (report_.entries > 0) problem(last_seq_, "chain_head", 0, "the chain's head record is missing: it was deleted");
    return;
  }
  const std::int64_t head_seq = head.integer(0);
  const Bytes head_hash = head.blob(1);
  const std::string head_table = head.optional_text(2).value_or("");
  const std::int64_t head_row = head.optional_integer(3).value_or(0);
  report_.head_entry = head_seq;
  if (const auto d = detail::digest_of(head_hash)) report_.head_hash = detail::digest_text(*d);
  if (Statement extra(c_, "SELECT count(*) FROM chain_head WHERE id <> 1"); extra.step() && extra.integer(0) > 0) {
    problem(0, "chain_head", 0, "the chain's head table holds rows waymark never writes: they were added outside waymark");
  }
  std::string what_head;
  for (const detail::ChainedTable& t : detail::chained_tables()) {
    if (t.name == head_table) what_head = " (" + std::string(t.noun) + " " + std::to_string(head_row) + ")";
  }
  if (head_seq > last_seq_) {
    const std::int64_t lost = head_seq - last_seq_;  // both are at least 0 here: no overflow
    problem(next_of(last_seq_), head_table, head_row,
            "the chain ends at entry " + std::to_string(last_seq_) + " but its head records entry " +
                std::to_string(head_seq) + what_head + ": the last " +
                (lost == 1 ? std::string("entry was") : std::to_string(lost) + " entries were") + " deleted");
  } else if (head_seq < last_seq_) {
    problem(next_of(head_seq), "chain", next_of(head_seq),
            "chain entries " + std::to_string(next_of(head_seq)) + " to " + std::to_string(last_seq_) +
                " come after the recorded head: they were added outside waymark");
  } else if (head_hash != last_hash_) {
    problem(last_seq_, "chain_head", 0,
            "the chain's head record does not match entry " + std::to_string(last_seq_) + ": one of them was rewritten");
  } else if (report_.entries > 0 && (head_table != last_table_ || head_row != last_row_)) {
    problem(last_seq_, "chain_head", 0,
            "the chain's head record names " + head_table + " " + std::to_string(head_row) + " but entry " +
                std::to_string(last_seq_) + " records " + last_table_ + " " + std::to_string(last_row_) +
                ": the head record was edited");
  }
}

// 4. Rows that no chain entry records were added (or re-numbered) outside waymark. The chain's walk
// (step 2) kept which rows its entries name; a table's ids come from its smallest index.
void Verifier::unchained() {
  Statement exists(c_, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
  for (const detail::ChainedTable& t : detail::chained_tables()) {
    // A database read without migrating may predate a table (user_changes came with schema version 3).
    exists.bind(1, t.name);
    const bool present = exists.step() && exists.integer(0) > 0;
    exists.reset();
    if (!present) continue;
    const std::vector<std::int64_t> named = chain_reader_->named_rows(t);
    std::vector<std::int64_t> ids;
    std::size_t nulls = 0;  // a NULL id (a table re-created outside waymark) no entry can name: listed first, as 0
    Statement s(c_, "SELECT id FROM " + std::string(t.name));
    while (s.step()) {
      if (s.is_null(0)) {
        ++nulls;
      } else {
        ids.push_back(s.integer(0));
      }
    }
    std::sort(ids.begin(), ids.end());
    const auto report = [&](std::int64_t id) {
      problem(0, std::string(t.name), id,
              std::string(t.noun) + " " + std::to_string(id) + " is not in the chain: it was added outside waymark");
    };
    for (std::size_t k = 0; k < nulls; ++k) report(0);
    for (const std::int64_t id : ids) {
      if (!std::binary_search(named.begin(), named.end(), id)) report(id);
    }
  }
}

// Pupil versions read a block at a time, their digests recomputed on another core.
struct VersionBlock {
  static constexpr std::size_t capacity = 1024;
  std::vector<detail::VersionRow> rows;  // reused: a row's buffers are kept from block to block
  std::vector<Digest> computed;          // as many as the rows read
  std::size_t size() const { return computed.size(); }
};

// 5. Pupil data: each version against its digest, and each import's list of versions (which the
// chain covers through the import's row), so a version added, removed or re-pointed is caught. Read
// on a connection of its own (Store::verify runs it beside the chain's walk); its problems name their
// import, whose chain entry is known once the chain has been walked.
CaseData read_case_data(Connection& c) {
  CaseData out;
  const auto problem = [&out](std::optional<std::int64_t> import, std::string table, std::int64_t row, std::string what) {
    out.problems.push_back({import, std::move(table), row, std::move(what)});
  };
  std::map<std::int64_t, std::unique_ptr<detail::Sha256>> import_versions;
  {
    const std::string versions = std::string("SELECT ") + detail::version_columns + " FROM pupil_versions v ORDER BY v.id";
    const std::string records = std::string("SELECT ") + detail::record_columns + " FROM records r ORDER BY r.version_id, r.seq";
    detail::VersionStream stream(c, versions, records, nullptr, true);
    bool versions_left = true;  // a finished statement must not be stepped again: SQLite would restart it
    const auto read = [&](VersionBlock& block) {
      std::size_t n = 0;
      while (versions_left && n < VersionBlock::capacity) {
        if (block.rows.size() == n) block.rows.emplace_back();
        versions_left = stream.next(block.rows[n]);
        if (versions_left) ++n;
      }
      block.computed.resize(n);
      return n > 0;
    };
    const auto digest = [](VersionBlock& block, std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i) block.computed[i] = detail::pupil_digest(block.rows[i].pupil);
    };
    const auto take = [&](const VersionBlock& block) {
      for (std::size_t i = 0; i < block.size(); ++i) {
        const detail::VersionRow& row = block.rows[i];
        const Digest& computed = block.computed[i];
        ++out.versions;
        out.version_digest.emplace_back(row.id, computed);
        out.pupil_versions.emplace_back(row.pupil.id, row.id);
        if (detail::digest_of(row.digest) != computed) {
          problem(row.import_id, "pupil_versions", row.id,
                  "the case data of pupil " + row.pupil.id + " (version " + std::to_string(row.id) + ", import " +
                      std::to_string(row.import_id) + ") was changed after it was imported");
        }
        auto& h = import_versions[row.import_id];
        if (!h) {
          h = std::make_unique<detail::Sha256>();
          h->frame_text("waymark-import-versions-v1");
        }
        h->frame_integer(row.id);
        h->frame_text(row.pupil.id);
        h->frame_value(row.replaces ? SqlValue(*row.replaces) : SqlValue());
        h->frame_blob(row.digest.data(), row.digest.size());
      }
    };
    pipelined<VersionBlock>(read, digest, take);
  }
  Statement imports(c, "SELECT id, versions_digest FROM imports ORDER BY id");
  while (imports.step()) {
    const std::int64_t id = imports.integer(0);
    Digest computed{};
    if (auto& h = import_versions[id]; h) {
      computed = h->finish();
    } else {
      detail::Sha256 empty;
      empty.frame_text("waymark-import-versions-v1");
      computed = empty.finish();
    }
    if (detail::digest_of(imports.blob(1)) != computed) {
      problem(id, "imports", id,
              "the pupil versions stored by import " + std::to_string(id) +
                  " were altered: versions were added, removed, re-pointed or their digests rewritten");
    }
    import_versions.erase(id);
  }
  for (const auto& [id, h] : import_versions) {
    problem(std::nullopt, "pupil_versions", 0, "pupil versions name import " + std::to_string(id) + ", which does not exist");
  }
  Statement orphans(c, "SELECT count(*) FROM records r WHERE NOT EXISTS "
                       "(SELECT 1 FROM pupil_versions v WHERE v.id = r.version_id)");
  if (orphans.step() && orphans.integer(0) > 0) {
    problem(std::nullopt, "records", 0, std::to_string(orphans.integer(0)) + " record rows belong to no pupil version");
  }
  return out;
}

void Verifier::case_data(CaseData data) {
  report_.pupil_versions += data.versions;
  version_digest_ = std::move(data.version_digest);
  pupil_versions_ = std::move(data.pupil_versions);
  for (CaseData::Problem& p : data.problems) {
    problem(p.import ? import_entry(*p.import) : 0, std::move(p.table), p.row, std::move(p.what));
  }
}

// A read-only connection in the same snapshot as `c` (whose read transaction has begun), for reading
// case data beside the chain's walk; nothing when that cannot be made sure of. Every write waymark
// makes to what verify checks appends to the chain, so the same last entry on both means no commit came
// between the two snapshots.
std::unique_ptr<detail::ReadingConnection> second_reader(Connection& c) {
  const auto last_entry = [](Connection& x) { return x.query_integer("SELECT coalesce(max(seq), 0) FROM chain"); };
  try {
    auto reader = std::make_unique<detail::ReadingConnection>(c);
    reader->connection.set_activity("verify");
    if (last_entry(reader->connection) != last_entry(c)) return nullptr;
    return reader;
  } catch (const detail::SqlError&) {
    return nullptr;  // verify reads it all on its one connection instead
  }
}

// 6. The pupils table is not chained itself, but every row of it must be explained by the versions
// the chain covers: a pupil row deleted would make runs skip the pupil silently, one added would be
// a pupil no import brought. Each pupil's versions are those step 5 read, sorted here by pupil.
void Verifier::pupils() {
  std::sort(pupil_versions_.begin(), pupil_versions_.end());  // by pupil (bytes, as SQLite's BINARY), then version
  const auto versions_of = [&](std::size_t& at, const std::string& pupil) {
    while (at < pupil_versions_.size() && pupil_versions_[at].first < pupil) ++at;
    std::optional<std::int64_t> latest;
    for (; at < pupil_versions_.size() && pupil_versions_[at].first == pupil; ++at) latest = pupil_versions_[at].second;
    return latest;
  };
  std::size_t at = 0;
  std::vector<std::string> ids;  // every pupil row, in id order
  Statement current(c_, "SELECT id, current_version FROM pupils ORDER BY id");
  while (current.step()) {
    const std::string id = current.text(0);
    const bool null_id = current.is_null(0);  // possible only in a table re-created outside waymark: it matches nothing
    const std::optional<std::int64_t> latest = null_id ? std::nullopt : versions_of(at, id);
    if (!latest) {
      problem(0, "pupils", 0,
              "pupil " + id + " has no case data from any import: the pupil row was added outside waymark");
    } else if (current.optional_integer(1) != latest) {
      problem(0, "pupils", 0,
              "pupil " + id + " points at version " +
                  (current.is_null(1) ? std::string("none") : std::to_string(current.integer(1))) +
                  ", not at its latest version " + std::to_string(*latest) + ": a run would read the wrong case data");
    }
    if (!null_id) ids.push_back(id);
  }
  // Versions whose pupil row is gone, each pupil once with its number of versions.
  for (std::size_t k = 0; k < pupil_versions_.size();) {
    const std::string& pupil = pupil_versions_[k].first;
    std::size_t end = k;
    while (end < pupil_versions_.size() && pupil_versions_[end].first == pupil) ++end;
    if (!std::binary_search(ids.begin(), ids.end(), pupil)) {
      problem(0, "pupils", 0,
              "pupil " + pupil + " was deleted: " +
                  count_text(static_cast<std::int64_t>(end - k), "version", "versions") +
                  " of their case data remain, and a run would skip them");
    }
    k = end;
  }
}

// 7. What each import and run recorded about itself (chained, so trustworthy once step 2 passed)
// against the rows stored for it now. These are consequences, listed after any entry that shows the
// edit itself (entry 0), and alone when the edit left no other trace (a tail cut back consistently).
void Verifier::counts() {
  Statement imports(c_,
                    "SELECT i.id, i.pupils, i.added, i.replaced, i.unchanged, i.records, "
                    "(SELECT count(*) FROM pupil_versions v WHERE v.import_id = i.id), "
                    "(SELECT count(*) FROM records r JOIN pupil_versions v ON v.id = r.version_id WHERE v.import_id = i.id) "
                    "FROM imports i WHERE i.finished <> '' ORDER BY i.id");
  while (imports.step()) {
    const std::int64_t id = imports.integer(0);
    const std::int64_t pupils = imports.integer(1);
    const std::int64_t added = imports.integer(2);
    const std::int64_t replaced = imports.integer(3);
    const std::int64_t unchanged = imports.integer(4);
    const std::int64_t versions = imports.integer(6);
    // Each count is at most the number of pupils (a 64-bit sum of three can only overflow if edited).
    const bool sums = added >= 0 && replaced >= 0 && unchanged >= 0 && added <= pupils && replaced <= pupils &&
                      unchanged <= pupils && added + replaced + unchanged == pupils;
    if (!sums) {
      problem(0, "imports", id,
              "import " + std::to_string(id) + "'s counts do not add up: " + count_text(pupils, "pupil", "pupils") +
                  " but " + std::to_string(added) + " added, " + std::to_string(replaced) + " replaced and " +
                  std::to_string(unchanged) + " unchanged");
    } else if (added + replaced != versions) {
      problem(0, "imports", id,
              "import " + std::to_string(id) + " recorded " + count_text(added + replaced, "new version", "new versions") +
                  " of pupils' case data but " + std::to_string(versions) +
                  " are stored: pupil versions were added or removed");
    }
    if (imports.integer(5) != imports.integer(7)) {
      problem(0, "imports", id,
              "import " + std::to_string(id) + " recorded " + count_text(imports.integer(5), "record", "records") +
                  " but " + std::to_string(imports.integer(7)) + " are stored: record rows were added or removed");
    }
  }
  Statement runs(c_,
                 "SELECT r.id, r.pupils, r.flags, r.due, "
                 "(SELECT count(*) FROM run_pupils p WHERE p.run_id = r.id), "
                 "(SELECT count(*) FROM flags f WHERE f.run_id = r.id), "
                 "(SELECT count(*) FROM due d WHERE d.run_id = r.id) FROM runs r ORDER BY r.id");
  const char* what[] = {"pupils evaluated", "flags", "due entries"};
  while (runs.step()) {
    const std::int64_t id = runs.integer(0);
    for (int k = 0; k < 3; ++k) {
      if (runs.integer(1 + k) != runs.integer(4 + k)) {
        problem(0, "runs", id,
                "run " + std::to_string(id) + " recorded " + std::to_string(runs.integer(1 + k)) + " " + what[k] +
                    " but " + std::to_string(runs.integer(4 + k)) + " are stored: rows were added or removed");
      }
    }
  }
}

// 8. Runs: the pupils each evaluated (run_pupils against the run's pupils digest), and the input
// digest over the case data it read.
void Verifier::runs() {
  std::map<std::int64_t, std::pair<Digest, Digest>> computed;  // run -> (pupils digest, input digest)
  Statement pupils(c_, "SELECT run_id, pupil_id, version_id, current_tier, suggested_tier FROM run_pupils "
                       "ORDER BY run_id, pupil_id");
  std::int64_t current_run = -1;
  std::unique_ptr<detail::Sha256> pupils_hash;
  std::unique_ptr<detail::Sha256> input_hash;
  bool input_known = true;
  const auto close = [&]() {
    if (current_run < 0) return;
    Digest input = input_hash->finish();
    if (!input_known) input = Digest{};
    computed[current_run] = {pupils_hash->finish(), input};
  };
  while (pupils.step()) {
    const std::int64_t run = pupils.integer(0);
    if (run != current_run) {
      close();
      current_run = run;
      pupils_hash = std::make_unique<detail::Sha256>();
      pupils_hash->frame_text("waymark-run-pupils-v1");
      input_hash = std::make_unique<detail::Sha256>();
      input_hash->frame_text("waymark-input-v1");
      input_known = true;
    }
    const std::string_view id = pupils.view(1).bytes;  // TEXT NOT NULL: the bytes text() would copy
    const std::int64_t version = pupils.integer(2);
    pupils_hash->frame_text(id);
    pupils_hash->frame_integer(version);
    pupils_hash->frame_view(pupils.view(3));
    pupils_hash->frame_view(pupils.view(4));
    input_hash->frame_text(id);
    const auto v = std::lower_bound(version_digest_.begin(), version_digest_.end(), version,
                                    [](const auto& entry, std::int64_t wanted) { return entry.first < wanted; });
    if (v != version_digest_.end() && v->first == version) {
      input_hash->frame_digest(v->second);
    } else {
      input_known = false;
    }
  }
  close();
  Statement runs(c_, "SELECT id, input_digest, pupils_digest FROM runs ORDER BY id");
  while (runs.step()) {
    const std::int64_t id = runs.integer(0);
    Digest pupils_digest{};
    Digest input{};
    if (const auto found = computed.find(id); found != computed.end()) {
      pupils_digest = found->second.first;
      input = found->second.second;
    } else {
      detail::Sha256 empty;
      empty.frame_text("waymark-run-pupils-v1");
      pupils_digest = empty.finish();
      empty.frame_text("waymark-input-v1");
      input = empty.finish();
    }
    if (detail::digest_of(runs.blob(2)) != pupils_digest) {
      problem(run_entry(id), "runs", id,
              "the pupils evaluated by run " + std::to_string(id) +
                  " (its run_pupils rows: which pupils, which version of their case data, their tiers) were altered");
    } else if (detail::digest_text(input) != runs.text(1)) {
      problem(run_entry(id), "runs", id,
              "the case data run " + std::to_string(id) +
                  " evaluated no longer matches its input digest: a pupil version it read was altered or removed");
    }
  }
}

// 9. Without an anchor a cut-back chain whose head was moved to match cannot be told from a shorter
// history; a head recorded elsewhere can.
void Verifier::anchor(const Digest& wanted) {
  report_.anchor_entry = anchor_entry_;
  if (anchor_entry_ == 0) {
    problem(0, "chain", 0,
            "the head you recorded, " + detail::digest_text(wanted) +
                ", is not in the chain: the chain was rewritten or cut back since you recorded it");
  }
}

}  // namespace

std::optional<AuditReport> Store::verify(dsl::Diagnostics& diagnostics, const std::string& anchor) {
  return detail::guarded(*state_, diagnostics, "verify", false, [&]() -> std::optional<AuditReport> {
    std::optional<Digest> wanted_anchor;
    if (!anchor.empty()) {
      wanted_anchor = detail::parse_digest(anchor);
      if (!wanted_anchor) {
        diagnostics.error({}, "usage", "--head takes a hash as printed by 'waymark audit verify' (sha256:...), not '" +
                                           anchor + "'");
        return std::nullopt;
      }
    }
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    AuditReport report;
    Verifier verifier(c, report);
    if (verifier.tables()) {
      // The case data (step 5) is read on a second connection in the same snapshot, on another thread,
      // while the chain is walked (2-4): the two are most of verify, and neither needs the other.
      std::unique_ptr<detail::ReadingConnection> second = second_reader(c);
      std::future<CaseData> case_data;
      if (second) case_data = std::async(std::launch::async, [&second] { return read_case_data(second->connection); });
      verifier.chain(wanted_anchor);
      verifier.head();
      verifier.unchained();
      verifier.case_data(second ? case_data.get() : read_case_data(c));
      verifier.pupils();
      verifier.counts();
      verifier.runs();
      if (wanted_anchor) verifier.anchor(*wanted_anchor);
    }
    std::stable_sort(report.problems.begin(), report.problems.end(), [](const AuditProblem& a, const AuditProblem& b) {
      const auto key = [](const AuditProblem& p) { return p.entry == 0 ? INT64_MAX : p.entry; };
      return key(a) < key(b);
    });
    snapshot.commit();
    return report;
  });
}

}  // namespace waymark::store
