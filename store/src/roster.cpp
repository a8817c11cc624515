// Store: what `waymark serve` reads from stored runs (server.md, JSON API). Each query is driven by
// an index: runs by id, run_pupils by (run_id, pupil_id), flags and due entries by run then pupil,
// acknowledgements by flag; a school's list is filtered from one run's roster, never from all runs.

#include "waymark/store/store.hpp"

#include <map>

#include "result_codec.hpp"
#include "store_state.hpp"

namespace waymark::store {

using detail::Connection;
using detail::Statement;
using detail::Transaction;

namespace {

Acknowledgement read_ack(Statement& s) {
  Acknowledgement a;
  a.id = s.integer(0);
  a.flag = s.integer(1);
  a.by = s.text(2);
  a.note = s.text(3);
  a.at = s.text(4);
  return a;
}

constexpr const char* ack_select =
    "SELECT id, flag_id, acknowledged_by, note, acknowledged_at FROM acks WHERE flag_id = ? ORDER BY id";

// The school attribute as import stored it (case_codec: attributes are a JSON object by name).
constexpr const char* school_of_version = "json_extract(v.attributes, '$.school')";

}  // namespace

std::optional<std::vector<RunRecord>> Store::runs(dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "list the runs of", false, [&]() -> std::optional<std::vector<RunRecord>> {
    Statement s(*state_->connection,
                std::string("SELECT ") + detail::run_header_columns + " FROM runs ORDER BY id DESC");
    std::vector<RunRecord> out;
    while (s.step()) out.push_back(detail::read_run_header(s));
    return out;
  });
}

std::optional<std::int64_t> Store::current_run(dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read", false, [&]() -> std::optional<std::int64_t> {
    Connection& c = *state_->connection;
    const std::int64_t whole = c.query_integer("SELECT coalesce(max(id), 0) FROM runs WHERE selection IS NULL");
    return whole != 0 ? whole : c.query_integer("SELECT coalesce(max(id), 0) FROM runs");
  });
}

std::optional<std::vector<RosterPupil>> Store::roster(std::int64_t run, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a run from", false,
                         [&]() -> std::optional<std::vector<RosterPupil>> {
                           Connection& c = *state_->connection;
                           Transaction snapshot(c, Transaction::Kind::read);
                           std::vector<RosterPupil> out;
                           Statement pupils(c, std::string("SELECT rp.pupil_id, rp.current_tier, rp.suggested_tier, ") +
                                                   school_of_version +
                                                   " FROM run_pupils rp JOIN pupil_versions v ON v.id = rp.version_id "
                                                   "WHERE rp.run_id = ? ORDER BY rp.pupil_id");
                           pupils.bind(1, run);
                           while (pupils.step()) {
                             RosterPupil p;
                             p.id = pupils.text(0);
                             p.current_tier = pupils.optional_integer(1).value_or(0);
                             p.suggested_tier = pupils.optional_integer(2);
                             p.school = pupils.optional_text(3).value_or("");
                             out.push_back(std::move(p));
                           }
                           // Both counts come back in pupil order (the indexes' order), so one cursor walks the roster.
                           auto walk = [&](const char* sql, auto&& add) {
                             Statement s(c, sql);
                             s.bind(1, run);
                             std::size_t at = 0;
                             while (s.step()) {
                               const std::string id = s.text(0);
                               while (at < out.size() && out[at].id < id) ++at;
                               if (at == out.size() || out[at].id != id) detail::damaged(c.path(), "run " + std::to_string(run));
                               add(out[at], s);
                             }
                           };
                           walk("SELECT pupil_id, severity, count(*) FROM flags WHERE run_id = ? GROUP BY pupil_id, "
                                "severity ORDER BY pupil_id",
                                [&](RosterPupil& p, Statement& s) {
                                  const auto level = detail::parse_severity(s.text(1));
                                  if (!level) detail::damaged(c.path(), "a flag of run " + std::to_string(run));
                                  p.flags[static_cast<std::size_t>(*level)] += static_cast<std::uint32_t>(s.integer(2));
                                });
                           walk("SELECT pupil_id, count(*) FROM due WHERE run_id = ? GROUP BY pupil_id ORDER BY pupil_id",
                                [&](RosterPupil& p, Statement& s) { p.due = static_cast<std::uint32_t>(s.integer(1)); });
                           snapshot.commit();
                           return out;
                         });
}

std::optional<StoredPupilResult> Store::pupil_result(std::int64_t run, const std::string& pupil,
                                                     dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a pupil's result from", false,
                         [&]() -> std::optional<StoredPupilResult> {
                           Connection& c = *state_->connection;
                           Transaction snapshot(c, Transaction::Kind::read);
                           Statement head(c, std::string("SELECT rp.current_tier, rp.suggested_tier, ") +
                                                 school_of_version +
                                                 " FROM run_pupils rp JOIN pupil_versions v ON v.id = rp.version_id "
                                                 "WHERE rp.run_id = ? AND rp.pupil_id = ?");
                           head.bind(1, run).bind(2, pupil);
                           if (!head.step()) return std::nullopt;
                           StoredPupilResult out;
                           out.result.id = pupil;
                           out.result.current_tier = head.optional_integer(0).value_or(0);
                           out.result.suggested_tier = head.optional_integer(1);
                           out.school = head.optional_text(2).value_or("");
                           detail::FlagReader reader(c);
                           Statement flags(c, reader.select("WHERE run_id = ? AND pupil_id = ? ORDER BY position"));
                           flags.bind(1, run).bind(2, pupil);
                           Statement acks(c, ack_select);
                           while (flags.step()) {
                             engine::Flag f;
                             if (!reader.read(flags, f)) detail::damaged(c.path(), "flag " + std::to_string(flags.integer(0)));
                             out.result.flags.push_back(std::move(f));
                             out.flag_ids.push_back(flags.integer(0));
                             acks.bind(1, flags.integer(0));
                             std::vector<Acknowledgement> list;
                             while (acks.step()) list.push_back(read_ack(acks));
                             acks.reset();
                             out.acknowledgements.push_back(std::move(list));
                           }
                           Statement due(c, "SELECT id, rule, title, evidence, deadline, actions FROM due WHERE run_id = ? "
                                            "AND pupil_id = ? ORDER BY position");
                           due.bind(1, run).bind(2, pupil);
                           while (due.step()) {
                             engine::DueEntry d;
                             d.rule = due.text(1);
                             d.title = due.text(2);
                             auto evidence = detail::parse_strings(due.text(3));
                             auto actions = detail::parse_strings(due.text(5));
                             if (const auto deadline = due.optional_text(4)) d.deadline = dsl::Date::parse_iso(*deadline);
                             if (!evidence || !actions) detail::damaged(c.path(), "due entry " + std::to_string(due.integer(0)));
                             d.evidence = std::move(*evidence);
                             d.actions = std::move(*actions);
                             out.result.due.push_back(std::move(d));
                           }
                           snapshot.commit();
                           return out;
                         });
}

std::optional<std::string> Store::pupil_school(const std::string& pupil, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a pupil from", false, [&]() -> std::optional<std::string> {
    Statement s(*state_->connection, std::string("SELECT ") + school_of_version +
                                         " FROM pupils p JOIN pupil_versions v ON v.id = p.current_version WHERE p.id = ?");
    s.bind(1, pupil);
    if (!s.step()) return std::nullopt;
    return s.optional_text(0).value_or("");
  });
}

std::optional<std::vector<Acknowledgement>> Store::acknowledgements(std::int64_t flag, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read acknowledgements from", false,
                         [&]() -> std::optional<std::vector<Acknowledgement>> {
                           Statement s(*state_->connection, ack_select);
                           s.bind(1, flag);
                           std::vector<Acknowledgement> out;
                           while (s.step()) out.push_back(read_ack(s));
                           return out;
                         });
}

}  // namespace waymark::store
