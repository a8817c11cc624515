// The canonical layout (language.md §10). The tree is printed line by line, each output line
// remembering where in the source its first token was; comments are then put back: a comment that
// shared a line with code goes at the end of the output line holding the code before it, and a
// comment on a line of its own goes before the first output line that follows it.

#include "waymark/dsl/format.hpp"

#include <algorithm>
#include <sstream>

namespace waymark::dsl {
namespace {

/// Literal text with runs of whitespace collapsed (`5  school\n days` -> `5 school days`); strings as written.
std::string literal_text(const Literal& l) {
  if (std::holds_alternative<std::string>(l.value)) return l.text;
  std::string out;
  bool space = false;
  for (const char c : l.text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

class Printer {
public:
  explicit Printer(const SourceFile& source) : source_(source) {}

  std::string expr(const Expr& e) const {
    return std::visit([&](const auto& n) { return node(n); }, e.node);
  }

  std::string cond(const Condition& c) const {
    return std::visit([&](const auto& n) { return node(n); }, c.node);
  }

  std::string source_text(Span s) const {
    const std::string_view t = source_.text();
    if (s.end > t.size() || s.begin >= s.end) return {};
    return std::string(t.substr(s.begin, s.end - s.begin));
  }

  std::string node(const Literal& l) const { return literal_text(l); }
  std::string node(const Today&) const { return "today"; }
  std::string node(const NameRef& n) const { return n.name.text; }
  std::string node(const Path& p) const { return p.root.text + "." + p.field.text; }
  std::string node(const AgeOf& a) const { return "age of " + expr(*a.operand); }

  std::string node(const Aggregate& a) const {
    static const char* ops[] = {"count", "total", "max", "min"};
    std::string out = ops[static_cast<int>(a.op)];
    if (a.field) out += " " + a.field->text;
    return out + " of " + quantified(a.over);
  }

  std::string node(const Measure& m) const {
    static const char* names[] = {"attendance",      "absence",         "unauthorised absence",
                                  "sessions missed", "absence streak",  "unauthorised absence streak",
                                  "sessions coded",  "days coded",      "first day coded",
                                  "last day coded",  "possible sessions", "unauthorised sessions"};
    std::string out = names[static_cast<int>(m.kind)];
    if (m.excluding) out += " excluding";
    if (m.excluding || !m.codes.empty()) out += " " + codes(m.codes);
    if (m.window) out += " " + window(*m.window);
    return out;
  }

  /// A code list as `[C2, E]`.
  static std::string codes(const std::vector<Name>& list) {
    std::string out = "[";
    for (std::size_t i = 0; i < list.size(); ++i) out += (i > 0 ? ", " : "") + list[i].text;
    return out + "]";
  }

  std::string node(const TermDate& t) const {
    std::string out = t.bound == TermBound::start ? "start of " : "end of ";
    switch (t.term) {
      case TermChoice::this_term: return out + "this term";
      case TermChoice::previous_term: return out + "previous term";
      case TermChoice::term_of: return out + "term of " + expr(*t.of);
    }
    return out;
  }

  std::string node(const CurrentTier& c) const { return c.start ? "current tier start" : "current tier"; }

  std::string node(const Arithmetic& a) const {
    return expr(*a.lhs) + (a.op == ArithmeticOp::plus ? " + " : " - ") + expr(*a.rhs);
  }

  std::string node(const ParenthesisedExpr& p) const { return "(" + expr(*p.inner) + ")"; }

  std::string window(const Window& w) const {
    switch (w.kind) {
      case WindowKind::within_last: return "within last " + expr(*w.duration);
      case WindowKind::within_after: return "within " + expr(*w.duration) + " after " + expr(*w.first);
      case WindowKind::within_before: return "within " + expr(*w.duration) + " before " + expr(*w.first);
      case WindowKind::after: return "after " + expr(*w.first);
      case WindowKind::before: return "before " + expr(*w.first);
      case WindowKind::between: return "between " + expr(*w.first) + " and " + expr(*w.second);
      case WindowKind::this_term: return "in this term";
      case WindowKind::previous_term: return "in previous term";
      case WindowKind::this_academic_year: return "in this academic year";
      case WindowKind::previous_academic_year: return "in previous academic year";
      case WindowKind::last_terms: return "in last " + std::to_string(w.terms) + " terms";
      case WindowKind::term_of: return "in term of " + expr(*w.first);
    }
    return {};
  }

  std::string quantified(const Quantified& q) const {
    std::string out = q.source.name.text;
    if (q.source.field) out += "." + q.source.field->text;
    if (q.variable) out += " " + q.variable->text;
    if (q.about) out += " about " + expr(*q.about);
    if (q.window) out += " " + window(*q.window);
    if (q.filter) out += " where " + cond(*q.filter);
    return out;
  }

  std::string node(const Logical& l) const {
    std::string out;
    for (std::size_t i = 0; i < l.operands.size(); ++i) {
      if (i > 0) out += l.op == LogicOp::and_ ? " and " : " or ";
      out += cond(*l.operands[i]);
    }
    return out;
  }

  std::string node(const Not& n) const { return "not " + cond(*n.operand); }

  std::string node(const Comparison& c) const {
    static const char* ops[] = {" < ", " <= ", " > ", " >= ", " = ", " != "};
    return expr(*c.lhs) + ops[static_cast<int>(c.op)] + expr(*c.rhs);
  }

  std::string node(const InList& in) const {
    std::string out = expr(*in.subject) + " in [";
    for (std::size_t i = 0; i < in.items.size(); ++i) {
      if (i > 0) out += ", ";
      const ListItem& item = in.items[i];
      out += std::holds_alternative<Name>(item) ? std::get<Name>(item).text : literal_text(std::get<Literal>(item));
    }
    return out + "]";
  }

  std::string node(const InRange& in) const {
    return expr(*in.subject) + " in " + literal_text(in.low) + ".." + literal_text(in.high);
  }

  std::string node(const IsTest& is) const {
    std::string out = expr(*is.subject) + (is.negated ? " is not " : " is ");
    switch (is.kind) {
      case IsKind::none: return out + "none";
      case IsKind::set: return out + "set";
      case IsKind::active: return out + "active";
      case IsKind::value: return out + is.value->text;
      case IsKind::about: return out + "about " + expr(*is.about);
    }
    return out;
  }

  std::string node(const Truth& t) const { return expr(*t.value); }

  std::string node(const AgeTest& a) const {
    return expr(*a.subject) + (a.older ? " older than " : " within last ") + expr(*a.duration);
  }

  std::string node(const Exists& e) const { return (e.some ? "some " : "no ") + quantified(e.over); }
  std::string node(const ParenthesisedCondition& p) const { return "(" + cond(*p.inner) + ")"; }

private:
  const SourceFile& source_;
};

struct Line {
  int indent = 0;
  std::string text;
  std::size_t at = 0;     // source offset of the line's first token
  bool blank_before = false;
  std::vector<std::string> trailing;  // comments to put at the end of the line
};

class Formatter {
public:
  Formatter(const RuleFile& file, const SourceFile& source) : file_(file), source_(source), printer_(source) {}

  std::string run() {
    for (std::size_t i = 0; i < file_.declarations.size(); ++i) {
      const std::size_t first = lines_.size();
      std::visit([&](const auto& d) { declaration(d); }, file_.declarations[i]);
      if (i > 0 && first < lines_.size()) lines_[first].blank_before = true;
    }
    return render();
  }

private:
  void add(int indent, std::string text, std::size_t at) { lines_.push_back({indent, std::move(text), at, false, {}}); }

  void declaration(const Param& p) {
    std::string text = "param " + p.name.text + " = " + printer_.node(p.value);
    if (p.description) text += " " + p.description->text;
    add(0, std::move(text), p.span.begin);
  }

  void declaration(const Rule& r) {
    add(0, "rule " + r.id.text + " " + r.title.source, r.span.begin);
    if (r.category) add(2, "category " + r.category->text, r.category->span.begin);
    if (r.severity) {
      add(2, std::string("severity ") + severity_name(r.severity->level), r.severity->span.begin);
    }
    if (r.for_each) add(2, "for each " + printer_.quantified(r.for_each->binding), r.for_each->span.begin);
    if (r.when) clause("when", *r.when, r.when_span.begin);
    if (r.unless) clause("unless", *r.unless, r.unless_span.begin);
    for (const Action& a : r.actions) {
      if (const Suggest* s = std::get_if<Suggest>(&a)) {
        std::string text = "suggest ";
        if (s->tier) {
          const std::string written = printer_.source_text(s->tier_span);
          text += "tier " + (written.empty() ? std::to_string(*s->tier) : written) + " ";
        }
        add(2, text + s->text.source, s->span.begin);
      } else {
        const Notify& n = std::get<Notify>(a);
        add(2, "notify " + n.role.text, n.span.begin);
      }
    }
    if (r.cite) add(2, "cite " + r.cite->text, r.cite->span.begin);
  }

  /// `when`/`unless`: a top-level and/or chain puts each further operand on its own line (§10).
  void clause(const char* keyword, const Condition& c, std::size_t at) {
    const auto* chain = std::get_if<Logical>(&c.node);
    if (chain == nullptr) {
      add(2, std::string(keyword) + " " + printer_.cond(c), at);
      return;
    }
    add(2, std::string(keyword) + " " + printer_.cond(*chain->operands[0]), at);
    for (std::size_t i = 1; i < chain->operands.size(); ++i) {
      const std::size_t op_at = i - 1 < chain->operator_spans.size() ? chain->operator_spans[i - 1].begin
                                                                      : span_of(*chain->operands[i]).begin;
      add(3, std::string(chain->op == LogicOp::and_ ? "and " : "or ") + printer_.cond(*chain->operands[i]), op_at);
    }
  }

  /// True when code precedes the comment on its source line.
  bool shares_line(const Comment& c) const {
    const std::string_view t = source_.text();
    for (std::size_t i = c.span.begin; i > 0; --i) {
      const char ch = t[i - 1];
      if (ch == '\n') return false;
      if (ch != ' ' && ch != '\t' && ch != '\r') return true;
    }
    return false;
  }

  std::string render() {
    // Own-line comments wait for the next output line; trailing ones join the line holding the code before them.
    std::vector<std::vector<std::string>> before(lines_.size() + 1);
    std::vector<Comment> comments = file_.comments;
    std::sort(comments.begin(), comments.end(), [](const Comment& a, const Comment& b) { return a.span.begin < b.span.begin; });
    for (const Comment& c : comments) {
      if (shares_line(c) && !lines_.empty() && lines_.front().at <= c.span.begin) {
        std::size_t holder = 0;
        for (std::size_t i = 0; i < lines_.size(); ++i) {
          if (lines_[i].at <= c.span.begin) holder = i;
        }
        // One comment fits at the end of a line; more (from source lines the layout joined) go on
        // their own lines before the next line, which is where they stay on the next run.
        if (lines_[holder].trailing.empty()) {
          lines_[holder].trailing.push_back(c.text);
        } else {
          before[holder + 1].push_back(c.text);
        }
        continue;
      }
      std::size_t next = lines_.size();
      for (std::size_t i = 0; i < lines_.size(); ++i) {
        if (lines_[i].at > c.span.begin) {
          next = i;
          break;
        }
      }
      before[next].push_back(c.text);
    }
    std::ostringstream out;
    for (std::size_t i = 0; i <= lines_.size(); ++i) {
      const bool blank = i < lines_.size() && lines_[i].blank_before;
      if (blank) out << "\n";
      const int indent = i < lines_.size() ? lines_[i].indent : 0;
      for (const std::string& c : before[i]) out << std::string(static_cast<std::size_t>(indent), ' ') << c << "\n";
      if (i == lines_.size()) break;
      const Line& line = lines_[i];
      out << std::string(static_cast<std::size_t>(line.indent), ' ') << line.text;
      if (!line.trailing.empty()) out << "  " << line.trailing.front();
      out << "\n";
    }
    return out.str();
  }

  const RuleFile& file_;
  const SourceFile& source_;
  Printer printer_;
  std::vector<Line> lines_;
};

}  // namespace

std::string format(const RuleFile& file, const SourceFile& source) { return Formatter(file, source).run(); }

std::string format_expression(const Expr& expr, const SourceFile& source) { return Printer(source).expr(expr); }

std::string format_condition(const Condition& condition, const SourceFile& source) {
  return Printer(source).cond(condition);
}

}  // namespace waymark::dsl
