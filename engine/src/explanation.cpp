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

std::string explanation_text(const Explanation& e, const PackIdentity& pack) {
  std::ostringstream out;
  out << "rule " << e.rule << " (" << e.rule_location << ")\n";
  out << "pupil " << e.pupil << " as of " << e.as_of.iso() << ", pack " << pack.name << " " << pack.version << " ("
      << pack.digest << ")\n";
  if (!e.binding.empty()) out << "for each " << e.binding << "\n";
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
