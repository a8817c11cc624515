#include "spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace waymark::cli {

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

bool Spool::fail(const char* doing, int error, dsl::Diagnostics& diagnostics) {
  diagnostics.error({}, "cannot-write",
                    std::string("cannot ") + doing + " the report's temporary file in '" + directory_ +
                        "': " + std::strerror(error) +
                        "; the report waits there until the run is complete: free some disk space, or (with the "
                        "report on stdout) set TMPDIR to a folder you may write to with room");
  return false;
}

bool Spool::open(const std::string& directory, dsl::Diagnostics& diagnostics) {
  directory_ = directory;
  // O_TMPFILE: a file with no name, so nothing is left behind and nobody else can open it. Where the
  // file system lacks it, a named file removed at once.
  fd_ = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    std::string name = directory + "/.waymark-report-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ >= 0) ::unlink(name.c_str());
  }
  return fd_ >= 0 || fail("create", errno, diagnostics);
}

bool Spool::append(std::string_view bytes, Span& where, dsl::Diagnostics& diagnostics) {
  where = {size_, bytes.size()};
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write", n < 0 ? errno : ENOSPC, diagnostics);
    done += static_cast<std::size_t>(n);
  }
  size_ += bytes.size();
  return true;
}

bool Spool::copy(const Span& part, std::ostream& out, dsl::Diagnostics& diagnostics) {
  constexpr std::uint64_t chunk = 1 << 20;
  buffer_.resize(static_cast<std::size_t>(std::min(part.size, chunk)));
  for (std::uint64_t done = 0; done < part.size;) {
    const std::size_t want = static_cast<std::size_t>(std::min(part.size - done, chunk));
    const ssize_t n = ::pread(fd_, buffer_.data(), want, static_cast<off_t>(part.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("read", n < 0 ? errno : EIO, diagnostics);
    out.write(buffer_.data(), n);
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool SpoolWriter::end_part(Spool::Span& where, dsl::Diagnostics& diagnostics) {
  const auto end = static_cast<std::uint64_t>(buffer_.tellp());
  where = {base_ + start_, end - start_};
  start_ = end;
  return end < (1u << 20) || flush(diagnostics);
}

bool SpoolWriter::flush(dsl::Diagnostics& diagnostics) {
  const std::string bytes = buffer_.str();
  Spool::Span at;
  if (!spool_.append(bytes, at, diagnostics)) return false;
  base_ = at.offset + at.size;
  start_ = 0;
  buffer_.str(std::string());
  return true;
}

std::string spool_directory(const std::string& out) {
  if (!out.empty() && out != "-") {
    const std::filesystem::path parent = std::filesystem::path(out).parent_path();
    return parent.empty() ? "." : parent.string();
  }
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

}  // namespace waymark::cli
