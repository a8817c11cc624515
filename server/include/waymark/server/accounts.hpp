#pragma once
// The accounts of `waymark serve` (server.md, Roles): roles, password hashing (scrypt from OpenSSL)
// and adding users. Used by `waymark user` and by the server's sign-in.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/store/store.hpp"

namespace waymark::server {

/// server.md, Roles: what a user may see and do.
enum class Role { senco, la_officer, auditor };

const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

/// A salted scrypt hash of the password, as text that names its parameters
/// (`scrypt$N$r$p$salt$hash`, base64), so stronger settings can be adopted later.
std::string hash_password(std::string_view password);
/// Whether `password` matches `credential`, compared in constant time; false for any malformed credential.
bool password_matches(std::string_view password, std::string_view credential);

/// What `waymark user add` is asked to create.
struct NewUser {
  std::string name;
  std::string role;
  std::vector<std::string> schools;
  std::string password;
};

/// Checks the request (role known; schools required for a SENCO and refused otherwise; a name and a
/// password of at least 12 characters) and adds the user; nothing, with diagnostics, otherwise.
std::optional<store::UserAccount> add_user(store::Store& store, const NewUser& user, dsl::Diagnostics& diagnostics);

}  // namespace waymark::server
