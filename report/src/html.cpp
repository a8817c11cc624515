// HTML escaping and dates in words (html.hpp).

#include "waymark/report/html.hpp"

namespace waymark::report {

namespace {
const char* const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string long_date(const dsl::Date date) {
  return std::to_string(date.day()) + " " + month_names[date.month() - 1] + " " + std::to_string(date.year());
}

std::string short_date(const dsl::Date date) {
  return std::to_string(date.day()) + " " + std::string(month_names[date.month() - 1]).substr(0, 3);
}

}  // namespace waymark::report
