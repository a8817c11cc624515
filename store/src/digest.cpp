#include "digest.hpp"

#include <algorithm>

namespace waymark::store::detail {

namespace {

void put_u64(Sha256& h, std::uint64_t v) {
  std::uint8_t bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
  h.update(bytes, 8);
}

}  // namespace

void Sha256::frame_null() { update("N", 1); }

void Sha256::frame_integer(std::int64_t value) {
  update("I", 1);
  put_u64(*this, static_cast<std::uint64_t>(value));
}

void Sha256::frame_text(std::string_view text) {
  update("T", 1);
  put_u64(*this, text.size());
  update(text);
}

void Sha256::frame_blob(const std::uint8_t* data, std::size_t size) {
  update("B", 1);
  put_u64(*this, size);
  update(data, size);
}

void Sha256::frame_view(const SqlView& value) {
  switch (value.type) {
    case SqlView::Type::integer: return frame_integer(value.integer);
    case SqlView::Type::text: return frame_text(value.bytes);
    case SqlView::Type::blob:
      return frame_blob(reinterpret_cast<const std::uint8_t*>(value.bytes.data()), value.bytes.size());
    case SqlView::Type::null: break;
  }
  frame_null();
}

std::string digest_text(const Digest& digest) { return dsl::sha256_text(digest); }

std::optional<Digest> parse_digest(std::string_view text) {
  if (text.substr(0, 7) == "sha256:") text.remove_prefix(7);
  if (text.size() != 64) return std::nullopt;
  Digest out{};
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

Bytes to_bytes(const Digest& digest) { return Bytes(digest.begin(), digest.end()); }

std::optional<Digest> digest_of(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 32) return std::nullopt;
  Digest out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace waymark::store::detail
