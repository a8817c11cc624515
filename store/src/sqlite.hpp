#pragma once
// Private to the store: a thin RAII layer over the SQLite C API. Every failure becomes a SqlError that
// names the database file; the Store turns it into a diagnostic at its public boundary. This and
// sqlite.cpp are the only places that see sqlite3.h, so a server database could replace them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace waymark::store::detail {

using Bytes = std::vector<std::uint8_t>;

/// One stored value, typed exactly as a STRICT table keeps it: NULL, INTEGER, TEXT or BLOB.
using SqlValue = std::variant<std::monostate, std::int64_t, std::string, Bytes>;

/// A value seen in place, without a copy: a column of the current row (valid until the statement
/// steps or resets), or an SqlValue (valid while it lives). What the hash chain frames.
struct SqlView {
  enum class Type : std::uint8_t { null, integer, text, blob };  // SqlValue's order: the chain hashes the index
  Type type = Type::null;
  std::int64_t integer = 0;
  std::string_view bytes;  // text or blob
};
SqlView view_of(const SqlValue& value);
SqlValue value_of(const SqlView& view);

/// A database failure, already worded for the user: a stable code and a message naming the file.
class SqlError : public std::runtime_error {
public:
  SqlError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

private:
  std::string code_;
};

class Connection;

/// A prepared statement; parameters are 1-based, columns 0-based.
class Statement {
public:
  Statement(Connection& connection, std::string_view sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const Bytes& value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_null(int index);
  Statement& bind(int index, const SqlValue& value);

  /// Advances; true when a row is ready, false when done.
  bool step();
  /// Runs a statement that returns no rows (or ignores them), then resets it.
  void run();
  /// Ready to run again with new parameters.
  void reset();

  int columns() const;
  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  Bytes blob(int column) const;
  SqlValue value(int column) const { return value_of(view(column)); }
  /// The column without copying it: valid until the next step or reset.
  SqlView view(int column) const;

private:
  Connection* connection_;
  sqlite3_stmt* statement_ = nullptr;
};

/// Rows copied out of statements into one buffer, so that another thread can read them after the
/// statements have moved on, with no allocation per value: fill, seal, read, clear and fill again.
class CopiedRows {
public:
  CopiedRows() = default;
  CopiedRows(const CopiedRows&) = delete;  // sealed views point into bytes_: never copied or moved
  CopiedRows& operator=(const CopiedRows&) = delete;

  /// Copies the first `count` columns of the statement's current row; returns the row's number.
  std::size_t add(const Statement& statement, int count);
  /// Done adding: row() may be called until the next clear().
  void seal();
  std::span<const SqlView> row(std::size_t index) const;
  std::size_t size() const { return starts_.size(); }
  void clear();

private:
  std::string bytes_;                   // every text and blob, back to back
  std::vector<SqlView> cells_;          // bytes point into bytes_ once sealed
  std::vector<std::size_t> offsets_;    // where each cell's bytes start in bytes_
  std::vector<std::size_t> starts_;     // each row's first cell
};

/// How a connection is opened.
struct ConnectionOptions {
  bool read_only = false;
  std::chrono::milliseconds busy_timeout{60000};
};

/// One open database file, used by one thread at a time (opened with SQLITE_OPEN_NOMUTEX).
class Connection {
public:
  /// Opens an existing file (SQLite would create a missing one; the Store checks first).
  Connection(const std::string& path, const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }
  std::chrono::milliseconds busy_timeout() const { return busy_timeout_; }
  /// How long a write waits for another process's write to finish before `database-busy`.
  void set_busy_timeout(std::chrono::milliseconds timeout);

  /// Runs SQL text (several statements, no parameters).
  void exec(std::string_view sql);
  /// The single integer a query returns (a PRAGMA, a count).
  std::int64_t query_integer(std::string_view sql);
  std::int64_t last_insert_id() const;

  /// What the current command is doing, for messages: "store the run in" gives "cannot store the run in 'x.db': ...".
  void set_activity(std::string activity) { activity_ = std::move(activity); }
  /// Throws the SqlError for SQLite result code `rc`.
  [[noreturn]] void fail(int rc) const;

private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::chrono::milliseconds busy_timeout_;
  std::string activity_ = "open";
};

/// A transaction that rolls back unless committed. Writers use `immediate` (BEGIN IMMEDIATE) so that
/// two processes serialise at the start instead of failing half-way.
class Transaction {
public:
  enum class Kind { read, immediate };
  Transaction(Connection& connection, Kind kind);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

private:
  Connection& connection_;
  bool open_ = false;
};

/// SQLite's checks of foreign keys off for one writing command's transaction: made before the
/// transaction begins (the setting cannot change inside one) and undone after it ends. Only for a
/// writer whose rows refer to nothing but rows its own transaction inserted or read (an import's
/// pupils, versions and records; a run's rows, its run row and the versions it read): the checks
/// would prove nothing the writer does not guarantee, and they were a tenth of a 250,000-pupil
/// import and about a second of a run (docs/store.md, docs/spec-decisions.md).
class ReferencesUnchecked {
public:
  explicit ReferencesUnchecked(Connection& connection);
  ReferencesUnchecked(const ReferencesUnchecked&) = delete;
  ReferencesUnchecked& operator=(const ReferencesUnchecked&) = delete;
  ~ReferencesUnchecked();

private:
  Connection& connection_;
};

/// A second, read-only connection to the file `other` is open on (with its busy timeout), in a read
/// transaction: a run reads its inputs on one while it stores, and verify reads the case data on one
/// while it walks the chain. The caller makes sure the snapshot is the one it needs.
struct ReadingConnection {
  explicit ReadingConnection(const Connection& other);
  Connection connection;  // used by one thread at a time
  Transaction snapshot;
};

}  // namespace waymark::store::detail
