// History and acknowledgements (docs/store.md, "History"): each run's flags for a pupil marked new or
// continuing, flags that stopped firing marked resolved, and who acknowledged what, when.
#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

const HistoryFlag* find(const HistoryRun& run, const std::string& rule) {
  for (const HistoryFlag& f : run.flags) {
    if (f.flag.rule == rule) return &f;
  }
  return nullptr;
}

PupilHistory history(Store& store, const std::string& pupil) {
  dsl::Diagnostics d;
  auto h = store.history(pupil, d);
  EXPECT_TRUE(h.has_value()) << text(d);
  return h.value_or(PupilHistory{});
}

class History : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = open(dir_.file("school.db"));
    import(*store_, example_cases());
    run1_ = run(*store_, example_pack(), "2025-11-17");
  }

  std::int64_t flag_of(const SavedRun& saved, std::size_t pupil, const std::string& rule) {
    dsl::Diagnostics d;
    auto stored = store_->load_run(saved.run.id, d);
    const auto& flags = stored->result.pupils[pupil].flags;
    for (std::size_t i = 0; i < flags.size(); ++i) {
      if (flags[i].rule == rule) return saved.flag_ids[pupil][i];
    }
    ADD_FAILURE() << "no flag " << rule;
    return 0;
  }

  // P-0042's reduced timetable is reviewed on 2025-11-20.
  void review_timetable() {
    engine::Caseload changed;
    changed.pupils.push_back(with_review(example_cases().pupils[0], "RT-3", "2025-11-20", example_pack().vocabulary()));
    import(*store_, changed);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  SavedRun run1_;
};

TEST_F(History, TheFirstRunsFlagsAreNewAndUnacknowledged) {
  const PupilHistory h = history(*store_, "P-0042");
  ASSERT_EQ(h.runs.size(), 1u);
  ASSERT_EQ(h.versions.size(), 1u);
  const HistoryRun& r = h.runs[0];
  EXPECT_EQ(r.as_of, day("2025-11-17"));
  EXPECT_FALSE(r.previous_run.has_value());
  EXPECT_EQ(r.current_tier, 2);
  EXPECT_EQ(r.suggested_tier, 3);
  const HistoryFlag* f = find(r, "example/reduced-timetable-unreviewed");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, FlagStatus::new_flag);
  EXPECT_EQ(f->bound_item, "RT-3");
  EXPECT_EQ(f->first_raised_run, r.run);
  EXPECT_TRUE(f->acknowledgements.empty());
  EXPECT_TRUE(r.resolved.empty());
}

TEST_F(History, AcknowledgementsAreShownWithWhoWhenAndWhat) {
  const std::int64_t flag = flag_of(run1_, 0, "example/reduced-timetable-unreviewed");
  dsl::Diagnostics d;
  auto ack = store_->acknowledge(flag, "J Smith (SENCO)", "Review booked with parents for 20 Nov", d);
  ASSERT_TRUE(ack) << text(d);
  EXPECT_EQ(ack->flag, flag);
  EXPECT_EQ(ack->at.size(), 20u);  // 2025-11-18T09:30:12Z
  const PupilHistory h = history(*store_, "P-0042");
  const HistoryFlag* f = find(h.runs[0], "example/reduced-timetable-unreviewed");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->acknowledgements.size(), 1u);
  EXPECT_EQ(f->acknowledgements[0].by, "J Smith (SENCO)");
  EXPECT_EQ(f->acknowledgements[0].note, "Review booked with parents for 20 Nov");
  EXPECT_EQ(f->acknowledgements[0].at, ack->at);
  EXPECT_TRUE(verify(*store_).intact());
}

TEST_F(History, TheAcknowledgementLogListsEveryAcknowledgementNewestFirstWithItsFlag) {
  dsl::Diagnostics d;
  auto empty = store_->acknowledgement_log(d);
  ASSERT_TRUE(empty) << text(d);
  EXPECT_TRUE(empty->empty());
  const std::int64_t timetable = flag_of(run1_, 0, "example/reduced-timetable-unreviewed");
  const std::int64_t absence = flag_of(run1_, 0, "example/persistent-absence");
  ASSERT_TRUE(store_->acknowledge(timetable, "J Smith (SENCO)", "Review booked", d)) << text(d);
  ASSERT_TRUE(store_->acknowledge(absence, "A Head", "Attendance meeting held", d)) << text(d);
  const auto log = store_->acknowledgement_log(d);
  ASSERT_TRUE(log) << text(d);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].acknowledgement.by, "A Head");  // the later one first
  EXPECT_EQ((*log)[0].acknowledgement.flag, absence);
  EXPECT_EQ((*log)[0].rule, "example/persistent-absence");
  EXPECT_EQ((*log)[0].pupil, "P-0042");
  EXPECT_EQ((*log)[0].run, run1_.run.id);
  EXPECT_EQ((*log)[1].acknowledgement.note, "Review booked");
  EXPECT_EQ((*log)[1].rule, "example/reduced-timetable-unreviewed");
  EXPECT_EQ(store_->acknowledgement_log(d, 1)->size(), 1u);  // at most `limit`
}

TEST_F(History, MarksContinuingAndResolvedFlagsAgainstThePreviousRun) {
  const std::int64_t absence = flag_of(run1_, 0, "example/persistent-absence");
  dsl::Diagnostics d;
  ASSERT_TRUE(store_->acknowledge(absence, "A Head", "Attendance meeting held", d)) << text(d);
  review_timetable();
  const SavedRun run2 = run(*store_, example_pack(), "2025-11-24");

  const PupilHistory h = history(*store_, "P-0042");
  ASSERT_EQ(h.versions.size(), 2u);
  ASSERT_EQ(h.runs.size(), 2u);
  const HistoryRun& r2 = h.runs[1];
  EXPECT_EQ(r2.run, run2.run.id);
  EXPECT_EQ(r2.previous_run, run1_.run.id);
  EXPECT_EQ(r2.version, h.versions[1].version);
  const HistoryFlag* continuing = find(r2, "example/persistent-absence");
  ASSERT_NE(continuing, nullptr);
  EXPECT_EQ(continuing->status, FlagStatus::continuing);
  EXPECT_EQ(continuing->first_raised_run, run1_.run.id);
  ASSERT_EQ(continuing->earlier_acknowledgements.size(), 1u);
  EXPECT_EQ(continuing->earlier_acknowledgements[0].by, "A Head");
  EXPECT_EQ(continuing->earlier_acknowledgements[0].flag, absence);
  EXPECT_EQ(find(r2, "example/reduced-timetable-unreviewed"), nullptr);
  bool resolved = false;
  for (const ResolvedFlag& f : r2.resolved) {
    if (f.rule == "example/reduced-timetable-unreviewed") {
      resolved = true;
      EXPECT_EQ(f.bound_item, "RT-3");
      EXPECT_EQ(f.last_flag, flag_of(run1_, 0, "example/reduced-timetable-unreviewed"));
    }
  }
  EXPECT_TRUE(resolved);

  // P-0043: the meeting that was due by 2025-11-20 never happened, so the due entry became a new flag.
  const PupilHistory other = history(*store_, "P-0043");
  ASSERT_EQ(other.runs.size(), 2u);
  bool was_due = false;
  for (const auto& e : other.runs[0].due) was_due |= e.rule == "example/no-restorative-reintegration";
  EXPECT_TRUE(was_due);
  const HistoryFlag* missed = find(other.runs[1], "example/no-restorative-reintegration");
  ASSERT_NE(missed, nullptr);
  EXPECT_EQ(missed->status, FlagStatus::new_flag);
}

TEST_F(History, ARunWithAnotherPackDoesNotResolveOrRenewFlags) {
  run(*store_, england_pack(), "2025-11-24");
  const SavedRun again = run(*store_, example_pack(), "2025-11-24");
  const PupilHistory h = history(*store_, "P-0042");
  ASSERT_EQ(h.runs.size(), 3u);
  EXPECT_EQ(h.runs[1].pack.name, "england");
  EXPECT_FALSE(h.runs[1].previous_run.has_value());
  EXPECT_EQ(h.runs[2].run, again.run.id);
  EXPECT_EQ(h.runs[2].previous_run, run1_.run.id);
  const HistoryFlag* f = find(h.runs[2], "example/persistent-absence");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, FlagStatus::continuing);
}

TEST_F(History, APupilOutsideARunsSelectionIsNotResolved) {
  run(*store_, example_pack(), "2025-11-24", {"P-0043"});
  const PupilHistory h = history(*store_, "P-0042");
  EXPECT_EQ(h.runs.size(), 1u);  // the second run did not evaluate P-0042
}

TEST_F(History, AnUnknownPupilIsAClearError) {
  dsl::Diagnostics d;
  EXPECT_FALSE(store_->history("P-9999", d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "unknown-pupil");
}

}  // namespace
}  // namespace waymark::store
