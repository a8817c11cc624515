// libFuzzer target: the YAML case loader (case-records.md §1) must turn any bytes into pupils or
// diagnostics, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "england_vocabulary.hpp"
#include "waymark/engine/case_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  waymark::dsl::SourceSet sources;
  const auto file = sources.add("case.yaml", std::string(reinterpret_cast<const char*>(data), size));
  waymark::engine::CaseLoader loader(waymark::fuzz::england_vocabulary());
  waymark::dsl::Diagnostics diagnostics;
  const bool ok = loader.add_yaml(sources, file, diagnostics);
  // A file is either loaded or reported, and every diagnostic renders.
  if (ok == diagnostics.has_errors()) __builtin_trap();
  (void)waymark::dsl::render_text(diagnostics.sorted(), sources);
  (void)loader.finish();
  return 0;
}
