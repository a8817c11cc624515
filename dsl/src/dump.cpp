// dump(): the syntax tree as an S-expression without source positions, for tests. Equal trees
// dump equally; literals print their values (not their text), names print bare.
//
// Format (one form per node; [..] optional, ... repeated):
//   file         (file DECLARATION... COMMENT...)      one declaration or comment per line, indented 2
//   param        (param NAME LITERAL [STRING])
//   rule         (rule ID (title PART...) [(category NAME)] [(severity low|medium|high|urgent)]
//                  [(for-each QUANTIFIED)] (when COND) [(unless COND)] ACTION... [(cite STRING)])
//                each clause on its own line, indented 4
//   action       (suggest [(tier N)] (text PART...))  |  (notify ROLE)
//   text part    STRING  |  (interpolate EXPR)
//   comment      (comment STRING)                     the text from `#`, line break excluded
//   literal      (number 2.5) (percent 12.5) (date 2025-09-01) (duration 5 school-day)
//                (string "text") (bool true)          units: day school-day week month year
//   string       "..." with \" \\ \n and \xNN escapes
// Expressions:
//   today  (name X)  (path ROOT FIELD)  (age-of EXPR)  (paren EXPR)  (+ EXPR EXPR)  (- EXPR EXPR)
//   (count QUANTIFIED)  (total|max|min FIELD QUANTIFIED)  current-tier  current-tier-start
//   (attendance|absence|unauthorised-absence|sessions-missed [WINDOW])
//   (absence-streak)  (unauthorised-absence-streak)
//   QUANTIFIED   (of KIND|ROOT.FIELD) [(var V)] [WINDOW] [(where COND)]   spliced into its parent
//   WINDOW       (window within last D) (window within D after T) (window within D before T)
//                (window after T) (window before T) (window between A B)
//                (window in this|previous term) (window in this|previous academic year)
// Conditions:
//   (and COND...)  (or COND...)  (not COND)  (paren COND)  (truth EXPR)
//   (< A B) (<= A B) (> A B) (>= A B) (= A B) (!= A B)
//   (in EXPR (list ITEM...))  ITEM a literal or a bare name;  (in-range EXPR LOW HIGH)
//   (is EXPR none|set|active|VALUE)  (is-not EXPR ...)  (older-than EXPR D)  (within-last EXPR D)
//   (some QUANTIFIED)  (no QUANTIFIED)

#include <cstdio>
#include <string>

#include "waymark/dsl/parse.hpp"

namespace waymark::dsl {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number(const Rational& r) { return r.is_whole() ? std::to_string(r.numerator()) : r.decimal(18); }

const char* unit_name(DurationUnit unit) {
  switch (unit) {
    case DurationUnit::day: return "day";
    case DurationUnit::school_day: return "school-day";
    case DurationUnit::school_week: return "school-week";
    case DurationUnit::week: return "week";
    case DurationUnit::month: return "month";
    case DurationUnit::year: return "year";
  }
  return "?";
}

std::string literal(const Literal& l) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return std::string("(bool ") + (v ? "true" : "false") + ")";
        } else if constexpr (std::is_same_v<T, Rational>) {
          return "(number " + number(v) + ")";
        } else if constexpr (std::is_same_v<T, Percent>) {
          return "(percent " + number(v.points) + ")";
        } else if constexpr (std::is_same_v<T, Date>) {
          return "(date " + v.iso() + ")";
        } else if constexpr (std::is_same_v<T, Duration>) {
          return "(duration " + std::to_string(v.count) + " " + unit_name(v.unit) + ")";
        } else {
          return "(string " + quoted(v) + ")";
        }
      },
      l.value);
}

std::string expr(const Expr& e);
std::string cond(const Condition& c);

std::string window(const Window& w) {
  const auto e = [](const ExprPtr& p) { return p ? expr(*p) : std::string("?"); };
  switch (w.kind) {
    case WindowKind::within_last: return "(window within last " + e(w.duration) + ")";
    case WindowKind::within_after: return "(window within " + e(w.duration) + " after " + e(w.first) + ")";
    case WindowKind::within_before: return "(window within " + e(w.duration) + " before " + e(w.first) + ")";
    case WindowKind::after: return "(window after " + e(w.first) + ")";
    case WindowKind::before: return "(window before " + e(w.first) + ")";
    case WindowKind::between: return "(window between " + e(w.first) + " " + e(w.second) + ")";
    case WindowKind::this_term: return "(window in this term)";
    case WindowKind::previous_term: return "(window in previous term)";
    case WindowKind::this_academic_year: return "(window in this academic year)";
    case WindowKind::previous_academic_year: return "(window in previous academic year)";
    case WindowKind::last_terms: return "(window in last " + std::to_string(w.terms) + " terms)";
    case WindowKind::term_of: return "(window in term of " + e(w.first) + ")";
  }
  return "(window ?)";
}

std::string quantified(const Quantified& q) {
  std::string out = "(of " + q.source.name.text + (q.source.field ? "." + q.source.field->text : std::string()) + ")";
  if (q.variable) out += " (var " + q.variable->text + ")";
  if (q.about) out += " (about " + expr(*q.about) + ")";
  if (q.window) out += " " + window(*q.window);
  if (q.filter) out += " (where " + cond(*q.filter) + ")";
  return out;
}

std::string node(const Literal& l) { return literal(l); }
std::string node(const Today&) { return "today"; }
std::string node(const NameRef& n) { return "(name " + n.name.text + ")"; }
std::string node(const Path& p) { return "(path " + p.root.text + " " + p.field.text + ")"; }
std::string node(const AgeOf& a) { return "(age-of " + expr(*a.operand) + ")"; }
std::string node(const ParenthesisedExpr& p) { return "(paren " + expr(*p.inner) + ")"; }
std::string node(const CurrentTier& c) { return c.start ? "current-tier-start" : "current-tier"; }

std::string node(const Aggregate& a) {
  static const char* const ops[] = {"count", "total", "max", "min"};
  std::string out = std::string("(") + ops[static_cast<int>(a.op)];
  if (a.field) out += " " + a.field->text;
  return out + " " + quantified(a.over) + ")";
}

std::string node(const Measure& m) {
  static const char* const names[] = {"attendance",      "absence",        "unauthorised-absence",
                                      "sessions-missed", "absence-streak", "unauthorised-absence-streak",
                                      "sessions-coded",  "days-coded",     "first-day-coded",
                                      "last-day-coded",  "possible-sessions", "unauthorised-sessions"};
  std::string out = std::string("(") + names[static_cast<int>(m.kind)];
  if (m.excluding) out += " (excluding";
  else if (!m.codes.empty()) out += " (codes";
  for (const Name& c : m.codes) out += " " + c.text;
  if (!m.codes.empty()) out += ")";
  if (m.window) out += " " + window(*m.window);
  return out + ")";
}

std::string node(const TermDate& t) {
  std::string out = t.bound == TermBound::start ? "(term-start " : "(term-end ";
  switch (t.term) {
    case TermChoice::this_term: return out + "this)";
    case TermChoice::previous_term: return out + "previous)";
    case TermChoice::term_of: return out + "of " + expr(*t.of) + ")";
  }
  return out + "?)";
}

std::string node(const Arithmetic& a) {
  return std::string("(") + (a.op == ArithmeticOp::plus ? "+" : "-") + " " + expr(*a.lhs) + " " + expr(*a.rhs) + ")";
}

std::string node(const Logical& l) {
  std::string out = l.op == LogicOp::and_ ? "(and" : "(or";
  for (const ConditionPtr& operand : l.operands) out += " " + cond(*operand);
  return out + ")";
}

std::string node(const Not& n) { return "(not " + cond(*n.operand) + ")"; }
std::string node(const ParenthesisedCondition& p) { return "(paren " + cond(*p.inner) + ")"; }
std::string node(const Truth& t) { return "(truth " + expr(*t.value) + ")"; }

std::string node(const Comparison& c) {
  static const char* const ops[] = {"<", "<=", ">", ">=", "=", "!="};
  return std::string("(") + ops[static_cast<int>(c.op)] + " " + expr(*c.lhs) + " " + expr(*c.rhs) + ")";
}

std::string node(const InList& in) {
  std::string out = "(in " + expr(*in.subject) + " (list";
  for (const ListItem& item : in.items) {
    out += " ";
    out += std::holds_alternative<Name>(item) ? std::get<Name>(item).text : literal(std::get<Literal>(item));
  }
  return out + "))";
}

std::string node(const InRange& in) {
  return "(in-range " + expr(*in.subject) + " " + number(std::get<Rational>(in.low.value)) + " " +
         number(std::get<Rational>(in.high.value)) + ")";
}

std::string node(const IsTest& is) {
  std::string word;
  switch (is.kind) {
    case IsKind::none: word = "none"; break;
    case IsKind::set: word = "set"; break;
    case IsKind::active: word = "active"; break;
    case IsKind::value: word = is.value ? is.value->text : "?"; break;
    case IsKind::about: word = "about " + (is.about ? expr(*is.about) : std::string("?")); break;
  }
  return std::string(is.negated ? "(is-not " : "(is ") + expr(*is.subject) + " " + word + ")";
}

std::string node(const AgeTest& a) {
  return std::string(a.older ? "(older-than " : "(within-last ") + expr(*a.subject) + " " + expr(*a.duration) + ")";
}

std::string node(const Exists& e) { return std::string(e.some ? "(some " : "(no ") + quantified(e.over) + ")"; }

std::string expr(const Expr& e) {
  return std::visit([](const auto& n) { return node(n); }, e.node);
}

std::string cond(const Condition& c) {
  return std::visit([](const auto& n) { return node(n); }, c.node);
}

std::string text_parts(const Text& t) {
  std::string out;
  for (const TextPart& part : t.parts) out += " " + (part.expr ? "(interpolate " + expr(*part.expr) + ")" : quoted(part.text));
  return out;
}

std::string action(const Action& a) {
  if (const auto* n = std::get_if<Notify>(&a)) return "(notify " + n->role.text + ")";
  const auto& s = std::get<Suggest>(a);
  std::string out = "(suggest";
  if (s.tier) out += " (tier " + std::to_string(*s.tier) + ")";
  return out + " (text" + text_parts(s.text) + "))";
}

std::string declaration(const Param& p) {
  std::string out = "(param " + p.name.text + " " + literal(p.value);
  if (p.description) out += " " + quoted(std::get<std::string>(p.description->value));
  return out + ")";
}

std::string declaration(const Rule& r) {
  static const char* const levels[] = {"low", "medium", "high", "urgent"};
  const std::string clause = "\n    ";
  std::string out = "(rule " + r.id.text + clause + "(title" + text_parts(r.title) + ")";
  if (r.category) out += clause + "(category " + r.category->text + ")";
  if (r.severity) out += clause + "(severity " + levels[static_cast<int>(r.severity->level)] + ")";
  if (r.for_each) out += clause + "(for-each " + quantified(r.for_each->binding) + ")";
  if (r.when) out += clause + "(when " + cond(*r.when) + ")";
  if (r.unless) out += clause + "(unless " + cond(*r.unless) + ")";
  for (const Action& a : r.actions) out += clause + action(a);
  if (r.cite) out += clause + "(cite " + quoted(std::get<std::string>(r.cite->value)) + ")";
  return out + ")";
}

}  // namespace

std::string dump(const RuleFile& file) {
  std::string out = "(file";
  for (const Declaration& d : file.declarations) {
    out += "\n  " + std::visit([](const auto& node) { return declaration(node); }, d);
  }
  for (const Comment& c : file.comments) out += "\n  (comment " + quoted(c.text) + ")";
  return out + ")";
}

std::string dump(const Expr& e) { return expr(e); }

std::string dump(const Condition& c) { return cond(c); }

}  // namespace waymark::dsl
