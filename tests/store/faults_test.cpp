// Faults (docs/store.md, "Faults"): a process killed at any moment leaves the database consistent and
// its chain verifiable; two processes writing at once serialise without losing anything; a busy, full
// or read-only database gives a clear error and changes nothing.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

// Everything a killed command could have left half-done must be whole: each import and run has all
// its rows, and verify finds nothing.
void expect_consistent(const std::string& db) {
  EXPECT_EQ(sql_text(db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(sql_integer(db, "PRAGMA foreign_key_check"), -1);  // no rows: no dangling reference
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM runs r WHERE r.flags <> (SELECT count(*) FROM flags f WHERE f.run_id = r.id)"
                            " OR r.due <> (SELECT count(*) FROM due d WHERE d.run_id = r.id)"
                            " OR r.pupils <> (SELECT count(*) FROM run_pupils p WHERE p.run_id = r.id)"),
            0);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM imports i WHERE i.added + i.replaced <> "
                            "(SELECT count(*) FROM pupil_versions v WHERE v.import_id = i.id)"),
            0);
  auto store = open(db, OpenMode::read);
  ASSERT_TRUE(store);
  const AuditReport report = verify(*store);
  EXPECT_TRUE(report.intact()) << problems(report);
}

// The work of one child: import a changed caseload, run over it, acknowledge a flag; again and again.
[[noreturn]] void work(const std::string& db, const std::vector<engine::Caseload>& caseloads, int rounds) {
  OpenOptions options;
  options.mode = OpenMode::create;
  dsl::Diagnostics d;
  auto store = Store::open(db, options, d);
  if (!store) ::_exit(10);
  for (int i = 0; i < rounds; ++i) {
    const engine::Caseload& cases = caseloads[static_cast<std::size_t>(i) % caseloads.size()];
    if (!store->import_caseload(cases, england_pack().vocabulary(), provenance(england_pack()), d)) ::_exit(11);
    auto inputs = store->load_caseload(england_pack().vocabulary(), {}, d);
    if (!inputs) ::_exit(12);
    engine::EvaluateOptions evaluate;
    evaluate.as_of = day("2025-11-17");
    auto result = engine::evaluate(*england_pack().compiled, inputs->caseload, evaluate, d);
    if (!result) ::_exit(13);
    auto saved = store->save_run(*result, *inputs, std::nullopt, now_utc(), d);
    if (!saved) ::_exit(14);
    for (const auto& ids : saved->flag_ids) {
      if (ids.empty()) continue;
      if (!store->acknowledge(ids.front(), "Test", "round " + std::to_string(i), d)) ::_exit(15);
      break;
    }
  }
  ::_exit(0);
}

int iterations() {
  if (const char* n = std::getenv("WAYMARK_KILL_ITERATIONS")) return std::max(1, std::atoi(n));
  return 40;
}

TEST(Faults, SigkillAtRandomMomentsLeavesAConsistentVerifiableDatabase) {
  TempDir dir;
  const std::string db = dir.file("killed.db");
  std::vector<engine::Caseload> caseloads;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) caseloads.push_back(generated(250, seed));
  (void)england_pack();

  // How long one uninterrupted round takes, so that kills land anywhere in it.
  const auto started = std::chrono::steady_clock::now();
  {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) work(dir.file("timing.db"), caseloads, 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  const auto round = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);

  const unsigned seed = static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count());
  std::mt19937 random(seed);
  SCOPED_TRACE("random seed " + std::to_string(seed));
  int killed = 0;
  int finished = 0;
  for (int i = 0; i < iterations(); ++i) {
    std::uniform_int_distribution<std::int64_t> delay(0, 5 * round.count() / 2);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) work(db, caseloads, 3);
    std::this_thread::sleep_for(std::chrono::microseconds(delay(random)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) {
      ++killed;
    } else {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child failed with " << WEXITSTATUS(status);
      ++finished;
    }
    if (!std::filesystem::exists(db)) continue;  // killed before it made the file
    if (::testing::Test::HasFailure()) break;
    SCOPED_TRACE("after kill " + std::to_string(i + 1));
    if (sql_integer(db, "SELECT count(*) FROM sqlite_schema") > 0) expect_consistent(db);
  }
  EXPECT_GT(killed, iterations() / 3);  // most kills land mid-work (timing on a busy machine varies)
  std::cout << "[          ] " << killed << " of " << iterations() << " children killed mid-work ("
            << finished << " finished); " << sql_integer(db, "SELECT count(*) FROM runs") << " runs and "
            << sql_integer(db, "SELECT count(*) FROM imports") << " imports survived, all verified\n";
}

TEST(Faults, TwoProcessesImportingAndRunningAtOnceLoseNothing) {
  TempDir dir;
  const std::string db = dir.file("shared.db");
  {
    auto store = open(db);
    import(*store, generated(200, 1), england_pack());
  }
  std::vector<engine::Caseload> a{generated(200, 2), generated(200, 3)};
  std::vector<engine::Caseload> b{generated(200, 4), generated(200, 5)};
  constexpr int rounds = 4;
  const pid_t first = ::fork();
  ASSERT_GE(first, 0);
  if (first == 0) work(db, a, rounds);
  const pid_t second = ::fork();
  ASSERT_GE(second, 0);
  if (second == 0) work(db, b, rounds);
  for (const pid_t child : {first, second}) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer failed with status " << status;
  }
  expect_consistent(db);
  // Nothing lost: every import, run and acknowledgement of both processes is there.
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM imports"), 1 + 2 * rounds);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM runs"), 2 * rounds);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM acks"), 2 * rounds);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM pupils"), 200);
}

TEST(Faults, AWriterThatCannotGetInFailsClearlyAndWritesNothing) {
  TempDir dir;
  const std::string db = dir.file("busy.db");
  { open(db); }
  // Another process holds the write lock for longer than this writer will wait.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  OpenOptions options;
  options.busy_timeout = std::chrono::milliseconds(300);
  dsl::Diagnostics d;
  auto store = Store::open(db, options, d);
  ASSERT_TRUE(store) << text(d);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(store->import_caseload(example_cases(), example_pack().vocabulary(), provenance(example_pack()), d));
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(250));  // it waited first
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "database-busy") << text(d);
  EXPECT_NE(d.all().front().message.find("another waymark process is using it"), std::string::npos);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  // Once the other writer is gone, the same import goes through.
  dsl::Diagnostics again;
  EXPECT_TRUE(store->import_caseload(example_cases(), example_pack().vocabulary(), provenance(example_pack()), again));
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM imports"), 1);
}

TEST(Faults, ReadersAreNotBlockedByAWriter) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  {
    auto store = open(db);
    import(*store, example_cases());
    run(*store, example_pack(), "2025-11-17");
  }
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE; DELETE FROM acks;", nullptr, nullptr, nullptr), SQLITE_OK);
  auto reader = open(db, OpenMode::read);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(verify(*reader).intact());
  dsl::Diagnostics d;
  EXPECT_TRUE(reader->history("P-0042", d).has_value()) << text(d);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

TEST(Faults, ARunThatDoesNotFitIsNotStoredAtAll) {
  TempDir dir;
  const std::string db = dir.file("full.db");
  {
    auto store = open(db);
    import(*store, generated(300), england_pack());
  }
  const std::int64_t pages = sql_integer(db, "PRAGMA page_count");
  auto store = open(db, OpenMode::write, static_cast<std::uint64_t>(pages + 4));
  dsl::Diagnostics d;
  auto inputs = store->load_caseload(england_pack().vocabulary(), {}, d);
  ASSERT_TRUE(inputs);
  const engine::RunResult result = evaluate(england_pack(), inputs->caseload, "2025-11-17");
  EXPECT_FALSE(store->save_run(result, *inputs, std::nullopt, now_utc(), d));
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "database-full") << text(d);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM runs"), 0);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM flags"), 0);
  expect_consistent(db);
}

// Makes a file read-only even for root (which ignores permission bits): `chattr +i` where it works.
class ReadOnlyFile {
public:
  explicit ReadOnlyFile(std::string path) : path_(std::move(path)) {
    if (::geteuid() != 0) {
      ok_ = ::chmod(path_.c_str(), 0400) == 0 && ::chmod(std::filesystem::path(path_).parent_path().c_str(), 0500) == 0;
    } else {
      ok_ = std::system(("chattr +i '" + path_ + "' 2>/dev/null").c_str()) == 0;
    }
  }
  ~ReadOnlyFile() {
    if (::geteuid() != 0) {
      ::chmod(std::filesystem::path(path_).parent_path().c_str(), 0700);
      ::chmod(path_.c_str(), 0600);
    } else if (ok_) {
      (void)std::system(("chattr -i '" + path_ + "' 2>/dev/null").c_str());
    }
  }
  bool ok() const { return ok_; }

private:
  std::string path_;
  bool ok_ = false;
};

TEST(Faults, AReadOnlyDatabaseIsAClearErrorForWritersAndFineForReaders) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  SavedRun saved;
  {
    auto store = open(db);
    import(*store, example_cases());
    saved = run(*store, example_pack(), "2025-11-17");
  }
  ReadOnlyFile lock(db);
  if (!lock.ok()) GTEST_SKIP() << "cannot make a file read-only here";
  OpenOptions options;
  options.mode = OpenMode::write;
  dsl::Diagnostics d;
  auto store = Store::open(db, options, d);
  bool refused = store == nullptr;
  if (store) refused = !store->acknowledge(saved.flag_ids[0][0], "J Smith", "Seen", d).has_value();
  EXPECT_TRUE(refused);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "database-read-only") << text(d);
  EXPECT_NE(d.all().front().message.find("read-only"), std::string::npos);
  auto reader = open(db, OpenMode::read);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(verify(*reader).intact());
}

}  // namespace
}  // namespace waymark::store
