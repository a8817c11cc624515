// The checking stages of a pack's rules (language.md §4, §8), in order: names (check_names.cpp:
// parameters, rules, bindings, paths), types (here: every expression and condition, over the names
// resolved), then lint (lint.cpp: rules that can never hold or read missing data unguarded). One walk
// over every rule does the first two, recording names and types for the compiler.

#include "waymark/dsl/check.hpp"

#include <algorithm>
#include <set>

#include "check_internal.hpp"
#include "check_names.hpp"
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

using detail::make;
using detail::type_of_field;
using detail::type_of_literal;

/// The type stage: every expression's type and every condition's checks (language.md §4), over the
/// names the name stage resolves.
class TypeStage final : public detail::NameStage {
public:
  using NameStage::NameStage;

protected:
  // ------------------------------------------------------------------ expressions

  Type check_expr(const Expr& e) override {
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

  void check_condition(const Condition& c) override {
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
};

}  // namespace

CheckedPack check(const RulePack& pack, const SourceSet& sources, Diagnostics& diagnostics) {
  CheckedPack out;
  out.pack = &pack;
  Diagnostics found;
  TypeStage checker(pack, out, found);
  checker.sources = &sources;
  checker.run();
  detail::lint(pack, sources, out, found);
  diagnostics.append(found);
  return out;
}

}  // namespace waymark::dsl
