// The Store: opening and migrating the file, and what every part of the store shares. Import is in
// import.cpp, reading caseloads in caseloads.cpp, runs in runs.cpp, flags and acknowledgements in
// flags.cpp, history in history.cpp, verification in audit.cpp.

#include "waymark/store/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "chain.hpp"
#include "schema.hpp"
#include "store_state.hpp"
#include "versions.hpp"

namespace waymark::store {

using detail::ChainWriter;
using detail::Connection;
using detail::SqlError;
using detail::quoted;

namespace detail {

const char* waymark_version() {
#ifdef WAYMARK_VERSION
  return WAYMARK_VERSION;
#else
  return "unknown";
#endif
}

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// A write after tampering still links to the recorded head, so the evidence stays; say so now too.
void warn_if_broken(const ChainWriter& chain, const std::string& path, dsl::Diagnostics& diagnostics) {
  if (!chain.head_mismatch()) return;
  diagnostics.warning({}, "chain-head", "the audit chain of " + quoted(path) +
                                            " does not end where its head says (edited outside waymark?): run "
                                            "'waymark audit verify --db " + path + "'");
}

void damaged(const std::string& path, const std::string& what) {
  throw SqlError("damaged-row", "cannot read " + what + " in " + quoted(path) +
                                    ": a stored value does not parse (edited outside waymark?); run "
                                    "'waymark audit verify --db " + path + "'");
}

}  // namespace detail

int schema_version() { return detail::current_version(); }

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string content_digest(std::string_view bytes) {
  detail::Sha256 h;
  h.update(bytes);
  return detail::digest_text(h.finish());
}

namespace {

// Makes the file before SQLite does, so that it is private from its first byte: SQLite would create it
// 0644 less the umask, and gives its -wal and -shm files the database file's permissions.
bool create_private_file(const std::string& path, dsl::Diagnostics& diagnostics) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return true;  // another process made it a moment ago
    diagnostics.error({}, errno == ENOSPC ? "database-full" : "cannot-create",
                      "cannot create " + quoted(path) + ": " + std::strerror(errno));
    return false;
  }
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    diagnostics.error({}, "cannot-create", "cannot make " + quoted(path) + " private: " + std::strerror(saved));
    return false;
  }
  return true;
}

void set_pragmas(Connection& c, const OpenOptions& options) {
  c.exec("PRAGMA foreign_keys = ON");
  c.exec("PRAGMA cache_size = -65536");  // 64 MiB: a 250,000-pupil import touches many index pages
  if (options.mode != OpenMode::read) {
    // FULL: a committed import or run survives a power cut, not only a crash (one fsync per command).
    c.exec("PRAGMA synchronous = FULL");
  }
  if (options.max_pages) c.exec("PRAGMA max_page_count = " + std::to_string(*options.max_pages));
}
}  // namespace

// --- opening ------------------------------------------------------------------------------------

Store::Store(std::unique_ptr<State> state) : state_(std::move(state)) {}
Store::~Store() = default;

const std::string& Store::path() const { return state_->path; }

std::unique_ptr<Store> Store::open(const std::string& path, const OpenOptions& options,
                                   dsl::Diagnostics& diagnostics) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      diagnostics.error({}, "cannot-open", "cannot open " + quoted(path) + ": " + std::strerror(errno));
      return nullptr;
    }
    if (options.mode != OpenMode::create) {
      diagnostics.error({}, "no-database",
                        quoted(path) + " does not exist: fill a database first with 'waymark import --db " + path +
                            " CASES...'");
      return nullptr;
    }
    if (!create_private_file(path, diagnostics)) return nullptr;
  } else if (S_ISDIR(st.st_mode)) {
    diagnostics.error({}, "not-a-database", quoted(path) + " is a folder, not a Waymark database file");
    return nullptr;
  }
  const bool shared = (st.st_mode & 077) != 0;  // st is zero for a file just created private

  auto state = std::make_unique<State>();
  state->path = path;
  state->options = options;
  try {
    detail::ConnectionOptions co;
    co.read_only = options.mode == OpenMode::read;
    co.busy_timeout = options.busy_timeout;
    state->connection = std::make_unique<Connection>(path, co);
    Connection& c = *state->connection;
    c.set_activity("open");
    // Reading the header is where a file that is not SQLite at all shows itself (SQLITE_NOTADB).
    const std::int64_t app = c.query_integer("PRAGMA application_id");
    const std::int64_t version = c.query_integer("PRAGMA user_version");
    bool fresh = false;
    if (app != detail::application_id) {
      const std::int64_t objects = c.query_integer("SELECT count(*) FROM sqlite_schema");
      if (app != 0 || version != 0 || objects != 0) {
        diagnostics.error({}, "not-a-database",
                          quoted(path) + " is not a Waymark database (it is an SQLite database of another program)");
        return nullptr;
      }
      fresh = true;
    }
    if (version > detail::current_version()) {
      diagnostics.error({}, "newer-schema",
                        quoted(path) + " was written by a newer Waymark (schema version " + std::to_string(version) +
                            "; this one knows up to " + std::to_string(detail::current_version()) +
                            "): use that version or a later one");
      return nullptr;
    }
    if (options.mode == OpenMode::read) {
      if (fresh) {
        diagnostics.error({}, "not-a-database",
                          quoted(path) + " is empty: not a Waymark database yet (fill it with 'waymark import')");
        return nullptr;
      }
    } else if (fresh || version < detail::current_version()) {
      c.set_activity("prepare");
      detail::migrate(c, detail::current_version());
    }
    set_pragmas(c, options);
    if (shared) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      diagnostics.warning({}, "not-private",
                          quoted(path) + " can be read by other users (mode " + mode +
                              "); it holds pupils' personal data: run 'chmod 600 " + path + "'");
    }
  } catch (const SqlError& e) {
    dsl::Diagnostic d;
    d.code = e.code();
    d.message = e.what();
    diagnostics.add(std::move(d));
    return nullptr;
  }
  return std::unique_ptr<Store>(new Store(std::move(state)));
}
}  // namespace waymark::store
