#pragma once
// Parts of a report waiting for the run to finish (docs/performance.md): a run is evaluated a slice of
// pupils at a time, but each report orders its pupils by what only the whole run knows (severity,
// deadlines) and must not appear before the run is stored. The parts wait in a temporary file with no
// name (private to its owner and gone when closed, however the process ends), not in memory.

#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::cli {

class Spool {
public:
  /// Where a part is in the file.
  struct Span {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };

  Spool() = default;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool();

  /// Creates the file in `directory`; false with a diagnostic.
  bool open(const std::string& directory, dsl::Diagnostics& diagnostics);
  /// Appends `bytes`; false with a diagnostic (a full disk).
  bool append(std::string_view bytes, Span& where, dsl::Diagnostics& diagnostics);
  /// Copies a part to `out`; false with a diagnostic.
  bool copy(const Span& part, std::ostream& out, dsl::Diagnostics& diagnostics);
  /// Everything appended so far.
  Span all() const { return {0, size_}; }

private:
  bool fail(const char* doing, int error, dsl::Diagnostics& diagnostics);
  std::string directory_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::vector<char> buffer_;
};

/// Draws parts one after another into a buffer that goes to the spool a megabyte at a time, so a slice
/// of pupils' parts (120 MB of HTML for 16,384 pupils) is never held whole.
class SpoolWriter {
public:
  explicit SpoolWriter(Spool& spool) : spool_(spool), base_(spool.all().size) {}
  /// Where the next part is drawn.
  std::ostream& out() { return buffer_; }
  /// Ends the part drawn since the last end (its place in the spool in `where`); false with a
  /// diagnostic when the spool cannot take it.
  bool end_part(Spool::Span& where, dsl::Diagnostics& diagnostics);
  /// Sends what is buffered to the spool.
  bool flush(dsl::Diagnostics& diagnostics);

private:
  Spool& spool_;
  std::uint64_t base_;       // where the buffer's first byte goes in the spool
  std::uint64_t start_ = 0;  // where the current part begins in the buffer
  std::ostringstream buffer_;
};

/// Where a run's report waits: beside the report (the same disk, the same privacy), or in TMPDIR (else
/// /tmp) when it goes to stdout.
std::string spool_directory(const std::string& out);

}  // namespace waymark::cli
