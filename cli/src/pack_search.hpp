#pragma once
// Where bare pack names are looked up (packs.md §1): WAYMARK_PACKS, then the shipped packs.

#include "waymark/dsl/rule_pack.hpp"

namespace waymark::cli {

/// The search path from the environment and the installation.
dsl::PackSearch pack_search();

}  // namespace waymark::cli
