// Reading the CSV form of case records (case-records.md §4): pupils.csv, records.csv, attendance.csv.
// Built for whole rolls (250,000 pupils, a year of daily marks): each file is read once, from memory
// or (a large attendance.csv) a block at a time, cells are views, and the attendance rows of one pupil
// usually follow each other, so the pupil lookup is a string comparison with the previous row.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <future>
#include <initializer_list>
#include <iterator>
#include <map>
#include <thread>
#include <unordered_map>

#include "case_building.hpp"
#include "case_forms.hpp"
#include "csv_file.hpp"
#include "csv_reader.hpp"
#include "line_blocks.hpp"
#include "plain_row.hpp"
#include "value_text.hpp"
#include "waymark/engine/case_loader.hpp"
#include "waymark/engine/upn.hpp"

namespace waymark::engine::detail {
namespace {

// Pupil ids are short: compared in place, without a call to memcmp per attendance row or id lookup;
// ids of 8 to 16 bytes (P-0000001) as two overlapping 8-byte words, without a loop to mispredict.
inline bool same_id(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  if (n >= 8 && n <= 16) {
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    std::memcpy(&a1, a.data() + n - 8, 8);
    std::memcpy(&b1, b.data() + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Where each pupil id is in the pupils read: a flat hash table of views of the ids, built once all
// pupils are in, without a node per pupil. The views are of the pupils' own id strings, which live in
// each pupil's attribute block: that block stays put while the vector of pupils grows or moves, so the
// table may be built while the pupils are being moved into place.
class PupilIndex {
public:
  // A pupil's id with its hash, worked out by whichever thread read the pupil.
  struct Key {
    std::string_view id;
    std::size_t hash;
  };
  static Key key_of(const Pupil& pupil) {
    const std::string_view id = pupil.id();
    return {id, std::hash<std::string_view>{}(id)};
  }

  // Indexes the pupils whose keys are `parts` one after another (their places count on across the
  // parts); false when an id is used twice.
  bool build(std::initializer_list<const std::vector<Key>*> parts) {
    std::size_t count = 0;
    for (const auto* part : parts) count += part->size();
    std::size_t size = 16;
    while (size < 2 * count) size *= 2;  // at most half full: every search ends at an empty slot
    slots_.assign(size, Slot{});
    std::size_t place = 0;
    for (const auto* part : parts) {
      const std::vector<Key>& keys = *part;
      for (std::size_t i = 0; i < keys.size(); ++i, ++place) {
        // The slots are met in no order: ask for the one a few keys on while this one is placed.
        if (i + 8 < keys.size()) __builtin_prefetch(&slots_[keys[i + 8].hash & (size - 1)], 1);
        std::size_t at = keys[i].hash & (size - 1);
        for (; slots_[at].place != empty; at = (at + 1) & (size - 1)) {
          if (slots_[at].hash == keys[i].hash && same_id(slots_[at].id, keys[i].id)) return false;
        }
        slots_[at] = {keys[i].id, keys[i].hash, place};
      }
    }
    return true;
  }
  bool build(const std::vector<Pupil>& pupils) {
    std::vector<Key> keys;
    keys.reserve(pupils.size());
    for (const Pupil& p : pupils) keys.push_back(key_of(p));
    return build({&keys});
  }

  // The place of the pupil with this id, if any.
  std::optional<std::size_t> find(std::string_view id) const {
    if (slots_.empty()) return std::nullopt;
    const std::size_t hash = std::hash<std::string_view>{}(id);
    for (std::size_t at = hash & (slots_.size() - 1); slots_[at].place != empty; at = (at + 1) & (slots_.size() - 1)) {
      if (slots_[at].hash == hash && same_id(slots_[at].id, id)) return slots_[at].place;
    }
    return std::nullopt;
  }

  void clear() { slots_.clear(); }

private:
  static constexpr std::size_t empty = SIZE_MAX;
  // The hash is kept so that a search compares the id itself (in another pupil's memory) only when
  // the hashes agree.
  struct Slot {
    std::string_view id;
    std::size_t hash = 0;
    std::size_t place = empty;
  };
  std::vector<Slot> slots_;
};

// The day of each distinct date text of an attendance file, judged by parse_date the first time it is
// met: a roll's rows repeat a year's few hundred dates millions of times. Keyed by the ten bytes
// themselves, so a text is only ever taken for a date parse_date accepted.
class DayCache {
public:
  // What day() returns for a text that is not a date.
  static constexpr std::int32_t not_a_date = INT32_MIN;

  // The day `text` names, or not_a_date. (A plain number, not an optional: read back at once as a
  // whole, an optional written in two parts stalled the reader's loop.)
  std::int32_t day(std::string_view text) {
    if (text.size() != 10) return parse(text);
    std::uint64_t head = 0;
    std::uint16_t tail = 0;
    std::memcpy(&head, text.data(), 8);
    std::memcpy(&tail, text.data() + 8, 2);
    std::size_t at = static_cast<std::size_t>(((head ^ (std::uint64_t{tail} << 48)) * 0x9E3779B97F4A7C15ULL) >> 54);
    for (;; at = (at + 1) % slots_.size()) {
      Slot& slot = slots_[at];
      if (slot.used && slot.head == head && slot.tail == tail) return slot.day;
      if (slot.used) continue;
      const std::int32_t day = parse(text);
      // Half full at most, so that a search always ends at an empty slot; further dates are parsed.
      if (day != not_a_date && used_ < slots_.size() / 2) {
        slot = {head, tail, day, true};
        ++used_;
      }
      return day;
    }
  }

private:
  static std::int32_t parse(std::string_view text) {
    ValueError e;
    const auto d = parse_date(text, "date", e);
    return d ? d->days() : not_a_date;
  }
  struct Slot {
    std::uint64_t head = 0;
    std::uint16_t tail = 0;
    std::int32_t day = 0;
    bool used = false;
  };
  std::array<Slot, 1024> slots_{};
  std::size_t used_ = 0;
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
    bool utf8 = pupils.valid_text(sources);
    if (records) utf8 = records->valid_text(sources) && utf8;
    if (attendance) utf8 = attendance->valid_text(sources) && utf8;
    if (!utf8) return {};
    if (!read_pupils(sources, pupils)) return {};  // without the pupils, other files' rows cannot be checked
    if (records && attendance && attendance->text().size() >= (1u << 20) && std::thread::hardware_concurrency() >= 2) {
      read_records_beside_attendance(sources, *records_file, *attendance_file);
    } else {
      if (records) read_records(*records);
      if (attendance) read_attendance(*attendance);
    }
    if (diagnostics_.has_errors()) return {};
    return std::move(pupils_);
  }

  // As read(), with attendance.csv streamed from `attendance` (an open regular file of `size` bytes)
  // rather than held (LineBlocks). Nothing at the first problem of any kind, or when the file is not
  // in the plain form: the caller then reads it whole with read(), which says what is wrong.
  std::optional<std::vector<Pupil>> read_streaming(const dsl::SourceSet& sources, dsl::FileId pupils_file,
                                                   std::optional<dsl::FileId> records_file, int attendance,
                                                   std::size_t size) {
    CsvFile pupils(sources, pupils_file, diagnostics_);
    if (!pupils.valid_text(sources)) return std::nullopt;
    std::optional<CsvFile> records;
    if (records_file) records.emplace(sources, *records_file, diagnostics_);
    if (records && !records->valid_text(sources)) return std::nullopt;
    if (!read_pupils(sources, pupils) || !diagnostics_.empty()) return std::nullopt;
    std::future<void> reading;
    if (records) reading = std::async(std::launch::async, [&] { read_records(*records); });
    const bool streamed = read_attendance_streamed(attendance, size);
    if (reading.valid()) reading.get();
    if (!streamed || !diagnostics_.empty()) return std::nullopt;
    for (Pupil& p : pupils_) p.attendance.sessions.shrink_to_fit();
    return std::move(pupils_);
  }

private:
  // ---- pupils.csv
  // Where pupils.csv's columns go: the attribute index of each allowed column, and the special ones.
  struct PupilColumns {
    std::vector<std::string> allowed;
    std::vector<std::size_t> attribute;
    std::size_t id = 0;  // pupil_keys lists `id` first
    std::size_t upn = 0;
    std::size_t name = 0;
    Pupil blank;  // a pupil with every attribute at its default, copied for each row
  };

  PupilColumns pupil_columns() const {
    PupilColumns c;
    c.blank = new_pupil(vocabulary_, std::string());
    c.allowed = pupil_keys(vocabulary_);
    c.attribute.assign(c.allowed.size(), CsvFile::npos);
    for (std::size_t k = 0; k < c.allowed.size(); ++k) {
      if (auto a = attribute_index(vocabulary_, c.allowed[k])) c.attribute[k] = *a;
    }
    c.upn = c.allowed.size() - 2;
    c.name = c.allowed.size() - 1;
    return c;
  }

  bool read_pupils(const dsl::SourceSet& sources, CsvFile& f) {
    const PupilColumns columns = pupil_columns();
    if (!f.header(columns.allowed, {"id"})) return false;
    if (read_pupils_in_two(sources, f, columns)) return true;
    std::unordered_map<std::string, std::size_t> seen;  // each id and the pupil that has it, in file order
    while (f.row()) {
      std::optional<Pupil> pupil = pupil_row(f, columns);
      if (!pupil) continue;
      const auto [at, fresh] = seen.emplace(pupil->id(), pupils_.size());
      if (!fresh) {
        const auto first = pupils_[at->second].origin;
        f.error(*f.cell(columns.id), "duplicate-pupil",
                "this pupil id is used twice in " + f.name() + " (line " + std::to_string(line_of(f, first.begin)) +
                    "): each pupil appears once");
        continue;
      }
      pupils_.push_back(std::move(*pupil));
    }
    index_.build(pupils_);  // no id is used twice now
    return !f.failed();
  }

  // The pupil of the current row; nothing (with an error) when it has no id. Touches no member, so two
  // threads may read rows side by side.
  std::optional<Pupil> pupil_row(CsvFile& f, const PupilColumns& columns) const {
    const CsvCell& id = *f.cell(columns.id);
    if (id.text.empty()) {
      f.error(id, "missing-field", "this row has no pupil id: every pupil needs an 'id', unique across the caseload");
      return std::nullopt;
    }
    Pupil pupil;
    pupil.attributes = columns.blank.attributes;  // new_pupil's defaults, worked out once
    pupil.attributes[0] = std::string(id.text);
    pupil.origin = {f.id(), id.offset, id.offset + id.text.size()};
    for (std::size_t c = 0; c < columns.allowed.size(); ++c) {
      const CsvCell* cell = f.cell(c);
      if (cell == nullptr || cell->text.empty() || c == columns.id) continue;
      if (c == columns.name) {
        pupil.name = std::string(cell->text);
      } else if (c == columns.upn) {
        // case-records.md §5; the message never repeats the UPN, which is personal data.
        const UpnProblem problem = check_upn(cell->text);
        if (problem != UpnProblem::none) {
          f.error(*cell, "invalid-upn", "this UPN " + std::string(describe(problem)) +
                                            ": copy it again from the school's records");
        } else {
          pupil.upn = std::string(cell->text);
        }
      } else {
        const dsl::FieldSpec& spec = vocabulary_.pupil_attributes()[columns.attribute[c]];
        if (auto v = value(f, *cell, 0, cell->text, spec)) pupil.attributes[columns.attribute[c]] = std::move(*v);
      }
    }
    return pupil;
  }

  // A large pupils.csv is read on both cores: the second half (from a line start) on another thread,
  // each half quietly. Any problem in either half, or a pupil id used twice, and nothing is kept: the
  // caller reads the file again in one pass, so every diagnostic is exactly as it would be.
  // The first half is read into a vector with room for every line, so joining the halves moves only
  // the second half's pupils; the id index is built beside that move, from keys each half made.
  bool read_pupils_in_two(const dsl::SourceSet& sources, CsvFile& f, const PupilColumns& columns) {
    const std::size_t start = f.position();
    const std::string_view text = f.text();
    if (text.size() - start < (1u << 20) || std::thread::hardware_concurrency() < 2 || f.failed()) return false;
    const std::size_t middle = text.find('\n', start + (text.size() - start) / 2);
    if (middle == std::string_view::npos || middle + 1 >= text.size()) return false;
    using Keys = std::vector<PupilIndex::Key>;
    const auto read_part = [&](std::size_t from, std::size_t to, std::vector<Pupil>& into, Keys& keys) {
      dsl::Diagnostics quiet;
      CsvFile part(sources, f.id(), quiet);
      if (!part.header(columns.allowed, {"id"})) return false;
      part.seek(from);
      part.stop_at(to);
      while (part.row()) {
        std::optional<Pupil> pupil = pupil_row(part, columns);
        if (pupil) into.push_back(std::move(*pupil));
      }
      keys.reserve(into.size());
      for (const Pupil& p : into) keys.push_back(PupilIndex::key_of(p));
      return !part.failed() && part.position() >= to;
    };
    std::vector<Pupil> second;
    Keys second_keys;
    auto reading = std::async(std::launch::async, [&] {
      second.reserve(room_for_pupils(text.substr(middle + 1)));
      return read_part(middle + 1, text.size(), second, second_keys);
    });
    std::vector<Pupil> first;
    Keys first_keys;
    first.reserve(room_for_pupils(text.substr(start)));
    bool ok = read_part(start, middle + 1, first, first_keys);
    ok = reading.get() && ok;
    if (ok) {
      auto joining = std::async(std::launch::async, [&] {
        std::move(second.begin(), second.end(), std::back_inserter(first));
      });
      ok = index_.build({&first_keys, &second_keys});
      joining.get();
    }
    if (!ok) {
      index_.clear();
      return false;
    }
    pupils_ = std::move(first);
    f.seek(text.size());
    return true;
  }

  // Room for the pupils of `text`: a line at most per pupil, but never more than one per 64 bytes, so
  // that a file of blank or broken lines cannot ask for more memory than its size warrants (the vector
  // grows as usual past that).
  static std::size_t room_for_pupils(std::string_view text) {
    std::size_t lines = 0;
    for (const char* at = text.data(); at != nullptr; ++lines) {
      const void* nl = std::memchr(at, '\n', static_cast<std::size_t>(text.data() + text.size() - at));
      at = nl == nullptr ? nullptr : static_cast<const char*>(nl) + 1;
    }
    return std::min(lines, text.size() / 64 + 1);
  }

  std::size_t line_of(const CsvFile&, std::size_t offset) const {
    return sources_pupils_ != nullptr ? sources_pupils_->position(offset).line : 0;
  }

public:
  void set_pupils_source(const dsl::SourceFile* s) { sources_pupils_ = s; }

private:
  // A typed value from part of a cell (`part` starts at character `at` of the cell's text).
  std::optional<FieldValue> value(CsvFile& f, const CsvCell& cell, std::size_t at, std::string_view part,
                                  const dsl::FieldSpec& spec) const {
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
  // previous row's pupil, then the next few pupils of pupils.csv (most pupils have no records, so a
  // records file skips a few at a time; the pupils lie in order in memory), before the hash table.
  Pupil* find_pupil(std::string_view id) {
    if (last_pupil_ != nullptr && same_id(last_id_, id)) return last_pupil_;
    constexpr std::size_t look_ahead = 8;
    const std::size_t next = last_pupil_ == nullptr ? 0 : static_cast<std::size_t>(last_pupil_ - pupils_.data()) + 1;
    std::size_t index = next;
    while (index < pupils_.size() && index < next + look_ahead && !same_id(pupils_[index].id(), id)) ++index;
    if (index == pupils_.size() || index == next + look_ahead) {
      const auto at = index_.find(id);
      if (!at) return nullptr;
      index = *at;
    }
    last_id_ = id;
    last_pupil_ = &pupils_[index];
    return last_pupil_;
  }

  // ---- records.csv
  enum RecordColumn : std::size_t { col_pupil, col_kind, col_id, col_date, col_start, col_end, col_fields };

  // What each kind's rows start from, worked out once per file rather than once per row.
  struct KindPlan {
    Record blank;                      // every field at its default
    std::optional<std::size_t> about;  // where its `about` field is, if it has one
  };

  void read_records(CsvFile& f) {
    last_pupil_ = nullptr;
    if (!f.header({"pupil_id", "kind", "id", "date", "start", "end", "fields"}, {"pupil_id", "kind", "id"})) return;
    std::vector<KindPlan> plans;
    for (std::uint32_t k = 0; k < vocabulary_.kinds().size(); ++k) {
      plans.push_back({new_record(vocabulary_, k), about_index(vocabulary_.kinds()[k])});
    }
    std::vector<bool> written;  // which fields the row's `fields` cell gave
    while (f.row()) {
      const CsvCell& pupil_cell = *f.cell(col_pupil);
      Pupil* pupil = find_pupil(pupil_cell.text);
      if (pupil == nullptr) {
        f.error(pupil_cell, "unknown-pupil", "no pupil with this id in pupils.csv: add the pupil there, or correct the id");
        continue;
      }
      const CsvCell& kind_cell = *f.cell(col_kind);
      const auto k = kind_index(vocabulary_, kind_cell.text);
      if (!k) {
        const auto names = vocabulary_.kind_names();
        std::string hint = dsl::did_you_mean(std::string(kind_cell.text), names);
        if (hint.empty()) hint = " (kinds: " + CsvFile::join(names) + ")";
        f.error(kind_cell, "unknown-kind", "unknown record kind" + hint);
        continue;
      }
      const dsl::KindSpec& spec = vocabulary_.kinds()[*k];
      const KindPlan& plan = plans[*k];
      Record record = plan.blank;
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
      written.assign(spec.fields.size(), false);
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
                "'end' is before 'start': an episode ends on or after its first day");
        continue;
      }
      if (const auto about = plan.about) {
        if (const auto* text = std::get_if<std::string>(&record.fields[*about])) {
          links_[static_cast<std::size_t>(pupil - pupils_.data())].push_back({record.id(), *text, {f.id(), about_at_, about_at_ + std::max<std::size_t>(text->size(), 1)}});
        }
      }
      pupil->records.push_back(std::move(record));
    }
    // case-records.md §2.1: `about` names another record of the same pupil, in any row.
    // Checked in the pupils' order (the map's), touching only the pupils that have such records.
    for (const auto& [place, links] : links_) check_about_links(pupils_[place], links, f.diagnostics());
    // Record ids are unique within a pupil: find repeats once all rows are in. Then put each pupil's
    // records in the order rules read them (this runs beside the attendance on a large roll).
    for (Pupil& p : pupils_) {
      if (p.records.size() < 2) continue;
      if (repeats_an_id(p.records)) report_repeated_ids(f, p.records);
      sort_records(p.records);
    }
  }

  // Each record whose id an earlier row of the same pupil used, in order of id, then of row.
  static void report_repeated_ids(CsvFile& f, const std::vector<Record>& records) {
    std::vector<const Record*> order;
    order.reserve(records.size());
    for (const Record& r : records) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [](const Record* a, const Record* b) {
      return a->id() != b->id() ? a->id() < b->id() : a->origin.begin < b->origin.begin;
    });
    for (std::size_t i = 1; i < order.size(); ++i) {
      if (order[i]->id() != order[i - 1]->id()) continue;
      f.error(order[i]->origin.begin, order[i]->id().size(), "duplicate-record",
              "this record id is already used by the same pupil: give each record its own id");
    }
  }

  // Whether two of a pupil's records share an id. A pupil has a handful of records: comparing every
  // pair costs less than sorting them, and only a repeat needs the sorted order to be reported.
  static bool repeats_an_id(const std::vector<Record>& records) {
    if (records.size() > 16) return true;  // report_repeated_ids sorts them and finds out
    for (std::size_t i = 1; i < records.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (records[i].id() == records[j].id()) return true;
      }
    }
    return false;
  }

  // The `fields` cell: key=value;key=value with \; \= \\ escapes (case-records.md §4).
  bool read_fields(CsvFile& f, const CsvCell& cell, const dsl::KindSpec& spec, Record& record,
                   std::vector<bool>& written) {
    const std::string_view text = cell.text;
    bool ok = true;
    std::size_t i = 0;
    std::string key_buffer;  // an item's key and value after unescaping, when it has a '\\'
    std::string value_buffer;
    while (i <= text.size()) {
      // One item: key up to an unescaped '=', value up to an unescaped ';'. Almost no item has an
      // escape: those are read as views of the cell, the others a character at a time.
      std::string_view key;
      std::string_view value;
      std::size_t key_at = i;
      std::size_t value_at = std::string_view::npos;
      bool bad_escape = false;
      // (A loop, not find_first_of: with two characters that calls memchr once per byte.)
      std::size_t stop = i;
      while (stop < text.size() && text[stop] != ';' && text[stop] != '\\') ++stop;
      if (stop == text.size() || text[stop] == ';') {
        const std::string_view item = text.substr(i, stop - i);
        const std::size_t equals = item.find('=');
        key = item.substr(0, equals);
        if (equals != std::string_view::npos) {
          value_at = i + equals + 1;
          value = item.substr(equals + 1);
        }
        i = stop;
      } else {
        key_buffer.clear();
        value_buffer.clear();
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
          (value_at == std::string_view::npos ? key_buffer : value_buffer) += c;
        }
        key = key_buffer;
        value = value_buffer;
      }
      ++i;  // past ';'
      if (bad_escape) continue;
      if (key.empty() && value_at == std::string_view::npos) continue;  // an empty item (`a=1;`)
      if (value_at == std::string_view::npos) {
        f.error(f.offset_in(cell, key_at), key.size(), "fields-syntax",
                "'fields' holds key=value pairs separated by ';': write the field's name, '=' and its value");
        ok = false;
        continue;
      }
      const dsl::FieldSpec* field = spec.field(key);
      const std::size_t index = field == nullptr ? 0 : static_cast<std::size_t>(field - spec.fields.data());
      if (field == nullptr || field->builtin) {
        std::string message = field != nullptr ? "'" + field->name + "' has its own column: move it out of 'fields'"
                                               : unknown_field_message(spec, std::string(key));
        f.error(f.offset_in(cell, key_at), key.size(), "unknown-field", message);
        ok = false;
        continue;
      }
      if (written[index]) {
        f.error(f.offset_in(cell, key_at), key.size(), "duplicate-field", "'" + field->name + "' is given twice in 'fields'; keep one");
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

  // records.csv and attendance.csv fill different parts of each pupil, so a large export's records are
  // read on another thread while the attendance is read here. Each file reports into diagnostics of
  // its own, appended afterwards records first, so the messages are those of one pass. Only the
  // attendance file's single pass (after a problem) shares find_pupil() with the records, so it waits.
  void read_records_beside_attendance(const dsl::SourceSet& sources, dsl::FileId records_file,
                                      dsl::FileId attendance_file) {
    dsl::Diagnostics records_found;
    dsl::Diagnostics attendance_found;
    CsvFile records(sources, records_file, records_found);
    CsvFile attendance(sources, attendance_file, attendance_found);
    auto reading = std::async(std::launch::async, [&] { read_records(records); });
    const auto columns = attendance_header(attendance);
    const bool quick = columns && read_attendance_in_two(attendance, *columns);
    reading.get();
    if (columns && !quick) read_attendance_rows(attendance, *columns);
    for (Pupil& p : pupils_) p.attendance.sessions.shrink_to_fit();
    diagnostics_.append(records_found);
    diagnostics_.append(attendance_found);
  }

  // The attendance header's pupil, date, am and pm columns; nothing (reported) when it is wrong.
  static std::optional<std::array<std::size_t, 4>> attendance_header(CsvFile& f) {
    if (!f.header({"pupil_id", "date", "am", "pm"}, {"pupil_id", "date", "am", "pm"})) return std::nullopt;
    return std::array<std::size_t, 4>{f.column(a_pupil), f.column(a_date), f.column(a_am), f.column(a_pm)};
  }

  void read_attendance(CsvFile& f) {
    const auto columns = attendance_header(f);
    if (!columns) return;
    if (!read_attendance_in_two(f, *columns)) read_attendance_rows(f, *columns);
    // Spans grew by doubling; a whole roll stays in memory while rules run, so give the slack back.
    for (Pupil& p : pupils_) p.attendance.sessions.shrink_to_fit();
  }

  // The single pass over attendance rows, reporting every problem.
  void read_attendance_rows(CsvFile& f, const std::array<std::size_t, 4>& columns) {
    last_pupil_ = nullptr;
    const std::size_t pupil_column = columns[0];
    const std::size_t date_column = columns[1];
    const std::size_t am_column = columns[2];
    const std::size_t pm_column = columns[3];
    std::string_view last_date_text;
    dsl::Date last_date;
    while (f.row()) {
      const auto& cells = f.cells();
      const CsvCell& pupil_cell = cells[pupil_column];
      Pupil* pupil = find_pupil(pupil_cell.text);
      if (pupil == nullptr) {
        f.error(pupil_cell, "unknown-pupil", "no pupil with this id in pupils.csv: add the pupil there, or correct the id");
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
                                 : std::string("this mark is not an attendance code of the vocabulary: use a code "
                                                        "from its attendance_codes table, and '-' for no session"));
          ok = false;
          continue;
        }
        sessions[half] = *code;
      }
      if (!ok) continue;
      place(f, date_cell, *pupil, day, sessions);
    }
  }

  // ---- attendance.csv on two cores
  // A roll's attendance file is most of the input (a row per pupil per day). It is read in two parts
  // side by side, the second from the first line of a new pupil. Each part gathers a pupil's run of
  // rows and places it at once, into a span allocated at its exact size. A pupil is claimed by the
  // first part to place it; a pupil whose rows are in both parts, or any problem at all (a bad row,
  // a quoted cell, overlapping marks), sends the whole file back to the single pass, which reports it
  // exactly as before: errors are rare, and their messages and order must not depend on threads.
  struct DayMarks {
    std::int32_t day;
    std::array<std::uint8_t, 2> sessions;
  };
  using Claims = std::vector<std::atomic<std::uint8_t>>;

  // Places one pupil's run of rows read by part `part` (1 or 2); false if the other part has the pupil
  // too, or the marks overlap or span too long (the single pass then says which).
  bool place_run(std::size_t index, const std::vector<DayMarks>& run, Claims& claims, std::uint8_t part) {
    if ((claims[index].fetch_or(part, std::memory_order_relaxed) & ~part) != 0) return false;
    AttendanceMarks& marks = pupils_[index].attendance;
    if (!marks.sessions.empty()) {  // this part met the pupil before, further up: rare, grow the span
      for (const DayMarks& m : run) {
        if (!place_quietly(pupils_[index], dsl::Date::from_days(m.day), m.sessions)) return false;
      }
      return true;
    }
    const auto [low, high] = std::minmax_element(run.begin(), run.end(),
                                                 [](const DayMarks& a, const DayMarks& b) { return a.day < b.day; });
    const std::int32_t days = high->day - low->day + 1;
    if (days > max_marks_days) return false;
    marks.first = dsl::Date::from_days(low->day);
    marks.sessions.assign(static_cast<std::size_t>(2 * days), not_recorded);
    for (const DayMarks& m : run) {
      const auto slot = static_cast<std::size_t>(2 * (m.day - low->day));
      if (marks.sessions[slot] != not_recorded || marks.sessions[slot + 1] != not_recorded) return false;
      marks.sessions[slot] = m.sessions[0];
      marks.sessions[slot + 1] = m.sessions[1];
    }
    return true;
  }

  // One part's reading state, kept from one block of rows to the next.
  struct MarksPart {
    MarksPart(std::uint8_t which, std::size_t no_pupil) : part(which), last_index(no_pupil) {}
    std::uint8_t part;
    DayCache days;
    std::vector<DayMarks> run;  // the rows of the pupil at last_index so far
    std::size_t last_index;     // pupils_.size() before the first row
    std::string_view last_id;   // that pupil's own id, which outlives every block
  };

  // Places the part's run of rows: its pupil's rows have ended.
  bool end_run(MarksPart& p, Claims& claims, const std::atomic<bool>& stop) {
    return p.run.empty() || (!stop.load(std::memory_order_relaxed) && place_run(p.last_index, p.run, claims, p.part));
  }

  // Reads a block of whole rows (pupil, date, am and pm in cells `column`) into part `p`, placing each
  // pupil's run of rows as the next pupil's begin. False at the first problem.
  bool read_marks(std::string_view text, const std::array<std::size_t, 4>& column, MarksPart& p, Claims& claims,
                  const std::atomic<bool>& stop) {
    const char* data = text.data();
    const std::size_t n = text.size();
    const bool export_order = column == std::array<std::size_t, 4>{a_pupil, a_date, a_am, a_pm};
    std::array<std::string_view, 4> cells;
    std::size_t pos = 0;
    while (pos < n) {
      if (export_order && same_pupils_row(data + pos, n - pos, p)) {
        pos += p.last_id.size() + 16;
        continue;
      }
      if (data[pos] == '\n') {
        ++pos;
        continue;
      }
      if (data[pos] == '\r' && pos + 1 < n && data[pos + 1] == '\n') {
        pos += 2;
        continue;
      }
      if (!split_plain_row(text, pos, cells, pos)) return false;
      const std::string_view id = cells[column[0]];
      if (p.last_index == pupils_.size() || !same_id(id, p.last_id)) {
        if (!end_run(p, claims, stop)) return false;
        p.run.clear();
        std::size_t index = p.last_index == pupils_.size() ? 0 : p.last_index + 1;
        if (index >= pupils_.size() || !same_id(pupils_[index].id(), id)) {
          const auto at = index_.find(id);
          if (!at) return false;
          index = *at;
        }
        p.last_index = index;
        p.last_id = pupils_[index].id();
      }
      const std::int32_t day = p.days.day(cells[column[1]]);
      if (day == DayCache::not_a_date) return false;
      const auto am = codes_.find(cells[column[2]]);
      const auto pm = codes_.find(cells[column[3]]);
      if (!am || !pm) return false;
      p.run.push_back({day, {*am, *pm}});
    }
    return true;
  }

  // Most of an export's rows are another day of the pupil of the row before, with one-character codes:
  // `<that pupil's id>,YYYY-MM-DD,<code>,<code>\n`. Such a row (`left` bytes from `row` on) is read
  // here without splitting it, and its marks added to the part's run; anything else (false) is left to
  // the splitter. Only what the splitter would read the same way is taken: the id is the previous
  // row's own (a plain cell, so no comma or quote), the date one parse_date accepts (through the
  // part's cache), and each code one byte that is a code and no separator.
  bool same_pupils_row(const char* row, std::size_t left, MarksPart& p) const {
    const std::size_t id = p.last_id.size();
    if (p.last_index == pupils_.size() || left < id + 16 || !same_id(std::string_view(row, id), p.last_id)) return false;
    const char* rest = row + id;
    if (rest[0] != ',' || rest[11] != ',' || rest[13] != ',' || rest[15] != '\n') return false;
    const auto is_separator = [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; };
    if (is_separator(rest[12]) || is_separator(rest[14])) return false;
    const std::uint8_t am = codes_.single(rest[12]);
    const std::uint8_t pm = codes_.single(rest[14]);
    if (am == not_recorded || pm == not_recorded) return false;
    const std::int32_t day = p.days.day(std::string_view(rest + 1, 10));
    if (day == DayCache::not_a_date) return false;
    p.run.push_back({day, {am, pm}});
    return true;
  }

  // The start of the first line from `at` on whose pupil differs from that of the line starting at
  // `before` (the one before `at`); nothing when there is none or a pupil id is quoted.
  static std::optional<std::size_t> next_pupils_line(std::string_view text, std::size_t before, std::size_t at) {
    const auto first_cell = [&](std::size_t line) { return text.substr(line, text.find_first_of(",\n", line) - line); };
    const std::string_view previous = first_cell(before);
    while (at < text.size()) {
      const std::string_view id = first_cell(at);
      if (id.find('"') != std::string_view::npos || previous.find('"') != std::string_view::npos) return std::nullopt;
      if (id != previous) return at;
      const std::size_t nl = text.find('\n', at);
      if (nl == std::string_view::npos) return std::nullopt;
      at = nl + 1;
    }
    return std::nullopt;
  }

  // The start of the first line, at or after the middle of [from, end), whose pupil differs from the
  // line before it; nothing when there is none or a pupil id is quoted.
  static std::optional<std::size_t> split_point(std::string_view text, std::size_t from) {
    std::size_t at = text.find('\n', from + (text.size() - from) / 2);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
    const std::size_t line_before = text.rfind('\n', at - 2);
    return next_pupils_line(text, line_before == std::string_view::npos ? from : line_before + 1, at);
  }

  bool read_attendance_in_two(CsvFile& f, const std::array<std::size_t, 4>& column) {
    const std::size_t start = f.position();
    const std::string_view text = f.text();
    if (text.size() - start < (1u << 20) || std::thread::hardware_concurrency() < 2 || f.failed()) return false;
    const auto split = split_point(text, start);
    if (!split) return false;
    Claims claims(pupils_.size());
    std::atomic<bool> stop{false};
    const auto read_part = [&](std::size_t from, std::size_t to, std::uint8_t part) {
      MarksPart p(part, pupils_.size());
      const bool ok = f.width() == 4 && read_marks(text.substr(from, to - from), column, p, claims, stop) &&
                      end_run(p, claims, stop);
      if (!ok) stop = true;
      return ok;
    };
    auto reading = std::async(std::launch::async, [&] { return read_part(*split, text.size(), 2); });
    bool ok = read_part(start, *split, 1);
    ok = reading.get() && ok;
    if (ok) return true;
    for (Pupil& p : pupils_) p.attendance = AttendanceMarks{};  // back to the single pass
    f.seek(start);
    return false;
  }

  // ---- attendance.csv streamed
  // The plain export only: the header exactly `pupil_id,date,am,pm`, then rows read in two parts side
  // by side as read_attendance_in_two reads them, each part through LineBlocks, each block checked as
  // check_text checks a whole file.
  bool read_attendance_streamed(int fd, std::size_t size) {
    std::array<char, 64> head{};
    const ssize_t got = ::pread(fd, head.data(), head.size(), 0);
    if (got <= 0) return false;
    const std::string_view first(head.data(), static_cast<std::size_t>(got));
    const std::size_t line_end = first.find('\n');
    if (line_end == std::string_view::npos) return false;
    std::string_view header = first.substr(0, line_end);
    if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
    if (header != "pupil_id,date,am,pm") return false;
    const std::size_t start = line_end + 1;
    const std::optional<std::size_t> split = streamed_split_point(fd, start, size);
    Claims claims(pupils_.size());
    std::atomic<bool> stop{false};
    const auto read_part = [&](std::size_t from, std::size_t to, std::uint8_t part) {
      LineBlocks blocks(fd, from, to);
      MarksPart p(part, pupils_.size());
      constexpr std::array<std::size_t, 4> columns{a_pupil, a_date, a_am, a_pm};
      std::string_view block;
      bool ok = true;
      while (ok && blocks.next(block)) {
        ok = !stop.load(std::memory_order_relaxed) && !dsl::text_problem(block, /*file_start=*/false) &&
             read_marks(block, columns, p, claims, stop);
      }
      ok = ok && !blocks.failed() && end_run(p, claims, stop);
      if (!ok) stop = true;
      return ok;
    };
    if (!split) return read_part(start, size, 1);
    auto reading = std::async(std::launch::async, [&] { return read_part(*split, size, 2); });
    const bool ok = read_part(start, *split, 1);
    return reading.get() && ok;
  }

  // split_point for a file that is not in memory: found in a block read from the middle of [from,
  // size); nothing when the block holds no change of pupil (one part then reads it all).
  static std::optional<std::size_t> streamed_split_point(int fd, std::size_t from, std::size_t size) {
    if (size - from < (std::size_t{1} << 20) || std::thread::hardware_concurrency() < 2) return std::nullopt;
    const std::size_t window_at = from + (size - from) / 2;
    LineBlocks window(fd, window_at, size);  // its first block: about 1 MiB, ending at a line end
    std::string_view block;
    if (!window.next(block)) return std::nullopt;
    // Whole lines only: from the first line start in the block.
    const std::size_t first = block.find('\n');
    if (first == std::string_view::npos) return std::nullopt;
    const std::string_view lines = block.substr(first + 1);
    const std::optional<std::size_t> at = next_pupils_line(lines, 0, lines.find('\n') + 1);
    if (!at) return std::nullopt;
    return window_at + first + 1 + *at;
  }

  // What putting one day's marks into a pupil's span found.
  enum class Placed { placed, span_too_long, overlapping };

  // Puts one day's two sessions into the pupil's span, growing it as needed; the one mechanism behind
  // place() (which reports) and place_quietly() (the two-core reader, which only needs to know).
  static Placed place_marks(Pupil& pupil, dsl::Date day, const std::array<std::uint8_t, 2>& sessions) {
    AttendanceMarks& marks = pupil.attendance;
    if (marks.sessions.empty()) {
      marks.first = day;
      marks.sessions.assign({sessions[0], sessions[1]});
      return Placed::placed;
    }
    const std::int32_t offset = dsl::days_between(marks.first, day);
    const auto days = static_cast<std::int32_t>(marks.sessions.size() / 2);
    const std::int32_t new_span = std::max(days, offset + 1) - std::min(0, offset);
    if (new_span > max_marks_days) return Placed::span_too_long;
    if (offset < 0) {
      marks.sessions.insert(marks.sessions.begin(), static_cast<std::size_t>(-2 * offset), not_recorded);
      marks.first = day;
    } else if (offset >= days) {
      marks.sessions.resize(static_cast<std::size_t>(2 * (offset + 1)), not_recorded);
    }
    const auto slot = static_cast<std::size_t>(2 * dsl::days_between(marks.first, day));
    if (marks.sessions[slot] != not_recorded || marks.sessions[slot + 1] != not_recorded) return Placed::overlapping;
    marks.sessions[slot] = sessions[0];
    marks.sessions[slot + 1] = sessions[1];
    return Placed::placed;
  }

  static bool place_quietly(Pupil& pupil, dsl::Date day, const std::array<std::uint8_t, 2>& sessions) {
    return place_marks(pupil, day, sessions) == Placed::placed;
  }

  void place(CsvFile& f, const CsvCell& at, Pupil& pupil, dsl::Date day, const std::uint8_t (&sessions)[2]) {
    switch (place_marks(pupil, day, {sessions[0], sessions[1]})) {
      case Placed::placed:
        return;
      case Placed::span_too_long:
        f.error(at, "marks-span", "with this date the pupil's marks would span more than 20 years: check the dates");
        return;
      case Placed::overlapping:
        f.error(at, "overlapping-marks", "a second row for the same pupil and day: give each pupil one row per day");
        return;
    }
  }

  const dsl::Vocabulary& vocabulary_;
  const AttendanceCodes& codes_;
  dsl::Diagnostics& diagnostics_;
  std::vector<Pupil> pupils_;
  PupilIndex index_;
  Pupil* last_pupil_ = nullptr;
  std::string last_id_;
  const dsl::SourceFile* sources_pupils_ = nullptr;
  std::map<std::size_t, std::vector<AboutLink>> links_;  // by the pupil's place: `about` values to check
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

std::optional<std::vector<Pupil>> read_case_csv_streaming(const dsl::SourceSet& sources, dsl::FileId pupils,
                                                           std::optional<dsl::FileId> records,
                                                           const std::string& attendance,
                                                           const dsl::Vocabulary& vocabulary,
                                                           const AttendanceCodes& codes, dsl::FileStamp& stamp) {
  // Opened as read_source opens an input: never blocking, and only a regular file is read.
  const int fd = ::open(attendance.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::vector<Pupil>> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    stamp = dsl::FileStamp::of(st);
    dsl::Diagnostics quiet;
    CaseCsvReader reader(vocabulary, codes, quiet);
    reader.set_pupils_source(&sources.file(pupils));
    out = reader.read_streaming(sources, pupils, records, fd, static_cast<std::size_t>(st.st_size));
  }
  ::close(fd);
  return out;
}

}  // namespace waymark::engine::detail
