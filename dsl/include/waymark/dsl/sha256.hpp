#pragma once
// SHA-256, the project's one hash (OpenSSL's vetted implementation behind it): pack digests here in
// the language layer, the store's content digests and audit hash chain above it.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace waymark::dsl {

using Sha256Digest = std::array<std::uint8_t, 32>;

/// A running SHA-256; finish() returns the digest and starts again.
class Sha256 {
public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();

  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  Sha256Digest finish();

private:
  struct State;
  std::unique_ptr<State> state_;
};

/// `sha256:` and 64 lowercase hex digits.
std::string sha256_text(const Sha256Digest& digest);

}  // namespace waymark::dsl
