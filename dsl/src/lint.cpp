// Warnings that need resolved types (language.md §8): parameters never used, `not` over a
// comparison of a value that may be none without an `is set` guard, and `and` chains that can
// never hold (contradictory bounds on one expression, or opposite `is` tests on one path).

#include <algorithm>
#include <map>
#include <sstream>

#include "check_internal.hpp"

namespace waymark::dsl::detail {

// ---------------------------------------------------------------------------------------------
// expression_key: a canonical text, so that `attendance` in two conditions is known to be one value.

namespace {

const char* window_key(WindowKind k) {
  switch (k) {
    case WindowKind::within_last: return "within-last";
    case WindowKind::within_after: return "within-after";
    case WindowKind::within_before: return "within-before";
    case WindowKind::after: return "after";
    case WindowKind::before: return "before";
    case WindowKind::between: return "between";
    case WindowKind::this_term: return "this-term";
    case WindowKind::previous_term: return "previous-term";
    case WindowKind::this_academic_year: return "this-year";
    case WindowKind::previous_academic_year: return "previous-year";
    case WindowKind::last_terms: return "last-terms";
    case WindowKind::term_of: return "term-of";
  }
  return "?";
}

void key_of(const Expr& e, std::ostringstream& out);

void key_of_window(const std::optional<Window>& w, std::ostringstream& out) {
  if (!w) return;
  out << "[" << window_key(w->kind);
  if (w->kind == WindowKind::last_terms) out << " " << w->terms;
  for (const ExprPtr* p : {&w->duration, &w->first, &w->second}) {
    if (*p) {
      out << " ";
      key_of(**p, out);
    }
  }
  out << "]";
}

void key_of(const Expr& e, std::ostringstream& out) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Literal>) {
          out << n.text;
        } else if constexpr (std::is_same_v<T, Today>) {
          out << "today";
        } else if constexpr (std::is_same_v<T, NameRef>) {
          out << n.name.text;
        } else if constexpr (std::is_same_v<T, Path>) {
          out << n.root.text << "." << n.field.text;
        } else if constexpr (std::is_same_v<T, AgeOf>) {
          out << "(age ";
          key_of(*n.operand, out);
          out << ")";
        } else if constexpr (std::is_same_v<T, Aggregate>) {
          // Aggregates with filters are keyed by their source text elsewhere; here, shape only.
          out << "(agg" << static_cast<int>(n.op) << " " << (n.field ? n.field->text : "") << " "
              << n.over.source.name.text << (n.over.source.field ? "." + n.over.source.field->text : "") << " "
              << n.over.span.begin << ")";
        } else if constexpr (std::is_same_v<T, Measure>) {
          out << "(measure" << static_cast<int>(n.kind) << (n.excluding ? " excluding" : "");
          for (const Name& code : n.codes) out << " " << code.text;
          key_of_window(n.window, out);
          out << ")";
        } else if constexpr (std::is_same_v<T, CurrentTier>) {
          out << (n.start ? "current-tier-start" : "current-tier");
        } else if constexpr (std::is_same_v<T, Arithmetic>) {
          out << "(" << (n.op == ArithmeticOp::plus ? "+" : "-") << " ";
          key_of(*n.lhs, out);
          out << " ";
          key_of(*n.rhs, out);
          out << ")";
        } else if constexpr (std::is_same_v<T, ParenthesisedExpr>) {
          key_of(*n.inner, out);
        } else if constexpr (std::is_same_v<T, TermDate>) {
          out << "(term-" << (n.bound == TermBound::start ? "start " : "end ") << static_cast<int>(n.term);
          if (n.of) {
            out << " ";
            key_of(*n.of, out);
          }
          out << ")";
        }
      },
      e.node);
}

}  // namespace

std::string expression_key(const Expr& expr) {
  std::ostringstream out;
  key_of(expr, out);
  return out.str();
}

namespace {

const Condition* strip(const Condition& c) {
  const Condition* at = &c;
  while (const auto* p = std::get_if<ParenthesisedCondition>(&at->node)) at = p->inner.get();
  return at;
}

const Expr* strip(const Expr& e) {
  const Expr* at = &e;
  while (const auto* p = std::get_if<ParenthesisedExpr>(&at->node)) at = p->inner.get();
  return at;
}

/// The conjuncts of an `and` chain, looking through parentheses and nested `and`s.
void conjuncts(const Condition& c, std::vector<const Condition*>& out) {
  const Condition* at = strip(c);
  if (const auto* l = std::get_if<Logical>(&at->node); l != nullptr && l->op == LogicOp::and_) {
    for (const ConditionPtr& o : l->operands) conjuncts(*o, out);
    return;
  }
  out.push_back(at);
}

// A bound on one expression: `x < 10%` is {upper, 10, strict}.
struct Bound {
  bool present = false;
  Rational value;
  bool strict = false;
  const Condition* source = nullptr;
};

struct Interval {
  Bound lower;
  Bound upper;
};

class Linter {
public:
  Linter(const SourceSet& sources, const CheckedPack& checked, Diagnostics& diagnostics)
      : sources_(sources), checked_(checked), diagnostics_(diagnostics) {}

  void run() {
    for (std::size_t i = 0; i < checked_.params.size(); ++i) {
      const ParamSymbol& p = checked_.params[i];
      if (p.used) continue;
      diagnostics_.warning({p.file, p.declaration->name.span.begin, p.declaration->name.span.end}, "unused-parameter",
                           "the parameter '" + p.declaration->name.text + "' is never used by a rule");
    }
    for (const CheckedRule& r : checked_.rules) {
      file_ = r.file;
      const Rule& rule = *r.rule;
      if (rule.for_each && rule.for_each->binding.filter) visit(*rule.for_each->binding.filter);
      if (rule.when) visit(*rule.when);
      if (rule.unless) visit(*rule.unless);
    }
  }

private:
  std::string text(Span s) const {
    const std::string_view t = sources_.file(file_).text();
    if (s.end > t.size() || s.begin > s.end) return {};
    return std::string(t.substr(s.begin, s.end - s.begin));
  }

  bool optional(const Expr& e) const {
    auto it = checked_.types.find(&e);
    return it != checked_.types.end() && it->second.optional;
  }

  void visit(const Condition& c) {
    std::visit([&](const auto& n) { visit_node(c, n); }, c.node);
  }

  void visit_node(const Condition&, const Logical& l) {
    if (l.op == LogicOp::and_) {
      std::vector<const Condition*> parts;
      for (const ConditionPtr& o : l.operands) conjuncts(*o, parts);
      find_contradictions(parts);
      // `x is set and not (x > 3)`: the guard covers the whole chain.
      const std::size_t before = guards_.size();
      for (const Condition* part : parts) {
        if (const auto* is = std::get_if<IsTest>(&part->node)) {
          if ((is->kind == IsKind::set && !is->negated) || (is->kind == IsKind::none && is->negated)) {
            guards_.push_back(expression_key(*is->subject));
          }
        }
      }
      for (const ConditionPtr& o : l.operands) visit(*o);
      guards_.resize(before);
      return;
    }
    for (const ConditionPtr& o : l.operands) visit(*o);
  }

  void visit_node(const Condition&, const Not& n) {
    const Condition* inner = strip(*n.operand);
    if (const auto* cmp = std::get_if<Comparison>(&inner->node)) {
      for (const Expr* side : {cmp->lhs.get(), cmp->rhs.get()}) {
        if (!optional(*side)) continue;
        const std::string key = expression_key(*side);
        if (std::find(guards_.begin(), guards_.end(), key) != guards_.end()) continue;
        const Span s = span_of(*side);
        diagnostics_.warning({file_, n.span.begin, n.span.end}, "unguarded-not",
                             "'" + text(s) + "' may be none, and then 'not (...)' holds; add '" + text(s) +
                                 " is set and' before the 'not' if that is not what you mean");
        break;
      }
    }
    visit(*n.operand);
  }

  void visit_node(const Condition&, const ParenthesisedCondition& p) { visit(*p.inner); }

  void visit_node(const Condition&, const Exists& e) {
    if (e.over.filter) visit(*e.over.filter);
  }

  template <typename T>
  void visit_node(const Condition&, const T&) {}

  // --- contradictions

  std::optional<Rational> constant(const Expr& e) const {
    const Expr* at = strip(e);
    const Literal* lit = std::get_if<Literal>(&at->node);
    const LiteralValue* value = lit != nullptr ? &lit->value : nullptr;
    if (value == nullptr) {
      if (std::get_if<NameRef>(&at->node) == nullptr) return std::nullopt;
      auto it = checked_.names.find(at);
      if (it == checked_.names.end() || it->second.kind != Reference::Kind::parameter) return std::nullopt;
      value = &checked_.params[static_cast<std::size_t>(it->second.parameter)].value;
    }
    if (const auto* r = std::get_if<Rational>(value)) return *r;
    if (const auto* p = std::get_if<Percent>(value)) return p->points;
    if (const auto* d = std::get_if<Date>(value)) return Rational(d->days());
    return std::nullopt;
  }

  static CompareOp flip(CompareOp op) {
    switch (op) {
      case CompareOp::lt: return CompareOp::gt;
      case CompareOp::le: return CompareOp::ge;
      case CompareOp::gt: return CompareOp::lt;
      case CompareOp::ge: return CompareOp::le;
      default: return op;
    }
  }

  static bool empty(const Interval& i) {
    if (!i.lower.present || !i.upper.present) return false;
    if (i.lower.value > i.upper.value) return true;
    return i.lower.value == i.upper.value && (i.lower.strict || i.upper.strict);
  }

  void tighten(Interval& i, bool upper, Rational v, bool strict, const Condition* source) {
    Bound& b = upper ? i.upper : i.lower;
    const bool tighter = !b.present || (upper ? v < b.value : v > b.value) || (v == b.value && strict && !b.strict);
    if (tighter) b = {true, v, strict, source};
  }

  void report(const Condition* at, const Condition* other) {
    const Span s = span_of(*at);
    diagnostics_.warning({file_, s.begin, s.end}, "impossible-condition",
                         "this rule can never hold: '" + text(s) + "' contradicts '" + text(span_of(*other)) + "'");
  }

  void find_contradictions(const std::vector<const Condition*>& parts) {
    std::map<std::string, Interval> intervals;
    struct IsFacts {
      std::map<std::string, const Condition*> is_value, is_not_value;
      const Condition* none = nullptr;
      const Condition* set = nullptr;
      const Condition* active = nullptr;
      const Condition* inactive = nullptr;
    };
    std::map<std::string, IsFacts> facts;
    for (const Condition* part : parts) {
      if (const auto* cmp = std::get_if<Comparison>(&part->node)) {
        const Expr* subject = cmp->lhs.get();
        std::optional<Rational> v = constant(*cmp->rhs);
        CompareOp op = cmp->op;
        if (!v) {
          v = constant(*cmp->lhs);
          subject = cmp->rhs.get();
          op = flip(op);
        }
        if (!v || constant(*subject)) continue;
        Interval& i = intervals[expression_key(*subject)];
        const Interval before = i;
        switch (op) {
          case CompareOp::lt: tighten(i, true, *v, true, part); break;
          case CompareOp::le: tighten(i, true, *v, false, part); break;
          case CompareOp::gt: tighten(i, false, *v, true, part); break;
          case CompareOp::ge: tighten(i, false, *v, false, part); break;
          case CompareOp::eq:
            tighten(i, true, *v, false, part);
            tighten(i, false, *v, false, part);
            break;
          case CompareOp::ne: break;
        }
        if (!empty(before) && empty(i)) {
          report(part, i.upper.source == part ? i.lower.source : i.upper.source);
        }
      } else if (const auto* range = std::get_if<InRange>(&part->node)) {
        const auto* lo = std::get_if<Rational>(&range->low.value);
        const auto* hi = std::get_if<Rational>(&range->high.value);
        if (lo == nullptr || hi == nullptr) continue;
        Interval& i = intervals[expression_key(*range->subject)];
        const Interval before = i;
        tighten(i, false, *lo, false, part);
        tighten(i, true, *hi, false, part);
        if (*lo > *hi) {
          report(part, part);
        } else if (!empty(before) && empty(i)) {
          report(part, i.upper.source == part ? i.lower.source : i.upper.source);
        }
      } else if (const auto* is = std::get_if<IsTest>(&part->node)) {
        IsFacts& f = facts[expression_key(*is->subject)];
        const Condition* clash = nullptr;
        switch (is->kind) {
          case IsKind::none:
            clash = is->negated ? f.none : f.set;
            (is->negated ? f.set : f.none) = part;
            break;
          case IsKind::set:
            clash = is->negated ? f.set : f.none;
            (is->negated ? f.none : f.set) = part;
            break;
          case IsKind::active:
            clash = is->negated ? f.active : f.inactive;
            (is->negated ? f.inactive : f.active) = part;
            break;
          case IsKind::about:
            // `x is about a` and `x is about b` can both hold only if a and b are the same record,
            // which lint cannot know: no contradiction is claimed.
            break;
          case IsKind::value: {
            const std::string& v = is->value->text;
            if (is->negated) {
              if (auto it = f.is_value.find(v); it != f.is_value.end()) clash = it->second;
              f.is_not_value[v] = part;
            } else {
              if (auto it = f.is_not_value.find(v); it != f.is_not_value.end()) clash = it->second;
              for (const auto& [other, at] : f.is_value) {
                if (other != v) clash = at;
              }
              f.is_value[v] = part;
            }
            break;
          }
        }
        if (clash != nullptr) report(part, clash);
      }
    }
  }

  const SourceSet& sources_;
  const CheckedPack& checked_;
  Diagnostics& diagnostics_;
  FileId file_ = no_file;
  std::vector<std::string> guards_;
};

}  // namespace

void lint(const RulePack&, const SourceSet& sources, const CheckedPack& checked, Diagnostics& diagnostics) {
  Linter(sources, checked, diagnostics).run();
}

}  // namespace waymark::dsl::detail
