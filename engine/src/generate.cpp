// `waymark gen`: realistic synthetic pupils. A small, portable generator (SplitMix64) keeps the
// output identical for a seed on any machine; std:: distributions are not specified bit-for-bit.

#include "waymark/engine/generate.hpp"
#include "waymark/engine/csv_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace waymark::engine {
namespace {

using dsl::Date;

class Random {
public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// 0 .. n-1
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  /// True with probability `per_mille` / 1000.
  bool chance(std::uint64_t per_mille) { return below(1000) < per_mille; }

private:
  std::uint64_t state_;
};

/// Builds records field by field, by name, in the vocabulary's order.
class RecordMaker {
public:
  explicit RecordMaker(const dsl::Vocabulary& v) : vocabulary_(v) {}

  bool has(const char* kind) const { return vocabulary_.kind(kind) != nullptr && vocabulary_.kind(kind)->name == kind; }

  Record make(const char* kind_name, std::string id, Date anchor, std::optional<Date> end = std::nullopt) const {
    const dsl::KindSpec& kind = *vocabulary_.kind(kind_name);
    Record r = new_record(vocabulary_, static_cast<std::uint32_t>(&kind - vocabulary_.kinds().data()));
    r.fields[0] = std::move(id);
    r.fields[1] = anchor;
    if (kind.shape == dsl::KindShape::episode && end) r.fields[end_field] = *end;
    return r;
  }

  void set(Record& r, const char* field, FieldValue value) const {
    const dsl::KindSpec& kind = vocabulary_.kinds()[r.kind];
    const dsl::FieldSpec* f = kind.field(field);
    if (f == nullptr) return;
    if (f->type == dsl::FieldType::enumeration) {
      if (const auto* s = std::get_if<std::string>(&value)) {
        const auto at = std::find(f->values.begin(), f->values.end(), *s);
        if (at == f->values.end()) return;
        value = EnumValue{static_cast<std::uint32_t>(at - f->values.begin())};
      }
    }
    r.fields[static_cast<std::size_t>(f - kind.fields.data())] = std::move(value);
  }

private:
  const dsl::Vocabulary& vocabulary_;
};

// Schools by phase, so that a pupil's age fits the school (Reception to Year 6 at a primary, Years 7
// to 11 at a secondary, any at an all-through school).
struct School {
  const char* name;
  int first_group;  // 0 = Reception, 11 = Year 11
  int last_group;
};
const School schools[] = {{"Riverside Primary", 0, 6},  {"Meadowbank Primary", 0, 6}, {"Brookside Primary", 0, 6},
                          {"Hillcrest High", 7, 11},     {"Northgate School", 7, 11},  {"Oakfield Academy", 7, 11},
                          {"St Mary's CE School", 0, 11}, {"Elmwood Academy", 0, 11}};

// One draw picks a school the year group fits, the same number of draws as before phases counted.
const char* school_for(int group, std::uint64_t draw) {
  const School* fits[std::size(schools)];
  std::size_t n = 0;
  for (const School& s : schools) {
    if (group >= s.first_group && group <= s.last_group) fits[n++] = &s;
  }
  return fits[draw % n]->name;
}

}  // namespace

Caseload generate_caseload(const dsl::Vocabulary& vocabulary, const Calendar& calendar, const GenerateOptions& options) {
  Random random(options.seed);
  RecordMaker maker(vocabulary);
  AttendanceCodes codes(vocabulary);
  std::vector<Date> days;  // school days in the marked period
  for (const Date d : calendar.school_days()) {
    if (d >= options.first_day && d <= options.last_day) days.push_back(d);
  }
  auto code = [&](const char* c) { return codes.find(c).value_or(not_recorded); };
  const std::uint8_t present_am = code("/"), present_pm = code("\\"), none = code("-");
  const std::uint8_t absence_codes[] = {code("I"), code("I"), code("I"), code("M"), code("N"), code("O"), code("G"),
                                        code("C"), code("U"), code("E")};
  auto attribute = [&](Pupil& p, const char* name, FieldValue v) {
    if (const dsl::FieldSpec* f = vocabulary.pupil_attribute(name)) {
      if (f->type == dsl::FieldType::enumeration) {
        const auto at = std::find(f->values.begin(), f->values.end(), std::get<std::string>(v));
        if (at == f->values.end()) return;
        v = EnumValue{static_cast<std::uint32_t>(at - f->values.begin())};
      }
      p.attributes[static_cast<std::size_t>(f - vocabulary.pupil_attributes().data())] = std::move(v);
    }
  };

  auto rate = [&](const char* kind) -> std::uint64_t {
    if (const auto at = options.per_mille.find(kind); at != options.per_mille.end()) return at->second;
    for (const GeneratedKind& k : generated_kinds) {
      if (std::string_view(k.kind) == kind) return k.per_mille;
    }
    return 0;
  };

  Caseload caseload;
  caseload.pupils.reserve(options.pupils);
  const int year = options.first_day.academic_year_start();
  for (std::size_t i = 0; i < options.pupils; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "P-%07zu", i + 1);
    Pupil p = new_pupil(vocabulary, id);
    // Reception to Year 11: born between 1 September and 31 August of the cohort's year.
    const int group = static_cast<int>(random.below(12));
    const Date born = Date::from_ymd(year - 5 - group, 9, 1)->plus_days(static_cast<std::int32_t>(random.below(365)));
    attribute(p, "dob", born);
    attribute(p, "school", std::string(school_for(group, random.next())));
    const bool looked_after = random.chance(7);
    attribute(p, "looked_after", looked_after);
    attribute(p, "previously_looked_after", !looked_after && random.chance(3));
    const bool social_worker = looked_after || random.chance(30);
    attribute(p, "social_worker", social_worker);
    attribute(p, "child_protection_plan", social_worker && random.chance(250));
    attribute(p, "social_worker_ever6", social_worker || random.chance(50));
    const std::uint64_t sen = random.below(1000);
    attribute(p, "sen", std::string(sen < 53 ? "ehcp" : sen < 195 ? "sen_support" : "none"));
    attribute(p, "fsm", random.chance(240));
    attribute(p, "eal", random.chance(200));

    // Attendance: most pupils miss a little; about a fifth persistently; a few severely.
    const std::uint64_t band = random.below(1000);
    const std::uint64_t absence_per_mille = band < 25 ? 500 + random.below(350)
                                            : band < 200 ? 100 + random.below(250)
                                                         : random.below(90);
    if (!days.empty()) {
      p.attendance.first = days.front();
      p.attendance.sessions.assign(static_cast<std::size_t>(dsl::days_between(days.front(), days.back()) + 1) * 2, none);
      for (const Date d : days) {
        const std::size_t at = static_cast<std::size_t>(dsl::days_between(days.front(), d)) * 2;
        const bool whole_day = random.chance(absence_per_mille);
        const std::uint8_t reason = absence_codes[random.below(std::size(absence_codes))];
        p.attendance.sessions[at] = whole_day ? reason : present_am;
        p.attendance.sessions[at + 1] = whole_day ? reason : present_pm;
      }
    }

    // Records: suspensions with reintegration meetings, part-time timetables, tiers, meetings.
    int serial = 0;
    auto next_id = [&](const char* prefix) { return std::string(prefix) + std::to_string(++serial); };
    auto some_day = [&]() { return days.empty() ? options.first_day : days[random.below(days.size())]; };
    if (maker.has("suspension") && random.chance(rate("suspension"))) {
      const int count = 1 + static_cast<int>(random.below(3));
      for (int s = 0; s < count; ++s) {
        const Date start = some_day();
        const std::int64_t length = 1 + static_cast<std::int64_t>(random.below(5));
        const Date end = calendar.add_school_days(start, length - 1).value_or(start);
        Record r = maker.make("suspension", next_id("S-"), start, end);
        maker.set(r, "days", dsl::Rational(length));
        maker.set(r, "reason", std::string("persistent disruptive behaviour"));
        p.records.push_back(std::move(r));
        if (maker.has("reintegration_meeting") && random.chance(rate("reintegration_meeting"))) {
          const Date on = calendar.add_school_days(end, 1 + static_cast<std::int64_t>(random.below(7))).value_or(end);
          Record m = maker.make("reintegration_meeting", next_id("M-"), on);
          maker.set(m, "restorative", random.chance(600));
          maker.set(m, "parent_attended", random.chance(700));
          p.records.push_back(std::move(m));
        }
      }
    }
    if (maker.has("reduced_timetable") && random.chance(rate("reduced_timetable"))) {
      const Date start = some_day();
      Record r = maker.make("reduced_timetable", next_id("RT-"), start);
      maker.set(r, "hours_per_week", dsl::Rational(10 + static_cast<std::int64_t>(random.below(12))));
      maker.set(r, "parental_agreement", random.chance(800));
      DateList reviews;
      if (random.chance(500)) reviews.push_back(start.plus_days(14));
      maker.set(r, "reviews", reviews);
      p.records.push_back(std::move(r));
    }
    if (maker.has("tier") && random.chance(rate("tier"))) {
      Record r = maker.make("tier", next_id("T-"), options.first_day.plus_days(-static_cast<std::int32_t>(random.below(300))));
      maker.set(r, "level", dsl::Rational(1 + static_cast<std::int64_t>(random.below(4))));
      p.records.push_back(std::move(r));
    }
    if (maker.has("meeting") && absence_per_mille >= 100 && random.chance(rate("meeting"))) {
      Record r = maker.make("meeting", next_id("MT-"), some_day());
      maker.set(r, "type", std::string("attendance_support"));
      p.records.push_back(std::move(r));
    }
    if (maker.has("incident") && random.chance(rate("incident"))) {
      const int count = 1 + static_cast<int>(random.below(4));
      for (int k = 0; k < count; ++k) {
        Record r = maker.make("incident", next_id("I-"), some_day());
        maker.set(r, "category", std::string("physical assault against a pupil"));
        maker.set(r, "restrictive_intervention", random.chance(150));
        p.records.push_back(std::move(r));
      }
    }
    std::sort(p.records.begin(), p.records.end(), record_before);
    caseload.pupils.push_back(std::move(p));
  }
  return caseload;
}

namespace {

/// A file written whole: created private (0600), written through stdio buffering, closed checked.
class OutputFile {
public:
  OutputFile(const std::string& path, dsl::Diagnostics& diagnostics) : path_(path), diagnostics_(diagnostics) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    file_ = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
    if (file_ == nullptr) diagnostics_.error({}, "cannot-write", "cannot write '" + path + "': " + std::strerror(errno));
  }
  ~OutputFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool ok() const { return file_ != nullptr; }
  void write(const std::string& s) { std::fwrite(s.data(), 1, s.size(), file_); }
  bool close() {
    const bool good = std::ferror(file_) == 0 && std::fclose(file_) == 0;
    file_ = nullptr;
    if (!good) diagnostics_.error({}, "cannot-write", "could not finish writing '" + path_ + "' (is the disk full?)");
    return good;
  }

private:
  std::string path_;
  dsl::Diagnostics& diagnostics_;
  std::FILE* file_ = nullptr;
};

// The `fields` column: key=value;key=value with \; \= \\ escaped (case-records.md §4).
std::string escape_field(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == ';' || c == '=' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string value_text(const FieldValue& v, const dsl::FieldSpec& spec) {
  switch (v.index()) {
    case 1: return std::get<bool>(v) ? "true" : "false";
    case 2: return std::get<dsl::Rational>(v).decimal(6);
    case 3: return std::get<std::string>(v);
    case 4: return std::get<Date>(v).iso();
    case 5: return spec.values[std::get<EnumValue>(v).index];
    case 6: {
      std::string out;
      for (const Date d : std::get<DateList>(v)) out += (out.empty() ? "" : "|") + d.iso();
      return out;
    }
    default: return {};
  }
}

}  // namespace

bool write_csv_caseload(const Caseload& caseload, const dsl::Vocabulary& vocabulary, const Calendar& calendar,
                        const std::string& folder, dsl::Diagnostics& diagnostics) {
  const AttendanceCodes codes(vocabulary);
  const auto& attributes = vocabulary.pupil_attributes();
  OutputFile pupils(folder + "/pupils.csv", diagnostics);
  OutputFile records(folder + "/records.csv", diagnostics);
  OutputFile attendance(folder + "/attendance.csv", diagnostics);
  if (!pupils.ok() || !records.ok() || !attendance.ok()) return false;

  std::string line = "id";
  for (std::size_t a = 0; a < attributes.size(); ++a) {
    if (!attributes[a].builtin) line += "," + attributes[a].name;
  }
  pupils.write(line + "\n");
  records.write("pupil_id,kind,id,date,start,end,fields\n");
  attendance.write("pupil_id,date,am,pm\n");
  for (const Pupil& p : caseload.pupils) {
    line = csv_field(p.id());
    for (std::size_t a = 0; a < attributes.size(); ++a) {
      if (!attributes[a].builtin) line += "," + csv_field(value_text(p.attributes[a], attributes[a]));
    }
    pupils.write(line + "\n");
    for (const Record& r : p.records) {
      const dsl::KindSpec& kind = vocabulary.kinds()[r.kind];
      const bool event = r.shape == dsl::KindShape::event;
      const std::optional<Date> end = r.end();
      std::string fields;
      for (std::size_t f = event ? 2 : 3; f < kind.fields.size(); ++f) {
        const std::string text = value_text(r.fields[f], kind.fields[f]);
        if (text.empty() || (kind.fields[f].type == dsl::FieldType::boolean && text == "false")) continue;
        fields += (fields.empty() ? "" : ";") + kind.fields[f].name + "=" + escape_field(text);
      }
      records.write(csv_field(p.id()) + "," + kind.name + "," + csv_field(r.id()) + "," +
                    (event ? r.anchor().iso() : "") + "," + (event ? "" : r.anchor().iso()) + "," +
                    (end ? end->iso() : "") + "," + csv_field(fields) + "\n");
    }
    if (p.attendance.empty()) continue;
    for (Date d = p.attendance.first; d <= p.attendance.last(); d = d.plus_days(1)) {
      if (!calendar.is_school_day(d)) continue;
      const std::uint8_t am = p.attendance.session(d, 0);
      const std::uint8_t pm = p.attendance.session(d, 1);
      if (am == not_recorded && pm == not_recorded) continue;
      attendance.write(csv_field(p.id()) + "," + d.iso() + "," + csv_field(std::string(codes.code(am))) + "," +
                       csv_field(std::string(codes.code(pm))) + "\n");
    }
  }
  return pupils.close() && records.close() && attendance.close();
}

}  // namespace waymark::engine
