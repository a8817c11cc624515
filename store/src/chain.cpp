#include "chain.hpp"

#include <limits>

#include <string>

namespace waymark::store::detail {

namespace {

// A column's 4-byte locator: FNV-1a over its name, type and bytes. It only tells verify which columns
// changed; what the chain proves rests on the SHA-256 content digest.
void fnv(std::uint32_t& h, const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 16777619u;
  }
}

std::uint32_t column_locator(std::string_view name, const SqlView& value) {
  std::uint32_t h = 2166136261u;
  fnv(h, name.data(), name.size());
  // The tag is the SqlValue alternative's index, as it always was: null 0, integer 1, text 2, blob 3.
  const char tag = static_cast<char>('0' + static_cast<int>(value.type));
  fnv(h, &tag, 1);
  if (value.type == SqlView::Type::integer) {
    fnv(h, &value.integer, sizeof value.integer);
  } else {
    fnv(h, value.bytes.data(), value.bytes.size());
  }
  return h;
}

std::vector<SqlView> views_of(const std::vector<SqlValue>& values) {
  std::vector<SqlView> out;
  out.reserve(values.size());
  for (const SqlValue& v : values) out.push_back(view_of(v));
  return out;
}

}  // namespace

Digest row_content(Sha256& h, const ChainedTable& table, std::span<const SqlView> values) {
  h.frame_text("waymark-row-v1");
  h.frame_text(table.name);
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const SqlView value = i < values.size() ? values[i] : SqlView{};
    if (table.left_out(i, value.type == SqlView::Type::null)) continue;
    h.frame_text(table.columns[i]);
    h.frame_view(value);
  }
  return h.finish();
}

Digest row_content(const ChainedTable& table, std::span<const SqlView> values) {
  Sha256 h;
  return row_content(h, table, values);
}

RowHash hash_row(const ChainedTable& table, std::span<const SqlView> values) {
  RowHash out;
  out.content = row_content(table, values);
  out.columns.reserve(4 * table.columns.size());
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const SqlView value = i < values.size() ? values[i] : SqlView{};
    if (table.left_out(i, value.type == SqlView::Type::null)) continue;
    const std::uint32_t locator = column_locator(table.columns[i], value);
    for (int shift = 24; shift >= 0; shift -= 8) out.columns.push_back(static_cast<std::uint8_t>(locator >> shift));
  }
  return out;
}

RowHash hash_row(const ChainedTable& table, const std::vector<SqlValue>& values) {
  return hash_row(table, views_of(values));
}

std::vector<std::string_view> changed_columns(const ChainedTable& table, std::span<const std::uint8_t> recorded,
                                              std::span<const std::uint8_t> now) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const std::size_t at = 4 * i;
    const bool same = at + 4 <= recorded.size() && at + 4 <= now.size() &&
                      std::equal(recorded.begin() + static_cast<std::ptrdiff_t>(at),
                                 recorded.begin() + static_cast<std::ptrdiff_t>(at + 4),
                                 now.begin() + static_cast<std::ptrdiff_t>(at));
    if (!same) out.push_back(table.columns[i]);
  }
  return out;
}

Digest entry_hash(Sha256& h, const Digest& previous, std::int64_t seq, std::string_view table, std::int64_t row,
                  const Digest& content, std::span<const std::uint8_t> columns) {
  h.frame_text("waymark-chain-v1");
  h.frame_digest(previous);
  h.frame_integer(seq);
  h.frame_text(table);
  h.frame_integer(row);
  h.frame_digest(content);
  h.frame_blob(columns.data(), columns.size());
  return h.finish();
}

Digest entry_hash(const Digest& previous, std::int64_t seq, std::string_view table, std::int64_t row,
                  const Digest& content, std::span<const std::uint8_t> columns) {
  Sha256 h;
  return entry_hash(h, previous, seq, table, row, content, columns);
}

RowReader::RowReader(Connection& connection) : connection_(connection) {}

std::optional<std::vector<SqlValue>> RowReader::values(const ChainedTable& table, std::int64_t row) {
  auto& select = selects_[table.name];
  if (!select) select = std::make_unique<Statement>(connection_, select_chained(connection_, table, "WHERE id = ?"));
  select->bind(1, row);
  std::optional<std::vector<SqlValue>> out;
  if (select->step()) {
    out.emplace();
    out->reserve(table.columns.size());
    for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) out->push_back(select->value(i));
  }
  select->reset();
  return out;
}

RowCursor::RowCursor(Connection& connection, const ChainedTable& table)
    : select_(connection, select_chained(connection, table, "WHERE id >= ? ORDER BY id")) {}

bool RowCursor::step() {
  on_row_ = select_.step();
  if (on_row_) current_ = select_.integer(0);
  return on_row_;
}

bool RowCursor::find(std::int64_t id) {
  // Stepping over a few rows (ids deleted, or chained out of order) is still cheaper than a lookup.
  constexpr std::uint64_t max_steps = 16;
  const bool ahead = on_row_ && id >= current_ &&
                     static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(current_) <= max_steps;
  if (!ahead) {
    select_.reset();  // also the way back from a finished statement, which must not be stepped again
    select_.bind(1, id);
    step();
  }
  while (on_row_ && current_ < id) step();
  return on_row_ && current_ == id;
}

ChainWriter::ChainWriter(Connection& connection)
    : connection_(connection),
      reader_(connection),
      insert_(connection, "INSERT INTO chain (seq, tbl, row_id, content, columns, hash) VALUES (?, ?, ?, ?, ?, ?)") {
  Statement head(connection, "SELECT seq, hash FROM chain_head WHERE id = 1");
  Statement last(connection, "SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1");
  const bool has_head = head.step();
  const bool has_last = last.step();
  if (has_head) {
    seq_ = head.integer(0);
    previous_ = digest_of(head.blob(1)).value_or(Digest{});
  } else if (has_last) {
    seq_ = last.integer(0);
    previous_ = digest_of(last.blob(1)).value_or(Digest{});
  }
  head_mismatch_ = has_head != has_last || (has_head && (head.integer(0) != last.integer(0) || head.blob(1) != last.blob(1)));
}

std::string insert_sql(const ChainedTable& table) {
  std::string sql = "INSERT INTO " + std::string(table.name) + " (";
  std::string marks;
  for (std::size_t i = 1; i < table.columns.size(); ++i) {
    sql += (i > 1 ? ", " : "") + std::string(table.columns[i]);
    marks += i > 1 ? ", ?" : "?";
  }
  return sql + ") VALUES (" + marks + ")";
}

std::string insert_sql_with_id(const ChainedTable& table) {
  std::string sql = "INSERT INTO " + std::string(table.name) + " (";
  std::string marks;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    sql += (i > 0 ? ", " : "") + std::string(table.columns[i]);
    marks += i > 0 ? ", ?" : "?";
  }
  return sql + ") VALUES (" + marks + ")";
}

void ChainWriter::append(std::string_view table_name, std::int64_t row) {
  const ChainedTable& table = chained_table(table_name);
  const auto values = reader_.values(table, row);
  if (!values) throw SqlError("database-error", "internal error: row " + std::to_string(row) + " of " +
                                                    std::string(table.name) + " vanished inside its own transaction");
  append(table, *values);
}

std::int64_t ChainWriter::insert(const ChainedTable& table, Statement& insert, std::vector<SqlValue>& values) {
  for (std::size_t i = 1; i < values.size(); ++i) insert.bind(static_cast<int>(i), values[i]);
  insert.run();
  const std::int64_t id = connection_.last_insert_id();
  values[0] = id;
  append(table, values);
  return id;
}

std::int64_t ChainWriter::insert_hashed(const ChainedTable& table, Statement& insert,
                                        const std::vector<SqlValue>& values, const RowHash& hash) {
  for (std::size_t i = 0; i < values.size(); ++i) insert.bind(static_cast<int>(i + 1), values[i]);
  insert.run();
  const std::int64_t id = std::get<std::int64_t>(values.at(0));
  if (connection_.last_insert_id() != id) {
    throw SqlError("database-error", "internal error: a row of " + std::string(table.name) + " was not given its id");
  }
  append(table, id, hash);
  return id;
}

void ChainWriter::append(const ChainedTable& table, const std::vector<SqlValue>& values) {
  append(table, std::get<std::int64_t>(values.at(0)), hash_row(table, values));
}

void ChainWriter::append(const ChainedTable& table, std::int64_t row, const RowHash& h) {
  // The head's number comes from the file: one edited to the largest integer must not wrap around.
  if (seq_ == std::numeric_limits<std::int64_t>::max() || seq_ < 0) {
    throw SqlError("chain-full", "the audit chain's head records entry " + std::to_string(seq_) +
                                     ", which no entry can follow (edited outside waymark?): nothing was stored; run "
                                     "'waymark audit verify --db " + connection_.path() + "'");
  }
  ++seq_;
  const Digest hash = entry_hash(previous_, seq_, table.name, row, h.content, h.columns);
  insert_.bind(1, seq_).bind(2, table.name).bind(3, row).bind(4, to_bytes(h.content)).bind(5, h.columns).bind(6, to_bytes(hash));
  insert_.run();
  previous_ = hash;
  last_table_ = table.name;
  last_row_ = row;
  appended_ = true;
}

void ChainWriter::finish() {
  if (!appended_) return;
  Statement head(connection_,
                 "INSERT INTO chain_head (id, seq, hash, tbl, row_id) VALUES (1, ?, ?, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, tbl = excluded.tbl, "
                 "row_id = excluded.row_id");
  head.bind(1, seq_).bind(2, to_bytes(previous_)).bind(3, last_table_).bind(4, last_row_);
  head.run();
}

}  // namespace waymark::store::detail
