// Loading a whole roll in the CSV form (case-records.md §4): 100,000 pupils with a term of daily
// marks (65 school days), two records each. Reports pupils per second.
//
//   waymark_case_loading_bench                      run the benchmarks (files generated in a temp folder)
//   waymark_case_loading_bench generate DIR [N]     write pupils.csv, records.csv, attendance.csv
//   waymark_case_loading_bench load DIR             load once and print counts (for /usr/bin/time -v)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>

#include "waymark/engine/calendar.hpp"
#include "waymark/engine/case_loader.hpp"
#include "waymark/engine/upn.hpp"

namespace {

namespace fs = std::filesystem;
using waymark::dsl::Date;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const waymark::dsl::Vocabulary& vocabulary() {
  static const waymark::dsl::Vocabulary v = [] {
    waymark::dsl::SourceSet sources;
    const auto file = sources.add("vocabulary.yaml", read(fs::path(WAYMARK_SOURCE_ROOT) / "rules/england/vocabulary.yaml"));
    waymark::dsl::Vocabulary out;
    waymark::dsl::Diagnostics d;
    waymark::dsl::load_vocabulary(sources, file, out, d);
    return out;
  }();
  return v;
}

// A valid UPN for a serial: LA 801, establishment 2001, year 25, then the serial.
std::string upn(std::size_t serial) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "X801200125%03zu", serial % 1000);
  std::string u(digits);
  u[0] = *waymark::engine::upn_check_letter(u);
  return u;
}

void generate(const fs::path& dir, std::size_t pupils) {
  fs::create_directories(dir);
  std::mt19937 random(42);
  std::ofstream p(dir / "pupils.csv", std::ios::binary);
  std::ofstream r(dir / "records.csv", std::ios::binary);
  std::ofstream a(dir / "attendance.csv", std::ios::binary);
  p << "id,upn,dob,year_group,school,looked_after,sen,fsm\n";
  r << "pupil_id,kind,id,date,start,end,fields\n";
  a << "pupil_id,date,am,pm\n";
  // The first 65 school days of the shipped 2025-26 calendar's autumn term.
  waymark::dsl::SourceSet sources;
  waymark::dsl::Diagnostics d;
  const auto file = sources.add("calendar", read(fs::path(WAYMARK_SOURCE_ROOT) / "rules/england/calendars/england-2025-26.yaml"));
  const auto calendar = waymark::engine::load_calendar(sources, file, d);
  std::vector<std::string> days;
  for (std::size_t i = 0; i < 65; ++i) days.push_back(calendar->school_days()[i].iso());
  const char* marks[] = {"/", "\\", "N", "I", "L", "M"};
  for (std::size_t i = 0; i < pupils; ++i) {
    char id[24];  // room for any size_t, so the compiler can see nothing is cut off
    std::snprintf(id, sizeof id, "P-%06zu", i);
    const int year = 2010 + static_cast<int>(i % 8);
    p << id << ',' << upn(i) << ',' << year << "-0" << 1 + i % 9 << "-1" << i % 9 << ",,Oakfield Academy,"
      << (i % 50 == 0 ? "true" : "false") << ',' << (i % 7 == 0 ? "sen_support" : "none") << ",false\n";
    r << id << ",suspension,S-1,,2025-10-06,2025-10-08,days=3;reason=persistent disruptive behaviour\n";
    r << id << ",reduced_timetable,RT-1,,2025-09-08,,hours_per_week=12;reviews=2025-09-22|2025-10-06\n";
    const bool absent_often = i % 10 == 0;
    for (const std::string& day : days) {
      const std::uint32_t roll = random() % 100;
      const char* am = roll < (absent_often ? 30u : 4u) ? marks[2 + roll % 4] : marks[0];
      const char* pm = roll < (absent_often ? 30u : 4u) ? am : marks[1];
      a << id << ',' << day << ',' << am << ',' << pm << '\n';
    }
  }
}

std::size_t load(const fs::path& dir, std::size_t* sessions = nullptr) {
  waymark::engine::CaseLoader loader(vocabulary());
  waymark::dsl::SourceSet sources;
  waymark::dsl::Diagnostics diagnostics;
  if (!loader.add_path(dir, sources, diagnostics)) {
    std::cerr << waymark::dsl::render_text(diagnostics.sorted(), sources);
    return 0;
  }
  const auto caseload = loader.finish();
  if (sessions != nullptr) {
    *sessions = 0;
    for (const auto& p : caseload.pupils) *sessions += p.attendance.sessions.size();
  }
  return caseload.pupils.size();
}

const fs::path& roll(std::size_t pupils) {
  static std::map<std::size_t, fs::path> made;
  auto& dir = made[pupils];
  if (dir.empty()) {
    dir = fs::temp_directory_path() / ("waymark-bench-roll-" + std::to_string(pupils));
    if (!fs::exists(dir / "attendance.csv")) generate(dir, pupils);
  }
  return dir;
}

void BM_LoadCsvRoll(benchmark::State& state) {
  const auto pupils = static_cast<std::size_t>(state.range(0));
  const fs::path& dir = roll(pupils);
  for (auto _ : state) {
    const std::size_t loaded = load(dir);
    if (loaded != pupils) state.SkipWithError("the generated roll did not load");
    benchmark::DoNotOptimize(loaded);
  }
  state.counters["pupils/s"] = benchmark::Counter(static_cast<double>(pupils) * static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadCsvRoll)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "generate") {
    generate(argv[2], argc >= 4 ? std::stoul(argv[3]) : 100'000);
    return 0;
  }
  if (argc >= 3 && std::string(argv[1]) == "load") {
    std::size_t sessions = 0;
    const std::size_t pupils = load(argv[2], &sessions);
    std::cout << pupils << " pupils, " << sessions << " session bytes\n";
    return pupils > 0 ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
