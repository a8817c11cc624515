#pragma once
// Parts of a report waiting for the run to finish (docs/performance.md): a run is evaluated a slice of
// pupils at a time, but each report orders its pupils by what only the whole run knows (severity,
// deadlines) and must not appear before the run is stored. The parts wait in a temporary file with no
// name (private to its owner and gone when closed, however the process ends), not in memory.

#include <algorithm>
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

/// Parts drawn in the order the run gives them and written in the report's own order (CSV rows by
/// severity and deadline, pupils by how much they need attention): each part's key is kept beside its
/// place in the spool, and only that stays in memory.
template <typename Key>
class OrderedParts {
public:
  explicit OrderedParts(Spool& spool) : spool_(spool), writer_(spool) {}
  /// Where the next part is drawn.
  std::ostream& out() { return writer_.out(); }
  /// Ends the part drawn since the last one, under `key`; false with a diagnostic.
  bool end_part(Key key, dsl::Diagnostics& diagnostics) {
    Part& part = parts_.emplace_back(Part{std::move(key), {}});
    return writer_.end_part(part.where, diagnostics);
  }
  /// Sends what is buffered to the spool (at the end of each slice).
  bool flush(dsl::Diagnostics& diagnostics) { return writer_.flush(diagnostics); }
  /// Puts the parts in the order of their keys (`before`), parts with equal keys as they came. Their
  /// places are sorted, not the parts: a key holds strings, and a run's hundreds of thousands of
  /// parts were moved some twenty times each, on one core, after the run.
  template <typename Before>
  void sort(Before before) {
    std::vector<std::size_t> order(parts_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return before(parts_[a].key, parts_[b].key); });
    std::vector<Part> sorted;
    sorted.reserve(parts_.size());
    for (const std::size_t i : order) sorted.push_back(std::move(parts_[i]));
    parts_.swap(sorted);
  }
  std::size_t size() const { return parts_.size(); }
  const Key& key(std::size_t n) const { return parts_[n].key; }
  /// Copies part `n` to `out`.
  bool copy(std::size_t n, std::ostream& out, dsl::Diagnostics& diagnostics) {
    return spool_.copy(parts_[n].where, out, diagnostics);
  }
  /// Copies every part in order; parts next to each other in the file in one read.
  bool copy_all(std::ostream& out, dsl::Diagnostics& diagnostics) {
    for (std::size_t i = 0; i < parts_.size();) {
      Spool::Span run = parts_[i].where;
      for (++i; i < parts_.size() && parts_[i].where.offset == run.offset + run.size; ++i) run.size += parts_[i].where.size;
      if (!spool_.copy(run, out, diagnostics)) return false;
    }
    return true;
  }

private:
  struct Part {
    Key key;
    Spool::Span where;
  };
  Spool& spool_;
  SpoolWriter writer_;
  std::vector<Part> parts_;
};

/// Where a run's report waits: beside the report (the same disk, the same privacy), or in TMPDIR (else
/// /tmp) when it goes to stdout.
std::string spool_directory(const std::string& out);

}  // namespace waymark::cli
