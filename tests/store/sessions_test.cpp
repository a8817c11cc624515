// Sessions beside a run being stored (docs/store.md, "Concurrent processes"): a run holds the write
// lock for as long as it takes (half a minute or more for an LA's roll), so refreshing when a session
// was last seen, and dropping idle sessions, are best effort: skipped at once while the lock is held,
// never waited for, done again on a later request.
#include <chrono>

#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

TEST(Sessions, RefreshingASessionNeverWaitsForARunBeingStored) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto server = open(db);
  import(*server, example_cases());
  dsl::Diagnostics d;
  UserAccount user;
  user.name = "senco";
  user.role = "senco";
  user.schools = {"Oakfield Academy"};
  user.credential = "not a real hash";
  const auto account = server->add_user(user, d);
  ASSERT_TRUE(account) << text(d);
  SessionRecord session;
  session.token_hash = std::vector<std::uint8_t>(32, 7);
  session.user_change = account->change;
  session.csrf = "csrf";
  session.created = session.last_seen = 1000;
  ASSERT_TRUE(server->start_session(session, d)) << text(d);

  auto running = open(db, OpenMode::write);  // another process storing a run holds the write lock
  auto writer = running->begin_run(day("2025-11-17"), identity(example_pack()), std::nullopt, now_utc(), d);
  ASSERT_TRUE(writer) << text(d);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(server->touch_session(session.token_hash, 2000));
  EXPECT_FALSE(server->end_idle_sessions(1500));
  // The open() above waits up to 60 s for a lock: neither call waited at all.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(server->find_session(session.token_hash, d)->last_seen, 1000);
  writer.reset();  // the run is abandoned: the lock is free again

  EXPECT_TRUE(server->touch_session(session.token_hash, 2000));
  EXPECT_EQ(server->find_session(session.token_hash, d)->last_seen, 2000);
  EXPECT_TRUE(server->end_idle_sessions(2500));
  EXPECT_FALSE(server->find_session(session.token_hash, d).has_value());
  EXPECT_FALSE(d.has_errors()) << text(d);
}

}  // namespace
}  // namespace waymark::store
