#pragma once
// Private to the store: SHA-256 (OpenSSL's vetted implementation) and the canonical framing of values
// that every stored digest and every hash-chain entry is computed over (docs/store.md, "Hash chain").

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sqlite.hpp"
#include "waymark/dsl/sha256.hpp"

namespace waymark::store::detail {

using Digest = dsl::Sha256Digest;

/// The store's SHA-256 (dsl::Sha256) with the canonical framing of values.
class Sha256 : public dsl::Sha256 {
public:
  // Framed values: a type tag, a length, then the bytes, so that no two sequences of values hash alike.
  void frame_null();
  void frame_integer(std::int64_t value);
  void frame_text(std::string_view text);
  void frame_blob(const std::uint8_t* data, std::size_t size);
  void frame_value(const SqlValue& value) { frame_view(view_of(value)); }
  void frame_view(const SqlView& value);
  void frame_digest(const Digest& digest) { frame_blob(digest.data(), digest.size()); }
};

/// `sha256:` and 64 lowercase hex digits.
std::string digest_text(const Digest& digest);
/// Parses digest_text (with or without the prefix); nothing if malformed.
std::optional<Digest> parse_digest(std::string_view text);
Bytes to_bytes(const Digest& digest);
/// The digest held in a BLOB column, or nothing if it is not 32 bytes.
std::optional<Digest> digest_of(std::span<const std::uint8_t> bytes);
/// The bytes of a text or blob view.
inline std::span<const std::uint8_t> bytes_of(const SqlView& view) {
  return {reinterpret_cast<const std::uint8_t*>(view.bytes.data()), view.bytes.size()};
}

}  // namespace waymark::store::detail
