#pragma once
// A byte range of a file read in blocks of whole lines, through one buffer reused from block to block.
// How a roll's attendance export (300 MB) is read without holding it: the bytes pass through a buffer
// that stays in the cache, instead of 300 MB of fresh pages that are touched once.

#include <cstddef>
#include <string_view>
#include <vector>

namespace waymark::engine::detail {

class LineBlocks {
public:
  /// The bytes [from, to) of the open file `fd` (not owned), in blocks of about `block_bytes`. `to` is
  /// a line start or the end of the file; `from` is a line start too, unless the caller wants a first
  /// block that begins part-way through a line (to look for a line start).
  LineBlocks(int fd, std::size_t from, std::size_t to, std::size_t block_bytes = std::size_t{1} << 20);

  /// The next block: whole lines, each ending in '\n' except perhaps the last line of the range. False
  /// at the end of the range, or when it cannot go on (failed()).
  bool next(std::string_view& block);
  /// A read failed, the file ended before `to` (it shrank), or one line is longer than a block.
  bool failed() const { return failed_; }

private:
  int fd_;
  std::size_t at_;  // the file offset of the next byte to read
  std::size_t to_;
  std::vector<char> buffer_;
  std::size_t kept_ = 0;     // bytes of a partial line carried to the front of the buffer
  std::size_t handed_ = 0;   // bytes of the buffer handed out as the last block
  bool failed_ = false;
};

}  // namespace waymark::engine::detail
