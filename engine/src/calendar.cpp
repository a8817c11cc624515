#include "waymark/engine/calendar.hpp"

#include <algorithm>

#include "value_text.hpp"
#include "waymark/dsl/yaml_document.hpp"

namespace waymark::engine {

using dsl::Date;

DateWindow academic_year_of(Date day) {
  const int y = day.academic_year_start();
  return {*Date::from_ymd(y, 9, 1), *Date::from_ymd(y + 1, 8, 31)};
}

DateWindow previous_academic_year_of(Date day) {
  const int y = day.academic_year_start() - 1;
  return {*Date::from_ymd(y, 9, 1), *Date::from_ymd(y + 1, 8, 31)};
}

Calendar::Calendar(std::string name, std::vector<CalendarYear> years) : name_(std::move(name)) {
  for (CalendarYear& y : years) {
    auto same = std::find_if(years_.begin(), years_.end(), [&](const CalendarYear& e) { return e.name == y.name; });
    if (same != years_.end()) {
      *same = std::move(y);
    } else {
      years_.push_back(std::move(y));
    }
  }
  rebuild();
}

void Calendar::merge(const Calendar& overlay) {
  // case-records.md §3: a pack's calendar replaces the base's years of the same name and adds the others.
  for (const CalendarYear& y : overlay.years_) {
    auto same = std::find_if(years_.begin(), years_.end(), [&](const CalendarYear& e) { return e.name == y.name; });
    if (same != years_.end()) {
      *same = y;
    } else {
      years_.push_back(y);
    }
  }
  if (!overlay.name_.empty()) name_ = overlay.name_;
  rebuild();
}

void Calendar::rebuild() {
  std::stable_sort(years_.begin(), years_.end(),
                   [](const CalendarYear& a, const CalendarYear& b) { return a.start_year < b.start_year; });
  covered_years_.clear();
  terms_.clear();
  school_days_.clear();
  school_weeks_.clear();
  before_.clear();
  is_school_.clear();
  if (years_.empty()) return;
  for (std::size_t yi = 0; yi < years_.size(); ++yi) {
    const CalendarYear& y = years_[yi];
    covered_years_.push_back(y.start_year);
    for (std::size_t ti = 0; ti < y.terms.size(); ++ti) {
      const Term& t = y.terms[ti];
      terms_.push_back({static_cast<std::uint32_t>(yi), static_cast<std::uint32_t>(ti), t.dates});
      for (Date d = t.dates.from; d <= t.dates.to; d = d.plus_days(1)) {
        if (d.is_weekend()) continue;
        if (std::any_of(t.breaks.begin(), t.breaks.end(), [&](const DateWindow& b) { return b.contains(d); })) continue;
        if (std::binary_search(y.closures.begin(), y.closures.end(), d)) continue;
        school_days_.push_back(d);
      }
    }
  }
  std::sort(terms_.begin(), terms_.end(), [](const TermAt& a, const TermAt& b) { return a.dates.from < b.dates.from; });
  std::sort(school_days_.begin(), school_days_.end());
  school_days_.erase(std::unique(school_days_.begin(), school_days_.end()), school_days_.end());
  for (const Date d : school_days_) {
    const Date monday = d.plus_days(-d.weekday());
    if (school_weeks_.empty() || school_weeks_.back() != monday) school_weeks_.push_back(monday);
  }
  // A dense index over every day from the first loaded 1 September to the last 31 August, so that
  // "school days before d" and "is d a school day" are array reads.
  first_ = *Date::from_ymd(years_.front().start_year, 9, 1);
  const Date last = *Date::from_ymd(years_.back().start_year + 1, 8, 31);
  const auto span = static_cast<std::size_t>(dsl::days_between(first_, last) + 1);
  is_school_.assign(span, 0);
  for (const Date d : school_days_) is_school_[static_cast<std::size_t>(dsl::days_between(first_, d))] = 1;
  before_.assign(span + 1, 0);
  for (std::size_t i = 0; i < span; ++i) before_[i + 1] = before_[i] + is_school_[i];
}

bool Calendar::is_covered(Date day) const {
  return std::binary_search(covered_years_.begin(), covered_years_.end(), day.academic_year_start());
}

bool Calendar::covers(DateWindow window) const {
  if (window.to < window.from) return true;
  const int last = window.to.academic_year_start();
  for (int y = window.from.academic_year_start(); y <= last; ++y) {
    if (!std::binary_search(covered_years_.begin(), covered_years_.end(), y)) return false;
  }
  return true;
}

bool Calendar::is_school_day(Date day) const {
  if (is_school_.empty() || day < first_) return false;
  const auto i = static_cast<std::size_t>(dsl::days_between(first_, day));
  return i < is_school_.size() && is_school_[i] != 0;
}

std::size_t Calendar::school_days_before(Date day) const {
  if (before_.empty() || day <= first_) return 0;
  const auto i = static_cast<std::size_t>(dsl::days_between(first_, day));
  return i < before_.size() ? before_[i] : school_days_.size();
}

std::size_t Calendar::count_school_days(DateWindow window) const {
  if (window.to < window.from) return 0;
  return school_days_before(window.to.plus_days(1)) - school_days_before(window.from);
}

std::optional<Date> Calendar::add_school_days(Date from, std::int64_t n) const {
  if (n == 0) return from;
  const auto total = static_cast<std::int64_t>(school_days_.size());
  std::int64_t index = 0;
  if (n > 0) {
    // language.md §5: the Nth school day strictly after `from`, whether or not `from` is one.
    index = static_cast<std::int64_t>(school_days_before(from.plus_days(1))) + n - 1;
  } else {
    index = static_cast<std::int64_t>(school_days_before(from)) + n;
  }
  if (index < 0 || index >= total) return std::nullopt;
  const Date result = school_days_[static_cast<std::size_t>(index)];
  // Every day counted over must be covered: an unloaded year in between may hold school days we cannot see.
  const DateWindow counted = n > 0 ? DateWindow{from.plus_days(1), result} : DateWindow{result, from.plus_days(-1)};
  if (!covers(counted)) return std::nullopt;
  return result;
}

std::optional<Date> Calendar::add_school_weeks(Date from, std::int64_t n) const {
  if (n == 0) return from;
  const Date week = from.plus_days(-from.weekday());
  const auto total = static_cast<std::int64_t>(school_weeks_.size());
  std::int64_t index = 0;
  if (n > 0) {
    // The Nth school week strictly after T's week, whether or not T's week is one.
    index = (std::upper_bound(school_weeks_.begin(), school_weeks_.end(), week) - school_weeks_.begin()) + n - 1;
  } else {
    index = (std::lower_bound(school_weeks_.begin(), school_weeks_.end(), week) - school_weeks_.begin()) + n;
  }
  if (index < 0 || index >= total) return std::nullopt;
  const Date result = school_weeks_[static_cast<std::size_t>(index)].plus_days(from.weekday());
  const DateWindow counted = n > 0 ? DateWindow{from.plus_days(1), result} : DateWindow{result, from.plus_days(-1)};
  if (!covers(counted)) return std::nullopt;
  return result;
}

std::optional<Date> Calendar::school_weeks_back(Date today, std::int64_t n) const {
  if (n <= 0) return today;
  const Date week = today.plus_days(-today.weekday());
  const auto at = std::lower_bound(school_weeks_.begin(), school_weeks_.end(), week);
  // This week counts as the first only once one of its school days has come (language-v2 §2).
  const bool this_week = at != school_weeks_.end() && *at == week &&
                         school_days_before(today.plus_days(1)) > school_days_before(week);
  const std::int64_t first = (at - school_weeks_.begin()) - (this_week ? 0 : 1);
  const std::int64_t index = first - (n - 1);
  if (index < 0 || first >= static_cast<std::int64_t>(school_weeks_.size())) return std::nullopt;
  const Date result = school_weeks_[static_cast<std::size_t>(index)];
  if (!covers({result, today})) return std::nullopt;
  return result;
}

std::optional<Date> Calendar::add(Date from, std::int64_t n, DurationUnit unit) const {
  // Far beyond any school record; keeps Date arithmetic inside its range for any input.
  constexpr std::int64_t limit = 1'000'000;
  if (n > limit || n < -limit) return std::nullopt;
  const auto k = static_cast<std::int32_t>(n);
  switch (unit) {
    case DurationUnit::days: return from.plus_days(k);
    case DurationUnit::weeks: return from.plus_days(7 * k);
    case DurationUnit::months: return from.plus_months(k);
    case DurationUnit::years: return from.plus_years(k);
    case DurationUnit::school_days: return add_school_days(from, n);
    case DurationUnit::school_weeks: return add_school_weeks(from, n);
  }
  return std::nullopt;
}

std::optional<std::size_t> Calendar::term_index(Date today) const {
  // language.md §5: the term containing today, or in a holiday the latest term that started before
  // today. Terms do not overlap, so both are the last term starting on or before today.
  const auto after = std::upper_bound(terms_.begin(), terms_.end(), today,
                                      [](Date d, const TermAt& t) { return d < t.dates.from; });
  if (after == terms_.begin()) return std::nullopt;
  return static_cast<std::size_t>(after - terms_.begin()) - 1;
}

TermWindow Calendar::window(std::size_t index) const {
  const TermAt& t = terms_[index];
  const CalendarYear& y = years_[t.year];
  return {y.name, y.terms[t.term].name, t.dates};
}

std::optional<TermWindow> Calendar::this_term(Date today) const {
  const auto i = term_index(today);
  if (!i) return std::nullopt;
  return window(*i);
}

std::optional<TermWindow> Calendar::previous_term(Date today) const {
  const auto i = term_index(today);
  if (!i || *i == 0) return std::nullopt;
  return window(*i - 1);
}

std::optional<Date> Calendar::last_terms_start(Date today, std::int64_t n) const {
  const auto i = term_index(today);
  if (!i || n < 1 || static_cast<std::int64_t>(*i) < n - 1) return std::nullopt;
  return terms_[*i - static_cast<std::size_t>(n - 1)].dates.from;
}

std::optional<Date> Calendar::last_covered() const {
  if (years_.empty()) return std::nullopt;
  return Date::from_ymd(years_.back().start_year + 1, 8, 31);
}

void warn_if_calendar_ends_soon(const Calendar& calendar, Date today, dsl::Diagnostics& diagnostics) {
  const std::optional<Date> last = calendar.last_covered();
  if (!last) return;
  // case-records.md §3: "within the next 12 weeks of today" -- the last covered date is before today + 12 weeks.
  if (*last >= today.plus_days(7 * 12)) return;
  const int next = last->academic_year_start() + 1;
  const std::string year = std::to_string(next) + "-" + ((next + 1) % 100 < 10 ? "0" : "") + std::to_string((next + 1) % 100);
  diagnostics.warning({}, "calendar-ending",
                      "the school calendars this pack loads end on " + last->iso() +
                          (*last < today ? ", before today (" + today.iso() + ")" : ", within 12 weeks of today (" + today.iso() + ")") +
                          ": add a calendar file for " + year +
                          " (terms, breaks and closures, like rules/england/calendars/england-2027-28.yaml) and name it "
                          "in pack.yaml's 'calendar:'; after that date, rules that count school days, school weeks or "
                          "terms cannot run");
}

// ---------------------------------------------------------------------------------------------
// Loading (case-records.md §3)

namespace {

using dsl::YamlNode;

class CalendarReader {
public:
  CalendarReader(dsl::FileId file, dsl::Diagnostics& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  std::optional<Calendar> read(const YamlNode& root) {
    if (!root.is_mapping()) {
      error(root, "wrong-shape", "a calendar file is a mapping with 'calendar' (its name) and 'years'");
      return std::nullopt;
    }
    dsl::reject_unknown_keys(file_, root, {"calendar", "description", "years"}, "a calendar", diagnostics_);
    std::string name;
    const YamlNode* name_node = root.find("calendar");
    if (name_node == nullptr || !name_node->is_scalar() || name_node->value.empty()) {
      error(name_node != nullptr ? *name_node : root, "missing-key", "a calendar needs a name: calendar: england-2025-26");
    } else {
      name = name_node->value;
    }
    std::vector<CalendarYear> years;
    const YamlNode* years_node = root.find("years");
    if (years_node == nullptr || !years_node->is_sequence() || years_node->items.empty()) {
      error(years_node != nullptr ? *years_node : root, years_node != nullptr ? "wrong-shape" : "missing-key",
            "a calendar needs 'years': a list of academic years, each with 'year: 2025-26' and its terms");
    } else {
      for (const YamlNode& item : years_node->items) {
        if (auto y = read_year(item)) {
          if (std::any_of(years.begin(), years.end(), [&](const CalendarYear& e) { return e.name == y->name; })) {
            error(*item.find("year"), "duplicate-year", "the year " + y->name + " appears twice in this calendar; keep one");
          } else {
            years.push_back(std::move(*y));
          }
        }
      }
    }
    if (diagnostics_.has_errors()) return std::nullopt;
    return Calendar(std::move(name), std::move(years));
  }

private:
  void error(const YamlNode& at, const char* code, std::string message) {
    diagnostics_.error(dsl::yaml_range(file_, at), code, std::move(message));
  }

  std::optional<Date> date(const YamlNode& node, std::string_view what) {
    if (!node.is_scalar()) {
      error(node, "invalid-date", "'" + std::string(what) + "' is a date written YYYY-MM-DD, not " +
                                      std::string(node.shape_word()));
      return std::nullopt;
    }
    detail::ValueError e;
    auto d = detail::parse_date(node.value, what, e);
    if (!d) error(node, e.code.c_str(), e.message);
    return d;
  }

  std::optional<Date> required_date(const YamlNode& mapping, const char* key, std::string_view what) {
    const YamlNode* n = mapping.find(key);
    if (n == nullptr) {
      error(mapping, "missing-key", std::string(what) + " needs '" + key + "' (a date, YYYY-MM-DD)");
      return std::nullopt;
    }
    return date(*n, key);
  }

  std::optional<CalendarYear> read_year(const YamlNode& node) {
    if (!node.is_mapping()) {
      error(node, "wrong-shape", "each entry of 'years' is a mapping with 'year', 'terms' and optional 'closures'");
      return std::nullopt;
    }
    dsl::reject_unknown_keys(file_, node, {"year", "terms", "closures"}, "a calendar year", diagnostics_);
    const YamlNode* name = node.find("year");
    CalendarYear year;
    if (name == nullptr || !name->is_scalar()) {
      error(name != nullptr ? *name : node, "missing-key", "each year needs its name: year: 2025-26");
      return std::nullopt;
    }
    const std::string& n = name->value;
    const bool shaped = n.size() == 7 && n[4] == '-' &&
                        std::all_of(n.begin(), n.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
                        std::all_of(n.begin() + 5, n.end(), [](char c) { return c >= '0' && c <= '9'; });
    // Years 1 to 9998 keep both ends of the academic year inside the Date range.
    if (!shaped || (std::stoi(n.substr(0, 4)) + 1) % 100 != std::stoi(n.substr(5, 2)) || std::stoi(n.substr(0, 4)) < 1 ||
        std::stoi(n.substr(0, 4)) > 9998) {
      error(*name, "invalid-year", "the year " + detail::quote_text(n) +
                                       " is not an academic year: write the two calendar years it spans, e.g. 2025-26");
      return std::nullopt;
    }
    year.name = n;
    year.start_year = std::stoi(n.substr(0, 4));
    const DateWindow bounds{*Date::from_ymd(year.start_year, 9, 1), *Date::from_ymd(year.start_year + 1, 8, 31)};
    const std::string bounds_text = "1 September " + std::to_string(year.start_year) + " to 31 August " +
                                    std::to_string(year.start_year + 1);
    const YamlNode* terms = node.find("terms");
    if (terms == nullptr || !terms->is_sequence() || terms->items.empty()) {
      error(terms != nullptr ? *terms : node, terms != nullptr ? "wrong-shape" : "missing-key",
            "the year " + n + " needs 'terms': a list of terms with name, start, end and breaks");
      return std::nullopt;
    }
    bool ok = true;
    for (const YamlNode& t : terms->items) {
      auto term = read_term(t, bounds, bounds_text, n);
      if (!term) {
        ok = false;
        continue;
      }
      if (std::any_of(year.terms.begin(), year.terms.end(), [&](const Term& e) { return e.name == term->name; })) {
        error(*t.find("name"), "duplicate-term", "the term '" + term->name + "' appears twice in " + n + "; name each term once");
        ok = false;
        continue;
      }
      if (!year.terms.empty() && term->dates.from <= year.terms.back().dates.to) {
        error(*t.find("start"), "overlapping-terms",
              "the term '" + term->name + "' starts on or before the end of '" + year.terms.back().name +
                  "' (" + year.terms.back().dates.to.iso() + "): list terms in date order, without overlaps");
        ok = false;
        continue;
      }
      year.terms.push_back(std::move(*term));
    }
    if (const YamlNode* closures = node.find("closures"); closures != nullptr && !closures->is_null()) {
      if (!closures->is_sequence()) {
        error(*closures, "wrong-shape", "'closures' is a list of dates: [2026-05-04]");
        ok = false;
      } else {
        for (const YamlNode& c : closures->items) {
          auto d = date(c, "closures");
          if (!d) {
            ok = false;
          } else if (!bounds.contains(*d)) {
            error(c, "outside-year", "the closure " + d->iso() + " is not in the academic year " + n + " (" + bounds_text + ")");
            ok = false;
          } else {
            year.closures.push_back(*d);
          }
        }
      }
    }
    std::sort(year.closures.begin(), year.closures.end());
    if (!ok) return std::nullopt;
    return year;
  }

  std::optional<Term> read_term(const YamlNode& node, DateWindow bounds, const std::string& bounds_text,
                                const std::string& year) {
    if (!node.is_mapping()) {
      error(node, "wrong-shape", "each term is a mapping with name, start, end and optional breaks");
      return std::nullopt;
    }
    dsl::reject_unknown_keys(file_, node, {"name", "start", "end", "breaks"}, "a term", diagnostics_);
    Term term;
    const YamlNode* name = node.find("name");
    if (name == nullptr || !name->is_scalar() || name->value.empty()) {
      error(name != nullptr ? *name : node, "missing-key", "each term needs a name: name: autumn");
      return std::nullopt;
    }
    term.name = name->value;
    const auto start = required_date(node, "start", "the term '" + term.name + "'");
    const auto end = required_date(node, "end", "the term '" + term.name + "'");
    if (!start || !end) return std::nullopt;
    if (*end < *start) {
      error(*node.find("end"), "end-before-start",
            "the term '" + term.name + "' ends (" + end->iso() + ") before it starts (" + start->iso() + ")");
      return std::nullopt;
    }
    if (!bounds.contains(*start) || !bounds.contains(*end)) {
      error(*node.find(bounds.contains(*start) ? "end" : "start"), "outside-year",
            "the term '" + term.name + "' runs outside the academic year " + year + " (" + bounds_text + ")");
      return std::nullopt;
    }
    term.dates = {*start, *end};
    const YamlNode* breaks = node.find("breaks");
    if (breaks == nullptr || breaks->is_null()) return term;
    if (!breaks->is_sequence()) {
      error(*breaks, "wrong-shape", "'breaks' is a list of [first day, last day] pairs: [[2025-10-27, 2025-10-31]]");
      return std::nullopt;
    }
    bool ok = true;
    for (const YamlNode& b : breaks->items) {
      if (!b.is_sequence() || b.items.size() != 2) {
        error(b, "wrong-shape", "a break is a pair [first day, last day], e.g. [2025-10-27, 2025-10-31]");
        ok = false;
        continue;
      }
      const auto from = date(b.items[0], "breaks");
      const auto to = date(b.items[1], "breaks");
      if (!from || !to) {
        ok = false;
        continue;
      }
      if (*to < *from) {
        error(b.items[1], "end-before-start", "this break ends (" + to->iso() + ") before it starts (" + from->iso() + ")");
        ok = false;
        continue;
      }
      if (!term.dates.contains(*from) || !term.dates.contains(*to)) {
        error(b, "outside-term", "the break " + from->iso() + " to " + to->iso() + " is not inside the term '" +
                                     term.name + "' (" + start->iso() + " to " + end->iso() + ")");
        ok = false;
        continue;
      }
      term.breaks.push_back({*from, *to});
    }
    if (!ok) return std::nullopt;
    return term;
  }

  dsl::FileId file_;
  dsl::Diagnostics& diagnostics_;
};

}  // namespace

std::optional<Calendar> load_calendar(const dsl::SourceSet& sources, dsl::FileId file, dsl::Diagnostics& diagnostics) {
  dsl::Diagnostics local;
  std::optional<Calendar> out;
  if (const auto documents = dsl::read_yaml(sources, file, local)) {
    if (documents->size() != 1) {
      local.error({file, 0, 1}, "wrong-shape", "a calendar file holds exactly one YAML document");
    } else {
      out = CalendarReader(file, local).read(documents->front());
    }
  }
  diagnostics.append(local);
  if (local.has_errors()) return std::nullopt;
  return out;
}

}  // namespace waymark::engine
