#include "waymark/dsl/printable.hpp"

#include <cstdint>
#include <cstdio>

namespace waymark::dsl {

namespace {

// The length of the valid UTF-8 sequence at `i` and its code point, or 0 when there is none.
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t n = 0;
  std::uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1Fu;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0Fu;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// C0, DEL, C1, and the Unicode controls that reorder text on screen (the "Trojan Source" class).
bool hidden_control(std::uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

}  // namespace

std::string printable(std::string_view text, bool keep_tabs) {
  if (is_printable(text, keep_tabs)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  char buffer[16];
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = decode(text, i, cp);
    if (n == 0) {
      std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[i])));
      out += buffer;
      ++i;
      continue;
    }
    if (hidden_control(cp) && !(keep_tabs && cp == '\t')) {
      if (cp < 0x80) {
        std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned>(cp));
      } else {
        std::snprintf(buffer, sizeof buffer, "\\u{%04X}", static_cast<unsigned>(cp));
      }
      out += buffer;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool is_printable(std::string_view text, bool keep_tabs) {
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = decode(text, i, cp);
    if (n == 0 || (hidden_control(cp) && !(keep_tabs && cp == '\t'))) return false;
    i += n;
  }
  return true;
}

}  // namespace waymark::dsl
