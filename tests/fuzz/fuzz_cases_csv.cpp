// libFuzzer target: the CSV case loader (case-records.md §4). The input is split at NUL bytes into
// pupils.csv, records.csv and attendance.csv; any bytes must give pupils or diagnostics, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "england_vocabulary.hpp"
#include "waymark/engine/case_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i) {
    const std::size_t nul = input.find('\0');
    parts[i] = input.substr(0, nul);
    input = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    if (nul == std::string_view::npos) break;
  }
  waymark::dsl::SourceSet sources;
  const auto pupils = sources.add("pupils.csv", std::string(parts[0]));
  std::optional<waymark::dsl::FileId> records;
  std::optional<waymark::dsl::FileId> attendance;
  if (!parts[1].empty()) records = sources.add("records.csv", std::string(parts[1]));
  if (!parts[2].empty()) attendance = sources.add("attendance.csv", std::string(parts[2]));
  waymark::engine::CaseLoader loader(waymark::fuzz::england_vocabulary());
  waymark::dsl::Diagnostics diagnostics;
  const bool ok = loader.add_csv(sources, pupils, records, attendance, diagnostics);
  if (ok == diagnostics.has_errors()) __builtin_trap();
  (void)waymark::dsl::render_text(diagnostics.sorted(), sources);
  (void)loader.finish();
  return 0;
}
