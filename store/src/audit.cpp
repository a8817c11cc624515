// Store::verify (the hash chain and every digest, docs/store.md "What verify proves") and
// compare_runs (a stored run against a re-evaluation of its inputs).

#include <algorithm>
#include <map>
#include <memory>

#include "case_codec.hpp"
#include "chain.hpp"
#include "result_codec.hpp"
#include "store_state.hpp"
#include "versions.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Bytes;
using detail::Connection;
using detail::Digest;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;

namespace {

std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string entry_words(std::int64_t seq) { return "chain entry " + std::to_string(seq); }

}  // namespace

std::optional<AuditReport> Store::verify(dsl::Diagnostics& diagnostics, const std::string& anchor) {
  return detail::guarded(*state_, diagnostics, "verify", false, [&]() -> std::optional<AuditReport> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    AuditReport report;
    auto problem = [&](std::int64_t entry, std::string table, std::int64_t row, std::string what) {
      report.problems.push_back({entry, std::move(table), row, std::move(what)});
    };

    // The head as recorded.
    Statement head(c, "SELECT seq, hash, tbl, row_id FROM chain_head WHERE id = 1");
    const bool has_head = head.step();
    std::int64_t head_seq = 0;
    Bytes head_hash;
    std::string head_table;
    std::int64_t head_row = 0;
    if (has_head) {
      head_seq = head.integer(0);
      head_hash = head.blob(1);
      head_table = head.optional_text(2).value_or("");
      head_row = head.optional_integer(3).value_or(0);
      report.head_entry = head_seq;
      if (const auto d = detail::digest_of(head_hash)) report.head_hash = detail::digest_text(*d);
    }
    std::optional<Digest> wanted_anchor;
    if (!anchor.empty()) {
      wanted_anchor = detail::parse_digest(anchor);
      if (!wanted_anchor) {
        diagnostics.error({}, "usage", "--head takes a hash as printed by 'waymark audit verify' (sha256:...), not '" +
                                           anchor + "'");
        return std::nullopt;
      }
    }
    std::int64_t anchor_entry = 0;

    // Walk the chain in order.
    detail::RowReader reader(c);
    std::map<std::int64_t, std::int64_t> run_entry;
    std::map<std::int64_t, std::int64_t> import_entry;
    Statement chain(c, "SELECT seq, tbl, row_id, content, columns, hash FROM chain ORDER BY seq");
    Digest previous{};
    std::int64_t expected = 1;
    std::int64_t last_seq = 0;
    Bytes last_hash;
    while (chain.step()) {
      const std::int64_t seq = chain.integer(0);
      const std::string table_name = chain.text(1);
      const std::int64_t row = chain.integer(2);
      const Bytes content = chain.blob(3);
      const Bytes columns = chain.blob(4);
      const Bytes hash = chain.blob(5);
      ++report.entries;
      const bool gap = seq != expected;
      if (gap) {
        problem(seq, table_name, row,
                expected + 1 == seq ? entry_words(expected) + " is missing: it was deleted"
                                    : "chain entries " + std::to_string(expected) + " to " + std::to_string(seq - 1) +
                                          " are missing: they were deleted");
      }
      const auto content_digest = detail::digest_of(content);
      const auto stored_hash = detail::digest_of(hash);
      if (!gap && (!content_digest || !stored_hash ||
                   detail::entry_hash(previous, seq, table_name, row, *content_digest, columns) != *stored_hash)) {
        problem(seq, table_name, row,
                entry_words(seq) + " (" + table_name + " " + std::to_string(row) +
                    ") was altered: its hash does not follow from its content and the entry before it");
      }
      const detail::ChainedTable* table = nullptr;
      for (const detail::ChainedTable& t : detail::chained_tables()) {
        if (t.name == table_name) table = &t;
      }
      if (table == nullptr) {
        problem(seq, table_name, row, entry_words(seq) + " names a table waymark does not chain: '" + table_name + "'");
      } else {
        if (table->name == "runs") {
          ++report.runs;
          run_entry[row] = seq;
        } else if (table->name == "imports") {
          ++report.imports;
          import_entry[row] = seq;
        } else if (table->name == "flags") {
          ++report.flags;
        } else if (table->name == "due") {
          ++report.due;
        } else if (table->name == "user_changes") {
          ++report.user_changes;
        } else {
          ++report.acknowledgements;
        }
        const auto values = reader.values(*table, row);
        const std::string noun = std::string(table->noun) + " " + std::to_string(row);
        if (!values) {
          problem(seq, table_name, row, noun + " was deleted (" + entry_words(seq) + " records it)");
        } else if (content_digest) {
          const detail::RowHash now = detail::hash_row(*table, *values);
          if (now.content != *content_digest) {
            const auto changed = detail::changed_columns(*table, columns, now.columns);
            problem(seq, table_name, row,
                    noun + " was altered after it was stored: " +
                        (changed.empty() ? std::string("its content")
                                         : (changed.size() == 1 ? "column " : "columns ") + join_names(changed)) +
                        " differ" + (changed.size() == 1 ? "s" : "") + " from what was recorded (" +
                        entry_words(seq) + ")");
          }
        }
      }
      if (wanted_anchor && stored_hash && *stored_hash == *wanted_anchor) anchor_entry = seq;
      if (stored_hash) previous = *stored_hash;
      expected = seq + 1;
      last_seq = seq;
      last_hash = hash;
    }

    // The head must name the last entry: otherwise the tail was cut off (or added to) outside waymark.
    if (!has_head && report.entries > 0) {
      problem(last_seq, "chain_head", 0, "the chain's head record is missing: it was deleted");
    } else if (has_head) {
      std::string what_head;
      for (const detail::ChainedTable& t : detail::chained_tables()) {
        if (t.name == head_table) what_head = " (" + std::string(t.noun) + " " + std::to_string(head_row) + ")";
      }
      if (head_seq > last_seq) {
        problem(last_seq + 1, head_table, head_row,
                "the chain ends at entry " + std::to_string(last_seq) + " but its head records entry " +
                    std::to_string(head_seq) + what_head + ": the last " +
                    (head_seq - last_seq == 1 ? std::string("entry was") : std::to_string(head_seq - last_seq) + " entries were") +
                    " deleted");
      } else if (head_seq < last_seq) {
        problem(head_seq + 1, "chain", head_seq + 1,
                "chain entries " + std::to_string(head_seq + 1) + " to " + std::to_string(last_seq) +
                    " come after the recorded head: they were added outside waymark");
      } else if (head_hash != last_hash) {
        problem(last_seq, "chain_head", 0, "the chain's head record does not match entry " + std::to_string(last_seq) +
                                               ": one of them was rewritten");
      }
    }

    // Rows that no chain entry records were added (or re-numbered) outside waymark.
    for (const detail::ChainedTable& t : detail::chained_tables()) {
      // A database read without migrating may predate a table (user_changes came with version 3).
      Statement exists(c, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
      exists.bind(1, t.name);
      if (!exists.step() || exists.integer(0) == 0) continue;
      Statement s(c, "SELECT id FROM " + std::string(t.name) +
                         " x WHERE NOT EXISTS (SELECT 1 FROM chain WHERE chain.tbl = ? AND chain.row_id = x.id) ORDER BY id");
      s.bind(1, t.name);
      while (s.step()) {
        problem(0, std::string(t.name), s.integer(0),
                std::string(t.noun) + " " + std::to_string(s.integer(0)) +
                    " is not in the chain: it was added outside waymark");
      }
    }

    // Pupil data: each version against its digest, and each import's list of versions.
    std::map<std::int64_t, Digest> version_digest;  // recomputed from content
    std::map<std::int64_t, std::unique_ptr<detail::Sha256>> import_versions;
    {
      const std::string versions = std::string("SELECT ") + detail::version_columns + " FROM pupil_versions v ORDER BY v.id";
      const std::string records = std::string("SELECT ") + detail::record_columns + " FROM records r ORDER BY r.version_id, r.seq";
      detail::VersionStream stream(c, versions, records, nullptr, true);
      detail::VersionRow row;
      while (stream.next(row)) {
        ++report.pupil_versions;
        const Digest computed = detail::pupil_digest(row.pupil);
        version_digest[row.id] = computed;
        if (detail::digest_of(row.digest) != computed) {
          const auto at = import_entry.find(row.import_id);
          problem(at != import_entry.end() ? at->second : 0, "pupil_versions", row.id,
                  "the case data of pupil " + row.pupil.id + " (version " + std::to_string(row.id) + ", import " +
                      std::to_string(row.import_id) + ") was changed after it was imported");
        }
        auto& h = import_versions[row.import_id];
        if (!h) {
          h = std::make_unique<detail::Sha256>();
          h->frame_text("waymark-import-versions-v1");
        }
        h->frame_integer(row.id);
        h->frame_text(row.pupil.id);
        h->frame_value(row.replaces ? SqlValue(*row.replaces) : SqlValue());
        h->frame_blob(row.digest.data(), row.digest.size());
      }
    }
    {
      Statement imports(c, "SELECT id, versions_digest FROM imports ORDER BY id");
      while (imports.step()) {
        const std::int64_t id = imports.integer(0);
        Digest computed{};
        if (auto& h = import_versions[id]; h) {
          computed = h->finish();
        } else {
          detail::Sha256 empty;
          empty.frame_text("waymark-import-versions-v1");
          computed = empty.finish();
        }
        if (detail::digest_of(imports.blob(1)) != computed) {
          const auto at = import_entry.find(id);
          problem(at != import_entry.end() ? at->second : 0, "imports", id,
                  "the pupil versions stored by import " + std::to_string(id) +
                      " were altered: versions were added, removed, re-pointed or their digests rewritten");
        }
        import_versions.erase(id);
      }
      for (const auto& [id, h] : import_versions) {
        problem(0, "pupil_versions", 0, "pupil versions name import " + std::to_string(id) + ", which does not exist");
      }
    }
    {
      Statement orphans(c, "SELECT count(*) FROM records r WHERE NOT EXISTS "
                           "(SELECT 1 FROM pupil_versions v WHERE v.id = r.version_id)");
      if (orphans.step() && orphans.integer(0) > 0) {
        problem(0, "records", 0, std::to_string(orphans.integer(0)) + " record rows belong to no pupil version");
      }
      Statement current(c, "SELECT p.id, p.current_version, (SELECT max(v.id) FROM pupil_versions v WHERE v.pupil_id = p.id) "
                           "FROM pupils p ORDER BY p.id");
      while (current.step()) {
        if (current.optional_integer(1) != current.optional_integer(2)) {
          problem(0, "pupils", 0,
                  "pupil " + current.text(0) + " points at version " +
                      (current.is_null(1) ? std::string("none") : std::to_string(current.integer(1))) +
                      ", not at its latest version " +
                      (current.is_null(2) ? std::string("(none)") : std::to_string(current.integer(2))) +
                      ": a run would read the wrong case data");
        }
      }
    }

    // Runs: the pupils each evaluated, and the input digest over the case data it read.
    {
      std::map<std::int64_t, std::pair<Digest, Digest>> computed;  // run -> (pupils digest, input digest)
      Statement pupils(c, "SELECT run_id, pupil_id, version_id, current_tier, suggested_tier FROM run_pupils "
                          "ORDER BY run_id, pupil_id");
      std::int64_t current_run = -1;
      std::unique_ptr<detail::Sha256> pupils_hash;
      std::unique_ptr<detail::Sha256> input_hash;
      bool input_known = true;
      const auto close = [&]() {
        if (current_run < 0) return;
        Digest input = input_hash->finish();
        if (!input_known) input = Digest{};
        computed[current_run] = {pupils_hash->finish(), input};
      };
      while (pupils.step()) {
        const std::int64_t run = pupils.integer(0);
        if (run != current_run) {
          close();
          current_run = run;
          pupils_hash = std::make_unique<detail::Sha256>();
          pupils_hash->frame_text("waymark-run-pupils-v1");
          input_hash = std::make_unique<detail::Sha256>();
          input_hash->frame_text("waymark-input-v1");
          input_known = true;
        }
        const std::string id = pupils.text(1);
        const std::int64_t version = pupils.integer(2);
        pupils_hash->frame_text(id);
        pupils_hash->frame_integer(version);
        pupils_hash->frame_value(pupils.value(3));
        pupils_hash->frame_value(pupils.value(4));
        input_hash->frame_text(id);
        if (const auto v = version_digest.find(version); v != version_digest.end()) {
          input_hash->frame_digest(v->second);
        } else {
          input_known = false;
        }
      }
      close();
      Statement runs(c, "SELECT id, input_digest, pupils_digest FROM runs ORDER BY id");
      while (runs.step()) {
        const std::int64_t id = runs.integer(0);
        const auto at = run_entry.find(id);
        const std::int64_t entry = at != run_entry.end() ? at->second : 0;
        Digest pupils_digest{};
        Digest input{};
        if (const auto found = computed.find(id); found != computed.end()) {
          pupils_digest = found->second.first;
          input = found->second.second;
        } else {
          detail::Sha256 empty;
          empty.frame_text("waymark-run-pupils-v1");
          pupils_digest = empty.finish();
          empty.frame_text("waymark-input-v1");
          input = empty.finish();
        }
        if (detail::digest_of(runs.blob(2)) != pupils_digest) {
          problem(entry, "runs", id,
                  "the pupils evaluated by run " + std::to_string(id) +
                      " (its run_pupils rows: which pupils, which version of their case data, their tiers) were altered");
        } else if (detail::digest_text(input) != runs.text(1)) {
          problem(entry, "runs", id,
                  "the case data run " + std::to_string(id) +
                      " evaluated no longer matches its input digest: a pupil version it read was altered or removed");
        }
      }
    }

    if (wanted_anchor) {
      report.anchor_entry = anchor_entry;
      if (anchor_entry == 0) {
        problem(0, "chain", 0,
                "the head you recorded, " + detail::digest_text(*wanted_anchor) +
                    ", is not in the chain: the chain was rewritten or cut back since you recorded it");
      }
    }

    std::stable_sort(report.problems.begin(), report.problems.end(), [](const AuditProblem& a, const AuditProblem& b) {
      const auto key = [](const AuditProblem& p) { return p.entry == 0 ? INT64_MAX : p.entry; };
      return key(a) < key(b);
    });
    snapshot.commit();
    return report;
  });
}

// --- reproduction -------------------------------------------------------------------------------

namespace {

std::string file_part(const std::string& location) {
  const auto slash = location.find_last_of('/');
  return slash == std::string::npos ? location : location.substr(slash + 1);
}

void normalise(engine::ExplanationNode& n) {
  n.location = file_part(n.location);
  for (engine::ExplanationNode& c : n.children) normalise(c);
}

std::string comparable(engine::Explanation e) {
  e.rule_location = file_part(e.rule_location);
  if (e.when) normalise(*e.when);
  if (e.unless) normalise(*e.unless);
  return detail::explanation_json(e);
}

std::string tier_text(std::optional<std::int64_t> t) { return t ? std::to_string(*t) : "none"; }

std::string list_text(const std::vector<std::string>& v) { return detail::strings_json(v); }

}  // namespace

std::vector<std::string> compare_runs(const engine::RunResult& stored, const engine::RunResult& fresh) {
  std::vector<std::string> out;
  const auto differ = [&](std::string what) {
    if (out.size() < 50) out.push_back(std::move(what));
  };
  if (stored.as_of != fresh.as_of) differ("as-of date: stored " + stored.as_of.iso() + ", now " + fresh.as_of.iso());
  if (stored.pack.digest != fresh.pack.digest) {
    differ("pack digest: stored " + stored.pack.digest + ", now " + fresh.pack.digest);
  }
  if (stored.pupils.size() != fresh.pupils.size()) {
    differ("pupils evaluated: stored " + std::to_string(stored.pupils.size()) + ", now " +
           std::to_string(fresh.pupils.size()));
  }
  const std::size_t n = std::min(stored.pupils.size(), fresh.pupils.size());
  for (std::size_t i = 0; i < n; ++i) {
    const engine::PupilResult& a = stored.pupils[i];
    const engine::PupilResult& b = fresh.pupils[i];
    const std::string who = "pupil " + a.id;
    if (a.id != b.id) {
      differ("pupil " + std::to_string(i + 1) + ": stored " + a.id + ", now " + b.id);
      continue;
    }
    if (a.current_tier != b.current_tier) {
      differ(who + ": current tier stored " + std::to_string(a.current_tier) + ", now " + std::to_string(b.current_tier));
    }
    if (a.suggested_tier != b.suggested_tier) {
      differ(who + ": suggested tier stored " + tier_text(a.suggested_tier) + ", now " + tier_text(b.suggested_tier));
    }
    if (a.flags.size() != b.flags.size()) {
      differ(who + ": " + std::to_string(a.flags.size()) + " flags stored, " + std::to_string(b.flags.size()) + " now");
    }
    for (std::size_t k = 0; k < std::min(a.flags.size(), b.flags.size()); ++k) {
      const engine::Flag& x = a.flags[k];
      const engine::Flag& y = b.flags[k];
      const std::string which = who + ", flag " + std::to_string(k + 1) + " (" + x.rule + ")";
      if (x.rule != y.rule) differ(which + ": rule now " + y.rule);
      if (x.title != y.title) differ(which + ": title stored '" + x.title + "', now '" + y.title + "'");
      if (x.category != y.category) differ(which + ": category now " + y.category);
      if (x.severity != y.severity) differ(which + ": severity now " + engine::severity_name(y.severity));
      if (x.tier != y.tier) differ(which + ": tier stored " + tier_text(x.tier) + ", now " + tier_text(y.tier));
      if (x.evidence != y.evidence) differ(which + ": evidence stored " + list_text(x.evidence) + ", now " + list_text(y.evidence));
      if (x.actions != y.actions) differ(which + ": actions differ");
      if (x.notify != y.notify) differ(which + ": notify stored " + list_text(x.notify) + ", now " + list_text(y.notify));
      if (x.cite != y.cite) differ(which + ": citation differs");
      if (comparable(x.explanation) != comparable(y.explanation)) differ(which + ": the explanation differs");
    }
    if (a.due.size() != b.due.size()) {
      differ(who + ": " + std::to_string(a.due.size()) + " due entries stored, " + std::to_string(b.due.size()) + " now");
    }
    for (std::size_t k = 0; k < std::min(a.due.size(), b.due.size()); ++k) {
      const engine::DueEntry& x = a.due[k];
      const engine::DueEntry& y = b.due[k];
      if (x.rule != y.rule || x.title != y.title || x.evidence != y.evidence || x.deadline != y.deadline ||
          x.actions != y.actions) {
        differ(who + ", due entry " + std::to_string(k + 1) + " (" + x.rule + ") differs");
      }
    }
  }
  return out;
}

}  // namespace waymark::store
