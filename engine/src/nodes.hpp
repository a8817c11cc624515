#pragma once
// Private to the engine: the concrete expression and condition nodes of a compiled rule
// (language.md §4-7), built by compile.cpp and evaluated by evaluate.cpp.

#include "program.hpp"

namespace waymark::engine::detail {

// ---------------------------------------------------------------- expressions

/// A literal or a parameter's value (resolved with overrides at compile time).
struct Constant final : Expression {
  Value value;
  Value eval(Context&) const override { return value; }
};

struct TodayValue final : Expression {
  Value eval(Context& ctx) const override { return Value::of_date(ctx.today); }
};

/// A bound item (`rt`, or a kind standing for the current item).
struct BoundItem final : Expression {
  int slot = 0;
  Value eval(Context& ctx) const override;
};

/// `VAR.FIELD`: a field of a bound record, as known on the as-of date.
struct ItemField final : Expression {
  int slot = 0;
  int field = 0;
  const dsl::FieldSpec* spec = nullptr;
  Value eval(Context& ctx) const override;
};

/// `pupil.FIELD`, with age and year group derived on the as-of date.
struct PupilField final : Expression {
  int field = 0;
  const dsl::FieldSpec* spec = nullptr;
  Value eval(Context& ctx) const override;
};

/// `age of X`: the time from a date or an item's anchor to today.
struct AgeOfValue final : Expression {
  ExpressionPtr operand;
  Value eval(Context& ctx) const override;
};

struct AggregateValue final : Expression {
  dsl::AggregateOp op = dsl::AggregateOp::count;
  int field = -1;  // total/max/min: the field index (0 for a date list's date)
  Collection over;
  Value eval(Context& ctx) const override;
};

struct MeasureValue final : Expression {
  dsl::MeasureKind kind = dsl::MeasureKind::attendance;
  std::optional<WindowSpec> window;  // absent: this academic year
  bool excluding = false;            // `... excluding [CODES]`
  CodeSet codes{};                   // the list of `coded [CODES]` or `excluding [CODES]`
  Value eval(Context& ctx) const override;

private:
  Value by_code(Context& ctx, dsl::Date from, dsl::Date to) const;
  // The pupil's counts over [from, to] with this measure's exclusions, taken once per pupil.
  AttendanceCounts counts(Context& ctx, dsl::Date from, dsl::Date to) const;
};

/// `start of this term`, `end of term of X`, ... (version 2).
struct TermDateValue final : Expression {
  dsl::TermBound bound = dsl::TermBound::start;
  dsl::TermChoice term = dsl::TermChoice::this_term;
  ExpressionPtr of;
  Value eval(Context& ctx) const override;
};

struct CurrentTierValue final : Expression {
  bool start = false;
  const Program* program = nullptr;
  Value eval(Context& ctx) const override;
};

struct ArithmeticValue final : Expression {
  dsl::ArithmeticOp op = dsl::ArithmeticOp::plus;
  ExpressionPtr lhs;
  ExpressionPtr rhs;
  Value eval(Context& ctx) const override;
};

// ---------------------------------------------------------------- conditions

struct LogicalCondition final : Condition {
  dsl::LogicOp op = dsl::LogicOp::and_;
  std::vector<ConditionPtr> operands;
  Truth evaluate(Context& ctx) const override;
};

struct NotCondition final : Condition {
  ConditionPtr operand;
  Truth evaluate(Context& ctx) const override;
};

struct CompareCondition final : Condition {
  dsl::CompareOp op = dsl::CompareOp::eq;
  ExpressionPtr lhs;
  ExpressionPtr rhs;
  Truth evaluate(Context& ctx) const override;
};

struct InListCondition final : Condition {
  ExpressionPtr subject;
  std::vector<Value> items;
  Truth evaluate(Context& ctx) const override;
};

struct InRangeCondition final : Condition {
  ExpressionPtr subject;
  dsl::Rational low;
  dsl::Rational high;
  Truth evaluate(Context& ctx) const override;
};

struct IsCondition final : Condition {
  enum class Test { none, set, active, value, about } test = Test::none;
  bool negated = false;
  std::uint32_t enum_index = 0;  // Test::value
  int about_field = -1;          // Test::about: the subject kind's `about` field
  ExpressionPtr about;           // Test::about: X
  ExpressionPtr subject;
  Truth evaluate(Context& ctx) const override;
};

struct TruthCondition final : Condition {
  ExpressionPtr value;
  Truth evaluate(Context& ctx) const override;
};

struct AgeCondition final : Condition {
  bool older = true;
  ExpressionPtr subject;
  ExpressionPtr duration;
  Truth evaluate(Context& ctx) const override;
};

struct ExistsCondition final : Condition {
  bool some = true;
  Collection over;
  /// `no ... within D after T`: pending while open from when/unless, false while open in a filter (§5).
  bool deadline_window = false;
  Truth evaluate(Context& ctx) const override;
};

// ---------------------------------------------------------------- shared

/// Reads a stored field value as a run-time value, applying the as-of rules of language.md §5.
Value field_value(const FieldValue& stored, const dsl::FieldSpec& spec, dsl::Date today);
/// "S-1 (2025-10-06)" for explanations.
std::string describe_item(const ItemRef& item);

template <typename F>
bool Collection::each(Context& ctx, F&& f, bool apply_window) const {
  std::optional<DateRange> range;
  if (window && apply_window) {
    range = window->resolve(ctx);
    if (!range) return false;  // a window with a none bound selects nothing
  }
  // `about X` (case-records.md §2.1): only records whose `about` is X's id.
  const std::string* about_id = nullptr;
  if (about) {
    const Value x = about->eval(ctx);
    if (x.kind != Value::Kind::item || x.item.record == nullptr) return true;
    about_id = &x.item.record->id();
  }
  const std::optional<dsl::Date> today_end = ctx.today;
  auto visit = [&](ItemRef item, std::optional<dsl::Date> end) -> bool {
    if (range) {
      if (end) {
        // Episodes are selected by overlap of [start, end]; an ongoing one runs to today.
        const dsl::Date last = *end;
        if ((range->to && item.anchor() > *range->to) || (range->from && last < *range->from)) return true;
      } else if (!range->contains(item.anchor())) {
        return true;
      }
    }
    if (about_id != nullptr) {
      const auto* linked = std::get_if<std::string>(&item.record->fields[static_cast<std::size_t>(about_field)]);
      if (linked == nullptr || *linked != *about_id) return true;
    }
    ctx.slots[static_cast<std::size_t>(slot)] = item;
    if (filter) {
      // A filter is part of choosing the items, not a condition the explanation lists per item.
      const bool was = ctx.in_filter;
      std::vector<TraceNode*> trace;
      trace.swap(ctx.trace);
      ctx.in_filter = true;
      const Truth t = filter->test(ctx, "where");
      ctx.in_filter = was;
      trace.swap(ctx.trace);
      if (!t.yes()) return true;
    }
    return f(item);
  };
  if (record_kind >= 0) {
    for (const Record& r : ctx.records) {
      if (r.kind != static_cast<std::uint32_t>(record_kind)) continue;
      std::optional<dsl::Date> end;
      if (r.shape == dsl::KindShape::episode) {
        const std::optional<dsl::Date> written = r.end();
        end = written && *written <= ctx.today ? *written : *today_end;
      }
      if (!visit(ItemRef{&r, {}}, end)) return true;
    }
    return true;
  }
  // A date list: entries after today do not exist yet (language.md §5).
  const FieldValue* stored = nullptr;
  if (date_list_on_pupil) {
    stored = &ctx.pupil->attributes[static_cast<std::size_t>(date_list_field)];
  } else {
    const Value owner = date_list_owner->eval(ctx);
    if (owner.kind != Value::Kind::item || owner.item.record == nullptr) return true;
    stored = &owner.item.record->fields[static_cast<std::size_t>(date_list_field)];
  }
  const auto* dates = std::get_if<DateList>(stored);
  if (dates == nullptr) return true;
  for (const dsl::Date d : *dates) {
    if (d > ctx.today) break;
    if (!visit(ItemRef{nullptr, d}, std::nullopt)) return true;
  }
  return true;
}

}  // namespace waymark::engine::detail
