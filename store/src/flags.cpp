// Flags and acknowledgements: reading one stored flag, and acknowledging it on the chain.

#include "chain.hpp"
#include "json_text.hpp"
#include "result_codec.hpp"
#include "store_state.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::ChainWriter;
using detail::Connection;
using detail::SqlValue;
using detail::Statement;
using detail::Transaction;
using detail::damaged;
using detail::flag_columns;
using detail::read_flag;
using detail::quoted;
using detail::warn_if_broken;

namespace detail {

bool read_flag(Statement& s, engine::Flag& f) {
  f.rule = s.text(4);
  f.title = s.text(5);
  f.category = s.text(6);
  const auto severity = detail::parse_severity(s.text(7));
  f.tier = s.optional_integer(8);
  auto evidence = detail::parse_strings(s.text(9));
  auto actions = detail::parse_strings(s.text(10));
  auto notify = detail::parse_strings(s.text(11));
  f.cite = s.text(12);
  auto explanation = detail::parse_explanation(s.text(13));
  if (!severity || !evidence || !actions || !notify || !explanation) return false;
  f.severity = *severity;
  f.evidence = std::move(*evidence);
  f.actions = std::move(*actions);
  f.notify = std::move(*notify);
  f.explanation = std::move(*explanation);
  return true;
}

}  // namespace detail

// --- flags and acknowledgements -----------------------------------------------------------------

std::optional<StoredFlag> Store::load_flag(std::int64_t flag, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a flag from", false, [&]() -> std::optional<StoredFlag> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    Statement s(c, std::string("SELECT ") + flag_columns + " FROM flags WHERE id = ?");
    s.bind(1, flag);
    if (!s.step()) {
      diagnostics.error({}, "unknown-flag", "no flag " + std::to_string(flag) + " in " + quoted(c.path()) +
                                                ": 'waymark history --db " + c.path() +
                                                " --pupil ID' lists a pupil's flags with their numbers");
      return std::nullopt;
    }
    StoredFlag out;
    out.id = flag;
    out.pupil = s.text(2);
    if (!read_flag(s, out.flag)) damaged(c.path(), "flag " + std::to_string(flag));
    auto header = load_run_header(c, s.integer(1));
    if (!header) damaged(c.path(), "the run of flag " + std::to_string(flag));
    out.run = *header;
    snapshot.commit();
    return out;
  });
}

std::optional<Acknowledgement> Store::acknowledge(std::int64_t flag, const std::string& by, const std::string& note,
                                                  dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "record the acknowledgement in", true,
                         [&]() -> std::optional<Acknowledgement> {
                           Connection& c = *state_->connection;
                           Transaction transaction(c, Transaction::Kind::immediate);
                           Statement exists(c, "SELECT 1 FROM flags WHERE id = ?");
                           exists.bind(1, flag);
                           if (!exists.step()) {
                             diagnostics.error({}, "unknown-flag",
                                               "no flag " + std::to_string(flag) + " in " + quoted(c.path()) +
                                                   ": 'waymark history --db " + c.path() +
                                                   " --pupil ID' lists a pupil's flags with their numbers");
                             return std::nullopt;
                           }
                           exists.reset();
                           ChainWriter chain(c);
                           Acknowledgement a;
                           a.flag = flag;
                           a.by = by;
                           a.note = note;
                           a.at = now_utc();
                           const auto& acks = detail::chained_table("acks");
                           Statement insert(c, detail::insert_sql(acks));
                           std::vector<SqlValue> row{SqlValue(), SqlValue(flag), SqlValue(by), SqlValue(note),
                                                     SqlValue(a.at)};
                           a.id = chain.insert(acks, insert, row);
                           chain.finish();
                           transaction.commit();
                           warn_if_broken(chain, state_->path, diagnostics);
                           return a;
                         });
}

}  // namespace waymark::store
