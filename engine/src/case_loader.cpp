#include "waymark/engine/case_loader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <utility>

#include "case_building.hpp"
#include "case_forms.hpp"

namespace waymark::engine {

CaseLoader::CaseLoader(const dsl::Vocabulary& vocabulary) : vocabulary_(vocabulary), codes_(vocabulary) {}

bool CaseLoader::accept(std::vector<Pupil>& pupils, const dsl::SourceSet& sources, dsl::Diagnostics& local,
                        dsl::Diagnostics& diagnostics) {
  // Pupil ids are unique across the whole load (case-records.md §1), within this file and with earlier
  // ones. Sorted ids rather than hash tables: a roll of 250,000 pupils is checked without a node each.
  // A first file whose ids rise strictly (an export in id order) cannot repeat one: nothing to sort.
  const bool rising = std::adjacent_find(pupils.begin(), pupils.end(), [](const Pupil& a, const Pupil& b) {
                        return !(a.id() < b.id());
                      }) == pupils.end();
  if (!pupils_.empty() && ids_.empty()) index_accepted();  // a second file: the first's ids are needed now
  if (!local.has_errors() && !(rising && pupils_.empty())) {
    std::vector<std::pair<std::string_view, std::size_t>> order;  // (id, index in this batch)
    order.reserve(pupils.size());
    for (std::size_t i = 0; i < pupils.size(); ++i) order.emplace_back(pupils[i].id(), i);
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // For each pupil whose id was seen before: where it was first written (an earlier file wins).
    std::vector<std::optional<dsl::SourceRange>> clash(pupils.size());
    std::size_t group = 0;  // where the run of equal ids that order[k] belongs to starts
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (k > 0 && order[k - 1].first != order[k].first) group = k;
      const auto earlier = std::lower_bound(ids_.begin(), ids_.end(), order[k].first,
                                            [](const auto& known, std::string_view id) { return known.first < id; });
      if (earlier != ids_.end() && earlier->first == order[k].first) {
        clash[order[k].second] = earlier->second;
      } else if (group < k) {
        clash[order[k].second] = pupils[order[group].second].origin;
      }
    }
    for (std::size_t i = 0; i < pupils.size(); ++i) {
      if (!clash[i]) continue;
      const dsl::SourceFile& file = sources.file(clash[i]->file);
      local.error(pupils[i].origin, "duplicate-pupil",
                  "this pupil id is already used (" + file.path() + ", line " +
                      std::to_string(file.position(clash[i]->begin).line) + "): each pupil appears once in a load");
    }
  }
  diagnostics.append(local);
  if (local.has_errors()) return false;
  if (pupils_.empty()) {
    // The usual single file: no pupil moved one at a time, and its ids indexed only if another
    // file follows.
    pupils_ = std::move(pupils);
    in_id_order_ = rising;
    return true;
  }
  const std::size_t known = ids_.size();
  ids_.reserve(known + pupils.size());
  for (const Pupil& p : pupils) ids_.emplace_back(p.id(), p.origin);
  pupils_.reserve(pupils_.size() + pupils.size());
  std::move(pupils.begin(), pupils.end(), std::back_inserter(pupils_));
  in_id_order_ = false;
  const auto by_id = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!rising) std::sort(ids_.begin() + static_cast<std::ptrdiff_t>(known), ids_.end(), by_id);
  std::inplace_merge(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(known), ids_.end(), by_id);
  return true;
}

void CaseLoader::index_accepted() {
  ids_.reserve(pupils_.size());
  for (const Pupil& p : pupils_) ids_.emplace_back(p.id(), p.origin);
  // Ids are unique: a stable order is the same as any other.
  std::sort(ids_.begin(), ids_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

bool CaseLoader::add_yaml(const dsl::SourceSet& sources, dsl::FileId file, dsl::Diagnostics& diagnostics) {
  dsl::Diagnostics local;
  std::vector<Pupil> pupils = detail::read_case_yaml(sources, file, vocabulary_, codes_, local);
  return accept(pupils, sources, local, diagnostics);
}

bool CaseLoader::add_yaml_document(const dsl::SourceSet& sources, dsl::FileId file, const dsl::YamlNode& document,
                                   dsl::Diagnostics& diagnostics) {
  dsl::Diagnostics local;
  std::vector<Pupil> pupils = detail::read_case_yaml_document(sources, file, document, vocabulary_, codes_, local);
  return accept(pupils, sources, local, diagnostics);
}

bool CaseLoader::add_csv(const dsl::SourceSet& sources, dsl::FileId pupils_file, std::optional<dsl::FileId> records,
                         std::optional<dsl::FileId> attendance, dsl::Diagnostics& diagnostics) {
  dsl::Diagnostics local;
  std::vector<Pupil> pupils =
      detail::read_case_csv(sources, pupils_file, records, attendance, vocabulary_, codes_, local);
  return accept(pupils, sources, local, diagnostics);
}

std::optional<bool> CaseLoader::add_csv_streamed(const dsl::SourceSet& sources, dsl::FileId pupils_file,
                                                 std::optional<dsl::FileId> records,
                                                 const std::filesystem::path& attendance,
                                                 dsl::Diagnostics& diagnostics) {
  struct stat st {};
  if (stream_from_ == SIZE_MAX || ::stat(attendance.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::size_t>(st.st_size) < stream_from_) {
    return std::nullopt;
  }
  dsl::FileStamp stamp;
  std::optional<std::vector<Pupil>> pupils = detail::read_case_csv_streaming(
      sources, pupils_file, records, attendance.generic_string(), vocabulary_, codes_, stamp);
  if (!pupils) return std::nullopt;
  streamed_.push_back({attendance.generic_string(), stamp, sources.size()});
  dsl::Diagnostics local;
  return accept(*pupils, sources, local, diagnostics);
}

namespace {

namespace fs = std::filesystem;

/// Case files may be large exports; the 32-bit spans of rule files do not apply to them.
constexpr std::size_t max_case_file_bytes = std::size_t{1} << 34;

std::optional<dsl::FileId> read_case_file(const fs::path& path, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  return dsl::read_source(path.generic_string(), sources, diagnostics, max_case_file_bytes, /*personal=*/true);
}

/// Walks what the user named: each real folder once (a symlink back to a folder already walked is
/// not followed again), so links cannot make a walk loop or load a pupil twice.
class CaseWalk {
public:
  CaseWalk(CaseLoader& loader, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics)
      : loader_(loader), sources_(sources), diagnostics_(diagnostics) {}

  bool add(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return add_file(path);
    if (!walked_.emplace(st.st_dev, st.st_ino).second) return true;
    std::error_code ec;
    const fs::path pupils = path / "pupils.csv";
    const fs::path records = path / "records.csv";
    const fs::path attendance = path / "attendance.csv";
    const bool has_pupils = fs::exists(fs::symlink_status(pupils, ec));
    const bool has_records = fs::exists(fs::symlink_status(records, ec));
    const bool has_attendance = fs::exists(fs::symlink_status(attendance, ec));
    if (has_pupils) return add_csv(pupils, has_records ? &records : nullptr, has_attendance ? &attendance : nullptr);
    if (has_records || has_attendance) {
      // case-records.md §4: records and attendance rows name pupils of pupils.csv; alone they are
      // a half export, and loading them as no pupils would lose them silently.
      diagnostics_.error({}, "missing-file",
                         "'" + (has_records ? records : attendance).generic_string() +
                             "' needs 'pupils.csv' in the same folder: the CSV form names its pupils there");
      return false;
    }
    // A folder of case files: every .yaml/.yml and CSV folder below it, in name order (deterministic).
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
    if (ec) {
      diagnostics_.error({}, "cannot-read", "cannot read the folder '" + path.generic_string() + "': " + ec.message());
      return false;
    }
    std::sort(entries.begin(), entries.end());
    bool ok = true;
    for (const fs::path& e : entries) {
      const std::string ext = e.extension().string();
      struct stat entry {};
      const bool folder = ::stat(e.c_str(), &entry) == 0 && S_ISDIR(entry.st_mode);
      // Anything named as a case file is read (read_source refuses FIFOs, devices and link loops).
      if (folder || ext == ".yaml" || ext == ".yml") ok = add(e) && ok;
    }
    return ok;
  }

private:
  bool add_file(const fs::path& path) {
    if (path.extension() == ".csv") {
      diagnostics_.error({}, "cannot-read",
                         "'" + path.generic_string() + "' is one file of the CSV form: give the folder that holds pupils.csv");
      return false;
    }
    const auto file = read_case_file(path, sources_, diagnostics_);
    return file && loader_.add_yaml(sources_, *file, diagnostics_);
  }

  bool add_csv(const fs::path& pupils, const fs::path* records, const fs::path* attendance) {
    const auto pupils_file = read_case_file(pupils, sources_, diagnostics_);
    std::optional<dsl::FileId> records_file;
    std::optional<dsl::FileId> attendance_file;
    bool ok = pupils_file.has_value();
    if (records != nullptr) ok = (records_file = read_case_file(*records, sources_, diagnostics_)).has_value() && ok;
    if (ok && attendance != nullptr) {
      if (const auto added = loader_.add_csv_streamed(sources_, *pupils_file, records_file, *attendance, diagnostics_)) {
        return *added;
      }
    }
    if (attendance != nullptr) ok = (attendance_file = read_case_file(*attendance, sources_, diagnostics_)).has_value() && ok;
    return ok && loader_.add_csv(sources_, *pupils_file, records_file, attendance_file, diagnostics_);
  }

  CaseLoader& loader_;
  dsl::SourceSet& sources_;
  dsl::Diagnostics& diagnostics_;
  std::set<std::pair<dev_t, ino_t>> walked_;
};

}  // namespace

bool CaseLoader::add_path(const std::filesystem::path& path, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  return CaseWalk(*this, sources, diagnostics).add(path);
}

Caseload CaseLoader::finish() {
  Caseload out;
  out.pupils = std::move(pupils_);
  pupils_.clear();
  ids_.clear();
  const auto by_id = [](const Pupil& a, const Pupil& b) { return a.id() < b.id(); };
  // Exports usually list pupils in id order already (a single file known to be is not checked
  // again); moving 250,000 pupils about to check costs more.
  if (!in_id_order_ && !std::is_sorted(out.pupils.begin(), out.pupils.end(), by_id)) {
    std::sort(out.pupils.begin(), out.pupils.end(), by_id);
  }
  in_id_order_ = false;
  return out;
}

}  // namespace waymark::engine
