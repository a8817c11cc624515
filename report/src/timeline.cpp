// The pupil timeline as inline SVG (timeline.hpp). Every mark has a word or a number beside it and a
// <title> for hover, and fills are greys with black outlines, so the timeline survives a black and
// white printer; colour is never the only carrier of meaning (WCAG 1.4.1).

#include "waymark/report/timeline.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <sstream>

#include "waymark/engine/attendance.hpp"
#include "waymark/report/html.hpp"

namespace waymark::report {

namespace {

// Coordinates with at most one decimal, so that the output is short and stable across platforms.
std::string num(const double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  std::string s = buffer;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

dsl::Date first_of_month(const dsl::Date d) { return *dsl::Date::from_ymd(d.year(), d.month(), 1); }
dsl::Date last_of_month(const dsl::Date d) { return first_of_month(d).plus_months(1).plus_days(-1); }

// The words of the England vocabulary's kinds; an LA's own kinds read as their names with spaces.
std::string kind_words(const std::string& kind) {
  static const std::map<std::string, std::string> words = {
      {"suspension", "Suspension"},
      {"permanent_exclusion", "Permanent exclusion"},
      {"reintegration_meeting", "Reintegration meeting"},
      {"reduced_timetable", "Part-time timetable"},
      {"tier", "Tier"},
      {"support_plan", "Support plan"},
      {"ehc_needs_assessment", "EHC needs assessment"},
      {"ehc_plan", "EHC plan"},
      {"alternative_provision", "Alternative provision"},
      {"managed_move", "Managed move"},
      {"intervention", "Intervention"},
      {"incident", "Incident"},
      {"referral", "Referral"},
      {"meeting", "Meeting"},
      {"notification", "Notification"},
      {"assessment", "Assessment"},
  };
  if (const auto it = words.find(kind); it != words.end()) return it->second;
  std::string out = kind;
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// The value of a record's field by name, as written (numbers in decimals, enums by their value).
std::optional<std::string> field_text(const engine::Record& record, const dsl::KindSpec& kind, const std::string& name) {
  for (std::size_t i = 0; i < kind.fields.size() && i < record.fields.size(); ++i) {
    if (kind.fields[i].name != name) continue;
    const engine::FieldValue& v = record.fields[i];
    if (const auto* r = std::get_if<dsl::Rational>(&v)) return r->decimal(2);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* e = std::get_if<engine::EnumValue>(&v); e && e->index < kind.fields[i].values.size()) {
      std::string word = kind.fields[i].values[e->index];
      std::replace(word.begin(), word.end(), '_', ' ');
      return word;
    }
  }
  return std::nullopt;
}

bool is_year_date(const std::string& text, std::size_t at) {
  if (at + 10 > text.size()) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    const char c = text[at + i];
    if ((i == 4 || i == 7) ? c != '-' : !std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The latest ISO date before `as_of` in the facts (the as-of date itself closes every window, so it
// says nothing about when the breach happened) of the conditions that held.
void latest_fact_date(const engine::ExplanationNode& node, const dsl::Date as_of, std::optional<dsl::Date>& latest) {
  if (!node.result.yes()) return;
  for (const std::string& fact : node.facts) {
    for (std::size_t at = fact.find('-'); at != std::string::npos; at = fact.find('-', at + 1)) {
      if (at < 4 || !is_year_date(fact, at - 4)) continue;
      const std::optional<dsl::Date> d = dsl::Date::parse_iso(std::string_view(fact).substr(at - 4, 10));
      if (d && *d < as_of && (!latest || *d > *latest)) latest = d;
    }
  }
  for (const engine::ExplanationNode& child : node.children) latest_fact_date(child, as_of, latest);
}

// Labels placed left to right in rows, a label going to the first row where it does not overlap the
// one before it, so that dense weeks stay readable (at most `rows` rows; the last row then overlaps).
struct LabelRows {
  std::vector<double> ends;
  explicit LabelRows(std::size_t rows) : ends(rows, -1e9) {}
  std::size_t place(const double from, const double to) {
    for (std::size_t r = 0; r < ends.size(); ++r) {
      if (from > ends[r] + 4) {
        ends[r] = to;
        return r;
      }
    }
    ends.back() = std::max(ends.back(), to);
    return ends.size() - 1;
  }
  std::size_t used() const {
    return static_cast<std::size_t>(std::count_if(ends.begin(), ends.end(), [](double e) { return e > -1e9; }));
  }
};

// An estimate of a label's width at the timeline's 11px text (about 6px per character).
double text_width(const std::string& text) { return 6.0 * static_cast<double>(text.size()); }

}  // namespace

double TimelineScale::x(const dsl::Date date) const {
  const double span = std::max(1, dsl::days_between(window.from, window.to));
  const double days = std::clamp(static_cast<double>(dsl::days_between(window.from, date)), 0.0, span);
  return left + days / span * width;
}

std::string record_label(const engine::Record& record, const dsl::Vocabulary& vocabulary) {
  const dsl::KindSpec& kind = vocabulary.kinds()[record.kind];
  if (kind.name == "tier") {
    if (const auto level = field_text(record, kind, "level")) return "Tier " + *level + " (" + record.id() + ")";
  }
  std::string label = kind_words(kind.name) + " " + record.id();
  if (kind.name == "suspension") {
    if (const auto days = field_text(record, kind, "days")) label += ", " + *days + (*days == "1" ? " day" : " days");
  } else if (kind.name == "meeting" || kind.name == "support_plan") {
    if (const auto type = field_text(record, kind, "type")) label += ", " + *type;
  } else if (kind.name == "referral") {
    if (const auto service = field_text(record, kind, "service")) label += ", " + *service;
  } else if (kind.name == "notification") {
    if (const auto to = field_text(record, kind, "to")) label += " to " + *to;
  } else if (kind.name == "intervention") {
    if (const auto name = field_text(record, kind, "name")) label += ", " + *name;
  }
  return label;
}

dsl::Date flag_date(const engine::Flag& flag, const engine::Pupil& pupil, const dsl::Date as_of) {
  std::optional<dsl::Date> latest;
  if (flag.explanation.when) latest_fact_date(*flag.explanation.when, as_of, latest);
  if (latest) return *latest;
  if (!flag.evidence.empty()) {
    for (const engine::Record& r : engine::records_at(pupil, as_of)) {
      if (r.id() == flag.evidence.front()) return r.anchor();
    }
  }
  return as_of;
}

engine::DateWindow timeline_window(const engine::PupilResult& result, const engine::Pupil& pupil,
                                   const dsl::Date as_of, const dsl::Vocabulary& vocabulary) {
  (void)vocabulary;
  const engine::DateWindow year = engine::academic_year_of(as_of);
  dsl::Date earliest = as_of;
  for (const engine::Record& r : engine::records_at(pupil, as_of)) {
    const std::optional<dsl::Date> end = engine::end_at(r, as_of);
    if (end && *end < year.from) continue;
    if (r.shape == dsl::KindShape::event && r.anchor() < year.from) continue;
    earliest = std::min(earliest, std::max(r.anchor(), year.from));
  }
  for (const engine::Flag& f : result.flags) earliest = std::min(earliest, std::max(flag_date(f, pupil, as_of), year.from));
  if (!pupil.attendance.empty() && pupil.attendance.first <= as_of) {
    earliest = std::min(earliest, std::max(pupil.attendance.first, year.from));
  }
  dsl::Date latest = as_of.plus_days(7);
  for (const engine::DueEntry& d : result.due) {
    if (d.deadline && *d.deadline > latest && dsl::days_between(as_of, *d.deadline) <= 13 * 7) latest = *d.deadline;
  }
  return {first_of_month(earliest), last_of_month(latest)};
}

std::string timeline_svg(const engine::PupilResult& result, const engine::Pupil& pupil, const dsl::Date as_of,
                         const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                         const std::string& id_prefix) {
  const TimelineScale t{timeline_window(result, pupil, as_of, vocabulary)};
  const double right = t.left + t.width;
  std::vector<const engine::Record*> episodes;
  std::vector<const engine::Record*> events;
  for (const engine::Record& r : engine::records_at(pupil, as_of)) {
    const std::optional<dsl::Date> end = engine::end_at(r, as_of);
    if (r.shape == dsl::KindShape::episode ? (end && *end < t.window.from) : r.anchor() < t.window.from) continue;
    (r.shape == dsl::KindShape::episode ? episodes : events).push_back(&r);
  }

  // Lanes from the top: legend 0-22, terms 28-42, month labels at 56, absence 66-106, episodes (22
  // each), events (a row of marks, then rows of labels), flags (rows of numbered circles).
  const double absence_top = 66;
  const double absence_height = 40;
  const double episodes_top = absence_top + absence_height + 12;
  const double lane = 22;
  const double events_top = episodes_top + lane * static_cast<double>(episodes.size()) + 6;

  std::ostringstream body;
  // Terms and their names, as pale bands with outlines.
  for (const engine::CalendarYear& y : calendar.years()) {
    for (const engine::Term& term : y.terms) {
      if (term.dates.to < t.window.from || term.dates.from > t.window.to) continue;
      const double a = t.x(term.dates.from);
      const double b = t.x(term.dates.to.plus_days(1));
      body << "<rect x=\"" << num(a) << "\" y=\"28\" width=\"" << num(b - a)
           << "\" height=\"14\" fill=\"#f3f2f1\" stroke=\"#505a5f\" stroke-width=\"0.5\"/><text x=\"" << num(a + 3)
           << "\" y=\"39\">" << escape_html(term.name) << "</text>";
    }
  }
  // Month ticks on the first of each month, with the year on the first tick and in January.
  for (dsl::Date m = first_of_month(t.window.from); m <= t.window.to; m = m.plus_months(1)) {
    const double x = t.x(m);
    static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string label = names[m.month() - 1];
    if (m == first_of_month(t.window.from) || m.month() == 1) label += " " + std::to_string(m.year());
    body << "<line class=\"tick\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"44\" y2=\"" << "@BOTTOM@"
         << "\" stroke=\"#b1b4b6\" stroke-width=\"0.5\"/><text x=\"" << num(x + 2) << "\" y=\"56\">" << label << "</text>";
  }
  // Absence by week: the share of possible sessions missed, as a bar rising from the baseline, with the
  // 10% line of persistent absence for comparison.
  body << "<text x=\"4\" y=\"" << num(absence_top + 24) << "\">Absence by week</text>";
  const engine::AttendanceCodes codes(vocabulary);
  const double baseline = absence_top + absence_height;
  dsl::Date monday = t.window.from.plus_days(-t.window.from.weekday());
  for (; monday <= t.window.to && monday <= as_of; monday = monday.plus_days(7)) {
    const engine::AttendanceCounts c = engine::count_sessions(pupil.attendance, codes, monday, monday.plus_days(6), as_of);
    if (c.possible == 0) continue;
    const double missed = static_cast<double>(c.absent) / static_cast<double>(c.possible);
    const double h = std::max(1.0, absence_height * missed);
    const double a = t.x(std::max(monday, t.window.from));
    const double b = t.x(std::min(monday.plus_days(5), t.window.to));
    body << "<rect class=\"absence\" x=\"" << num(a) << "\" y=\"" << num(baseline - h) << "\" width=\""
         << num(std::max(1.0, b - a - 1)) << "\" height=\"" << num(h) << "\" fill=\"#505a5f\"><title>Week of "
         << long_date(monday) << ": " << c.absent << " of " << c.possible << " sessions missed</title></rect>";
  }
  const double ten = baseline - absence_height * 0.1;
  body << "<line x1=\"" << num(t.left) << "\" x2=\"" << num(right) << "\" y1=\"" << num(baseline) << "\" y2=\""
       << num(baseline) << "\" stroke=\"#0b0c0c\" stroke-width=\"0.5\"/><line x1=\"" << num(t.left) << "\" x2=\""
       << num(right) << "\" y1=\"" << num(ten) << "\" y2=\"" << num(ten)
       << "\" stroke=\"#0b0c0c\" stroke-width=\"0.5\" stroke-dasharray=\"2 3\"/><text x=\"" << num(right + 2)
       << "\" y=\"" << num(ten + 4) << "\">10%</text>";

  // Episodes, one lane each: a grey bar with a black outline from start to end (or to the as-of date,
  // open-ended, while ongoing), labelled in words.
  double y = episodes_top;
  for (const engine::Record* r : episodes) {
    const std::optional<dsl::Date> end = engine::end_at(*r, as_of);
    const double a = t.x(r->anchor());
    const double b = t.x((end ? *end : as_of).plus_days(1));
    const std::string label = record_label(*r, vocabulary);
    const std::string when = "from " + long_date(r->anchor()) + (end ? " to " + long_date(*end) : ", ongoing");
    body << "<g class=\"episode\"><title>" << escape_html(label + ", " + when) << "</title><rect x=\"" << num(a)
         << "\" y=\"" << num(y + 3) << "\" width=\"" << num(std::max(3.0, b - a)) << "\" height=\"16\" fill=\"#dee0e2\" stroke=\"#0b0c0c\""
         << (end ? "" : " stroke-dasharray=\"6 2\"") << "/><text x=\"" << num(a + 4) << "\" y=\"" << num(y + 15)
         << "\">" << escape_html(label) << (end ? "" : " (ongoing)") << "</text></g>";
    y += lane;
  }

  // Events: a diamond on the line, the label in the first free row beneath.
  LabelRows event_rows(3);
  std::ostringstream event_marks;
  for (const engine::Record* r : events) {
    const double x = t.x(r->anchor());
    const std::string label = record_label(*r, vocabulary);
    const std::size_t row = event_rows.place(x - 3, x - 3 + text_width(label));
    const double label_y = events_top + 30 + 13 * static_cast<double>(row);
    event_marks << "<g class=\"event\"><title>" << escape_html(label + " on " + long_date(r->anchor()))
                << "</title><path d=\"M" << num(x) << " " << num(events_top + 4) << " l5 6 l-5 6 l-5 -6 z\" fill=\"#0b0c0c\"/>"
                << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(events_top + 16) << "\" y2=\""
                << num(label_y - 9) << "\" stroke=\"#0b0c0c\" stroke-width=\"0.5\"/><text x=\"" << num(x - 3)
                << "\" y=\"" << num(label_y) << "\">" << escape_html(label) << "</text></g>";
  }
  const double events_height = events.empty() ? 20 : 22 + 13 * static_cast<double>(event_rows.used()) + 6;
  if (!events.empty()) body << "<text x=\"4\" y=\"" << num(events_top + 14) << "\">Events</text>";
  body << event_marks.str();

  // Flags: numbered circles (the numbers of the list beside the timeline) where the breach happened.
  const double flags_top = events_top + events_height;
  LabelRows flag_rows(4);
  std::ostringstream flag_marks;
  for (std::size_t i = 0; i < result.flags.size(); ++i) {
    const engine::Flag& f = result.flags[i];
    const dsl::Date at = flag_date(f, pupil, as_of);
    const double x = t.x(at);
    const std::size_t row = flag_rows.place(x - 9, x + 9);
    const double cy = flags_top + 10 + 22 * static_cast<double>(row);
    flag_marks << "<g class=\"flag\"><title>" << escape_html("Flag " + std::to_string(i + 1) + ": " + f.title + " (" +
                                                          engine::severity_name(f.severity) + "), " + long_date(at))
               << "</title><circle cx=\"" << num(x) << "\" cy=\"" << num(cy) << "\" r=\"9\" fill=\"#ffffff\" stroke=\"#0b0c0c\" stroke-width=\"1.5\"/>"
               << "<text x=\"" << num(x) << "\" y=\"" << num(cy + 4) << "\" text-anchor=\"middle\" font-weight=\"bold\">"
               << i + 1 << "</text></g>";
  }
  const double flags_height = result.flags.empty() ? 0 : 22 * static_cast<double>(flag_rows.used()) + 4;
  if (!result.flags.empty()) body << "<text x=\"4\" y=\"" << num(flags_top + 14) << "\">Flags</text>";
  body << flag_marks.str();
  const double bottom = flags_top + flags_height + 4;

  // Due deadlines ahead of the as-of date: a dashed line and the date; beyond the window, an arrow.
  std::map<dsl::Date, std::vector<std::string>> due_by_date;
  for (const engine::DueEntry& d : result.due) {
    if (d.deadline) due_by_date[*d.deadline].push_back(d.title);
  }
  for (const auto& [deadline, titles] : due_by_date) {
    const bool beyond = deadline > t.window.to;
    const double x = beyond ? right : t.x(deadline);
    std::string title = "Due by " + long_date(deadline) + ":";
    for (const std::string& s : titles) title += " " + s + ";";
    title.pop_back();
    body << "<g class=\"due\"><title>" << escape_html(title) << "</title><line x1=\"" << num(x) << "\" x2=\"" << num(x)
         << "\" y1=\"44\" y2=\"" << num(bottom) << "\" stroke=\"#0b0c0c\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
         << "<text x=\"" << num(x - 3) << "\" y=\"" << num(absence_top + 10) << "\" text-anchor=\"end\">due "
         << short_date(deadline) << (beyond ? " \u2192" : "") << "</text></g>";
  }
  // The as-of date: a solid line across every lane.
  const double now = t.x(as_of);
  body << "<line class=\"as-of\" x1=\"" << num(now) << "\" x2=\"" << num(now) << "\" y1=\"24\" y2=\"" << num(bottom)
       << "\" stroke=\"#0b0c0c\" stroke-width=\"2\"/><text x=\"" << num(now + 3) << "\" y=\"" << num(absence_top - 1)
       << "\" font-weight=\"bold\">as of " << short_date(as_of) << "</text>";

  // The legend, one row at the top, in shapes and words.
  std::ostringstream legend;
  legend << "<g class=\"legend\"><rect x=\"4\" y=\"6\" width=\"8\" height=\"12\" fill=\"#505a5f\"/><text x=\"16\" y=\"16\">absence (share of week)</text>"
         << "<rect x=\"170\" y=\"7\" width=\"22\" height=\"10\" fill=\"#dee0e2\" stroke=\"#0b0c0c\"/><text x=\"196\" y=\"16\">episode</text>"
         << "<rect x=\"250\" y=\"7\" width=\"22\" height=\"10\" fill=\"#dee0e2\" stroke=\"#0b0c0c\" stroke-dasharray=\"6 2\"/><text x=\"276\" y=\"16\">ongoing</text>"
         << "<path d=\"M340 6 l5 6 l-5 6 l-5 -6 z\" fill=\"#0b0c0c\"/><text x=\"350\" y=\"16\">event</text>"
         << "<circle cx=\"402\" cy=\"12\" r=\"7\" fill=\"#ffffff\" stroke=\"#0b0c0c\" stroke-width=\"1.5\"/><text x=\"402\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">1</text>"
         << "<text x=\"414\" y=\"16\">flag (number in the list)</text>"
         << "<line x1=\"566\" x2=\"566\" y1=\"4\" y2=\"20\" stroke=\"#0b0c0c\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/><text x=\"572\" y=\"16\">due deadline</text>"
         << "<line x1=\"660\" x2=\"660\" y1=\"4\" y2=\"20\" stroke=\"#0b0c0c\" stroke-width=\"2\"/><text x=\"666\" y=\"16\">as-of date</text></g>";

  std::string lines = body.str();
  const std::string bottom_text = num(bottom);
  for (std::size_t at = lines.find("@BOTTOM@"); at != std::string::npos; at = lines.find("@BOTTOM@", at)) {
    lines.replace(at, 8, bottom_text);
  }
  std::ostringstream svg;
  const std::string id = escape_html(id_prefix);
  svg << "<svg class=\"timeline\" viewBox=\"0 0 " << num(right + 30) << " "
      << num(bottom + 4) << "\" width=\"100%\" role=\"img\" aria-labelledby=\"" << id << "-title " << id << "-desc\" "
      << "font-family=\"Arial, sans-serif\" font-size=\"11\" fill=\"#0b0c0c\"><title id=\"" << id << "-title\">Timeline from "
      << long_date(t.window.from) << " to " << long_date(t.window.to) << "</title><desc id=\"" << id << "-desc\">"
      << episodes.size() << (episodes.size() == 1 ? " episode, " : " episodes, ") << events.size()
      << (events.size() == 1 ? " event, " : " events, ") << result.flags.size()
      << (result.flags.size() == 1 ? " flag" : " flags") << " and " << result.due.size()
      << (result.due.size() == 1 ? " deadline" : " deadlines") << " due; the same facts are listed below the timeline.</desc>"
      << legend.str() << lines << "</svg>";
  return svg.str();
}

}  // namespace waymark::report
