#include "output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "waymark/dsl/printable.hpp"

namespace waymark::cli {

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

namespace {

bool colour_wanted() {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

}  // namespace

bool stdout_colour() { return stdout_is_terminal() && colour_wanted(); }
bool stderr_colour() { return stderr_is_terminal() && colour_wanted(); }

namespace {
Progress* current_progress = nullptr;  // cleared before diagnostics are printed over it
}  // namespace

Progress::Progress() : active_(stderr_is_terminal()) { current_progress = this; }

Progress::~Progress() {
  clear();
  if (current_progress == this) current_progress = nullptr;
}

void Progress::show(const std::string& text) {
  if (!active_) return;
  const std::string line = dsl::printable(text);
  std::cerr << '\r' << line;
  if (line.size() < width_) std::cerr << std::string(width_ - line.size(), ' ') << '\r' << line;
  std::cerr << std::flush;
  width_ = std::max(width_, line.size());
}

void Progress::clear() {
  if (!active_ || width_ == 0) return;
  std::cerr << '\r' << std::string(width_, ' ') << '\r' << std::flush;
  width_ = 0;
}

namespace {

std::string shown(const std::string& path) { return "'" + dsl::printable(path) + "'"; }

// What a special file is, for the message that refuses it.
const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

std::string parent_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::vector<std::string> source_paths(const dsl::SourceSet& sources) {
  std::vector<std::string> out;
  out.reserve(sources.size());
  for (dsl::FileId i = 0; i < sources.size(); ++i) out.push_back(sources.file(i).path());
  return out;
}

std::vector<std::string> database_paths(const std::string& db) {
  if (db.empty()) return {};
  return {db, db + "-wal", db + "-shm", db + "-journal"};
}

bool check_output_path(const std::string& path, const std::vector<std::string>& inputs, dsl::Diagnostics& diagnostics,
                       bool folder) {
  if (!folder && (path.empty() || path == "-")) return true;
  struct stat out {};
  if (::lstat(path.c_str(), &out) != 0) {
    if (errno != ENOENT) {
      diagnostics.error({}, "bad-output", "cannot use " + shown(path) + " as the output: " + std::strerror(errno));
      return false;
    }
    // A new file: its folder must exist (a report is never left unwritten after a run was stored).
    struct stat parent {};
    const std::string dir = parent_of(path);
    if (!folder && (::stat(dir.c_str(), &parent) != 0 || !S_ISDIR(parent.st_mode))) {
      diagnostics.error({}, "bad-output", "cannot write " + shown(path) + ": the folder " + shown(dir) +
                                              " does not exist; create it first or give another path");
      return false;
    }
    return true;
  }
  const bool wanted = folder ? S_ISDIR(out.st_mode) : S_ISREG(out.st_mode);
  if (!wanted) {
    diagnostics.error({}, "bad-output",
                      "will not write to " + shown(path) + ": it is " + kind_of(out.st_mode) +
                          (folder ? "; give a folder (or a path that does not exist yet)"
                                  : S_ISLNK(out.st_mode) ? "; give the path of the file it points to, or another path"
                                                          : "; give the path of a file (or '-' for standard output)"));
    return false;
  }
  if (folder) return true;
  for (const std::string& input : inputs) {
    struct stat in {};
    if (input.empty() || ::stat(input.c_str(), &in) != 0) continue;  // not there: cannot be overwritten
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      diagnostics.error({}, "bad-output",
                        "will not write to " + shown(path) + ": it is " +
                            (input == path ? std::string("an input of this command")
                                           : "the same file as the input " + shown(input)) +
                            ", which the report would destroy; give another path");
      return false;
    }
  }
  return true;
}

bool finish_stdout(int& error) {
  errno = 0;
  std::cout.flush();
  const bool stream_ok = static_cast<bool>(std::cout);
  int saved = errno;
  if (std::fflush(stdout) != 0 && saved == 0) saved = errno;
  if (stream_ok && !std::ferror(stdout)) return true;
  error = saved != 0 ? saved : EIO;
  return false;
}

std::string printable_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto end = text.find('\n');
    out += dsl::printable(text.substr(0, end));
    if (end == std::string_view::npos) break;
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

bool write_output(const std::string& path, const std::string& text, dsl::Diagnostics& diagnostics, unsigned mode) {
  if (path.empty() || path == "-") {
    errno = 0;
    std::cout << text << std::flush;
    if (!std::cout || std::ferror(stdout)) {
      const int saved = errno != 0 ? errno : EIO;
      diagnostics.error({}, "cannot-write", std::string("cannot write the report to standard output: ") +
                                                std::strerror(saved));
      return false;
    }
    return true;
  }
  // Write beside the target and rename, so a reader never sees half a report.
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    diagnostics.error({}, "cannot-write", "cannot write " + shown(path) + ": " + std::strerror(errno));
    return false;
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      diagnostics.error({}, "cannot-write", "cannot write " + shown(path) + ": " + std::strerror(saved));
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0 ||
      ::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    diagnostics.error({}, "cannot-write", "cannot write " + shown(path) + ": " + std::strerror(saved));
    return false;
  }
  return true;
}

dsl::Diagnostics without_follow_on_warnings(const dsl::Diagnostics& diagnostics) {
  bool syntax = false;
  for (const dsl::Diagnostic& d : diagnostics.all()) syntax = syntax || d.code == "syntax";
  if (!syntax || diagnostics.warning_count() == 0) return diagnostics;
  const std::size_t hidden = diagnostics.warning_count();
  dsl::Diagnostics kept;
  bool noted = false;
  for (const dsl::Diagnostic& d : diagnostics.all()) {
    if (d.severity == dsl::Severity::warning) continue;
    dsl::Diagnostic copy = d;
    if (!noted && d.code == "syntax") {
      copy.notes.push_back(std::to_string(hidden) +
                           (hidden == 1 ? " warning is not shown until the syntax errors are fixed: it may only be "
                                          "an echo of them"
                                        : " warnings are not shown until the syntax errors are fixed: they may only "
                                          "be echoes of them"));
      noted = true;
    }
    kept.add(std::move(copy));
  }
  return kept;
}

void print_diagnostics(std::ostream& out, const dsl::Diagnostics& all, const dsl::SourceSet& sources, bool json) {
  if (current_progress != nullptr) current_progress->clear();
  const dsl::Diagnostics diagnostics = without_follow_on_warnings(all);
  const std::vector<dsl::Diagnostic> sorted = diagnostics.sorted();
  const bool terminal = &out == &std::cout ? stdout_colour() : stderr_colour();
  out << (json ? dsl::render_json(sorted, sources) : dsl::render_text(sorted, sources, terminal)) << std::flush;
}

}  // namespace waymark::cli
