// The database file: created private, WAL, foreign keys, versioned schema with migrations, and a clear
// refusal of files that are not Waymark databases (docs/store.md, "Schema").
#include <fstream>

#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

TEST(Schema, ANewDatabaseIsPrivateVersionedAndWriteAhead) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  ::umask(022);  // a permissive umask must not make pupil data readable by others
  auto store = open(db);
  ASSERT_TRUE(store);
  import(*store, example_cases());
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  if (::stat((db + "-wal").c_str(), &st) == 0) {
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  EXPECT_EQ(sql_integer(db, "PRAGMA user_version"), schema_version());
  EXPECT_EQ(sql_integer(db, "PRAGMA application_id"), 0x57594D4B);
  EXPECT_EQ(sql_text(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM pupils"), 2);
}

TEST(Schema, ANewDatabaseHasLargePagesAndAnOlderOneKeepsItsOwn) {
  TempDir dir;
  const std::string fresh = dir.file("fresh.db");
  {
    auto store = open(fresh);
    import(*store, example_cases());
  }
  EXPECT_EQ(sql_integer(fresh, "PRAGMA page_size"), 16384);
  // A database made with SQLite's default pages (as earlier Waymark releases made them) is opened,
  // written and verified with its own page size: the size is fixed once the file has its first page.
  const std::string older = dir.file("older.db");
  sql(older, "PRAGMA page_size = 4096; CREATE TABLE made_before (x); DROP TABLE made_before;");
  ASSERT_EQ(sql_integer(older, "PRAGMA page_size"), 4096);
  {
    auto store = open(older);
    ASSERT_TRUE(store);
    import(*store, example_cases());
    run(*store, example_pack(), "2025-11-17");
    EXPECT_TRUE(verify(*store).intact()) << problems(verify(*store));
  }
  EXPECT_EQ(sql_integer(older, "PRAGMA page_size"), 4096);
}

TEST(Schema, ForeignKeysAreEnforcedForWaymarkItself) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  import(*store, example_cases());
  // An acknowledgement of a flag that does not exist is refused before anything is written.
  dsl::Diagnostics d;
  EXPECT_FALSE(store->acknowledge(999, "J Smith", "seen", d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "unknown-flag");
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM acks"), 0);
}

TEST(Schema, MigratesAVersionOneDatabaseKeepingItsData) {
  TempDir dir;
  const std::string db = dir.file("old.db");
  {
    auto store = open(db);
    import(*store, example_cases());
  }
  // Take the file back to version 1: drop what versions 2 (indexes), 3 (users; its sessions table
  // version 4 drops again) and 4 (packed flags) added.
  sql(db,
      "ALTER TABLE flags DROP COLUMN packed; ALTER TABLE runs DROP COLUMN dictionary;"
      "DROP TABLE user_changes;"
      "DROP INDEX pupil_versions_by_pupil; DROP INDEX pupil_versions_by_import; DROP INDEX run_pupils_by_pupil;"
      "DROP INDEX flags_by_run; DROP INDEX flags_by_pupil; DROP INDEX due_by_run; DROP INDEX due_by_pupil;"
      "DROP INDEX acks_by_flag; PRAGMA user_version = 1;");
  ASSERT_EQ(sql_integer(db, "PRAGMA user_version"), 1);
  {
    // A reader does not migrate (it never writes), but can read version 1.
    auto reader = open(db, OpenMode::read);
    ASSERT_TRUE(reader);
    EXPECT_TRUE(verify(*reader).intact());
    EXPECT_EQ(sql_integer(db, "PRAGMA user_version"), 1);
  }
  auto store = open(db, OpenMode::write);
  ASSERT_TRUE(store);
  EXPECT_EQ(sql_integer(db, "PRAGMA user_version"), 4);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'flags_by_pupil'"), 1);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'user_changes'"), 1);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM pupils"), 2);
  run(*store, example_pack(), "2025-11-17");
  EXPECT_TRUE(verify(*store).intact()) << problems(verify(*store));
}

TEST(Schema, RefusesADatabaseFromANewerWaymark) {
  TempDir dir;
  const std::string db = dir.file("new.db");
  { open(db); }
  sql(db, "PRAGMA user_version = 99");
  OpenOptions options;
  dsl::Diagnostics d;
  EXPECT_EQ(Store::open(db, options, d), nullptr);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "newer-schema");
  EXPECT_NE(d.all().front().message.find("version 99"), std::string::npos);
}

TEST(Schema, SaysWhenAFileIsNotAWaymarkDatabase) {
  TempDir dir;
  const std::string notes = dir.file("notes.txt");
  std::ofstream(notes) << "this is not a database, just a long enough line of text to fill a header page\n";
  const std::string other = dir.file("other.db");
  sql(other, "CREATE TABLE contacts (name TEXT)");
  for (const std::string& path : {notes, other}) {
    for (OpenMode mode : {OpenMode::create, OpenMode::write, OpenMode::read}) {
      OpenOptions options;
      options.mode = mode;
      dsl::Diagnostics d;
      EXPECT_EQ(Store::open(path, options, d), nullptr) << path;
      ASSERT_EQ(d.all().size(), 1u) << text(d);  // no warning about the file's mode: it is not ours
      EXPECT_EQ(d.all().front().code, "not-a-database") << text(d);
      EXPECT_NE(d.all().front().message.find("is not a Waymark database"), std::string::npos) << text(d);
    }
  }
  // Neither file was changed.
  EXPECT_EQ(sql_integer(other, "SELECT count(*) FROM sqlite_schema"), 1);
}

TEST(Schema, OnlyImportCreatesADatabase) {
  TempDir dir;
  const std::string db = dir.file("missing.db");
  for (OpenMode mode : {OpenMode::write, OpenMode::read}) {
    OpenOptions options;
    options.mode = mode;
    dsl::Diagnostics d;
    EXPECT_EQ(Store::open(db, options, d), nullptr);
    ASSERT_TRUE(d.has_errors());
    EXPECT_EQ(d.all().front().code, "no-database");
    EXPECT_FALSE(std::filesystem::exists(db));
  }
}

TEST(Schema, WarnsWhenAnExistingDatabaseIsReadableByOthers) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  { open(db); }
  ::chmod(db.c_str(), 0644);
  OpenOptions options;
  dsl::Diagnostics d;
  EXPECT_NE(Store::open(db, options, d), nullptr);
  ASSERT_EQ(d.warning_count(), 1u);
  EXPECT_EQ(d.all().front().code, "not-private");
  EXPECT_NE(d.all().front().message.find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace waymark::store
