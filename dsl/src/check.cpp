// Name resolution and type checking of a pack's rules (language.md §4, §8).
// One walk over every rule resolves names and computes types, recording both for the compiler;
// a second walk (lint.cpp) looks for rules that can never hold or read missing data unguarded.

#include "waymark/dsl/check.hpp"

#include <algorithm>
#include <set>

#include "check_internal.hpp"
#include "waymark/dsl/keywords.hpp"

namespace waymark::dsl {

std::string describe(const Type& type, const Vocabulary& vocabulary) {
  switch (type.kind) {
    case ValueKind::error: return "an invalid value";
    case ValueKind::boolean: return "true/false";
    case ValueKind::number: return "a number";
    case ValueKind::percent: return "a percent";
    case ValueKind::date: return "a date";
    case ValueKind::duration: return "a duration";
    case ValueKind::age: return "an age ('age of ...')";
    case ValueKind::string: return "a string";
    case ValueKind::enumeration:
      return type.enum_field != nullptr ? "an enum (" + type.enum_field->name + ")" : std::string("an enum");
    case ValueKind::item:
      if (type.record_kind >= 0 && static_cast<std::size_t>(type.record_kind) < vocabulary.kinds().size()) {
        return "a record (" + vocabulary.kinds()[static_cast<std::size_t>(type.record_kind)].name + ")";
      }
      return "a date-list entry";
    case ValueKind::collection: return "a list of dates";
  }
  return "a value";
}

namespace {

Type make(ValueKind kind, bool optional = false) {
  Type t;
  t.kind = kind;
  t.optional = optional;
  return t;
}

Type type_of_field(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::boolean: return make(ValueKind::boolean);
    case FieldType::number: return make(ValueKind::number, !f.always_present());
    case FieldType::string: return make(ValueKind::string, !f.always_present());
    case FieldType::date: return make(ValueKind::date, !f.always_present());
    case FieldType::enumeration: {
      Type t = make(ValueKind::enumeration, !f.always_present());
      t.enum_field = &f;
      return t;
    }
    case FieldType::date_list: return make(ValueKind::collection);
  }
  return make(ValueKind::error);
}

Type type_of_literal(const LiteralValue& v) {
  switch (v.index()) {
    case 0: return make(ValueKind::boolean);
    case 1: return make(ValueKind::number);
    case 2: return make(ValueKind::percent);
    case 3: return make(ValueKind::date);
    case 4: return make(ValueKind::duration);
    default: return make(ValueKind::string);
  }
}

const char* window_phrase(WindowKind k) {
  switch (k) {
    case WindowKind::within_last: return "'within last'";
    case WindowKind::within_after: return "'within ... after'";
    case WindowKind::within_before: return "'within ... before'";
    case WindowKind::after: return "'after'";
    case WindowKind::before: return "'before'";
    case WindowKind::between: return "'between'";
    default: return "the window";
  }
}

// One binding in scope: a `for each` variable, a quantifier's variable, or (with no variable)
// the kind name standing for the current item.
struct Binding {
  const Quantified* quantified;
  std::string name;  // empty for an implicit binding
  int record_kind;   // -1: an element of a date list
};

class Checker {
public:
  Checker(const RulePack& pack, CheckedPack& out, Diagnostics& diagnostics)
      : pack_(pack), vocabulary_(pack.vocabulary), out_(out), diagnostics_(diagnostics) {}

  void run() {
    collect_params();
    apply_overrides();
    collect_rules();
    apply_disables();
    for (std::size_t layer = 0; layer < pack_.layers.size(); ++layer) {
      layer_ = static_cast<int>(layer);
      for (const RuleFile& file : pack_.layers[layer].rule_files) {
        file_ = file.file;
        for (const Declaration& d : file.declarations) {
          if (const Rule* r = std::get_if<Rule>(&d)) check_rule(*r);
          if (const Param* p = std::get_if<Param>(&d)) check_param_description(*p);
        }
      }
    }
  }

private:
  // ------------------------------------------------------------------ diagnostics

  void error(Span span, const char* code, std::string message) {
    diagnostics_.error({file_, span.begin, span.end}, code, std::move(message));
  }

  void warning(Span span, const char* code, std::string message) {
    diagnostics_.warning({file_, span.begin, span.end}, code, std::move(message));
  }

  std::string text(Span span) const {
    const std::string& t = pack_sources_text();
    if (span.end > t.size() || span.begin > span.end) return {};
    return t.substr(span.begin, span.end - span.begin);
  }

  const std::string& pack_sources_text() const;  // defined below: the current file's text

  std::string describe_type(const Type& t) const { return describe(t, vocabulary_); }

  // ------------------------------------------------------------------ parameters

  void collect_params() {
    for (std::size_t layer = 0; layer < pack_.layers.size(); ++layer) {
      std::set<std::string> seen;
      for (const RuleFile& file : pack_.layers[layer].rule_files) {
        file_ = file.file;
        for (const Declaration& d : file.declarations) {
          const Param* p = std::get_if<Param>(&d);
          if (p == nullptr) continue;
          if (!seen.insert(p->name.text).second) {
            error(p->name.span, "duplicate-parameter",
                  "the parameter '" + p->name.text + "' is declared twice in pack '" + pack_.layers[layer].name +
                      "'; keep one declaration");
            continue;
          }
          ParamSymbol s;
          s.pack = pack_.layers[layer].name;
          s.file = file.file;
          s.declaration = p;
          s.value = p->value.value;
          out_.params.push_back(std::move(s));
          param_layer_.push_back(static_cast<int>(layer));
        }
      }
    }
  }

  /// The parameter a name means in a layer: its own pack's, else the nearest base's (packs.md §1).
  int find_param(const std::string& name, int layer) const {
    for (int l = layer; l >= 0; --l) {
      for (std::size_t i = 0; i < out_.params.size(); ++i) {
        if (param_layer_[i] == l && out_.params[i].declaration->name.text == name) return static_cast<int>(i);
      }
    }
    return -1;
  }

  std::vector<std::string> visible_param_names(int layer) const {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < out_.params.size(); ++i) {
      if (param_layer_[i] <= layer) names.push_back(out_.params[i].declaration->name.text);
    }
    return names;
  }

  void apply_overrides() {
    // The nearest override wins: the most derived pack's value, since it is the one being run.
    for (std::size_t layer = 0; layer < pack_.layers.size(); ++layer) {
      for (const ParamOverride& o : pack_.layers[layer].overrides) {
        int index = -1;
        const auto dot = o.name.find('.');
        if (dot != std::string::npos) {
          const std::string owner = o.name.substr(0, dot);
          const std::string name = o.name.substr(dot + 1);
          for (std::size_t i = 0; i < out_.params.size(); ++i) {
            if (out_.params[i].pack == owner && out_.params[i].declaration->name.text == name) index = static_cast<int>(i);
          }
        } else {
          index = find_param(o.name, static_cast<int>(layer));
        }
        if (index < 0) {
          diagnostics_.error(o.key_range, "unknown-parameter",
                             "no parameter '" + o.name + "' to override" +
                                 did_you_mean(o.name, visible_param_names(static_cast<int>(layer))));
          continue;
        }
        ParamSymbol& symbol = out_.params[static_cast<std::size_t>(index)];
        std::optional<LiteralValue> value = detail::parse_override(o.value, o.quoted, symbol.declaration->value.value);
        if (!value) {
          diagnostics_.error(o.value_range, "type-mismatch",
                             "the parameter '" + o.name + "' is " +
                                 describe_type(type_of_literal(symbol.declaration->value.value)) + " (declared as " +
                                 symbol.declaration->value.text + "), so its override must be too; '" + o.value +
                                 "' is not");
          continue;
        }
        symbol.value = std::move(*value);
        symbol.overridden = true;
      }
    }
  }

  void check_param_description(const Param& p) {
    if (p.description && !std::holds_alternative<std::string>(p.description->value)) {
      error(p.description->span, "type-mismatch", "a parameter's description is a string");
    }
  }

  // ------------------------------------------------------------------ rules

  void collect_rules() {
    for (std::size_t layer = 0; layer < pack_.layers.size(); ++layer) {
      std::set<std::string> seen;
      for (const RuleFile& file : pack_.layers[layer].rule_files) {
        file_ = file.file;
        for (const Declaration& d : file.declarations) {
          const Rule* r = std::get_if<Rule>(&d);
          if (r == nullptr) continue;
          if (is_keyword(r->id.text)) {
            error(r->id.span, "syntax", "'" + r->id.text + "' is a keyword and cannot be a rule id");
          }
          if (!seen.insert(r->id.text).second) {
            error(r->id.span, "duplicate-rule",
                  "the rule id '" + r->id.text + "' is already used in pack '" + pack_.layers[layer].name +
                      "'; rule ids must be unique within a pack");
            continue;
          }
          CheckedRule c;
          c.rule = r;
          c.pack = pack_.layers[layer].name;
          c.qualified_id = c.pack + "/" + r->id.text;
          c.file = file.file;
          out_.rules.push_back(std::move(c));
        }
      }
    }
  }

  void apply_disables() {
    std::vector<std::string> ids;
    for (const CheckedRule& r : out_.rules) ids.push_back(r.qualified_id);
    for (const PackLayer& layer : pack_.layers) {
      for (const DisabledRule& d : layer.disabled) {
        auto it = std::find_if(out_.rules.begin(), out_.rules.end(),
                               [&](const CheckedRule& r) { return r.qualified_id == d.rule; });
        if (it == out_.rules.end()) {
          diagnostics_.error(d.range, "unknown-rule", "no rule '" + d.rule + "' to disable" + did_you_mean(d.rule, ids));
          continue;
        }
        it->enabled = false;
      }
    }
  }

  void check_rule(const Rule& rule) {
    scope_.clear();
    if (rule.category && !vocabulary_.has_category(rule.category->text)) {
      error(rule.category->span, "unknown-category",
            "unknown category '" + rule.category->text + "'" + did_you_mean(rule.category->text, vocabulary_.categories()) +
                " (categories: " + join(vocabulary_.categories()) + ")");
    }
    if (rule.for_each) bind(rule.for_each->binding, true);
    check_text(rule.title);
    if (rule.when) check_condition(*rule.when);
    if (rule.unless) check_condition(*rule.unless);
    for (const Action& a : rule.actions) {
      if (const Suggest* s = std::get_if<Suggest>(&a)) {
        if (s->tier && pack_.tiers.count(*s->tier) == 0) {
          std::vector<std::string> names;
          for (const auto& [level, title] : pack_.tiers) names.push_back(std::to_string(level));
          error(s->tier_span, "unknown-tier",
                "there is no tier " + std::to_string(*s->tier) + " in this pack (tiers: " + join(names) + ")");
        }
        check_text(s->text);
      } else if (const Notify* n = std::get_if<Notify>(&a)) {
        if (!vocabulary_.has_role(n->role.text)) {
          error(n->role.span, "unknown-role",
                "unknown role '" + n->role.text + "'" + did_you_mean(n->role.text, vocabulary_.roles()) +
                    " (roles: " + join(vocabulary_.roles()) + ")");
        }
      }
    }
    if (!rule.cite) {
      warning(rule.id.span, "missing-cite",
              "the rule '" + rule.id.text + "' has no 'cite': say where in the guidance it comes from");
    }
    scope_.clear();
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  void check_text(const Text& t) {
    for (const TextPart& part : t.parts) {
      if (!part.expr) continue;
      const Type type = check_expr(*part.expr);
      if (type.kind == ValueKind::collection) {
        error(span_of(*part.expr), "type-mismatch", "a list of dates cannot be printed; use 'max date of ...' or 'count of ...'");
      }
    }
  }

  // ------------------------------------------------------------------ bindings

  /// Resolves a quantifier's collection and, for `for each`, keeps its binding in scope.
  void bind(const Quantified& q, bool for_each) {
    const CollectionTarget target = resolve_collection(q.source, for_each);
    out_.collections[&q] = target;
    if (q.window) check_window(*q.window);
    Binding b{&q, q.variable ? q.variable->text : std::string(), target.record_kind};
    const bool resolved = target.record_kind >= 0 || target.date_list.field >= 0;
    // `about X` is resolved before this quantifier's own variable is in scope: X is an outer item.
    if (q.about) check_about(q, target, resolved);
    if (q.variable) check_variable_name(*q.variable);
    if (!resolved) b.record_kind = -2;  // unknown collection: names under it are not reported again
    scope_.push_back(b);
    if (q.filter) {
      const std::size_t before = scope_.size();
      check_condition(*q.filter);
      scope_.resize(before);
    }
    if (!for_each) scope_.pop_back();
  }

  /// `COLLECTION about X` (case-records.md §2.1): records of a kind, X a bound record.
  void check_about(const Quantified& q, const CollectionTarget& target, bool resolved) {
    if (resolved && target.record_kind < 0) {
      error(q.about_span, "type-mismatch", "'about' keeps the records about an item, but a list of dates holds no records");
    } else if (target.record_kind >= 0 && about_field(target.record_kind) < 0) {
      const std::string& kind = vocabulary_.kinds()[static_cast<std::size_t>(target.record_kind)].name;
      error(q.about_span, "unknown-field", kind + " has no field 'about' in this vocabulary");
    }
    expect_about_target(*q.about);
  }

  /// X of `about X`: a bound record (the `for each` variable or an enclosing `some`/`no` variable).
  void expect_about_target(const Expr& x) {
    const Type t = check_expr(x);
    if (t.kind == ValueKind::error || (t.kind == ValueKind::item && t.record_kind >= 0)) return;
    error(span_of(x), "type-mismatch",
          "'about' needs a bound record (a 'for each', 'some' or 'no' variable), but '" + text(span_of(x)) + "' is " +
              describe_type(t));
  }

  /// The index of a kind's `about` field, or -1.
  int about_field(int record_kind) const {
    const KindSpec& kind = vocabulary_.kinds()[static_cast<std::size_t>(record_kind)];
    const FieldSpec* f = kind.field(about_field_name);
    return f != nullptr && f->type == FieldType::string ? static_cast<int>(f - kind.fields.data()) : -1;
  }

  void check_variable_name(const Name& v) {
    if (find_param(v.text, layer_) >= 0) {
      error(v.span, "duplicate-variable", "'" + v.text + "' is a parameter; choose another name for the variable");
    } else if (vocabulary_.kind(v.text) != nullptr && vocabulary_.kind(v.text)->name == v.text) {
      error(v.span, "duplicate-variable", "'" + v.text + "' is a kind of record; choose another name for the variable");
    } else {
      for (const Binding& b : scope_) {
        if (b.name == v.text) {
          error(v.span, "duplicate-variable", "the variable '" + v.text + "' is already bound here; choose another name");
          break;
        }
      }
    }
  }

  CollectionTarget resolve_collection(const CollectionSource& s, bool for_each) {
    CollectionTarget target;
    if (!s.field) {
      const KindSpec* k = vocabulary_.kind(s.name.text);
      if (k == nullptr) {
        std::vector<std::string> names = vocabulary_.kind_names();
        std::vector<std::string> plurals;
        for (const std::string& n : names) plurals.push_back(n + "s");
        names.insert(names.end(), plurals.begin(), plurals.end());
        error(s.name.span, "unknown-kind",
              "unknown kind of record '" + s.name.text + "'" + did_you_mean(s.name.text, names));
        return target;
      }
      target.record_kind = static_cast<int>(k - vocabulary_.kinds().data());
      return target;
    }
    if (for_each) {
      error(s.span, "type-mismatch", "'for each' takes a kind of record, not a list of dates");
      return target;
    }
    // A date list: `rt.reviews`, `pupil.some_dates`.
    Path p;
    p.root = s.name;
    p.field = *s.field;
    p.span = s.span;
    const std::optional<PathTarget> resolved = resolve_path(p);
    if (!resolved) return target;
    const FieldSpec* f = field_of(*resolved);
    if (f == nullptr) return target;
    if (f->type != FieldType::date_list) {
      error(s.field->span, "type-mismatch",
            "'" + s.name.text + "." + s.field->text + "' is " + describe_type(type_of_field(*f)) +
                ", not a list of dates or a kind of record");
      return target;
    }
    target.date_list = *resolved;
    return target;
  }

  // ------------------------------------------------------------------ windows

  void check_window(const Window& w) {
    if (w.duration) expect_duration(*w.duration, window_phrase(w.kind));
    auto expect_date = [&](const Expr& e) {
      const Type t = check_expr(e);
      if (t.kind == ValueKind::error || t.kind == ValueKind::date || t.kind == ValueKind::item) return;
      error(span_of(e), "type-mismatch", std::string(window_phrase(w.kind)) + " needs a date, but this is " + describe_type(t));
    };
    if (w.first) expect_date(*w.first);
    if (w.second) expect_date(*w.second);
  }

  void expect_duration(const Expr& e, const std::string& where) {
    const Type t = check_expr(e);
    if (t.kind == ValueKind::error || t.kind == ValueKind::duration) return;
    error(span_of(e), "type-mismatch",
          where + " needs a duration such as '4 weeks' or '5 school days', but this is " + describe_type(t));
  }

  // ------------------------------------------------------------------ paths and names

  const FieldSpec* field_of(const PathTarget& t) const {
    if (t.field < 0) return nullptr;
    if (t.root.kind == Reference::Kind::pupil) return &vocabulary_.pupil_attributes()[static_cast<std::size_t>(t.field)];
    const Binding* b = binding_for(t.root.binding);
    if (b == nullptr || b->record_kind < 0) return nullptr;
    return &vocabulary_.kinds()[static_cast<std::size_t>(b->record_kind)].fields[static_cast<std::size_t>(t.field)];
  }

  const Binding* binding_for(const Quantified* q) const {
    for (const Binding& b : scope_) {
      if (b.quantified == q) return &b;
    }
    return nullptr;
  }

  /// The binding a name means: a variable in scope, or a kind standing for an unnamed current item.
  const Binding* find_binding(const std::string& name) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (!it->name.empty() && it->name == name) return &*it;
    }
    const KindSpec* k = vocabulary_.kind(name);
    if (k == nullptr) return nullptr;
    const int index = static_cast<int>(k - vocabulary_.kinds().data());
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->name.empty() && it->record_kind == index) return &*it;
    }
    return nullptr;
  }

  std::vector<std::string> variable_names() const {
    std::vector<std::string> names;
    for (const Binding& b : scope_) {
      if (!b.name.empty()) names.push_back(b.name);
    }
    return names;
  }

  std::optional<PathTarget> resolve_path(const Path& p) {
    PathTarget target;
    if (p.root.text == "pupil") {
      target.root.kind = Reference::Kind::pupil;
      if (p.field.text == "upn" || p.field.text == "name") {
        error(p.field.span, "unknown-field",
              "'" + p.field.text + "' is personal data that rules can never read, so it cannot leak into titles");
        return std::nullopt;
      }
      const FieldSpec* f = vocabulary_.pupil_attribute(p.field.text);
      if (f == nullptr) {
        error(p.field.span, "unknown-field",
              "the pupil has no attribute '" + p.field.text + "'" +
                  did_you_mean(p.field.text, vocabulary_.pupil_attribute_names()));
        return std::nullopt;
      }
      target.field = static_cast<int>(f - vocabulary_.pupil_attributes().data());
      return target;
    }
    const Binding* b = find_binding(p.root.text);
    if (b == nullptr) {
      if (find_param(p.root.text, layer_) >= 0) {
        error(p.root.span, "type-mismatch", "'" + p.root.text + "' is a parameter and has no fields");
      } else if (vocabulary_.kind(p.root.text) != nullptr) {
        error(p.root.span, "unknown-variable",
              "'" + p.root.text + "' is a kind of record, not a variable here; bind one with 'for each " + p.root.text +
                  " x' or 'some " + p.root.text + " x'");
      } else {
        std::vector<std::string> names = variable_names();
        names.push_back("pupil");
        error(p.root.span, "unknown-variable", "unknown variable '" + p.root.text + "'" + did_you_mean(p.root.text, names));
      }
      return std::nullopt;
    }
    target.root.kind = Reference::Kind::binding;
    target.root.binding = b->quantified;
    if (b->record_kind == -2) return std::nullopt;  // its collection was already reported
    if (b->record_kind < 0) {
      // An element of a date list is an event with only a date (language.md §4).
      if (p.field.text != "date") {
        error(p.field.span, "unknown-field", "an entry of a list of dates has only a 'date'" + did_you_mean(p.field.text, {"date"}));
        return std::nullopt;
      }
      target.field = 0;
      return target;
    }
    const KindSpec& kind = vocabulary_.kinds()[static_cast<std::size_t>(b->record_kind)];
    const FieldSpec* f = kind.field(p.field.text);
    if (f == nullptr) {
      error(p.field.span, "unknown-field",
            kind.name + " has no field '" + p.field.text + "'" + did_you_mean(p.field.text, kind.field_names()));
      return std::nullopt;
    }
    target.field = static_cast<int>(f - kind.fields.data());
    return target;
  }

  Type type_of_path_target(const PathTarget& t) {
    const Binding* b = t.root.kind == Reference::Kind::binding ? binding_for(t.root.binding) : nullptr;
    if (b != nullptr && b->record_kind < 0) return make(ValueKind::date);  // a date-list entry's date
    const FieldSpec* f = field_of(t);
    if (f == nullptr) return make(ValueKind::error);
    return type_of_field(*f);
  }

  Type check_name(const Expr& e, const NameRef& n) {
    if (const Binding* b = find_binding(n.name.text)) {
      Reference r;
      r.kind = Reference::Kind::binding;
      r.binding = b->quantified;
      out_.names[&e] = r;
      if (b->record_kind == -2) return make(ValueKind::error);
      Type t = make(ValueKind::item);
      t.record_kind = b->record_kind;
      return t;
    }
    const int param = find_param(n.name.text, layer_);
    if (param >= 0) {
      Reference r;
      r.kind = Reference::Kind::parameter;
      r.parameter = param;
      out_.names[&e] = r;
      out_.params[static_cast<std::size_t>(param)].used = true;
      return type_of_literal(out_.params[static_cast<std::size_t>(param)].declaration->value.value);
    }
    if (vocabulary_.kind(n.name.text) != nullptr) {
      error(n.name.span, "unknown-variable",
            "'" + n.name.text + "' is a kind of record, not a value; bind a variable with 'for each', 'some' or 'no'");
      return make(ValueKind::error);
    }
    const std::vector<std::string> params = visible_param_names(layer_);
    const std::vector<std::string> vars = variable_names();
    const std::string near_param = nearest_name(n.name.text, params);
    const std::string near_var = nearest_name(n.name.text, vars);
    if (near_param.empty() && !near_var.empty()) {
      error(n.name.span, "unknown-variable",
            "unknown variable '" + n.name.text + "'; did you mean '" + near_var + "'?");
    } else {
      error(n.name.span, "unknown-parameter",
            "unknown parameter '" + n.name.text + "'" +
                (near_param.empty() ? std::string() : "; did you mean '" + near_param + "'?"));
    }
    return make(ValueKind::error);
  }

  // ------------------------------------------------------------------ expressions

  Type check_expr(const Expr& e) {
    const Type t = std::visit([&](const auto& node) { return check_node(e, node); }, e.node);
    out_.types[&e] = t;
    return t;
  }

  Type check_node(const Expr&, const Literal& l) { return type_of_literal(l.value); }
  Type check_node(const Expr&, const Today&) { return make(ValueKind::date); }
  Type check_node(const Expr& e, const NameRef& n) { return check_name(e, n); }

  Type check_node(const Expr& e, const Path& p) {
    const std::optional<PathTarget> target = resolve_path(p);
    if (!target) return make(ValueKind::error);
    out_.paths[&e] = *target;
    return type_of_path_target(*target);
  }

  Type check_node(const Expr&, const AgeOf& a) {
    const Type t = check_expr(*a.operand);
    if (t.kind == ValueKind::error) return t;
    if (t.kind != ValueKind::date && t.kind != ValueKind::item) {
      error(span_of(*a.operand), "type-mismatch", "'age of' needs a date or a record, but this is " + describe_type(t));
      return make(ValueKind::error);
    }
    return make(ValueKind::age, t.optional);
  }

  Type check_node(const Expr&, const Aggregate& a) {
    bind(a.over, false);
    if (a.op == AggregateOp::count) return make(ValueKind::number);
    const CollectionTarget& target = out_.collections[&a.over];
    const FieldSpec* f = nullptr;
    const std::string& field = a.field->text;
    if (target.record_kind >= 0) {
      const KindSpec& kind = vocabulary_.kinds()[static_cast<std::size_t>(target.record_kind)];
      f = kind.field(field);
      if (f == nullptr) {
        error(a.field->span, "unknown-field", kind.name + " has no field '" + field + "'" + did_you_mean(field, kind.field_names()));
        return make(ValueKind::error);
      }
    } else if (target.date_list.field >= 0) {
      if (field != "date") {
        error(a.field->span, "unknown-field", "an entry of a list of dates has only a 'date'" + did_you_mean(field, {"date"}));
        return make(ValueKind::error);
      }
      if (a.op == AggregateOp::total) {
        error(a.field->span, "type-mismatch", "'total' adds numbers; 'date' is a date (use max or min)");
        return make(ValueKind::error);
      }
      return make(ValueKind::date, true);
    } else {
      return make(ValueKind::error);
    }
    const Type ft = type_of_field(*f);
    if (a.op == AggregateOp::total) {
      if (ft.kind != ValueKind::number) {
        error(a.field->span, "type-mismatch", "'total' adds numbers, but '" + field + "' is " + describe_type(ft));
        return make(ValueKind::error);
      }
      return make(ValueKind::number);
    }
    if (ft.kind != ValueKind::number && ft.kind != ValueKind::date) {
      error(a.field->span, "type-mismatch",
            std::string(a.op == AggregateOp::max ? "'max'" : "'min'") + " needs numbers or dates, but '" + field + "' is " +
                describe_type(ft));
      return make(ValueKind::error);
    }
    return make(ft.kind, true);  // none over nothing (language.md §4)
  }

  Type check_node(const Expr&, const Measure& m) {
    for (const Name& code : m.codes) check_code(code);
    if (m.window) check_window(*m.window);
    switch (m.kind) {
      case MeasureKind::attendance:
      case MeasureKind::absence:
      case MeasureKind::unauthorised_absence: return make(ValueKind::percent, true);
      case MeasureKind::sessions_missed:
      case MeasureKind::sessions_coded:
      case MeasureKind::days_coded:
      case MeasureKind::possible_sessions:
      case MeasureKind::unauthorised_sessions: return make(ValueKind::number, true);
      case MeasureKind::first_day_coded:
      case MeasureKind::last_day_coded: return make(ValueKind::date, true);
      case MeasureKind::absence_streak:
      case MeasureKind::unauthorised_absence_streak: return make(ValueKind::number);
    }
    return make(ValueKind::error);
  }

  /// A code of a code list must be in the vocabulary's table (case-records.md §4: the table is data).
  void check_code(const Name& code) {
    if (vocabulary_.attendance_code(code.text) != nullptr) return;
    std::vector<std::string> codes;
    for (const AttendanceCode& c : vocabulary_.attendance_codes()) codes.push_back(c.code);
    error(code.span, "unknown-code",
          "'" + code.text + "' is not an attendance code of the vocabulary" + did_you_mean(code.text, codes) +
              " (codes: " + join(codes) + ")");
  }

  Type check_node(const Expr&, const TermDate& t) {
    if (t.of) {
      const Type x = check_expr(*t.of);
      if (x.kind != ValueKind::error && x.kind != ValueKind::date && x.kind != ValueKind::item) {
        error(span_of(*t.of), "type-mismatch", "'term of' needs a date or a record, but this is " + describe_type(x));
      }
    }
    return make(ValueKind::date, true);  // none when no loaded term applies
  }

  Type check_node(const Expr&, const CurrentTier& c) {
    return c.start ? make(ValueKind::date, true) : make(ValueKind::number);
  }

  Type check_node(const Expr&, const Arithmetic& a) {
    const Type l = check_expr(*a.lhs);
    const Type r = check_expr(*a.rhs);
    if (l.kind == ValueKind::error || r.kind == ValueKind::error) return make(ValueKind::error);
    const bool optional = l.optional || r.optional;
    const bool plus = a.op == ArithmeticOp::plus;
    if (l.kind == ValueKind::number && r.kind == ValueKind::number) return make(ValueKind::number, optional);
    if (l.kind == ValueKind::date && r.kind == ValueKind::duration) return make(ValueKind::date, optional);
    if (!plus && l.kind == ValueKind::percent && r.kind == ValueKind::percent) return make(ValueKind::percent, optional);
    const char* verb = plus ? "add" : "subtract";
    if (l.kind == ValueKind::number || l.kind == ValueKind::date || (!plus && l.kind == ValueKind::percent)) {
      const char* wanted = l.kind == ValueKind::number ? "a number" : l.kind == ValueKind::date ? "a duration" : "a percent";
      error(span_of(*a.rhs), "type-mismatch",
            std::string("cannot ") + verb + " " + describe_type(r) + (plus ? " to " : " from ") + describe_type(l) +
                ": expected " + wanted);
    } else {
      error(a.operator_span, "type-mismatch",
            std::string("'") + (plus ? "+" : "-") + "' does not apply to " + describe_type(l) +
                " (it works on numbers, on a date and a duration" + (plus ? "" : ", and on two percents") + ")");
    }
    return make(ValueKind::error);
  }

  Type check_node(const Expr&, const ParenthesisedExpr& p) { return check_expr(*p.inner); }

  // ------------------------------------------------------------------ conditions

  void check_condition(const Condition& c) {
    std::visit([&](const auto& node) { check_cond(node); }, c.node);
  }

  void check_cond(const Logical& l) {
    for (const ConditionPtr& o : l.operands) check_condition(*o);
  }

  void check_cond(const Not& n) { check_condition(*n.operand); }
  void check_cond(const ParenthesisedCondition& p) { check_condition(*p.inner); }

  static bool ordered(ValueKind k) {
    return k == ValueKind::number || k == ValueKind::percent || k == ValueKind::date;
  }

  void check_cond(const Comparison& c) {
    const Type l = check_expr(*c.lhs);
    const Type r = check_expr(*c.rhs);
    if (l.kind == ValueKind::error || r.kind == ValueKind::error) return;
    const bool equality = c.op == CompareOp::eq || c.op == CompareOp::ne;
    for (const auto& [t, e] : {std::pair{l, c.lhs.get()}, std::pair{r, c.rhs.get()}}) {
      if (t.kind == ValueKind::enumeration) {
        error(c.operator_span, "type-mismatch",
              "'" + text(span_of(*e)) + "' is " + describe_type(t) + ": test it with 'is VALUE' or 'in [VALUE, ...]'");
        return;
      }
      if (t.kind == ValueKind::item || t.kind == ValueKind::collection) {
        error(span_of(*e), "type-mismatch",
              describe_type(t) + " cannot be compared; compare one of its fields or its 'age of'");
        return;
      }
    }
    const bool age_pair = (l.kind == ValueKind::age && r.kind == ValueKind::duration) ||
                          (l.kind == ValueKind::duration && r.kind == ValueKind::age);
    if (age_pair) return;
    if (l.kind == r.kind) {
      if (ordered(l.kind)) return;
      if (equality && (l.kind == ValueKind::string || l.kind == ValueKind::boolean)) return;
      if (l.kind == ValueKind::string || l.kind == ValueKind::boolean) {
        error(c.operator_span, "type-mismatch", describe_type(l) + " values can only be compared with = or !=");
      } else {
        error(c.operator_span, "type-mismatch",
              "two durations cannot be compared; compare 'age of X' with a duration, or use 'older than'");
      }
      return;
    }
    if (l.kind == ValueKind::age || l.kind == ValueKind::duration) {
      error(span_of(*c.rhs), "type-mismatch",
            "cannot compare " + describe_type(l) + " with " + describe_type(r) + ": expected " +
                (l.kind == ValueKind::age ? "a duration such as '6 weeks'" : "'age of X'"));
      return;
    }
    if (l.kind == ValueKind::number && r.kind == ValueKind::duration) {
      // A common slip with version 2's measures: the duration belongs in the measure's window.
      error(span_of(*c.rhs), "type-mismatch",
            "cannot compare a number with a duration: a duration belongs in a window, as in 'unauthorised sessions "
            "within last 10 school weeks >= 10'");
      return;
    }
    error(span_of(*c.rhs), "type-mismatch", "cannot compare " + describe_type(l) + " with " + describe_type(r));
  }

  void check_cond(const InList& in) {
    const Type s = check_expr(*in.subject);
    if (s.kind == ValueKind::error) return;
    if (s.kind == ValueKind::enumeration) {
      for (const ListItem& item : in.items) {
        if (const Name* n = std::get_if<Name>(&item)) {
          check_enum_value(s, *n);
        } else {
          const Literal& lit = std::get<Literal>(item);
          error(lit.span, "type-mismatch",
                "'" + text(span_of(*in.subject)) + "' is " + describe_type(s) + "; list its values without quotes");
        }
      }
      return;
    }
    if (s.kind != ValueKind::number && s.kind != ValueKind::string && s.kind != ValueKind::date) {
      error(span_of(*in.subject), "type-mismatch",
            "'in [...]' tests a number, a string, a date or an enum, but this is " + describe_type(s));
      return;
    }
    for (const ListItem& item : in.items) {
      if (const Name* n = std::get_if<Name>(&item)) {
        error(n->span, "type-mismatch", "'" + n->text + "' is a name, but the list needs " + describe_type(s) + " values");
        continue;
      }
      const Literal& lit = std::get<Literal>(item);
      if (type_of_literal(lit.value).kind != s.kind) {
        error(lit.span, "type-mismatch",
              "the list holds " + describe_type(type_of_literal(lit.value)) + " but '" + text(span_of(*in.subject)) + "' is " +
                  describe_type(s));
      }
    }
  }

  void check_enum_value(const Type& s, const Name& value) {
    if (s.enum_field == nullptr || s.enum_field->has_value(value.text)) return;
    error(value.span, "unknown-value",
          s.enum_field->name + " has no value '" + value.text + "'" + did_you_mean(value.text, s.enum_field->values) +
              " (values: " + join(s.enum_field->values) + ")");
  }

  void check_cond(const InRange& in) {
    const Type s = check_expr(*in.subject);
    if (s.kind == ValueKind::error || s.kind == ValueKind::number) return;
    error(span_of(*in.subject), "type-mismatch", "'in N..M' tests a number, but this is " + describe_type(s));
  }

  void check_cond(const IsTest& is) {
    const Type s = check_expr(*is.subject);
    if (s.kind == ValueKind::error) return;
    switch (is.kind) {
      case IsKind::none:
      case IsKind::set:
        if (s.kind == ValueKind::collection) {
          error(span_of(*is.subject), "type-mismatch", "a list of dates is never none; use 'some' or 'no'");
        }
        // `is none` on an enum with a value named none tests that value (language.md §4): no error.
        return;
      case IsKind::active:
        if (s.kind == ValueKind::enumeration && s.enum_field != nullptr && s.enum_field->has_value("active")) return;
        if (s.kind != ValueKind::item || s.record_kind < 0 ||
            vocabulary_.kinds()[static_cast<std::size_t>(s.record_kind)].shape != KindShape::episode) {
          error(span_of(*is.subject), "type-mismatch",
                "'is active' applies to an episode (a record with a start and an end), but this is " + describe_type(s));
        }
        return;
      case IsKind::about:
        if (s.kind != ValueKind::item || s.record_kind < 0) {
          error(span_of(*is.subject), "type-mismatch",
                "'is about' tests a record (a bound variable), but '" + text(span_of(*is.subject)) + "' is " +
                    describe_type(s));
        } else if (about_field(s.record_kind) < 0) {
          error(is.keyword_span, "unknown-field",
                vocabulary_.kinds()[static_cast<std::size_t>(s.record_kind)].name + " has no field 'about' in this vocabulary");
        }
        expect_about_target(*is.about);
        return;
      case IsKind::value:
        if (s.kind != ValueKind::enumeration) {
          error(span_of(*is.subject), "type-mismatch",
                "'is " + is.value->text + "' tests an enum value, but '" + text(span_of(*is.subject)) + "' is " +
                    describe_type(s));
          return;
        }
        check_enum_value(s, *is.value);
        return;
    }
  }

  void check_cond(const Truth& t) {
    const Type v = check_expr(*t.value);
    if (v.kind == ValueKind::error || v.kind == ValueKind::boolean) return;
    error(span_of(*t.value), "type-mismatch",
          "a condition must be true or false, but '" + text(span_of(*t.value)) + "' is " + describe_type(v));
  }

  void check_cond(const AgeTest& a) {
    const Type s = check_expr(*a.subject);
    if (s.kind != ValueKind::error && s.kind != ValueKind::date && s.kind != ValueKind::item) {
      error(span_of(*a.subject), "type-mismatch",
            std::string(a.older ? "'older than'" : "'within last'") + " needs a date or a record, but '" +
                text(span_of(*a.subject)) + "' is " + describe_type(s));
    }
    expect_duration(*a.duration, a.older ? "'older than'" : "'within last'");
  }

  void check_cond(const Exists& e) { bind(e.over, false); }

  const RulePack& pack_;
  const Vocabulary& vocabulary_;
  CheckedPack& out_;
  Diagnostics& diagnostics_;
  std::vector<int> param_layer_;
  std::vector<Binding> scope_;
  int layer_ = 0;
  FileId file_ = no_file;

public:
  const SourceSet* sources = nullptr;
};

const std::string& Checker::pack_sources_text() const {
  static const std::string empty;
  if (sources == nullptr || file_ == no_file) return empty;
  return sources->file(file_).text();
}

}  // namespace

CheckedPack check(const RulePack& pack, const SourceSet& sources, Diagnostics& diagnostics) {
  CheckedPack out;
  out.pack = &pack;
  Diagnostics found;
  Checker checker(pack, out, found);
  checker.sources = &sources;
  checker.run();
  detail::lint(pack, sources, out, found);
  diagnostics.append(found);
  return out;
}

}  // namespace waymark::dsl
