#include "line_blocks.hpp"

#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

namespace waymark::engine::detail {

LineBlocks::LineBlocks(int fd, std::size_t from, std::size_t to, std::size_t block_bytes)
    : fd_(fd), at_(from), to_(to), buffer_(block_bytes == 0 ? 1 : block_bytes) {}

bool LineBlocks::next(std::string_view& block) {
  if (failed_) return false;
  // The partial line after the last block moves to the front; the rest of the buffer is filled.
  const std::size_t carried = kept_ - handed_;
  std::memmove(buffer_.data(), buffer_.data() + handed_, carried);
  std::size_t filled = carried;
  while (filled < buffer_.size() && at_ < to_) {
    const std::size_t want = std::min(buffer_.size() - filled, to_ - at_);
    const ssize_t n = ::pread(fd_, buffer_.data() + filled, want, static_cast<off_t>(at_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // an error, or the file is shorter than it was
      failed_ = true;
      return false;
    }
    filled += static_cast<std::size_t>(n);
    at_ += static_cast<std::size_t>(n);
  }
  if (filled == 0) return false;
  std::size_t end = filled;
  if (at_ < to_) {  // more to come: hand out whole lines only
    const void* last = ::memrchr(buffer_.data(), '\n', filled);
    if (last == nullptr) {  // one line fills the buffer: not a line of a plain export
      failed_ = true;
      return false;
    }
    end = static_cast<std::size_t>(static_cast<const char*>(last) - buffer_.data()) + 1;
  }
  kept_ = filled;
  handed_ = end;
  block = std::string_view(buffer_.data(), end);
  return true;
}

}  // namespace waymark::engine::detail
