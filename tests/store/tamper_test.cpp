// Tamper evidence (docs/store.md, "Hash chain"): every kind of edit made outside waymark, with the
// SQLite C API as someone with the sqlite3 shell would, is detected and named: table, row, what differs.
#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

class Tamper : public ::testing::Test {
protected:
  void SetUp() override {
    db_ = dir_.file("school.db");
    auto store = open(db_);
    import(*store, example_cases());
    run1_ = run(*store, example_pack(), "2025-11-17");
    dsl::Diagnostics d;
    ASSERT_TRUE(store->acknowledge(run1_.flag_ids[0][0], "J Smith", "Review booked", d)) << text(d);
    run2_ = run(*store, example_pack(), "2025-11-24");
    ASSERT_TRUE(store->acknowledge(run2_.flag_ids[0][1], "A Head", "Family meeting on Friday", d)) << text(d);
    const AuditReport clean = verify(*store);
    ASSERT_TRUE(clean.intact()) << problems(clean);
    head_ = clean.head_hash;
    entries_ = clean.entries;
  }

  AuditReport check() {
    auto store = open(db_, OpenMode::read);
    return store ? verify(*store) : AuditReport{};
  }

  // Verify must find tampering and name `table` and `row` in its first problem, mentioning `words`.
  void expect_first(const std::string& table, std::int64_t row, const std::string& words) {
    const AuditReport report = check();
    ASSERT_FALSE(report.intact()) << "not detected";
    const AuditProblem& first = report.problems.front();
    EXPECT_EQ(first.table, table) << problems(report);
    EXPECT_EQ(first.row, row) << problems(report);
    EXPECT_NE(first.what.find(words), std::string::npos) << problems(report);
  }

  std::int64_t last_ack() { return sql_integer(db_, "SELECT max(id) FROM acks"); }

  TempDir dir_;
  std::string db_;
  SavedRun run1_;
  SavedRun run2_;
  std::string head_;
  std::size_t entries_ = 0;
};

TEST_F(Tamper, AnUntouchedDatabaseVerifies) {
  const AuditReport report = check();
  EXPECT_TRUE(report.intact()) << problems(report);
  EXPECT_EQ(report.runs, 2u);
  EXPECT_EQ(report.acknowledgements, 2u);
  EXPECT_EQ(report.imports, 1u);
  EXPECT_EQ(report.entries, 1 + 2 + report.flags + report.due + 2);
  EXPECT_EQ(report.head_entry, static_cast<std::int64_t>(report.entries));
  EXPECT_EQ(report.head_hash.rfind("sha256:", 0), 0u);
}

TEST_F(Tamper, ChangingAFlagIsNamed) {
  const std::int64_t flag = run1_.flag_ids[0][1];
  sql(db_, "UPDATE flags SET title = 'Nothing to worry about' WHERE id = " + std::to_string(flag));
  expect_first("flags", flag, "flag " + std::to_string(flag) + " was altered after it was stored: column title differs");
}

TEST_F(Tamper, ChangingAFlagsSeverityAndExplanationNamesBothColumns) {
  // A flag's explanation is packed with its other long texts: swapping in another flag's is an edit of
  // `packed`.
  const std::int64_t flag = run1_.flag_ids[0][0];
  const std::int64_t other = run1_.flag_ids[0][1];
  sql(db_, "UPDATE flags SET severity = 'low', packed = (SELECT packed FROM flags WHERE id = " + std::to_string(other) +
               ") WHERE id = " + std::to_string(flag));
  expect_first("flags", flag, "columns severity and packed differ");
}

TEST_F(Tamper, RewritingARunsDictionaryIsNamed) {
  // The dictionary is what every packed flag of the run unpacks against: changing it would change what
  // they say without touching their rows.
  sql(db_, "UPDATE runs SET dictionary = CAST(replace(CAST(dictionary AS TEXT), 'true', 'fals') AS BLOB) WHERE id = " +
               std::to_string(run1_.run.id));
  expect_first("runs", run1_.run.id, "run " + std::to_string(run1_.run.id) + " was altered after it was stored: column dictionary");
}

TEST_F(Tamper, DeletingAnAcknowledgementIsNamed) {
  sql(db_, "DELETE FROM acks WHERE id = 1");
  expect_first("acks", 1, "acknowledgement 1 was deleted");
}

TEST_F(Tamper, RewritingARunsAsOfDateIsNamed) {
  sql(db_, "UPDATE runs SET as_of = '2025-10-01' WHERE id = " + std::to_string(run1_.run.id));
  expect_first("runs", run1_.run.id, "run " + std::to_string(run1_.run.id) + " was altered after it was stored: column as_of");
}

TEST_F(Tamper, SwappingARunsPackDigestIsNamed) {
  sql(db_, "UPDATE runs SET pack_digest = 'sha256:0000' WHERE id = " + std::to_string(run2_.run.id));
  expect_first("runs", run2_.run.id, "column pack_digest");
}

TEST_F(Tamper, ChangingAnAcknowledgementsNoteIsNamed) {
  sql(db_, "UPDATE acks SET note = 'Nothing done' WHERE id = 2");
  expect_first("acks", 2, "column note differs");
}

TEST_F(Tamper, ChangingADueDeadlineIsNamed) {
  const std::int64_t due = sql_integer(db_, "SELECT min(id) FROM due");
  sql(db_, "UPDATE due SET deadline = '2026-01-01' WHERE id = " + std::to_string(due));
  expect_first("due", due, "column deadline differs");
}

TEST_F(Tamper, DeletingAFlagAndItsChainEntryLeavesAGap) {
  const std::int64_t flag = run1_.flag_ids[0][2];
  const std::int64_t seq = sql_integer(db_, "SELECT seq FROM chain WHERE tbl = 'flags' AND row_id = " + std::to_string(flag));
  sql(db_, "DELETE FROM flags WHERE id = " + std::to_string(flag) + "; DELETE FROM chain WHERE seq = " + std::to_string(seq));
  const AuditReport report = check();
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.problems.front().entry, seq + 1) << problems(report);
  EXPECT_NE(report.problems.front().what.find("chain entry " + std::to_string(seq) + " is missing"), std::string::npos)
      << problems(report);
}

TEST_F(Tamper, DeletingTheLastEntryIsDetectedByTheHead) {
  sql(db_, "DELETE FROM acks WHERE id = 2; DELETE FROM chain WHERE seq = (SELECT max(seq) FROM chain)");
  const AuditReport report = check();
  ASSERT_FALSE(report.intact());
  EXPECT_NE(report.problems.front().what.find("the last entry was deleted"), std::string::npos) << problems(report);
  EXPECT_NE(report.problems.front().what.find("acknowledgement 2"), std::string::npos) << problems(report);
}

TEST_F(Tamper, ACutBackHeadIsOnlyCaughtByAHeadRecordedElsewhere) {
  // The limit of any self-contained chain: delete the last entry and rewrite the head to match.
  sql(db_,
      "DELETE FROM acks WHERE id = 2; DELETE FROM chain WHERE seq = (SELECT max(seq) FROM chain);"
      "UPDATE chain_head SET seq = (SELECT max(seq) FROM chain), hash = (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),"
      " tbl = (SELECT tbl FROM chain ORDER BY seq DESC LIMIT 1), row_id = (SELECT row_id FROM chain ORDER BY seq DESC LIMIT 1)");
  EXPECT_TRUE(check().intact());
  auto store = open(db_, OpenMode::read);
  const AuditReport anchored = verify(*store, head_);
  ASSERT_FALSE(anchored.intact());
  EXPECT_NE(anchored.problems.front().what.find("is not in the chain"), std::string::npos) << problems(anchored);
  // An earlier head that is still there proves everything up to it.
  const std::string earlier = sql_text(db_, "SELECT 'sha256:' || lower(hex(hash)) FROM chain WHERE seq = 3");
  const AuditReport still = verify(*store, earlier);
  EXPECT_TRUE(still.intact()) << problems(still);
  EXPECT_EQ(still.anchor_entry, 3);
}

TEST_F(Tamper, AForgedAcknowledgementIsNotInTheChain) {
  sql(db_, "INSERT INTO acks (flag_id, acknowledged_by, note, acknowledged_at) VALUES (1, 'J Smith', 'Done', "
           "'2025-11-18T09:00:00Z')");
  expect_first("acks", 3, "acknowledgement 3 is not in the chain");
}

TEST_F(Tamper, EditingAChainEntryIsNamed) {
  sql(db_, "UPDATE chain SET content = zeroblob(32) WHERE seq = 5");
  const AuditReport report = check();
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.problems.front().entry, 5) << problems(report);
  EXPECT_NE(report.problems.front().what.find("chain entry 5"), std::string::npos) << problems(report);
}

TEST_F(Tamper, DeletingTheHeadIsNamed) {
  sql(db_, "DELETE FROM chain_head");
  const AuditReport report = check();
  ASSERT_FALSE(report.intact());
  EXPECT_NE(problems(report).find("head record is missing"), std::string::npos) << problems(report);
}

TEST_F(Tamper, EditingAPupilsCaseDataIsNamed) {
  sql(db_, "UPDATE pupil_versions SET attributes = replace(attributes, '\"looked_after\":true', '\"looked_after\":false') "
           "WHERE pupil_id = 'P-0042'");
  const AuditReport report = check();
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.problems.front().table, "pupil_versions") << problems(report);
  EXPECT_NE(report.problems.front().what.find("case data of pupil P-0042"), std::string::npos) << problems(report);
  // Both runs that read it are named too.
  EXPECT_NE(problems(report).find("the case data run " + std::to_string(run1_.run.id)), std::string::npos);
}

TEST_F(Tamper, EditingARecordRowIsNamed) {
  sql(db_, "UPDATE records SET anchor = '2025-10-20' WHERE record_id = 'RT-3'");
  EXPECT_NE(problems(check()).find("case data of pupil P-0042"), std::string::npos);
}

TEST_F(Tamper, DeletingARecordRowIsNamed) {
  sql(db_, "DELETE FROM records WHERE record_id = 'M-1'");
  EXPECT_NE(problems(check()).find("case data of pupil P-0042"), std::string::npos);
}

TEST_F(Tamper, RewritingAPupilsDigestToMatchIsCaughtByItsImport) {
  // Someone edits the case data and recomputes its digest column; the import's digest still holds the old one.
  sql(db_, "UPDATE pupil_versions SET digest = zeroblob(32) WHERE pupil_id = 'P-0043'");
  const std::string all = problems(check());
  EXPECT_NE(all.find("pupil versions stored by import 1 were altered"), std::string::npos) << all;
}

TEST_F(Tamper, PointingAPupilAtAnOlderVersionIsNamed) {
  sql(db_, "UPDATE pupils SET current_version = NULL WHERE id = 'P-0043'");
  EXPECT_NE(problems(check()).find("pupil P-0043 points at version none"), std::string::npos);
}

TEST_F(Tamper, ChangingWhatARunEvaluatedIsNamed) {
  sql(db_, "UPDATE run_pupils SET current_tier = 4 WHERE pupil_id = 'P-0042' AND run_id = " + std::to_string(run2_.run.id));
  expect_first("runs", run2_.run.id, "the pupils evaluated by run " + std::to_string(run2_.run.id));
}

TEST_F(Tamper, ChangingAnImportsRecordIsNamed) {
  sql(db_, "UPDATE imports SET pack_name = 'kent' WHERE id = 1");
  expect_first("imports", 1, "import 1 was altered after it was stored: column pack_name");
}

TEST_F(Tamper, TheFirstOfSeveralEditsComesFirst) {
  sql(db_, "UPDATE acks SET acknowledged_by = 'Someone' WHERE id = 2");
  sql(db_, "UPDATE runs SET as_of = '2025-01-01' WHERE id = " + std::to_string(run1_.run.id));
  const AuditReport report = check();
  ASSERT_EQ(report.problems.size(), 2u) << problems(report);
  EXPECT_EQ(report.problems[0].table, "runs");
  EXPECT_EQ(report.problems[1].table, "acks");
  EXPECT_LT(report.problems[0].entry, report.problems[1].entry);
}

TEST_F(Tamper, AWaymarkWriteAfterTamperingKeepsTheEvidence) {
  sql(db_, "DELETE FROM acks WHERE id = 2; DELETE FROM chain WHERE seq = (SELECT max(seq) FROM chain)");
  auto store = open(db_, OpenMode::write);
  dsl::Diagnostics d;
  ASSERT_TRUE(store->acknowledge(run2_.flag_ids[0][0], "J Smith", "Seen", d));
  EXPECT_EQ(d.warning_count(), 1u) << text(d);  // the head did not match the last entry
  const AuditReport report = verify(*store);
  ASSERT_FALSE(report.intact());
  EXPECT_NE(problems(report).find("is missing"), std::string::npos) << problems(report);
}

// --- what the database itself can tell without an anchor (issue 10.2) ---------------------------

TEST_F(Tamper, DeletingAPupilRowIsNamedAndARunRefusesToSkipThePupil) {
  sql(db_, "DELETE FROM pupils WHERE id = 'P-0043'");  // the shell's default: foreign keys off
  const AuditReport report = check();
  EXPECT_NE(problems(report).find("pupil P-0043 was deleted: 1 version of their case data remain"), std::string::npos)
      << problems(report);
  auto store = open(db_, OpenMode::write);
  dsl::Diagnostics d;
  EXPECT_FALSE(store->load_caseload(example_pack().vocabulary(), {}, d));
  EXPECT_NE(text(d).find("1 pupil in"), std::string::npos) << text(d);
  EXPECT_NE(text(d).find("[altered-data]"), std::string::npos) << text(d);
}

TEST_F(Tamper, UnlinkingAPupilFromItsCaseDataMakesARunRefuse) {
  sql(db_, "UPDATE pupils SET current_version = NULL WHERE id = 'P-0042'");
  auto store = open(db_, OpenMode::write);
  dsl::Diagnostics d;
  EXPECT_FALSE(store->load_caseload(example_pack().vocabulary(), {}, d));
  EXPECT_NE(text(d).find("no longer leads to their case data"), std::string::npos) << text(d);
}

TEST_F(Tamper, InsertingAPupilRowIsNamed) {
  sql(db_, "INSERT INTO pupils (id, current_version) VALUES ('P-9999', NULL)");
  EXPECT_NE(problems(check()).find("pupil P-9999 has no case data from any import"), std::string::npos)
      << problems(check());
}

TEST_F(Tamper, DeletingAPupilVersionIsCaughtByItsImportsCounts) {
  // The example import stored 2 new versions (P-0042 and P-0043, both new); removing one leaves 1.
  sql(db_, "DELETE FROM records WHERE version_id IN (SELECT id FROM pupil_versions WHERE pupil_id = 'P-0043');"
           "DELETE FROM pupil_versions WHERE pupil_id = 'P-0043'; DELETE FROM pupils WHERE id = 'P-0043'");
  const std::string all = problems(check());
  EXPECT_NE(all.find("import 1 recorded 2 new versions of pupils' case data but 1 are stored"), std::string::npos) << all;
  EXPECT_NE(all.find("pupil versions stored by import 1 were altered"), std::string::npos) << all;
}

TEST_F(Tamper, InsertingAPupilVersionIsNamed) {
  sql(db_, "INSERT INTO pupil_versions (pupil_id, import_id, replaces, upn, name, attributes, marks_first, marks, digest) "
           "SELECT pupil_id, import_id, id, upn, name, attributes, marks_first, marks, digest FROM pupil_versions "
           "WHERE pupil_id = 'P-0042'");
  const std::string all = problems(check());
  EXPECT_NE(all.find("import 1 recorded 2 new versions of pupils' case data but 3 are stored"), std::string::npos) << all;
  EXPECT_NE(all.find("pupil P-0042 points at version"), std::string::npos) << all;
}

TEST_F(Tamper, CuttingARunsTailAndMovingTheHeadBackIsCaughtByTheRunsCounts) {
  // Keep run 2's first flag; delete everything chained after it (its other flags, its due entries,
  // the second acknowledgement) and move the head back to match, all of it.
  const std::int64_t kept = run2_.flag_ids[0][0];
  const std::int64_t run = run2_.run.id;
  const std::int64_t seq =
      sql_integer(db_, "SELECT seq FROM chain WHERE tbl = 'flags' AND row_id = " + std::to_string(kept));
  sql(db_, "DELETE FROM acks WHERE id = 2; DELETE FROM due WHERE run_id = " + std::to_string(run) +
               "; DELETE FROM flags WHERE run_id = " + std::to_string(run) + " AND id <> " + std::to_string(kept) +
               "; DELETE FROM chain WHERE seq > " + std::to_string(seq) +
               "; UPDATE chain_head SET seq = " + std::to_string(seq) +
               ", hash = (SELECT hash FROM chain WHERE seq = " + std::to_string(seq) +
               "), tbl = 'flags', row_id = " + std::to_string(kept));
  const AuditReport report = check();
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.problems.front().table, "runs") << problems(report);
  EXPECT_EQ(report.problems.front().row, run) << problems(report);
  // run2_ stored at least two flags (the fixture acknowledges its second one); one is left.
  EXPECT_NE(problems(report).find(std::to_string(run2_.run.flags) + " flags but 1 are stored"), std::string::npos)
      << problems(report);
}

TEST_F(Tamper, EditingTheHeadsOwnRowIsNamed) {
  sql(db_, "UPDATE chain_head SET row_id = 1");
  expect_first("chain_head", 0, "the head record was edited");
}

TEST_F(Tamper, DroppingAChainTableIsTamperingNotAnError) {
  for (const char* table : {"chain", "chain_head", "run_pupils"}) {
    SCOPED_TRACE(table);
    TempDir dir;
    const std::string copy = dir.file("copy.db");
    sql(db_, "VACUUM INTO '" + copy + "'");
    sql(copy, std::string("DROP TABLE ") + table);
    auto store = open(copy, OpenMode::read);
    ASSERT_TRUE(store);
    const AuditReport report = verify(*store);
    ASSERT_FALSE(report.intact());
    EXPECT_EQ(report.problems.front().table, table);
    EXPECT_EQ(report.problems.front().what, std::string("table ") + table + " was dropped: the audit trail it held is gone");
  }
}

TEST_F(Tamper, AHeadAtTheLargestNumberCannotOverflow) {
  sql(db_, "UPDATE chain_head SET seq = 9223372036854775807");
  auto store = open(db_, OpenMode::write);
  dsl::Diagnostics d;
  EXPECT_FALSE(store->acknowledge(run2_.flag_ids[0][0], "J Smith", "Seen", d));
  EXPECT_NE(text(d).find("[chain-full]"), std::string::npos) << text(d);
  EXPECT_EQ(sql_integer(db_, "SELECT count(*) FROM acks"), 2);  // nothing stored
  const AuditReport report = verify(*store);
  ASSERT_FALSE(report.intact());
  EXPECT_NE(problems(report).find("its head records entry 9223372036854775807"), std::string::npos) << problems(report);
}

// Verify reads the chain 2,048 entries at a time and hashes each block on another core: an edit in a
// later block is found and named just the same, and the entries are all counted once.
TEST(TamperInALongChain, AnEditBeyondTheFirstBlockIsNamed) {
  TempDir dir;
  const std::string db = dir.file("roll.db");
  auto store = open(db);
  import(*store, generated(3000), england_pack());
  const SavedRun saved = run(*store, england_pack(), "2025-11-17");
  const std::int64_t entries = sql_integer(db, "SELECT count(*) FROM chain");
  ASSERT_GT(entries, 2048 + 1000) << "the roll must raise enough flags to go well past the first block";
  const AuditReport clean = verify(*store);
  EXPECT_TRUE(clean.intact()) << problems(clean);
  EXPECT_EQ(clean.entries, entries);
  EXPECT_EQ(clean.flags, saved.run.flags);
  // The first flag entry after 2,600 (in the second block) gets another title.
  const std::int64_t seq = sql_integer(db, "SELECT min(seq) FROM chain WHERE tbl = 'flags' AND seq > 2600");
  const std::int64_t flag = sql_integer(db, "SELECT row_id FROM chain WHERE seq = " + std::to_string(seq));
  ASSERT_GT(seq, 2600);
  ASSERT_GT(flag, 0);
  sql(db, "UPDATE flags SET title = 'Nothing to see' WHERE id = " + std::to_string(flag));
  const AuditReport edited = verify(*store);
  ASSERT_FALSE(edited.intact());
  EXPECT_EQ(edited.problems.front().entry, seq) << problems(edited);
  EXPECT_EQ(edited.problems.size(), 1u) << problems(edited);
  EXPECT_NE(edited.problems.front().what.find("flag " + std::to_string(flag) +
                                              " was altered after it was stored: column title differs"),
            std::string::npos)
      << problems(edited);
}

// Verify reads and hashes the chain 2,048 entries at a time and the pupil versions 1,024 at a time on
// another core, then checks each block in order: edits on both sides of a block's edge, rows read out
// of order, and a gap at an edge are each reported once, in chain order, as a single loop would.
TEST(TamperInALongChain, EditsAtTheEdgesOfBlocksAreReportedInChainOrder) {
  TempDir dir;
  const std::string db = dir.file("roll.db");
  auto store = open(db);
  import(*store, generated(4000), england_pack());
  run(*store, england_pack(), "2025-11-17");
  ASSERT_GT(sql_integer(db, "SELECT count(*) FROM chain"), 4200);
  const auto row_of = [&](int seq) {
    return sql_integer(db, "SELECT row_id FROM chain WHERE seq = " + std::to_string(seq) + " AND tbl = 'flags'");
  };
  const std::int64_t last_of_first = row_of(2048);
  const std::int64_t first_of_second = row_of(2049);
  const std::int64_t before = row_of(2047);
  const std::int64_t after = row_of(2050);
  const std::int64_t gone = row_of(4096);
  ASSERT_TRUE(last_of_first > 0 && first_of_second > 0 && before > 0 && after > 0 && gone > 0);
  const std::int64_t run_entry = sql_integer(db, "SELECT seq FROM chain WHERE tbl = 'runs'");
  const std::string pupil_1024 = sql_text(db, "SELECT pupil_id FROM pupil_versions WHERE id = 1024");
  const std::string pupil_1025 = sql_text(db, "SELECT pupil_id FROM pupil_versions WHERE id = 1025");
  sql(db, "UPDATE flags SET title = 'Nothing to see' WHERE id = " + std::to_string(last_of_first));
  sql(db, "UPDATE flags SET severity = 'low' WHERE id = " + std::to_string(first_of_second));
  // Entries 2047 and 2050 swap rows: the second is read behind the cursor, the first far ahead of it.
  sql(db, "UPDATE chain SET row_id = -1 WHERE seq = 2047");
  sql(db, "UPDATE chain SET row_id = " + std::to_string(before) + " WHERE seq = 2050");
  sql(db, "UPDATE chain SET row_id = " + std::to_string(after) + " WHERE seq = 2047");
  sql(db, "DELETE FROM chain WHERE seq = 4096");
  sql(db, "UPDATE pupil_versions SET name = 'Someone Else' WHERE id IN (1024, 1025)");

  const AuditReport report = verify(*store);
  const auto entry_words = [](std::int64_t seq) { return "chain entry " + std::to_string(seq); };
  const auto flag = [](std::int64_t id) { return "flag " + std::to_string(id); };
  const std::vector<std::pair<std::int64_t, std::string>> expected = {
      {1, "the case data of pupil " + pupil_1024 + " (version 1024, import 1) was changed after it was imported"},
      {1, "the case data of pupil " + pupil_1025 + " (version 1025, import 1) was changed after it was imported"},
      {2047, entry_words(2047) + " (flags " + std::to_string(after) + ") was altered: its hash does not follow"},
      {2047, flag(after) + " was altered after it was stored: columns id, "},
      {2048, flag(last_of_first) + " was altered after it was stored: column title differs from what was recorded (" +
                 entry_words(2048) + ")"},
      {2049, flag(first_of_second) + " was altered after it was stored: column severity differs from what was "
                                     "recorded (" + entry_words(2049) + ")"},
      {2050, entry_words(2050) + " (flags " + std::to_string(before) + ") was altered: its hash does not follow"},
      {2050, flag(before) + " was altered after it was stored: columns id, "},
      {4097, entry_words(4096) + " is missing: it was deleted"},
      {run_entry, "the case data run 1 evaluated no longer matches its input digest"},
      {0, flag(gone) + " is not in the chain: it was added outside waymark"},
  };
  ASSERT_EQ(report.problems.size(), expected.size()) << problems(report);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(report.problems[i].entry, expected[i].first) << problems(report);
    EXPECT_EQ(report.problems[i].what.substr(0, expected[i].second.size()), expected[i].second) << problems(report);
  }
  EXPECT_EQ(report.entries, static_cast<std::size_t>(sql_integer(db, "SELECT count(*) FROM chain")));
}

}  // namespace
}  // namespace waymark::store
