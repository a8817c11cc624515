// Signing in and out (server.md, Security rules): random tokens (RAND_bytes) of which the database
// keeps only the SHA-256, cookies that scripts cannot read and other sites cannot send, sessions
// that end after inactivity, and sign-ins slowed per name after repeated failures.

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "site.hpp"

namespace waymark::server {

namespace {

constexpr const char* cookie_name = "waymark_session";
constexpr int free_failures = 3;        // failures before sign-in is slowed
constexpr int longest_wait = 300;       // seconds
constexpr std::size_t tracked_names = 10000;
constexpr std::int64_t touch_every = 30;  // seconds: refreshing last_seen is a write, not on every request
constexpr std::int64_t longest_session = 12 * 60 * 60;  // even an active session ends after a working day

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) throw std::runtime_error("no random bytes");
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : raw) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::vector<std::uint8_t> token_hash(const std::string& token) {
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), out.data(), &len, EVP_sha256(), nullptr);
  out.resize(len);
  return out;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// From the `free_failures`th failure on, each failure doubles the wait: 2 s, 4 s, 8 s ... up to five
// minutes, so guessing one name's password costs hours, while its owner waits seconds.
int wait_after(int failures) {
  if (failures < free_failures) return 0;
  const int shift = std::min(failures - free_failures, 8);
  return std::min(2 << shift, longest_wait);
}

}  // namespace

Site::SignIn Site::sign_in(const std::string& name, const std::string& password, dsl::Diagnostics& diagnostics) {
  SignIn out;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(failures_mutex_);
    if (const auto at = failures_.find(name); at != failures_.end()) {
      const auto wait = std::chrono::seconds(wait_after(at->second.count));
      if (now - at->second.last < wait) {
        out.retry_after = static_cast<int>(
            std::chrono::duration_cast<std::chrono::seconds>(wait - (now - at->second.last)).count() + 1);
        return out;
      }
    }
  }
  store::Store* db = store(diagnostics);
  if (db == nullptr) return out;
  const auto account = db->find_user(name, diagnostics);
  if (diagnostics.has_errors()) return out;
  // The same work whether or not the name exists, so timing does not tell which was wrong.
  hashing_.acquire();
  const bool matches = password_matches(password, account ? account->credential : dummy_credential_) && account;
  hashing_.release();
  if (!matches) {
    std::lock_guard lock(failures_mutex_);
    if (failures_.size() >= tracked_names) {
      // Forget the names whose wait is over; the map stays bounded under a spray of made-up names.
      for (auto it = failures_.begin(); it != failures_.end();) {
        it = now - it->second.last > std::chrono::seconds(longest_wait) ? failures_.erase(it) : std::next(it);
      }
    }
    Failures& f = failures_[name];
    ++f.count;
    f.last = now;
    return out;
  }
  {
    std::lock_guard lock(failures_mutex_);
    failures_.erase(name);
  }
  const std::string token = random_hex(32);
  store::SessionRecord session;
  session.token_hash = token_hash(token);
  session.user_change = account->change;
  session.csrf = random_hex(32);
  session.created = session.last_seen = unix_now();
  // Sessions idle past the limit are dropped here, so the table does not grow without bound.
  db->end_idle_sessions(session.created - static_cast<std::int64_t>(options_.idle_seconds));
  if (!db->start_session(session, diagnostics)) return out;
  out.token = token;
  return out;
}

std::optional<Session> Site::session_of(const std::string& token, dsl::Diagnostics& diagnostics) {
  if (token.size() != 64) return std::nullopt;
  store::Store* db = store(diagnostics);
  if (db == nullptr) return std::nullopt;
  const auto hash = token_hash(token);
  const auto record = db->find_session(hash, diagnostics);
  if (!record) return std::nullopt;
  const std::int64_t now = unix_now();
  const std::int64_t idle = static_cast<std::int64_t>(options_.idle_seconds);
  if (now - record->last_seen >= idle || now - record->created >= longest_session) {
    db->end_session(hash, diagnostics);
    return std::nullopt;
  }
  const auto account = db->user_of_change(record->user_change, diagnostics);
  if (!account) return std::nullopt;  // removed, or added again since: their old sessions are over
  const auto role = parse_role(account->role);
  if (!role) return std::nullopt;
  if (now - record->last_seen >= std::min(touch_every, idle / 2)) db->touch_session(hash, now);
  Session s;
  s.user = *account;
  s.user.credential.clear();
  s.role = *role;
  s.csrf = record->csrf;
  return s;
}

void Site::sign_out(const std::string& token, dsl::Diagnostics& diagnostics) {
  store::Store* db = store(diagnostics);
  if (db != nullptr) db->end_session(token_hash(token), diagnostics);
}

std::string Site::session_cookie(const std::string& token) const {
  // server.md: HttpOnly, SameSite=Strict, and Secure when served over TLS (or behind a TLS proxy).
  const bool secure = tls_ || options_.origin.rfind("https://", 0) == 0;
  return std::string(cookie_name) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string Site::cleared_cookie() const {
  const bool secure = tls_ || options_.origin.rfind("https://", 0) == 0;
  return std::string(cookie_name) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

}  // namespace waymark::server
