#pragma once
// Private to the store: the append-only hash chain over imports, runs, flags, due entries and
// acknowledgements (docs/store.md, "Hash chain"). Appending and verifying read a row through the same
// code, so what is hashed on the day is exactly what verify recomputes.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "digest.hpp"
#include "schema.hpp"

namespace waymark::store::detail {

/// The content digest of a row and a 4-byte digest of each column, which lets verify say which
/// columns were edited (the content digest is what the chain proves).
struct RowHash {
  Digest content{};
  Bytes columns;
};

RowHash hash_row(const ChainedTable& table, std::span<const SqlView> values);
RowHash hash_row(const ChainedTable& table, const std::vector<SqlValue>& values);
/// hash_row's content digest alone: what verify compares first. The column locators (FNV-1a, a byte
/// at a time) cost more than SHA-256 over a run's explanations, and are needed only to name the
/// columns of a row whose content differs.
Digest row_content(const ChainedTable& table, std::span<const SqlView> values);
/// The same with a hasher the caller keeps from row to row (a new one per row is an OpenSSL context
/// made and freed each time); `h` is left ready for the next.
Digest row_content(Sha256& h, const ChainedTable& table, std::span<const SqlView> values);
/// The names of the columns whose 4-byte digests differ.
std::vector<std::string_view> changed_columns(const ChainedTable& table, std::span<const std::uint8_t> recorded,
                                              std::span<const std::uint8_t> now);

/// An entry's hash: over the previous entry's hash, its sequence number, table, row id, content
/// digest and column digests.
Digest entry_hash(const Digest& previous, std::int64_t seq, std::string_view table, std::int64_t row,
                  const Digest& content, std::span<const std::uint8_t> columns);
Digest entry_hash(Sha256& h, const Digest& previous, std::int64_t seq, std::string_view table, std::int64_t row,
                  const Digest& content, std::span<const std::uint8_t> columns);

/// `INSERT INTO t (c2, ..., cn) VALUES (?, ..., ?)`: every column after the id, in chain order.
std::string insert_sql(const ChainedTable& table);

/// `INSERT INTO t (id, c2, ..., cn) VALUES (?, ...)`: every column, the id given.
std::string insert_sql_with_id(const ChainedTable& table);

/// Reads rows of the chained tables by id, as the chain sees them.
class RowReader {
public:
  explicit RowReader(Connection& connection);
  /// The row's values in ChainedTable::columns order, or nothing when there is no such row.
  std::optional<std::vector<SqlValue>> values(const ChainedTable& table, std::int64_t row);

private:
  Connection& connection_;
  std::map<std::string_view, std::unique_ptr<Statement>> selects_;
};

/// Reads the rows of one chained table that a walk of the chain names. Entries name a table's rows in
/// rising id order (each row is chained as it is written), so the cursor steps forward through the
/// table, which costs a third of looking each row up by id; an id behind it, or far ahead of it, is
/// looked up afresh. Either way it finds exactly the row `WHERE id = ?` would.
class RowCursor {
public:
  RowCursor(Connection& connection, const ChainedTable& table);
  /// True when row `id` exists; row() is then on it, with the columns in ChainedTable::columns order.
  bool find(std::int64_t id);
  const Statement& row() const { return select_; }

private:
  bool step();

  Statement select_;  // the rows from an id on, in id order
  bool on_row_ = false;
  std::int64_t current_ = 0;  // the id of the row select_ is on, while on_row_
};

/// Appends entries inside a writer's transaction and moves the head when finished.
class ChainWriter {
public:
  /// Starts after the recorded head. Must be created inside a BEGIN IMMEDIATE transaction.
  explicit ChainWriter(Connection& connection);
  /// True when the head does not match the last entry (the tail was edited outside waymark); the new
  /// entries still link to the recorded head, so the evidence stays visible to verify.
  bool head_mismatch() const { return head_mismatch_; }
  /// Reads the row back, hashes it as stored and appends its entry (for rows written in several steps).
  void append(std::string_view table, std::int64_t row);
  /// Appends the entry of a row just inserted with exactly these values (values[0] is its id). STRICT
  /// tables store what was bound, so this hashes what verify will read; the tests hold it to that.
  void append(const ChainedTable& table, const std::vector<SqlValue>& values);
  void append(const ChainedTable& table, std::int64_t row, const RowHash& hash);
  /// Inserts a row of a chained table (values[0], the id, is filled in) and appends its entry.
  std::int64_t insert(const ChainedTable& table, Statement& insert, std::vector<SqlValue>& values);
  /// Inserts a row whose id (values[0]) and hash were computed beforehand (hash_row of exactly these
  /// values, perhaps on another thread), with a statement from insert_sql_with_id; appends its entry.
  /// Throws when SQLite gives the row another id.
  std::int64_t insert_hashed(const ChainedTable& table, Statement& insert, const std::vector<SqlValue>& values,
                             const RowHash& hash);
  /// Records the new head; call before committing.
  void finish();

private:
  Connection& connection_;
  RowReader reader_;
  Statement insert_;
  std::int64_t seq_ = 0;
  Digest previous_{};
  std::string_view last_table_;
  std::int64_t last_row_ = 0;
  bool appended_ = false;
  bool head_mismatch_ = false;
};

}  // namespace waymark::store::detail
