// Store::history: a pupil's runs with each flag marked new or continuing, the flags that resolved,
// and acknowledgements (including those of the same flag in earlier runs).

#include <map>

#include "digest.hpp"
#include "result_codec.hpp"
#include "store_state.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Connection;
using detail::Statement;
using detail::Transaction;

namespace {

using FlagKey = std::pair<std::string, std::string>;  // rule, bound item

struct Known {
  std::int64_t id = 0;
  std::int64_t first_raised_run = 0;
  std::vector<Acknowledgement> acknowledgements;  // of it and of its earlier occurrences
  std::string title;
};

}  // namespace

std::optional<PupilHistory> Store::history(const std::string& pupil, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read the history from", false, [&]() -> std::optional<PupilHistory> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    PupilHistory out;
    out.pupil = pupil;

    Statement versions(c,
                       "SELECT v.id, v.import_id, i.finished, v.digest, "
                       "(SELECT count(*) FROM records r WHERE r.version_id = v.id) "
                       "FROM pupil_versions v JOIN imports i ON i.id = v.import_id WHERE v.pupil_id = ? ORDER BY v.id");
    versions.bind(1, pupil);
    while (versions.step()) {
      HistoryVersion v;
      v.version = versions.integer(0);
      v.import_id = versions.integer(1);
      v.imported = versions.text(2);
      if (const auto d = detail::digest_of(versions.blob(3))) v.digest = detail::digest_text(*d);
      v.records = static_cast<std::size_t>(versions.integer(4));
      out.versions.push_back(std::move(v));
    }

    Statement runs(c,
                   "SELECT r.id, r.as_of, r.pack_name, r.pack_version, r.pack_digest, r.finished, rp.version_id, "
                   "rp.current_tier, rp.suggested_tier FROM run_pupils rp JOIN runs r ON r.id = rp.run_id "
                   "WHERE rp.pupil_id = ? ORDER BY r.id");
    runs.bind(1, pupil);
    std::map<std::int64_t, std::size_t> run_index;
    while (runs.step()) {
      HistoryRun h;
      h.run = runs.integer(0);
      h.as_of = dsl::Date::parse_iso(runs.text(1)).value_or(dsl::Date{});
      h.pack = {runs.text(2), runs.text(3), runs.text(4)};
      h.finished = runs.text(5);
      h.version = runs.integer(6);
      h.current_tier = runs.optional_integer(7).value_or(0);
      h.suggested_tier = runs.optional_integer(8);
      run_index.emplace(h.run, out.runs.size());
      out.runs.push_back(std::move(h));
    }
    if (out.versions.empty() && out.runs.empty()) {
      diagnostics.error({}, "unknown-pupil", "no pupil '" + pupil + "' in '" + c.path() + "'");
      return std::nullopt;
    }

    std::map<std::int64_t, std::vector<Acknowledgement>> acks;  // by flag id
    Statement ack(c,
                  "SELECT a.id, a.flag_id, a.acknowledged_by, a.note, a.acknowledged_at FROM acks a "
                  "JOIN flags f ON f.id = a.flag_id WHERE f.pupil_id = ? ORDER BY a.id");
    ack.bind(1, pupil);
    while (ack.step()) {
      Acknowledgement a{ack.integer(0), ack.integer(1), ack.text(2), ack.text(3), ack.text(4)};
      acks[a.flag].push_back(std::move(a));
    }

    detail::FlagReader reader(c);
    Statement flags(c, reader.select("WHERE pupil_id = ? ORDER BY run_id, position"));
    flags.bind(1, pupil);
    while (flags.step()) {
      const auto at = run_index.find(flags.integer(1));
      if (at == run_index.end()) continue;  // a flag of a run that did not evaluate the pupil: verify reports it
      HistoryFlag f;
      f.id = flags.integer(0);
      reader.read(flags, f.flag);  // a row edited outside waymark shows what reads back; verify reports it
      f.bound_item = flags.text(15);
      if (const auto a = acks.find(f.id); a != acks.end()) f.acknowledgements = a->second;
      out.runs[at->second].flags.push_back(std::move(f));
    }

    Statement due(c,
                  "SELECT run_id, rule, title, evidence, deadline, actions FROM due WHERE pupil_id = ? "
                  "ORDER BY run_id, position");
    due.bind(1, pupil);
    while (due.step()) {
      const auto at = run_index.find(due.integer(0));
      if (at == run_index.end()) continue;
      engine::DueEntry d;
      d.rule = due.text(1);
      d.title = due.text(2);
      d.evidence = detail::parse_strings(due.text(3)).value_or(std::vector<std::string>{});
      if (const auto deadline = due.optional_text(4)) d.deadline = dsl::Date::parse_iso(*deadline);
      d.actions = detail::parse_strings(due.text(5)).value_or(std::vector<std::string>{});
      out.runs[at->second].due.push_back(std::move(d));
    }
    snapshot.commit();

    // Continuity is judged against the pupil's previous run with the same pack: a flag of another pack
    // is neither resolved nor new because a different pack was run in between.
    std::map<std::string, std::pair<std::int64_t, std::map<FlagKey, Known>>> last_by_pack;
    for (HistoryRun& run : out.runs) {
      auto& [previous_run, previous] = last_by_pack[run.pack.name];
      std::map<FlagKey, Known> now;
      if (previous_run != 0) run.previous_run = previous_run;
      for (HistoryFlag& f : run.flags) {
        const FlagKey key{f.flag.rule, f.bound_item};
        Known k;
        k.id = f.id;
        k.title = f.flag.title;
        if (const auto before = previous.find(key); before != previous.end()) {
          f.status = FlagStatus::continuing;
          f.first_raised_run = before->second.first_raised_run;
          f.earlier_acknowledgements = before->second.acknowledgements;
          k.acknowledgements = before->second.acknowledgements;
        } else {
          f.status = FlagStatus::new_flag;
          f.first_raised_run = run.run;
        }
        k.first_raised_run = f.first_raised_run;
        k.acknowledgements.insert(k.acknowledgements.end(), f.acknowledgements.begin(), f.acknowledgements.end());
        now.emplace(key, std::move(k));
      }
      for (const auto& [key, k] : previous) {
        if (now.count(key) == 0) run.resolved.push_back({k.id, key.first, k.title, key.second});
      }
      previous_run = run.run;
      previous = std::move(now);
    }
    return out;
  });
}

}  // namespace waymark::store
