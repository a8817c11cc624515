#pragma once
// Text from data on its way to a terminal (issue 10.6): a pupil id, a record's note or a rule file's
// line can hold escape sequences that would move the cursor, rewrite the screen or set the window
// title. Everything shown to a person passes through `printable` first.

#include <string>
#include <string_view>

namespace waymark::dsl {

/// `text` with every control character made visible: C0 controls (line breaks and tabs included),
/// DEL, C1 controls and the bidirectional overrides become `\xNN` or `\u{NNNN}`; a byte that is not
/// UTF-8 becomes `\xNN`. Other text, any script, is unchanged. `keep_tabs` leaves tabs as they are
/// (a source line shown above its caret line, which lines up by them).
std::string printable(std::string_view text, bool keep_tabs = false);

/// True when `printable(text, keep_tabs)` would change nothing.
bool is_printable(std::string_view text, bool keep_tabs = false);

}  // namespace waymark::dsl
