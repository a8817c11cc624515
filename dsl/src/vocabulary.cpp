#include "waymark/dsl/vocabulary.hpp"

#include <algorithm>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/keywords.hpp"
#include "waymark/dsl/rational.hpp"
#include "waymark/dsl/yaml_document.hpp"

namespace waymark::dsl {

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::boolean: return "boolean";
    case FieldType::number: return "number";
    case FieldType::string: return "string";
    case FieldType::date: return "date";
    case FieldType::enumeration: return "enum";
    case FieldType::date_list: return "date list";
  }
  return "value";
}

bool FieldSpec::has_value(std::string_view v) const {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool FieldSpec::always_present() const {
  if (type == FieldType::boolean || type == FieldType::date_list) return true;
  if (builtin) return name != "end" && name != "age";
  return required || default_value.has_value();
}

const FieldSpec* KindSpec::field(std::string_view n) const {
  for (const FieldSpec& f : fields) {
    if (f.name == n) return &f;
  }
  return nullptr;
}

std::vector<std::string> KindSpec::field_names() const {
  std::vector<std::string> out;
  for (const FieldSpec& f : fields) out.push_back(f.name);
  return out;
}

namespace {

FieldSpec builtin(std::string name, FieldType type, bool required, std::string description) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  f.builtin = true;
  f.description = std::move(description);
  return f;
}

}  // namespace

Vocabulary::Vocabulary() {
  // case-records.md §2: `id` is readable by rules; `age` is derived at the as-of date.
  pupil_attributes_.push_back(builtin("id", FieldType::string, true, "the pupil's id in the case records"));
  pupil_attributes_.push_back(builtin("age", FieldType::number, false, "whole years of age at the as-of date"));
}

const FieldSpec* Vocabulary::pupil_attribute(std::string_view name) const {
  for (const FieldSpec& f : pupil_attributes_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const KindSpec* Vocabulary::kind(std::string_view name) const {
  for (const KindSpec& k : kinds_) {
    if (k.name == name) return &k;
  }
  if (name.size() > 1 && name.back() == 's') {
    const std::string_view singular = name.substr(0, name.size() - 1);
    for (const KindSpec& k : kinds_) {
      if (k.name == singular) return &k;
    }
  }
  return nullptr;
}

KindSpec* Vocabulary::mutable_kind(std::string_view name) {
  for (KindSpec& k : kinds_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

bool Vocabulary::has_role(std::string_view name) const {
  return std::find(roles_.begin(), roles_.end(), name) != roles_.end();
}

bool Vocabulary::has_category(std::string_view name) const {
  return std::find(categories_.begin(), categories_.end(), name) != categories_.end();
}

const AttendanceCode* Vocabulary::attendance_code(std::string_view code) const {
  for (const AttendanceCode& c : attendance_codes_) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

void Vocabulary::set_attendance_code(AttendanceCode code) {
  for (AttendanceCode& c : attendance_codes_) {
    if (c.code == code.code) {
      c = std::move(code);
      return;
    }
  }
  attendance_codes_.push_back(std::move(code));
}

std::vector<std::string> Vocabulary::kind_names() const {
  std::vector<std::string> out;
  for (const KindSpec& k : kinds_) out.push_back(k.name);
  return out;
}

std::vector<std::string> Vocabulary::pupil_attribute_names() const {
  std::vector<std::string> out;
  for (const FieldSpec& f : pupil_attributes_) out.push_back(f.name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loading (docs/vocabulary-format.md)

namespace {

class VocabularyReader {
public:
  VocabularyReader(FileId file, Vocabulary& vocabulary, Diagnostics& diagnostics)
      : file_(file), vocabulary_(vocabulary), diagnostics_(diagnostics) {}

  void read(const YamlNode& root) {
    if (!root.is_mapping()) return error(root, "a vocabulary file is a mapping with keys pupil, kinds, roles, categories, attendance_codes");
    reject_unknown_keys(file_, root, {"vocabulary", "description", "pupil", "kinds", "roles", "categories", "attendance_codes"},
                        "the vocabulary", diagnostics_);
    if (const YamlNode* n = root.find("pupil")) read_pupil(*n);
    if (const YamlNode* n = root.find("kinds")) read_kinds(*n);
    if (const YamlNode* n = root.find("roles")) read_names(*n, "role", [this](std::string s) { return add_role(std::move(s)); });
    if (const YamlNode* n = root.find("categories")) {
      read_names(*n, "category", [this](std::string s) { return add_category(std::move(s)); });
    }
    if (const YamlNode* n = root.find("attendance_codes")) read_codes(*n);
    add_about_fields();
  }

private:
  /// case-records.md §2.1: every record kind has `about`, after the fields its vocabulary declares.
  void add_about_fields() {
    for (const std::string& name : vocabulary_.kind_names()) {
      KindSpec* kind = vocabulary_.mutable_kind(name);
      if (kind == nullptr || kind->field(about_field_name) != nullptr) continue;
      FieldSpec about;
      about.name = std::string(about_field_name);
      about.type = FieldType::string;
      about.description = "the id of another record of the same pupil that this record concerns";
      kind->fields.push_back(std::move(about));
    }
  }

  void error(const YamlNode& at, std::string message, const char* code = "vocabulary") {
    diagnostics_.error(yaml_range(file_, at), code, std::move(message));
  }

  bool valid_identifier(const YamlNode& key) {
    const std::string& s = key.value;
    bool ok = !s.empty() && s[0] >= 'a' && s[0] <= 'z';
    for (const char c : s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) error(key, "'" + s + "' is not a valid name: use lower-case letters, digits and '_', starting with a letter");
    return ok;
  }

  std::optional<FieldSpec> read_field(const YamlNode& key, const YamlNode& value) {
    if (!valid_identifier(key)) return std::nullopt;
    FieldSpec f;
    f.name = key.value;
    const YamlNode* type_node = &value;
    if (value.is_mapping()) {
      reject_unknown_keys(file_, value, {"type", "values", "required", "default", "description", "planned"}, "a field",
                          diagnostics_);
      type_node = value.find("type");
      if (type_node == nullptr) {
        error(value, "the field '" + f.name + "' needs a type (boolean, number, string, date, enum or date list)", "missing-key");
        return std::nullopt;
      }
      if (const YamlNode* r = value.find("required")) {
        if (!r->is_scalar() || (r->value != "true" && r->value != "false")) {
          error(*r, "'required' is true or false");
          return std::nullopt;
        }
        f.required = r->value == "true";
      }
      if (const YamlNode* p = value.find("planned")) {
        if (!p->is_scalar() || (p->value != "true" && p->value != "false")) {
          error(*p, "'planned' is true or false");
          return std::nullopt;
        }
        f.planned = p->value == "true";
      }
      if (const YamlNode* d = value.find("description"); d != nullptr && d->is_scalar()) f.description = d->value;
      if (const YamlNode* v = value.find("values")) {
        if (!v->is_sequence() || v->items.empty()) {
          error(*v, "'values' is a list of the enum's values");
          return std::nullopt;
        }
        for (const YamlNode& item : v->items) {
          if (!item.is_scalar() || !valid_identifier(item)) return std::nullopt;
          f.values.push_back(item.value);
        }
      }
      if (const YamlNode* d = value.find("default")) {
        if (!d->is_scalar()) {
          error(*d, "'default' is a single value");
          return std::nullopt;
        }
        f.default_value = d->value;
      }
    }
    if (!type_node->is_scalar()) {
      error(*type_node, "a field's type is one of boolean, number, string, date, enum, date list");
      return std::nullopt;
    }
    const std::string& t = type_node->value;
    if (t == "boolean") f.type = FieldType::boolean;
    else if (t == "number") f.type = FieldType::number;
    else if (t == "string") f.type = FieldType::string;
    else if (t == "date") f.type = FieldType::date;
    else if (t == "enum") f.type = FieldType::enumeration;
    else if (t == "date list" || t == "date_list") f.type = FieldType::date_list;
    else {
      error(*type_node, "unknown field type '" + t + "'" +
                            did_you_mean(t, {"boolean", "number", "string", "date", "enum", "date list"}) +
                            " (types: boolean, number, string, date, enum, date list)", "unknown-type");
      return std::nullopt;
    }
    if (f.type == FieldType::enumeration && f.values.empty()) {
      error(*type_node, "the enum '" + f.name + "' needs its values: values: [a, b, c]", "missing-key");
      return std::nullopt;
    }
    if (f.type != FieldType::enumeration && !f.values.empty()) {
      error(*type_node, "only an enum has values");
      return std::nullopt;
    }
    if (f.planned && f.type != FieldType::date) {
      error(*value.find("planned"), "only a date can be planned (language.md §5: a planned date reads as its value at any as-of date)");
      return std::nullopt;
    }
    if (f.default_value && !default_fits(f)) {
      error(*value.find("default"), "the default '" + *f.default_value + "' is not a " +
                                        std::string(field_type_name(f.type)) + " value of '" + f.name + "'");
      return std::nullopt;
    }
    return f;
  }

  static bool default_fits(const FieldSpec& f) {
    const std::string& d = *f.default_value;
    switch (f.type) {
      case FieldType::boolean: return d == "true" || d == "false";
      case FieldType::number: return Rational::parse_decimal(d).has_value();
      case FieldType::string: return true;
      case FieldType::date: return Date::parse_iso(d).has_value();
      case FieldType::enumeration: return f.has_value(d);
      case FieldType::date_list: return false;
    }
    return false;
  }

  void read_pupil(const YamlNode& node) {
    if (!node.is_mapping()) return error(node, "'pupil' maps each attribute to its type");
    for (const auto& [key, value] : node.entries) {
      std::optional<FieldSpec> f = read_field(key, value);
      if (!f) continue;
      if (vocabulary_.pupil_attribute(f->name) != nullptr) {
        error(key, "the pupil attribute '" + f->name + "' is already declared", "duplicate-name");
        continue;
      }
      vocabulary_.add_pupil_attribute(std::move(*f));
    }
  }

  void read_kinds(const YamlNode& node) {
    if (!node.is_mapping()) return error(node, "'kinds' maps each record kind to its shape and fields");
    for (const auto& [key, value] : node.entries) {
      if (!valid_identifier(key)) continue;
      if (!value.is_mapping()) {
        error(value, "the kind '" + key.value + "' is a mapping with shape (event or episode) and fields");
        continue;
      }
      reject_unknown_keys(file_, value, {"shape", "description", "fields"}, "a kind", diagnostics_);
      KindSpec* existing = vocabulary_.mutable_kind(key.value);
      const YamlNode* shape = value.find("shape");
      if (existing != nullptr) {
        // An overlay may add fields to a base kind, never change its shape (case-records.md §2).
        if (shape != nullptr) {
          error(*shape, "the kind '" + key.value + "' is already declared; an overlay may only add fields to it", "duplicate-name");
        }
      } else {
        if (shape == nullptr || !shape->is_scalar() || (shape->value != "event" && shape->value != "episode")) {
          error(shape != nullptr ? *shape : value, "the kind '" + key.value + "' needs 'shape: event' or 'shape: episode'",
                "missing-key");
          continue;
        }
        KindSpec k;
        k.name = key.value;
        k.shape = shape->value == "event" ? KindShape::event : KindShape::episode;
        if (const YamlNode* d = value.find("description"); d != nullptr && d->is_scalar()) k.description = d->value;
        k.fields.push_back(builtin("id", FieldType::string, true, "the record's id, unique within the pupil"));
        if (k.shape == KindShape::event) {
          k.fields.push_back(builtin("date", FieldType::date, true, "when it happened"));
        } else {
          k.fields.push_back(builtin("start", FieldType::date, true, "the first day"));
          k.fields.push_back(builtin("end", FieldType::date, false, "the last day (inclusive); none while ongoing"));
        }
        vocabulary_.add_kind(std::move(k));
        existing = vocabulary_.mutable_kind(key.value);
      }
      const YamlNode* fields = value.find("fields");
      if (fields == nullptr || fields->is_null()) continue;
      if (!fields->is_mapping()) {
        error(*fields, "'fields' maps each field name to its type");
        continue;
      }
      for (const auto& [fkey, fvalue] : fields->entries) {
        std::optional<FieldSpec> f = read_field(fkey, fvalue);
        if (!f) continue;
        if (f->name == about_field_name) {
          // case-records.md §2.1: every kind has `about`, a string; declaring it (as v1 did) changes nothing.
          if (f->type != FieldType::string) {
            error(fvalue, "'about' is the id of another record of the pupil, so it is a string on every kind", "type-mismatch");
          } else if (const FieldSpec* about = existing->field(about_field_name); about == nullptr) {
            existing->fields.push_back(std::move(*f));
          }
          continue;
        }
        if (existing->field(f->name) != nullptr) {
          error(fkey, "the kind '" + existing->name + "' already has a field '" + f->name + "'", "duplicate-name");
          continue;
        }
        existing->fields.push_back(std::move(*f));
      }
    }
  }

  template <typename Add>
  void read_names(const YamlNode& node, const char* what, Add add) {
    if (!node.is_sequence()) return error(node, std::string("a list of ") + what + " names");
    for (const YamlNode& item : node.items) {
      if (!item.is_scalar() || !valid_identifier(item)) continue;
      if (!add(item.value)) error(item, std::string("the ") + what + " '" + item.value + "' is already declared", "duplicate-name");
    }
  }

  bool add_role(std::string s) {
    if (vocabulary_.has_role(s)) return false;
    vocabulary_.add_role(std::move(s));
    return true;
  }

  bool add_category(std::string s) {
    if (vocabulary_.has_category(s)) return false;
    vocabulary_.add_category(std::move(s));
    return true;
  }

  void read_codes(const YamlNode& node) {
    if (!node.is_mapping()) return error(node, "'attendance_codes' maps each class to its codes");
    static const std::vector<std::pair<std::string, AttendanceClass>> classes{
        {"present", AttendanceClass::present},
        {"approved_off_site", AttendanceClass::approved_off_site},
        {"authorised_absence", AttendanceClass::authorised_absence},
        {"unauthorised_absence", AttendanceClass::unauthorised_absence},
        {"not_possible", AttendanceClass::not_possible}};
    std::vector<std::string> class_names;
    for (const auto& c : classes) class_names.push_back(c.first);
    reject_unknown_keys(file_, node, class_names, "attendance_codes", diagnostics_);
    for (const auto& [name, cls] : classes) {
      const YamlNode* codes = node.find(name);
      if (codes == nullptr) continue;
      if (!codes->is_mapping()) {
        error(*codes, "each class maps its codes to their meanings: {\"N\": Reason not yet established}");
        continue;
      }
      for (const auto& [code, meaning] : codes->entries) {
        if (!valid_code(code.value)) {
          error(code, "'" + code.value + "' is not an attendance code: one character, or a letter and a digit");
          continue;
        }
        vocabulary_.set_attendance_code({code.value, cls, meaning.is_scalar() ? meaning.value : std::string()});
      }
    }
  }

  static bool valid_code(const std::string& c) {
    auto printable = [](char ch) { return ch > ' ' && ch < 127 && ch != '|'; };
    if (c.size() == 1) return printable(c[0]) && c[0] != ' ';
    return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= '0' && c[1] <= '9';
  }

  FileId file_;
  Vocabulary& vocabulary_;
  Diagnostics& diagnostics_;
};

}  // namespace

bool load_vocabulary(const SourceSet& sources, FileId file, Vocabulary& vocabulary, Diagnostics& diagnostics) {
  Diagnostics local;
  const auto documents = read_yaml(sources, file, local);
  Vocabulary updated = vocabulary;
  if (documents) {
    if (documents->size() != 1) {
      local.error({file, 0, 1}, "vocabulary", "a vocabulary file holds exactly one YAML document");
    } else {
      VocabularyReader(file, updated, local).read(documents->front());
    }
  }
  diagnostics.append(local);
  if (local.has_errors()) return false;
  vocabulary = std::move(updated);
  return true;
}

}  // namespace waymark::dsl
