#include "waymark/dsl/source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::dsl {

SourceFile::SourceFile(std::string path, std::string text, bool personal)
    : path_(std::move(path)), text_(std::move(text)), personal_(personal) {}

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
  return {line, count_characters(std::string_view(text_).substr(start, offset - start)) + 1};
}

std::string_view SourceFile::line_text(std::size_t line) const {
  index_lines();
  if (line == 0 || line > line_starts_.size()) return {};
  const std::size_t start = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
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

std::optional<FileId> read_source(const std::string& path, SourceSet& sources, Diagnostics& diagnostics,
                                  std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error({}, "cannot-read", "cannot read '" + path + "': " + std::strerror(errno));
    return std::nullopt;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    diagnostics.error({}, "cannot-read", "cannot read '" + path + "': it is not a regular file");
    return std::nullopt;
  }
  if (static_cast<std::size_t>(size) > max_bytes) {
    diagnostics.error({}, "cannot-read",
                      "'" + path + "' is too large (" + std::to_string(size) + " bytes; the limit is " +
                          std::to_string(max_bytes) + ")");
    return std::nullopt;
  }
  in.seekg(0, std::ios::beg);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (size > 0 && !in.read(text.data(), size)) {
    diagnostics.error({}, "cannot-read", "cannot read '" + path + "'");
    return std::nullopt;
  }
  return sources.add(path, std::move(text));
}

std::size_t count_characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace waymark::dsl
