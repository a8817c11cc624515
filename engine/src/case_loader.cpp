#include "waymark/engine/case_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "case_building.hpp"
#include "case_forms.hpp"

namespace waymark::engine {

CaseLoader::CaseLoader(const dsl::Vocabulary& vocabulary) : vocabulary_(vocabulary), codes_(vocabulary) {}

bool CaseLoader::accept(std::vector<Pupil>& pupils, const dsl::SourceSet& sources, dsl::Diagnostics& local,
                        dsl::Diagnostics& diagnostics) {
  // Pupil ids are unique across the whole load (case-records.md §1), within this file and with earlier ones.
  if (!local.has_errors()) {
    std::unordered_map<std::string, dsl::SourceRange> here;
    for (const Pupil& p : pupils) {
      const dsl::SourceRange* first = nullptr;
      if (const auto at = ids_.find(p.id()); at != ids_.end()) first = &at->second;
      const auto [at, fresh] = here.emplace(p.id(), p.origin);
      if (fresh && first == nullptr) continue;
      const dsl::SourceRange where = first != nullptr ? *first : at->second;
      const dsl::SourceFile& file = sources.file(where.file);
      local.error(p.origin, "duplicate-pupil",
                  "the pupil id '" + p.id() + "' is already used (" + file.path() + ", line " +
                      std::to_string(file.position(where.begin).line) + "): each pupil appears once in a load");
    }
  }
  diagnostics.append(local);
  if (local.has_errors()) return false;
  for (Pupil& p : pupils) {
    std::sort(p.records.begin(), p.records.end(), record_before);
    ids_.emplace(p.id(), p.origin);
    pupils_.push_back(std::move(p));
  }
  return true;
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

std::optional<dsl::FileId> read_source(const std::filesystem::path& path, dsl::SourceSet& sources,
                                       dsl::Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error({}, "io", "cannot read " + path.string() + ": check the path and its permissions");
    return std::nullopt;
  }
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size > 0) {
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(text.data(), size);
  }
  if (!in && size > 0) {
    diagnostics.error({}, "io", "cannot read " + path.string() + ": check the path and its permissions");
    return std::nullopt;
  }
  return sources.add(path.generic_string(), std::move(text), /*personal=*/true);
}

bool CaseLoader::add_path(const std::filesystem::path& path, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "pupils.csv", ec)) {
      const auto pupils = read_source(path / "pupils.csv", sources, diagnostics);
      std::optional<dsl::FileId> records;
      std::optional<dsl::FileId> attendance;
      if (fs::exists(path / "records.csv", ec)) records = read_source(path / "records.csv", sources, diagnostics);
      if (fs::exists(path / "attendance.csv", ec)) {
        attendance = read_source(path / "attendance.csv", sources, diagnostics);
      }
      if (!pupils) return false;
      return add_csv(sources, *pupils, records, attendance, diagnostics);
    }
    // A folder of case files: every .yaml/.yml and CSV folder below it, in name order (deterministic).
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(path, ec)) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    bool ok = true;
    for (const fs::path& e : entries) {
      const std::string ext = e.extension().string();
      if (fs::is_directory(e, ec) || ext == ".yaml" || ext == ".yml") ok = add_path(e, sources, diagnostics) && ok;
    }
    return ok;
  }
  const auto file = read_source(path, sources, diagnostics);
  if (!file) return false;
  return add_yaml(sources, *file, diagnostics);
}

Caseload CaseLoader::finish() {
  Caseload out;
  out.pupils = std::move(pupils_);
  pupils_.clear();
  ids_.clear();
  std::sort(out.pupils.begin(), out.pupils.end(), [](const Pupil& a, const Pupil& b) { return a.id() < b.id(); });
  return out;
}

}  // namespace waymark::engine
