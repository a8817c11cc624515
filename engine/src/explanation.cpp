// An explanation as an auditor reads it (language.md §9): the rule and where it is written, the
// pupil, as-of date and pack, the binding, then each condition with ✓ / ✗ / … and what it compared.

#include <sstream>

#include "waymark/engine/result.hpp"

namespace waymark::engine {
namespace {

const char* mark(const Truth& t) {
  if (t.yes()) return "✓";
  if (t.is_pending()) return "…";
  return "✗";
}

bool is_chain(const ExplanationNode& n) {
  return !n.children.empty() && (n.children.size() > 1 || n.children.front().joiner == "not");
}

void render(const ExplanationNode& n, const std::string& label, int depth, std::ostringstream& out) {
  const std::string indent(static_cast<std::size_t>(2 + depth * 4), ' ');
  // A chain of and/or prints its operands one per line, each with its joiner, as the rule reads.
  if (is_chain(n) && n.children.front().joiner != "not") {
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      const ExplanationNode& c = n.children[i];
      render(c, i == 0 ? label : c.joiner, i == 0 ? depth : depth, out);
    }
    return;
  }
  // Labels right-aligned as in language.md §9: "  when  ✓", "   and  ✓".
  std::string head = label.size() < 4 ? std::string(4 - label.size(), ' ') + label : label;
  out << indent << head << "  " << mark(n.result) << " " << n.text << "   [" << n.location << "]\n";
  for (const std::string& f : n.facts) out << indent << "         " << f << "\n";
  for (const ExplanationNode& c : n.children) {
    if (c.joiner == "not") render(c, "not", depth + 1, out);
  }
}

/// The first condition, in reading order, that decided against the rule.
const ExplanationNode* first_failing(const ExplanationNode& n, bool want) {
  if (n.children.empty()) return (n.result.yes() == want) ? nullptr : &n;
  if (n.children.front().joiner == "not") {
    const ExplanationNode* inner = first_failing(n.children.front(), !want);
    return inner != nullptr ? inner : ((n.result.yes() == want) ? nullptr : &n);
  }
  for (const ExplanationNode& c : n.children) {
    if (const ExplanationNode* f = first_failing(c, want)) return f;
  }
  return (n.result.yes() == want) ? nullptr : &n;
}

}  // namespace

std::string binding_text(const Binding& b) {
  if (b.empty()) return {};
  std::string out = b.kind;
  if (!b.variable.empty()) out += " " + b.variable;
  out += " -> " + b.item;
  if (!b.summary.empty()) out += " (" + b.summary + ")";
  return out;
}

std::optional<Binding> parse_binding(std::string_view text) {
  // Kinds and variables are names (no spaces, no "->"), so the first " -> " ends the clause; the
  // summary holds no brackets, so the last " (" starts it. Whatever the item holds, the split
  // renders back to the same text.
  const std::size_t arrow = text.find(" -> ");
  if (arrow == std::string_view::npos || arrow == 0) return std::nullopt;
  Binding b;
  const std::string_view clause = text.substr(0, arrow);
  const std::size_t space = clause.find(' ');
  if (space == 0) return std::nullopt;
  b.kind = std::string(clause.substr(0, space));
  if (space != std::string_view::npos) b.variable = std::string(clause.substr(space + 1));
  std::string_view rest = text.substr(arrow + 4);
  const std::size_t open = rest.rfind(" (");
  if (open != std::string_view::npos && rest.size() > open + 3 && rest.back() == ')') {
    b.summary = std::string(rest.substr(open + 2, rest.size() - open - 3));
    rest = rest.substr(0, open);
  }
  b.item = std::string(rest);
  return b;
}

std::string explanation_text(const Explanation& e, const PackIdentity& pack) {
  std::ostringstream out;
  out << "rule " << e.rule << " (" << e.rule_location << ")\n";
  out << "pupil " << e.pupil << " as of " << e.as_of.iso() << ", pack " << pack.name << " " << pack.version << " ("
      << pack.digest << ")\n";
  if (!e.binding.empty()) out << "for each " << binding_text(e.binding) << "\n";
  if (e.when) render(*e.when, "when", 0, out);
  if (e.unless) render(*e.unless, "unless", 0, out);
  if (e.result.yes()) {
    out << "result: fired\n";
  } else if (e.result.is_pending()) {
    out << "result: due, not yet a breach: act by "
        << (e.result.deadline ? e.result.deadline->iso() : std::string("a date beyond the loaded calendar")) << "\n";
  } else {
    const ExplanationNode* why = nullptr;
    if (e.when && !e.when->result.yes()) {
      why = first_failing(*e.when, true);
      out << "result: did not fire";
      if (why != nullptr) out << ": '" << why->text << "' does not hold (" << why->location << ")";
      out << "\n";
    } else if (e.unless) {
      out << "result: did not fire: the exception holds: '" << e.unless->text << "' (" << e.unless->location << ")\n";
    }
  }
  for (const std::string& a : e.actions) out << a << "\n";
  if (!e.cite.empty()) out << "cite: " << e.cite << "\n";
  return out.str();
}

}  // namespace waymark::engine
