// The compile stage: a checked pack becomes evaluable nodes (program.hpp). Names, fields,
// parameters (with overrides) and bindings are resolved here once; the texts and source positions
// that explanations print are computed here too, so evaluation does no formatting of rules.

#include <algorithm>
#include <unordered_map>

#include "nodes.hpp"
#include "waymark/dsl/format.hpp"
#include "waymark/engine/evaluate.hpp"

namespace waymark::engine {

using namespace detail;

namespace {

class Compiler {
public:
  Compiler(const dsl::RulePack& pack, const dsl::CheckedPack& checked, const dsl::SourceSet& sources, Program& program)
      : pack_(pack), checked_(checked), sources_(sources), program_(program) {}

  void run() {
    for (const dsl::CheckedRule& r : checked_.rules) {
      if (!r.enabled) continue;
      file_ = r.file;
      program_.rules.push_back(rule(r));
    }
  }

private:
  const dsl::SourceFile& source() const { return sources_.file(file_); }

  std::string location(dsl::Span span, bool column = true) const {
    const dsl::LineColumn at = source().position(span.begin);
    return source().path() + ":" + std::to_string(at.line) + (column ? ":" + std::to_string(at.column) : "");
  }

  const std::string* keep(const std::string& s) {
    program_.strings.push_back(s);
    return &program_.strings.back();
  }

  Value constant(const dsl::LiteralValue& v) {
    switch (v.index()) {
      case 0: return Value::of_bool(std::get<bool>(v));
      case 1: return Value::of_number(std::get<dsl::Rational>(v));
      case 2: return Value::of_percent(std::get<dsl::Percent>(v).points);
      case 3: return Value::of_date(std::get<dsl::Date>(v));
      case 4: {
        const dsl::Duration& d = std::get<dsl::Duration>(v);
        if (d.unit == dsl::DurationUnit::school_day || d.unit == dsl::DurationUnit::school_week) {
          rule_->needs_calendar = true;
        }
        return Value::of_duration(d);
      }
      default: return Value::of_string(keep(std::get<std::string>(v)));
    }
  }

  RuleProgram rule(const dsl::CheckedRule& checked) {
    const dsl::Rule& r = *checked.rule;
    RuleProgram out;
    rule_ = &out;
    next_slot_ = 0;
    out.id = checked.qualified_id;
    out.location = location(r.id.span, false);
    out.category = r.category ? r.category->text : "general";
    out.severity = r.severity ? r.severity->level : dsl::SeverityLevel::medium;
    if (r.for_each) out.for_each = collection(r.for_each->binding);
    out.title = text(r.title);
    if (r.when) out.when = condition(*r.when, false);
    if (r.unless) out.unless = condition(*r.unless, false);
    for (const dsl::Action& a : r.actions) {
      ActionProgram action;
      if (const auto* s = std::get_if<dsl::Suggest>(&a)) {
        action.tier = s->tier;
        action.text = text(s->text);
        if (s->tier && (!out.tier || *s->tier > *out.tier)) out.tier = s->tier;
      } else {
        action.notify = true;
        action.role = std::get<dsl::Notify>(a).role.text;
      }
      out.actions.push_back(std::move(action));
    }
    if (r.cite) out.cite = std::get<std::string>(r.cite->value);
    out.slots = std::max(next_slot_, 1);
    return out;
  }

  TextTemplate text(const dsl::Text& t) {
    TextTemplate out;
    for (const dsl::TextPart& p : t.parts) {
      TextTemplate::Part part;
      if (p.expr) part.expr = expression(*p.expr);
      else part.text = p.text;
      out.parts.push_back(std::move(part));
    }
    return out;
  }

  Collection collection(const dsl::Quantified& q) {
    Collection c;
    const dsl::CollectionTarget& target = checked_.collections.at(&q);
    c.record_kind = target.record_kind;
    if (target.record_kind < 0) {
      c.date_list_field = target.date_list.field;
      if (target.date_list.root.kind == dsl::Reference::Kind::pupil) {
        c.date_list_on_pupil = true;
      } else {
        auto owner = std::make_unique<BoundItem>();
        owner->slot = slots_.at(target.date_list.root.binding);
        c.date_list_owner = std::move(owner);
      }
    }
    if (q.about) {
      // Resolved in the enclosing scope, before this collection's own slot exists (as the checker did).
      c.about = expression(*q.about);
      c.about_field = about_field(target.record_kind);
    }
    if (q.window) c.window = window(*q.window);
    c.slot = next_slot_++;
    slots_[&q] = c.slot;
    if (q.filter) c.filter = condition(*q.filter, true);
    c.kind = q.source.name.text + (q.source.field ? "." + q.source.field->text : "");
    if (q.variable) c.variable = q.variable->text;
    c.text = c.kind + (q.variable ? " " + c.variable : "");
    return c;
  }

  /// The index of a kind's `about` field (the checker made sure there is one).
  int about_field(int record_kind) const {
    const dsl::KindSpec& kind = program_.vocabulary.kinds()[static_cast<std::size_t>(record_kind)];
    return static_cast<int>(kind.field(dsl::about_field_name) - kind.fields.data());
  }

  WindowSpec window(const dsl::Window& w) {
    WindowSpec s;
    s.kind = w.kind;
    s.terms = w.terms;
    if (w.duration) s.duration = expression(*w.duration);
    if (w.first) s.first = expression(*w.first);
    if (w.second) s.second = expression(*w.second);
    if (w.kind == dsl::WindowKind::this_term || w.kind == dsl::WindowKind::previous_term ||
        w.kind == dsl::WindowKind::last_terms || w.kind == dsl::WindowKind::term_of) {
      rule_->needs_calendar = true;
    }
    return s;
  }

  // ------------------------------------------------------------------ expressions

  ExpressionPtr expression(const dsl::Expr& e) {
    ExpressionPtr out = std::visit([&](const auto& n) { return node(e, n); }, e.node);
    if (out->text.empty()) out->text = dsl::format_expression(e, source());
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::Literal& l) {
    auto c = std::make_unique<Constant>();
    c->value = constant(l.value);
    return c;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::Today&) { return std::make_unique<TodayValue>(); }

  ExpressionPtr node(const dsl::Expr& e, const dsl::NameRef& n) {
    const dsl::Reference& ref = checked_.names.at(&e);
    if (ref.kind == dsl::Reference::Kind::parameter) {
      auto c = std::make_unique<Constant>();
      c->value = constant(checked_.params[static_cast<std::size_t>(ref.parameter)].value);
      c->text = n.name.text;
      return c;
    }
    auto b = std::make_unique<BoundItem>();
    b->slot = slots_.at(ref.binding);
    return b;
  }

  ExpressionPtr node(const dsl::Expr& e, const dsl::Path&) {
    const dsl::PathTarget& target = checked_.paths.at(&e);
    const dsl::Vocabulary& vocabulary = program_.vocabulary;
    if (target.root.kind == dsl::Reference::Kind::pupil) {
      auto f = std::make_unique<PupilField>();
      f->field = target.field;
      f->spec = &vocabulary.pupil_attributes()[static_cast<std::size_t>(target.field)];
      return f;
    }
    auto f = std::make_unique<ItemField>();
    f->slot = slots_.at(target.root.binding);
    f->field = target.field;
    const dsl::CollectionTarget& bound = checked_.collections.at(target.root.binding);
    if (bound.record_kind >= 0) {
      f->spec = &vocabulary.kinds()[static_cast<std::size_t>(bound.record_kind)].fields[static_cast<std::size_t>(target.field)];
    }
    return f;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::AgeOf& a) {
    auto out = std::make_unique<AgeOfValue>();
    out->operand = expression(*a.operand);
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::Aggregate& a) {
    auto out = std::make_unique<AggregateValue>();
    out->op = a.op;
    out->over = collection(a.over);
    if (a.field) {
      if (out->over.record_kind >= 0) {
        const dsl::KindSpec& kind = program_.vocabulary.kinds()[static_cast<std::size_t>(out->over.record_kind)];
        out->field = static_cast<int>(kind.field(a.field->text) - kind.fields.data());
      } else {
        out->field = 0;
      }
    }
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::Measure& m) {
    auto out = std::make_unique<MeasureValue>();
    out->kind = m.kind;
    out->excluding = m.excluding;
    std::vector<std::string> codes;
    for (const dsl::Name& c : m.codes) codes.push_back(c.text);
    out->codes = program_.codes.set_of(codes);
    if (m.window) out->window = window(*m.window);
    if (m.kind == dsl::MeasureKind::absence_streak || m.kind == dsl::MeasureKind::unauthorised_absence_streak) {
      rule_->needs_calendar = true;
    }
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::TermDate& t) {
    auto out = std::make_unique<TermDateValue>();
    out->bound = t.bound;
    out->term = t.term;
    if (t.of) out->of = expression(*t.of);
    rule_->needs_calendar = true;
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::CurrentTier& c) {
    auto out = std::make_unique<CurrentTierValue>();
    out->start = c.start;
    out->program = &program_;
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::Arithmetic& a) {
    auto out = std::make_unique<ArithmeticValue>();
    out->op = a.op;
    out->lhs = expression(*a.lhs);
    out->rhs = expression(*a.rhs);
    return out;
  }

  ExpressionPtr node(const dsl::Expr&, const dsl::ParenthesisedExpr& p) { return expression(*p.inner); }

  // ------------------------------------------------------------------ conditions

  ConditionPtr condition(const dsl::Condition& c, bool in_filter) {
    ConditionPtr out = std::visit([&](const auto& n) { return node(n, in_filter); }, c.node);
    if (out->text.empty()) out->text = dsl::format_condition(c, source());
    if (out->location.empty()) out->location = location(dsl::span_of(c));
    return out;
  }

  ConditionPtr node(const dsl::Logical& l, bool in_filter) {
    auto out = std::make_unique<LogicalCondition>();
    out->op = l.op;
    for (const dsl::ConditionPtr& o : l.operands) out->operands.push_back(condition(*o, in_filter));
    return out;
  }

  ConditionPtr node(const dsl::Not& n, bool in_filter) {
    auto out = std::make_unique<NotCondition>();
    out->operand = condition(*n.operand, in_filter);
    return out;
  }

  ConditionPtr node(const dsl::Comparison& c, bool) {
    auto out = std::make_unique<CompareCondition>();
    out->op = c.op;
    out->lhs = expression(*c.lhs);
    out->rhs = expression(*c.rhs);
    return out;
  }

  const dsl::FieldSpec* enum_of(const dsl::Expr& e) const {
    auto it = checked_.types.find(&e);
    return it != checked_.types.end() ? it->second.enum_field : nullptr;
  }

  static std::uint32_t value_index(const dsl::FieldSpec& spec, const std::string& value) {
    return static_cast<std::uint32_t>(std::find(spec.values.begin(), spec.values.end(), value) - spec.values.begin());
  }

  ConditionPtr node(const dsl::InList& in, bool) {
    auto out = std::make_unique<InListCondition>();
    out->subject = expression(*in.subject);
    const dsl::FieldSpec* spec = enum_of(*in.subject);
    for (const dsl::ListItem& item : in.items) {
      if (const auto* name = std::get_if<dsl::Name>(&item)) {
        out->items.push_back(Value::of_enum(spec != nullptr ? value_index(*spec, name->text) : 0, keep(name->text)));
      } else {
        out->items.push_back(constant(std::get<dsl::Literal>(item).value));
      }
    }
    return out;
  }

  ConditionPtr node(const dsl::InRange& in, bool) {
    auto out = std::make_unique<InRangeCondition>();
    out->subject = expression(*in.subject);
    out->low = std::get<dsl::Rational>(in.low.value);
    out->high = std::get<dsl::Rational>(in.high.value);
    return out;
  }

  ConditionPtr node(const dsl::IsTest& is, bool) {
    auto out = std::make_unique<IsCondition>();
    out->subject = expression(*is.subject);
    out->negated = is.negated;
    const dsl::FieldSpec* spec = enum_of(*is.subject);
    switch (is.kind) {
      case dsl::IsKind::none:
        // On an enum with a value named `none` (like sen), `is none` tests that value (§4).
        if (spec != nullptr && spec->has_value("none")) {
          out->test = IsCondition::Test::value;
          out->enum_index = value_index(*spec, "none");
        } else {
          out->test = IsCondition::Test::none;
        }
        break;
      case dsl::IsKind::set: out->test = IsCondition::Test::set; break;
      case dsl::IsKind::active:
        if (spec != nullptr && spec->has_value("active")) {
          out->test = IsCondition::Test::value;
          out->enum_index = value_index(*spec, "active");
        } else {
          out->test = IsCondition::Test::active;
        }
        break;
      case dsl::IsKind::value:
        out->test = IsCondition::Test::value;
        out->enum_index = spec != nullptr ? value_index(*spec, is.value->text) : 0;
        break;
      case dsl::IsKind::about:
        out->test = IsCondition::Test::about;
        out->about_field = about_field(checked_.types.at(is.subject.get()).record_kind);
        out->about = expression(*is.about);
        break;
    }
    return out;
  }

  ConditionPtr node(const dsl::Truth& t, bool) {
    auto out = std::make_unique<TruthCondition>();
    out->value = expression(*t.value);
    return out;
  }

  ConditionPtr node(const dsl::AgeTest& a, bool) {
    auto out = std::make_unique<AgeCondition>();
    out->older = a.older;
    out->subject = expression(*a.subject);
    out->duration = expression(*a.duration);
    return out;
  }

  ConditionPtr node(const dsl::Exists& e, bool) {
    auto out = std::make_unique<ExistsCondition>();
    out->some = e.some;
    out->over = collection(e.over);
    // Only `no ... within D after T` reached from when/unless can be pending (language.md §5); inside
    // a filter the same window is false while open, so it is marked too and told apart by
    // Context::in_filter at run time.
    out->deadline_window = !e.some && e.over.window && e.over.window->kind == dsl::WindowKind::within_after;
    return out;
  }

  ConditionPtr node(const dsl::ParenthesisedCondition& p, bool in_filter) { return condition(*p.inner, in_filter); }

  const dsl::RulePack& pack_;
  const dsl::CheckedPack& checked_;
  const dsl::SourceSet& sources_;
  Program& program_;
  dsl::FileId file_ = dsl::no_file;
  RuleProgram* rule_ = nullptr;
  int next_slot_ = 0;
  std::unordered_map<const dsl::Quantified*, int> slots_;
};

}  // namespace

CompiledPack::CompiledPack(std::unique_ptr<detail::Program> program) : program_(std::move(program)) {}
CompiledPack::CompiledPack(CompiledPack&&) noexcept = default;
CompiledPack& CompiledPack::operator=(CompiledPack&&) noexcept = default;
CompiledPack::~CompiledPack() = default;

const PackIdentity& CompiledPack::identity() const { return program_->identity; }
const dsl::Vocabulary& CompiledPack::vocabulary() const { return program_->vocabulary; }
const Calendar& CompiledPack::program_calendar() const { return program_->calendar; }

std::vector<std::string> CompiledPack::rule_ids() const {
  std::vector<std::string> ids;
  for (const RuleProgram& r : program_->rules) ids.push_back(r.id);
  return ids;
}

std::optional<Calendar> load_pack_calendar(const dsl::RulePack& pack, const dsl::SourceSet& sources,
                                           dsl::Diagnostics& diagnostics) {
  Calendar merged;
  bool ok = true;
  for (const dsl::PackLayer& layer : pack.layers) {
    for (const dsl::FileId file : layer.calendar_files) {
      std::optional<Calendar> c = load_calendar(sources, file, diagnostics);
      if (!c) {
        ok = false;
        continue;
      }
      merged.merge(*c);
    }
  }
  if (!ok) return std::nullopt;
  return merged;
}

CompiledPack compile(const dsl::RulePack& pack, const dsl::CheckedPack& checked, const dsl::SourceSet& sources,
                     Calendar calendar) {
  auto program = std::make_unique<Program>();
  program->identity = {pack.top().name, pack.top().version, pack.digest};
  program->vocabulary = pack.vocabulary;
  program->calendar = std::move(calendar);
  program->codes = AttendanceCodes(program->vocabulary);
  program->layout = PupilLayout::of(program->vocabulary);
  if (const dsl::KindSpec* tier = program->vocabulary.kind("tier"); tier != nullptr && tier->name == "tier") {
    program->tier_kind = static_cast<int>(tier - program->vocabulary.kinds().data());
    if (const dsl::FieldSpec* level = tier->field("level")) {
      program->tier_level = static_cast<int>(level - tier->fields.data());
    } else {
      program->tier_kind = -1;
    }
  }
  // The checker resolved names against the pack's vocabulary; the program holds an identical copy,
  // so the indices it recorded hold for it too. Field specs are re-pointed at the copy.
  Compiler(pack, checked, sources, *program).run();
  return CompiledPack(std::move(program));
}

}  // namespace waymark::engine
