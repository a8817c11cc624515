#pragma once
// Small pieces of GOV.UK Frontend markup shared by the pages (private to server/pages).

#include <string>
#include <string_view>

#include "waymark/dsl/syntax_tree.hpp"
#include "waymark/report/html.hpp"

namespace waymark::server::pages {

using report::escape_html;

/// `?key=value` parts of a link, percent-encoded.
std::string url_encode(std::string_view text);

/// A severity as a GOV.UK tag: the word is always there, colour only repeats it.
std::string severity_tag(dsl::SeverityLevel level);

/// The hidden CSRF field every form carries (server.md: state-changing requests carry a token).
std::string csrf_field(const std::string& token);

/// "1 flag", "3 flags".
std::string count_of(std::size_t n, const char* one, const char* many);

/// A UTC timestamp `2025-11-17T09:30:12Z` as "17 November 2025 at 09:30 UTC" (unchanged if malformed).
std::string timestamp_words(const std::string& utc);

}  // namespace waymark::server::pages
