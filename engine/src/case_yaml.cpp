// Reading YAML case files (case-records.md §1): one pupil per document, `---` documents, or a list.

#include <algorithm>
#include <unordered_map>

#include "case_building.hpp"
#include "case_forms.hpp"
#include "value_text.hpp"
#include "waymark/dsl/yaml_document.hpp"
#include "waymark/engine/case_loader.hpp"
#include "waymark/engine/upn.hpp"

namespace waymark::engine::detail {
namespace {

using dsl::YamlNode;

class CaseYamlReader {
public:
  CaseYamlReader(const dsl::SourceFile& source, dsl::FileId file, const dsl::Vocabulary& vocabulary,
                 const AttendanceCodes& codes, dsl::Diagnostics& diagnostics)
      : source_(source), file_(file), vocabulary_(vocabulary), codes_(codes), diagnostics_(diagnostics) {}

  std::vector<Pupil> read(const std::vector<YamlNode>& documents) {
    std::vector<Pupil> pupils;
    for (const YamlNode& doc : documents) {
      if (doc.is_null()) continue;  // an empty document (a trailing `---`) holds nothing
      if (doc.is_mapping()) {
        read_case(doc, pupils);
      } else if (doc.is_sequence()) {
        for (const YamlNode& item : doc.items) {
          if (item.is_mapping()) {
            read_case(item, pupils);
          } else {
            error(item, "wrong-shape", "each entry of this list is one pupil's case: a mapping with pupil, records and attendance");
          }
          if (too_many()) break;
        }
      } else {
        error(doc, "wrong-shape", "a case file holds a mapping with pupil, records and attendance (or a list of them)");
      }
      if (too_many()) break;
    }
    if (pupils.empty() && !diagnostics_.has_errors()) {
      diagnostics_.error({file_, 0, 0}, "no-pupil", "this file holds no pupil: write 'pupil:' with at least an 'id'");
    }
    return pupils;
  }

private:
  void error(const YamlNode& at, const char* code, std::string message) {
    diagnostics_.error(dsl::yaml_range(file_, at), code, std::move(message));
  }

  bool too_many() {
    if (stopped_) return true;
    if (diagnostics_.error_count() < max_errors_per_file) return false;
    stopped_ = true;
    diagnostics_.error({file_, source_.text().size(), source_.text().size()}, "too-many-errors",
                       "more than " + std::to_string(max_errors_per_file) +
                           " errors in this file; fix these and load it again");
    return true;
  }

  void read_case(const YamlNode& node, std::vector<Pupil>& pupils) {
    dsl::reject_unknown_keys(file_, node, {"pupil", "records", "attendance"}, "a case", diagnostics_, dsl::Echo::never);
    const YamlNode* pupil_node = node.find("pupil");
    if (pupil_node == nullptr || !pupil_node->is_mapping()) {
      error(pupil_node != nullptr ? *pupil_node : node, pupil_node != nullptr ? "wrong-shape" : "missing-key",
            "a case needs 'pupil': a mapping with at least the pupil's 'id'");
      return;
    }
    std::optional<Pupil> pupil = read_pupil(*pupil_node);
    if (!pupil) return;
    pupil->origin = dsl::yaml_range(file_, *pupil_node->find("id"));  // duplicate ids are reported here
    if (const YamlNode* records = node.find("records"); records != nullptr && !records->is_null()) {
      if (!records->is_sequence()) {
        error(*records, "wrong-shape", "'records' is a list of records, each starting '- kind: ...'");
      } else {
        std::unordered_map<std::string, std::size_t> ids;  // record id -> offset of its first use
        links_.clear();
        for (const YamlNode& r : records->items) {
          read_record(r, *pupil, ids);
          if (too_many()) return;
        }
        // case-records.md §2.1: `about` names another record of the same pupil, wherever it is written.
        check_about_links(*pupil, links_, diagnostics_);
      }
    }
    if (const YamlNode* attendance = node.find("attendance"); attendance != nullptr && !attendance->is_null()) {
      read_attendance(*attendance, *pupil);
    }
    sort_records(pupil->records);
    pupils.push_back(std::move(*pupil));
  }

  std::optional<Pupil> read_pupil(const YamlNode& node) {
    const YamlNode* id = node.find("id");
    if (id == nullptr || id->is_null()) {
      error(node, "missing-field", "the pupil needs an 'id', unique across the caseload");
      return std::nullopt;
    }
    if (!id->is_scalar() || id->value.empty()) {
      error(*id, "type-mismatch", "the pupil's 'id' is a single, non-empty value");
      return std::nullopt;
    }
    Pupil pupil = new_pupil(vocabulary_, id->value);
    const auto& attributes = vocabulary_.pupil_attributes();
    for (const auto& [key, value] : node.entries) {
      const std::string& name = key.value;
      if (name == "id") continue;
      if (name == "age") {
        error(key, "derived-field", "'age' is worked out from 'dob' on the as-of date: remove it and give 'dob'");
        continue;
      }
      if (name == "upn" || name == "name") {
        if (value.is_null()) continue;
        if (!value.is_scalar()) {
          error(value, "type-mismatch", "'" + name + "' is a single value, not " + std::string(value.shape_word()));
          continue;
        }
        if (name == "name") {
          pupil.name = value.value;
          continue;
        }
        // case-records.md §5; the message never repeats the UPN, which is personal data.
        const UpnProblem problem = check_upn(value.value);
        if (problem != UpnProblem::none) {
          error(value, "invalid-upn", "this UPN " + std::string(describe(problem)) +
                                          ": copy it again from the school's records");
          continue;
        }
        pupil.upn = value.value;
        continue;
      }
      const auto index = attribute_index(vocabulary_, name);
      if (!index) {
        error(key, "unknown-field", "pupils have no attribute of this name" +
                                        dsl::did_you_mean(name, pupil_keys(vocabulary_)) +
                                        " (attributes come from the vocabulary)");
        continue;
      }
      if (auto v = read_value(attributes[*index], value)) pupil.attributes[*index] = std::move(*v);
    }
    return pupil;
  }

  // A value for `spec`, or nothing (an error was reported). Null is "not written": the default stays.
  std::optional<FieldValue> read_value(const dsl::FieldSpec& spec, const YamlNode& value) {
    if (value.is_null()) return default_value(spec);
    if (spec.type == dsl::FieldType::date_list) {
      if (!value.is_sequence()) {
        error(value, "type-mismatch", "'" + spec.name + "' is a list of dates: write [2025-09-22, 2025-10-06]");
        return std::nullopt;
      }
      DateList dates;
      bool ok = true;
      for (const YamlNode& item : value.items) {
        if (!item.is_scalar()) {
          error(item, "invalid-date", "each entry of '" + spec.name + "' is a date, YYYY-MM-DD");
          ok = false;
          continue;
        }
        ValueError e;
        if (auto d = parse_date(item.value, spec.name, e)) {
          dates.push_back(*d);
        } else {
          error(item, e.code.c_str(), e.message);
          ok = false;
        }
      }
      if (!ok) return std::nullopt;
      std::sort(dates.begin(), dates.end());
      return dates;
    }
    if (!value.is_scalar()) {
      error(value, spec.type == dsl::FieldType::date ? "invalid-date" : "type-mismatch",
            "'" + spec.name + "' is a single " + std::string(dsl::field_type_name(spec.type)) + ", not " +
                std::string(value.shape_word()));
      return std::nullopt;
    }
    ValueError e;
    auto v = parse_value(spec, value.value, !value.quoted, e);
    if (!v) error(value, e.code.c_str(), e.message);
    return v;
  }

  void read_record(const YamlNode& node, Pupil& pupil, std::unordered_map<std::string, std::size_t>& ids) {
    if (!node.is_mapping()) {
      error(node, "wrong-shape", "each record is a mapping starting '- kind: ...' with an id and its dates");
      return;
    }
    const YamlNode* kind_node = node.find("kind");
    if (kind_node == nullptr || !kind_node->is_scalar()) {
      error(kind_node != nullptr ? *kind_node : node, "missing-key",
            "each record needs 'kind' (suspension, meeting, ... as in the vocabulary)");
      return;
    }
    const auto kind = kind_index(vocabulary_, kind_node->value);
    if (!kind) {
      const auto names = vocabulary_.kind_names();
      std::string hint = dsl::did_you_mean(kind_node->value, names);
      if (hint.empty()) {
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
        hint = " (kinds: " + list + ")";
      }
      error(*kind_node, "unknown-kind", "unknown record kind" + hint);
      return;
    }
    const dsl::KindSpec& spec = vocabulary_.kinds()[*kind];
    Record record = new_record(vocabulary_, *kind);
    record.origin = dsl::yaml_range(file_, node);
    std::vector<bool> written(spec.fields.size(), false);
    bool ok = true;
    for (const auto& [key, value] : node.entries) {
      if (key.value == "kind") continue;
      const dsl::FieldSpec* field = spec.field(key.value);
      if (field == nullptr) {
        std::string message = wrong_shape_field_message(spec, key.value);
        error(key, "unknown-field", message.empty() ? unknown_field_message(spec, key.value) : message);
        ok = false;
        continue;
      }
      const auto index = static_cast<std::size_t>(field - spec.fields.data());
      if (index == 0) {  // the id: any non-empty scalar, kept as text
        if (!value.is_scalar() || value.value.empty()) {
          if (!value.is_null()) {
            error(value, "type-mismatch", "a record's 'id' is a single, non-empty value");
            ok = false;
          }
          continue;
        }
        record.fields[0] = value.value;
        written[0] = true;
        continue;
      }
      auto v = read_value(*field, value);
      if (!v) {
        written[index] = true;  // written, wrongly: reported once, not also as missing
        ok = false;
        continue;
      }
      written[index] = !is_none(*v) && !value.is_null();
      record.fields[index] = std::move(*v);
    }
    for (std::size_t i = 0; i < spec.fields.size(); ++i) {
      const dsl::FieldSpec& f = spec.fields[i];
      const bool required = f.required && !(f.builtin && f.name == "end");
      if (required && !written[i]) {
        error(node, "missing-field", missing_field_message(spec, f));
        ok = false;
      }
    }
    if (!ok) return;
    if (record.shape == dsl::KindShape::episode) {
      const auto end = record.end();
      if (end && *end < record.anchor()) {
        error(*node.find("end"), "end-before-start",
              "'end' is before 'start': an episode ends on or after its first day");
        return;
      }
    }
    const YamlNode& id_node = *node.find("id");
    const auto [at, fresh] = ids.emplace(record.id(), id_node.offset);
    if (!fresh) {
      error(id_node, "duplicate-record",
            "this record id is already used by this pupil (line " +
                std::to_string(source_.position(at->second).line) + "): give each record its own id");
      return;
    }
    if (const auto about = about_index(spec)) {
      if (const auto* text = std::get_if<std::string>(&record.fields[*about])) {
        links_.push_back({record.id(), *text, dsl::yaml_range(file_, *node.find(dsl::about_field_name))});
      }
    }
    pupil.records.push_back(std::move(record));
  }

  void read_attendance(const YamlNode& node, Pupil& pupil) {
    if (!node.is_sequence()) {
      error(node, "wrong-shape", "'attendance' is a list of runs: - from: 2025-09-01, marks: '/\\/\\'");
      return;
    }
    std::vector<MarksRun> runs;
    bool ok = true;
    for (const YamlNode& run : node.items) {
      if (!run.is_mapping()) {
        error(run, "wrong-shape", "each attendance run is a mapping with 'from' (a date) and 'marks'");
        ok = false;
        continue;
      }
      dsl::reject_unknown_keys(file_, run, {"from", "marks"}, "an attendance run", diagnostics_, dsl::Echo::never);
      const YamlNode* from = run.find("from");
      const YamlNode* marks = run.find("marks");
      if (from == nullptr || marks == nullptr) {
        error(run, "missing-key", std::string("each attendance run needs '") + (from == nullptr ? "from" : "marks") +
                                      "': from: 2025-09-01 and marks: '/\\/\\'");
        ok = false;
        continue;
      }
      MarksRun r;
      r.at = dsl::yaml_range(file_, *from);
      ValueError e;
      std::optional<dsl::Date> date;
      if (!from->is_scalar()) {
        error(*from, "invalid-date", "'from' is a date, YYYY-MM-DD");
      } else if (!(date = parse_date(from->value, "from", e))) {
        error(*from, e.code.c_str(), e.message);
      }
      if (!marks->is_scalar()) {
        error(*marks, "type-mismatch",
              "'marks' is one string of session codes; quote it with single quotes so that \\ stays literal");
        ok = false;
        continue;
      }
      std::vector<MarksProblem> problems;
      if (!parse_marks(marks->value, codes_, r.sessions, problems)) {
        ok = false;
        for (const MarksProblem& p : problems) {
          const std::size_t at = marks_offset(*marks, p.position);
          diagnostics_.error({file_, at, at + p.length}, p.code, p.message);
        }
      }
      if (!date) {
        ok = false;
        continue;
      }
      r.from = *date;
      runs.push_back(std::move(r));
    }
    if (ok) join_runs(runs, pupil.attendance, diagnostics_);
  }

  // Where the character at `index` of a marks string was written. Quoted and block scalars change
  // the text (quotes, escapes, line folding), so walk the source matching each significant character;
  // fall back to the start of the value.
  std::size_t marks_offset(const YamlNode& node, std::size_t index) const {
    const std::string_view text = source_.text();
    const std::string& value = node.value;
    std::size_t j = node.offset;
    if (j < text.size() && (text[j] == '\'' || text[j] == '"')) ++j;
    const auto significant = [](char c) { return c != ' ' && c != '|' && c != '\n' && c != '\r' && c != '\t'; };
    for (std::size_t k = 0; k <= index && k < value.size(); ++k) {
      if (!significant(value[k])) continue;
      const std::size_t found = text.find(value[k], j);
      if (found == std::string::npos) return node.offset;
      if (k == index) return found;
      j = found + 1;
    }
    return node.offset;
  }

  const dsl::SourceFile& source_;
  dsl::FileId file_;
  const dsl::Vocabulary& vocabulary_;
  const AttendanceCodes& codes_;
  dsl::Diagnostics& diagnostics_;
  bool stopped_ = false;
  std::vector<AboutLink> links_;  // the current case's `about` values, checked once its records are read
};

}  // namespace

std::vector<Pupil> read_case_yaml(const dsl::SourceSet& sources, dsl::FileId file, const dsl::Vocabulary& vocabulary,
                                  const AttendanceCodes& codes, dsl::Diagnostics& diagnostics) {
  const dsl::SourceFile& source = sources.file(file);
  // read_yaml refuses what is not UTF-8 text, at its line and column (dsl::check_text).
  const auto documents = dsl::read_yaml(sources, file, diagnostics, dsl::Echo::never);
  if (!documents) return {};
  return CaseYamlReader(source, file, vocabulary, codes, diagnostics).read(*documents);
}

std::vector<Pupil> read_case_yaml_document(const dsl::SourceSet& sources, dsl::FileId file, const dsl::YamlNode& document,
                                           const dsl::Vocabulary& vocabulary, const AttendanceCodes& codes,
                                           dsl::Diagnostics& diagnostics) {
  return CaseYamlReader(sources.file(file), file, vocabulary, codes, diagnostics).read({document});
}

}  // namespace waymark::engine::detail
