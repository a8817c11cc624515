// Runs against the store (docs/store.md, "Runs"): a stored run reads back exactly as evaluated, a
// flag's explanation re-prints as it was, and re-evaluating a run's inputs as of its date reproduces it.
#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

TEST(Runs, AStoredRunReadsBackExactlyAsEvaluated) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  dsl::Diagnostics d;
  auto inputs = store->load_caseload(example_pack().vocabulary(), {}, d);
  ASSERT_TRUE(inputs);
  const engine::RunResult result = evaluate(example_pack(), inputs->caseload, "2025-11-17");
  auto saved = store->save_run(result, *inputs, std::nullopt, now_utc(), d);
  ASSERT_TRUE(saved) << text(d);
  auto back = store->load_run(saved->run.id, d);
  ASSERT_TRUE(back) << text(d);
  EXPECT_TRUE(compare_runs(result, back->result).empty());
  // Exactly, explanations included (compare_runs forgives only the pack's folder in locations).
  ASSERT_EQ(back->result.pupils.size(), result.pupils.size());
  for (std::size_t i = 0; i < result.pupils.size(); ++i) {
    const auto& a = result.pupils[i];
    const auto& b = back->result.pupils[i];
    EXPECT_EQ(a.current_tier, b.current_tier);
    EXPECT_EQ(a.suggested_tier, b.suggested_tier);
    ASSERT_EQ(a.flags.size(), b.flags.size());
    for (std::size_t k = 0; k < a.flags.size(); ++k) {
      EXPECT_EQ(engine::explanation_text(a.flags[k].explanation, result.pack),
                engine::explanation_text(b.flags[k].explanation, back->run.pack));
      EXPECT_EQ(a.flags[k].evidence, b.flags[k].evidence);
      EXPECT_EQ(a.flags[k].notify, b.flags[k].notify);
    }
  }
  EXPECT_EQ(back->run.as_of, day("2025-11-17"));
  EXPECT_EQ(back->run.pack.digest, identity(example_pack()).digest);
  EXPECT_EQ(back->run.input_digest, inputs->input_digest);
  EXPECT_EQ(back->flag_ids, saved->flag_ids);
}

TEST(Runs, TheExampleRunStoresTheSpecsFlags) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  const SavedRun saved = run(*store, example_pack(), "2025-11-17");
  dsl::Diagnostics d;
  auto stored = store->load_run(saved.run.id, d);
  ASSERT_TRUE(stored);
  // examples/expected-2025-11-17.json: P-0042 has the two example flags, P-0043 one example due entry.
  std::vector<std::string> rules;
  for (const auto& f : stored->result.pupils[0].flags) {
    if (f.rule.rfind("example/", 0) == 0) rules.push_back(f.rule);
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"example/reduced-timetable-unreviewed", "example/persistent-absence"}));
  bool due = false;
  for (const auto& e : stored->result.pupils[1].due) {
    if (e.rule == "example/no-restorative-reintegration") {
      due = true;
      EXPECT_EQ(e.deadline, day("2025-11-20"));
      EXPECT_EQ(e.evidence, std::vector<std::string>{"S-2"});
    }
  }
  EXPECT_TRUE(due);
  EXPECT_EQ(stored->result.pupils[0].current_tier, 2);
}

TEST(Runs, AStoredFlagKeepsItsExplanationAndRun) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  const SavedRun saved = run(*store, example_pack(), "2025-11-17");
  ASSERT_FALSE(saved.flag_ids[0].empty());
  dsl::Diagnostics d;
  auto flag = store->load_flag(saved.flag_ids[0][0], d);
  ASSERT_TRUE(flag) << text(d);
  EXPECT_EQ(flag->pupil, "P-0042");
  EXPECT_EQ(flag->run.id, saved.run.id);
  EXPECT_EQ(flag->flag.explanation.pupil, "P-0042");
  EXPECT_EQ(flag->flag.explanation.as_of, day("2025-11-17"));
  const std::string printed = engine::explanation_text(flag->flag.explanation, flag->run.pack);
  EXPECT_NE(printed.find("result: fired"), std::string::npos) << printed;
  EXPECT_FALSE(store->load_flag(999999, d).has_value());
  EXPECT_EQ(d.all().back().code, "unknown-flag");
}

TEST(Runs, ReevaluatingAStoredRunsInputsReproducesItExactly) {
  TempDir dir;
  auto store = open(dir.file("la.db"));
  import(*store, generated(600, 5), england_pack());
  const SavedRun first = run(*store, england_pack(), "2025-11-17");
  // The caseload changes afterwards: a re-import of different data, and a later run.
  import(*store, generated(600, 6), england_pack());
  run(*store, england_pack(), "2025-11-24");

  dsl::Diagnostics d;
  auto stored = store->load_run(first.run.id, d);
  auto inputs = store->load_run_inputs(first.run.id, england_pack().vocabulary(), d);
  ASSERT_TRUE(stored && inputs) << text(d);
  EXPECT_EQ(inputs->input_digest, stored->run.input_digest);
  const engine::RunResult again = evaluate(england_pack(), inputs->caseload, stored->run.as_of.iso().c_str());
  const auto differences = compare_runs(stored->result, again);
  EXPECT_TRUE(differences.empty()) << differences.front();
  EXPECT_GT(stored->run.flags, 100u);  // a realistic share of 600 pupils is flagged

  // Against the current data it would not be the same run.
  auto current = store->load_caseload(england_pack().vocabulary(), {}, d);
  ASSERT_TRUE(current);
  EXPECT_NE(current->input_digest, stored->run.input_digest);
  EXPECT_FALSE(compare_runs(stored->result, evaluate(england_pack(), current->caseload, "2025-11-17")).empty());
}

TEST(Runs, ASelectionIsStoredAndOnlyThosePupilsAreEvaluated) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  const SavedRun saved = run(*store, example_pack(), "2025-11-17", {"P-0043"});
  dsl::Diagnostics d;
  auto stored = store->load_run(saved.run.id, d);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->result.pupils.size(), 1u);
  EXPECT_EQ(stored->result.pupils[0].id, "P-0043");
  ASSERT_TRUE(stored->run.selection);
  EXPECT_EQ(*stored->run.selection, std::vector<std::string>{"P-0043"});
  EXPECT_TRUE(verify(*store).intact());
}

TEST(Runs, CompareRunsNamesWhatDiffers) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  const SavedRun saved = run(*store, example_pack(), "2025-11-17");
  dsl::Diagnostics d;
  auto stored = store->load_run(saved.run.id, d);
  ASSERT_TRUE(stored);
  engine::RunResult changed = stored->result;
  changed.pupils[0].flags[0].title = "Something else";
  changed.pupils[1].due.clear();
  const auto differences = compare_runs(stored->result, changed);
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_NE(differences[0].find("pupil P-0042, flag 1"), std::string::npos) << differences[0];
  EXPECT_NE(differences[1].find("due entries"), std::string::npos) << differences[1];
}

}  // namespace
}  // namespace waymark::store
