#pragma once
// What `waymark audit verify` finds (docs/store.md, "What verify proves"), and the comparison of a
// stored run with a re-evaluation of its inputs (`waymark audit reproduce`).

#include <cstdint>
#include <string>
#include <vector>

#include "waymark/engine/result.hpp"

namespace waymark::store {

/// One sign of tampering: which entry of the chain (0 when none), which table and row, what differs.
struct AuditProblem {
  std::int64_t entry = 0;
  std::string table;
  std::int64_t row = 0;
  std::string what;
};

struct AuditReport {
  std::size_t entries = 0;  // chain entries checked
  std::size_t imports = 0;
  std::size_t runs = 0;
  std::size_t flags = 0;
  std::size_t due = 0;
  std::size_t acknowledgements = 0;
  std::size_t user_changes = 0;  // users added or removed (server.md)
  std::size_t pupil_versions = 0;
  std::int64_t head_entry = 0;  // the last entry, as the database records it
  std::string head_hash;        // `sha256:...`: record it elsewhere to detect a rewrite later
  std::int64_t anchor_entry = 0;  // where the head the auditor gave was found (0: not given or not found)
  std::vector<AuditProblem> problems;  // the first altered or missing entry first
  bool intact() const { return problems.empty(); }
};

/// The differences between a stored run and a re-evaluation of its inputs, as sentences; empty when
/// the flags, due entries, tiers and explanations are the same. Explanation locations are compared by
/// file name and position, so a pack read from another folder still reproduces.
std::vector<std::string> compare_runs(const engine::RunResult& stored, const engine::RunResult& fresh);

}  // namespace waymark::store
