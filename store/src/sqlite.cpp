#include "sqlite.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>

namespace waymark::store::detail {

namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// SQLite counts every allocation it makes under one process-wide lock, for sqlite3_memory_used(),
// which waymark never asks for; an import or a run makes tens of millions. Off before SQLite's first
// use (static initialisation, before main); sqlite3_config refuses it afterwards, harmlessly.
const bool sqlite_allocation_counting_off = [] {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  return true;
}();

}  // namespace

// --- Connection ---------------------------------------------------------------------------------

Connection::Connection(const std::string& path, const ConnectionOptions& options)
    : path_(path), busy_timeout_(options.busy_timeout) {
  // NOMUTEX: a connection is only ever used by one thread at a time (the server opens one Store per
  // thread; a run's or verify's second, reading connection is used by one task at a time), so SQLite's
  // lock around every call on it guards nothing, and taking it was a tenth of audit verify's reading.
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOFOLLOW |
                    SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // The handle exists even on failure (except out of memory) and holds the message.
    try {
      fail(rc);
    } catch (...) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
  sqlite3_extended_result_codes(db_, 1);
  set_busy_timeout(busy_timeout_);
}

void Connection::set_busy_timeout(std::chrono::milliseconds timeout) {
  busy_timeout_ = timeout;
  sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout_.count()));
}

Connection::~Connection() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc);
}

std::int64_t Connection::query_integer(std::string_view sql) {
  Statement s(*this, sql);
  if (!s.step()) return 0;
  return s.integer(0);
}

std::int64_t Connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

void Connection::fail(int rc) const {
  const int primary = rc & 0xFF;
  const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  const int os_error = db_ != nullptr ? sqlite3_system_errno(db_) : 0;
  const std::string file = quoted(path_);
  const std::string what = "cannot " + activity_ + " " + file;
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw SqlError("database-busy", what + ": another waymark process is using it and did not finish within " +
                                          (busy_timeout_.count() >= 1000
                                               ? std::to_string(busy_timeout_.count() / 1000) + " seconds"
                                               : std::to_string(busy_timeout_.count()) + " milliseconds") +
                                          "; try again when it has finished");
    case SQLITE_FULL:
      throw SqlError("database-full", what + ": the disk is full (or the database reached its size limit); "
                                             "free some space and run the command again");
    case SQLITE_READONLY:
      throw SqlError("database-read-only",
                     what + ": the database is read-only (check the permissions of the file and of its folder: "
                            "SQLite keeps " + quoted(path_ + "-wal") + " and " + quoted(path_ + "-shm") + " beside it)");
    case SQLITE_NOTADB:
      throw SqlError("not-a-database", file + " is not a Waymark database (it is not an SQLite database file)");
    case SQLITE_CORRUPT:
      throw SqlError("database-corrupt", file + " is damaged (SQLite: " + message +
                                             "); restore it from a backup, then run 'waymark audit verify'");
    case SQLITE_CANTOPEN:
      throw SqlError("cannot-open", what + ": " + (os_error != 0 ? std::strerror(os_error) : message) +
                                        " (check the path and its permissions)");
    case SQLITE_NOMEM:
      throw SqlError("out-of-memory", what + ": out of memory");
    case SQLITE_IOERR:
      if (os_error == ENOSPC || os_error == EDQUOT) {
        throw SqlError("database-full", what + ": the disk is full (" + std::strerror(os_error) +
                                            "); free some space and run the command again");
      }
      throw SqlError("database-io", what + ": input/output error (" +
                                        (os_error != 0 ? std::string(std::strerror(os_error)) : message) + ")");
    default:
      throw SqlError("database-error", what + ": " + message);
  }
}

// --- Statement ----------------------------------------------------------------------------------

Statement::Statement(Connection& connection, std::string_view sql) : connection_(&connection) {
  const int rc = sqlite3_prepare_v3(connection.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
  if (rc != SQLITE_OK) connection.fail(rc);
}

Statement::Statement(Statement&& other) noexcept : connection_(other.connection_), statement_(other.statement_) {
  other.statement_ = nullptr;
}

Statement::~Statement() {
  if (statement_ != nullptr) sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_->fail(rc);
  return *this;
}

Statement& Statement::bind(int index, const Bytes& value) {
  // An empty BLOB must stay a BLOB, not become NULL: bind a zero-length blob explicitly.
  const int rc = value.empty() ? sqlite3_bind_zeroblob(statement_, index, 0)
                               : sqlite3_bind_blob64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) connection_->fail(rc);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(statement_, index);
  if (rc != SQLITE_OK) connection_->fail(rc);
  return *this;
}

Statement& Statement::bind(int index, const SqlValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return bind(index, *i);
  if (const auto* s = std::get_if<std::string>(&value)) return bind(index, std::string_view(*s));
  if (const auto* b = std::get_if<Bytes>(&value)) return bind(index, *b);
  return bind_null(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(statement_);
  connection_->fail(rc);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int Statement::columns() const { return sqlite3_column_count(statement_); }

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  const int n = sqlite3_column_bytes(statement_, column);
  return p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(n));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

Bytes Statement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  const int n = sqlite3_column_bytes(statement_, column);
  return p == nullptr ? Bytes() : Bytes(p, p + n);
}

SqlView Statement::view(int column) const {
  // One sqlite3_column_value and then the value's accessors, rather than three sqlite3_column_* calls
  // each finding the column again. SQLite calls the value "unprotected": safe because a connection
  // is only ever used by one thread at a time (see the Connection's NOMUTEX).
  sqlite3_value* value = sqlite3_column_value(statement_, column);
  SqlView out;
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      out.type = SqlView::Type::integer;
      out.integer = sqlite3_value_int64(value);
      return out;
    case SQLITE_TEXT:
    case SQLITE_FLOAT: {  // never written by waymark; seen as its text so an edit shows
      out.type = SqlView::Type::text;
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(value));
      const int n = sqlite3_value_bytes(value);
      if (p != nullptr) out.bytes = std::string_view(p, static_cast<std::size_t>(n));
      return out;
    }
    case SQLITE_BLOB: {
      out.type = SqlView::Type::blob;
      const auto* p = static_cast<const char*>(sqlite3_value_blob(value));
      const int n = sqlite3_value_bytes(value);
      if (p != nullptr) out.bytes = std::string_view(p, static_cast<std::size_t>(n));
      return out;
    }
    default: return out;
  }
}

SqlView view_of(const SqlValue& value) {
  SqlView out;
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    out.type = SqlView::Type::integer;
    out.integer = *i;
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    out.type = SqlView::Type::text;
    out.bytes = *s;
  } else if (const auto* b = std::get_if<Bytes>(&value)) {
    out.type = SqlView::Type::blob;
    out.bytes = std::string_view(reinterpret_cast<const char*>(b->data()), b->size());
  }
  return out;
}

SqlValue value_of(const SqlView& view) {
  switch (view.type) {
    case SqlView::Type::integer: return view.integer;
    case SqlView::Type::text: return std::string(view.bytes);
    case SqlView::Type::blob: return Bytes(view.bytes.begin(), view.bytes.end());
    case SqlView::Type::null: break;
  }
  return std::monostate{};
}

// --- CopiedRows ---------------------------------------------------------------------------------

std::size_t CopiedRows::add(const Statement& statement, int count) {
  starts_.push_back(cells_.size());
  for (int i = 0; i < count; ++i) {
    SqlView cell = statement.view(i);
    offsets_.push_back(bytes_.size());
    bytes_.append(cell.bytes);
    cell.bytes = {};  // set by seal(): bytes_ may still move
    cells_.push_back(cell);
  }
  return starts_.size() - 1;
}

void CopiedRows::seal() {
  // Bytes are appended in cell order, so a cell's bytes end where the next cell's begin.
  offsets_.push_back(bytes_.size());
  for (std::size_t k = 0; k < cells_.size(); ++k) {
    cells_[k].bytes = std::string_view(bytes_.data() + offsets_[k], offsets_[k + 1] - offsets_[k]);
  }
}

std::span<const SqlView> CopiedRows::row(std::size_t index) const {
  const std::size_t end = index + 1 < starts_.size() ? starts_[index + 1] : cells_.size();
  return std::span<const SqlView>(cells_).subspan(starts_[index], end - starts_[index]);
}

void CopiedRows::clear() {
  bytes_.clear();
  cells_.clear();
  offsets_.clear();
  starts_.clear();
}

// --- ReferencesUnchecked ------------------------------------------------------------------------

ReferencesUnchecked::ReferencesUnchecked(Connection& connection) : connection_(connection) {
  connection_.exec("PRAGMA foreign_keys = OFF");
}

ReferencesUnchecked::~ReferencesUnchecked() {
  try {
    connection_.exec("PRAGMA foreign_keys = ON");
  } catch (const SqlError&) {
    // Only a connection already failing gets here; it is closed after this command either way.
  }
}

// --- Transaction --------------------------------------------------------------------------------

Transaction::Transaction(Connection& connection, Kind kind) : connection_(connection) {
  connection_.exec(kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  open_ = true;
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  open_ = false;
}

namespace {

ConnectionOptions reading_options(const Connection& other) {
  ConnectionOptions o;
  o.read_only = true;
  o.busy_timeout = other.busy_timeout();
  return o;
}

}  // namespace

ReadingConnection::ReadingConnection(const Connection& other)
    : connection(other.path(), reading_options(other)), snapshot(connection, Transaction::Kind::read) {}

}  // namespace waymark::store::detail
