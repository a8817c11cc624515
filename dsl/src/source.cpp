#include "waymark/dsl/source.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <future>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::dsl {

FileStamp FileStamp::of(const struct ::stat& status) {
  return FileStamp{static_cast<std::uint64_t>(status.st_dev), static_cast<std::uint64_t>(status.st_ino),
                   static_cast<std::uint64_t>(status.st_size),
                   static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec};
}

std::optional<FileStamp> FileStamp::of(const int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return std::nullopt;
  return of(status);
}

PageBuffer::PageBuffer(std::size_t size) {
  if (size == 0) return;
  void* pages = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) return;
  data_ = static_cast<char*>(pages);
  capacity_ = size;
}

PageBuffer::PageBuffer(PageBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), capacity_(std::exchange(other.capacity_, 0)) {}

PageBuffer& PageBuffer::operator=(PageBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, capacity_);
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

PageBuffer::~PageBuffer() {
  if (data_ != nullptr) ::munmap(data_, capacity_);
}

SourceFile::SourceFile(std::string path, std::string text, bool personal)
    : path_(std::move(path)), owned_(std::move(text)), text_(owned_), personal_(personal) {}

SourceFile::SourceFile(std::string path, PageBuffer pages, std::size_t size, bool personal)
    : path_(std::move(path)), pages_(std::move(pages)), text_(pages_.data(), std::min(size, pages_.capacity())),
      personal_(personal) {}

bool SourceFile::shows_lines() const {
  return !personal_ && path_.size() >= 4 && path_.compare(path_.size() - 4, 4, ".wmk") == 0;
}

void SourceFile::index_lines() const {
  if (!line_starts_.empty()) return;
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineColumn SourceFile::position(std::size_t offset) const {
  index_lines();
  offset = std::min(offset, text_.size());
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(after - line_starts_.begin());
  const std::size_t start = line_starts_[line - 1];
  std::size_t column = count_characters(text_.substr(start, offset - start)) + 1;
  // A leading byte-order mark is invisible in editors: columns on the first line do not count it.
  if (line == 1 && offset >= 3 && text_.rfind("\xEF\xBB\xBF", 0) == 0) --column;
  return {line, column};
}

std::string_view SourceFile::line_text(std::size_t line) const {
  index_lines();
  if (line == 0 || line > line_starts_.size()) return {};
  std::size_t start = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  if (line == 1 && text_.rfind("\xEF\xBB\xBF", 0) == 0) start = std::min<std::size_t>(3, end);
  return text_.substr(start, end - start);
}

std::size_t SourceFile::offset_of(std::size_t line, std::size_t byte_column) const {
  index_lines();
  if (line == 0) return 0;
  if (line > line_starts_.size()) return text_.size();
  const std::size_t start = line_starts_[line - 1];
  return std::min(start + (byte_column == 0 ? 0 : byte_column - 1), text_.size());
}

FileId SourceSet::add(std::string path, std::string text, bool personal) {
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text), personal));
  return static_cast<FileId>(files_.size() - 1);
}

FileId SourceSet::add(std::string path, PageBuffer pages, std::size_t size, bool personal) {
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(pages), size, personal));
  return static_cast<FileId>(files_.size() - 1);
}

namespace {

struct ReadResult {
  std::size_t bytes = 0;  // read from `from` before the end of the file (or an error)
  int error = 0;          // errno of a failed read, or 0
};

/// Reads bytes [from, to) of an open file into `into + from` with pread (no shared file offset, so
/// two ranges can be read at once).
ReadResult read_range(int fd, char* into, std::size_t from, std::size_t to) {
  ReadResult r;
  while (from + r.bytes < to) {
    const ssize_t n = ::pread(fd, into + from + r.bytes, to - from - r.bytes, static_cast<off_t>(from + r.bytes));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) r.error = errno;
    if (n <= 0) break;
    r.bytes += static_cast<std::size_t>(n);
  }
  return r;
}

/// Why a path cannot be read as an input file, in words that say what to do; empty when it can.
std::string refuse_kind(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "it is a folder, not a file: give the file inside it";
  if (S_ISFIFO(st.st_mode)) return "it is a pipe (FIFO), not a regular file: save the data to a file first";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "it is a device, not a regular file";
  if (S_ISSOCK(st.st_mode)) return "it is a socket, not a regular file";
  if (!S_ISREG(st.st_mode)) return "it is not a regular file";
  return {};
}

}  // namespace

std::optional<FileId> read_source(const std::string& path, SourceSet& sources, Diagnostics& diagnostics,
                                  std::size_t max_bytes, bool personal) {
  // Opened without blocking, then refused unless it is a regular file: a FIFO or a device named
  // like an input must never hang or stream forever (issue 10.4). A symlink loop fails with ELOOP.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int error = errno;
    std::string why = error == ELOOP    ? "its symbolic links form a loop"
                      : error == ENOENT ? "there is no such file: check the path"
                      : error == EACCES ? "permission denied: check its permissions"
                                        : std::strerror(error);
    diagnostics.error({}, "cannot-read", "cannot read '" + path + "': " + why);
    return std::nullopt;
  }
  struct stat st {};
  std::string refused = ::fstat(fd, &st) != 0 ? std::string(std::strerror(errno)) : refuse_kind(st);
  if (refused.empty() && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    refused = "it is too large (" + std::to_string(st.st_size) + " bytes; the limit is " + std::to_string(max_bytes) + ")";
  }
  if (!refused.empty()) {
    ::close(fd);
    diagnostics.error({}, "cannot-read", "cannot read '" + path + "': " + refused);
    return std::nullopt;
  }
  // Small files (rule files, manifests, most case files) into a string; large exports into pages of
  // their own, read straight in without being zero-filled first.
  const auto size = static_cast<std::size_t>(st.st_size);
  constexpr std::size_t large = std::size_t{1} << 20;
  std::string text;
  PageBuffer pages;
  if (size >= large) pages = PageBuffer(size);
  if (pages.data() == nullptr) text.resize(size);
  char* into = pages.data() != nullptr ? pages.data() : text.data();
  // A large file is read in two halves side by side: the kernel's copy and page faults are most of
  // its cost, and they take both cores this way.
  const std::size_t half = pages.data() != nullptr ? size / 2 : size;
  std::future<ReadResult> second;
  if (half < size) second = std::async(std::launch::async, [&] { return read_range(fd, into, half, size); });
  ReadResult first = read_range(fd, into, 0, half);
  ReadResult rest = second.valid() ? second.get() : ReadResult{0, 0};
  // A file that shrank while it was read is taken as it now is (up to the first short read).
  const std::size_t done = first.bytes < half ? first.bytes : half + rest.bytes;
  const int read_error = first.error != 0 ? first.error : rest.error;
  ::close(fd);
  if (read_error != 0) {
    diagnostics.error({}, "cannot-read", "cannot read '" + path + "': " + std::strerror(read_error));
    return std::nullopt;
  }
  if (pages.data() != nullptr) return sources.add(path, std::move(pages), done, personal);
  text.resize(done);
  return sources.add(path, std::move(text), personal);
}

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char c = s[at];
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // no overlong forms
    if (c == 0xED) high = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (at + length > n) return 0;
  if (s[at + 1] < low || s[at + 1] > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (s[at + k] < 0x80 || s[at + k] > 0xBF) return 0;
  }
  return length;
}

std::size_t invalid_utf8_at(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    if (i + 8 <= n) {
      std::uint64_t word = 0;
      std::memcpy(&word, s + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

namespace {

bool utf16_or_32(std::string_view text) {
  // Without a byte-order mark, UTF-16 (or 32) text that starts with an ASCII character has a NUL
  // beside it: "p\0u\0" or "\0p\0u".
  return text.size() >= 2 && ((text[0] != '\0' && text[1] == '\0') || (text[0] == '\0' && text[1] != '\0') ||
                              (text.size() >= 4 && text.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4)));
}

}  // namespace

std::optional<TextProblem> text_problem(std::string_view text, bool file_start) {
  if (file_start && (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0 || utf16_or_32(text))) {
    return TextProblem{0, "not-utf8", "this file is UTF-16 or UTF-32, not UTF-8: save it as UTF-8"};
  }
  // One pass, eight bytes at a time where they are plain ASCII with no NUL and no CR (almost every
  // word of a case file). The first NUL, lone CR or inner byte-order mark is reported before any
  // invalid UTF-8, wherever each is.
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero_byte = [&](std::uint64_t w) { return ((w - ones) & ~w & highs) != 0; };
  std::size_t invalid = std::string_view::npos;
  std::size_t at = 0;
  while (at < n) {
#if defined(__SSE2__)
    // Sixteen bytes at a time where SSE2 is there (every x86-64 processor): a roll's attendance file
    // is checked block by block as it is read.
    if (at + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + at));
      const int special = _mm_movemask_epi8(v) | _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) |
                          _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
      if (special == 0) {
        at += 16;
        continue;
      }
    }
#endif
    if (at + 8 <= n) {
      std::uint64_t word = 0;
      std::memcpy(&word, s + at, 8);
      if ((word & highs) == 0 && !has_zero_byte(word) && !has_zero_byte(word ^ (ones * '\r'))) {
        at += 8;
        continue;
      }
    }
    const unsigned char c = s[at];
    if (c == '\0') {
      return TextProblem{at, "nul-byte", "a NUL byte: this is not a text file, or it was damaged; save it again as UTF-8 text"};
    }
    if (c == '\r' && (at + 1 == n || s[at + 1] != '\n')) {
      // Lines ended by CR alone (an old Mac format) would put the whole file on one line.
      return TextProblem{at, "line-ends", "a line ends with CR alone: save the file with LF or CRLF line ends"};
    }
    if (c == 0xEF && (at > 0 || !file_start) && text.substr(at, 3) == "\xEF\xBB\xBF") {
      return TextProblem{at, "byte-order-mark",
                         "a byte-order mark (U+FEFF) inside the file, where it is invisible: delete it (files joined together?)"};
    }
    if (c < 0x80) {
      ++at;
      continue;
    }
    const std::size_t length = invalid == std::string_view::npos ? utf8_sequence_length(text, at) : 0;
    if (length == 0) {
      if (invalid == std::string_view::npos) invalid = at;
      ++at;  // keep looking for a NUL, lone CR or byte-order mark, which are reported first
      continue;
    }
    at += length;
  }
  if (invalid != std::string_view::npos) {
    return TextProblem{invalid, "invalid-utf8", "this byte is not valid UTF-8: save the file as UTF-8"};
  }
  return std::nullopt;
}

bool check_text(const SourceSet& sources, FileId file, Diagnostics& diagnostics) {
  const std::optional<TextProblem> problem = text_problem(sources.file(file).text());
  if (!problem) return true;
  diagnostics.error({file, problem->at, problem->at + 1}, problem->code, problem->message);
  return false;
}

std::size_t count_characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace waymark::dsl
