#include "output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <streambuf>
#include <vector>

namespace waymark::cli {

// A streambuf over a file descriptor with a 1 MiB buffer; remembers the first write error.
class OutputFile::Buffer : public std::streambuf {
public:
  explicit Buffer(int fd) : fd_(fd), data_(1 << 20) { setp(data_.data(), data_.data() + data_.size()); }
  int error() const { return error_; }
  bool drain() {
    const char* p = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    while (left > 0 && error_ == 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    setp(data_.data(), data_.data() + data_.size());
    return error_ == 0;
  }

protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

private:
  int fd_;
  std::vector<char> data_;
  int error_ = 0;
};

OutputFile::OutputFile(std::string path, unsigned mode) : path_(std::move(path)), mode_(mode) {}

OutputFile::~OutputFile() {
  stream_.reset();
  buffer_.reset();
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temporary_.c_str());
  }
}

bool OutputFile::open(dsl::Diagnostics& diagnostics) {
  if (path_.empty() || path_ == "-") {
    buffer_ = std::make_unique<Buffer>(STDOUT_FILENO);
  } else {
    temporary_ = path_ + ".tmp-" + std::to_string(::getpid());
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      diagnostics.error({}, "cannot-write", "cannot write '" + path_ + "': " + std::strerror(errno));
      return false;
    }
    buffer_ = std::make_unique<Buffer>(fd_);
  }
  stream_ = std::make_unique<std::ostream>(buffer_.get());
  return true;
}

std::ostream& OutputFile::stream() { return *stream_; }

bool OutputFile::commit(dsl::Diagnostics& diagnostics) {
  stream_->flush();
  if (fd_ < 0) {
    if (buffer_->error() != 0) {
      diagnostics.error({}, "cannot-write", std::string("cannot write the report: ") + std::strerror(buffer_->error()));
      return false;
    }
    return true;
  }
  int error = buffer_->error();
  if (error == 0 && (::fchmod(fd_, static_cast<mode_t>(mode_)) != 0 || ::fsync(fd_) != 0)) error = errno;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temporary_.c_str(), path_.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary_.c_str());
    diagnostics.error({}, "cannot-write", "cannot write '" + path_ + "': " + std::strerror(error));
    return false;
  }
  return true;
}

}  // namespace waymark::cli
