#include "waymark/engine/value.hpp"

namespace waymark::engine {

namespace {

// Null deadlines (beyond the calendar) count as the latest.
std::optional<dsl::Date> earliest(std::optional<dsl::Date> a, std::optional<dsl::Date> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

Truth truth_and(Truth a, Truth b) {
  if (a.no() || b.no()) return Truth::of(false);
  if (a.yes() && b.yes()) return Truth::of(true);
  if (a.is_pending() && b.is_pending()) return Truth::pending(earliest(a.deadline, b.deadline));
  return a.is_pending() ? a : b;
}

Truth truth_or(Truth a, Truth b) {
  if (a.yes() || b.yes()) return Truth::of(true);
  if (a.no() && b.no()) return Truth::of(false);
  if (a.is_pending() && b.is_pending()) return Truth::pending(earliest(a.deadline, b.deadline));
  return a.is_pending() ? a : b;
}

Truth truth_not(Truth a) {
  if (a.is_pending()) return a;
  return Truth::of(a.no());
}

std::string days_text(std::int64_t days) {
  if (days >= 14) {
    const std::int64_t weeks = days / 7;
    return std::to_string(weeks) + " weeks";
  }
  return std::to_string(days) + (days == 1 || days == -1 ? " day" : " days");
}

namespace {

std::string duration_text(const dsl::Duration& d) {
  const std::int64_t n = d.count;
  switch (d.unit) {
    case dsl::DurationUnit::day: return days_text(n);
    case dsl::DurationUnit::week: return days_text(7 * n);
    case dsl::DurationUnit::school_day: return std::to_string(n) + (n == 1 ? " school day" : " school days");
    case dsl::DurationUnit::school_week: return std::to_string(n) + (n == 1 ? " school week" : " school weeks");
    case dsl::DurationUnit::month: return std::to_string(n) + (n == 1 ? " month" : " months");
    case dsl::DurationUnit::year: return std::to_string(n) + (n == 1 ? " year" : " years");
  }
  return {};
}

}  // namespace

std::string value_text(const Value& v, dsl::Date today) {
  switch (v.kind) {
    case Value::Kind::none: return "none";
    case Value::Kind::boolean: return v.boolean ? "yes" : "no";
    case Value::Kind::number: return v.number.decimal(6);
    case Value::Kind::percent: return v.number.fixed(1) + "%";
    case Value::Kind::date: return v.date.iso();
    case Value::Kind::duration: return duration_text(v.duration);
    case Value::Kind::age: return days_text(dsl::days_between(v.date, today));
    case Value::Kind::string:
    case Value::Kind::enumeration: return v.text != nullptr ? *v.text : std::string();
    case Value::Kind::item: return v.item.record != nullptr ? v.item.record->id() : v.item.date.iso();
  }
  return {};
}

}  // namespace waymark::engine
