// SHA-256 gathers small updates before handing them to OpenSSL: however a message is cut into
// updates, its digest is the standard one.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "waymark/dsl/sha256.hpp"

namespace waymark::dsl {
namespace {

std::string digest_of_pieces(const std::string& message, const std::vector<std::size_t>& sizes) {
  Sha256 h;
  std::size_t at = 0;
  for (std::size_t k = 0; at < message.size(); ++k) {
    const std::size_t n = std::min(sizes[k % sizes.size()], message.size() - at);
    h.update(message.data() + at, n);
    at += n;
  }
  return sha256_text(h.finish());
}

TEST(Sha256, StandardVectors) {
  Sha256 h;
  h.update("abc");
  EXPECT_EQ(sha256_text(h.finish()), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_text(h.finish()), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
      << "finish() starts again: nothing was left over";
}

TEST(Sha256, AnyCuttingOfAMessageGivesItsDigest) {
  const std::string million(1000000, 'a');
  const std::string expected = "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  EXPECT_EQ(digest_of_pieces(million, {million.size()}), expected);
  EXPECT_EQ(digest_of_pieces(million, {1}), expected);
  EXPECT_EQ(digest_of_pieces(million, {9, 1, 8, 0, 17}), expected) << "framing-sized pieces, and empty ones";
  EXPECT_EQ(digest_of_pieces(million, {200, 56, 255, 257, 1, 4096, 3}), expected) << "pieces about the buffer's size";
  EXPECT_EQ(digest_of_pieces(million, {100000}), expected);
}

TEST(Sha256, AHasherIsReusedAfterFinish) {
  Sha256 h;
  h.update("ab");
  h.update("c");
  EXPECT_EQ(sha256_text(h.finish()), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  h.update("a");
  h.update("bc");
  EXPECT_EQ(sha256_text(h.finish()), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace waymark::dsl
