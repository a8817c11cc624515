#pragma once
// Shared by the engine tests: the England vocabulary, the shipped calendars, and loading case text.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/case_loader.hpp"

namespace waymark::engine::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline const dsl::Vocabulary& england() {
  static const dsl::Vocabulary vocabulary = [] {
    dsl::SourceSet sources;
    const auto file = sources.add("vocabulary.yaml", read_text(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england/vocabulary.yaml"));
    dsl::Vocabulary v;
    dsl::Diagnostics d;
    EXPECT_TRUE(dsl::load_vocabulary(sources, file, v, d));
    return v;
  }();
  return vocabulary;
}

inline dsl::Date day(const char* iso) { return *dsl::Date::parse_iso(iso); }

/// A calendar from YAML text; fails the test on any diagnostic.
inline Calendar calendar_from(const std::string& text) {
  dsl::SourceSet sources;
  const auto file = sources.add("calendar.yaml", text);
  dsl::Diagnostics d;
  auto c = load_calendar(sources, file, d);
  EXPECT_TRUE(c.has_value()) << render_text(d.sorted(), sources);
  return c.value_or(Calendar());
}

/// The shipped calendar of one year (`2025-26`).
inline Calendar shipped(const std::string& year) {
  return calendar_from(read_text(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england/calendars/england-" + year + ".yaml"));
}

/// Both shipped years, merged.
inline Calendar shipped_both() {
  Calendar c = shipped("2024-25");
  c.merge(shipped("2025-26"));
  return c;
}

/// The first line of rendered diagnostics: the one a test names the position and message of.
inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

/// The result of loading YAML case text: the caseload and the rendered diagnostics.
struct Loaded {
  Caseload caseload;
  std::string diagnostics;
  bool ok = false;
};

inline Loaded load_yaml(const std::string& text) {
  dsl::SourceSet sources;
  const auto file = sources.add("case.yaml", text);
  CaseLoader loader(england());
  dsl::Diagnostics d;
  Loaded out;
  out.ok = loader.add_yaml(sources, file, d);
  out.diagnostics = render_text(d.sorted(), sources);
  out.caseload = loader.finish();
  return out;
}

/// Loads the CSV form from texts (an empty text means the file is absent).
inline Loaded load_csv(const std::string& pupils, const std::string& records = {}, const std::string& attendance = {}) {
  dsl::SourceSet sources;
  const auto p = sources.add("pupils.csv", pupils);
  std::optional<dsl::FileId> r;
  std::optional<dsl::FileId> a;
  if (!records.empty()) r = sources.add("records.csv", records);
  if (!attendance.empty()) a = sources.add("attendance.csv", attendance);
  CaseLoader loader(england());
  dsl::Diagnostics d;
  Loaded out;
  out.ok = loader.add_csv(sources, p, r, a, d);
  out.diagnostics = render_text(d.sorted(), sources);
  out.caseload = loader.finish();
  return out;
}

/// The index of a pupil attribute or a kind's field, by name (tests only: the evaluator uses indices).
inline std::size_t attribute(const std::string& name) {
  const auto& a = england().pupil_attributes();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name == name) return i;
  }
  ADD_FAILURE() << "no attribute " << name;
  return 0;
}

inline std::size_t field(const Record& r, const std::string& name) {
  const auto& f = england().kinds()[r.kind].fields;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i].name == name) return i;
  }
  ADD_FAILURE() << "no field " << name;
  return 0;
}

}  // namespace waymark::engine::testing
