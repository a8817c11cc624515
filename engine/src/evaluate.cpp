// The evaluation driver (language.md §6): for each pupil and enabled rule, each binding; a holding
// binding raises a flag (re-evaluated with the tracer on, for its explanation and evidence), a
// pending one a due entry. Pupils are shared among threads; results are ordered, so output is
// byte-identical whatever the scheduling.

#include <algorithm>
#include <atomic>
#include <thread>

#include "nodes.hpp"
#include "waymark/engine/evaluate.hpp"

namespace waymark::engine {

using namespace detail;

namespace {

ExplanationNode to_explanation(TraceNode& t) {
  ExplanationNode out = std::move(t.node);
  for (TraceNode& c : t.children) out.children.push_back(to_explanation(c));
  return out;
}

/// Evidence (§6): records selected by aggregates and `some` tests inside conditions that held;
/// `not` operands never held when the `not` did, and `no` tests select nothing.
void collect_evidence(const TraceNode& t, std::vector<const Record*>& out) {
  if (!t.node.result.yes()) return;
  out.insert(out.end(), t.selected.begin(), t.selected.end());
  for (const TraceNode& c : t.children) {
    if (c.node.joiner != "not") collect_evidence(c, out);
  }
}

/// The item `rule`'s `for each` bound, with the record's dates as of `today` (language.md §9).
Binding binding_of(const RuleProgram& rule, const ItemRef& item, dsl::Date today) {
  Binding b{rule.for_each->kind, rule.for_each->variable, {}, {}};
  if (item.record == nullptr) {
    b.item = item.date.iso();
    return b;
  }
  const Record& r = *item.record;
  b.item = r.id();
  if (r.shape == dsl::KindShape::episode) {
    const std::optional<dsl::Date> end = end_at(r, today);
    b.summary = "started " + r.anchor().iso() + (end ? ", ended " + end->iso() : ", active");
  } else {
    b.summary = r.anchor().iso();
  }
  return b;
}

class PupilEvaluator {
public:
  PupilEvaluator(const Program& program, dsl::Date as_of, bool explanations = true) : program_(program) {
    ctx_.today = as_of;
    ctx_.academic_year = academic_year_of(as_of);
    ctx_.explain = explanations;
    ctx_.calendar = &program.calendar;
    ctx_.codes = &program.codes;
    ctx_.vocabulary = &program.vocabulary;
    ctx_.layout = &program.layout;
    std::size_t slots = 1;
    for (const RuleProgram& r : program.rules) slots = std::max(slots, static_cast<std::size_t>(r.slots));
    ctx_.slots.resize(slots);
  }

  void start(const Pupil& pupil) {
    ctx_.pupil = &pupil;
    ctx_.records = records_at(pupil, ctx_.today);
    ctx_.trace.clear();
    ctx_.counted.clear();
    ctx_.in_filter = false;
  }

  PupilResult run(const Pupil& pupil) {
    start(pupil);
    PupilResult result;
    result.id = pupil.id();
    if (const Record* tier = current_tier_record(ctx_, program_)) {
      const auto* level = std::get_if<dsl::Rational>(&tier->fields[static_cast<std::size_t>(program_.tier_level)]);
      if (level != nullptr) result.current_tier = level->numerator() / level->denominator();
    }
    for (const RuleProgram& rule : program_.rules) {
      if (rule.for_each) {
        rule.for_each->each(ctx_, [&](const ItemRef& item) {
          binding(rule, &item, result);
          return true;
        });
      } else {
        binding(rule, nullptr, result);
      }
    }
    finish(result);
    return result;
  }

  /// One explanation per binding tried (for `explain --rule`).
  std::vector<Explanation> explain(const Pupil& pupil, const RuleProgram& rule) {
    start(pupil);
    std::vector<Explanation> out;
    if (rule.for_each) {
      rule.for_each->each(ctx_, [&](const ItemRef& item) {
        out.push_back(trace(rule, &item));
        return true;
      });
    } else {
      out.push_back(trace(rule, nullptr));
    }
    return out;
  }

private:
  Truth holds(const RuleProgram& rule) {
    const Truth w = rule.when->test(ctx_, "when");
    if (w.no()) return w;
    const Truth u = rule.unless ? rule.unless->test(ctx_, "unless") : Truth::of(false);
    return truth_and(w, truth_not(u));
  }

  void binding(const RuleProgram& rule, const ItemRef* item, PupilResult& result) {
    const Truth t = holds(rule);
    if (t.no()) return;
    if (item != nullptr) ctx_.slots[static_cast<std::size_t>(rule.for_each->slot)] = *item;
    if (t.is_pending()) {
      DueEntry due;
      due.rule = rule.id;
      due.title = rule.title.render(ctx_);
      if (item != nullptr) due.evidence.push_back(item_id(*item));
      due.deadline = t.deadline;
      for (const ActionProgram& a : rule.actions) {
        if (!a.notify) due.actions.push_back(a.text.render(ctx_));
      }
      result.due.push_back(std::move(due));
      return;
    }
    Flag flag;
    flag.rule = rule.id;
    flag.title = rule.title.render(ctx_);
    flag.category = rule.category;
    flag.severity = rule.severity;
    flag.tier = rule.tier;
    flag.cite = rule.cite;
    for (const ActionProgram& a : rule.actions) {
      if (a.notify) flag.notify.push_back(a.role);
      else flag.actions.push_back(a.text.render(ctx_));
    }
    std::vector<const Record*> selected;
    flag.explanation = trace(rule, item, &selected);
    // The bound item first, then the selected records by anchor, then id, without repeats (§6).
    std::sort(selected.begin(), selected.end(), [](const Record* a, const Record* b) { return record_before(*a, *b); });
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    if (item != nullptr) flag.evidence.push_back(item_id(*item));
    for (const Record* r : selected) {
      if (item == nullptr || r != item->record) flag.evidence.push_back(r->id());
    }
    result.flags.push_back(std::move(flag));
  }

  static std::string item_id(const ItemRef& item) { return item.record != nullptr ? item.record->id() : item.date.iso(); }

  Explanation trace(const RuleProgram& rule, const ItemRef* item, std::vector<const Record*>* evidence = nullptr) {
    if (item != nullptr) ctx_.slots[static_cast<std::size_t>(rule.for_each->slot)] = *item;
    TraceNode root;
    ctx_.trace.push_back(&root);
    const Truth w = rule.when->test(ctx_, "when");
    Truth result = w;
    if (rule.unless) result = truth_and(w, truth_not(rule.unless->test(ctx_, "unless")));
    ctx_.trace.pop_back();
    if (evidence != nullptr && !root.children.empty()) collect_evidence(root.children.front(), *evidence);
    if (!ctx_.explain) return {};  // only the evidence was wanted
    Explanation e;
    e.rule = rule.id;
    e.rule_location = rule.location;
    e.pupil = ctx_.pupil->id();
    e.as_of = ctx_.today;
    if (item != nullptr) e.binding = binding_of(rule, *item, ctx_.today);
    e.result = result;
    if (!root.children.empty()) e.when = to_explanation(root.children[0]);
    if (root.children.size() > 1) e.unless = to_explanation(root.children[1]);
    for (const ActionProgram& a : rule.actions) {
      if (a.notify) e.actions.push_back("notify " + a.role);
      else e.actions.push_back("suggest" + (a.tier ? " tier " + std::to_string(*a.tier) : std::string()) + ": " +
                               a.text.render(ctx_));
    }
    e.cite = rule.cite;
    return e;
  }

  static int severity_rank(dsl::SeverityLevel s) { return static_cast<int>(s); }

  void finish(PupilResult& result) const {
    // Flags: severity (urgent first), tier (higher first, none last), rule id, evidence (§6).
    std::sort(result.flags.begin(), result.flags.end(), [](const Flag& a, const Flag& b) {
      if (a.severity != b.severity) return severity_rank(a.severity) > severity_rank(b.severity);
      if (a.tier != b.tier) {
        if (!a.tier || !b.tier) return a.tier.has_value();
        return *a.tier > *b.tier;
      }
      if (a.rule != b.rule) return a.rule < b.rule;
      return a.evidence < b.evidence;
    });
    // Due entries: deadline (null last), rule id, evidence.
    std::sort(result.due.begin(), result.due.end(), [](const DueEntry& a, const DueEntry& b) {
      if (a.deadline != b.deadline) {
        if (!a.deadline || !b.deadline) return a.deadline.has_value();
        return *a.deadline < *b.deadline;
      }
      if (a.rule != b.rule) return a.rule < b.rule;
      return a.evidence < b.evidence;
    });
    std::optional<std::int64_t> highest;
    for (const Flag& f : result.flags) {
      if (f.tier && (!highest || *f.tier > *highest)) highest = f.tier;
    }
    if (highest && *highest > result.current_tier) result.suggested_tier = highest;
  }

  const Program& program_;
  Context ctx_;
};

/// The rules that need the calendar on the as-of date, when it does not cover it: ONE error for the
/// run (issue 9: not one per rule), naming the last covered date and how to add a year.
bool calendar_covers(const Program& program, dsl::Date as_of, dsl::Diagnostics& diagnostics) {
  if (program.calendar.is_covered(as_of)) return true;
  std::vector<const RuleProgram*> needing;
  for (const RuleProgram& r : program.rules) {
    if (r.needs_calendar) needing.push_back(&r);
  }
  if (needing.empty()) return true;
  const int start = as_of.academic_year_start();
  const std::string year = std::to_string(start) + "-" + (((start + 1) % 100) < 10 ? "0" : "") +
                           std::to_string((start + 1) % 100);
  const std::optional<dsl::Date> last = program.calendar.last_covered();
  diagnostics.error({}, "calendar-not-covered",
                    "no loaded school calendar covers " + as_of.iso() +
                        (last ? " (the loaded calendars end on " + last->iso() + ")" : std::string(" (the pack loads no calendar)")) +
                        ", and " + std::to_string(needing.size()) + (needing.size() == 1 ? " rule counts" : " rules count") +
                        " school days, school weeks, terms or streaks (" + needing.front()->id + " at " +
                        needing.front()->location + (needing.size() > 1 ? ", and others" : "") +
                        "); add the academic year " + year +
                        " to the pack: a calendar file with its terms, breaks and closures (like "
                        "rules/england/calendars/england-2027-28.yaml) that the pack's 'calendar:' in pack.yaml "
                        "names (docs/case-records.md, 'The school calendar'), or choose another --as-of date");
  return false;
}

}  // namespace

std::optional<RunResult> evaluate(const CompiledPack& pack, const Caseload& caseload, const EvaluateOptions& options,
                                  dsl::Diagnostics& diagnostics) {
  const Program& program = pack.program();
  if (!calendar_covers(program, options.as_of, diagnostics)) return std::nullopt;
  RunResult run;
  run.as_of = options.as_of;
  run.pack = program.identity;
  const std::size_t total = caseload.pupils.size();
  run.pupils.resize(total);
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, total / 64)));
  // Pupils are handed out in blocks from a shared counter: cheap, and balanced when some pupils
  // have far more records than others.
  constexpr std::size_t block = 256;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  auto work = [&]() {
    PupilEvaluator evaluator(program, options.as_of, options.explanations);
    for (;;) {
      const std::size_t begin = next.fetch_add(block);
      if (begin >= total) break;
      const std::size_t end = std::min(total, begin + block);
      for (std::size_t i = begin; i < end; ++i) run.pupils[i] = evaluator.run(caseload.pupils[i]);
      const std::size_t finished = done.fetch_add(end - begin) + (end - begin);
      if (options.progress) options.progress(finished, total);
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
    for (std::thread& t : pool) t.join();
  }
  return run;
}

PupilResult evaluate_pupil(const CompiledPack& pack, const Pupil& pupil, dsl::Date as_of) {
  PupilEvaluator evaluator(pack.program(), as_of);
  return evaluator.run(pupil);
}

std::optional<std::vector<Explanation>> explain_rule(const CompiledPack& pack, const Pupil& pupil, dsl::Date as_of,
                                                     const std::string& rule) {
  const Program& program = pack.program();
  for (const RuleProgram& r : program.rules) {
    // The rule may be named with or without its pack.
    const bool match = r.id == rule || (r.id.size() > rule.size() && r.id.compare(r.id.size() - rule.size(), rule.size(), rule) == 0 &&
                                        r.id[r.id.size() - rule.size() - 1] == '/');
    if (!match) continue;
    PupilEvaluator evaluator(program, as_of);
    return evaluator.explain(pupil, r);
  }
  return std::nullopt;
}

}  // namespace waymark::engine
