#pragma once
// Private to the store: JSON written by hand for the columns written once per pupil, flag and record.
// Building a DOM for each of 100,000 explanations costs more than evaluating the rules; nlohmann
// reads the columns back.

#include <string>
#include <string_view>
#include <vector>

namespace waymark::store::detail {

/// Appends `text` as a JSON string; returns false when it held bytes that are not UTF-8 (each
/// written as U+FFFD).
bool put_json_string(std::string& out, std::string_view text);
/// Appends a JSON array of strings; false as above.
bool put_json_strings(std::string& out, const std::vector<std::string>& list);
/// True when `text` is valid UTF-8.
bool valid_utf8(std::string_view text);

}  // namespace waymark::store::detail
