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
using detail::FlagReader;
using detail::quoted;
using detail::warn_if_broken;

namespace detail {

FlagReader::FlagReader(Connection& connection)
    : unpacker_(connection), packed_column_(schema_version(connection) >= 4) {}

std::string FlagReader::select(std::string_view where) const {
  return std::string("SELECT id, run_id, pupil_id, position, rule, title, category, severity, tier, evidence, actions, "
                     "notify, cite, explanation, ") +
         (packed_column_ ? "packed" : "NULL") + ", bound_item FROM flags " + std::string(where);
}

bool FlagReader::read(const Statement& s, engine::Flag& f) {
  f.rule = s.text(4);
  f.title = s.text(5);
  f.category = s.text(6);
  const auto severity = detail::parse_severity(s.text(7));
  f.tier = s.optional_integer(8);
  auto evidence = detail::parse_strings(s.text(9));
  if (severity) f.severity = *severity;
  if (evidence) f.evidence = std::move(*evidence);
  if (!s.is_null(14)) {
    const auto texts = unpacker_.unpack(s.integer(1), s.view(14).bytes);
    return severity && evidence && texts && read_flag_texts(*texts, f);
  }
  auto actions = detail::parse_strings(s.text(10));
  auto notify = detail::parse_strings(s.text(11));
  f.cite = s.text(12);
  auto explanation = detail::parse_explanation(s.text(13));
  if (actions) f.actions = std::move(*actions);
  if (notify) f.notify = std::move(*notify);
  if (explanation) f.explanation = std::move(*explanation);
  return severity && evidence && actions && notify && explanation;
}

}  // namespace detail

// --- flags and acknowledgements -----------------------------------------------------------------

std::optional<StoredFlag> Store::load_flag(std::int64_t flag, dsl::Diagnostics& diagnostics) {
  return detail::guarded(*state_, diagnostics, "read a flag from", false, [&]() -> std::optional<StoredFlag> {
    Connection& c = *state_->connection;
    Transaction snapshot(c, Transaction::Kind::read);
    FlagReader reader(c);
    Statement s(c, reader.select("WHERE id = ?"));
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
    if (!reader.read(s, out.flag)) damaged(c.path(), "flag " + std::to_string(flag));
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
