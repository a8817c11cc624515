#pragma once
// Private to the store: a flag's long texts packed for storage (docs/store.md, "Packed flags").
//
// A 250,000-pupil run stores some 330,000 flags whose actions, notify list, citation and explanation
// are 600 MB of JSON, nearly all of it the same from one flag of a rule to the next: the rule's
// conditions, source locations, citation and actions, with a pupil's dates and counts between. Writing
// those bytes (into SQLite's pages, then its write-ahead log, then the database) was half of a stored
// run. Each flag's four texts are instead one JSON object compressed with zstd against a dictionary the
// run keeps in its own row: the texts of the first flag of each rule, so that every later flag is
// mostly references into it (20-25 times smaller). The chain hashes the packed bytes and the run's
// dictionary, so a change to either is caught without unpacking anything.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlite.hpp"
#include "waymark/engine/result.hpp"

struct ZSTD_CCtx_s;
struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace waymark::store::detail {

/// A run's dictionary from the flags of its first pupils that have any: the texts of the first flag
/// of each rule, in the order the rules first fire, up to 128 KiB. Empty when no pupil has a flag.
std::string run_dictionary(const std::vector<engine::PupilResult>& pupils);

/// Compresses flags' texts against one run's dictionary; one packer may be used by several threads
/// at once, each with its own Session.
class FlagPacker {
public:
  explicit FlagPacker(std::string dictionary);
  FlagPacker(const FlagPacker&) = delete;
  FlagPacker& operator=(const FlagPacker&) = delete;
  ~FlagPacker();

  const std::string& dictionary() const { return dictionary_; }

  /// Packs flags one after another on one thread (a compression context and a text buffer, reused).
  class Session {
  public:
    explicit Session(const FlagPacker& packer);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();
    /// The flag's texts (flag_texts_json), packed.
    Bytes pack(const engine::Flag& flag);

  private:
    const FlagPacker& packer_;
    ZSTD_CCtx_s* context_ = nullptr;
    std::string text_;
  };

private:
  std::string dictionary_;
  ZSTD_CDict_s* compression_ = nullptr;
};

/// Unpacks stored flags, each against its run's dictionary, read once per run from the database.
class FlagUnpacker {
public:
  explicit FlagUnpacker(Connection& connection);
  FlagUnpacker(const FlagUnpacker&) = delete;
  FlagUnpacker& operator=(const FlagUnpacker&) = delete;
  ~FlagUnpacker();

  /// The texts of a flag of run `run` (flag_texts_json), or nothing when the bytes are not a packed
  /// flag of that run (an edit outside waymark: verify names it).
  std::optional<std::string> unpack(std::int64_t run, std::string_view packed);

private:
  Connection& connection_;
  std::map<std::int64_t, ZSTD_DDict_s*> runs_;  // each run's dictionary, ready to unpack with
};

}  // namespace waymark::store::detail
