#include "waymark/dsl/rational.hpp"

#include <limits>
#include <numeric>

namespace waymark::dsl {
namespace {

__extension__ typedef __int128 Wide;  // exact products of two int64 values

Wide gcd_wide(Wide a, Wide b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const Wide t = a % b;
    a = b;
    b = t;
  }
  return a;
}

bool fits(Wide v) {
  return v >= std::numeric_limits<std::int64_t>::min() && v <= std::numeric_limits<std::int64_t>::max();
}

std::string wide_to_string(Wide v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    const int d = static_cast<int>(v % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  }
  return negative ? "-" + digits : digits;
}

// Rounds |num/den| half up to `decimals` places and returns the digits with the point placed.
std::string round_half_up(Wide num, Wide den, int decimals, bool trim) {
  const bool negative = num < 0;
  if (negative) num = -num;
  Wide scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const Wide scaled = (num * scale * 2 + den) / (den * 2);  // half up
  std::string digits = wide_to_string(scaled);
  if (decimals > 0) {
    if (digits.size() <= static_cast<std::size_t>(decimals)) {
      digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
    if (trim) {
      while (digits.back() == '0') digits.pop_back();
      if (digits.back() == '.') digits.pop_back();
    }
  }
  if (negative && digits.find_first_not_of("0.") != std::string::npos) digits.insert(0, "-");
  return digits;
}

std::optional<Rational> make(Wide num, Wide den) {
  if (den == 0) return std::nullopt;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const Wide g = gcd_wide(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  if (!fits(num) || !fits(den)) return std::nullopt;
  return Rational::fraction(static_cast<std::int64_t>(num), static_cast<std::int64_t>(den));
}

}  // namespace

std::optional<Rational> Rational::fraction(std::int64_t num, std::int64_t den) {
  if (den == 0) return std::nullopt;
  Wide n = num;
  Wide d = den;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const Wide g = gcd_wide(n, d);
  if (g > 1) {
    n /= g;
    d /= g;
  }
  if (!fits(n) || !fits(d)) return std::nullopt;
  Rational r;
  r.num_ = static_cast<std::int64_t>(n);
  r.den_ = static_cast<std::int64_t>(d);
  return r;
}

std::optional<Rational> Rational::parse_decimal(std::string_view text) {
  // 18 significant digits always fit in an int64; longer numbers are not school data.
  Wide num = 0;
  Wide den = 1;
  bool seen_point = false;
  bool seen_digit_after_point = false;
  int digits = 0;
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  for (const char c : text) {
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (++digits > 18) return std::nullopt;
    num = num * 10 + (c - '0');
    if (seen_point) {
      den *= 10;
      seen_digit_after_point = true;
    }
  }
  if (seen_point && !seen_digit_after_point) return std::nullopt;
  return make(num, den);
}

std::optional<Rational> Rational::add(Rational a, Rational b) {
  return make(Wide{a.num_} * b.den_ + Wide{b.num_} * a.den_, Wide{a.den_} * b.den_);
}

std::optional<Rational> Rational::subtract(Rational a, Rational b) {
  return make(Wide{a.num_} * b.den_ - Wide{b.num_} * a.den_, Wide{a.den_} * b.den_);
}

std::optional<Rational> Rational::multiply(Rational a, Rational b) {
  return make(Wide{a.num_} * b.num_, Wide{a.den_} * b.den_);
}

std::strong_ordering operator<=>(const Rational& a, const Rational& b) {
  return Wide{a.num_} * b.den_ <=> Wide{b.num_} * a.den_;
}

std::string Rational::decimal(int max_decimals) const { return round_half_up(num_, den_, max_decimals, true); }

std::string Rational::fixed(int decimals) const { return round_half_up(num_, den_, decimals, false); }

}  // namespace waymark::dsl
