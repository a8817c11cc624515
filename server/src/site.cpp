// The pieces every handler shares: requests and replies, the route table, per-thread database
// connections, the roster of the current run, and THE authorisation decision (server.md, Roles).

#include "site.hpp"

#include <nlohmann/json.hpp>

namespace waymark::server {

namespace {

template <class Map>
std::optional<std::string> first(const Map& map, const std::string& key) {
  const auto at = map.find(key);
  if (at == map.end()) return std::nullopt;
  return at->second;
}

}  // namespace

std::optional<std::string> Request::query_value(const std::string& name) const { return first(query, name); }
std::optional<std::string> Request::form_value(const std::string& name) const { return first(form, name); }
std::optional<std::string> Request::header(const std::string& lower_name) const { return first(headers, lower_name); }

Reply Reply::error(int status, const std::string& message) {
  return json(status, nlohmann::json{{"error", message}}.dump());
}

Reply Reply::json(int status, const std::string& body) {
  Reply r;
  r.status = status;
  r.body = body;
  return r;
}

Reply Reply::not_found() { return error(404, "not found"); }

void Routes::get(std::string path, Access access, Handler handler) {
  routes_.push_back({"GET", std::move(path), access, false, std::move(handler)});
}

void Routes::post(std::string path, Access access, Handler handler, bool csrf_exempt) {
  routes_.push_back({"POST", std::move(path), access, csrf_exempt, std::move(handler)});
}

Site::Site(ServeOptions options, bool tls) : options_(std::move(options)), tls_(tls) {
  // Unknown names are checked against this, so a wrong name costs as much time as a wrong password.
  dummy_credential_ = hash_password("not a password anyone has");
  job_thread_ = std::make_unique<std::thread>([this] { job_worker(); });
}

Site::~Site() { stop_jobs(); }

store::Store* Site::store(dsl::Diagnostics& diagnostics) {
  const std::thread::id me = std::this_thread::get_id();
  {
    std::lock_guard lock(stores_mutex_);
    if (const auto at = stores_.find(me); at != stores_.end()) return at->second.get();
  }
  store::OpenOptions open;
  open.mode = store::OpenMode::write;  // acknowledgements, user sessions
  open.busy_timeout = std::chrono::milliseconds(10000);
  auto opened = store::Store::open(options_.db, open, diagnostics);
  if (!opened) return nullptr;
  std::lock_guard lock(stores_mutex_);
  return (stores_[me] = std::move(opened)).get();
}

Decision Site::authorise(const Session& session, Action action, const std::string* school) {
  switch (action) {
    case Action::see_pupil:
    case Action::see_school:
    case Action::acknowledge: {
      // A SENCO sees only their own schools' pupils; for anyone else's, the pupil does not exist.
      if (session.role == Role::senco) {
        if (school == nullptr) return Decision::not_found;
        bool theirs = false;
        for (const std::string& s : session.user.schools) theirs = theirs || s == *school;
        if (!theirs) return Decision::not_found;
      }
      // server.md: only a SENCO acknowledges; auditors never write.
      if (action == Action::acknowledge && session.role != Role::senco) return Decision::forbidden;
      return Decision::allow;
    }
    case Action::see_runs: return Decision::allow;
    case Action::see_audit: return session.role == Role::senco ? Decision::not_found : Decision::allow;
    case Action::start_run:
      if (session.role == Role::la_officer) return Decision::allow;
      return session.role == Role::auditor ? Decision::forbidden : Decision::not_found;
  }
  return Decision::not_found;
}

std::optional<std::string> Site::school_of(const std::string& pupil, dsl::Diagnostics& diagnostics) {
  const auto index = roster(diagnostics);
  if (index) {
    if (const auto at = index->by_id.find(pupil); at != index->by_id.end()) return index->pupils[at->second].school;
  }
  store::Store* db = store(diagnostics);
  if (db == nullptr) return std::nullopt;
  return db->pupil_school(pupil, diagnostics);
}

namespace {

// The roster of run `run` (0: none yet), indexed by pupil and school; null when it cannot be read.
std::shared_ptr<const RosterIndex> build_roster(store::Store& db, std::int64_t run, dsl::Diagnostics& diagnostics) {
  auto index = std::make_shared<RosterIndex>();
  index->run = run;
  if (run == 0) return index;
  auto pupils = db.roster(run, diagnostics);
  auto runs = db.runs(diagnostics);
  if (!pupils || !runs) return nullptr;
  for (const store::RunRecord& r : *runs) {
    if (r.id == run) index->header = r;
  }
  index->pupils = std::move(*pupils);
  index->by_id.reserve(index->pupils.size());
  for (std::uint32_t i = 0; i < index->pupils.size(); ++i) {
    index->by_id.emplace(index->pupils[i].id, i);
    index->by_school[index->pupils[i].school].push_back(i);
  }
  return index;
}

}  // namespace

std::shared_ptr<const RosterIndex> Site::roster(dsl::Diagnostics& diagnostics) {
  std::unique_lock lock(roster_mutex_);
  // Building a 250,000-pupil roster takes a second or two: while a newer one is built, every other
  // request keeps the last one (a run behind for that long) rather than wait; only the very first
  // has nothing to answer from and waits for it.
  roster_built_.wait(lock, [&] { return roster_ != nullptr || !roster_building_; });
  const auto now = std::chrono::steady_clock::now();
  if (roster_ && (roster_building_ || now - roster_checked_ < std::chrono::seconds(1))) return roster_;
  store::Store* db = store(diagnostics);
  if (db == nullptr) return roster_;
  const auto current = db->current_run(diagnostics);
  if (!current) return roster_;
  roster_checked_ = now;
  if (roster_ && roster_->run == *current) return roster_;
  roster_building_ = true;
  lock.unlock();
  std::shared_ptr<const RosterIndex> index;
  try {
    index = build_roster(*db, *current, diagnostics);
  } catch (...) {  // out of memory: the next request tries again
  }
  lock.lock();
  roster_building_ = false;
  if (index) roster_ = std::move(index);
  roster_built_.notify_all();
  return roster_;
}

std::optional<std::int64_t> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::int64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace waymark::server
