// Store::acknowledgement_log: the auditor's log of every acknowledgement (issue 12), newest first,
// each with the flag it acknowledged. One indexed join; the flag's row gives pupil, rule and run.

#include "store_state.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

using detail::Statement;

std::optional<std::vector<LoggedAcknowledgement>> Store::acknowledgement_log(dsl::Diagnostics& diagnostics,
                                                                             const std::size_t limit) {
  return detail::guarded(*state_, diagnostics, "read the acknowledgements from", false,
                         [&]() -> std::optional<std::vector<LoggedAcknowledgement>> {
                           Statement s(*state_->connection,
                                       "SELECT a.id, a.flag_id, a.acknowledged_by, a.note, a.acknowledged_at, "
                                       "f.pupil_id, f.rule, f.title, f.run_id FROM acks a JOIN flags f ON f.id = a.flag_id "
                                       "ORDER BY a.id DESC LIMIT ?");
                           s.bind(1, static_cast<std::int64_t>(limit));
                           std::vector<LoggedAcknowledgement> out;
                           while (s.step()) {
                             LoggedAcknowledgement e;
                             e.acknowledgement = {s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4)};
                             e.pupil = s.text(5);
                             e.rule = s.text(6);
                             e.title = s.text(7);
                             e.run = s.integer(8);
                             out.push_back(std::move(e));
                           }
                           return out;
                         });
}

}  // namespace waymark::store
