// Runs: storing a run's results on the chain, reading one back, and the latest run's number.

#include <algorithm>
#include <future>
#include <map>

#include "chain.hpp"
#include "json_text.hpp"
#include "result_codec.hpp"
#include "store_state.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::ChainWriter;
using detail::Connection;
using detail::SqlError;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;
using detail::damaged;
using detail::flag_columns;
using detail::read_flag;
using detail::quoted;
using detail::warn_if_broken;

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
  return detail::guarded(*state_, diagnostics, "store the run in", true, [&]() -> std::optional<SavedRun> {
    Connection& c = *state_->connection;
    std::map<std::string_view, std::int64_t> version_of;
    for (std::size_t i = 0; i < inputs.pupil_ids.size() && i < inputs.versions.size(); ++i) {
      version_of.emplace(inputs.pupil_ids[i], inputs.versions[i]);
    }
    detail::Sha256 pupils_digest;
    pupils_digest.frame_text("waymark-run-pupils-v1");
    std::size_t flag_count = 0;
    std::size_t due_count = 0;
    for (const engine::PupilResult& p : result.pupils) {
      const auto at = version_of.find(p.id);
      if (at == version_of.end()) {
        throw SqlError("database-error", "internal error: pupil " + p.id + " was evaluated but not read from the store");
      }
      pupils_digest.frame_text(p.id);
      pupils_digest.frame_integer(at->second);
      pupils_digest.frame_value(p.current_tier != 0 ? SqlValue(p.current_tier) : SqlValue());
      pupils_digest.frame_value(p.suggested_tier ? SqlValue(*p.suggested_tier) : SqlValue());
      flag_count += p.flags.size();
      due_count += p.due.size();
    }

    SavedRun out;
    RunRecord& run = out.run;
    run.as_of = result.as_of;
    run.pack = result.pack;
    run.input_digest = inputs.input_digest;
    run.selection = selection;
    run.pupils = result.pupils.size();
    run.flags = flag_count;
    run.due = due_count;
    run.started = started;
    run.finished = now_utc();
    run.waymark_version = detail::waymark_version();

    const auto text = [](std::string v) { return SqlValue(std::move(v)); };
    const auto integer = [](std::int64_t v) { return SqlValue(v); };
    const auto optional_integer = [](std::optional<std::int64_t> v) { return v ? SqlValue(*v) : SqlValue(); };

    Transaction transaction(c, Transaction::Kind::immediate);
    ChainWriter chain(c);
    const auto& runs = detail::chained_table("runs");
    const auto& flags = detail::chained_table("flags");
    const auto& due = detail::chained_table("due");
    Statement insert_run(c, detail::insert_sql(runs));
    std::vector<SqlValue> row{SqlValue(),
                              text(run.as_of.iso()),
                              text(run.pack.name),
                              text(run.pack.version),
                              text(run.pack.digest),
                              text(run.input_digest),
                              selection ? text(detail::strings_json(*selection)) : SqlValue(),
                              integer(static_cast<std::int64_t>(run.pupils)),
                              integer(static_cast<std::int64_t>(run.flags)),
                              integer(static_cast<std::int64_t>(run.due)),
                              SqlValue(detail::to_bytes(pupils_digest.finish())),
                              text(run.started),
                              text(run.finished),
                              text(run.waymark_version)};
    run.id = chain.insert(runs, insert_run, row);

    Statement insert_pupil(c,
                           "INSERT INTO run_pupils (run_id, pupil_id, version_id, current_tier, suggested_tier) "
                           "VALUES (?, ?, ?, ?, ?)");
    // Rows are given the ids SQLite would choose (an INTEGER PRIMARY KEY takes max + 1, and this
    // transaction holds the write lock), so building and hashing them, most of the cost, can run on
    // another core while this one inserts the block before (docs/performance.md).
    const auto next_id = [&](const char* table) {
      Statement max(c, std::string("SELECT coalesce(max(id), 0) FROM ") + table);
      max.step();
      return max.integer(0) + 1;
    };
    std::vector<std::int64_t> first_flag(result.pupils.size() + 1);
    std::vector<std::int64_t> first_due(result.pupils.size() + 1);
    first_flag[0] = next_id("flags");
    first_due[0] = next_id("due");
    for (std::size_t i = 0; i < result.pupils.size(); ++i) {
      first_flag[i + 1] = first_flag[i] + static_cast<std::int64_t>(result.pupils[i].flags.size());
      first_due[i + 1] = first_due[i] + static_cast<std::int64_t>(result.pupils[i].due.size());
    }
    struct Prepared {
      std::vector<SqlValue> values;
      detail::RowHash hash;
    };
    // The flag rows, then the due rows, of pupils [from, to), in insertion order.
    const auto prepare = [&](std::size_t from, std::size_t to) {
      std::vector<Prepared> rows;
      for (std::size_t n = from; n < to; ++n) {
        const engine::PupilResult& p = result.pupils[n];
        for (std::size_t i = 0; i < p.flags.size(); ++i) {
          const engine::Flag& f = p.flags[i];
          Prepared& r = rows.emplace_back();
          r.values = {integer(first_flag[n] + static_cast<std::int64_t>(i)),
                      integer(run.id),
                      text(p.id),
                      integer(static_cast<std::int64_t>(i)),
                      text(f.rule),
                      text(detail::bound_item(f)),
                      text(f.title),
                      text(f.category),
                      text(detail::severity_word(f.severity)),
                      optional_integer(f.tier),
                      text(detail::strings_json(f.evidence)),
                      text(detail::strings_json(f.actions)),
                      text(detail::strings_json(f.notify)),
                      text(f.cite),
                      text(detail::explanation_json(f.explanation))};
          r.hash = detail::hash_row(flags, r.values);
        }
        for (std::size_t i = 0; i < p.due.size(); ++i) {
          const engine::DueEntry& d = p.due[i];
          Prepared& r = rows.emplace_back();
          r.values = {integer(first_due[n] + static_cast<std::int64_t>(i)),
                      integer(run.id),
                      text(p.id),
                      integer(static_cast<std::int64_t>(i)),
                      text(d.rule),
                      text(d.title),
                      text(detail::strings_json(d.evidence)),
                      d.deadline ? text(d.deadline->iso()) : SqlValue(),
                      text(detail::strings_json(d.actions))};
          r.hash = detail::hash_row(due, r.values);
        }
      }
      return rows;
    };
    Statement insert_flag(c, detail::insert_sql_with_id(flags));
    Statement insert_due(c, detail::insert_sql_with_id(due));
    out.flag_ids.reserve(result.pupils.size());
    constexpr std::size_t block = 2048;
    const std::size_t total = result.pupils.size();
    std::future<std::vector<Prepared>> next = std::async(std::launch::async, prepare, 0, std::min(block, total));
    for (std::size_t from = 0; from < total; from += block) {
      const std::size_t to = std::min(from + block, total);
      std::vector<Prepared> rows = next.get();
      if (to < total) next = std::async(std::launch::async, prepare, to, std::min(to + block, total));
      std::size_t at = 0;
      for (std::size_t n = from; n < to; ++n) {
        const engine::PupilResult& p = result.pupils[n];
        insert_pupil.bind(1, run.id).bind(2, p.id).bind(3, version_of.at(p.id));
        insert_pupil.bind(4, p.current_tier != 0 ? std::optional<std::int64_t>(p.current_tier) : std::nullopt);
        insert_pupil.bind(5, p.suggested_tier);
        insert_pupil.run();
        std::vector<std::int64_t>& ids = out.flag_ids.emplace_back();
        for (std::size_t i = 0; i < p.flags.size(); ++i, ++at) {
          ids.push_back(chain.insert_hashed(flags, insert_flag, rows[at].values, rows[at].hash));
        }
        for (std::size_t i = 0; i < p.due.size(); ++i, ++at) {
          chain.insert_hashed(due, insert_due, rows[at].values, rows[at].hash);
        }
      }
    }
    chain.finish();
    transaction.commit();
    warn_if_broken(chain, state_->path, diagnostics);
    return out;
  });
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
    Statement flags(c, std::string("SELECT ") + flag_columns + " FROM flags WHERE run_id = ? ORDER BY pupil_id, position");
    flags.bind(1, run);
    while (flags.step()) {
      const auto at = index.find(flags.text(2));
      if (at == index.end()) damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
      engine::Flag f;
      if (!read_flag(flags, f)) damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
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
