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

// `run --db` stores a run slice by slice (RunWriter): the same rows as one save_run, and verify passes.
TEST(Runs, ARunStoredInSlicesIsTheRunStoredWhole) {
  TempDir dir;
  const engine::Caseload roll = generated(40);
  dsl::Diagnostics d;
  std::vector<std::string> flag_rows;
  std::vector<std::vector<std::int64_t>> flag_ids;
  for (const bool sliced : {false, true}) {
    auto store = open(dir.file(sliced ? "sliced.db" : "whole.db"));
    import(*store, roll, england_pack());
    auto inputs = store->load_caseload(england_pack().vocabulary(), {}, d);
    ASSERT_TRUE(inputs) << text(d);
    const engine::RunResult result = evaluate(england_pack(), inputs->caseload, "2025-11-17");
    std::optional<SavedRun> saved;
    if (!sliced) {
      saved = store->save_run(result, *inputs, std::nullopt, "2025-11-17T09:00:00Z", d);
    } else {
      auto writer = store->begin_run(result.as_of, result.pack, *inputs, std::nullopt, "2025-11-17T09:00:00Z", d);
      ASSERT_TRUE(writer) << text(d);
      // Three slices of unequal size: pupils 0-12, 13-13 and 14-39.
      const auto part = [&](std::size_t from, std::size_t to) {
        return std::vector<engine::PupilResult>(result.pupils.begin() + static_cast<std::ptrdiff_t>(from),
                                                result.pupils.begin() + static_cast<std::ptrdiff_t>(to));
      };
      ASSERT_TRUE(writer->add(part(0, 13), d)) << text(d);
      ASSERT_TRUE(writer->add(part(13, 14), d)) << text(d);
      ASSERT_TRUE(writer->add(part(14, result.pupils.size()), d)) << text(d);
      saved = writer->finish(d);
    }
    ASSERT_TRUE(saved) << text(d);
    const std::string db = dir.file(sliced ? "sliced.db" : "whole.db");
    const std::string rows = sql_text(db, "SELECT group_concat(pupil_id || ' ' || rule || ' ' || explanation, char(10)) "
                                          "FROM (SELECT * FROM flags ORDER BY id)");
    if (!sliced) {
      flag_rows.push_back(rows);
      flag_ids = saved->flag_ids;
      EXPECT_GT(saved->run.flags, 0u);  // the generated roll raises flags, so the comparison means something
    } else {
      EXPECT_EQ(rows, flag_rows.front());
      EXPECT_EQ(saved->flag_ids, flag_ids);
    }
    EXPECT_EQ(saved->run.pupils, 40u);
    EXPECT_EQ(sql_integer(db, "SELECT flags FROM runs WHERE id = " + std::to_string(saved->run.id)),
              static_cast<std::int64_t>(saved->run.flags));
    const AuditReport report = verify(*store);
    EXPECT_TRUE(report.intact()) << problems(report);
  }
}

TEST(Runs, ARunWriterDestroyedUnfinishedStoresNothing) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  dsl::Diagnostics d;
  auto inputs = store->load_caseload(example_pack().vocabulary(), {}, d);
  ASSERT_TRUE(inputs);
  const engine::RunResult result = evaluate(example_pack(), inputs->caseload, "2025-11-17");
  {
    auto writer = store->begin_run(result.as_of, result.pack, *inputs, std::nullopt, now_utc(), d);
    ASSERT_TRUE(writer) << text(d);
    ASSERT_TRUE(writer->add(result.pupils, d)) << text(d);
  }  // evaluation failed after the slice was added: the writer goes without finish()
  const std::string db = dir.file("school.db");
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM runs"), 0);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM flags"), 0);
  EXPECT_TRUE(verify(*store).intact());
  // And the database takes the next run as usual.
  const SavedRun saved = run(*store, example_pack(), "2025-11-17");
  EXPECT_EQ(saved.run.id, 1);
}

// `run --db` reads its pupils a slice at a time inside the run (RunWriter::read_current): the same
// run, row for row, as one that read the whole caseload first; the same with a selection of pupils.
TEST(Runs, ARunThatReadsItsPupilsAsItGoesIsTheRunThatReadThemFirst) {
  TempDir dir;
  const engine::Caseload roll = generated(40);
  const std::string started = "2025-11-17T09:00:00Z";
  for (const std::vector<std::string>& selection :
       {std::vector<std::string>{}, std::vector<std::string>{"P-0000031", "P-0000002", "P-0000017"}}) {
    std::vector<std::string> rows;
    for (const bool streamed : {false, true}) {
      const std::string db = dir.file(std::to_string(selection.size()) + (streamed ? "-streamed.db" : "-whole.db"));
      auto store = open(db);
      import(*store, roll, england_pack());
      dsl::Diagnostics d;
      const std::optional<std::vector<std::string>> selected =
          selection.empty() ? std::nullopt : std::optional<std::vector<std::string>>(selection);
      std::optional<SavedRun> saved;
      if (!streamed) {
        auto inputs = store->load_caseload(england_pack().vocabulary(), selection, d);
        ASSERT_TRUE(inputs) << text(d);
        const engine::RunResult result = evaluate(england_pack(), inputs->caseload, "2025-11-17");
        saved = store->save_run(result, *inputs, selected, started, d);
      } else {
        auto writer = store->begin_run(day("2025-11-17"), identity(england_pack()), selected, started, d);
        ASSERT_TRUE(writer) << text(d);
        auto cursor = writer->read_current(england_pack().vocabulary(), selection, d);
        ASSERT_TRUE(cursor) << text(d);
        EXPECT_EQ(cursor->expected(), selection.empty() ? 40u : 3u);
        engine::Caseload part;
        std::size_t slices = 0;
        while (cursor->next(part.pupils, 7, d)) {  // slices of 7: 6 of them, the last of 5
          ++slices;
          EXPECT_LE(part.pupils.size(), 7u);
          ASSERT_TRUE(writer->add(evaluate(england_pack(), part, "2025-11-17").pupils, d)) << text(d);
        }
        EXPECT_FALSE(cursor->failed()) << text(d);
        EXPECT_EQ(slices, selection.empty() ? 6u : 1u);
        saved = writer->finish(d);
      }
      ASSERT_TRUE(saved) << text(d);
      EXPECT_EQ(saved->run.pupils, selection.empty() ? 40u : 3u);
      // The flags as read back: their packed bytes differ, each run's dictionary being made from its
      // first slice with flags (all 40 pupils, or the first 7).
      std::string flags;
      const auto stored = store->load_run(saved->run.id, d);
      ASSERT_TRUE(stored) << text(d);
      for (const engine::PupilResult& p : stored->result.pupils) {
        for (const engine::Flag& f : p.flags) {
          flags += p.id + " " + f.rule + " " + f.cite + " " + ::testing::PrintToString(f.actions) + "\n" +
                   engine::explanation_text(f.explanation, stored->run.pack);
        }
      }
      EXPECT_NE(flags.find("when "), std::string::npos) << flags;
      rows.push_back(sql_text(db, "SELECT input_digest || ' ' || hex(pupils_digest) || ' ' || flags || ' ' || due "
                                  "FROM runs") +
                     flags +
                     sql_text(db, "SELECT group_concat(pupil_id || ' ' || version_id, ',') FROM "
                                  "(SELECT * FROM run_pupils ORDER BY pupil_id)"));
      const AuditReport report = verify(*store);
      EXPECT_TRUE(report.intact()) << problems(report);
    }
    EXPECT_EQ(rows[1], rows[0]);
    EXPECT_NE(rows[0].find("sha256:"), std::string::npos);  // the input digest was recorded, not left empty
  }
}

// Case data altered outside waymark, found part-way through a run that reads as it goes: the run is
// not stored, and the diagnostics are those of a run that read everything first.
TEST(Runs, ARunThatFindsAlteredCaseDataPartWayStoresNothing) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  {
    auto store = open(db);
    import(*store, generated(1100), england_pack());  // more than the 1,024 versions read at a time
  }
  sql(db, "UPDATE pupil_versions SET name = 'Changed' WHERE pupil_id IN ('P-0001050', 'P-0001090')");
  auto store = open(db, OpenMode::write);
  dsl::Diagnostics whole;
  EXPECT_FALSE(store->load_caseload(england_pack().vocabulary(), {}, whole));
  dsl::Diagnostics d;
  {
    auto writer = store->begin_run(day("2025-11-17"), identity(england_pack()), std::nullopt, now_utc(), d);
    ASSERT_TRUE(writer) << text(d);
    auto cursor = writer->read_current(england_pack().vocabulary(), {}, d);
    ASSERT_TRUE(cursor) << text(d);
    engine::Caseload part;
    std::size_t given = 0;
    while (cursor->next(part.pupils, 256, d)) {
      given += part.pupils.size();
      EXPECT_TRUE(writer->add(evaluate(england_pack(), part, "2025-11-17").pupils, d)) << text(d);
    }
    EXPECT_TRUE(cursor->failed());
    EXPECT_GT(given, 0u);  // slices before the first altered pupil were given and evaluated
    EXPECT_LT(given, 1049u);
    EXPECT_FALSE(writer->finish(d));
  }
  EXPECT_NE(text(d).find("[altered-data]"), std::string::npos) << text(d);
  EXPECT_NE(text(d).find("P-0001090"), std::string::npos) << text(d);  // every problem named, not the first only
  EXPECT_EQ(text(d), text(whole));
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM runs"), 0);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM flags"), 0);
}

}  // namespace
}  // namespace waymark::store
