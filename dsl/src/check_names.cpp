// The name stage of the checker (check_names.hpp): parameters and overrides, rules and disables,
// bindings (with `about`), paths and names. Every name is resolved once and recorded in CheckedPack.

#include "check_names.hpp"

#include <algorithm>
#include <set>

#include "check_internal.hpp"
#include "waymark/dsl/keywords.hpp"

namespace waymark::dsl::detail {

Type make(ValueKind kind, bool optional) {
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

void NameStage::run() {
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

void NameStage::error(Span span, const char* code, std::string message) {
  diagnostics_.error({file_, span.begin, span.end}, code, std::move(message));
}

void NameStage::warning(Span span, const char* code, std::string message) {
  diagnostics_.warning({file_, span.begin, span.end}, code, std::move(message));
}

std::string NameStage::text(Span span) const {
  const std::string_view t = pack_sources_text();
  if (span.end > t.size() || span.begin > span.end) return {};
  return std::string(t.substr(span.begin, span.end - span.begin));
}

std::string NameStage::describe_type(const Type& t) const { return describe(t, vocabulary_); }

void NameStage::collect_params() {
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
int NameStage::find_param(const std::string& name, int layer) const {
  for (int l = layer; l >= 0; --l) {
    for (std::size_t i = 0; i < out_.params.size(); ++i) {
      if (param_layer_[i] == l && out_.params[i].declaration->name.text == name) return static_cast<int>(i);
    }
  }
  return -1;
}

std::vector<std::string> NameStage::visible_param_names(int layer) const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < out_.params.size(); ++i) {
    if (param_layer_[i] <= layer) names.push_back(out_.params[i].declaration->name.text);
  }
  return names;
}

void NameStage::apply_overrides() {
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

void NameStage::check_param_description(const Param& p) {
  if (p.description && !std::holds_alternative<std::string>(p.description->value)) {
    error(p.description->span, "type-mismatch", "a parameter's description is a string");
  }
}

void NameStage::collect_rules() {
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

void NameStage::apply_disables() {
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

void NameStage::check_rule(const Rule& rule) {
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

std::string NameStage::join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void NameStage::check_text(const Text& t) {
  for (const TextPart& part : t.parts) {
    if (!part.expr) continue;
    const Type type = check_expr(*part.expr);
    if (type.kind == ValueKind::collection) {
      error(span_of(*part.expr), "type-mismatch", "a list of dates cannot be printed; use 'max date of ...' or 'count of ...'");
    }
  }
}

/// Resolves a quantifier's collection and, for `for each`, keeps its binding in scope.
void NameStage::bind(const Quantified& q, bool for_each) {
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
void NameStage::check_about(const Quantified& q, const CollectionTarget& target, bool resolved) {
  // `no notification n about n`: X is resolved outside the collection, so say so rather than "unknown".
  if (const auto* name = std::get_if<NameRef>(&q.about->node); name != nullptr && q.variable &&
                                                                 name->name.text == q.variable->text) {
    error(name->name.span, "unknown-variable",
          "'" + name->name.text + "' is this collection's own variable; 'about' names a record bound around it (the "
                                  "'for each' variable or an enclosing 'some'/'no' variable)");
    return;
  }
  if (resolved && target.record_kind < 0) {
    error(q.about_span, "type-mismatch", "'about' keeps the records about an item, but a list of dates holds no records");
  } else if (target.record_kind >= 0 && about_field(target.record_kind) < 0) {
    const std::string& kind = vocabulary_.kinds()[static_cast<std::size_t>(target.record_kind)].name;
    error(q.about_span, "unknown-field", kind + " has no field 'about' in this vocabulary");
  }
  expect_about_target(*q.about);
}

/// X of `about X`: a bound record (the `for each` variable or an enclosing `some`/`no` variable).
void NameStage::expect_about_target(const Expr& x) {
  const Type t = check_expr(x);
  if (t.kind == ValueKind::error || (t.kind == ValueKind::item && t.record_kind >= 0)) return;
  error(span_of(x), "type-mismatch",
        "'about' needs a bound record (a 'for each', 'some' or 'no' variable), but '" + text(span_of(x)) + "' is " +
            describe_type(t));
}

/// The index of a kind's `about` field, or -1.
int NameStage::about_field(int record_kind) const {
  const KindSpec& kind = vocabulary_.kinds()[static_cast<std::size_t>(record_kind)];
  const FieldSpec* f = kind.field(about_field_name);
  return f != nullptr && f->type == FieldType::string ? static_cast<int>(f - kind.fields.data()) : -1;
}

void NameStage::check_variable_name(const Name& v) {
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

CollectionTarget NameStage::resolve_collection(const CollectionSource& s, bool for_each) {
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

void NameStage::check_window(const Window& w) {
  if (w.duration) expect_duration(*w.duration, window_phrase(w.kind));
  auto expect_date = [&](const Expr& e) {
    const Type t = check_expr(e);
    if (t.kind == ValueKind::error || t.kind == ValueKind::date || t.kind == ValueKind::item) return;
    error(span_of(e), "type-mismatch", std::string(window_phrase(w.kind)) + " needs a date, but this is " + describe_type(t));
  };
  if (w.first) expect_date(*w.first);
  if (w.second) expect_date(*w.second);
}

void NameStage::expect_duration(const Expr& e, const std::string& where) {
  const Type t = check_expr(e);
  if (t.kind == ValueKind::error || t.kind == ValueKind::duration) return;
  error(span_of(e), "type-mismatch",
        where + " needs a duration such as '4 weeks' or '5 school days', but this is " + describe_type(t));
}

const FieldSpec* NameStage::field_of(const PathTarget& t) const {
  if (t.field < 0) return nullptr;
  if (t.root.kind == Reference::Kind::pupil) return &vocabulary_.pupil_attributes()[static_cast<std::size_t>(t.field)];
  const Binding* b = binding_for(t.root.binding);
  if (b == nullptr || b->record_kind < 0) return nullptr;
  return &vocabulary_.kinds()[static_cast<std::size_t>(b->record_kind)].fields[static_cast<std::size_t>(t.field)];
}

const Binding* NameStage::binding_for(const Quantified* q) const {
  for (const Binding& b : scope_) {
    if (b.quantified == q) return &b;
  }
  return nullptr;
}

/// The binding a name means: a variable in scope, or a kind standing for an unnamed current item.
const Binding* NameStage::find_binding(const std::string& name) const {
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

std::vector<std::string> NameStage::variable_names() const {
  std::vector<std::string> names;
  for (const Binding& b : scope_) {
    if (!b.name.empty()) names.push_back(b.name);
  }
  return names;
}

std::optional<PathTarget> NameStage::resolve_path(const Path& p) {
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

Type NameStage::type_of_path_target(const PathTarget& t) {
  const Binding* b = t.root.kind == Reference::Kind::binding ? binding_for(t.root.binding) : nullptr;
  if (b != nullptr && b->record_kind < 0) return make(ValueKind::date);  // a date-list entry's date
  const FieldSpec* f = field_of(t);
  if (f == nullptr) return make(ValueKind::error);
  return type_of_field(*f);
}

Type NameStage::check_name(const Expr& e, const NameRef& n) {
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

std::string_view NameStage::pack_sources_text() const {
  if (sources == nullptr || file_ == no_file) return {};
  return sources->file(file_).text();
}

}  // namespace waymark::dsl::detail
