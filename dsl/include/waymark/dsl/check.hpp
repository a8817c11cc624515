#pragma once
// The checking stages after parse (language.md §8): resolve every name against the pack's
// vocabulary, parameters and bindings, check types, and warn about rules that cannot be right.
// The result records what each name means and each expression's type, for the compiler.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/rule_pack.hpp"
#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl {

enum class ValueKind {
  error,  // already reported: suppresses follow-on errors
  boolean,
  number,
  percent,
  date,
  duration,
  age,  // `age of X`: compares with a duration (language.md §4)
  string,
  enumeration,
  item,        // a bound record (or a date-list element)
  collection,  // a date list used where a value is expected is an error
};

/// The static type of an expression.
struct Type {
  ValueKind kind = ValueKind::error;
  int record_kind = -1;                 // item: index into Vocabulary::kinds(); -1 for a date-list element
  const FieldSpec* enum_field = nullptr;  // enumeration: the field declaring the values
  bool optional = false;                // may be none at run time
};

/// A parameter after overrides, as the evaluator will see it.
struct ParamSymbol {
  std::string pack;  // the declaring pack
  FileId file = no_file;
  const Param* declaration = nullptr;
  LiteralValue value;  // the declared literal, or the nearest override
  bool overridden = false;
  bool used = false;
};

/// What a lone name or a path root refers to.
struct Reference {
  enum class Kind { parameter, binding, pupil } kind = Kind::parameter;
  int parameter = -1;                  // index into CheckedPack::params
  const Quantified* binding = nullptr;  // the `for each`, `some`, `no` or aggregate that binds it
};

/// What a path (`x.field`) reads.
struct PathTarget {
  Reference root;
  int field = -1;  // index into the pupil attributes or into the bound kind's fields
};

/// What a quantifier ranges over.
struct CollectionTarget {
  int record_kind = -1;        // a kind: index into Vocabulary::kinds(); -1 for a date list
  PathTarget date_list;        // a date list: the path to the field
};

/// A rule of the pack with its qualified id and whether a manifest disabled it.
struct CheckedRule {
  const Rule* rule = nullptr;
  std::string pack;
  std::string qualified_id;  // `PACK/RULE-ID`
  FileId file = no_file;
  bool enabled = true;
};

/// Everything the compiler needs from the checker, keyed by syntax-tree node.
struct CheckedPack {
  const RulePack* pack = nullptr;
  std::vector<ParamSymbol> params;
  std::vector<CheckedRule> rules;  // in chain order (base first), then file and written order
  std::unordered_map<const Expr*, Type> types;
  std::unordered_map<const Expr*, Reference> names;      // NameRef expressions
  std::unordered_map<const Expr*, PathTarget> paths;     // Path expressions
  std::unordered_map<const Quantified*, CollectionTarget> collections;
};

/// Resolves names and checks types of every rule file of the pack, reporting every error of every
/// file in one run, and the warnings of language.md §8. The result is usable only without errors.
CheckedPack check(const RulePack& pack, const SourceSet& sources, Diagnostics& diagnostics);

/// A phrase for a type in messages: "a date", "a percent", "an enum (sen)".
std::string describe(const Type& type, const Vocabulary& vocabulary);

}  // namespace waymark::dsl
