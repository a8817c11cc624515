// No personal data in any diagnostic (issue 10.3): whatever shape a case file has (a name in the
// wrong field or column, no header, shifted columns, CR-only line ends, broken YAML), the rendered
// diagnostics, as text and as JSON, never hold a value from it. Each variant below writes the
// sentinel name "Zelda Quux", the invalid UPN "K12345678901Z" and the note "Xylograph" somewhere a
// loader might quote them; the variants are checked to be refused (or loaded) and never echoed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace waymark::engine {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> sentinels{"Zelda", "Quux", "K1234", "45678901Z", "Xylograph"};

std::string leaked(const std::string& text) {
  for (const std::string& s : sentinels) {
    if (text.find(s) != std::string::npos) return s;
  }
  return {};
}

struct Variant {
  std::string name;
  std::string pupils;      // YAML case text, or pupils.csv
  std::string records;     // records.csv (CSV variants only; empty: none)
  std::string attendance;  // attendance.csv (CSV variants only; empty: none)
  bool csv = false;
};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

Variant yaml(const std::string& name, std::string text) { return {"yaml_" + name, std::move(text), "", "", false}; }
Variant csv(const std::string& name, std::string pupils, std::string records = "", std::string attendance = "") {
  return {"csv_" + name, std::move(pupils), std::move(records), std::move(attendance), true};
}

const std::string head = "pupil:\n  id: P-1\n  dob: 2012-03-14\n";
const std::string record = "records:\n  - kind: suspension\n    id: S-1\n    start: 2025-10-06\n    days: 1\n";

std::vector<Variant> variants() {
  std::vector<Variant> out{
      // YAML: a name in every kind of wrong place.
      yaml("name_as_pupil_id_twice", "- pupil:\n    id: Zelda Quux\n- pupil:\n    id: Zelda Quux\n"),
      yaml("name_as_attribute_key", head + "  Zelda Quux: true\n"),
      yaml("name_as_top_level_key", head + "Zelda Quux: 1\n"),
      yaml("name_in_dob", "pupil:\n  id: P-1\n  dob: Zelda Quux\n"),
      yaml("name_in_enum", head + "  sen: Zelda Quux\n"),
      yaml("name_in_boolean", head + "  looked_after: Zelda Quux\n"),
      yaml("name_in_number", head + "  year_group: Zelda Quux\n"),
      yaml("name_as_quoted_number", head + "  year_group: 'Zelda Quux'\n"),
      yaml("name_as_record_kind", head + "records:\n  - kind: Zelda Quux\n    id: S-1\n"),
      yaml("name_as_record_id_twice",
           head + "records:\n  - kind: meeting\n    id: Zelda Quux\n    date: 2025-10-06\n"
                  "  - kind: meeting\n    id: Zelda Quux\n    date: 2025-10-07\n"),
      yaml("name_as_record_field", head + record + "    Zelda Quux: 1\n"),
      yaml("name_in_record_date", head + "records:\n  - kind: meeting\n    id: M-1\n    date: Zelda Quux\n"),
      yaml("name_in_record_number", head + "records:\n  - kind: suspension\n    id: S-1\n    start: 2025-10-06\n    days: Zelda Quux\n"),
      yaml("name_in_date_list", head + "records:\n  - kind: reduced_timetable\n    id: R-1\n    start: 2025-09-08\n"
                                       "    hours_per_week: 12\n    reviews: [Zelda Quux]\n"),
      yaml("name_in_marks", head + "attendance:\n  - from: 2025-09-01\n    marks: 'Zelda Quux'\n"),
      yaml("name_in_from", head + "attendance:\n  - from: Zelda Quux\n    marks: '//'\n"),
      yaml("name_as_attendance_key", head + "attendance:\n  - from: 2025-09-01\n    Zelda Quux: '//'\n"),
      yaml("invalid_upn", head + "  upn: K12345678901Z\n"),
      yaml("upn_as_list", head + "  upn: [K12345678901Z]\n"),
      yaml("name_as_tag", head + "  name: !Zelda Quux\n"),
      yaml("name_as_anchor", head + "  name: &Zelda Quux\n"),
      yaml("name_as_alias", head + "  name: *Zelda\n"),
      yaml("duplicate_name_key", head + "  name: Zelda Quux\n  Zelda Quux: 1\n  Zelda Quux: 2\n"),
      yaml("cut_inside_quotes", head + "  name: \"Zelda Quux"),
      yaml("bad_escape", head + "  name: \"Zelda \\Quux\"\n"),
      yaml("cr_only_line_ends", "pupil:\r  id: P-1\r  name: Zelda Quux\r  dob: 2012-03-14\r"),
      // 19 bytes of "  name: Zelda Quux\n", the NUL, then 5 bytes of "x: 1\n".
      yaml("nul_after_name", head + std::string("  name: Zelda Quux\n\0x: 1\n", 25)),
      yaml("name_as_records", head + "records: [Zelda Quux]\n"),
      yaml("name_as_attendance", head + "attendance: Zelda Quux\n"),
      yaml("name_as_pupil", "pupil: Zelda Quux\n"),
      yaml("note_in_unknown_field", head + "  notes: Xylograph\n"),
      yaml("note_as_document", "Xylograph\n"),
      yaml("name_in_flow_mapping", head + "  name: {Zelda: Quux}\n"),
      yaml("name_indented_wrongly", head + " name: Zelda Quux\n"),
      // CSV: headers missing or shifted, and names in every column.
      csv("no_header", "P-1,K12345678901Z,Zelda Quux,2012-03-14\n"),
      csv("shifted_columns", "id,upn,name,dob\nP-1,Zelda Quux,2012-03-14,K12345678901Z\n"),
      csv("name_in_header", "id,Zelda Quux,dob\nP-1,x,2012-03-14\n"),
      csv("name_in_id_twice", "id,dob\nZelda Quux,2012-03-14\nZelda Quux,2012-03-15\n"),
      csv("extra_cell", "id,name,dob\nP-1,Zelda Quux,2012-03-14,Xylograph\n"),
      csv("missing_cell", "id,name,dob\nZelda Quux,2012-03-14\n"),
      csv("cr_only_line_ends", "id,name,dob\rP-1,Zelda Quux,2012-03-14\r"),
      csv("invalid_upn", "id,upn,dob\nP-1,K12345678901Z,2012-03-14\n"),
      csv("name_in_enum", "id,dob,sen\nP-1,2012-03-14,Zelda Quux\n"),
      csv("name_in_number", "id,dob,year_group\nP-1,2012-03-14,Zelda Quux\n"),
      csv("unterminated_quote", "id,name,dob\nP-1,\"Zelda Quux,2012-03-14\n"),
      csv("quote_then_text", "id,name,dob\nP-1,\"Zelda\" Quux,2012-03-14\n"),
      csv("record_for_unknown_pupil", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nZelda Quux,meeting,M-1,2025-10-06,,,\n"),
      csv("record_kind_is_name", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nP-1,Zelda Quux,M-1,2025-10-06,,,\n"),
      csv("record_id_twice", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nP-1,meeting,Zelda Quux,2025-10-06,,,\n"
          "P-1,meeting,Zelda Quux,2025-10-07,,,\n"),
      csv("record_date_is_name", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nP-1,meeting,M-1,Zelda Quux,,,\n"),
      csv("fields_without_equals", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nP-1,meeting,M-1,2025-10-06,,,Zelda Quux\n"),
      csv("fields_key_is_name", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nP-1,meeting,M-1,2025-10-06,,,Zelda Quux=Xylograph\n"),
      csv("fields_value_in_wrong_type", "id,dob\nP-1,2012-03-14\n",
          "pupil_id,kind,id,date,start,end,fields\nP-1,suspension,S-1,,2025-10-06,,days=Zelda Quux\n"),
      csv("records_without_header", "id,dob\nP-1,2012-03-14\n", "P-1,meeting,Zelda Quux,2025-10-06,,,\n"),
      csv("attendance_code_is_name", "id,dob\nP-1,2012-03-14\n", "",
          "pupil_id,date,am,pm\nP-1,2025-09-01,Zelda Quux,/\n"),
      csv("attendance_date_is_name", "id,dob\nP-1,2012-03-14\n", "",
          "pupil_id,date,am,pm\nP-1,Zelda Quux,/,/\n"),
      csv("attendance_pupil_is_name", "id,dob\nP-1,2012-03-14\n", "",
          "pupil_id,date,am,pm\nZelda Quux,2025-09-01,/,/\n"),
      csv("attendance_shifted", "id,dob\nP-1,2012-03-14\n", "",
          "pupil_id,date,am,pm\n2025-09-01,P-1,/,Zelda Quux\n"),
  };
  return out;
}

class PersonalData : public ::testing::TestWithParam<Variant> {};

TEST_P(PersonalData, NoDiagnosticQuotesTheFile) {
  const Variant& v = GetParam();
  // Read from disk as a user's command would (the files are marked personal) ...
  const fs::path dir = fs::temp_directory_path() / ("waymark-personal-" + v.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path input;
  if (v.csv) {
    std::ofstream(dir / "pupils.csv", std::ios::binary) << v.pupils;
    if (!v.records.empty()) std::ofstream(dir / "records.csv", std::ios::binary) << v.records;
    if (!v.attendance.empty()) std::ofstream(dir / "attendance.csv", std::ios::binary) << v.attendance;
    input = dir;
  } else {
    input = dir / "case.yaml";
    std::ofstream(input, std::ios::binary) << v.pupils;
  }
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  CaseLoader loader(testing::england());
  const bool ok = loader.add_path(input, sources, diagnostics);
  fs::remove_all(dir);
  // ... and from memory, unmarked, as a pack test's inline case is: the loaders never quote either.
  dsl::SourceSet memory;
  dsl::Diagnostics unmarked;
  CaseLoader again(testing::england());
  if (v.csv) {
    const auto file = [&](const char* leaf, const std::string& text) -> std::optional<dsl::FileId> {
      if (text.empty()) return std::nullopt;
      return memory.add(leaf, text);
    };
    again.add_csv(memory, *file("pupils.csv", v.pupils), file("records.csv", v.records),
                  file("attendance.csv", v.attendance), unmarked);
  } else {
    again.add_yaml(memory, memory.add("case.yaml", v.pupils), unmarked);
  }
  const std::string text = render_text(diagnostics.sorted(), sources) + render_json(diagnostics.sorted(), sources) +
                           render_text(unmarked.sorted(), memory) + render_json(unmarked.sorted(), memory);
  EXPECT_EQ(leaked(text), "") << text;
  // Every variant is a defect that must be refused, with a position in the file.
  EXPECT_FALSE(ok) << text;
  EXPECT_NE(text.find(v.csv ? ".csv:" : "case.yaml:"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Variants, PersonalData, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<Variant>& param) { return param.param.name; });

}  // namespace
}  // namespace waymark::engine
