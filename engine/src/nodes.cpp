// Evaluation of compiled nodes, exactly as language.md §4-7 says: as-of truncation, anchors, every
// window, none propagation (a comparison with none is false), deadlines that pend, and streaks.

#include <algorithm>

#include "nodes.hpp"

namespace waymark::engine::detail {

using dsl::Date;
using dsl::Rational;

// ---------------------------------------------------------------- helpers

std::optional<Date> add_duration(const Context& ctx, Date date, const dsl::Duration& d, int sign) {
  const std::int64_t n = d.count * sign;
  // Durations may have nine digits (language.md §2): 999999999 weeks or years do not fit a Date, and
  // wrapping around made `X older than 400000000 weeks` true. Results more than a million years
  // away saturate there instead, so `X + D < today` and `today - D <= X` still answer correctly.
  constexpr std::int64_t far = 366LL * 1'000'000;
  const auto plus_days = [&](std::int64_t days) {
    return Date::from_days(static_cast<std::int32_t>(std::clamp<std::int64_t>(date.days() + days, -far, far)));
  };
  const auto plus_months = [&](std::int64_t months) {
    if (months > 12'000'000 || months < -12'000'000) return plus_days(months > 0 ? far : -far);
    return date.plus_months(static_cast<std::int32_t>(months));
  };
  switch (d.unit) {
    case dsl::DurationUnit::day: return plus_days(n);
    case dsl::DurationUnit::week: return plus_days(7 * n);
    case dsl::DurationUnit::month: return plus_months(n);
    case dsl::DurationUnit::year: return plus_months(12 * n);
    case dsl::DurationUnit::school_day: return ctx.calendar->add_school_days(date, n);
    case dsl::DurationUnit::school_week: return ctx.calendar->add_school_weeks(date, n);
  }
  return std::nullopt;
}

/// The first day of `within last D` on today: today - D, except that N school weeks reach back to the
/// Monday of the Nth most recent school week (language-v2 §2).
std::optional<dsl::Date> within_last_start(const Context& ctx, const dsl::Duration& d) {
  if (d.unit == dsl::DurationUnit::school_week) return ctx.calendar->school_weeks_back(ctx.today, d.count);
  return add_duration(ctx, ctx.today, d, -1);
}

namespace {

/// A date, or an item's anchor; none otherwise.
std::optional<Date> as_date(const Value& v) {
  if (v.kind == Value::Kind::date) return v.date;
  if (v.kind == Value::Kind::item) return v.item.anchor();
  return std::nullopt;
}

std::optional<dsl::Duration> as_duration(const Value& v) {
  if (v.kind == Value::Kind::duration) return v.duration;
  return std::nullopt;
}

template <typename T>
bool compare(const T& a, const T& b, dsl::CompareOp op) {
  switch (op) {
    case dsl::CompareOp::lt: return a < b;
    case dsl::CompareOp::le: return a <= b;
    case dsl::CompareOp::gt: return a > b;
    case dsl::CompareOp::ge: return a >= b;
    case dsl::CompareOp::eq: return a == b;
    case dsl::CompareOp::ne: return a != b;
  }
  return false;
}

dsl::CompareOp flip(dsl::CompareOp op) {
  switch (op) {
    case dsl::CompareOp::lt: return dsl::CompareOp::gt;
    case dsl::CompareOp::le: return dsl::CompareOp::ge;
    case dsl::CompareOp::gt: return dsl::CompareOp::lt;
    case dsl::CompareOp::ge: return dsl::CompareOp::le;
    default: return op;
  }
}

/// "X is V" for an operand whose value is not plain from the rule's text.
void describe_operand(Context& ctx, const Expression& e, const Value& v) {
  if (!ctx.explaining() || (dynamic_cast<const Constant*>(&e) != nullptr && e.text == value_text(v, ctx.today))) return;
  // Measures and aggregates describe themselves, with their counts.
  if (dynamic_cast<const MeasureValue*>(&e) != nullptr || dynamic_cast<const AggregateValue*>(&e) != nullptr) return;
  if (v.kind == Value::Kind::age) {
    ctx.fact([&] {
      return e.text + " is " + days_text(dsl::days_between(v.date, ctx.today)) + " (since " + v.date.iso() + ")";
    });
    return;
  }
  ctx.fact([&] { return e.text + " is " + value_text(v, ctx.today); });
}

}  // namespace

std::string describe_item(const ItemRef& item) {
  if (item.record == nullptr) return item.date.iso();
  return item.record->id() + " (" + item.record->anchor().iso() + ")";
}

Value field_value(const FieldValue& stored, const dsl::FieldSpec& spec, Date today) {
  switch (stored.index()) {
    case 1: return Value::of_bool(std::get<bool>(stored));
    case 2: return Value::of_number(std::get<Rational>(stored));
    case 3: return Value::of_string(&std::get<std::string>(stored));
    case 4: {
      // A date later than the as-of date was not known then (language.md §5), unless it is planned:
      // an intention known when it was recorded (`reduced_timetable.planned_end`).
      const Date d = std::get<Date>(stored);
      return d > today && !spec.planned ? Value::none() : Value::of_date(d);
    }
    case 5: {
      const std::uint32_t index = std::get<EnumValue>(stored).index;
      return index < spec.values.size() ? Value::of_enum(index, &spec.values[index]) : Value::none();
    }
    default: return Value::none();
  }
}

// ---------------------------------------------------------------- expressions

Value BoundItem::eval(Context& ctx) const { return Value::of_item(ctx.slots[static_cast<std::size_t>(slot)]); }

Value ItemField::eval(Context& ctx) const {
  const ItemRef& item = ctx.slots[static_cast<std::size_t>(slot)];
  if (item.record == nullptr) return Value::of_date(item.date);  // a date-list entry has only its date
  return field_value(item.record->fields[static_cast<std::size_t>(field)], *spec, ctx.today);
}

Value PupilField::eval(Context& ctx) const {
  const std::size_t index = static_cast<std::size_t>(field);
  const PupilLayout& layout = *ctx.layout;
  if (index == layout.age || (layout.year_group && index == *layout.year_group &&
                              is_none(ctx.pupil->attributes[index]))) {
    if (!layout.dob) return Value::none();
    const FieldValue& dob = ctx.pupil->attributes[*layout.dob];
    const Date* born = std::get_if<Date>(&dob);
    if (born == nullptr || *born > ctx.today) return Value::none();
    return Value::of_number(index == layout.age ? age_on(*born, ctx.today) : year_group_on(*born, ctx.today));
  }
  return field_value(ctx.pupil->attributes[index], *spec, ctx.today);
}

Value AgeOfValue::eval(Context& ctx) const {
  const std::optional<Date> from = as_date(operand->eval(ctx));
  return from ? Value::of_age(*from) : Value::none();
}

Value AggregateValue::eval(Context& ctx) const {
  std::int64_t count = 0;
  Rational total;
  bool overflow = false;
  Value best;
  std::vector<std::string> ids;
  over.each(ctx, [&](const ItemRef& item) {
    ++count;
    ctx.select(item.record);
    if (ctx.explaining()) ids.push_back(describe_item(item));
    if (op == dsl::AggregateOp::count) return true;
    Value v;
    if (item.record == nullptr) {
      v = Value::of_date(item.date);
    } else {
      const dsl::KindSpec& kind = ctx.vocabulary->kinds()[item.record->kind];
      v = field_value(item.record->fields[static_cast<std::size_t>(field)], kind.fields[static_cast<std::size_t>(field)],
                      ctx.today);
    }
    if (v.is_none()) return true;  // a missing value adds nothing
    if (op == dsl::AggregateOp::total) {
      const std::optional<Rational> sum = Rational::add(total, v.number);
      if (!sum) overflow = true;
      else total = *sum;
      return true;
    }
    const bool better = best.is_none() ||
                        (v.kind == Value::Kind::date ? (op == dsl::AggregateOp::max ? v.date > best.date : v.date < best.date)
                                                     : (op == dsl::AggregateOp::max ? v.number > best.number
                                                                                    : v.number < best.number));
    if (better) best = v;
    return true;
  });
  Value result;
  switch (op) {
    case dsl::AggregateOp::count: result = Value::of_number(count); break;
    case dsl::AggregateOp::total: result = overflow ? Value::none() : Value::of_number(total); break;
    default: result = best; break;
  }
  if (ctx.explaining()) {
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
    std::string detail = list.empty() ? std::string("no records") : list;
    const std::string about = over.about_text(ctx);  // " about S-2 (2025-10-06)" with `about`
    if (!about.empty()) detail = about.substr(1) + ": " + detail;
    ctx.fact([&] { return text + " is " + value_text(result, ctx.today) + " (" + detail + ")"; });
  }
  return result;
}

AttendanceCounts MeasureValue::counts(Context& ctx, Date from, Date to) const {
  const CodeSet* excluded = excluding ? &codes : nullptr;
  for (const Context::Counted& c : ctx.counted) {
    if (c.from == from && c.to == to && c.excluded == excluded) return c.counts;
  }
  const AttendanceMarks& marks = ctx.pupil->attendance;
  const AttendanceCounts counts = excluded != nullptr
                                      ? count_sessions_excluding(marks, *ctx.codes, from, to, ctx.today, *excluded)
                                      : count_sessions(marks, *ctx.codes, from, to, ctx.today);
  ctx.counted.push_back({from, to, excluded, counts});
  return counts;
}

Value MeasureValue::by_code(Context& ctx, Date from, Date to) const {
  const AttendanceMarks& marks = ctx.pupil->attendance;
  if (kind == dsl::MeasureKind::possible_sessions || kind == dsl::MeasureKind::unauthorised_sessions) {
    const AttendanceCounts counts = this->counts(ctx, from, to);
    const std::int64_t n = kind == dsl::MeasureKind::possible_sessions ? counts.possible : counts.unauthorised;
    ctx.fact([&] {
      return text + " is " + std::to_string(n) + " (" + std::to_string(counts.possible) + " possible sessions, " +
             std::to_string(counts.unauthorised) + " unauthorised)";
    });
    return Value::of_number(n);
  }
  const CodedSessions coded = count_coded(marks, codes, from, to, ctx.today);
  Value result;
  switch (kind) {
    case dsl::MeasureKind::sessions_coded: result = Value::of_number(coded.sessions); break;
    case dsl::MeasureKind::days_coded: result = Value::of_number(*Rational::fraction(coded.sessions, 2)); break;
    case dsl::MeasureKind::first_day_coded: result = coded.first ? Value::of_date(*coded.first) : Value::none(); break;
    default: result = coded.last ? Value::of_date(*coded.last) : Value::none(); break;
  }
  ctx.fact([&] {
    return text + " is " + value_text(result, ctx.today) + " (" + std::to_string(coded.sessions) +
           (coded.sessions == 1 ? " session" : " sessions") +
           (coded.first ? ", " + coded.first->iso() + " to " + coded.last->iso() : std::string()) + ")";
  });
  return result;
}

Value MeasureValue::eval(Context& ctx) const {
  const AttendanceMarks& marks = ctx.pupil->attendance;
  if (kind == dsl::MeasureKind::absence_streak || kind == dsl::MeasureKind::unauthorised_absence_streak) {
    const std::int64_t streak = absence_streak(marks, *ctx.codes, *ctx.calendar, ctx.today,
                                               kind == dsl::MeasureKind::unauthorised_absence_streak);
    ctx.fact([&] { return text + " is " + std::to_string(streak) + (streak == 1 ? " school day" : " school days"); });
    return Value::of_number(streak);
  }
  DateRange range;
  if (window) {
    const std::optional<DateRange> r = window->resolve(ctx);
    if (!r) {
      ctx.fact([&] { return text + " is none (the window selects no days)"; });
      return Value::none();
    }
    range = *r;
  } else {
    range = {ctx.academic_year.from, ctx.academic_year.to};
  }
  if (marks.empty()) {
    ctx.fact([&] { return text + " is none (no attendance marks recorded)"; });
    return Value::none();
  }
  const Date from = range.from ? std::max(*range.from, marks.first) : marks.first;
  const Date to = range.to ? std::min(*range.to, marks.last()) : marks.last();
  if (kind >= dsl::MeasureKind::sessions_coded) {
    // Version 2's counts by code: none when no recorded day of the window has come (no data, not zero).
    if (from > std::min(to, ctx.today)) {
      ctx.fact([&] { return text + " is none (no attendance marks recorded in the window)"; });
      return Value::none();
    }
    return by_code(ctx, from, to);
  }
  AttendanceCounts counts;
  if (from <= to) counts = this->counts(ctx, from, to);
  std::optional<Rational> value;
  switch (kind) {
    case dsl::MeasureKind::attendance: value = attendance_percent(counts); break;
    case dsl::MeasureKind::absence: value = absence_percent(counts); break;
    case dsl::MeasureKind::unauthorised_absence: value = unauthorised_absence_percent(counts); break;
    default: value = sessions_missed(counts); break;
  }
  const Value result = !value ? Value::none()
                       : kind == dsl::MeasureKind::sessions_missed ? Value::of_number(*value)
                                                                   : Value::of_percent(*value);
  ctx.fact([&] {
    return text + " is " + value_text(result, ctx.today) + " (" + std::to_string(counts.possible) +
           " possible sessions, " + std::to_string(counts.attended) + " attended, " + std::to_string(counts.absent) +
           " missed, " + std::to_string(counts.unauthorised) + " unauthorised)";
  });
  return result;
}

const Record* current_tier_record(const Context& ctx, const Program& program) {
  if (program.tier_kind < 0) return nullptr;
  const Record* best = nullptr;
  for (const Record& r : ctx.records) {
    if (r.kind != static_cast<std::uint32_t>(program.tier_kind)) continue;
    const std::optional<Date> end = r.end();
    if (end && *end <= ctx.today) continue;  // ended on or before today: not active (§5)
    // The latest start, then the greatest id (records are sorted by anchor, then id).
    if (best == nullptr || r.anchor() > best->anchor() || (r.anchor() == best->anchor() && r.id() > best->id())) best = &r;
  }
  return best;
}

Value CurrentTierValue::eval(Context& ctx) const {
  const Record* r = current_tier_record(ctx, *program);
  if (start) return r != nullptr ? Value::of_date(r->anchor()) : Value::none();
  if (r == nullptr) return Value::of_number(0);
  const FieldValue& level = r->fields[static_cast<std::size_t>(program->tier_level)];
  const auto* n = std::get_if<Rational>(&level);
  return Value::of_number(n != nullptr ? *n : Rational(0));
}

Value TermDateValue::eval(Context& ctx) const {
  std::optional<TermWindow> t;
  switch (term) {
    case dsl::TermChoice::this_term: t = ctx.calendar->this_term(ctx.today); break;
    case dsl::TermChoice::previous_term: t = ctx.calendar->previous_term(ctx.today); break;
    case dsl::TermChoice::term_of: {
      // The term containing X, or in a holiday the latest term that started before it (as `this term`).
      const std::optional<Date> x = as_date(of->eval(ctx));
      if (x) t = ctx.calendar->this_term(*x);
      break;
    }
  }
  if (!t) return Value::none();
  return Value::of_date(bound == dsl::TermBound::start ? t->dates.from : t->dates.to);
}

Value ArithmeticValue::eval(Context& ctx) const {
  const Value l = lhs->eval(ctx);
  const Value r = rhs->eval(ctx);
  if (l.is_none() || r.is_none()) return Value::none();
  const bool plus = op == dsl::ArithmeticOp::plus;
  if (l.kind == Value::Kind::date && r.kind == Value::Kind::duration) {
    const std::optional<Date> d = add_duration(ctx, l.date, r.duration, plus ? 1 : -1);
    return d ? Value::of_date(*d) : Value::none();
  }
  const std::optional<Rational> n = plus ? Rational::add(l.number, r.number) : Rational::subtract(l.number, r.number);
  if (!n) return Value::none();
  return l.kind == Value::Kind::percent ? Value::of_percent(*n) : Value::of_number(*n);
}

// ---------------------------------------------------------------- windows

std::optional<DateRange> WindowSpec::resolve(Context& ctx) const {
  auto date_of = [&](const ExpressionPtr& e) { return as_date(e->eval(ctx)); };
  switch (kind) {
    case dsl::WindowKind::within_last: {
      const std::optional<dsl::Duration> d = as_duration(duration->eval(ctx));
      const std::optional<Date> from = d ? within_last_start(ctx, *d) : std::nullopt;
      if (!from) return std::nullopt;
      return DateRange{from, ctx.today};
    }
    case dsl::WindowKind::within_after: {
      const Deadline w = after_window(ctx);
      if (!w.start) return std::nullopt;
      return DateRange{w.start->plus_days(1), w.end};  // (T, T + D]; open while T + D is beyond the calendar
    }
    case dsl::WindowKind::within_before: {
      const std::optional<Date> t = date_of(first);
      const std::optional<dsl::Duration> d = as_duration(duration->eval(ctx));
      const std::optional<Date> from = t && d ? add_duration(ctx, *t, *d, -1) : std::nullopt;
      if (!from) return std::nullopt;
      return DateRange{from, t->plus_days(-1)};  // [T - D, T)
    }
    case dsl::WindowKind::after: {
      const std::optional<Date> t = date_of(first);
      if (!t) return std::nullopt;
      return DateRange{t->plus_days(1), ctx.today};
    }
    case dsl::WindowKind::before: {
      const std::optional<Date> t = date_of(first);
      if (!t) return std::nullopt;
      return DateRange{std::nullopt, t->plus_days(-1)};
    }
    case dsl::WindowKind::between: {
      const std::optional<Date> a = date_of(first);
      const std::optional<Date> b = date_of(second);
      if (!a || !b) return std::nullopt;
      return DateRange{a, b};
    }
    case dsl::WindowKind::this_term:
    case dsl::WindowKind::previous_term: {
      const std::optional<TermWindow> term =
          kind == dsl::WindowKind::this_term ? ctx.calendar->this_term(ctx.today) : ctx.calendar->previous_term(ctx.today);
      if (!term) return std::nullopt;
      return DateRange{term->dates.from, term->dates.to};
    }
    case dsl::WindowKind::this_academic_year:
      return DateRange{ctx.academic_year.from, ctx.academic_year.to};
    case dsl::WindowKind::previous_academic_year: {
      const DateWindow y = previous_academic_year_of(ctx.today);
      return DateRange{y.from, y.to};
    }
    case dsl::WindowKind::last_terms: {
      const std::optional<Date> from = ctx.calendar->last_terms_start(ctx.today, terms);
      if (!from) return std::nullopt;
      return DateRange{from, ctx.today};
    }
    case dsl::WindowKind::term_of: {
      const std::optional<Date> x = date_of(first);
      const std::optional<TermWindow> term = x ? ctx.calendar->this_term(*x) : std::nullopt;
      if (!term) return std::nullopt;
      return DateRange{term->dates.from, term->dates.to};
    }
  }
  return std::nullopt;
}

WindowSpec::Deadline WindowSpec::after_window(Context& ctx) const {
  Deadline w;
  w.start = as_date(first->eval(ctx));
  const std::optional<dsl::Duration> d = as_duration(duration->eval(ctx));
  if (w.start && d) w.end = add_duration(ctx, *w.start, *d, 1);
  if (!d) w.start.reset();
  return w;
}

// ---------------------------------------------------------------- conditions

Truth Condition::test(Context& ctx, const char* joiner) const {
  if (!ctx.tracing()) return evaluate(ctx);
  TraceNode* parent = ctx.trace.back();
  parent->children.emplace_back();
  TraceNode* node = &parent->children.back();
  node->node.joiner = joiner;  // also read for evidence: a `not` operand's records are not evidence
  if (ctx.explain) {
    node->node.text = text;
    node->node.location = location;
  }
  ctx.trace.push_back(node);
  const Truth t = evaluate(ctx);
  ctx.trace.pop_back();
  node->node.result = t;
  return t;
}

Truth LogicalCondition::evaluate(Context& ctx) const {
  const bool is_and = op == dsl::LogicOp::and_;
  Truth result = Truth::of(is_and);
  for (std::size_t i = 0; i < operands.size(); ++i) {
    const Truth t = operands[i]->test(ctx, i == 0 ? "" : (is_and ? "and" : "or"));
    result = is_and ? truth_and(result, t) : truth_or(result, t);
    // Stop as soon as the answer is settled, unless an auditor is reading every condition.
    if (!ctx.tracing() && (is_and ? result.no() : result.yes())) break;
  }
  return result;
}

Truth NotCondition::evaluate(Context& ctx) const { return truth_not(operand->test(ctx, "not")); }

Truth CompareCondition::evaluate(Context& ctx) const {
  const Value l = lhs->eval(ctx);
  const Value r = rhs->eval(ctx);
  describe_operand(ctx, *lhs, l);
  describe_operand(ctx, *rhs, r);
  // Missing data is never a silent pass: a comparison with none is false, `!=` included (§6).
  if (l.is_none() || r.is_none()) return Truth::of(false);
  if (l.kind == Value::Kind::age || r.kind == Value::Kind::age) {
    // `age of X OP D` is the age test on X: compares X + D with today (language.md §4).
    const bool age_left = l.kind == Value::Kind::age;
    const Value& age = age_left ? l : r;
    const Value& d = age_left ? r : l;
    const dsl::CompareOp o = age_left ? op : flip(op);
    const std::optional<Date> reached = add_duration(ctx, age.date, d.duration, 1);
    if (!reached) return Truth::of(false);
    // age > D  <=>  X + D < today, so the comparison of ages is the reverse of dates.
    return Truth::of(compare(ctx.today, *reached, o));
  }
  switch (l.kind) {
    case Value::Kind::number:
    case Value::Kind::percent: return Truth::of(compare(l.number, r.number, op));
    case Value::Kind::date: return Truth::of(compare(l.date, r.date, op));
    case Value::Kind::string: return Truth::of(compare(*l.text, *r.text, op));
    case Value::Kind::boolean: return Truth::of(compare(l.boolean, r.boolean, op));
    default: return Truth::of(false);
  }
}

Truth InListCondition::evaluate(Context& ctx) const {
  const Value v = subject->eval(ctx);
  describe_operand(ctx, *subject, v);
  if (v.is_none()) return Truth::of(false);
  for (const Value& item : items) {
    bool equal = false;
    switch (v.kind) {
      case Value::Kind::enumeration: equal = item.enum_index == v.enum_index; break;
      case Value::Kind::number: equal = item.number == v.number; break;
      case Value::Kind::date: equal = item.date == v.date; break;
      case Value::Kind::string: equal = *item.text == *v.text; break;
      default: break;
    }
    if (equal) return Truth::of(true);
  }
  return Truth::of(false);
}

Truth InRangeCondition::evaluate(Context& ctx) const {
  const Value v = subject->eval(ctx);
  describe_operand(ctx, *subject, v);
  if (v.kind != Value::Kind::number) return Truth::of(false);
  return Truth::of(low <= v.number && v.number <= high);
}

Truth IsCondition::evaluate(Context& ctx) const {
  const Value v = subject->eval(ctx);
  describe_operand(ctx, *subject, v);
  switch (test) {
    case Test::none: return Truth::of(v.is_none() != negated);
    case Test::set: return Truth::of(v.is_none() == negated);
    case Test::active: {
      if (v.kind != Value::Kind::item || v.item.record == nullptr) return Truth::of(false);
      // Active: no end on or before today; an end after the as-of date is not known yet (§5).
      const std::optional<Date> end = v.item.record->end();
      const bool active = !end || *end > ctx.today;
      ctx.fact([&] { return v.item.record->id() + (active ? " has not ended" : " ended " + end->iso()); });
      return Truth::of(active != negated);
    }
    case Test::about: {
      // case-records.md §2.1: the subject's `about` is X's id. Over a missing link `is not about` is
      // true: a record about nothing is not about X.
      const Value x = about->eval(ctx);
      if (v.kind != Value::Kind::item || v.item.record == nullptr || x.kind != Value::Kind::item ||
          x.item.record == nullptr) {
        return Truth::of(false);
      }
      const auto* linked = std::get_if<std::string>(&v.item.record->fields[static_cast<std::size_t>(about_field)]);
      const bool is = linked != nullptr && *linked == x.item.record->id();
      ctx.fact([&] {
        return v.item.record->id() + (linked != nullptr ? " is about " + *linked : std::string(" is about no record")) +
               (is ? "" : ", not " + x.item.record->id());
      });
      return Truth::of(is != negated);
    }
    case Test::value:
      // Like `!=`, `is not X` over a missing value is false: missing data never passes silently.
      if (v.kind != Value::Kind::enumeration) return Truth::of(false);
      return Truth::of((v.enum_index == enum_index) != negated);
  }
  return Truth::of(false);
}

Truth TruthCondition::evaluate(Context& ctx) const {
  const Value v = value->eval(ctx);
  describe_operand(ctx, *value, v);
  return Truth::of(v.kind == Value::Kind::boolean && v.boolean);
}

Truth AgeCondition::evaluate(Context& ctx) const {
  const Value s = subject->eval(ctx);
  const std::optional<Date> x = as_date(s);
  const std::optional<dsl::Duration> d = as_duration(duration->eval(ctx));
  if (!x || !d) {
    ctx.fact([&] { return subject->text + " is none"; });
    return Truth::of(false);
  }
  ctx.fact([&] {
    const std::string what = s.kind == Value::Kind::item ? describe_item(s.item) : x->iso();
    return subject->text + " is " + what + ", " + days_text(dsl::days_between(*x, ctx.today)) + " before " +
           ctx.today.iso();
  });
  if (older) {
    const std::optional<Date> reached = add_duration(ctx, *x, *d, 1);
    return Truth::of(reached && *reached < ctx.today);  // X + D < today
  }
  const std::optional<Date> from = within_last_start(ctx, *d);
  return Truth::of(from && *from <= *x && *x <= ctx.today);  // today - D <= X <= today
}

Truth ExistsCondition::evaluate(Context& ctx) const {
  std::vector<ItemRef> found;
  const bool collect_all = ctx.tracing();
  const bool bounded = over.each(ctx, [&](const ItemRef& item) {
    found.push_back(item);
    if (some) ctx.select(item.record);
    return collect_all;  // the first is enough unless an auditor is reading
  });
  if (ctx.explaining()) {
    std::string list;
    for (const ItemRef& i : found) list += (list.empty() ? "" : ", ") + describe_item(i);
    std::string where = over.about_text(ctx);
    if (over.window) {
      if (const std::optional<DateRange> r = over.window->resolve(ctx)) {
        where = " from " + (r->from ? r->from->iso() : std::string("the start")) + " to " +
                (r->to ? r->to->iso() : std::string("today"));
      }
    }
    if (!found.empty()) {
      ctx.fact([&] { return "found" + where + ": " + list; });
    } else {
      // What an auditor asks next: when was the last one, if any?
      std::optional<ItemRef> latest;
      over.each(ctx, [&](const ItemRef& item) {
        latest = item;
        return true;
      }, false);
      ctx.fact([&] {
        return "none found" + where +
               (latest ? "; the latest is " + describe_item(*latest) + ", " +
                             days_text(dsl::days_between(latest->anchor(), ctx.today)) + " ago"
                       : std::string());
      });
    }
  }
  if (some) return Truth::of(!found.empty());
  if (over.about && found.empty() && over.about_text(ctx).empty()) {
    // X is none (unbound): the link cannot be checked, so `no ... about X` does not hold.
    return Truth::of(false);
  }
  if (!found.empty()) return Truth::of(false);
  // language.md §5: a window with a none bound selects nothing, and `no` over it does not hold. (A
  // term that is not found is no bound: that window simply selects nothing, so `no` holds.)
  const bool term = over.window && (over.window->kind == dsl::WindowKind::this_term ||
                                    over.window->kind == dsl::WindowKind::previous_term);
  if (!bounded && !term) {
    ctx.fact([&] { return "the window has a bound that is none: it selects nothing"; });
    return Truth::of(false);
  }
  if (!deadline_window) return Truth::of(true);
  // `no X within D after T`: holds only once the window has closed (language.md §5).
  const WindowSpec::Deadline w = over.window->after_window(ctx);
  if (!w.start) {
    ctx.fact([&] { return "the window has not started (its start is none)"; });
    return Truth::of(false);
  }
  // language.md §5: inside a `where` filter or an aggregate an open window simply does not hold
  // (it is false, never pending and never true).
  if (!w.end) {
    ctx.fact([&] { return "the window runs past the loaded calendar: still open"; });
    return ctx.in_filter ? Truth::of(false) : Truth::pending(std::nullopt);
  }
  if (*w.end < ctx.today) {
    ctx.fact([&] { return "the window closed on " + w.end->iso(); });
    return Truth::of(true);
  }
  ctx.fact([&] { return "the window is open until " + w.end->iso(); });
  return ctx.in_filter ? Truth::of(false) : Truth::pending(*w.end);
}

std::string Collection::about_text(Context& ctx) const {
  if (!about) return {};
  const Value x = about->eval(ctx);
  if (x.kind != Value::Kind::item || x.item.record == nullptr) return {};
  return " about " + describe_item(x.item);
}

// ---------------------------------------------------------------- texts

std::string TextTemplate::render(Context& ctx) const {
  std::string out;
  for (const Part& p : parts) out += p.expr ? value_text(p.expr->eval(ctx), ctx.today) : p.text;
  return out;
}

}  // namespace waymark::engine::detail
