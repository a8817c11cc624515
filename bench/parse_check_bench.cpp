// Parse+check speed of the language front end (issue: the rule language front end): a generated
// file of 10,000 rules using every kind of clause, parsed and checked against the England vocabulary.
// Run: scripts/build --bench && build/waymark_parse_check_bench

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "waymark/dsl/check.hpp"
#include "waymark/dsl/parse.hpp"

namespace {

using namespace waymark::dsl;

std::string generated_rules(int count) {
  std::ostringstream out;
  out << "param review_interval = 4 weeks \"How often a part-time timetable is reviewed\"\n"
      << "param window = 5 school days\n\n";
  // Four shapes of rule, so the parser and checker see windows, aggregates, measures and filters.
  for (int i = 0; i < count; ++i) {
    switch (i % 4) {
      case 0:
        out << "rule timetable-" << i << " \"Reduced timetable for {age of rt} without review\"\n"
            << "  category safeguarding\n  severity high\n"
            << "  for each reduced_timetable rt where rt is active\n"
            << "  when rt older than 6 weeks\n   and no rt.reviews within last review_interval\n"
            << "  suggest tier 3 \"Review the timetable\"\n  notify la_inclusion\n  cite \"Guidance 5.1\"\n\n";
        break;
      case 1:
        out << "rule reintegration-" << i << " \"No reintegration meeting\"\n"
            << "  category exclusion\n  for each suspension s in this academic year\n"
            << "  when no reintegration_meeting m within window after s.end where m.restorative\n"
            << "  suggest \"Hold a meeting\"\n  cite \"Appendix 2\"\n\n";
        break;
      case 2:
        out << "rule absence-" << i << " \"Persistent absence {attendance}\"\n"
            << "  category attendance\n  when attendance in this academic year < 90%\n"
            << "   and (absence within last 4 weeks >= 10% or unauthorised absence streak >= 10)\n"
            << "  unless some meeting m within last 2 weeks where (m.type = \"attendance_support\")\n"
            << "  suggest tier 2 \"Meet the family\"\n  cite \"WTISA 2024\"\n\n";
        break;
      default:
        out << "rule suspensions-" << i << " \"{total days of suspensions in this term} days suspended\"\n"
            << "  category exclusion\n  severity urgent\n"
            << "  when total days of suspensions in this term > 15\n   and pupil.sen in [sen_support, ehcp]\n"
            << "   and count of incidents within last 4 weeks where incident.restrictive_intervention >= 2\n"
            << "  suggest tier 4 \"Governors consider reinstatement\"\n  notify governors\n  cite \"SPE 2023\"\n\n";
        break;
    }
  }
  return out.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void BM_ParseAndCheck(benchmark::State& state) {
  const std::string text = generated_rules(static_cast<int>(state.range(0)));
  const std::string vocabulary_text = read_file(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england/vocabulary.yaml");
  std::size_t diagnostics = 0;
  for (auto _ : state) {
    SourceSet sources;
    Diagnostics d;
    RulePack pack;
    const FileId vocabulary = sources.add("vocabulary.yaml", vocabulary_text);
    load_vocabulary(sources, vocabulary, pack.vocabulary, d);
    for (std::int64_t t = 1; t <= 5; ++t) pack.tiers[t] = "tier";
    PackLayer layer;
    layer.name = "bench";
    const FileId file = sources.add("rules.wmk", text);
    layer.rule_files.push_back(parse(sources, file, d));
    pack.layers.push_back(std::move(layer));
    CheckedPack checked = check(pack, sources, d);
    diagnostics = d.all().size();
    benchmark::DoNotOptimize(checked);
  }
  state.counters["rules/s"] = benchmark::Counter(static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(text.size()) * static_cast<double>(state.iterations()) / 1e6,
                                              benchmark::Counter::kIsRate);
  state.counters["diagnostics"] = static_cast<double>(diagnostics);
}

BENCHMARK(BM_ParseAndCheck)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
