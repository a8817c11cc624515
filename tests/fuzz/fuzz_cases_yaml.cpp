// libFuzzer target: the YAML case loader (case-records.md §1) must turn any bytes into pupils or
// diagnostics, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "waymark/engine/case_loader.hpp"

namespace {

const waymark::dsl::Vocabulary& vocabulary() {
  static const waymark::dsl::Vocabulary v = [] {
    std::ifstream in(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england/vocabulary.yaml", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    waymark::dsl::SourceSet sources;
    const auto file = sources.add("vocabulary.yaml", text.str());
    waymark::dsl::Vocabulary out;
    waymark::dsl::Diagnostics d;
    if (!waymark::dsl::load_vocabulary(sources, file, out, d)) __builtin_trap();
    return out;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  waymark::dsl::SourceSet sources;
  const auto file = sources.add("case.yaml", std::string(reinterpret_cast<const char*>(data), size));
  waymark::engine::CaseLoader loader(vocabulary());
  waymark::dsl::Diagnostics diagnostics;
  const bool ok = loader.add_yaml(sources, file, diagnostics);
  // A file is either loaded or reported, and every diagnostic renders.
  if (ok == diagnostics.has_errors()) __builtin_trap();
  (void)waymark::dsl::render_text(diagnostics.sorted(), sources);
  (void)loader.finish();
  return 0;
}
