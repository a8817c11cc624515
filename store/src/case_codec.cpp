#include "case_codec.hpp"

#include <charconv>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "json_text.hpp"

namespace waymark::store::detail {

namespace {

using nlohmann::json;

// A number exactly: a JSON integer when whole, else decimal text ("2.5") when that is exact, else "n/d".
json number_json(const dsl::Rational& r) {
  if (r.is_whole()) return r.numerator();
  std::int64_t d = r.denominator();
  int twos = 0;
  int fives = 0;
  while (d % 2 == 0) {
    d /= 2;
    ++twos;
  }
  while (d % 5 == 0) {
    d /= 5;
    ++fives;
  }
  if (d == 1 && r.numerator() > 0) {
    const int places = std::max(twos, fives);
    if (places <= 18) {
      std::string text = r.decimal(places);
      if (const auto back = dsl::Rational::parse_decimal(text); back && *back == r) return text;
    }
  }
  return std::to_string(r.numerator()) + "/" + std::to_string(r.denominator());
}

std::optional<dsl::Rational> parse_number(const FlatValue& j) {
  if (j.kind == FlatValue::Kind::integer) return dsl::Rational(j.integer);
  if (j.kind != FlatValue::Kind::string) return std::nullopt;
  const std::string& s = j.text;
  const auto slash = s.find('/');
  if (slash == std::string::npos) return dsl::Rational::parse_decimal(s);
  std::int64_t n = 0;
  std::int64_t d = 0;
  const auto a = std::from_chars(s.data(), s.data() + slash, n);
  const auto b = std::from_chars(s.data() + slash + 1, s.data() + s.size(), d);
  if (a.ec != std::errc() || a.ptr != s.data() + slash || b.ec != std::errc() || b.ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return dsl::Rational::fraction(n, d);
}

std::optional<engine::FieldValue> decode_value(FlatValue& j, const dsl::FieldSpec& spec) {
  switch (spec.type) {
    case dsl::FieldType::boolean:
      if (j.kind == FlatValue::Kind::boolean) return engine::FieldValue(j.boolean);
      return std::nullopt;
    case dsl::FieldType::number:
      if (auto n = parse_number(j)) return engine::FieldValue(*n);
      return std::nullopt;
    case dsl::FieldType::string:
      if (j.kind == FlatValue::Kind::string) return engine::FieldValue(std::move(j.text));
      return std::nullopt;
    case dsl::FieldType::date:
      if (j.kind != FlatValue::Kind::string) return std::nullopt;
      if (auto d = dsl::Date::parse_iso(j.text)) return engine::FieldValue(*d);
      return std::nullopt;
    case dsl::FieldType::enumeration: {
      if (j.kind != FlatValue::Kind::string) return std::nullopt;
      for (std::size_t i = 0; i < spec.values.size(); ++i) {
        if (spec.values[i] == j.text) return engine::FieldValue(engine::EnumValue{static_cast<std::uint32_t>(i)});
      }
      return std::nullopt;
    }
    case dsl::FieldType::date_list: {
      if (j.kind != FlatValue::Kind::strings) return std::nullopt;
      engine::DateList dates;
      dates.reserve(j.items.size());
      for (const std::string& item : j.items) {
        const auto d = dsl::Date::parse_iso(item);
        if (!d) return std::nullopt;
        dates.push_back(*d);
      }
      return engine::FieldValue(std::move(dates));
    }
  }
  return std::nullopt;
}

std::string dump(const json& j) {
  try {
    return j.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error&) {
    throw SqlError("invalid-text", "a pupil's case data holds text that is not valid UTF-8; save the files as UTF-8");
  }
}

std::optional<dsl::Date> date_field(const engine::FieldValue& v) {
  if (const auto* d = std::get_if<dsl::Date>(&v)) return *d;
  return std::nullopt;
}

}  // namespace

Digest pupil_digest(const StoredPupil& pupil) {
  Sha256 h;
  h.frame_text("waymark-pupil-v1");
  h.frame_text(pupil.id);
  h.frame_value(pupil.upn ? SqlValue(*pupil.upn) : SqlValue());
  h.frame_value(pupil.name ? SqlValue(*pupil.name) : SqlValue());
  h.frame_text(pupil.attributes);
  h.frame_value(pupil.marks_first ? SqlValue(*pupil.marks_first) : SqlValue());
  if (pupil.marks) {
    h.frame_blob(pupil.marks->data(), pupil.marks->size());
  } else {
    h.frame_null();
  }
  h.frame_integer(static_cast<std::int64_t>(pupil.records.size()));
  for (const StoredRecord& r : pupil.records) {
    h.frame_text(r.kind);
    h.frame_text(r.record_id);
    h.frame_text(r.anchor);
    h.frame_value(r.end_date ? SqlValue(*r.end_date) : SqlValue());
    h.frame_text(r.fields);
  }
  return h.finish();
}

namespace {

void put_number(std::string& out, const dsl::Rational& r) {
  const json j = number_json(r);
  if (j.is_number_integer()) {
    out += std::to_string(j.get<std::int64_t>());
  } else {
    put_json_string(out, j.get_ref<const std::string&>());
  }
}

// Appends a value as JSON; false when text in it is not UTF-8.
bool put_value(std::string& out, const engine::FieldValue& value, const dsl::FieldSpec& spec) {
  return std::visit(
      [&](const auto& v) -> bool {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, dsl::Rational>) {
          put_number(out, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return put_json_string(out, v);
        } else if constexpr (std::is_same_v<T, dsl::Date>) {
          put_json_string(out, v.iso());
        } else if constexpr (std::is_same_v<T, engine::EnumValue>) {
          if (v.index < spec.values.size()) return put_json_string(out, spec.values[v.index]);
          out += "null";
        } else {
          out += '[';
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) out += ',';
            put_json_string(out, v[i].iso());
          }
          out += ']';
        }
        return true;
      },
      value);
}

std::vector<std::size_t> by_name(const std::vector<dsl::FieldSpec>& fields) {
  std::vector<std::size_t> order(fields.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fields[a].name < fields[b].name; });
  return order;
}

[[noreturn]] void not_utf8() {
  throw SqlError("invalid-text", "a pupil's case data holds text that is not valid UTF-8; save the files as UTF-8");
}

}  // namespace

PupilEncoder::PupilEncoder(const dsl::Vocabulary& vocabulary)
    : vocabulary_(vocabulary), layout_(engine::PupilLayout::of(vocabulary)), attributes_(by_name(vocabulary.pupil_attributes())) {
  for (const dsl::KindSpec& k : vocabulary.kinds()) kinds_.push_back(by_name(k.fields));
}

StoredPupil PupilEncoder::encode(const engine::Pupil& pupil) const {
  StoredPupil out;
  out.id = pupil.id();
  out.upn = pupil.upn;
  out.name = pupil.name;
  if (!valid_utf8(out.id) || !valid_utf8(out.upn.value_or("")) || !valid_utf8(out.name.value_or(""))) not_utf8();
  const auto& attributes = vocabulary_.pupil_attributes();
  out.attributes = "{";
  for (const std::size_t i : attributes_) {
    if (i >= pupil.attributes.size() || i == layout_.id || i == layout_.age || engine::is_none(pupil.attributes[i])) {
      continue;
    }
    if (out.attributes.size() > 1) out.attributes += ',';
    put_json_string(out.attributes, attributes[i].name);
    out.attributes += ':';
    if (!put_value(out.attributes, pupil.attributes[i], attributes[i])) not_utf8();
  }
  out.attributes += '}';
  if (!pupil.attendance.empty()) {
    out.marks_first = pupil.attendance.first.iso();
    out.marks = pupil.attendance.sessions;
  }
  out.records.reserve(pupil.records.size());
  for (const engine::Record& r : pupil.records) {
    const dsl::KindSpec& spec = vocabulary_.kinds().at(r.kind);
    StoredRecord s;
    s.kind = spec.name;
    s.fields = "{";
    for (const std::size_t i : kinds_[r.kind]) {
      if (i >= r.fields.size()) continue;
      const dsl::FieldSpec& field = spec.fields[i];
      if (field.builtin && field.name == "id") {
        s.record_id = r.id();
        if (!valid_utf8(s.record_id)) not_utf8();
      } else if (field.builtin && (field.name == "date" || field.name == "start")) {
        s.anchor = r.anchor().iso();
      } else if (field.builtin && field.name == "end") {
        if (const auto end = date_field(r.fields[i])) s.end_date = end->iso();
      } else if (!engine::is_none(r.fields[i])) {
        if (s.fields.size() > 1) s.fields += ',';
        put_json_string(s.fields, field.name);
        s.fields += ':';
        if (!put_value(s.fields, r.fields[i], field)) not_utf8();
      }
    }
    s.fields += '}';
    out.records.push_back(std::move(s));
  }
  return out;
}

std::string attendance_codes_json(const dsl::Vocabulary& vocabulary) {
  json list = json::array();
  const auto& codes = vocabulary.attendance_codes();
  for (std::size_t i = 0; i < codes.size() && i < 255; ++i) list.push_back(codes[i].code);
  return dump(list);
}

PupilDecoder::PupilDecoder(const dsl::Vocabulary& vocabulary)
    : vocabulary_(vocabulary), codes_(vocabulary) {}

const PupilDecoder::Translation* PupilDecoder::translation(std::int64_t import_id, const std::string& codes,
                                                           std::string& problem) {
  if (const auto at = translations_.find(import_id); at != translations_.end()) return &at->second;
  const json list = json::parse(codes, nullptr, false);
  if (!list.is_array() || list.size() > 255) {
    problem = "the attendance code list of import " + std::to_string(import_id) + " is damaged";
    return nullptr;
  }
  Translation t;
  t.fill(-1);
  t[engine::not_recorded] = engine::not_recorded;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) continue;
    if (const auto b = codes_.find(list[i].get_ref<const std::string&>())) t[i] = *b;
  }
  return &translations_.emplace(import_id, t).first->second;
}

std::optional<engine::Pupil> PupilDecoder::decode(const StoredPupil& stored, std::int64_t import_id,
                                                  const std::string& codes, std::string& problem) {
  const std::string who = "pupil " + stored.id;
  // Built as the case loaders build a pupil (engine::new_pupil, new_record), then the stored values.
  engine::Pupil p = engine::new_pupil(vocabulary_, stored.id);
  const auto& attributes = vocabulary_.pupil_attributes();
  p.upn = stored.upn;
  p.name = stored.name;

  FlatObjectReader reader;
  std::string& name = key_;
  FlatValue& value = value_;
  const auto damaged = [&](const std::string& what) {
    problem = what;
    return std::nullopt;
  };
  if (!reader.start(stored.attributes)) return damaged(who + ": the stored attributes are damaged");
  while (reader.next(name, value)) {
    const dsl::FieldSpec* spec = vocabulary_.pupil_attribute(name);
    if (spec == nullptr || name == "age" || name == "id") {
      problem = who + " has the attribute '" + name + "', which this pack's vocabulary does not declare";
      return std::nullopt;
    }
    auto v = decode_value(value, *spec);
    if (!v) {
      problem = who + ": the stored attribute '" + name + "' is not a " + std::string(dsl::field_type_name(spec->type)) +
                " as this pack's vocabulary declares";
      return std::nullopt;
    }
    p.attributes[static_cast<std::size_t>(spec - attributes.data())] = std::move(*v);
  }
  if (reader.damaged()) return damaged(who + ": the stored attributes are damaged");

  p.records.reserve(stored.records.size());
  const auto& kinds = vocabulary_.kinds();
  for (const StoredRecord& s : stored.records) {
    const std::string where = who + ", record " + s.record_id;
    const std::optional<std::uint32_t> kind = engine::kind_index(vocabulary_, s.kind);
    if (!kind) {
      problem = where + ": this pack's vocabulary has no record kind '" + s.kind + "'";
      return std::nullopt;
    }
    const dsl::KindSpec& spec = kinds[*kind];
    engine::Record r = engine::new_record(vocabulary_, *kind);
    if (!reader.start(s.fields)) return damaged(where + ": the stored fields are damaged");
    std::vector<bool> present(spec.fields.size(), false);
    for (std::size_t i = 0; i < spec.fields.size(); ++i) {
      const dsl::FieldSpec& field = spec.fields[i];
      if (!field.builtin) continue;
      std::optional<dsl::Date> date;
      if (field.name == "id") {
        r.fields[i] = s.record_id;
        present[i] = true;
        continue;
      }
      if (field.name == "date" || field.name == "start") {
        date = dsl::Date::parse_iso(s.anchor);
        if (!date) {
          problem = where + ": the stored date is damaged";
          return std::nullopt;
        }
      } else if (field.name == "end" && s.end_date) {
        date = dsl::Date::parse_iso(*s.end_date);
        if (!date) {
          problem = where + ": the stored end date is damaged";
          return std::nullopt;
        }
      }
      if (date) {
        r.fields[i] = *date;
        present[i] = true;
      }
    }
    if (spec.shape == dsl::KindShape::event && s.end_date) {
      problem = where + ": a " + s.kind + " is an event in this pack's vocabulary, but it was stored with an end date";
      return std::nullopt;
    }
    while (reader.next(name, value)) {
      const dsl::FieldSpec* field = spec.field(name);
      if (field == nullptr || field->builtin) {
        problem = where + ": this pack's vocabulary gives a " + s.kind + " no field '" + name + "'";
        return std::nullopt;
      }
      auto v = decode_value(value, *field);
      if (!v) {
        problem = where + ": the stored field '" + name + "' is not a " + std::string(dsl::field_type_name(field->type)) +
                  " as this pack's vocabulary declares";
        return std::nullopt;
      }
      const auto index = static_cast<std::size_t>(field - spec.fields.data());
      r.fields[index] = std::move(*v);
      present[index] = true;
    }
    if (reader.damaged()) return damaged(where + ": the stored fields are damaged");
    for (std::size_t i = 0; i < spec.fields.size(); ++i) {
      const dsl::FieldSpec& field = spec.fields[i];
      if (field.required && !(field.builtin && field.name == "end") && !present[i]) {
        problem = where + ": this pack's vocabulary requires '" + field.name + "', which was not stored";
        return std::nullopt;
      }
    }
    p.records.push_back(std::move(r));
  }

  if (stored.marks && stored.marks_first) {
    const auto first = dsl::Date::parse_iso(*stored.marks_first);
    const Translation* t = translation(import_id, codes, problem);
    if (t == nullptr) return std::nullopt;
    if (!first || stored.marks->size() % 2 != 0) {
      problem = who + ": the stored attendance marks are damaged";
      return std::nullopt;
    }
    p.attendance.first = *first;
    p.attendance.sessions.resize(stored.marks->size());
    for (std::size_t i = 0; i < stored.marks->size(); ++i) {
      const std::int16_t b = (*t)[(*stored.marks)[i]];
      if (b < 0) {
        problem = who + ": an attendance mark stored as code byte " + std::to_string((*stored.marks)[i]) +
                  " has no code in this pack's vocabulary";
        return std::nullopt;
      }
      p.attendance.sessions[i] = static_cast<std::uint8_t>(b);
    }
  }
  return p;
}

}  // namespace waymark::store::detail
