#pragma once
// Splitting one unquoted CSV row at its commas, 32 bytes at a time where SSE2 is there (every x86-64
// processor). A roll's attendance file is millions of short rows (`P-0000001,2025-09-03,/,\`), and
// a byte-at-a-time scan for commas, line ends and quotes was most of the time spent reading it.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace waymark::engine::detail {

/// Splits the row that starts at `pos` of `text` (a line start, not a blank line) into exactly N
/// cells, and sets `next` to the start of the following line (or the end of the text). False when
/// the row is not plain: it holds a quote (the full CSV reader must unescape it) or has another number
/// of cells. A row ending in "\r\n" loses its '\r', as in the full reader.
template <std::size_t N>
bool split_plain_row(std::string_view text, std::size_t pos, std::array<std::string_view, N>& cells,
                     std::size_t& next) {
  static_assert(N >= 1 && N <= 32);
  const char* data = text.data();
  const std::size_t n = text.size();
  std::size_t line_end = n;
  std::size_t start = pos;
  std::size_t cell = 0;
#if defined(__SSE2__)
  if (n - pos >= 32) {
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos + 16));
    const auto where = [&](char c) {
      const __m128i wanted = _mm_set1_epi8(c);
      return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(low, wanted))) |
             (static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(high, wanted))) << 16);
    };
    const std::uint32_t newlines = where('\n');
    if (newlines != 0) {  // the whole line is within these 32 bytes (else: the byte loop below)
      const int length = std::countr_zero(newlines);
      const std::uint32_t within = (std::uint32_t{1} << length) - 1;
      if ((where('"') & within) != 0) return false;
      std::uint32_t commas = where(',') & within;
      for (; commas != 0; commas &= commas - 1) {  // (no std::popcount: x86-64's baseline has no POPCNT)
        if (cell + 1 == N) return false;            // more cells than wanted
        const std::size_t at = pos + static_cast<std::size_t>(std::countr_zero(commas));
        cells[cell++] = std::string_view(data + start, at - start);
        start = at + 1;
      }
      if (cell + 1 != N) return false;
      line_end = pos + static_cast<std::size_t>(length);
      next = line_end + 1;
      if (line_end > start && data[line_end - 1] == '\r') --line_end;
      cells[cell] = std::string_view(data + start, line_end - start);
      return true;
    }
  }
#endif
  std::size_t scan = pos;
  for (; scan < n; ++scan) {
    const char c = data[scan];
    if (c == '\n') break;
    if (c == '"') return false;
    if (c == ',') {
      if (cell + 1 == N) return false;  // more cells than wanted
      cells[cell++] = std::string_view(data + start, scan - start);
      start = scan + 1;
    }
  }
  if (cell + 1 != N) return false;
  line_end = scan;
  next = scan == n ? n : scan + 1;
  if (line_end > start && data[line_end - 1] == '\r') --line_end;
  cells[cell] = std::string_view(data + start, line_end - start);
  return true;
}

}  // namespace waymark::engine::detail
