#pragma once
// Exact numbers: language.md §4 says numbers and attendance measures compare "as rationals",
// so 1 of 6 sessions is exactly 16.666...% and 10% is never 0.09999.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace waymark::dsl {

/// A fraction in lowest terms with a positive denominator.
class Rational {
public:
  constexpr Rational() = default;
  constexpr Rational(std::int64_t whole) : num_(whole) {}  // NOLINT: a whole number is a rational
  /// num/den reduced; nothing when den is 0 or the reduced value does not fit.
  static std::optional<Rational> fraction(std::int64_t num, std::int64_t den);
  /// Parses `[0-9]+(\.[0-9]+)?` (the number literal of language.md §2); nothing if malformed or too large.
  static std::optional<Rational> parse_decimal(std::string_view text);

  constexpr std::int64_t numerator() const { return num_; }
  constexpr std::int64_t denominator() const { return den_; }
  constexpr bool is_whole() const { return den_ == 1; }

  /// Exact sum and difference; nothing on overflow (values so large are outside any school's data).
  static std::optional<Rational> add(Rational a, Rational b);
  static std::optional<Rational> subtract(Rational a, Rational b);
  static std::optional<Rational> multiply(Rational a, Rational b);

  /// Plain decimal text without trailing zeros, at most `max_decimals` places, rounded half up
  /// (language.md §6: `2.5`, `3`, `0.333333`).
  std::string decimal(int max_decimals = 6) const;
  /// Exactly `decimals` places, rounded half up (percents print as `78.3`).
  std::string fixed(int decimals) const;

  friend bool operator==(const Rational&, const Rational&) = default;
  friend std::strong_ordering operator<=>(const Rational& a, const Rational& b);

private:
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
};

}  // namespace waymark::dsl
