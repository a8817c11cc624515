#pragma once
// Private to the store: the schema, its migrations (PRAGMA user_version), and the list of columns of
// every table the hash chain covers, in the one order used both to append and to verify.

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
};
const std::vector<ChainedTable>& chained_tables();
const ChainedTable& chained_table(std::string_view name);

}  // namespace waymark::store::detail
