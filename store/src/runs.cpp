// Runs: storing a run's results on the chain, reading one back, and the latest run's number.

#include <algorithm>
#include <map>

#include "chain.hpp"
#include "json_text.hpp"
#include "result_codec.hpp"
#include "store_state.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Connection;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;
using detail::damaged;
using detail::FlagReader;
using detail::quoted;

namespace detail {

RunRecord read_run_header(Statement& s) {
  RunRecord r;
  r.id = s.integer(0);
  r.as_of = dsl::Date::parse_iso(s.text(1)).value_or(dsl::Date{});
  r.pack.name = s.text(2);
  r.pack.version = s.text(3);
  r.pack.digest = s.text(4);
  r.input_digest = s.text(5);
  if (const auto sel = s.optional_text(6)) r.selection = detail::parse_strings(*sel);
  r.pupils = static_cast<std::size_t>(s.integer(7));
  r.flags = static_cast<std::size_t>(s.integer(8));
  r.due = static_cast<std::size_t>(s.integer(9));
  r.started = s.text(10);
  r.finished = s.text(11);
  r.waymark_version = s.text(12);
  return r;
}


std::optional<RunRecord> load_run_header(Connection& c, std::int64_t run) {
  Statement s(c, std::string("SELECT ") + run_header_columns + " FROM runs WHERE id = ?");
  s.bind(1, run);
  if (!s.step()) return std::nullopt;
  return read_run_header(s);
}


}  // namespace detail

// --- runs ---------------------------------------------------------------------------------------

std::optional<SavedRun> Store::save_run(const engine::RunResult& result, const StoredCaseload& inputs,
                                        const std::optional<std::vector<std::string>>& selection,
                                        const std::string& started, dsl::Diagnostics& diagnostics) {
  std::unique_ptr<RunWriter> writer = begin_run(result.as_of, result.pack, inputs, selection, started, diagnostics);
  if (!writer || !writer->add(result.pupils, diagnostics)) return std::nullopt;
  return writer->finish(diagnostics);
}

std::optional<StoredRun> Store::load_run(std::int64_t run, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a run from", false, [&]() -> std::optional<StoredRun> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    auto header = load_run_header(c, run);
    if (!header) {
      diagnostics.error({}, "unknown-run", "no run " + std::to_string(run) + " in " + quoted(c.path()));
      return std::nullopt;
    }
    StoredRun out;
    out.run = *header;
    out.result.as_of = header->as_of;
    out.result.pack = header->pack;
    std::map<std::string, std::size_t> index;
    Statement pupils(c, "SELECT pupil_id, current_tier, suggested_tier FROM run_pupils WHERE run_id = ? ORDER BY pupil_id");
    pupils.bind(1, run);
    while (pupils.step()) {
      engine::PupilResult p;
      p.id = pupils.text(0);
      p.current_tier = pupils.optional_integer(1).value_or(0);
      p.suggested_tier = pupils.optional_integer(2);
      index.emplace(p.id, out.result.pupils.size());
      out.result.pupils.push_back(std::move(p));
      out.flag_ids.emplace_back();
    }
    FlagReader reader(c);
    Statement flags(c, reader.select("WHERE run_id = ? ORDER BY pupil_id, position"));
    flags.bind(1, run);
    while (flags.step()) {
      const auto at = index.find(flags.text(2));
      if (at == index.end()) damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
      engine::Flag f;
      if (!reader.read(flags, f)) damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
      out.result.pupils[at->second].flags.push_back(std::move(f));
      out.flag_ids[at->second].push_back(flags.integer(0));
    }
    Statement due(c, "SELECT id, pupil_id, rule, title, evidence, deadline, actions FROM due WHERE run_id = ? "
                     "ORDER BY pupil_id, position");
    due.bind(1, run);
    while (due.step()) {
      const auto at = index.find(due.text(1));
      engine::DueEntry d;
      d.rule = due.text(2);
      d.title = due.text(3);
      auto evidence = detail::parse_strings(due.text(4));
      auto actions = detail::parse_strings(due.text(6));
      if (const auto deadline = due.optional_text(5)) d.deadline = dsl::Date::parse_iso(*deadline);
      if (at == index.end() || !evidence || !actions) damaged(c.path(), "due entry " + std::to_string(due.integer(0)));
      d.evidence = std::move(*evidence);
      d.actions = std::move(*actions);
      out.result.pupils[at->second].due.push_back(std::move(d));
    }
    snapshot.commit();
    return out;
  });
}

std::optional<std::int64_t> Store::latest_run(dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read", false, [&]() -> std::optional<std::int64_t> {
    Statement s(*state_->connection, "SELECT max(id) FROM runs");
    if (!s.step() || s.is_null(0)) {
      diagnostics.error({}, "unknown-run", "no run is stored in " + quoted(state_->path) + " yet");
      return std::nullopt;
    }
    return s.integer(0);
  });
}
}  // namespace waymark::store
