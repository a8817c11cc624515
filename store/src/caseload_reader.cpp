#include "caseload_reader.hpp"

#include <algorithm>
#include <iterator>

#include "store_state.hpp"

namespace waymark::store::detail {

namespace {

// SQLite reads a block of versions on the caller's thread while another core checks and decodes the
// block before; results are taken in order, so diagnostics and pupils come out as from one loop.
constexpr std::size_t block = 1024;

Digest input_digest(const std::vector<std::string>& ids, const std::vector<Digest>& digests) {
  Sha256 h;
  h.frame_text("waymark-input-v1");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    h.frame_text(ids[i]);
    h.frame_digest(digests[i]);
  }
  return h.finish();
}

}  // namespace

CaseloadReader::CaseloadReader(Connection& connection, const dsl::Vocabulary& vocabulary, VersionStream& stream)
    : c_(connection), stream_(stream), decoder_(vocabulary), checked_(block) {
  Statement s(c_, "SELECT id, attendance_codes FROM imports");
  while (s.step()) codes_.emplace(s.integer(0), s.text(1));
}

CaseloadReader::~CaseloadReader() {
  if (pending_.valid()) pending_.wait();
}

void CaseloadReader::check(std::size_t count) {
  static const std::string none;
  for (std::size_t i = 0; i < count; ++i) {
    const VersionRow& row = checking_[i];
    Checked& r = checked_[i];
    r.computed = pupil_digest(row.pupil);
    const auto stored = digest_of(row.digest);
    r.altered = !stored || *stored != r.computed;
    r.pupil.reset();
    r.problem.clear();
    if (r.altered) continue;
    const auto at = codes_.find(row.import_id);
    r.pupil = decoder_.decode(row.pupil, row.import_id, at == codes_.end() ? none : at->second, r.problem);
  }
}

void CaseloadReader::take(std::size_t count, std::vector<engine::Pupil>& out, dsl::Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < count; ++i) {
    VersionRow& row = checking_[i];
    Checked& r = checked_[i];
    if (r.altered) {
      diagnostics.error({}, "altered-data",
                        "the stored case data of pupil " + row.pupil.id + " (version " + std::to_string(row.id) +
                            ") no longer matches its digest: it was changed outside waymark; nothing was evaluated: "
                            "run 'waymark audit verify --db " + c_.path() + "'");
      failed_ = true;
      continue;
    }
    if (!r.pupil) {
      diagnostics.error({}, "vocabulary-mismatch",
                        r.problem + " (stored in " + quoted(c_.path()) +
                            "): run with the pack the cases were imported with, or one that extends it");
      failed_ = true;
      continue;
    }
    if (failed_) continue;
    read_.pupil_ids.push_back(row.pupil.id);
    read_.versions.push_back(row.id);
    read_.version_digests.push_back(digest_text(r.computed));
    digests_.push_back(r.computed);
    out.push_back(std::move(*r.pupil));
  }
}

bool CaseloadReader::next(std::vector<engine::Pupil>& out, std::size_t count, dsl::Diagnostics& diagnostics) {
  if (given_ == ready_.size()) {
    ready_.clear();
    given_ = 0;
  }
  if (ready_.size() - given_ < count) fill(count - (ready_.size() - given_), diagnostics);
  if (failed_) {
    ready_.clear();
    given_ = 0;
    return false;
  }
  const std::size_t n = std::min(count, ready_.size() - given_);
  if (out.empty() && given_ == 0 && n == ready_.size()) {  // all of it at once (a whole caseload)
    out.swap(ready_);
    ready_.clear();
    return n > 0;
  }
  const auto from = ready_.begin() + static_cast<std::ptrdiff_t>(given_);
  out.insert(out.end(), std::make_move_iterator(from), std::make_move_iterator(from + static_cast<std::ptrdiff_t>(n)));
  given_ += n;
  return n > 0;
}

void CaseloadReader::fill(std::size_t count, dsl::Diagnostics& diagnostics) {
  const std::size_t before = ready_.size();
  while (!done_ && (failed_ || ready_.size() - before < count)) {
    std::size_t n = 0;
    while (more_ && n < block) {
      if (reading_.size() <= n) reading_.emplace_back();
      if (!stream_.next(reading_[n])) {
        more_ = false;
        break;
      }
      ++n;
    }
    if (pending_.valid()) {
      pending_.get();
      take(pending_count_, ready_, diagnostics);
    }
    if (n == 0) {
      finish();
      break;
    }
    std::swap(reading_, checking_);
    pending_count_ = n;
    pending_ = std::async(std::launch::async, [this, n] { check(n); });
  }
}

void CaseloadReader::finish() {
  done_ = true;
  if (!failed_) read_.input_digest = digest_text(input_digest(read_.pupil_ids, digests_));
}

}  // namespace waymark::store::detail
