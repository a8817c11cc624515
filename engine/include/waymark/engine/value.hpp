#pragma once
// Run-time values of the rule language (language.md §4, §6) and three-valued truth for deadlines
// that have not passed yet (§5). Values never own text: strings point into the pack or the records.

#include <cstdint>
#include <optional>
#include <string>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/rational.hpp"
#include "waymark/dsl/syntax_tree.hpp"
#include "waymark/engine/record.hpp"

namespace waymark::engine {

/// A record bound by `for each`, `some`, `no` or an aggregate; or an entry of a date list (record null).
struct ItemRef {
  const Record* record = nullptr;
  dsl::Date date;  // the entry's date when record is null
  dsl::Date anchor() const { return record != nullptr ? record->anchor() : date; }
};

/// One value: none, or one of the language's types.
struct Value {
  enum class Kind : std::uint8_t { none, boolean, number, percent, date, duration, age, string, enumeration, item };
  Kind kind = Kind::none;
  bool boolean = false;
  dsl::Rational number;    // number, or a percent's points
  dsl::Date date;          // date, or the date an age runs from
  dsl::Duration duration;  // duration
  const std::string* text = nullptr;      // string, or an enum value's name
  std::uint32_t enum_index = 0;           // enumeration
  ItemRef item;                           // item

  bool is_none() const { return kind == Kind::none; }
  static Value none() { return {}; }
  static Value of_bool(bool b) { Value v; v.kind = Kind::boolean; v.boolean = b; return v; }
  static Value of_number(dsl::Rational r) { Value v; v.kind = Kind::number; v.number = r; return v; }
  static Value of_percent(dsl::Rational r) { Value v; v.kind = Kind::percent; v.number = r; return v; }
  static Value of_date(dsl::Date d) { Value v; v.kind = Kind::date; v.date = d; return v; }
  static Value of_duration(dsl::Duration d) { Value v; v.kind = Kind::duration; v.duration = d; return v; }
  static Value of_age(dsl::Date from) { Value v; v.kind = Kind::age; v.date = from; return v; }
  static Value of_string(const std::string* s) { Value v; v.kind = Kind::string; v.text = s; return v; }
  static Value of_enum(std::uint32_t index, const std::string* name) {
    Value v; v.kind = Kind::enumeration; v.enum_index = index; v.text = name; return v;
  }
  static Value of_item(ItemRef item) { Value v; v.kind = Kind::item; v.item = item; return v; }
};

/// A condition's result: false, true, or pending (an open `no ... within D after T` window).
struct Truth {
  enum class State : std::uint8_t { no, yes, pending };
  State state = State::no;
  /// For pending: the earliest deadline among the open windows; none when a window's end lies
  /// beyond the loaded calendar (listed last, language.md §5).
  std::optional<dsl::Date> deadline;

  static Truth of(bool b) { return {b ? State::yes : State::no, std::nullopt}; }
  static Truth pending(std::optional<dsl::Date> deadline) { return {State::pending, deadline}; }
  bool yes() const { return state == State::yes; }
  bool no() const { return state == State::no; }
  bool is_pending() const { return state == State::pending; }
};

/// Kleene's three-valued logic (language.md §6), keeping the earliest deadline of pending operands.
Truth truth_and(Truth a, Truth b);
Truth truth_or(Truth a, Truth b);
Truth truth_not(Truth a);

/// A value printed as in titles and actions (language.md §6): `2025-11-17`, `78.3%`, `2.5`,
/// `10 weeks`, `9 days`, `5 school days`, `yes`, an item's id, `none`. Ages print as the time from
/// their date to `today`.
std::string value_text(const Value& value, dsl::Date today);

/// Days from `from` to `to` printed as a duration: whole weeks (rounded down) from two weeks, else days.
std::string days_text(std::int64_t days);

}  // namespace waymark::engine
