#pragma once
// The accounts and sessions of `waymark serve` (server.md), as the store keeps them: users are an
// append-only, chained list of changes; sessions are kept by the hash of their token only. The server
// decides roles, hashes passwords and makes tokens; the store only keeps what it is given.

#include <cstdint>
#include <string>
#include <vector>

namespace waymark::store {

/// One user as their latest change describes them.
struct UserAccount {
  std::int64_t change = 0;  // the id of the user change that made the account what it is
  std::string name;
  std::string role;                  // senco, la_officer or auditor (checked by the server)
  std::vector<std::string> schools;  // a SENCO's schools; empty for other roles
  std::string credential;            // the password hash as the server wrote it: never shown
  std::string changed_at;            // UTC, ISO 8601
};

/// A signed-in session. The token itself is never stored, only its SHA-256, so a copy of the
/// database does not let anyone sign in.
struct SessionRecord {
  std::vector<std::uint8_t> token_hash;
  std::int64_t user_change = 0;  // the session ends when the user is removed or added again
  std::string csrf;              // the token pages send back with every POST
  std::int64_t created = 0;      // seconds since the epoch
  std::int64_t last_seen = 0;
};

}  // namespace waymark::store
