#pragma once
// The pupil timeline (issue 12): one pupil's academic year to date as inline SVG, shared by the CLI's
// HTML report (`run --format html`) and the server's pupil page. A pure function of the pupil's result,
// records and calendar: same inputs, same bytes. Readable in black and white (shapes and words carry
// the meaning, never colour alone).

#include <string>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"

namespace waymark::report {

/// The drawing area: dates from `window.from` to `window.to` map linearly onto [left, left + width].
struct TimelineScale {
  engine::DateWindow window;
  double left = 120;   // room for the lane names
  double width = 820;  // the plotted span; the SVG is left + width + 20 wide
  /// The x coordinate of a date's start (dates outside the window are clamped to its edges).
  double x(dsl::Date date) const;
};

/// The dates the timeline shows: from the first of the month of the earliest thing that matters this
/// academic year (an episode, event, flag or recorded attendance, never before 1 September) to the end
/// of the month holding the later of a week after `as_of` and the last due deadline within 13 weeks.
engine::DateWindow timeline_window(const engine::PupilResult& result, const engine::Pupil& pupil, dsl::Date as_of,
                                   const dsl::Vocabulary& vocabulary);

/// A record in words: "Suspension S-2, 3 days", "Part-time timetable RT-1", "Tier 2 (T-1)".
std::string record_label(const engine::Record& record, const dsl::Vocabulary& vocabulary);

/// Where a flag's breach happened: the latest date before `as_of` named in the conditions that
/// held (a missed deadline, the day a record started), else its first evidence record's date, else `as_of`.
dsl::Date flag_date(const engine::Flag& flag, const engine::Pupil& pupil, dsl::Date as_of);

/// The timeline as an `<svg>` element: a legend, terms and month ticks, absence by week, one lane per
/// episode, events, the flags numbered 1..n in the order of `result.flags` (to match the list beside
/// it), due deadlines ahead of `as_of` dashed, and the as-of line. `id_prefix` keeps element ids
/// unique when several timelines share one page.
std::string timeline_svg(const engine::PupilResult& result, const engine::Pupil& pupil, dsl::Date as_of,
                         const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                         const std::string& id_prefix = "timeline");

}  // namespace waymark::report
