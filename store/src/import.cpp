// Store::import_caseload: one import is one transaction; a pupil whose encoded data did not change
// keeps its version, others get a new version that replaces the old (docs/store.md).

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <future>

#include <fcntl.h>
#include <unistd.h>

#include "case_codec.hpp"
#include "chain.hpp"
#include "json_text.hpp"
#include "store_state.hpp"
#include "waymark/dsl/source.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Bytes;
using detail::ChainWriter;
using detail::Connection;
using detail::Digest;
using detail::SqlError;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;
using detail::warn_if_broken;

namespace {

// The digest of a file read a block at a time when it was loaded, read again now. It must be the file
// that was loaded: the same stamp (device, inode, size, modification time) before and after this read.
std::string reread_digest(const std::string& path, const dsl::FileStamp& loaded) {
  const auto changed = [&path]() {
    return SqlError("changed-input", "'" + path + "' changed while it was being imported: import it again once " +
                                         "whatever writes it has finished");
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw changed();
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (dsl::FileStamp::of(fd) != loaded) throw changed();
  detail::Sha256 h;
  std::vector<char> block(std::size_t{1} << 20);  // reused: no page of the file is held
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t got = ::read(fd, block.data(), block.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw changed();
    if (got == 0) break;
    h.update(std::string_view(block.data(), static_cast<std::size_t>(got)));
    total += static_cast<std::uint64_t>(got);
  }
  if (total != loaded.size || dsl::FileStamp::of(fd) != loaded) throw changed();
  return detail::digest_text(h.finish());
}

}  // namespace

std::optional<ImportSummary> Store::import_caseload(const engine::Caseload& caseload, const dsl::Vocabulary& vocabulary,
                                                    const ImportProvenance& provenance, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "store the import in", true, [&]() -> std::optional<ImportSummary> {
    Connection& c = *state_->connection;
    // Encoding and hashing a pupil needs no database: a second thread encodes ahead, in id order, while
    // this one inserts (docs/performance.md). Each block of pupils is published through `ready`.
    const std::size_t n = caseload.pupils.size();
    std::vector<detail::StoredPupil> encoded(n);
    std::vector<Digest> digests(n);
    const detail::PupilEncoder encoder(vocabulary);
    constexpr std::size_t failed = SIZE_MAX;
    std::atomic<std::size_t> ready{0};
    std::atomic<bool> abandoned{false};
    std::future<void> encoding = std::async(std::launch::async, [&] {
      try {
        for (std::size_t i = 0; i < n && !abandoned.load(std::memory_order_relaxed);) {
          for (const std::size_t end = std::min(n, i + 256); i < end; ++i) {
            encoded[i] = encoder.encode(caseload.pupils[i]);
            digests[i] = detail::pupil_digest(encoded[i]);
          }
          ready.store(i, std::memory_order_release);
          ready.notify_one();
        }
      } catch (...) {
        ready.store(failed, std::memory_order_release);
        ready.notify_one();
        throw;
      }
    });
    // Stops the encoder if this thread leaves early; declared after it, so it runs first.
    struct Abandon {
      std::atomic<bool>& flag;
      ~Abandon() { flag = true; }
    } abandon{abandoned};
    const auto wait_for = [&](std::size_t i) {  // until pupil i is encoded; rethrows the encoder's error
      for (std::size_t r = ready.load(std::memory_order_acquire); r <= i || r == failed;
           r = ready.load(std::memory_order_acquire)) {
        if (r == failed) encoding.get();
        ready.wait(r, std::memory_order_acquire);
      }
    };
    // The files' digests (a roll's attendance export is hundreds of MB) are taken on a helper thread
    // while pupils are inserted; the import's row gets them with its totals at the end.
    for (const ImportSource& source : provenance.sources) {
      if (dsl::invalid_utf8_at(source.path) != std::string_view::npos) {
        throw SqlError("invalid-text", "a file name is not valid UTF-8: rename it");
      }
    }
    std::future<std::string> sources = std::async(std::launch::async, [&provenance] {
      std::string json = "[";
      for (const ImportSource& source : provenance.sources) {
        json += json.size() > 1 ? ",{\"path\":" : "{\"path\":";
        detail::put_json_string(json, source.path);
        json += ",\"sha256\":";
        detail::put_json_string(json, source.content           ? content_digest(*source.content)
                                      : source.read_with_stamp ? reread_digest(source.path, *source.read_with_stamp)
                                                               : source.digest);
        json += "}";
      }
      return json + "]";
    });

    // The import's rows refer only to its own import row, to each pupil's row and versions (read or
    // inserted here), and to the records' own version.
    const detail::ReferencesUnchecked unchecked(c);
    Transaction transaction(c, Transaction::Kind::immediate);
    ChainWriter chain(c);
    Statement insert_import(c,
                            "INSERT INTO imports (started, finished, waymark_version, pack_name, pack_version, "
                            "pack_digest, sources, attendance_codes, pupils, added, replaced, unchanged, records, "
                            "versions_digest) VALUES (?, '', ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?)");
    insert_import.bind(1, provenance.started.empty() ? now_utc() : provenance.started)
        .bind(2, detail::waymark_version())
        .bind(3, provenance.pack.name)
        .bind(4, provenance.pack.version)
        .bind(5, provenance.pack.digest)
        .bind(6, std::string_view("[]"))  // the files and their digests: set once the digests are taken
        .bind(7, detail::attendance_codes_json(vocabulary))
        .bind(8, Bytes());
    insert_import.run();
    const std::int64_t import_id = c.last_insert_id();

    Statement current(c,
                      "SELECT p.current_version, v.digest FROM pupils p LEFT JOIN pupil_versions v "
                      "ON v.id = p.current_version WHERE p.id = ?");
    Statement insert_pupil(c, "INSERT INTO pupils (id, current_version) VALUES (?, ?)");
    Statement insert_version(c,
                             "INSERT INTO pupil_versions (pupil_id, import_id, replaces, upn, name, attributes, "
                             "marks_first, marks, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Statement insert_record(c,
                            "INSERT INTO records (version_id, seq, kind, record_id, anchor, end_date, fields) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
    Statement set_current(c, "UPDATE pupils SET current_version = ? WHERE id = ?");

    ImportSummary summary;
    summary.import_id = import_id;
    summary.pupils = encoded.size();
    detail::Sha256 versions;
    versions.frame_text("waymark-import-versions-v1");
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      wait_for(i);
      const detail::StoredPupil& p = encoded[i];
      current.bind(1, p.id);
      const bool exists = current.step();
      const std::optional<std::int64_t> previous = exists ? current.optional_integer(0) : std::nullopt;
      const bool same = exists && previous && detail::digest_of(current.blob(1)) == digests[i];
      current.reset();
      if (same) {
        ++summary.unchanged;
        continue;
      }
      ++(exists ? summary.replaced : summary.added);
      insert_version.bind(1, p.id).bind(2, import_id).bind(3, previous).bind(4, p.upn).bind(5, p.name);
      insert_version.bind(6, p.attributes).bind(7, p.marks_first);
      if (p.marks) {
        insert_version.bind(8, *p.marks);
      } else {
        insert_version.bind_null(8);
      }
      insert_version.bind(9, detail::to_bytes(digests[i]));
      insert_version.run();
      const std::int64_t version = c.last_insert_id();
      for (std::size_t k = 0; k < p.records.size(); ++k) {
        const detail::StoredRecord& r = p.records[k];
        insert_record.bind(1, version).bind(2, static_cast<std::int64_t>(k)).bind(3, r.kind).bind(4, r.record_id);
        insert_record.bind(5, r.anchor).bind(6, r.end_date).bind(7, r.fields);
        insert_record.run();
      }
      if (exists) {
        set_current.bind(1, version).bind(2, p.id);
        set_current.run();
      } else {  // a new pupil's row is made with its version (one write, not an insert then an update)
        insert_pupil.bind(1, p.id).bind(2, version);
        insert_pupil.run();
      }
      versions.frame_integer(version);
      versions.frame_text(p.id);
      versions.frame_value(previous ? SqlValue(*previous) : SqlValue());
      versions.frame_digest(digests[i]);
      summary.records += p.records.size();
      if (p.marks) summary.attendance_days += p.marks->size() / 2;
    }
    encoding.get();
    Statement finish(c,
                     "UPDATE imports SET finished = ?, pupils = ?, added = ?, replaced = ?, unchanged = ?, records = ?, "
                     "versions_digest = ?, sources = ? WHERE id = ?");
    finish.bind(1, now_utc())
        .bind(2, static_cast<std::int64_t>(summary.pupils))
        .bind(3, static_cast<std::int64_t>(summary.added))
        .bind(4, static_cast<std::int64_t>(summary.replaced))
        .bind(5, static_cast<std::int64_t>(summary.unchanged))
        .bind(6, static_cast<std::int64_t>(summary.records))
        .bind(7, detail::to_bytes(versions.finish()))
        .bind(8, sources.get())
        .bind(9, import_id);
    finish.run();
    chain.append("imports", import_id);
    chain.finish();
    transaction.commit();
    warn_if_broken(chain, state_->path, diagnostics);
    return summary;
  });
}

}  // namespace waymark::store
