#pragma once
// Private to the store: flags, due entries and explanations as stored (JSON text columns) and back,
// so that `explain --flag` prints exactly what the auditor would have seen on the day.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/engine/result.hpp"

namespace waymark::store::detail {

std::string strings_json(const std::vector<std::string>& list);
std::optional<std::vector<std::string>> parse_strings(const std::string& text);

/// The explanation as JSON: the keys of `run --explain` plus what is needed to rebuild it exactly.
std::string explanation_json(const engine::Explanation& explanation);
std::optional<engine::Explanation> parse_explanation(const std::string& text);

/// A flag's actions, notify list, citation and explanation as one JSON object, the text a flag
/// packs (flag_packing.hpp): {"actions":[...],"notify":[...],"cite":"...","explanation":{...}}.
std::string flag_texts_json(const engine::Flag& flag);
/// The same appended to `out`.
void put_flag_texts_json(std::string& out, const engine::Flag& flag);
/// Reads flag_texts_json's object back into `flag`; false when it is not one.
bool read_flag_texts(std::string_view json, engine::Flag& flag);

const char* severity_word(dsl::SeverityLevel level);
std::optional<dsl::SeverityLevel> parse_severity(const std::string& word);

/// The item a flag's binding is about or "" without `for each`: with the rule,
/// what identifies "the same flag" from one run to the next.
std::string bound_item(const engine::Flag& flag);

}  // namespace waymark::store::detail
