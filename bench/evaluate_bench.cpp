// Evaluation throughput (issue: the evaluation engine): the England pack, and the Hertfordshire
// overlay on top of it, over a synthetic caseload held in memory, so that only evaluation is timed.
// Run: scripts/build --bench && build/bench/waymark_evaluate_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <memory>

#include "waymark/dsl/check.hpp"
#include "waymark/dsl/rule_pack.hpp"
#include "waymark/engine/evaluate.hpp"
#include "waymark/engine/generate.hpp"

namespace {

using namespace waymark;

struct Fixture {
  dsl::SourceSet sources;
  dsl::RulePack pack;
  dsl::CheckedPack checked;
  std::optional<engine::CompiledPack> compiled;
  engine::Caseload caseload;
};

std::unique_ptr<Fixture> prepare(const std::string& pack_name, std::size_t pupils) {
  auto f = std::make_unique<Fixture>();
  dsl::Diagnostics d;
  dsl::PackSearch search;
  search.shipped = std::string(WAYMARK_SOURCE_ROOT) + "/rules";
  search.directories.push_back(std::string(WAYMARK_SOURCE_ROOT) + "/bench/packs");
  auto pack = dsl::load_pack(pack_name, search, f->sources, d);
  if (!pack || d.has_errors()) return nullptr;
  f->pack = std::move(*pack);
  f->checked = dsl::check(f->pack, f->sources, d);
  auto calendar = engine::load_pack_calendar(f->pack, f->sources, d);
  if (d.has_errors() || !calendar) return nullptr;
  engine::GenerateOptions g;
  g.pupils = pupils;
  g.seed = 7;
  g.first_day = *dsl::Date::parse_iso("2025-09-01");
  g.last_day = *dsl::Date::parse_iso("2026-07-22");
  f->caseload = engine::generate_caseload(f->pack.vocabulary, *calendar, g);
  f->compiled.emplace(engine::compile(f->pack, f->checked, f->sources, std::move(*calendar)));
  return f;
}

Fixture* cached(const std::string& pack, std::size_t pupils) {
  static std::map<std::pair<std::string, std::size_t>, std::unique_ptr<Fixture>> fixtures;
  auto& slot = fixtures[{pack, pupils}];
  if (!slot) slot = prepare(pack, pupils);
  return slot.get();
}

void evaluate_pack(benchmark::State& state, const std::string& pack, unsigned threads) {
  const std::size_t pupils = static_cast<std::size_t>(state.range(0));
  Fixture* f = cached(pack, pupils);
  if (f == nullptr) {
    state.SkipWithError("the pack did not load");
    return;
  }
  engine::EvaluateOptions options;
  options.as_of = *dsl::Date::parse_iso("2026-03-16");
  options.threads = threads;
  std::size_t flags = 0;
  for (auto _ : state) {
    dsl::Diagnostics d;
    auto run = engine::evaluate(*f->compiled, f->caseload, options, d);
    flags = 0;
    for (const auto& p : run->pupils) flags += p.flags.size();
    benchmark::DoNotOptimize(run);
  }
  state.counters["pupils/s"] = benchmark::Counter(static_cast<double>(pupils) * static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
  state.counters["rules"] = static_cast<double>(f->compiled->rule_ids().size());
  state.counters["flags"] = static_cast<double>(flags);
}

void BM_England_TwoThreads(benchmark::State& s) { evaluate_pack(s, "england", 2); }
void BM_England_OneThread(benchmark::State& s) { evaluate_pack(s, "england", 1); }
void BM_Hertfordshire_TwoThreads(benchmark::State& s) { evaluate_pack(s, "hertfordshire", 2); }
// The brief's comparison: six simple rules over a local authority's whole roll.
void BM_SixRules_TwoThreads(benchmark::State& s) { evaluate_pack(s, WAYMARK_SOURCE_ROOT "/bench/packs/six-rules", 2); }
void BM_SixRules_OneThread(benchmark::State& s) { evaluate_pack(s, WAYMARK_SOURCE_ROOT "/bench/packs/six-rules", 1); }

BENCHMARK(BM_England_OneThread)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_England_TwoThreads)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Hertfordshire_TwoThreads)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SixRules_OneThread)->Arg(250000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SixRules_TwoThreads)->Arg(250000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
