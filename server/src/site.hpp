#pragma once
// Private to the server: what every handler, JSON or page, is given. A handler sees a Request (the
// route's template and captures, query, form, body), the signed-in Session, and the Site (databases,
// the roster of the current run, options); it answers a Reply. httplib stays in http.cpp, so pages
// (issue 12) add routes with `Routes::get/post` without seeing the HTTP library.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "waymark/server/accounts.hpp"
#include "waymark/server/serve.hpp"
#include "waymark/store/store.hpp"

namespace waymark::server {

/// The signed-in user of a request.
struct Session {
  store::UserAccount user;
  Role role = Role::auditor;
  std::string csrf;  // the token every POST must carry (server.md)
};

/// One request as a handler sees it.
struct Request {
  std::string method;
  std::string path;
  std::string route;                        // the template that matched, e.g. `/api/pupils/:id`: what logs show
  std::map<std::string, std::string> params;  // the template's captures, by name (percent-decoded)
  std::multimap<std::string, std::string> query;
  std::multimap<std::string, std::string> form;  // urlencoded POST fields
  std::map<std::string, std::string> headers;    // lower-case names
  std::string body;
  const Session* session = nullptr;  // set on every route that needs a session

  std::optional<std::string> query_value(const std::string& name) const;
  std::optional<std::string> form_value(const std::string& name) const;
  std::optional<std::string> header(const std::string& lower_name) const;
};

/// A path capture or query value as a whole number of at most 15 digits (ids, offsets, limits); nothing
/// for anything else, so that a malformed id is "not found", never an exception.
std::optional<std::int64_t> whole_number(const std::string& text);

/// What a handler answers.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  /// A JSON error body `{"error": message}`.
  static Reply error(int status, const std::string& message);
  static Reply json(int status, const std::string& body);
  static Reply not_found();  // server.md: out of scope answers as if it did not exist
};

class Site;
using Handler = std::function<Reply(const Request&, Site&)>;

/// Who may reach a route at all (scope within it is the handler's, through Site::authorise).
enum class Access { anyone, signed_in };

/// The routes of the server. Templates are literal paths with `:name` segments (one path segment
/// each). A POST route always checks Origin and the session's CSRF token before its handler runs,
/// except those registered with `csrf_exempt` (only `/login`, which has no session yet).
class Routes {
public:
  struct Route {
    std::string method;
    std::string path;
    Access access = Access::signed_in;
    bool csrf_exempt = false;
    Handler handler;
  };
  void get(std::string path, Access access, Handler handler);
  void post(std::string path, Access access, Handler handler, bool csrf_exempt = false);
  const std::vector<Route>& all() const { return routes_; }

private:
  std::vector<Route> routes_;
};

/// What a user asks to do; see Site::authorise.
enum class Action {
  see_pupil,    // a pupil, their flags, due entries, explanations, history (with the pupil's school)
  see_school,   // a school's list (with the school)
  see_runs,     // the stored runs' headers
  see_audit,    // the audit chain's state
  acknowledge,  // a flag of a pupil (with the pupil's school)
  start_run,    // run the pack over the stored caseload
};

/// The answer of Site::authorise.
enum class Decision { allow, not_found, forbidden };

/// The roster of the current run, indexed for lists: built once per run, shared read-only.
struct RosterIndex {
  std::int64_t run = 0;  // 0: nothing run yet
  std::optional<store::RunRecord> header;
  std::vector<store::RosterPupil> pupils;                         // by id
  std::map<std::string, std::vector<std::uint32_t>> by_school;    // positions in `pupils`, by id
  std::unordered_map<std::string, std::uint32_t> by_id;
};

/// A run of the pack started from the API (`POST /api/runs`).
struct RunJob {
  std::int64_t id = 0;
  std::string as_of;
  std::string state = "queued";  // queued, running, done, failed
  std::size_t done = 0;
  std::size_t total = 0;
  std::int64_t run = 0;
  std::string error;
  std::string started_by;  // a role, not a name: the job list is shown to every LA officer
};

/// Everything the handlers share: the database (one connection per thread), the roster, sign-in
/// throttling, run jobs. Thread-safe.
class Site {
public:
  Site(ServeOptions options, bool tls);
  ~Site();
  const ServeOptions& options() const { return options_; }
  bool tls() const { return tls_; }

  /// A database connection for the calling thread, opened on first use; null (with diagnostics) if it cannot be.
  store::Store* store(dsl::Diagnostics& diagnostics);

  /// server.md, Roles: THE decision of what a user may see and do. `school` is the school of the
  /// pupil (or the list) concerned, when there is one. Every handler asks here; nothing else decides.
  static Decision authorise(const Session& session, Action action, const std::string* school = nullptr);
  /// The school of a pupil (as the current run saw them, else their current version); nothing when unknown.
  std::optional<std::string> school_of(const std::string& pupil, dsl::Diagnostics& diagnostics);

  /// The roster of the current run, rebuilt when a newer run is stored (checked at most once a second);
  /// while it is rebuilt, the last one answers.
  std::shared_ptr<const RosterIndex> roster(dsl::Diagnostics& diagnostics);

  // --- sessions (sessions.cpp) ---
  struct SignIn {
    std::optional<std::string> token;  // the cookie's value on success
    int retry_after = 0;               // seconds, when throttled
  };
  SignIn sign_in(const std::string& name, const std::string& password, dsl::Diagnostics& diagnostics);
  /// The session of a cookie token, refreshed; nothing when absent, expired or its user was removed.
  std::optional<Session> session_of(const std::string& token, dsl::Diagnostics& diagnostics);
  void sign_out(const std::string& token, dsl::Diagnostics& diagnostics);
  /// `Set-Cookie` values: the session cookie, and the one that clears it.
  std::string session_cookie(const std::string& token) const;
  std::string cleared_cookie() const;

  // --- run jobs (jobs.cpp) ---
  /// Queues a run as of `as_of`; nothing when one is already queued or running (or runs are not possible).
  std::optional<std::int64_t> start_job(const std::string& as_of, Role by);
  std::optional<RunJob> job(std::int64_t id) const;
  std::vector<RunJob> jobs() const;
  /// Waits for a running job to finish and stops the worker (shutdown).
  void stop_jobs();

  /// Serialises `audit verify` (it reads every row): one at a time.
  std::mutex& audit_mutex() { return audit_mutex_; }

private:
  void job_worker();

  ServeOptions options_;
  bool tls_ = false;

  mutable std::mutex stores_mutex_;
  std::map<std::thread::id, std::unique_ptr<store::Store>> stores_;

  std::mutex roster_mutex_;
  std::condition_variable roster_built_;  // the first roster, for requests that have none to answer from
  bool roster_building_ = false;
  std::shared_ptr<const RosterIndex> roster_;
  std::chrono::steady_clock::time_point roster_checked_{};

  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point last{};
  };
  std::mutex failures_mutex_;
  std::unordered_map<std::string, Failures> failures_;  // by name, whether or not the name exists
  std::string dummy_credential_;                        // hashed against for unknown names: equal timing
  // scrypt takes 32 MiB a check: at most four at once, so a burst of sign-ins cannot exhaust memory.
  std::counting_semaphore<4> hashing_{4};

  mutable std::mutex jobs_mutex_;
  std::condition_variable jobs_wake_;
  std::vector<RunJob> jobs_;
  bool jobs_stopping_ = false;
  std::unique_ptr<std::thread> job_thread_;

  std::mutex audit_mutex_;
};

}  // namespace waymark::server
