#pragma once
// Source files held in memory, and byte ranges into them. Every syntax-tree node and every
// diagnostic points into a SourceFile; lines and columns are computed only when printing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct stat;

namespace waymark::dsl {

/// Index of a file in a SourceSet.
using FileId = std::uint32_t;
inline constexpr FileId no_file = 0xFFFFFFFFu;

/// A half-open byte range [begin, end) within one file.
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

/// A byte range in a known file; `file == no_file` means the problem has no place in a file.
struct SourceRange {
  FileId file = no_file;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// A 1-based line and a 1-based column counted in characters (UTF-8 code points).
struct LineColumn {
  std::size_t line = 1;
  std::size_t column = 1;
};

/// Bytes of a large file in pages of their own, not zero-filled
/// before the file is read into them: a 300 MB attendance export costs one copy, not three passes.
class PageBuffer {
public:
  PageBuffer() = default;
  /// Room for `size` bytes, or an empty buffer when the memory cannot be had.
  explicit PageBuffer(std::size_t size);
  PageBuffer(PageBuffer&& other) noexcept;
  PageBuffer& operator=(PageBuffer&& other) noexcept;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;
  ~PageBuffer();

  char* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

private:
  char* data_ = nullptr;
  std::size_t capacity_ = 0;
};

/// One file's text as read, named by the path the user gave.
class SourceFile {
public:
  SourceFile(std::string path, std::string text, bool personal = false);
  /// The first `size` bytes of `pages`.
  SourceFile(std::string path, PageBuffer pages, std::size_t size, bool personal = false);
  SourceFile(const SourceFile&) = delete;  // text_ views its own storage
  SourceFile& operator=(const SourceFile&) = delete;

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  /// Line and column of a byte offset (an offset past the end maps to the end).
  LineColumn position(std::size_t offset) const;
  /// The text of a 1-based line, without its line break.
  std::string_view line_text(std::size_t line) const;
  /// The byte offset of a 1-based line and a 1-based byte column (for YAML and CSV marks).
  std::size_t offset_of(std::size_t line, std::size_t byte_column) const;
  /// Holds pupil data (a case file): diagnostics never echo its lines, which may carry names or UPNs.
  bool personal() const { return personal_; }
  /// Whether diagnostics may quote its lines: only a rule file's (`.wmk`) that is not personal.
  bool shows_lines() const;

private:
  void index_lines() const;
  std::string path_;
  std::string owned_;  // the text, unless it is in pages_
  PageBuffer pages_;
  std::string_view text_;
  bool personal_ = false;
  mutable std::vector<std::size_t> line_starts_;  // built on first use: most files never need it
};

/// Every file read during one command, so that diagnostics can print their source lines.
class SourceSet {
public:
  FileId add(std::string path, std::string text, bool personal = false);
  FileId add(std::string path, PageBuffer pages, std::size_t size, bool personal = false);
  const SourceFile& file(FileId id) const { return *files_.at(id); }
  std::size_t size() const { return files_.size(); }

private:
  std::vector<std::unique_ptr<SourceFile>> files_;  // stable addresses: parsers keep string_views
};

class Diagnostics;

/// Reads a whole file into `sources` (`personal`: a case file, whose lines are never echoed). Anything
/// but a readable regular file within `max_bytes` (a folder, FIFO, device, socket, symlink loop) is a
/// `cannot-read` diagnostic naming the path and why, and nothing is returned; it never blocks.
std::optional<FileId> read_source(const std::string& path, SourceSet& sources, Diagnostics& diagnostics,
                                  std::size_t max_bytes = std::size_t{1} << 30, bool personal = false);

/// What tells a file's contents apart without reading them: its device, inode, size and modification
/// time. A file read a block at a time (a roll's attendance export) and read again later, to be
/// hashed, is taken to be the same bytes only if its stamp has not moved in between.
struct FileStamp {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const FileStamp&) const = default;
  /// The stamp of the open file `fd`; nothing if it cannot be read.
  static std::optional<FileStamp> of(int fd);
  /// The stamp in what fstat or stat returned.
  static FileStamp of(const struct ::stat& status);
};

/// The offset of the first byte that is not part of valid UTF-8 (no overlong forms, no surrogates),
/// or npos. The one UTF-8 validation of the project.
std::size_t invalid_utf8_at(std::string_view text);
/// The length (2 to 4) of the well-formed UTF-8 sequence starting at the non-ASCII byte `text[at]`,
/// or 0 when it is not one (overlong, surrogate, above U+10FFFF, or cut off): the one decoder of it.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

/// Refuses text a reader must not guess at, as an error at its line and column: UTF-16 or UTF-32
/// (with or without a byte-order mark), a NUL byte, a line ended by CR alone, a byte-order mark
/// after the start, bytes that are not UTF-8. One leading UTF-8 byte-order mark is accepted.
bool check_text(const SourceSet& sources, FileId file, Diagnostics& diagnostics);

/// What check_text refuses, found without a diagnostic: where, its code and its message.
struct TextProblem {
  std::size_t at = 0;
  const char* code = "";
  const char* message = "";
};
/// The first problem check_text would report in `text`, or nothing. `file_start`: `text` begins the
/// file, so a leading byte-order mark is allowed and UTF-16/32 is recognised; otherwise (a block of
/// whole lines from further in) any byte-order mark is a problem.
std::optional<TextProblem> text_problem(std::string_view text, bool file_start = true);

/// Number of UTF-8 code points in a byte string (continuation bytes are not counted).
std::size_t count_characters(std::string_view text);

}  // namespace waymark::dsl
