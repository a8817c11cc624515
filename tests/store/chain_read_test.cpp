// White-box tests of how verify reads the chain's rows (store/src): the cursor that steps through a
// table finds exactly the row a lookup by id finds, and rows copied out of SQLite read back, and
// hash, exactly as the values they were copied from.
#include "chain.hpp"
#include "sqlite.hpp"
#include "support.hpp"

#include <limits>

namespace waymark::store {
namespace {

using namespace testing;
using detail::ChainedTable;
using detail::Connection;
using detail::SqlValue;
using detail::SqlView;
using detail::Statement;

// A stored run with some flag rows deleted, so that the ids have gaps.
class ChainRead : public ::testing::Test {
protected:
  void SetUp() override {
    db_ = dir_.file("school.db");
    auto store = open(db_);
    import(*store, generated(200), england_pack());
    run(*store, england_pack(), "2025-11-17");
    sql(db_, "DELETE FROM flags WHERE id IN (3, 4, 5, 30)");
    sql(db_, "DELETE FROM flags WHERE id > 40 AND id < 70");
    last_ = sql_integer(db_, "SELECT max(id) FROM flags");
    ASSERT_GT(last_, 100) << "the roll must raise enough flags";
  }

  TempDir dir_;
  std::string db_;
  std::int64_t last_ = 0;
};

TEST_F(ChainRead, TheCursorFindsWhatALookupByIdFinds) {
  Connection c(db_, {.read_only = true});
  const ChainedTable& flags = detail::chained_table("flags");
  detail::RowReader reader(c);
  detail::RowCursor cursor(c, flags);
  // In order with gaps, repeated, behind, far ahead, past the end and back again, below the first.
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 1; id <= 12; ++id) ids.push_back(id);
  for (const std::int64_t id : {12, 12, 2, 1, 35, 29, 31, 40, 70, 41, 75, 74, 76, 200, 101}) ids.push_back(id);
  constexpr std::int64_t largest = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t smallest = std::numeric_limits<std::int64_t>::min();
  for (const std::int64_t id : {last_ - 1, last_, last_ + 1, last_ + 1, last_ + 20, last_, std::int64_t{0},
                                std::int64_t{-5}, std::int64_t{6}, largest, smallest, std::int64_t{7}}) {
    ids.push_back(id);
  }
  for (const std::int64_t id : ids) {
    SCOPED_TRACE(id);
    const auto expected = reader.values(flags, id);
    ASSERT_EQ(cursor.find(id), expected.has_value());
    if (!expected) continue;
    for (std::size_t col = 0; col < flags.columns.size(); ++col) {
      EXPECT_EQ(cursor.row().value(static_cast<int>(col)), (*expected)[col]) << flags.columns[col];
    }
  }
}

TEST_F(ChainRead, CopiedRowsReadBackAsTheirValuesAndHashAlike) {
  Connection c(db_, {.read_only = true});
  const ChainedTable& flags = detail::chained_table("flags");
  Statement all(c, "SELECT id, run_id, pupil_id, position, rule, bound_item, title, category, severity, tier, "
                   "evidence, actions, notify, cite, explanation FROM flags ORDER BY id");
  detail::CopiedRows copied;
  std::vector<std::vector<SqlValue>> values;
  while (all.step()) {
    std::vector<SqlValue>& row = values.emplace_back();
    for (int col = 0; col < all.columns(); ++col) row.push_back(all.value(col));
    EXPECT_EQ(copied.add(all, all.columns()), values.size() - 1);
  }
  copied.seal();
  ASSERT_EQ(copied.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto row = copied.row(i);
    ASSERT_EQ(row.size(), values[i].size());
    for (std::size_t col = 0; col < row.size(); ++col) EXPECT_EQ(detail::value_of(row[col]), values[i][col]);
    const detail::RowHash from_views = detail::hash_row(flags, row);
    const detail::RowHash from_values = detail::hash_row(flags, values[i]);
    EXPECT_EQ(from_views.content, from_values.content);
    EXPECT_EQ(from_views.columns, from_values.columns);
    EXPECT_EQ(detail::row_content(flags, row), from_values.content);
  }
}

// Every type a column can hold, an empty text and an empty blob among them, keeps its type and bytes.
TEST_F(ChainRead, EveryTypeIsCopiedAsItIs) {
  Connection c(db_, {.read_only = true});
  Statement s(c, "SELECT NULL, 42, -7, 'text', '', x'00ff10', x'', 2.5, 9223372036854775807");
  ASSERT_TRUE(s.step());
  detail::CopiedRows copied;
  copied.add(s, s.columns());
  copied.add(s, 2);
  copied.seal();
  const auto row = copied.row(0);
  ASSERT_EQ(row.size(), 9u);
  for (int col = 0; col < 9; ++col) EXPECT_EQ(detail::value_of(row[col]), s.value(col)) << col;
  EXPECT_EQ(row[0].type, SqlView::Type::null);
  EXPECT_EQ(row[4].type, SqlView::Type::text);
  EXPECT_EQ(row[6].type, SqlView::Type::blob);
  EXPECT_EQ(row[7].type, SqlView::Type::text) << "a REAL (never written by waymark) is seen as its text";
  EXPECT_EQ(row[7].bytes, "2.5");
  ASSERT_EQ(copied.row(1).size(), 2u);
  EXPECT_EQ(copied.row(1)[1].integer, 42);
  copied.clear();
  EXPECT_EQ(copied.size(), 0u);
}

}  // namespace
}  // namespace waymark::store
