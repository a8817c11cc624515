// Store: the accounts of `waymark serve` (server.md). Every change is a row of `user_changes`,
// appended to the hash chain like an acknowledgement, so `audit verify` proves that no role, school
// or password hash was edited outside waymark; the current account is the latest change per name.

#include "waymark/store/store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chain.hpp"
#include "result_codec.hpp"
#include "schema.hpp"
#include "store_state.hpp"

namespace waymark::store {

using detail::ChainWriter;
using detail::Connection;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;

namespace {

constexpr const char* account_columns = "id, user_name, change, role, schools, credential, changed_at";

// The latest change of a name, when it is an addition: the account as it stands.
std::optional<UserAccount> read_account(Statement& s, const std::string& path) {
  if (s.text(2) != "add") return std::nullopt;
  UserAccount a;
  a.change = s.integer(0);
  a.name = s.text(1);
  a.role = s.text(3);
  auto schools = detail::parse_strings(s.text(4));
  if (!schools) {
    throw detail::SqlError("damaged-row", "cannot read user change " + std::to_string(a.change) + " in '" + path +
                                              "': a stored value does not parse; run 'waymark audit verify --db " +
                                              path + "'");
  }
  a.schools = std::move(*schools);
  a.credential = s.text(5);
  a.changed_at = s.text(6);
  return a;
}

std::optional<UserAccount> latest_account(Connection& c, const std::string& name) {
  Statement s(c, std::string("SELECT ") + account_columns +
                     " FROM user_changes WHERE user_name = ? ORDER BY id DESC LIMIT 1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return read_account(s, c.path());
}

std::int64_t append_change(Connection& c, const std::string& name, const char* change, const std::string& role,
                           const std::vector<std::string>& schools, const std::string& credential) {
  ChainWriter chain(c);
  const auto& table = detail::chained_table("user_changes");
  Statement insert(c, detail::insert_sql(table));
  std::vector<SqlValue> row{SqlValue(),         SqlValue(name),       SqlValue(std::string(change)),
                            SqlValue(role),     SqlValue(detail::strings_json(schools)),
                            SqlValue(credential), SqlValue(now_utc())};
  const std::int64_t id = chain.insert(table, insert, row);
  chain.finish();
  return id;
}

}  // namespace

std::optional<UserAccount> Store::add_user(const UserAccount& user, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "add the user to", true, [&]() -> std::optional<UserAccount> {
    Connection& c = *state_->connection;
    Transaction transaction(c, Transaction::Kind::immediate);
    if (latest_account(c, user.name)) {
      diagnostics.error({}, "user-exists",
                        "a user '" + user.name + "' already exists in '" + c.path() +
                            "': remove them first ('waymark user remove') to change their role, schools or password");
      return std::nullopt;
    }
    append_change(c, user.name, "add", user.role, user.schools, user.credential);
    auto added = latest_account(c, user.name);
    transaction.commit();
    return added;
  });
}

namespace {

// Sessions live in a database file of their own beside the store (`FILE.sessions`): writing one must
// never wait for the store's write lock, which `run --db` holds while it stores a run (about ten
// seconds for an LA's roll), or a SENCO signing in during the nightly run would be told to try again.
// A session names the user change it was granted under, and the server checks that the change is
// still the user's latest (Store::user_of_change), so removing or re-adding a user ends their
// sessions. The file is bound to its store by the store's first chain entry (every store with users
// has one: adding a user appends it), so that a store made again under the same name, whose user
// changes are numbered from 1 again, never honours a session granted by the one before.
constexpr std::string_view sessions_schema = R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  token_hash BLOB PRIMARY KEY,
  user_change INTEGER NOT NULL,
  csrf TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_change);
CREATE TABLE IF NOT EXISTS granted_by (
  store BLOB NOT NULL
) STRICT;
)sql";

std::string sessions_path(const Store::State& state) { return state.path + ".sessions"; }

// The store's identity for its sessions file: its first chain entry's hash (empty before there is one).
detail::Bytes store_identity(Connection& store) {
  Statement first(store, "SELECT hash FROM chain WHERE seq = (SELECT min(seq) FROM chain)");
  return first.step() ? first.blob(0) : detail::Bytes{};
}

// The sessions file of this store, opened on first use; for a store opened to write, made private to
// its owner (it holds each session's CSRF token) and emptied if it was granted by another store.
Connection& sessions_of(Store::State& state) {
  if (state.sessions) return *state.sessions;
  const std::string path = sessions_path(state);
  const bool writes = state.options.mode != OpenMode::read;
  if (writes) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw detail::SqlError("cannot-open",
                             "cannot open the sessions file '" + path + "': " + std::strerror(errno));
    }
    ::close(fd);
  }
  detail::ConnectionOptions options;
  options.read_only = !writes;
  options.busy_timeout = state.connection->busy_timeout();
  auto c = std::make_unique<Connection>(path, options);
  c->set_activity("keep the sessions in");
  if (writes) {
    Statement wal(*c, "PRAGMA journal_mode = WAL");  // one connection per server thread
    wal.step();
    wal.reset();
    c->exec("PRAGMA synchronous = NORMAL");  // a session lost in a power cut is only a sign-in again
    c->exec(sessions_schema);
    const detail::Bytes identity = store_identity(*state.connection);
    Transaction transaction(*c, Transaction::Kind::immediate);
    Statement granted(*c, "SELECT store FROM granted_by");
    if (!granted.step() || granted.blob(0) != identity) {
      c->exec("DELETE FROM sessions; DELETE FROM granted_by");
      Statement bind(*c, "INSERT INTO granted_by (store) VALUES (?)");
      bind.bind(1, identity);
      bind.run();
    }
    granted.reset();
    transaction.commit();
  }
  state.sessions = std::move(c);
  return *state.sessions;
}

}  // namespace

bool Store::remove_user(const std::string& name, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "remove the user from", true, [&]() -> std::optional<bool> {
           Connection& c = *state_->connection;
           Transaction transaction(c, Transaction::Kind::immediate);
           const auto account = latest_account(c, name);
           if (!account) {
             diagnostics.error({}, "unknown-user",
                               "no user '" + name + "' in '" + c.path() + "': 'waymark user list' shows who there is");
             return std::nullopt;
           }
           append_change(c, name, "remove", "", {}, "");
           transaction.commit();
           // Their sessions ended with the change (it is no longer their latest); the rows go too, where
           // a server keeps sessions. Best effort: the removal is stored either way.
           try {
             if (::access(sessions_path(*state_).c_str(), F_OK) == 0) {
               Statement end(sessions_of(*state_), "DELETE FROM sessions WHERE user_change = ?");
               end.bind(1, account->change);
               end.run();
             }
           } catch (const detail::SqlError&) {
           }
           return true;
         })
      .value_or(false);
}

std::optional<std::vector<UserAccount>> Store::users(dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "list the users of", false,
                         [&]() -> std::optional<std::vector<UserAccount>> {
                           Connection& c = *state_->connection;
                           Transaction snapshot(c, Transaction::Kind::read);
                           // Read without migrating, a database from before version 3 has no users yet.
                           if (c.query_integer("SELECT count(*) FROM sqlite_schema WHERE name = 'user_changes'") == 0) {
                             return std::vector<UserAccount>{};
                           }
                           Statement s(c, std::string("SELECT ") + account_columns +
                                              " FROM user_changes u WHERE id = (SELECT max(id) FROM user_changes "
                                              "WHERE user_name = u.user_name) ORDER BY user_name");
                           std::vector<UserAccount> out;
                           while (s.step()) {
                             if (auto a = read_account(s, c.path())) out.push_back(std::move(*a));
                           }
                           snapshot.commit();
                           return out;
                         });
}

std::optional<UserAccount> Store::find_user(const std::string& name, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a user from", false,
                         [&]() -> std::optional<UserAccount> { return latest_account(*state_->connection, name); });
}

std::optional<UserAccount> Store::user_of_change(std::int64_t change, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a user from", false, [&]() -> std::optional<UserAccount> {
    Connection& c = *state_->connection;
    Statement s(c, std::string("SELECT ") + account_columns +
                       " FROM user_changes u WHERE id = ? AND id = (SELECT max(id) FROM user_changes WHERE user_name = "
                       "u.user_name)");
    s.bind(1, change);
    if (!s.step()) return std::nullopt;
    return read_account(s, c.path());
  });
}

// --- sessions: not evidence, so not chained; kept only by the hash of their token ------------------

bool Store::start_session(const SessionRecord& session, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "start a session in", true, [&]() -> std::optional<bool> {
           Statement s(sessions_of(*state_),
                       "INSERT INTO sessions (token_hash, user_change, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)");
           s.bind(1, session.token_hash).bind(2, session.user_change).bind(3, session.csrf);
           s.bind(4, session.created).bind(5, session.last_seen);
           s.run();
           return true;
         })
      .value_or(false);
}

std::optional<SessionRecord> Store::find_session(const std::vector<std::uint8_t>& token_hash,
                                                 dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a session from", false, [&]() -> std::optional<SessionRecord> {
    Statement s(sessions_of(*state_), "SELECT user_change, csrf, created, last_seen FROM sessions WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    SessionRecord r;
    r.token_hash = token_hash;
    r.user_change = s.integer(0);
    r.csrf = s.text(1);
    r.created = s.integer(2);
    r.last_seen = s.integer(3);
    return r;
  });
}

namespace {

template <class Bind>
bool write_sessions(Store::State& state, dsl::Diagnostics& diagnostics, const char* sql, Bind&& bind) {
  return detail::guarded(state, diagnostics, "update the sessions in", true, [&]() -> std::optional<bool> {
           Statement s(sessions_of(state), sql);
           bind(s);
           s.run();
           return true;
         })
      .value_or(false);
}

}  // namespace

bool Store::touch_session(const std::vector<std::uint8_t>& token_hash, std::int64_t now) {
  dsl::Diagnostics ignored;  // best effort: a later request refreshes it
  return write_sessions(*state_, ignored, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?",
                        [&](Statement& s) { s.bind(1, now).bind(2, token_hash); });
}

bool Store::end_session(const std::vector<std::uint8_t>& token_hash, dsl::Diagnostics& diagnostics) {
  return write_sessions(*state_, diagnostics, "DELETE FROM sessions WHERE token_hash = ?",
                        [&](Statement& s) { s.bind(1, token_hash); });
}

bool Store::end_idle_sessions(std::int64_t before) {
  dsl::Diagnostics ignored;
  return write_sessions(*state_, ignored, "DELETE FROM sessions WHERE last_seen < ?",
                        [&](Statement& s) { s.bind(1, before); });
}

}  // namespace waymark::store
