// Reading the CSV form of case records (case-records.md §4): pupils.csv, records.csv, attendance.csv.
// Built for whole rolls (100,000 pupils, a term of daily marks): each file is read once from memory,
// cells are views, and the attendance rows of one pupil usually follow each other, so the pupil
// lookup is a string comparison with the previous row.

#include <algorithm>
#include <unordered_map>

#include "case_building.hpp"
#include "case_forms.hpp"
#include "csv_reader.hpp"
#include "value_text.hpp"
#include "waymark/engine/case_loader.hpp"
#include "waymark/engine/upn.hpp"

namespace waymark::engine::detail {
namespace {

struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using PupilIndex = std::unordered_map<std::string, std::size_t, IdHash, std::equal_to<>>;

// One CSV file being read: its rows, its header, and its share of the error budget.
class CsvFile {
public:
  CsvFile(const dsl::SourceSet& sources, dsl::FileId file, dsl::Diagnostics& diagnostics)
      : source_(sources.file(file)), file_(file), reader_(source_.text()), diagnostics_(diagnostics) {}

  const std::string& path() const { return source_.path(); }
  std::string name() const {
    const std::string& p = source_.path();
    const auto slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
  }

  void error(std::size_t offset, std::size_t length, const char* code, std::string message) {
    ++errors_;
    if (errors_ <= max_errors_per_file) {
      diagnostics_.error({file_, offset, offset + std::max<std::size_t>(length, 1)}, code, std::move(message));
    } else if (errors_ == max_errors_per_file + 1) {
      diagnostics_.error({file_, source_.text().size(), source_.text().size()}, "too-many-errors",
                         "more than " + std::to_string(max_errors_per_file) +
                             " errors in this file; fix these and load it again");
    }
  }
  void error(const CsvCell& cell, const char* code, std::string message) {
    error(cell.offset, cell.text.size() + (cell.quoted ? 2 : 0), code, std::move(message));
  }
  bool stopped() const { return errors_ > max_errors_per_file; }
  bool failed() const { return errors_ > 0; }

  // The UTF-8 check of the whole file, once: invalid bytes are reported at their position.
  bool valid_utf8() {
    const std::size_t bad = invalid_utf8_at(source_.text());
    if (bad == std::string_view::npos) return true;
    error(bad, 1, "invalid-utf8", "this byte is not valid UTF-8: save " + name() + " as UTF-8");
    return false;
  }

  // Reads the header and maps each column name to its position; unknown, repeated and missing columns are errors.
  bool header(const std::vector<std::string>& allowed, const std::vector<std::string>& required) {
    CsvProblem problem;
    if (!reader_.next(cells_, problem)) {
      error(0, 1, "missing-column", name() + " is empty: it needs a header row naming its columns (" + join(required) + ", ...)");
      return false;
    }
    if (problem.found) {
      error(problem.offset, 1, "csv-syntax", problem.message);
      return false;
    }
    bool ok = true;
    columns_.assign(allowed.size(), npos);
    width_ = cells_.size();
    for (std::size_t c = 0; c < cells_.size(); ++c) {
      const std::string name(cells_[c].text);
      const auto at = std::find(allowed.begin(), allowed.end(), name);
      if (at == allowed.end()) {
        error(cells_[c], "unknown-column", "unknown column '" + name + "' in " + this->name() +
                                               dsl::did_you_mean(name, allowed) + " (columns: " + join(allowed) + ")");
        ok = false;
        continue;
      }
      std::size_t& slot = columns_[static_cast<std::size_t>(at - allowed.begin())];
      if (slot != npos) {
        error(cells_[c], "duplicate-column", "the column '" + name + "' appears twice in the header; keep one");
        ok = false;
        continue;
      }
      slot = c;
    }
    for (const std::string& r : required) {
      if (columns_[static_cast<std::size_t>(std::find(allowed.begin(), allowed.end(), r) - allowed.begin())] == npos) {
        error(reader_.row_offset(), 1, "missing-column", this->name() + " needs a column '" + r + "' in its header row");
        ok = false;
      }
    }
    return ok;
  }

  // The next data row with as many cells as the header; rows with syntax problems are reported and skipped.
  bool row() {
    for (;;) {
      if (stopped()) return false;
      CsvProblem problem;
      if (!reader_.next(cells_, problem)) return false;
      if (problem.found) {
        error(problem.offset, 1, "csv-syntax", problem.message);
        continue;
      }
      if (cells_.size() != width_) {
        error(reader_.row_offset(), 1, "field-count",
              "this row has " + std::to_string(cells_.size()) + " cells but the header names " +
                  std::to_string(width_) + " columns: check for a missing or extra comma, or quote the cell");
        continue;
      }
      return true;
    }
  }

  // The cell of column `c` (an index into the `allowed` list given to header()), or null when absent.
  const CsvCell* cell(std::size_t c) const { return columns_[c] == npos ? nullptr : &cells_[columns_[c]]; }
  std::size_t column(std::size_t c) const { return columns_[c]; }
  const std::vector<CsvCell>& cells() const { return cells_; }
  std::size_t row_offset() const { return reader_.row_offset(); }
  std::size_t offset_in(const CsvCell& cell, std::size_t index) const { return reader_.offset_in(cell, index); }
  dsl::FileId id() const { return file_; }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
  const dsl::SourceFile& source_;
  dsl::FileId file_;
  CsvReader reader_;
  dsl::Diagnostics& diagnostics_;
  std::vector<CsvCell> cells_;
  std::vector<std::size_t> columns_;
  std::size_t width_ = 0;
  std::size_t errors_ = 0;
};

class CaseCsvReader {
public:
  CaseCsvReader(const dsl::Vocabulary& vocabulary, const AttendanceCodes& codes, dsl::Diagnostics& diagnostics)
      : vocabulary_(vocabulary), codes_(codes), diagnostics_(diagnostics) {}

  std::vector<Pupil> read(const dsl::SourceSet& sources, dsl::FileId pupils_file, std::optional<dsl::FileId> records_file,
                          std::optional<dsl::FileId> attendance_file) {
    CsvFile pupils(sources, pupils_file, diagnostics_);
    std::optional<CsvFile> records;
    std::optional<CsvFile> attendance;
    if (records_file) records.emplace(sources, *records_file, diagnostics_);
    if (attendance_file) attendance.emplace(sources, *attendance_file, diagnostics_);
    bool utf8 = pupils.valid_utf8();
    if (records) utf8 = records->valid_utf8() && utf8;
    if (attendance) utf8 = attendance->valid_utf8() && utf8;
    if (!utf8) return {};
    if (!read_pupils(pupils)) return {};  // without the pupils, other files' rows cannot be checked
    if (records) read_records(*records);
    if (attendance) read_attendance(*attendance);
    if (diagnostics_.has_errors()) return {};
    return std::move(pupils_);
  }

private:
  // ---- pupils.csv
  bool read_pupils(CsvFile& f) {
    const std::vector<std::string> allowed = pupil_keys(vocabulary_);
    if (!f.header(allowed, {"id"})) return false;
    std::vector<std::size_t> attribute(allowed.size(), CsvFile::npos);
    for (std::size_t c = 0; c < allowed.size(); ++c) {
      if (auto a = attribute_index(vocabulary_, allowed[c])) attribute[c] = *a;
    }
    const std::size_t id_column = 0;  // pupil_keys lists `id` first
    const std::size_t upn_column = allowed.size() - 2;
    const std::size_t name_column = allowed.size() - 1;
    while (f.row()) {
      const CsvCell& id = *f.cell(id_column);
      if (id.text.empty()) {
        f.error(id, "missing-field", "this row has no pupil id: every pupil needs an 'id', unique across the caseload");
        continue;
      }
      Pupil pupil = new_pupil(vocabulary_, std::string(id.text));
      pupil.origin = {f.id(), id.offset, id.offset + id.text.size()};
      for (std::size_t c = 0; c < allowed.size(); ++c) {
        const CsvCell* cell = f.cell(c);
        if (cell == nullptr || cell->text.empty() || c == id_column) continue;
        if (c == name_column) {
          pupil.name = std::string(cell->text);
        } else if (c == upn_column) {
          // case-records.md §5; the message never repeats the UPN, which is personal data.
          const UpnProblem problem = check_upn(cell->text);
          if (problem != UpnProblem::none) {
            f.error(*cell, "invalid-upn", "the UPN of pupil " + pupil.id() + " " + std::string(describe(problem)) +
                                              ": copy it again from the school's records");
          } else {
            pupil.upn = std::string(cell->text);
          }
        } else {
          const dsl::FieldSpec& spec = vocabulary_.pupil_attributes()[attribute[c]];
          if (auto v = value(f, *cell, 0, cell->text, spec)) pupil.attributes[attribute[c]] = std::move(*v);
        }
      }
      const auto [at, fresh] = index_.emplace(pupil.id(), pupils_.size());
      if (!fresh) {
        const auto first = pupils_[at->second].origin;
        f.error(id, "duplicate-pupil", "the pupil id '" + pupil.id() + "' is used twice in " + f.name() + " (line " +
                                           std::to_string(line_of(f, first.begin)) + "): each pupil appears once");
        continue;
      }
      pupils_.push_back(std::move(pupil));
    }
    return !f.failed();
  }

  std::size_t line_of(const CsvFile&, std::size_t offset) const {
    return sources_pupils_ != nullptr ? sources_pupils_->position(offset).line : 0;
  }

public:
  void set_pupils_source(const dsl::SourceFile* s) { sources_pupils_ = s; }

private:
  // A typed value from part of a cell (`part` starts at character `at` of the cell's text).
  std::optional<FieldValue> value(CsvFile& f, const CsvCell& cell, std::size_t at, std::string_view part,
                                  const dsl::FieldSpec& spec) {
    if (spec.type == dsl::FieldType::date_list) {
      // case-records.md §4: date lists are joined with `|`.
      DateList dates;
      std::size_t start = 0;
      for (;;) {
        const std::size_t bar = part.find('|', start);
        const std::string_view one = part.substr(start, bar == std::string_view::npos ? part.npos : bar - start);
        ValueError e;
        if (auto d = parse_date(one, spec.name, e)) {
          dates.push_back(*d);
        } else {
          f.error(f.offset_in(cell, at + start), std::max<std::size_t>(one.size(), 1), e.code.c_str(),
                  e.message + " (a date list is written 2025-09-22|2025-10-06)");
          return std::nullopt;
        }
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
      std::sort(dates.begin(), dates.end());
      return dates;
    }
    ValueError e;
    auto v = parse_value(spec, part, true, e);
    if (!v) f.error(f.offset_in(cell, at), part.size(), e.code.c_str(), e.message);
    return v;
  }

  // Exports list a pupil's rows together and the pupils in the same order in every file, so try the
  // previous row's pupil, then the next pupil of pupils.csv, before the hash table.
  Pupil* find_pupil(std::string_view id) {
    if (last_pupil_ != nullptr && last_id_ == id) return last_pupil_;
    std::size_t index = last_pupil_ == nullptr ? 0 : static_cast<std::size_t>(last_pupil_ - pupils_.data()) + 1;
    if (index >= pupils_.size() || pupils_[index].id() != id) {
      const auto at = index_.find(id);
      if (at == index_.end()) return nullptr;
      index = at->second;
    }
    last_id_ = id;
    last_pupil_ = &pupils_[index];
    return last_pupil_;
  }

  // ---- records.csv
  enum RecordColumn : std::size_t { col_pupil, col_kind, col_id, col_date, col_start, col_end, col_fields };

  void read_records(CsvFile& f) {
    last_pupil_ = nullptr;
    if (!f.header({"pupil_id", "kind", "id", "date", "start", "end", "fields"}, {"pupil_id", "kind", "id"})) return;
    while (f.row()) {
      const CsvCell& pupil_cell = *f.cell(col_pupil);
      Pupil* pupil = find_pupil(pupil_cell.text);
      if (pupil == nullptr) {
        f.error(pupil_cell, "unknown-pupil", "no pupil " + quote_text(pupil_cell.text) +
                                                 " in pupils.csv: add the pupil there, or correct the id");
        continue;
      }
      const CsvCell& kind_cell = *f.cell(col_kind);
      const auto k = kind_index(vocabulary_, kind_cell.text);
      if (!k) {
        const auto names = vocabulary_.kind_names();
        std::string hint = dsl::did_you_mean(std::string(kind_cell.text), names);
        if (hint.empty()) hint = " (kinds: " + CsvFile::join(names) + ")";
        f.error(kind_cell, "unknown-kind", "unknown record kind " + quote_text(kind_cell.text) + hint);
        continue;
      }
      const dsl::KindSpec& spec = vocabulary_.kinds()[*k];
      Record record = new_record(vocabulary_, *k);
      bool ok = true;
      const CsvCell& id_cell = *f.cell(col_id);
      if (id_cell.text.empty()) {
        f.error(id_cell, "missing-field", missing_field_message(spec, spec.fields[0]));
        ok = false;
      }
      record.fields[0] = std::string(id_cell.text);
      record.origin = {f.id(), id_cell.offset, id_cell.offset + std::max<std::size_t>(id_cell.text.size(), 1)};
      // The date columns by shape: an event has `date`; an episode `start` and an optional `end`.
      const bool event = spec.shape == dsl::KindShape::event;
      const RecordColumn anchor_column = event ? col_date : col_start;
      for (const RecordColumn c : {col_date, col_start, col_end}) {
        const CsvCell* cell = f.cell(c);
        const bool wanted = c == anchor_column || (!event && c == col_end);
        const char* column_name = c == col_date ? "date" : c == col_start ? "start" : "end";
        if (!wanted) {
          if (cell != nullptr && !cell->text.empty()) {
            f.error(*cell, "unknown-field", wrong_shape_field_message(spec, column_name));
            ok = false;
          }
          continue;
        }
        if (cell == nullptr || cell->text.empty()) {
          if (c == anchor_column) {
            f.error(cell != nullptr ? cell->offset : f.row_offset(), 1, "missing-field",
                    missing_field_message(spec, spec.fields[1]));
            ok = false;
          }
          continue;
        }
        ValueError e;
        if (auto d = parse_date(cell->text, column_name, e)) {
          record.fields[c == col_end ? end_field : 1] = *d;
        } else {
          f.error(*cell, e.code.c_str(), e.message);
          ok = false;
        }
      }
      std::vector<bool> written(spec.fields.size(), false);
      if (const CsvCell* cell = f.cell(col_fields)) ok = read_fields(f, *cell, spec, record, written) && ok;
      for (std::size_t i = event ? 2 : 3; i < spec.fields.size(); ++i) {
        if (spec.fields[i].required && !written[i]) {
          const CsvCell* cell = f.cell(col_fields);
          f.error(cell != nullptr ? cell->offset : f.row_offset(), 1, "missing-field",
                  missing_field_message(spec, spec.fields[i]) + ": add " + spec.fields[i].name + "=... to 'fields'");
          ok = false;
        }
      }
      if (!ok) continue;
      if (!event && record.end() && *record.end() < record.anchor()) {
        f.error(*f.cell(col_end), "end-before-start",
                "'end' (" + record.end()->iso() + ") is before 'start' (" + record.anchor().iso() +
                    "): an episode ends on or after its first day");
        continue;
      }
      if (const auto about = about_index(spec)) {
        if (const auto* text = std::get_if<std::string>(&record.fields[*about])) {
          links_[pupil->id()].push_back({record.id(), *text, {f.id(), about_at_, about_at_ + std::max<std::size_t>(text->size(), 1)}});
        }
      }
      pupil->records.push_back(std::move(record));
    }
    // case-records.md §2.1: `about` names another record of the same pupil, in any row.
    for (const Pupil& p : pupils_) {
      if (const auto it = links_.find(p.id()); it != links_.end()) check_about_links(p, it->second, diagnostics_);
    }
    // Record ids are unique within a pupil: find repeats once all rows are in.
    for (Pupil& p : pupils_) {
      if (p.records.size() < 2) continue;
      std::vector<const Record*> order;
      order.reserve(p.records.size());
      for (const Record& r : p.records) order.push_back(&r);
      std::stable_sort(order.begin(), order.end(), [](const Record* a, const Record* b) {
        return a->id() != b->id() ? a->id() < b->id() : a->origin.begin < b->origin.begin;
      });
      for (std::size_t i = 1; i < order.size(); ++i) {
        if (order[i]->id() != order[i - 1]->id()) continue;
        f.error(order[i]->origin.begin, order[i]->id().size(), "duplicate-record",
                "the record id '" + order[i]->id() + "' is already used by pupil " + p.id() +
                    ": give each record its own id");
      }
    }
  }

  // The `fields` cell: key=value;key=value with \; \= \\ escapes (case-records.md §4).
  bool read_fields(CsvFile& f, const CsvCell& cell, const dsl::KindSpec& spec, Record& record,
                   std::vector<bool>& written) {
    const std::string_view text = cell.text;
    bool ok = true;
    std::size_t i = 0;
    while (i <= text.size()) {
      // One item: key up to an unescaped '=', value up to an unescaped ';'.
      std::string key;
      std::string value;
      std::size_t key_at = i;
      std::size_t value_at = std::string_view::npos;
      bool bad_escape = false;
      for (; i < text.size() && text[i] != ';'; ++i) {
        char c = text[i];
        if (c == '\\') {
          if (i + 1 < text.size() && (text[i + 1] == ';' || text[i + 1] == '=' || text[i + 1] == '\\')) {
            c = text[++i];
          } else {
            f.error(f.offset_in(cell, i), 1, "invalid-escape",
                    "'\\' in 'fields' must be followed by ';', '=' or '\\' (write \\\\ for a backslash)");
            bad_escape = true;
            ok = false;
            continue;
          }
        } else if (c == '=' && value_at == std::string_view::npos) {
          value_at = i + 1;
          continue;
        }
        (value_at == std::string_view::npos ? key : value) += c;
      }
      ++i;  // past ';'
      if (bad_escape) continue;
      if (key.empty() && value_at == std::string_view::npos) continue;  // an empty item (`a=1;`)
      if (value_at == std::string_view::npos) {
        f.error(f.offset_in(cell, key_at), key.size(), "fields-syntax",
                "'fields' holds key=value pairs separated by ';': write " + key + "=...");
        ok = false;
        continue;
      }
      const dsl::FieldSpec* field = spec.field(key);
      const std::size_t index = field == nullptr ? 0 : static_cast<std::size_t>(field - spec.fields.data());
      if (field == nullptr || field->builtin) {
        std::string message = field != nullptr ? "'" + key + "' has its own column: move it out of 'fields'"
                                               : unknown_field_message(spec, key);
        f.error(f.offset_in(cell, key_at), key.size(), "unknown-field", message);
        ok = false;
        continue;
      }
      if (written[index]) {
        f.error(f.offset_in(cell, key_at), key.size(), "duplicate-field", "'" + key + "' is given twice in 'fields'; keep one");
        ok = false;
        continue;
      }
      written[index] = !value.empty();
      if (value.empty()) continue;  // `key=` leaves the field unset
      // Positions inside the value count its characters after unescaping; values rarely hold escapes.
      auto v = this->value(f, cell, value_at, value, *field);
      if (!v) {
        ok = false;  // `written` stays set: a wrong value is not also reported as missing
        continue;
      }
      record.fields[index] = std::move(*v);
      if (field->name == dsl::about_field_name) about_at_ = f.offset_in(cell, value_at);
    }
    return ok;
  }

  // ---- attendance.csv
  enum AttendanceColumn : std::size_t { a_pupil, a_date, a_am, a_pm };

  void read_attendance(CsvFile& f) {
    last_pupil_ = nullptr;
    if (!f.header({"pupil_id", "date", "am", "pm"}, {"pupil_id", "date", "am", "pm"})) return;
    const std::size_t pupil_column = f.column(a_pupil);
    const std::size_t date_column = f.column(a_date);
    const std::size_t am_column = f.column(a_am);
    const std::size_t pm_column = f.column(a_pm);
    std::string_view last_date_text;
    dsl::Date last_date;
    while (f.row()) {
      const auto& cells = f.cells();
      const CsvCell& pupil_cell = cells[pupil_column];
      Pupil* pupil = find_pupil(pupil_cell.text);
      if (pupil == nullptr) {
        f.error(pupil_cell, "unknown-pupil", "no pupil " + quote_text(pupil_cell.text) +
                                                 " in pupils.csv: add the pupil there, or correct the id");
        continue;
      }
      const CsvCell& date_cell = cells[date_column];
      dsl::Date day;
      if (date_cell.text == last_date_text && !last_date_text.empty()) {
        day = last_date;
      } else {
        ValueError e;
        const auto d = parse_date(date_cell.text, "date", e);
        if (!d) {
          f.error(date_cell, e.code.c_str(), e.message);
          continue;
        }
        day = *d;
        // Only views into the file itself may be kept across rows.
        last_date_text = date_cell.unescaped ? std::string_view() : date_cell.text;
        last_date = day;
      }
      std::uint8_t sessions[2];
      bool ok = true;
      for (int half = 0; half < 2; ++half) {
        const CsvCell& c = cells[half == 0 ? am_column : pm_column];
        const auto code = codes_.find(c.text);
        if (!code) {
          f.error(c, "unknown-code",
                  c.text.empty() ? std::string("this session has no mark: write '-' for no session")
                                 : quote_text(c.text) + " is not an attendance code of the vocabulary: use a code "
                                                        "from its attendance_codes table, and '-' for no session");
          ok = false;
          continue;
        }
        sessions[half] = *code;
      }
      if (!ok) continue;
      place(f, date_cell, *pupil, day, sessions);
    }
    // Spans grew by doubling; a whole roll stays in memory while rules run, so give the slack back.
    for (Pupil& p : pupils_) p.attendance.sessions.shrink_to_fit();
  }

  // Puts one day's two sessions into the pupil's span, growing it as needed.
  void place(CsvFile& f, const CsvCell& at, Pupil& pupil, dsl::Date day, const std::uint8_t (&sessions)[2]) {
    AttendanceMarks& marks = pupil.attendance;
    if (marks.sessions.empty()) {
      marks.first = day;
      marks.sessions.assign({sessions[0], sessions[1]});
      return;
    }
    const std::int32_t offset = dsl::days_between(marks.first, day);
    const auto days = static_cast<std::int32_t>(marks.sessions.size() / 2);
    const std::int32_t new_span = std::max(days, offset + 1) - std::min(0, offset);
    if (new_span > max_marks_days) {
      f.error(at, "marks-span", "pupil " + pupil.id() + "'s marks would span more than 20 years with " +
                                    day.iso() + ": check the dates");
      return;
    }
    if (offset < 0) {
      marks.sessions.insert(marks.sessions.begin(), static_cast<std::size_t>(-2 * offset), not_recorded);
      marks.first = day;
    } else if (offset >= days) {
      marks.sessions.resize(static_cast<std::size_t>(2 * (offset + 1)), not_recorded);
    }
    const auto slot = static_cast<std::size_t>(2 * dsl::days_between(marks.first, day));
    if (marks.sessions[slot] != not_recorded || marks.sessions[slot + 1] != not_recorded) {
      f.error(at, "overlapping-marks", "a second row for pupil " + pupil.id() + " on " + day.iso() +
                                           ": give each pupil one row per day");
      return;
    }
    marks.sessions[slot] = sessions[0];
    marks.sessions[slot + 1] = sessions[1];
  }

  const dsl::Vocabulary& vocabulary_;
  const AttendanceCodes& codes_;
  dsl::Diagnostics& diagnostics_;
  std::vector<Pupil> pupils_;
  PupilIndex index_;
  Pupil* last_pupil_ = nullptr;
  std::string last_id_;
  const dsl::SourceFile* sources_pupils_ = nullptr;
  std::unordered_map<std::string, std::vector<AboutLink>> links_;  // by pupil id: `about` values to check
  std::size_t about_at_ = 0;  // where the last `about=` value of a `fields` cell starts
};

}  // namespace

std::vector<Pupil> read_case_csv(const dsl::SourceSet& sources, dsl::FileId pupils, std::optional<dsl::FileId> records,
                                 std::optional<dsl::FileId> attendance, const dsl::Vocabulary& vocabulary,
                                 const AttendanceCodes& codes, dsl::Diagnostics& diagnostics) {
  CaseCsvReader reader(vocabulary, codes, diagnostics);
  reader.set_pupils_source(&sources.file(pupils));
  return reader.read(sources, pupils, records, attendance);
}

}  // namespace waymark::engine::detail
