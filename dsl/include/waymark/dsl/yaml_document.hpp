#pragma once
// Strict YAML for users' files (manifests, vocabularies, calendars, case files): a plain tree
// with the byte offset of every node, so that each later error can name file, line and column.
// Aliases, anchors, explicit tags and duplicate keys are rejected here (case-records.md §1).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::dsl {

/// One node of a YAML document.
struct YamlNode {
  // Declared here, defined in the .cpp: a node holds pairs of nodes, and clang with libstdc++ rejects
  // the implicit members of such a recursive type where they are first used (std::pair asks whether
  // YamlNode is default constructible while YamlNode is still incomplete).
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  std::string value;    // a scalar's text
  bool quoted = false;  // a scalar written in quotes or as a block: never a number, date or boolean
  bool flow = false;    // a collection written inline ([a, b] or {k: v})
  std::size_t offset = 0;
  std::vector<YamlNode> items;                          // sequence
  std::vector<std::pair<YamlNode, YamlNode>> entries;   // mapping, in written order

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }
  /// The value of a mapping's key, or null when absent (or when this is not a mapping).
  const YamlNode* find(std::string_view key) const;
  /// A human word for the node's shape: "a mapping", "a list", "a value", "nothing".
  std::string_view shape_word() const;
};

/// Whether messages may quote text from the file: never for case files, whose keys and values may be
/// a pupil's name or UPN written in the wrong place (issue 10.3); the position says where instead.
enum class Echo { text, never };

/// Every document of a YAML file. Text that is not clean UTF-8 (check_text), syntax errors (an
/// unterminated quote included), aliases, anchors, tags and duplicate keys become diagnostics (codes
/// `yaml-syntax`, `yaml-alias`, `yaml-tag`, `duplicate-key`); then nothing is returned.
std::optional<std::vector<YamlNode>> read_yaml(const SourceSet& sources, FileId file, Diagnostics& diagnostics,
                                               Echo echo = Echo::text);

/// A SourceRange for a node of `file` (the node's first character).
SourceRange yaml_range(FileId file, const YamlNode& node);

/// Reports, as `unknown-key` errors, the keys of `mapping` not in `allowed`, with a "did you mean".
/// Returns false when there was one. `what` names the mapping in the message ("the manifest").
bool reject_unknown_keys(FileId file, const YamlNode& mapping, const std::vector<std::string>& allowed,
                         std::string_view what, Diagnostics& diagnostics, Echo echo = Echo::text);

}  // namespace waymark::dsl
