#include "waymark/dsl/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <new>

namespace waymark::dsl {

namespace {

const EVP_MD* sha256_method() {
  // Fetched once: looking the algorithm up for every row costs more than hashing it.
  static EVP_MD* method = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return method;
}

void check(int ok) {
  if (ok != 1) throw std::bad_alloc();  // OpenSSL fails only when out of memory here
}

}  // namespace

struct Sha256::State {
  EVP_MD_CTX* context = nullptr;
  // Small updates gathered before they reach OpenSSL: the store frames every value as a tag, a length
  // and its bytes, and a call into OpenSSL per piece cost more than hashing the bytes.
  std::array<unsigned char, 256> pending;
  std::size_t pending_size = 0;

  void flush() {
    if (pending_size > 0) check(EVP_DigestUpdate(context, pending.data(), pending_size));
    pending_size = 0;
  }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->context = EVP_MD_CTX_new();
  if (state_->context == nullptr || sha256_method() == nullptr) throw std::bad_alloc();
  check(EVP_DigestInit_ex(state_->context, sha256_method(), nullptr));
}

Sha256::~Sha256() { EVP_MD_CTX_free(state_->context); }

void Sha256::update(const void* data, std::size_t size) {
  State& s = *state_;
  if (size > s.pending.size() - s.pending_size) {
    s.flush();
    if (size >= s.pending.size()) {
      check(EVP_DigestUpdate(s.context, data, size));
      return;
    }
  }
  if (size > 0) std::memcpy(s.pending.data() + s.pending_size, data, size);
  s.pending_size += size;
}

Sha256Digest Sha256::finish() {
  Sha256Digest out{};
  unsigned int length = 0;
  state_->flush();
  check(EVP_DigestFinal_ex(state_->context, out.data(), &length));
  check(EVP_DigestInit_ex(state_->context, sha256_method(), nullptr));
  return out;
}

std::string sha256_text(const Sha256Digest& digest) {
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (std::uint8_t b : digest) {
    out += hex[b >> 4];
    out += hex[b & 0xF];
  }
  return out;
}

}  // namespace waymark::dsl
