#pragma once
// For the fuzz targets (the checker in fuzz_parse, the case loaders): the england pack's vocabulary, loaded once from the source tree.

#include <fstream>
#include <sstream>
#include <string>

#include "waymark/dsl/vocabulary.hpp"

namespace waymark::fuzz {

/// rules/england/vocabulary.yaml, loaded on first use; a vocabulary that fails to load is a bug in
/// the tree, not a finding, so it traps at once.
inline const dsl::Vocabulary& england_vocabulary() {
  static const dsl::Vocabulary v = [] {
    std::ifstream in(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england/vocabulary.yaml", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    dsl::SourceSet sources;
    const auto file = sources.add("vocabulary.yaml", text.str());
    dsl::Vocabulary out;
    dsl::Diagnostics d;
    if (!dsl::load_vocabulary(sources, file, out, d)) __builtin_trap();
    return out;
  }();
  return v;
}

}  // namespace waymark::fuzz
