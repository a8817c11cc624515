#include "pipeline.hpp"

#include <ctime>
#include <set>

#include "waymark/dsl/printable.hpp"
#include "waymark/engine/case_loader.hpp"

namespace waymark::cli {

std::optional<engine::Caseload> load_cases(const std::vector<std::string>& paths, const dsl::Vocabulary& vocabulary,
                                           dsl::SourceSet& sources, dsl::Diagnostics& diagnostics,
                                           std::vector<engine::StreamedFile>* streamed) {
  engine::CaseLoader loader(vocabulary);
  // 16 MB: a school's year of marks is a few MB and is simply read; an LA's roll is hundreds of MB.
  if (streamed != nullptr) loader.stream_attendance_from(std::size_t{16} << 20);
  bool ok = true;
  for (const std::string& path : paths) ok = loader.add_path(path, sources, diagnostics) && ok;
  if (streamed != nullptr) streamed->insert(streamed->end(), loader.streamed_files().begin(), loader.streamed_files().end());
  if (!ok || diagnostics.has_errors()) return std::nullopt;
  return loader.finish();
}

std::optional<dsl::Date> parse_as_of(const std::string& text, dsl::Diagnostics& diagnostics) {
  if (text.empty()) {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return dsl::Date::from_ymd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
  }
  std::optional<dsl::Date> d = dsl::Date::parse_iso(text);
  if (!d) diagnostics.error({}, "usage", "--as-of takes a date as YYYY-MM-DD, not '" + text + "'");
  return d;
}

bool select_pupils(engine::Caseload& caseload, const std::vector<std::string>& ids, dsl::Diagnostics& diagnostics) {
  if (ids.empty()) return true;
  const std::set<std::string> wanted(ids.begin(), ids.end());
  bool ok = true;
  for (const std::string& id : wanted) {
    if (caseload.find(id) == nullptr) {
      std::vector<std::string> known;
      for (const engine::Pupil& p : caseload.pupils) known.push_back(p.id());
      diagnostics.error({}, "unknown-pupil",
                        "no pupil '" + dsl::printable(id) + "' in the cases given" + dsl::did_you_mean(id, known));
      ok = false;
    }
  }
  std::vector<engine::Pupil> kept;
  for (engine::Pupil& p : caseload.pupils) {
    if (wanted.count(p.id()) != 0) kept.push_back(std::move(p));
  }
  caseload.pupils = std::move(kept);
  return ok;
}

}  // namespace waymark::cli
