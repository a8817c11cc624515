#include "case_building.hpp"

#include <algorithm>
#include <cstring>

namespace waymark::engine::detail {

std::optional<std::size_t> attribute_index(const dsl::Vocabulary& vocabulary, std::string_view name) {
  const auto& attributes = vocabulary.pupil_attributes();
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == name && name != "age") return i;
  }
  return std::nullopt;
}

std::vector<std::string> pupil_keys(const dsl::Vocabulary& vocabulary) {
  std::vector<std::string> keys;
  for (const dsl::FieldSpec& f : vocabulary.pupil_attributes()) {
    if (f.name != "age") keys.push_back(f.name);
  }
  keys.emplace_back("upn");
  keys.emplace_back("name");
  return keys;
}

std::string with_article(const std::string& kind) {
  const bool vowel = !kind.empty() && std::strchr("aeiou", kind[0]) != nullptr;
  return (vowel ? "an " : "a ") + kind;
}

std::string missing_field_message(const dsl::KindSpec& kind, const dsl::FieldSpec& field) {
  if (field.name == "id") return "this " + kind.name + " needs an 'id', unique among the pupil's records";
  return "this " + kind.name + " needs '" + field.name + "' (" + std::string(dsl::field_type_name(field.type)) +
         (field.type == dsl::FieldType::date ? ", YYYY-MM-DD" : "") + ")";
}

std::string wrong_shape_field_message(const dsl::KindSpec& kind, std::string_view field) {
  if (kind.shape == dsl::KindShape::event && (field == "start" || field == "end")) {
    return with_article(kind.name) + " is an event: it has a 'date', not '" + std::string(field) + "'";
  }
  if (kind.shape == dsl::KindShape::episode && field == "date") {
    return with_article(kind.name) + " is an episode: it has 'start' and an optional 'end', not 'date'";
  }
  return {};
}

std::string unknown_field_message(const dsl::KindSpec& kind, const std::string& field) {
  // The key is not repeated: it may be a name or a value written where a key belongs (issue 10.3).
  std::string message = with_article(kind.name) + " has no field of this name";
  const std::string hint = dsl::did_you_mean(field, kind.field_names());
  if (!hint.empty()) return message + hint;
  std::string list;
  for (const dsl::FieldSpec& f : kind.fields) {
    // `about` is on every kind (case-records.md §2.1); the list names the kind's own fields, as in v1.
    if (f.name == dsl::about_field_name) continue;
    list += (list.empty() ? "" : ", ") + f.name;
  }
  return message + " (its fields: " + list + ")";
}

std::optional<std::size_t> about_index(const dsl::KindSpec& kind) {
  const dsl::FieldSpec* f = kind.field(dsl::about_field_name);
  if (f == nullptr || f->type != dsl::FieldType::string) return std::nullopt;
  return static_cast<std::size_t>(f - kind.fields.data());
}

bool check_about_links(const Pupil& pupil, const std::vector<AboutLink>& links, dsl::Diagnostics& diagnostics) {
  if (links.empty()) return true;
  std::vector<std::string_view> ids;
  ids.reserve(pupil.records.size());
  for (const Record& r : pupil.records) ids.push_back(r.id());
  std::sort(ids.begin(), ids.end());
  bool ok = true;
  // Ids are not personal data (case-records.md §1), so messages may name them; nothing else is printed.
  for (const AboutLink& link : links) {
    if (link.about == link.record) {
      diagnostics.error(link.at, "about-itself",
                        pupil.id() + ": record " + link.record + " is about itself; 'about' names another record of the "
                                                                  "pupil (the suspension a notification reports, ...)");
      ok = false;
    } else if (!std::binary_search(ids.begin(), ids.end(), std::string_view(link.about))) {
      diagnostics.error(link.at, "unknown-record",
                        pupil.id() + ": record " + link.record + " is about '" + link.about + "', but the pupil has no record " +
                            link.about + "; give the id of one of this pupil's records, or remove 'about'");
      ok = false;
    }
  }
  return ok;
}

bool join_runs(std::vector<MarksRun>& runs, AttendanceMarks& marks, dsl::Diagnostics& diagnostics) {
  runs.erase(std::remove_if(runs.begin(), runs.end(), [](const MarksRun& r) { return r.sessions.empty(); }),
             runs.end());
  if (runs.empty()) return true;
  std::stable_sort(runs.begin(), runs.end(), [](const MarksRun& a, const MarksRun& b) { return a.from < b.from; });
  bool ok = true;
  const auto last_of = [](const MarksRun& r) {
    return r.from.plus_days(static_cast<std::int32_t>(r.sessions.size() / 2) - 1);
  };
  dsl::Date first = runs.front().from;
  dsl::Date last = last_of(runs.front());
  std::size_t latest = 0;  // the run that reaches furthest so far
  for (std::size_t i = 1; i < runs.size(); ++i) {
    if (runs[i].from <= last) {
      ok = false;
      diagnostics.error(runs[i].at, "overlapping-marks",
                        "these marks (from " + runs[i].from.iso() + ") overlap the run from " +
                            runs[latest].from.iso() + ", which runs to " + last.iso() +
                            ": record each day once");
    }
    if (last_of(runs[i]) > last) {
      last = last_of(runs[i]);
      latest = i;
    }
  }
  if (!ok) return false;
  if (dsl::days_between(first, last) >= max_marks_days) {
    diagnostics.error(runs.back().at, "marks-span",
                      "this pupil's marks span from " + first.iso() + " to " + last.iso() +
                          ", more than 20 years: check the dates");
    return false;
  }
  marks.first = first;
  marks.sessions.assign(static_cast<std::size_t>(2 * (dsl::days_between(first, last) + 1)), not_recorded);
  for (const MarksRun& r : runs) {
    std::copy(r.sessions.begin(), r.sessions.end(),
              marks.sessions.begin() + 2 * static_cast<std::ptrdiff_t>(dsl::days_between(first, r.from)));
  }
  return true;
}

}  // namespace waymark::engine::detail
