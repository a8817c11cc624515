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
#include <limits>
#include <functional>
#include <future>
#include <map>
#include <memory>

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

// One chain entry and the row it names, read ahead so that the row's SHA-256 can be taken on
// another core while the next entries are read.
struct ChainRow {
  std::int64_t seq = 0;
  std::string table_name;
  std::int64_t row = 0;
  Bytes content;
  Bytes columns;
  Bytes hash;
  const detail::ChainedTable* table = nullptr;  // null: a table waymark does not chain
  std::optional<std::vector<SqlValue>> values;  // nothing: the row was deleted
  Digest now{};                                 // row_content of values
};

const detail::ChainedTable* chained_table_named(std::string_view name) {
  for (const detail::ChainedTable& t : detail::chained_tables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

class Verifier {
public:
  Verifier(Connection& connection, AuditReport& report) : c_(connection), report_(report) {}

  bool tables();
  void chain(const std::optional<Digest>& anchor);
  void check_entry(const ChainRow& r, Digest& previous, std::int64_t& expected, const std::optional<Digest>& anchor);
  void head();
  void unchained();
  void case_data();
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
  std::map<std::int64_t, std::int64_t> run_entry_;     // run id -> its chain entry
  std::map<std::int64_t, std::int64_t> import_entry_;  // import id -> its chain entry
  std::map<std::int64_t, Digest> version_digest_;      // version id -> digest recomputed from content
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
// block's rows (most of the cost over a run's explanations) runs on another core while the next
// block is read, and each block is then checked here in chain order.
void Verifier::chain(const std::optional<Digest>& anchor) {
  detail::RowReader reader(c_);
  Statement chain(c_, "SELECT seq, tbl, row_id, content, columns, hash FROM chain ORDER BY seq");
  bool entries_left = true;  // a finished statement must not be stepped again: SQLite would restart it
  const auto read_block = [&](std::vector<ChainRow>& block) {
    constexpr std::size_t block_size = 2048;
    while (block.size() < block_size && entries_left && (entries_left = chain.step())) {
      ChainRow& r = block.emplace_back();
      r.seq = chain.integer(0);
      r.table_name = chain.text(1);
      r.row = chain.integer(2);
      r.content = chain.blob(3);
      r.columns = chain.blob(4);
      r.hash = chain.blob(5);
      r.table = chained_table_named(r.table_name);
      if (r.table != nullptr) r.values = reader.values(*r.table, r.row);
    }
  };
  const auto hash_block = [](std::vector<ChainRow>& block) {
    for (ChainRow& r : block) {
      if (r.table != nullptr && r.values) r.now = detail::row_content(*r.table, *r.values);
    }
  };
  Digest previous{};
  std::int64_t expected = 1;
  std::vector<ChainRow> block;
  read_block(block);
  while (!block.empty()) {
    auto hashing = std::async(std::launch::async, hash_block, std::ref(block));
    std::vector<ChainRow> next;
    read_block(next);
    hashing.get();
    for (const ChainRow& r : block) {
      check_entry(r, previous, expected, anchor);
    }
    block = std::move(next);
  }
}

void Verifier::check_entry(const ChainRow& r, Digest& previous, std::int64_t& expected,
                           const std::optional<Digest>& anchor) {
  const std::int64_t seq = r.seq;
  const std::string& table_name = r.table_name;
  const std::int64_t row = r.row;
  ++report_.entries;
  const bool gap = seq != expected;
  if (gap) {
    problem(seq, table_name, row,
            next_of(expected) == seq ? entry_words(expected) + " is missing: it was deleted"
                                     : "chain entries " + std::to_string(expected) + " to " +
                                           std::to_string(seq - 1) + " are missing: they were deleted");
  }
  const auto content_digest = detail::digest_of(r.content);
  const auto stored_hash = detail::digest_of(r.hash);
  if (!gap && (!content_digest || !stored_hash ||
               detail::entry_hash(previous, seq, table_name, row, *content_digest, r.columns) != *stored_hash)) {
    problem(seq, table_name, row,
            entry_words(seq) + " (" + table_name + " " + std::to_string(row) +
                ") was altered: its hash does not follow from its content and the entry before it");
  }
  const detail::ChainedTable* table = r.table;
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
    const std::string noun = std::string(table->noun) + " " + std::to_string(row);
    if (!r.values) {
      problem(seq, table_name, row, noun + " was deleted (" + entry_words(seq) + " records it)");
    } else if (content_digest && r.now != *content_digest) {
      const detail::RowHash now = detail::hash_row(*table, *r.values);
      const auto changed = detail::changed_columns(*table, r.columns, now.columns);
      problem(seq, table_name, row,
              noun + " was altered after it was stored: " +
                  (changed.empty() ? std::string("its content")
                                   : (changed.size() == 1 ? "column " : "columns ") + join_names(changed)) +
                  " differ" + (changed.size() == 1 ? "s" : "") + " from what was recorded (" + entry_words(seq) + ")");
    }
  }
  if (anchor && stored_hash && *stored_hash == *anchor) anchor_entry_ = seq;
  if (stored_hash) previous = *stored_hash;
  expected = next_of(seq);
  last_seq_ = seq;
  last_hash_ = r.hash;
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

// 4. Rows that no chain entry records were added (or re-numbered) outside waymark.
void Verifier::unchained() {
  Statement exists(c_, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
  for (const detail::ChainedTable& t : detail::chained_tables()) {
    // A database read without migrating may predate a table (user_changes came with schema version 3).
    exists.bind(1, t.name);
    const bool present = exists.step() && exists.integer(0) > 0;
    exists.reset();
    if (!present) continue;
    Statement s(c_, "SELECT id FROM " + std::string(t.name) +
                        " x WHERE NOT EXISTS (SELECT 1 FROM chain WHERE chain.tbl = ? AND chain.row_id = x.id) ORDER BY id");
    s.bind(1, t.name);
    while (s.step()) {
      problem(0, std::string(t.name), s.integer(0),
              std::string(t.noun) + " " + std::to_string(s.integer(0)) + " is not in the chain: it was added outside waymark");
    }
  }
}

// 5. Pupil data: each version against its digest, and each import's list of versions (which the
// chain covers through the import's row), so a version added, removed or re-pointed is caught.
void Verifier::case_data() {
  std::map<std::int64_t, std::unique_ptr<detail::Sha256>> import_versions;
  {
    const std::string versions = std::string("SELECT ") + detail::version_columns + " FROM pupil_versions v ORDER BY v.id";
    const std::string records = std::string("SELECT ") + detail::record_columns + " FROM records r ORDER BY r.version_id, r.seq";
    detail::VersionStream stream(c_, versions, records, nullptr, true);
    detail::VersionRow row;
    while (stream.next(row)) {
      ++report_.pupil_versions;
      const Digest computed = detail::pupil_digest(row.pupil);
      version_digest_[row.id] = computed;
      if (detail::digest_of(row.digest) != computed) {
        problem(import_entry(row.import_id), "pupil_versions", row.id,
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
  }
  Statement imports(c_, "SELECT id, versions_digest FROM imports ORDER BY id");
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
      problem(import_entry(id), "imports", id,
              "the pupil versions stored by import " + std::to_string(id) +
                  " were altered: versions were added, removed, re-pointed or their digests rewritten");
    }
    import_versions.erase(id);
  }
  for (const auto& [id, h] : import_versions) {
    problem(0, "pupil_versions", 0, "pupil versions name import " + std::to_string(id) + ", which does not exist");
  }
  Statement orphans(c_, "SELECT count(*) FROM records r WHERE NOT EXISTS "
                        "(SELECT 1 FROM pupil_versions v WHERE v.id = r.version_id)");
  if (orphans.step() && orphans.integer(0) > 0) {
    problem(0, "records", 0, std::to_string(orphans.integer(0)) + " record rows belong to no pupil version");
  }
}

// 6. The pupils table is not chained itself, but every row of it must be explained by the versions
// the chain covers: a pupil row deleted would make runs skip the pupil silently, one added would be
// a pupil no import brought.
void Verifier::pupils() {
  Statement current(c_, "SELECT p.id, p.current_version, (SELECT max(v.id) FROM pupil_versions v WHERE v.pupil_id = p.id) "
                        "FROM pupils p ORDER BY p.id");
  while (current.step()) {
    if (current.is_null(2)) {
      problem(0, "pupils", 0,
              "pupil " + current.text(0) + " has no case data from any import: the pupil row was added outside waymark");
    } else if (current.optional_integer(1) != current.optional_integer(2)) {
      problem(0, "pupils", 0,
              "pupil " + current.text(0) + " points at version " +
                  (current.is_null(1) ? std::string("none") : std::to_string(current.integer(1))) +
                  ", not at its latest version " + std::to_string(current.integer(2)) +
                  ": a run would read the wrong case data");
    }
  }
  Statement missing(c_, "SELECT v.pupil_id, count(*) FROM pupil_versions v WHERE NOT EXISTS "
                        "(SELECT 1 FROM pupils p WHERE p.id = v.pupil_id) GROUP BY v.pupil_id ORDER BY v.pupil_id");
  while (missing.step()) {
    problem(0, "pupils", 0,
            "pupil " + missing.text(0) + " was deleted: " + count_text(missing.integer(1), "version", "versions") +
                " of their case data remain, and a run would skip them");
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
    const std::string id = pupils.text(1);
    const std::int64_t version = pupils.integer(2);
    pupils_hash->frame_text(id);
    pupils_hash->frame_integer(version);
    pupils_hash->frame_value(pupils.value(3));
    pupils_hash->frame_value(pupils.value(4));
    input_hash->frame_text(id);
    if (const auto v = version_digest_.find(version); v != version_digest_.end()) {
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
      verifier.chain(wanted_anchor);
      verifier.head();
      verifier.unchained();
      verifier.case_data();
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
