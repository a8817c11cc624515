#pragma once
// A report file written as it is produced (run's --out), whole or not at all.

#include <memory>
#include <ostream>
#include <string>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::cli {

/// A report written as it is produced, so a 250,000-pupil report is never held whole in memory,
/// yet still appears whole or not at all: to a temporary file beside `path`, renamed by commit()
/// (or to stdout when path is empty or "-"). Destroyed without commit(), it removes the temporary.
class OutputFile {
public:
  OutputFile(std::string path, unsigned mode = 0600);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  /// False (with a diagnostic) when the temporary file cannot be created.
  bool open(dsl::Diagnostics& diagnostics);
  std::ostream& stream();
  /// Flushes, syncs and renames into place; false (with a diagnostic) on any write error.
  bool commit(dsl::Diagnostics& diagnostics);

private:
  class Buffer;
  std::string path_;
  std::string temporary_;
  unsigned mode_;
  int fd_ = -1;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
};

}  // namespace waymark::cli
