// libFuzzer target: any bytes through the language front end. parse() must never crash, hang,
// throw or go super-linear (language.md §2, §8), and what it returns must be coherent: every
// diagnostic a `syntax` error inside the file, every node's span inside its parent's.
// Later stages (the checker) are added to run_stages() in pipeline order.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "england_vocabulary.hpp"
#include "waymark/dsl/check.hpp"
#include "waymark/dsl/format.hpp"
#include "waymark/dsl/parse.hpp"

namespace {

using namespace waymark::dsl;

[[noreturn]] void broken(const char* what) {
  __builtin_printf("fuzz_parse: invariant broken: %s\n", what);
  std::abort();
}

// A span must lie inside the one that contains it (and so inside the file).
void inside(Span child, Span parent) {
  if (child.begin > child.end || child.begin < parent.begin || child.end > parent.end) broken("span outside its parent");
}

void walk(const Expr& e, Span parent);
void walk(const Condition& c, Span parent);

void walk(const Window& w, Span parent) {
  inside(w.span, parent);
  for (const ExprPtr* p : {&w.duration, &w.first, &w.second}) {
    if (*p) walk(**p, w.span);
  }
}

void walk(const Quantified& q, Span parent) {
  inside(q.span, parent);
  inside(q.source.span, q.span);
  if (q.variable) inside(q.variable->span, q.span);
  if (q.window) walk(*q.window, q.span);
  if (q.filter) walk(*q.filter, q.span);
}

void walk(const Expr& e, Span parent) {
  const Span span = span_of(e);
  inside(span, parent);
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Path>) {
          inside(n.root.span, span);
          inside(n.field.span, span);
        } else if constexpr (std::is_same_v<T, AgeOf>) {
          walk(*n.operand, span);
        } else if constexpr (std::is_same_v<T, Aggregate>) {
          walk(n.over, span);
        } else if constexpr (std::is_same_v<T, Measure>) {
          if (n.window) walk(*n.window, span);
        } else if constexpr (std::is_same_v<T, Arithmetic>) {
          walk(*n.lhs, span);
          walk(*n.rhs, span);
          inside(n.operator_span, span);
        } else if constexpr (std::is_same_v<T, ParenthesisedExpr>) {
          walk(*n.inner, span);
        }
      },
      e.node);
}

void walk(const Condition& c, Span parent) {
  const Span span = span_of(c);
  inside(span, parent);
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Logical>) {
          if (n.operands.size() < 2 || n.operator_spans.size() + 1 != n.operands.size()) broken("malformed chain");
          for (const ConditionPtr& o : n.operands) walk(*o, span);
          for (const Span s : n.operator_spans) inside(s, span);
        } else if constexpr (std::is_same_v<T, Not>) {
          walk(*n.operand, span);
        } else if constexpr (std::is_same_v<T, Comparison>) {
          walk(*n.lhs, span);
          walk(*n.rhs, span);
        } else if constexpr (std::is_same_v<T, InList> || std::is_same_v<T, InRange> || std::is_same_v<T, IsTest>) {
          walk(*n.subject, span);
        } else if constexpr (std::is_same_v<T, Truth>) {
          walk(*n.value, span);
        } else if constexpr (std::is_same_v<T, AgeTest>) {
          walk(*n.subject, span);
          walk(*n.duration, span);
        } else if constexpr (std::is_same_v<T, Exists>) {
          walk(n.over, span);
        } else if constexpr (std::is_same_v<T, ParenthesisedCondition>) {
          walk(*n.inner, span);
        }
      },
      c.node);
}

void walk(const Text& t, Span parent) {
  inside(t.span, parent);
  for (const TextPart& p : t.parts) {
    inside(p.span, t.span);
    if (p.expr) walk(*p.expr, p.span);
  }
}

void check_tree(const RuleFile& tree, const std::string& text, const Diagnostics& diagnostics) {
  const Span file{0, static_cast<std::uint32_t>(text.size())};
  for (const Diagnostic& d : diagnostics.all()) {
    if (d.range.file != 0) continue;  // the vocabulary's, or later stages'
    if (d.code != "syntax" || d.range.begin > d.range.end || d.range.end > text.size()) broken("bad diagnostic");
  }
  for (const Comment& c : tree.comments) inside(c.span, file);
  for (const Declaration& d : tree.declarations) {
    if (const auto* p = std::get_if<Param>(&d)) {
      inside(p->span, file);
      inside(p->value.span, p->span);
      continue;
    }
    const Rule& r = std::get<Rule>(d);
    inside(r.span, file);
    if (!r.when || r.actions.empty()) broken("rule without when or actions");
    walk(r.title, r.span);
    if (r.for_each) walk(r.for_each->binding, r.span);
    walk(*r.when, r.span);
    if (r.unless) walk(*r.unless, r.span);
    for (const Action& a : r.actions) {
      if (const auto* s = std::get_if<Suggest>(&a)) walk(s->text, r.span);
    }
  }
}

/// language.md §10: formatting a file that parsed is idempotent and never changes the tree.
void check_format(const RuleFile& tree, const SourceFile& source) {
  const std::string once = format(tree, source);
  SourceSet again;
  Diagnostics d;
  const FileId f = again.add("formatted.wmk", once);
  const RuleFile reparsed = parse(again, f, d);
  if (d.has_errors()) broken("the formatted text does not parse");
  if (dump(reparsed) != dump(tree)) broken("formatting changed the syntax tree");
  if (format(reparsed, again.file(f)) != once) broken("formatting is not idempotent");
}

// The stages run on every input, in pipeline order: parse, the checker (on whatever parsed, as
// `waymark check` does), and the formatter's round trip when the file parsed cleanly.
void run_stages(SourceSet& sources, FileId file) {
  Diagnostics diagnostics;
  RulePack pack;
  pack.vocabulary = waymark::fuzz::england_vocabulary();  // the checker resolves names against it
  for (std::int64_t t = 1; t <= 5; ++t) pack.tiers[t] = "tier";
  PackLayer layer;
  layer.name = "fuzz";
  layer.rule_files.push_back(parse(sources, file, diagnostics));
  const RuleFile& tree = layer.rule_files.back();
  check_tree(tree, sources.file(file).text(), diagnostics);
  static_cast<void>(dump(tree));
  const bool parsed = !diagnostics.has_errors();
  if (parsed) check_format(tree, sources.file(file));
  pack.layers.push_back(std::move(layer));
  static_cast<void>(check(pack, sources, diagnostics));
  static_cast<void>(render_text(diagnostics.sorted(), sources));
  static_cast<void>(render_json(diagnostics.sorted(), sources));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  SourceSet sources;
  const FileId file = sources.add("fuzz.wmk", std::string(reinterpret_cast<const char*>(data), size));
  run_stages(sources, file);
  return 0;
}
