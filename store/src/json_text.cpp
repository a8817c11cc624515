#include "json_text.hpp"

#include <charconv>

#include "waymark/dsl/source.hpp"

namespace waymark::store::detail {

bool put_json_string(std::string& out, std::string_view text) {
  bool clean = true;
  out += '"';
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c < 0x80) {
      // Most text is plain ASCII: append it a run at a time, not a character at a time.
      std::size_t end = i;
      while (end < n && s[end] >= 0x20 && s[end] < 0x80 && s[end] != '"' && s[end] != '\\') ++end;
      if (end > i) {
        out.append(text.data() + i, end - i);
        i = end;
        continue;
      }
      out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x20) {
      static const char* hex = "0123456789abcdef";
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xF];
      }
      ++i;
      continue;
    }
    const std::size_t length = dsl::utf8_sequence_length(text, i);
    const bool ok = length > 0;
    if (!ok) {
      out += "\xEF\xBF\xBD";
      clean = false;
      ++i;
      continue;
    }
    out.append(text.data() + i, length);
    i += length;
  }
  out += '"';
  return clean;
}

bool put_json_strings(std::string& out, const std::vector<std::string>& list) {
  bool clean = true;
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ',';
    clean = put_json_string(out, list[i]) && clean;
  }
  out += ']';
  return clean;
}

bool valid_utf8(std::string_view text) { return dsl::invalid_utf8_at(text) == std::string_view::npos; }

void FlatObjectReader::skip_space() {
  while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) ++at_;
}

bool FlatObjectReader::start(std::string_view json) {
  text_ = json;
  at_ = 0;
  first_ = true;
  damaged_ = false;
  skip_space();
  if (at_ >= text_.size() || text_[at_] != '{') {
    damaged_ = true;
    return false;
  }
  ++at_;
  return true;
}

namespace {

void put_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool hex4(std::string_view text, std::size_t at, std::uint32_t& out) {
  if (at + 4 > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    out <<= 4;
    if (c >= '0' && c <= '9') out |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') out |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') out |= static_cast<std::uint32_t>(c - 'A' + 10);
    else return false;
  }
  return true;
}

}  // namespace

bool FlatObjectReader::string(std::string& out) {
  out.clear();
  if (at_ >= text_.size() || text_[at_] != '"') return false;
  ++at_;
  for (;;) {
    const std::size_t run = at_;
    while (at_ < text_.size() && text_[at_] != '"' && text_[at_] != '\\' && static_cast<unsigned char>(text_[at_]) >= 0x20) ++at_;
    out.append(text_.data() + run, at_ - run);
    if (at_ >= text_.size() || static_cast<unsigned char>(text_[at_]) < 0x20) return false;
    if (text_[at_] == '"') {
      ++at_;
      return true;
    }
    if (++at_ >= text_.size()) return false;
    const char e = text_[at_++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t c = 0;
        if (!hex4(text_, at_, c)) return false;
        at_ += 4;
        if (c >= 0xD800 && c <= 0xDBFF) {
          std::uint32_t low = 0;
          if (at_ + 6 > text_.size() || text_[at_] != '\\' || text_[at_ + 1] != 'u' || !hex4(text_, at_ + 2, low) ||
              low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
          at_ += 6;
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
          return false;
        }
        put_utf8(out, c);
        break;
      }
      default: return false;
    }
  }
}

bool FlatObjectReader::value(FlatValue& out) {
  skip_space();
  if (at_ >= text_.size()) return false;
  const char c = text_[at_];
  const std::string_view rest = text_.substr(at_);
  if (c == '"') {
    out.kind = FlatValue::Kind::string;
    return string(out.text);
  }
  if (rest.substr(0, 4) == "null") {
    out.kind = FlatValue::Kind::null;
    at_ += 4;
    return true;
  }
  if (rest.substr(0, 4) == "true" || rest.substr(0, 5) == "false") {
    out.kind = FlatValue::Kind::boolean;
    out.boolean = c == 't';
    at_ += out.boolean ? 4 : 5;
    return true;
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    const std::size_t from = at_;
    if (text_[at_] == '-') ++at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    bool whole = at_ > from + (c == '-' ? 1 : 0);
    while (at_ < text_.size() && (text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E' || text_[at_] == '+' ||
                                  text_[at_] == '-' || (text_[at_] >= '0' && text_[at_] <= '9'))) {
      whole = false;
      ++at_;
    }
    out.kind = FlatValue::Kind::other;
    if (whole) {
      const auto r = std::from_chars(text_.data() + from, text_.data() + at_, out.integer);
      if (r.ec == std::errc() && r.ptr == text_.data() + at_) out.kind = FlatValue::Kind::integer;
    }
    return at_ > from;
  }
  if (c == '[') {
    ++at_;
    out.kind = FlatValue::Kind::strings;
    out.items.clear();
    skip_space();
    if (at_ < text_.size() && text_[at_] == ']') {
      ++at_;
      return true;
    }
    for (;;) {
      skip_space();
      if (at_ < text_.size() && text_[at_] == '"') {
        if (!string(out.items.emplace_back())) return false;
      } else {
        // Not a list of strings: read past it as another value and report the whole as `other`.
        FlatValue inner;
        if (!value(inner)) return false;
        out.kind = FlatValue::Kind::other;
      }
      skip_space();
      if (at_ >= text_.size()) return false;
      if (text_[at_] == ']') {
        ++at_;
        return true;
      }
      if (text_[at_++] != ',') return false;
    }
  }
  if (c == '{') {
    // A nested object: never written by the encoder; skip it (strings may hold braces).
    ++at_;
    int depth = 1;
    std::string scratch;
    while (at_ < text_.size() && depth > 0) {
      if (text_[at_] == '"') {
        if (!string(scratch)) return false;
        continue;
      }
      if (text_[at_] == '{' || text_[at_] == '[') ++depth;
      if (text_[at_] == '}' || text_[at_] == ']') --depth;
      ++at_;
    }
    out.kind = FlatValue::Kind::other;
    return depth == 0;
  }
  return false;
}

bool FlatObjectReader::next(std::string& key, FlatValue& out) {
  if (damaged_) return false;
  skip_space();
  if (at_ < text_.size() && text_[at_] == '}') {
    ++at_;
    skip_space();
    damaged_ = at_ != text_.size();  // trailing text after the object
    return false;
  }
  if (!first_) {
    if (at_ >= text_.size() || text_[at_] != ',') {
      damaged_ = true;
      return false;
    }
    ++at_;
    skip_space();
  }
  first_ = false;
  if (!string(key)) {
    damaged_ = true;
    return false;
  }
  skip_space();
  if (at_ >= text_.size() || text_[at_] != ':') {
    damaged_ = true;
    return false;
  }
  ++at_;
  if (!value(out)) {
    damaged_ = true;
    return false;
  }
  return true;
}

}  // namespace waymark::store::detail
