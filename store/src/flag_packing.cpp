#include "flag_packing.hpp"

#include <set>
#include <zstd.h>

#include "result_codec.hpp"

namespace waymark::store::detail {

namespace {

// zstd's level 3 (its default): on a run's flags it packs as fast as level 1 and a fifth smaller.
constexpr int packing_level = 3;
// A dictionary larger than this would cost more to hash and keep than it saves.
constexpr std::size_t dictionary_limit = 128 * 1024;
// A packed flag unpacks to at most this: a flag's texts are a few kilobytes; anything claiming more
// is not one of ours.
constexpr unsigned long long unpacked_limit = 64ull * 1024 * 1024;

}  // namespace

std::string run_dictionary(const std::vector<engine::PupilResult>& pupils) {
  std::string out;
  std::set<std::string_view> rules;
  for (const engine::PupilResult& p : pupils) {
    for (const engine::Flag& f : p.flags) {
      if (!rules.insert(f.rule).second) continue;
      const std::string texts = flag_texts_json(f);
      if (out.size() + texts.size() > dictionary_limit) return out;
      out += texts;
    }
  }
  return out;
}

FlagPacker::FlagPacker(std::string dictionary) : dictionary_(std::move(dictionary)) {
  // Raw content (a JSON text never starts with zstd's dictionary magic number): later flags refer to
  // its bytes. An empty dictionary packs each flag on its own.
  compression_ = ZSTD_createCDict(dictionary_.data(), dictionary_.size(), packing_level);
  if (compression_ == nullptr) throw std::bad_alloc();
}

FlagPacker::~FlagPacker() { ZSTD_freeCDict(compression_); }

FlagPacker::Session::Session(const FlagPacker& packer) : packer_(packer), context_(ZSTD_createCCtx()) {
  if (context_ == nullptr) throw std::bad_alloc();
}

FlagPacker::Session::~Session() { ZSTD_freeCCtx(context_); }

Bytes FlagPacker::Session::pack(const engine::Flag& flag) {
  text_.clear();
  put_flag_texts_json(text_, flag);
  Bytes packed(ZSTD_compressBound(text_.size()));
  const std::size_t size = ZSTD_compress_usingCDict(context_, packed.data(), packed.size(), text_.data(), text_.size(),
                                                    packer_.compression_);
  // With a buffer of ZSTD_compressBound, compression fails only when memory runs out.
  if (ZSTD_isError(size)) throw std::bad_alloc();
  packed.resize(size);
  return packed;
}

namespace {

// This thread's decompression context, made the first time it unpacks a flag. The server made one,
// with its buffers, for every request that read a flag: 2% of its work under load. Each
// ZSTD_decompress_usingDDict starts afresh, so unpackers on one thread may share it.
ZSTD_DCtx* this_threads_context() {
  struct Owned {
    ZSTD_DCtx* context = ZSTD_createDCtx();
    Owned() = default;
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    ~Owned() { ZSTD_freeDCtx(context); }
  };
  thread_local Owned owned;
  if (owned.context == nullptr) throw std::bad_alloc();
  return owned.context;
}

}  // namespace

FlagUnpacker::FlagUnpacker(Connection& connection) : connection_(connection) {}

FlagUnpacker::~FlagUnpacker() {
  for (auto& [run, dictionary] : runs_) ZSTD_freeDDict(dictionary);
}

std::optional<std::string> FlagUnpacker::unpack(std::int64_t run, std::string_view packed) {
  auto at = runs_.find(run);
  if (at == runs_.end()) {
    Statement s(connection_, "SELECT dictionary FROM runs WHERE id = ?");
    s.bind(1, run);
    std::string_view dictionary;
    if (s.step() && !s.is_null(0)) dictionary = s.view(0).bytes;
    // Copied by zstd. Only a dictionary edited to look like a zstd one (its magic number first) can fail.
    ZSTD_DDict* d = ZSTD_createDDict(dictionary.data(), dictionary.size());
    if (d == nullptr) return std::nullopt;
    at = runs_.emplace(run, d).first;
  }
  const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > unpacked_limit) return std::nullopt;
  std::string out(static_cast<std::size_t>(size), '\0');
  const std::size_t n =
      ZSTD_decompress_usingDDict(this_threads_context(), out.data(), out.size(), packed.data(), packed.size(), at->second);
  if (ZSTD_isError(n) || n != out.size()) return std::nullopt;
  return out;
}

}  // namespace waymark::store::detail
