#include "waymark/engine/pupil.hpp"

#include <algorithm>

#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/upn.hpp"

namespace waymark::engine {

const Pupil* Caseload::find(std::string_view id) const {
  const auto at = std::lower_bound(pupils.begin(), pupils.end(), id,
                                   [](const Pupil& p, std::string_view key) { return p.id() < key; });
  return at != pupils.end() && at->id() == id ? &*at : nullptr;
}

PupilLayout PupilLayout::of(const dsl::Vocabulary& vocabulary) {
  PupilLayout layout;
  const auto& attributes = vocabulary.pupil_attributes();
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == "id") layout.id = i;
    if (attributes[i].name == "age") layout.age = i;
    if (attributes[i].name == "dob" && attributes[i].type == dsl::FieldType::date) layout.dob = i;
    if (attributes[i].name == "year_group" && attributes[i].type == dsl::FieldType::number) layout.year_group = i;
  }
  return layout;
}

std::int64_t age_on(dsl::Date dob, dsl::Date as_of) {
  std::int64_t years = as_of.year() - dob.year();
  // Before this year's birthday: one less. Comparing (month, day) puts a 29 February birthday on 1 March.
  if (as_of.month() < dob.month() || (as_of.month() == dob.month() && as_of.day() < dob.day())) --years;
  return years;
}

std::int64_t year_group_on(dsl::Date dob, dsl::Date as_of) {
  // case-records.md §2: born in the academic year starting Y, Year N in the year starting Y+5+N.
  return static_cast<std::int64_t>(as_of.academic_year_start()) - dob.academic_year_start() - 5;
}

Pupil new_pupil(const dsl::Vocabulary& vocabulary, std::string id) {
  Pupil p;
  const auto& attributes = vocabulary.pupil_attributes();
  p.attributes.reserve(attributes.size());
  for (const dsl::FieldSpec& spec : attributes) p.attributes.push_back(default_value(spec));
  p.attributes[0] = std::move(id);
  p.attributes[1] = std::monostate{};  // age: derived at the as-of date
  return p;
}

std::span<const Record> records_at(const Pupil& pupil, dsl::Date as_of) {
  // Records are sorted by anchor, so those that exist on as_of are a prefix.
  const auto end = std::upper_bound(pupil.records.begin(), pupil.records.end(), as_of,
                                    [](dsl::Date d, const Record& r) { return d < r.anchor(); });
  return {pupil.records.data(), static_cast<std::size_t>(end - pupil.records.begin())};
}

FieldValue attribute_at(const Pupil& pupil, std::size_t index, dsl::Date as_of, const PupilLayout& layout) {
  if (index >= pupil.attributes.size()) return std::monostate{};
  std::optional<dsl::Date> dob;
  if (layout.dob) dob = date_at(pupil.attributes[*layout.dob], as_of);
  if (index == layout.age) {
    if (!dob) return std::monostate{};
    return dsl::Rational(age_on(*dob, as_of));
  }
  if (layout.year_group && index == *layout.year_group && is_none(pupil.attributes[index])) {
    if (!dob) return std::monostate{};
    return dsl::Rational(year_group_on(*dob, as_of));
  }
  return value_at(pupil.attributes[index], as_of);
}

Pupil truncated(const Pupil& pupil, dsl::Date as_of) {
  Pupil out;
  out.attributes.reserve(pupil.attributes.size());
  for (const FieldValue& v : pupil.attributes) out.attributes.push_back(value_at(v, as_of));
  out.upn = pupil.upn;
  out.name = pupil.name;
  out.origin = pupil.origin;
  for (const Record& r : records_at(pupil, as_of)) {
    Record copy;
    copy.kind = r.kind;
    copy.shape = r.shape;
    copy.origin = r.origin;
    copy.fields.reserve(r.fields.size());
    for (const FieldValue& v : r.fields) copy.fields.push_back(value_at(v, as_of));
    out.records.push_back(std::move(copy));
  }
  out.attendance.first = pupil.attendance.first;
  if (!pupil.attendance.empty() && pupil.attendance.first <= as_of) {
    const std::size_t days = static_cast<std::size_t>(
        std::min(dsl::days_between(pupil.attendance.first, as_of) + 1,
                 static_cast<std::int32_t>(pupil.attendance.sessions.size() / 2)));
    out.attendance.sessions.assign(pupil.attendance.sessions.begin(),
                                   pupil.attendance.sessions.begin() + static_cast<std::ptrdiff_t>(2 * days));
  }
  return out;
}

Pupil redacted(const Pupil& pupil) {
  Pupil out = pupil;
  out.name.reset();
  if (out.upn) out.upn = redact_upn(*out.upn);
  return out;
}

}  // namespace waymark::engine
