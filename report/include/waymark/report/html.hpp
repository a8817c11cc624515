#pragma once
// HTML text helpers shared by every page and report that writes HTML: all pupil data goes through
// `escape_html` on its way out (server.md: every page is built with output escaping).

#include <string>
#include <string_view>

#include "waymark/dsl/date.hpp"

namespace waymark::report {

/// The text with &, <, >, " and ' replaced by entities: safe in element content and quoted attributes.
std::string escape_html(std::string_view text);

/// A date as people read it in a school: "17 November 2025".
std::string long_date(dsl::Date date);

/// A short date for tight places such as axis labels: "17 Nov".
std::string short_date(dsl::Date date);

}  // namespace waymark::report
