#pragma once
// Private to the store: JSON written by hand for the columns written once per pupil, flag and record.
// Building a DOM for each of 100,000 explanations costs more than evaluating the rules; nlohmann
// reads the columns back.

#include <cstdint>
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

/// One value of a stored object, as the encoder writes them: null, a boolean, an integer, a string or
/// an array of strings; anything else (a fraction, an object, a mixed array) is `other`.
struct FlatValue {
  enum class Kind { null, boolean, integer, string, strings, other };
  Kind kind = Kind::null;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;                // Kind::string
  std::vector<std::string> items;  // Kind::strings (an empty array too)
};

/// Reads the stored JSON objects of attributes and record fields ({"key":value,...}) without a DOM:
/// decoding 250,000 stored pupils through nlohmann cost more than evaluating them. Buffers are reused
/// from member to member. next() is false at the end or on malformed JSON (then damaged() is true).
class FlatObjectReader {
public:
  /// False when `json` does not start an object.
  bool start(std::string_view json);
  bool next(std::string& key, FlatValue& value);
  bool damaged() const { return damaged_; }

private:
  bool string(std::string& out);
  bool value(FlatValue& out);
  void skip_space();
  std::string_view text_;
  std::size_t at_ = 0;
  bool first_ = true;
  bool damaged_ = false;
};

}  // namespace waymark::store::detail
