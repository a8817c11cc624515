#pragma once
// The first checking stage (language.md §8): resolve every name of a pack's rules (parameters with
// overrides, rules and disables, bindings and `about`, paths, windows' operands) and record the
// answers for the compiler. check.cpp derives the type stage from it; lint.cpp runs after both.
// Private to the checker.

#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/check.hpp"

namespace waymark::dsl::detail {

/// A type of this kind.
Type make(ValueKind kind, bool optional = false);
/// The type a field reads as.
Type type_of_field(const FieldSpec& f);
/// The type of a literal.
Type type_of_literal(const LiteralValue& v);
/// "'within last'" and so on, for messages.
const char* window_phrase(WindowKind k);

// One binding in scope: a `for each` variable, a quantifier's variable, or (with no variable)
// the kind name standing for the current item.
struct Binding {
  const Quantified* quantified;
  std::string name;  // empty for an implicit binding
  int record_kind;   // -1: an element of a date list
};

/// Name resolution over a whole pack; the type stage (check.cpp) supplies the checks of
/// expressions and conditions that resolution needs along the way.
class NameStage {
public:
  NameStage(const RulePack& pack, CheckedPack& out, Diagnostics& diagnostics)
      : pack_(pack), vocabulary_(pack.vocabulary), out_(out), diagnostics_(diagnostics) {}

  virtual ~NameStage() = default;
  NameStage(const NameStage&) = delete;
  NameStage& operator=(const NameStage&) = delete;

  /// Checks every rule and parameter of every layer.
  void run();

  const SourceSet* sources = nullptr;

protected:
  /// The type stage: an expression's type (recorded for the compiler), and a condition's checks.
  virtual Type check_expr(const Expr& e) = 0;
  virtual void check_condition(const Condition& c) = 0;

  // ------------------------------------------------------------------ diagnostics

  void error(Span span, const char* code, std::string message);

  void warning(Span span, const char* code, std::string message);

  std::string text(Span span) const;

  std::string_view pack_sources_text() const;  // the current file's text

  std::string describe_type(const Type& t) const;

  // ------------------------------------------------------------------ parameters

  void collect_params();

  /// The parameter a name means in a layer: its own pack's, else the nearest base's (packs.md §1).
  int find_param(const std::string& name, int layer) const;

  std::vector<std::string> visible_param_names(int layer) const;

  void apply_overrides();

  void check_param_description(const Param& p);

  // ------------------------------------------------------------------ rules

  void collect_rules();

  void apply_disables();

  void check_rule(const Rule& rule);

  static std::string join(const std::vector<std::string>& items);

  void check_text(const Text& t);

  // ------------------------------------------------------------------ bindings

  /// Resolves a quantifier's collection and, for `for each`, keeps its binding in scope.
  void bind(const Quantified& q, bool for_each);

  /// `COLLECTION about X` (case-records.md §2.1): records of a kind, X a bound record.
  void check_about(const Quantified& q, const CollectionTarget& target, bool resolved);

  /// X of `about X`: a bound record (the `for each` variable or an enclosing `some`/`no` variable).
  void expect_about_target(const Expr& x);

  /// The index of a kind's `about` field, or -1.
  int about_field(int record_kind) const;

  void check_variable_name(const Name& v);

  CollectionTarget resolve_collection(const CollectionSource& s, bool for_each);

  // ------------------------------------------------------------------ windows

  void check_window(const Window& w);

  void expect_duration(const Expr& e, const std::string& where);

  // ------------------------------------------------------------------ paths and names

  const FieldSpec* field_of(const PathTarget& t) const;

  const Binding* binding_for(const Quantified* q) const;

  /// The binding a name means: a variable in scope, or a kind standing for an unnamed current item.
  const Binding* find_binding(const std::string& name) const;

  std::vector<std::string> variable_names() const;

  std::optional<PathTarget> resolve_path(const Path& p);

  Type type_of_path_target(const PathTarget& t);

  Type check_name(const Expr& e, const NameRef& n);


  const RulePack& pack_;
  const Vocabulary& vocabulary_;
  CheckedPack& out_;
  Diagnostics& diagnostics_;
  std::vector<int> param_layer_;
  std::vector<Binding> scope_;
  int layer_ = 0;
  FileId file_ = no_file;

};

}  // namespace waymark::dsl::detail
