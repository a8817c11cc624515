// Roles and passwords (server.md, Roles and Security rules). Passwords are stored only as a salted
// scrypt hash (OpenSSL's EVP_PBE_scrypt: a vetted implementation, not ours) and compared in constant
// time (CRYPTO_memcmp).

#include "waymark/server/accounts.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

namespace waymark::server {

namespace {

// N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per guess (RFC 7914's interactive
// setting, and OWASP's minimum for scrypt).
constexpr std::uint64_t scrypt_log_n = 15;
constexpr std::uint64_t scrypt_r = 8;
constexpr std::uint64_t scrypt_p = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr std::size_t min_password = 12;

std::string base64(const std::uint8_t* bytes, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::optional<std::vector<std::uint8_t>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 1024) return std::nullopt;
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
  if (len < 0) return std::nullopt;
  // EVP_DecodeBlock keeps the padding's zero bytes: drop one per '='.
  std::size_t size = static_cast<std::size_t>(len);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

bool scrypt(std::string_view password, const std::vector<std::uint8_t>& salt, std::uint64_t log_n, std::uint64_t r,
            std::uint64_t p, std::uint8_t* out, std::size_t out_len) {
  const std::uint64_t n = std::uint64_t{1} << log_n;
  const std::uint64_t max_memory = 128 * n * r * p + (std::uint64_t{16} << 20);
  return EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p, max_memory, out,
                        out_len) == 1;
}

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == by) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::optional<std::uint64_t> small_number(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::senco: return "senco";
    case Role::la_officer: return "la_officer";
    case Role::auditor: return "auditor";
  }
  return "auditor";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "senco") return Role::senco;
  if (name == "la_officer") return Role::la_officer;
  if (name == "auditor") return Role::auditor;
  return std::nullopt;
}

std::string hash_password(std::string_view password) {
  std::vector<std::uint8_t> salt(salt_bytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no random bytes");
  std::array<std::uint8_t, hash_bytes> hash{};
  if (!scrypt(password, salt, scrypt_log_n, scrypt_r, scrypt_p, hash.data(), hash.size())) {
    throw std::runtime_error("scrypt failed");
  }
  return "scrypt$" + std::to_string(scrypt_log_n) + "$" + std::to_string(scrypt_r) + "$" + std::to_string(scrypt_p) +
         "$" + base64(salt.data(), salt.size()) + "$" + base64(hash.data(), hash.size());
}

bool password_matches(std::string_view password, std::string_view credential) {
  const auto parts = split(credential, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  const auto log_n = small_number(parts[1]);
  const auto r = small_number(parts[2]);
  const auto p = small_number(parts[3]);
  const auto salt = unbase64(parts[4]);
  const auto expected = unbase64(parts[5]);
  // Bounds keep a damaged row from asking for gigabytes of memory.
  if (!log_n || !r || !p || !salt || !expected || *log_n < 10 || *log_n > 20 || *r == 0 || *r > 32 || *p == 0 ||
      *p > 4 || expected->empty() || expected->size() > 64) {
    return false;
  }
  std::vector<std::uint8_t> got(expected->size());
  if (!scrypt(password, *salt, *log_n, *r, *p, got.data(), got.size())) return false;
  return CRYPTO_memcmp(got.data(), expected->data(), got.size()) == 0;
}

std::optional<store::UserAccount> add_user(store::Store& store, const NewUser& user, dsl::Diagnostics& diagnostics) {
  const auto role = parse_role(user.role);
  if (blank(user.name) || user.name.size() > 200 || user.name.find_first_of("\r\n\t") != std::string::npos) {
    diagnostics.error({}, "usage", "NAME must be a name of 1 to 200 characters on one line");
  }
  if (!role) diagnostics.error({}, "usage", "--role must be senco, la_officer or auditor, not '" + user.role + "'");
  if (role == Role::senco && user.schools.empty()) {
    diagnostics.error({}, "usage", "a senco needs at least one --school (the school's name as case files give it)");
  }
  if (role && role != Role::senco && !user.schools.empty()) {
    diagnostics.error({}, "usage", std::string("--school is only for a senco: a ") + role_name(*role) +
                                       " sees every school");
  }
  for (const std::string& s : user.schools) {
    if (blank(s)) diagnostics.error({}, "usage", "--school needs a school's name");
  }
  if (user.password.size() < min_password) {
    diagnostics.error({}, "weak-password",
                      "the password (read from standard input) must be at least " + std::to_string(min_password) +
                          " characters");
  }
  if (diagnostics.has_errors()) return std::nullopt;
  store::UserAccount account;
  account.name = user.name;
  account.role = role_name(*role);
  account.schools = user.schools;
  std::sort(account.schools.begin(), account.schools.end());
  account.schools.erase(std::unique(account.schools.begin(), account.schools.end()), account.schools.end());
  account.credential = hash_password(user.password);
  return store.add_user(account, diagnostics);
}

}  // namespace waymark::server
