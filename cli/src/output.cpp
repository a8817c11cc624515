#include "output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace waymark::cli {

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

bool write_output(const std::string& path, const std::string& text, dsl::Diagnostics& diagnostics, unsigned mode) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return true;
  }
  // Write beside the target and rename, so a reader never sees half a report.
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    diagnostics.error({}, "cannot-write", "cannot write '" + path + "': " + std::strerror(errno));
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
      diagnostics.error({}, "cannot-write", "cannot write '" + path + "': " + std::strerror(saved));
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0 ||
      ::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    diagnostics.error({}, "cannot-write", "cannot write '" + path + "': " + std::strerror(saved));
    return false;
  }
  return true;
}

void print_diagnostics(std::ostream& out, const dsl::Diagnostics& diagnostics, const dsl::SourceSet& sources,
                       bool json) {
  const std::vector<dsl::Diagnostic> sorted = diagnostics.sorted();
  const bool terminal = &out == &std::cout ? stdout_is_terminal() : stderr_is_terminal();
  out << (json ? dsl::render_json(sorted, sources) : dsl::render_text(sorted, sources, terminal)) << std::flush;
}

}  // namespace waymark::cli
