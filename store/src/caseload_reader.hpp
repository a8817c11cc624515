#pragma once
// Private to the store: reading pupil versions into engine pupils a block at a time, each version
// checked against its stored digest before it is trusted. Used whole (Store::load_caseload) or a
// slice at a time by a run that evaluates as it reads (RunWriter::read_current), so a 250,000-pupil
// roll's case data need never be in memory at once.

#include <cstddef>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_codec.hpp"
#include "digest.hpp"
#include "versions.hpp"
#include "waymark/dsl/diagnostic.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store::detail {

/// The two queries that read the current version of every pupil, or of the named ones, and how many
/// pupils they give. Nothing, with diagnostics, when a named pupil is unknown or a pupil row no longer
/// leads to its case data (edited outside waymark).
struct VersionQueries {
  std::string versions;
  std::string records;
  std::size_t pupils = 0;
};
std::optional<VersionQueries> current_version_queries(Connection& c, const std::vector<std::string>& pupils,
                                                      dsl::Diagnostics& diagnostics);

class CaseloadReader {
public:
  /// Reads from `stream` (which must outlive the reader) on `connection`, decoding under `vocabulary`.
  CaseloadReader(Connection& connection, const dsl::Vocabulary& vocabulary, VersionStream& stream);
  CaseloadReader(const CaseloadReader&) = delete;
  CaseloadReader& operator=(const CaseloadReader&) = delete;
  ~CaseloadReader();

  /// Appends the next `count` checked pupils (fewer at the end) to `out`, and records their ids,
  /// versions and digests in `read()` as they are read (a block ahead of what was given). False when
  /// nothing was appended: the end, or a problem (a version altered outside waymark, or not decodable
  /// under the vocabulary). After the first problem no more pupils are given, but the rest is still
  /// read so that the diagnostics name every problem, exactly as one read of the whole caseload would.
  bool next(std::vector<engine::Pupil>& out, std::size_t count, dsl::Diagnostics& diagnostics);
  bool failed() const { return failed_; }
  /// What was read so far (the caseload itself stays empty); the input digest once next() is false.
  const StoredCaseload& read() const { return read_; }
  StoredCaseload release() { return std::move(read_); }

private:
  struct Checked {
    Digest computed{};
    bool altered = false;
    std::optional<engine::Pupil> pupil;
    std::string problem;
  };
  void check(std::size_t count);
  void take(std::size_t count, std::vector<engine::Pupil>& out, dsl::Diagnostics& diagnostics);
  void fill(std::size_t count, dsl::Diagnostics& diagnostics);
  void finish();

  Connection& c_;
  VersionStream& stream_;
  PupilDecoder decoder_;
  std::map<std::int64_t, std::string> codes_;  // each import's attendance code list
  StoredCaseload read_;
  std::vector<Digest> digests_;
  std::vector<VersionRow> reading_;
  std::vector<VersionRow> checking_;
  std::vector<Checked> checked_;
  std::vector<engine::Pupil> ready_;  // checked and decoded, from ready_[given_] on not yet given
  std::size_t given_ = 0;
  std::size_t pending_count_ = 0;
  bool more_ = true;
  bool done_ = false;
  bool failed_ = false;
  std::future<void> pending_;  // declared last: waited for before the buffers it uses are destroyed
};

}  // namespace waymark::store::detail
