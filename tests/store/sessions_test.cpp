// The server's sessions beside a run being stored (docs/store.md, "Sessions"): a run holds the store's
// write lock for as long as it takes (about ten seconds for an LA's roll), and sessions are kept in a
// file of their own, so that signing in, refreshing a session and dropping idle ones never wait for it.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

UserAccount senco() {
  UserAccount user;
  user.name = "senco";
  user.role = "senco";
  user.schools = {"Oakfield Academy"};
  user.credential = "not a real hash";
  return user;
}

SessionRecord session_of(const UserAccount& account, std::uint8_t token) {
  SessionRecord session;
  session.token_hash = std::vector<std::uint8_t>(32, token);
  session.user_change = account.change;
  session.csrf = "csrf";
  session.created = session.last_seen = 1000;
  return session;
}

// The SENCO added to `server` and signed in with token 7.
SessionRecord signed_in(Store& server, dsl::Diagnostics& d) {
  const auto account = server.add_user(senco(), d);
  EXPECT_TRUE(account) << text(d);
  const SessionRecord session = session_of(account.value_or(UserAccount{}), 7);
  EXPECT_TRUE(server.start_session(session, d)) << text(d);
  return session;
}

TEST(Sessions, NeverWaitForARunBeingStored) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto server = open(db);
  import(*server, example_cases());
  dsl::Diagnostics d;
  const SessionRecord first = signed_in(*server, d);
  ASSERT_FALSE(d.has_errors()) << text(d);

  auto running = open(db, OpenMode::write);  // another process storing a run holds the write lock
  auto writer = running->begin_run(day("2025-11-17"), identity(example_pack()), std::nullopt, now_utc(), d);
  ASSERT_TRUE(writer) << text(d);
  const auto started = std::chrono::steady_clock::now();
  // A SENCO signs in, an open page refreshes its session, idle sessions are dropped: all done at once.
  SessionRecord second = first;
  second.token_hash = std::vector<std::uint8_t>(32, 8);
  EXPECT_TRUE(server->start_session(second, d)) << text(d);
  EXPECT_TRUE(server->touch_session(first.token_hash, 2000));
  EXPECT_EQ(server->find_session(first.token_hash, d)->last_seen, 2000);
  EXPECT_TRUE(server->end_idle_sessions(1500));
  EXPECT_FALSE(server->find_session(second.token_hash, d).has_value());  // last seen at 1000: idle
  EXPECT_TRUE(server->end_session(first.token_hash, d));
  EXPECT_FALSE(server->find_session(first.token_hash, d).has_value());
  // The open() above waits up to 60 s for a lock: none of these waited at all.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_FALSE(d.has_errors()) << text(d);
}

TEST(Sessions, AreKeptInAFilePrivateToItsOwner) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto server = open(db);
  dsl::Diagnostics d;
  signed_in(*server, d);
  ASSERT_FALSE(d.has_errors()) << text(d);
  struct stat st {};
  ASSERT_EQ(::stat((db + ".sessions").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'sessions'"), 0);  // not in the store
}

// A store made again under the same name numbers its user changes from 1 again: a session the store
// before granted (to a change numbered 1 too) must not be honoured.
TEST(Sessions, AStoreMadeAgainDoesNotHonourTheSessionsOfTheOneBefore) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  dsl::Diagnostics d;
  SessionRecord before;
  {
    auto server = open(db);
    before = signed_in(*server, d);
    ASSERT_FALSE(d.has_errors()) << text(d);
    ASSERT_TRUE(server->find_session(before.token_hash, d).has_value());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  auto server = open(db);
  UserAccount again = senco();
  again.credential = "another hash";
  const auto account = server->add_user(again, d);
  ASSERT_TRUE(account) << text(d);
  EXPECT_EQ(account->change, before.user_change);  // the same number, another grant
  EXPECT_FALSE(server->find_session(before.token_hash, d).has_value());
  EXPECT_FALSE(d.has_errors()) << text(d);
}

}  // namespace
}  // namespace waymark::store
