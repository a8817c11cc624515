#pragma once
// Private to the store: the schema, its migrations (PRAGMA user_version), and the list of columns of
// every table the hash chain covers, in the one order used both to append and to verify.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sqlite.hpp"

namespace waymark::store::detail {

/// `PRAGMA application_id` of a Waymark database ("WYMK"), so that another program's SQLite file is
/// recognised as "not a Waymark database" instead of being written into.
inline constexpr std::int64_t application_id = 0x57594D4B;

/// The schema version this build writes; migration i (0-based) takes version i to i+1.
int current_version();
const std::vector<std::string_view>& migrations();

/// Brings a writable database to the current version in one transaction (a fresh, empty file too).
/// Two processes racing here serialise on BEGIN IMMEDIATE; the loser finds the work done.
void migrate(Connection& connection, int target);

/// A table whose rows are entries of the hash chain: its name and its columns (id first).
struct ChainedTable {
  std::string_view name;
  std::string_view noun;  // for messages: "run", "flag", "acknowledgement"
  std::vector<std::string_view> columns;
  /// Columns from this index on were added to the table by schema version `added_in`. Such a column
  /// is hashed only when it holds a value, so a row chained before the column existed verifies as it
  /// always did; a database older than `added_in` reads it as NULL.
  std::size_t first_added = SIZE_MAX;
  int added_in = 0;

  /// True for a column added later that holds nothing in this row: the chain leaves it out.
  bool left_out(std::size_t column, bool null) const { return null && column >= first_added; }
};
const std::vector<ChainedTable>& chained_tables();
const ChainedTable& chained_table(std::string_view name);

/// The schema version of an open database (PRAGMA user_version).
int schema_version(Connection& connection);

/// `SELECT` of the table's columns in chain order, `where` after it; a column the database is too old
/// to have is selected as NULL.
std::string select_chained(Connection& connection, const ChainedTable& table, std::string_view where);

}  // namespace waymark::store::detail
