// The store's commands as a SENCO and an auditor use them (cli.md): import, run --db, history, ack,
// explain --flag, audit verify and reproduce, run as the built binary, with exit codes; tampering with
// the sqlite3 shell; SIGKILL of the real binary at random moments.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Cli : public ::testing::Test {
protected:
  Ran waymark(const std::vector<std::string>& args) {
    std::string command = quote(WAYMARK_BINARY);
    for (const std::string& a : args) command += " " + quote(a);
    command += " > " + quote(dir_.file("out")) + " 2> " + quote(dir_.file("err"));
    const int status = std::system(command.c_str());
    Ran r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_.file("out"));
    r.err = slurp(dir_.file("err"));
    return r;
  }

  void sqlite3_shell(const std::string& statement) {
    const int status = std::system(("sqlite3 " + quote(db_) + " " + quote(statement)).c_str());
    ASSERT_EQ(status, 0) << statement;
  }

  static bool have_sqlite3_shell() { return std::system("command -v sqlite3 > /dev/null 2>&1") == 0; }

  void import_and_run() {
    Ran r = waymark({"import", "--db", db_, "--pack", pack_, cases_});
    ASSERT_EQ(r.code, 0) << r.err;
    r = waymark({"run", "--pack", pack_, "--db", db_, "--as-of", "2025-11-17", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  std::int64_t flag_id(const std::string& rule, std::int64_t run = 1) {
    return sql_integer(db_, "SELECT id FROM flags WHERE rule = '" + rule + "' AND run_id = " + std::to_string(run));
  }

  TempDir dir_;
  std::string db_ = dir_.file("school.db");
  std::string pack_ = spec_examples() + "/pack";
  std::string cases_ = spec_examples() + "/cases";
};

TEST_F(Cli, ImportReportsCountsAndCreatesAPrivateFile) {
  const Ran r = waymark({"import", "--db", db_, "--pack", pack_, cases_});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 2 pupils into '" + db_ + "' (import 1): 2 new, 0 replaced"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("6 records"), std::string::npos) << r.out;
  struct stat st {};
  ASSERT_EQ(::stat(db_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const Ran again = waymark({"import", "--db", db_, "--pack", pack_, cases_});
  EXPECT_NE(again.out.find("0 new, 0 replaced (previous versions kept), 2 unchanged"), std::string::npos) << again.out;
}

TEST_F(Cli, AnImportWithAnyBadFileStoresNothing) {
  const std::string bad = dir_.file("bad.yaml");
  std::ofstream(bad) << "pupil:\n  id: P-0099\nrecords:\n  - kind: suspension\n    id: S-9\n    start: 2025-13-01\n    days: 1\n";
  const Ran r = waymark({"import", "--db", db_, "--pack", pack_, cases_, bad});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("bad.yaml:6:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was imported"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db_));  // not even an empty database
}

TEST_F(Cli, RunStoresTheRunAndPrintsTheSameReportAsFromFiles) {
  ASSERT_EQ(waymark({"import", "--db", db_, "--pack", pack_, cases_}).code, 0);
  const Ran from_db = waymark({"run", "--pack", pack_, "--db", db_, "--as-of", "2025-11-17", "--format", "json"});
  ASSERT_EQ(from_db.code, 0) << from_db.err;
  EXPECT_NE(from_db.err.find("stored as run 1 in '" + db_ + "'"), std::string::npos) << from_db.err;
  const Ran from_files = waymark({"run", "--pack", pack_, "--cases", cases_, "--as-of", "2025-11-17", "--format", "json"});
  EXPECT_EQ(from_db.out, from_files.out);
  EXPECT_EQ(sql_integer(db_, "SELECT count(*) FROM runs"), 1);
  EXPECT_GT(sql_integer(db_, "SELECT count(*) FROM flags"), 2);
}

TEST_F(Cli, RunNeedsExactlyOneInput) {
  EXPECT_EQ(waymark({"run", "--pack", pack_}).code, 2);
  EXPECT_EQ(waymark({"run", "--pack", pack_, "--cases", cases_, "--db", db_}).code, 2);
  const Ran missing = waymark({"run", "--pack", pack_, "--db", dir_.file("none.db")});
  EXPECT_EQ(missing.code, 3);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none.db")));
}

TEST_F(Cli, HistoryAckAndExplainAsASencoUsesThem) {
  import_and_run();
  const std::int64_t flag = flag_id("example/reduced-timetable-unreviewed");
  ASSERT_GT(flag, 0);
  Ran r = waymark({"ack", "--db", db_, std::to_string(flag), "--by", "J Smith (SENCO)", "--note",
                   "Review booked with parents for 20 Nov"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("acknowledged flag " + std::to_string(flag) + " (pupil P-0042, example/reduced-timetable-unreviewed"),
            std::string::npos)
      << r.out;
  ASSERT_EQ(waymark({"run", "--pack", pack_, "--db", db_, "--as-of", "2025-11-24"}).code, 0);

  r = waymark({"history", "--db", db_, "--pupil", "P-0042"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("run 1: as of 2025-11-17"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("run 2: as of 2025-11-24"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("new        flag " + std::to_string(flag)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("continuing flag"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("by J Smith (SENCO) (ack 1): Review booked with parents for 20 Nov"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("earlier: acknowledged"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Sam Example"), std::string::npos);  // never a name
  EXPECT_EQ(r.out.find("Q801200110001"), std::string::npos);  // never a UPN

  r = waymark({"history", "--db", db_, "--pupil", "P-0043", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"status\": \"new\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"deadline\": \"2025-11-20\""), std::string::npos) << r.out;

  r = waymark({"explain", "--db", db_, "--flag", std::to_string(flag)});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rule example/reduced-timetable-unreviewed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stored by run 1 (as of 2025-11-17"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: fired"), std::string::npos) << r.out;
}

TEST_F(Cli, UsageErrorsOfHistoryAckAndExplain) {
  import_and_run();
  EXPECT_EQ(waymark({"ack", "--db", db_, "99999", "--by", "J", "--note", "x"}).code, 2);
  EXPECT_EQ(waymark({"ack", "--db", db_, "one", "--by", "J", "--note", "x"}).code, 2);
  EXPECT_EQ(waymark({"ack", "--db", db_, "1", "--by", " ", "--note", "x"}).code, 2);
  EXPECT_EQ(waymark({"ack", "--db", db_, "1", "--by", "J"}).code, 2);
  EXPECT_EQ(waymark({"explain", "--db", db_, "--flag", "99999"}).code, 2);
  EXPECT_EQ(waymark({"explain", "--db", db_, "--flag", "1", "--pupil", "P-0042"}).code, 2);
  const Ran unknown = waymark({"history", "--db", db_, "--pupil", "P-9999"});
  EXPECT_EQ(unknown.code, 3);
  EXPECT_NE(unknown.err.find("no pupil 'P-9999'"), std::string::npos) << unknown.err;
  EXPECT_EQ(sql_integer(db_, "SELECT count(*) FROM acks"), 0);
}

TEST_F(Cli, AuditVerifyConfirmsAnIntactChainAndPrintsItsHead) {
  import_and_run();
  const Ran r = waymark({"audit", "verify", "--db", db_});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("is intact"), std::string::npos) << r.out;
  const auto at = r.out.find("head: entry ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const auto hash = r.out.find("sha256:", at);
  const std::string head = r.out.substr(hash, 71);
  const Ran anchored = waymark({"audit", "verify", "--db", db_, "--head", head});
  EXPECT_EQ(anchored.code, 0) << anchored.out;
  EXPECT_NE(anchored.out.find("nothing up to it has been rewritten"), std::string::npos) << anchored.out;
  EXPECT_EQ(waymark({"audit", "verify", "--db", db_, "--head", "sha256:12"}).code, 2);
}

TEST_F(Cli, TamperingWithTheSqlite3ShellIsDetectedAndNamed) {
  if (!have_sqlite3_shell()) GTEST_SKIP() << "no sqlite3 shell";
  import_and_run();
  ASSERT_EQ(waymark({"ack", "--db", db_, "1", "--by", "J Smith", "--note", "Seen"}).code, 0);
  const std::string clean = dir_.file("clean.db");
  std::filesystem::copy_file(db_, clean);
  const std::int64_t flag = flag_id("example/persistent-absence");
  struct Case {
    std::string sql;
    std::string expected;
  };
  const std::vector<Case> cases{
      {"UPDATE flags SET severity = 'low' WHERE id = " + std::to_string(flag),
       "flag " + std::to_string(flag) + " was altered after it was stored: column severity differs"},
      {"DELETE FROM acks WHERE id = 1", "acknowledgement 1 was deleted"},
      {"UPDATE runs SET as_of = '2025-09-01' WHERE id = 1", "run 1 was altered after it was stored: column as_of differs"},
  };
  for (const Case& c : cases) {
    std::filesystem::copy_file(clean, db_, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(db_ + "-wal");
    std::filesystem::remove(db_ + "-shm");
    sqlite3_shell(c.sql);
    const Ran r = waymark({"audit", "verify", "--db", db_});
    EXPECT_EQ(r.code, 1) << c.sql << "\n" << r.out;
    EXPECT_NE(r.out.find("TAMPERING FOUND"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1. " + c.expected), std::string::npos) << c.sql << "\n" << r.out;
  }
}

TEST_F(Cli, AuditReproduceReevaluatesAStoredRun) {
  import_and_run();
  Ran r = waymark({"audit", "reproduce", "--db", db_, "--pack", pack_, "--run", "1"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("run 1 reproduced exactly"), std::string::npos) << r.out;
  r = waymark({"audit", "reproduce", "--db", db_, "--pack", "england", "--run", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reproduce it with exactly that pack"), std::string::npos) << r.err;
  // A stored flag edited afterwards no longer matches a re-evaluation.
  sql(db_, "UPDATE flags SET title = 'Edited' WHERE id = 1");
  r = waymark({"audit", "reproduce", "--db", db_, "--pack", pack_});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("did NOT reproduce"), std::string::npos) << r.out;
}

// tests/fixtures/store/schema3: a database written by Waymark at f52fa1c (schema 3, flags' texts in
// their own columns), with what that build printed for it. This build reads it exactly as that one did,
// stores its next run packed, and verifies both; a packed flag explains exactly as a live evaluation.
TEST_F(Cli, ADatabaseOfSchemaThreeReadsAsBeforeAndTakesPackedRuns) {
  const std::string fixture = std::string(WAYMARK_SOURCE_ROOT) + "/tests/fixtures/store/schema3/";
  std::filesystem::copy_file(fixture + "run.db", db_);
  std::filesystem::permissions(db_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  Ran old = waymark({"explain", "--db", db_, "--flag", "1"});
  ASSERT_EQ(old.code, 0) << old.err;
  EXPECT_EQ(old.out, slurp(fixture + "explain-1.txt"));
  Ran history = waymark({"history", "--db", db_, "--pupil", "P-0000014", "--format", "json"});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_EQ(history.out, slurp(fixture + "history-14.json"));
  EXPECT_EQ(waymark({"audit", "verify", "--db", db_}).code, 0);
  EXPECT_EQ(sql_integer(db_, "PRAGMA user_version"), 3);  // reading never migrates

  Ran run = waymark({"run", "--pack", "england", "--db", db_, "--as-of", "2025-11-17", "--format", "csv"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(sql_integer(db_, "PRAGMA user_version"), 4);
  EXPECT_EQ(sql_integer(db_, "SELECT count(*) FROM flags WHERE run_id = 1 AND packed IS NULL AND explanation <> ''"), 25);
  EXPECT_EQ(sql_integer(db_, "SELECT count(*) FROM flags WHERE run_id = 2 AND packed IS NOT NULL AND explanation = ''"), 25);
  EXPECT_GT(sql_integer(db_, "SELECT length(dictionary) FROM runs WHERE id = 2"), 0);
  Ran verify = waymark({"audit", "verify", "--db", db_});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("2 runs, 50 flags"), std::string::npos) << verify.out;

  // Flag 26 is run 2's first: the same pupil and rule as flag 1. Under its two header lines, the stored
  // explanation is what evaluating the pupil now prints.
  Ran packed = waymark({"explain", "--db", db_, "--flag", "26"});
  ASSERT_EQ(packed.code, 0) << packed.err;
  Ran live = waymark({"explain", "--db", db_, "--pack", "england", "--pupil", "P-0000003", "--as-of", "2025-11-17",
                      "--rule", "england/sen-support-without-plan"});
  ASSERT_EQ(live.code, 0) << live.err;
  const std::size_t body = packed.out.find('\n', packed.out.find('\n') + 1) + 1;
  EXPECT_EQ(packed.out.substr(body), live.out);
  EXPECT_NE(live.out.find("when  "), std::string::npos) << live.out;
}

TEST_F(Cli, NotAWaymarkDatabaseIsSaidPlainly) {
  std::ofstream(db_) << "name,upn\nSam,Q801200110001\n";
  const Ran r = waymark({"history", "--db", db_, "--pupil", "P-0042"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("is not a Waymark database"), std::string::npos) << r.err;
  const Ran i = waymark({"import", "--db", db_, "--pack", pack_, cases_});
  EXPECT_EQ(i.code, 3);
  EXPECT_EQ(slurp(db_), "name,upn\nSam,Q801200110001\n");  // untouched
}

// A roll's attendance export of 16 MB or more is read a block at a time, not held, and read again
// for its digest while the pupils are stored. The import records every file in the order it was read,
// the attendance file's digest is what sha256sum says of it, and the stored caseload is the roll:
// a run over the database reports exactly what a run over the files does.
TEST_F(Cli, ImportOfARollWhoseAttendanceIsStreamedRecordsItsDigestAndStoresItExactly) {
  const std::string roll = dir_.file("roll");
  const Ran gen = waymark({"gen", "--pupils", "6000", "--seed", "5", "--out", roll, "--from", "2025-09-01",
                           "--to", "2026-03-20"});
  ASSERT_EQ(gen.code, 0) << gen.err;
  const std::string attendance = roll + "/attendance.csv";
  ASSERT_GE(std::filesystem::file_size(attendance), std::uintmax_t{16} << 20);  // streamed (load_cases)
  const Ran i = waymark({"import", "--db", db_, roll});
  ASSERT_EQ(i.code, 0) << i.err;
  ASSERT_EQ(std::system(("sha256sum " + quote(attendance) + " > " + quote(dir_.file("sum"))).c_str()), 0);
  const std::string sum = slurp(dir_.file("sum")).substr(0, 64);
  EXPECT_EQ(sql_text(db_, "SELECT json_extract(sources, '$[2].sha256') FROM imports"), "sha256:" + sum);
  EXPECT_EQ(sql_text(db_, "SELECT json_extract(sources, '$[0].path') || ' ' || json_extract(sources, '$[1].path') || "
                          "' ' || json_extract(sources, '$[2].path') FROM imports"),
            roll + "/pupils.csv " + roll + "/records.csv " + attendance);
  const Ran from_files =
      waymark({"run", "--pack", "hertfordshire", "--cases", roll, "--as-of", "2026-03-20", "--format", "json"});
  ASSERT_EQ(from_files.code, 0) << from_files.err;
  const Ran from_db =
      waymark({"run", "--pack", "hertfordshire", "--db", db_, "--as-of", "2026-03-20", "--format", "json"});
  ASSERT_EQ(from_db.code, 0) << from_db.err;
  EXPECT_EQ(from_db.out, from_files.out);
  EXPECT_NE(from_files.out.find("\"flags\": [\n"), std::string::npos);  // pupils were flagged
}

TEST_F(Cli, SigkillOfTheRealBinaryNeverLeavesAHalfWrittenDatabase) {
  // A generated roll large enough that import and run take a while.
  const std::string roll = dir_.file("roll");
  const Ran gen = waymark({"gen", "--pupils", "3000", "--seed", "3", "--out", roll, "--to", "2025-11-17"});
  ASSERT_EQ(gen.code, 0) << gen.err;
  // How long each command takes uninterrupted, so that kills land anywhere inside it.
  const auto timed = [&](const std::vector<std::string>& args) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(waymark(args).code, 0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  };
  const std::string timing = dir_.file("timing.db");
  const auto import_ms = timed({"import", "--db", timing, roll});
  const auto run_ms = timed({"run", "--pack", "england", "--db", timing, "--as-of", "2025-11-17", "--format", "csv"});
  std::mt19937 random(12345);
  int killed = 0;
  const int rounds = 16;
  for (int i = 0; i < rounds; ++i) {
    const bool importing = i % 2 == 0;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      if (importing) {
        ::execl(WAYMARK_BINARY, "waymark", "import", "--db", db_.c_str(), roll.c_str(), nullptr);
      } else {
        ::execl(WAYMARK_BINARY, "waymark", "run", "--pack", "england", "--db", db_.c_str(), "--as-of", "2025-11-17",
                "--format", "csv", nullptr);
      }
      ::_exit(127);
    }
    std::uniform_int_distribution<std::int64_t> delay(0, (importing ? import_ms : run_ms) * 11 / 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay(random)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    killed += WIFSIGNALED(status) ? 1 : 0;
    if (!std::filesystem::exists(db_) || sql_integer(db_, "SELECT count(*) FROM sqlite_schema") <= 0) continue;
    EXPECT_EQ(sql_text(db_, "PRAGMA integrity_check"), "ok");
    const Ran v = waymark({"audit", "verify", "--db", db_});
    EXPECT_EQ(v.code, 0) << "after kill " << i << ":\n" << v.out << v.err;
    EXPECT_EQ(sql_integer(db_, "SELECT count(*) FROM runs r WHERE r.flags <> (SELECT count(*) FROM flags f WHERE f.run_id = r.id)"), 0);
  }
  std::cout << "[          ] " << killed << " of " << rounds << " waymark processes killed mid-command\n";
}

}  // namespace
}  // namespace waymark::store
