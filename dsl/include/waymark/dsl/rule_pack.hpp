#pragma once
// A loaded rule pack and its chain of bases (packs.md §1): manifests, parsed rule files, the merged
// vocabulary, tiers and parameter overrides. Produced by load_pack; read by the checker and compiler.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/syntax_tree.hpp"
#include "waymark/dsl/vocabulary.hpp"

namespace waymark::dsl {

/// A parameter override from a manifest's `parameters:` (packs.md §1), kept as written until checked.
struct ParamOverride {
  std::string name;       // as written: `review_interval` or `england.review_interval`
  std::string value;      // the YAML scalar, read with the literal syntax of the declared type
  bool quoted = false;    // written in YAML quotes
  SourceRange key_range;  // for errors: the YAML line
  SourceRange value_range;
};

/// A `disable:` entry of a manifest.
struct DisabledRule {
  std::string rule;  // qualified: `england/some-rule`
  SourceRange range;
};

/// One pack of a chain: its manifest and its parsed files.
struct PackLayer {
  std::string name;       // the manifest's `pack:` (the prefix of its rule ids)
  std::string title;
  std::string version;
  std::string authority;
  std::string folder;     // as found (relative paths as the user gave them)
  FileId manifest = no_file;
  std::vector<RuleFile> rule_files;
  std::vector<FileId> test_files;
  std::vector<FileId> calendar_files;   // resolved calendar YAML files, read by the engine
  std::optional<FileId> vocabulary_file;
  std::vector<ParamOverride> overrides;
  std::vector<DisabledRule> disabled;
  std::map<std::int64_t, std::string> tiers;  // this layer's `tiers:` (empty: inherited)
};

/// A pack with its bases, base first: `layers.back()` is the pack that was asked for.
struct RulePack {
  std::vector<PackLayer> layers;
  Vocabulary vocabulary;                      // merged: base, then each overlay's additions
  std::map<std::int64_t, std::string> tiers;  // the nearest layer that declares tiers
  std::string digest;                         // `sha256:...` over the canonical content (packs.md §1)

  const PackLayer& top() const { return layers.back(); }
  /// Index of a layer by pack name, or -1.
  int layer_index(const std::string& name) const;
};

/// Where to find packs named by a bare name: beside the naming pack, WAYMARK_PACKS, then shipped packs.
struct PackSearch {
  std::vector<std::string> directories;  // WAYMARK_PACKS, in order
  std::string shipped;                   // the folder of shipped packs (rules/)
};

/// Loads the pack named by `name_or_path` and its bases: manifests, vocabularies and rule files
/// (parsed). A folder without pack.yaml is an anonymous pack extending `england`. Problems are
/// diagnostics; returns nothing when the pack could not be loaded at all.
std::optional<RulePack> load_pack(const std::string& name_or_path, const PackSearch& search, SourceSet& sources,
                                  Diagnostics& diagnostics);

/// The pack digest (packs.md §1): SHA-256 over the chain's manifests, rule files, vocabularies and
/// calendars, each framed by its name `PACK/relative-path` and length, sorted by name.
std::string pack_digest(const RulePack& pack, const SourceSet& sources);

}  // namespace waymark::dsl
