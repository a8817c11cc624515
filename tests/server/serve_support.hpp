#pragma once
// Shared by the server tests: a database with pupils of three schools and four users, and a real
// `waymark serve` started on a free loopback port, talked to with httplib::Client.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace waymark::server::testing {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string spec_examples() { return std::string(WAYMARK_TEST_DATA) + "/fixtures/spec"; }

struct Ran {
  int code = -1;
  std::string out;
};

/// Runs the real binary with `input` on stdin; stdout and stderr together.
inline Ran waymark(const std::vector<std::string>& args, const std::string& input = "") {
  std::string command = std::string("'") + WAYMARK_BINARY + "'";
  for (const std::string& a : args) command += " '" + a + "'";
  const fs::path in = fs::temp_directory_path() / ("waymark-in-" + std::to_string(::getpid()));
  std::ofstream(in) << input;
  command += " < '" + in.string() + "' 2>&1";
  Ran ran;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) ran.out.append(buffer, n);
  const int status = ::pclose(pipe);
  ran.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove(in);
  return ran;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A copy of a spec example case with another id and school.
inline void copy_case(const std::string& from, const fs::path& to, const std::string& id, const std::string& school) {
  std::string text = read_file(spec_examples() + "/cases/" + from + ".yaml");
  text = std::regex_replace(text, std::regex("id: " + from), "id: " + id);
  text = std::regex_replace(text, std::regex("school: Oakfield Academy"), "school: " + school);
  std::ofstream(to) << text;
}

/// The fixture database, made once per test binary:
///   Oakfield Academy:  P-0042 (2 flags: high, medium; tiers 2 -> 3), P-0043 (no flags, 1 due)
///   Riverside Primary: R-0001 (a copy of P-0042: 2 flags)
///   Hillcrest High:    H-0001 (a copy of P-0043: 1 due)
/// Stored in pupil id order (H-0001 < P-0042 < P-0043 < R-0001), so flags 1 and 2 are P-0042's and
/// 3 and 4 are R-0001's (spec/examples/expected-2025-11-17.json gives P-0042's two flags).
/// Users (password "correct horse battery"): oak (senco, Oakfield Academy), two (senco, Riverside
/// Primary and Hillcrest High), officer (la_officer), auditor (auditor).
struct Fixture {
  fs::path dir;
  std::string db;
  std::string pack;
};

inline const char* password() { return "correct horse battery"; }

inline Fixture make_fixture(const std::string& name) {
  Fixture f;
  f.dir = fs::temp_directory_path() / ("waymark-server-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(f.dir);
  fs::create_directories(f.dir / "cases");
  fs::copy_file(spec_examples() + "/cases/P-0042.yaml", f.dir / "cases/P-0042.yaml");
  fs::copy_file(spec_examples() + "/cases/P-0043.yaml", f.dir / "cases/P-0043.yaml");
  copy_case("P-0042", f.dir / "cases/R-0001.yaml", "R-0001", "Riverside Primary");
  copy_case("P-0043", f.dir / "cases/H-0001.yaml", "H-0001", "Hillcrest High");
  f.db = (f.dir / "la.db").string();
  // The spec's example pack with every england rule disabled, so that the flags are exactly those of
  // spec/examples/expected-2025-11-17.json.
  fs::create_directories(f.dir / "pack");
  for (const char* file : {"calendar.yaml", "first-look.wmk"}) {
    fs::copy_file(spec_examples() + "/pack/" + file, f.dir / "pack" / file);
  }
  std::string disable;
  for (const auto& entry : fs::directory_iterator(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england")) {
    if (entry.path().extension() != ".wmk") continue;
    std::istringstream lines(read_file(entry.path()));
    std::string line;
    while (std::getline(lines, line)) {
      std::smatch m;
      if (std::regex_search(line, m, std::regex("^rule ([a-z0-9-]+)"))) {
        disable += (disable.empty() ? "" : ", ") + std::string("england/") + m[1].str();
      }
    }
  }
  std::string manifest = read_file(spec_examples() + "/pack/pack.yaml");
  std::ofstream(f.dir / "pack/pack.yaml") << manifest << "disable: [" << disable << "]\n";
  f.pack = (f.dir / "pack").string();
  const Ran imported = waymark({"import", "--db", f.db, "--pack", f.pack, (f.dir / "cases").string()});
  EXPECT_EQ(imported.code, 0) << imported.out;
  const Ran run = waymark({"run", "--pack", f.pack, "--db", f.db, "--as-of", "2025-11-17", "--format", "json"});
  EXPECT_EQ(run.code, 0) << run.out;
  const std::vector<std::vector<std::string>> users{
      {"oak", "--role", "senco", "--school", "Oakfield Academy"},
      {"two", "--role", "senco", "--school", "Riverside Primary", "--school", "Hillcrest High"},
      {"officer", "--role", "la_officer"},
      {"auditor", "--role", "auditor"},
  };
  for (const auto& u : users) {
    std::vector<std::string> args{"user", "add", "--db", f.db};
    args.insert(args.end(), u.begin(), u.end());
    const Ran added = waymark(args, std::string(password()) + "\n");
    EXPECT_EQ(added.code, 0) << added.out;
  }
  return f;
}

/// A running `waymark serve`, stopped with SIGTERM when destroyed.
class Server {
public:
  Server(const Fixture& f, std::vector<std::string> extra = {}) : log_(f.dir / ("serve-" + std::to_string(++count_) + ".log")) {
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    std::vector<std::string> args{WAYMARK_BINARY, "serve", "--db", f.db, "--pack", f.pack, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      const int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(err, 2);
      ::close(out[0]);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(WAYMARK_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
    char line[512];
    // "waymark serve: listening on http://127.0.0.1:PORT/"
    if (std::fgets(line, sizeof line, out_) != nullptr) {
      std::smatch m;
      const std::string text = line;
      if (std::regex_search(text, m, std::regex(":([0-9]+)/"))) port_ = std::stoi(m[1].str());
    }
    EXPECT_GT(port_, 0) << "the server did not start:\n" << read_file(log_);
  }
  ~Server() { stop(); }

  /// SIGTERM, then the exit status (0 when it stopped cleanly).
  int stop() {
    if (pid_ <= 0) return exit_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    if (out_ != nullptr) std::fclose(out_);
    out_ = nullptr;
    exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_;
  }

  int port() const { return port_; }
  std::string log() const { return read_file(log_); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30);
    return c;
  }

private:
  static inline int count_ = 0;
  fs::path log_;
  pid_t pid_ = 0;
  FILE* out_ = nullptr;
  int port_ = 0;
  int exit_ = -1;
};

/// A signed-in user: the session cookie and the CSRF token from /api/me.
struct SignedIn {
  std::string cookie;  // "waymark_session=..."
  std::string csrf;
  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
};

inline std::optional<SignedIn> sign_in(httplib::Client& client, const std::string& name,
                                       const std::string& pass = password()) {
  const auto res = client.Post("/login", httplib::Params{{"name", name}, {"password", pass}});
  if (!res || res->status != 303) return std::nullopt;
  const std::string set = res->get_header_value("Set-Cookie");
  SignedIn s;
  s.cookie = set.substr(0, set.find(';'));
  const auto me = client.Get("/api/me", httplib::Headers{{"Cookie", s.cookie}});
  if (!me || me->status != 200) return std::nullopt;
  s.csrf = json::parse(me->body)["csrf"].get<std::string>();
  return s;
}

}  // namespace waymark::server::testing
