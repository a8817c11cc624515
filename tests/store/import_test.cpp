// Import (docs/store.md, "Import"): exact round trip into the engine's Pupil, all or nothing per
// invocation, and re-import keeping the previous version of a pupil for the audit trail.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support.hpp"

namespace waymark::store {
namespace {

using namespace testing;

void expect_same_pupil(const engine::Pupil& a, const engine::Pupil& b) {
  SCOPED_TRACE("pupil " + a.id());
  EXPECT_EQ(a.attributes, b.attributes);
  EXPECT_EQ(a.upn, b.upn);
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.records.size(), b.records.size());
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    EXPECT_EQ(a.records[i].kind, b.records[i].kind);
    EXPECT_EQ(a.records[i].shape, b.records[i].shape);
    EXPECT_EQ(a.records[i].fields, b.records[i].fields) << "record " << a.records[i].id();
  }
  EXPECT_EQ(a.attendance.first, b.attendance.first);
  EXPECT_EQ(a.attendance.sessions, b.attendance.sessions);
}

void expect_same_caseload(const engine::Caseload& a, const engine::Caseload& b) {
  ASSERT_EQ(a.pupils.size(), b.pupils.size());
  for (std::size_t i = 0; i < a.pupils.size(); ++i) expect_same_pupil(a.pupils[i], b.pupils[i]);
}

StoredCaseload load(Store& store, const dsl::Vocabulary& vocabulary, const std::vector<std::string>& pupils = {}) {
  dsl::Diagnostics d;
  auto out = store.load_caseload(vocabulary, pupils, d);
  EXPECT_TRUE(out.has_value()) << text(d);
  return out ? std::move(*out) : StoredCaseload{};
}

TEST(Import, TheExampleCasesReadBackExactly) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  const engine::Caseload cases = example_cases();
  const ImportSummary s = import(*store, cases);
  EXPECT_EQ(s.pupils, 2u);
  EXPECT_EQ(s.added, 2u);
  EXPECT_EQ(s.replaced, 0u);
  EXPECT_EQ(s.records, 6u);
  const StoredCaseload back = load(*store, example_pack().vocabulary());
  expect_same_caseload(cases, back.caseload);
  ASSERT_EQ(back.pupil_ids, (std::vector<std::string>{"P-0042", "P-0043"}));
  EXPECT_EQ(back.input_digest.rfind("sha256:", 0), 0u);
}

TEST(Import, GeneratedCaseloadsReadBackExactlyIncludingEveryFieldType) {
  TempDir dir;
  auto store = open(dir.file("la.db"));
  const engine::Caseload cases = generated(400, 11);
  import(*store, cases, england_pack());
  expect_same_caseload(cases, load(*store, england_pack().vocabulary()).caseload);
}

TEST(Import, TextNeedingEscapesAndExactFractionsReadBackAcrossReadBlocks) {
  // Stored JSON is read without a DOM, 1,024 versions a block on another thread (caseloads.cpp):
  // 1,100 pupils cross a block, and one pupil's values use every escape the writer produces.
  engine::Caseload cases = generated(1100, 5);
  const dsl::Vocabulary& vocabulary = england_pack().vocabulary();
  const auto& attributes = vocabulary.pupil_attributes();
  std::size_t school = attributes.size();
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == "school") school = i;
  }
  ASSERT_LT(school, attributes.size());
  engine::Pupil& p = cases.pupils[1050];
  p.attributes[school] = std::string("St \"Mary's\" C\\E\nline\ttab\x01 caf\xC3\xA9 \xF0\x9F\x98\x80 {a:[1]}");
  for (engine::Record& r : p.records) {
    const dsl::KindSpec& kind = vocabulary.kinds()[r.kind];
    for (std::size_t f = 0; f < kind.fields.size(); ++f) {
      if (kind.fields[f].type == dsl::FieldType::number && !kind.fields[f].builtin) {
        r.fields[f] = *dsl::Rational::fraction(1, 3);  // stored as "1/3"
      }
    }
  }
  TempDir dir;
  auto store = open(dir.file("la.db"));
  import(*store, cases, england_pack());
  const StoredCaseload back = load(*store, vocabulary);
  expect_same_caseload(cases, back.caseload);
  ASSERT_EQ(back.pupil_ids.size(), 1100u);
  EXPECT_EQ(back.pupil_ids[1050], p.id());
}

TEST(Import, AnOverlayVocabularyReadsCasesImportedUnderItsBase) {
  // Imported with england's vocabulary, evaluated with the example pack that extends it.
  TempDir dir;
  auto store = open(dir.file("school.db"));
  const engine::Caseload cases = load_cases({spec_examples() + "/cases"}, england_pack().vocabulary());
  import(*store, cases, england_pack());
  expect_same_caseload(example_cases(), load(*store, example_pack().vocabulary()).caseload);
}

TEST(Import, ReimportingIdenticalCasesWritesNoNewVersion) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  import(*store, example_cases());
  const ImportSummary again = import(*store, example_cases());
  EXPECT_EQ(again.unchanged, 2u);
  EXPECT_EQ(again.added + again.replaced, 0u);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM pupil_versions"), 2);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM imports"), 2);  // the import itself is on the record
  EXPECT_TRUE(verify(*store).intact());
}

TEST(Import, ReimportingAChangedPupilKeepsThePreviousVersion) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  engine::Caseload cases = example_cases();
  import(*store, cases);
  const StoredCaseload first = load(*store, example_pack().vocabulary());

  // P-0042's review happens: a second date in the reduced timetable's reviews.
  engine::Caseload changed;
  changed.pupils.push_back(with_review(cases.pupils[0], "RT-3", "2025-11-10", example_pack().vocabulary()));
  const ImportSummary s = import(*store, changed);
  EXPECT_EQ(s.replaced, 1u);
  EXPECT_EQ(s.added, 0u);

  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM pupil_versions WHERE pupil_id = 'P-0042'"), 2);
  EXPECT_EQ(sql_integer(db, "SELECT replaces FROM pupil_versions WHERE pupil_id = 'P-0042' ORDER BY id DESC"),
            sql_integer(db, "SELECT min(id) FROM pupil_versions WHERE pupil_id = 'P-0042'"));
  const StoredCaseload now = load(*store, example_pack().vocabulary());
  expect_same_pupil(changed.pupils[0], now.caseload.pupils[0]);
  expect_same_pupil(cases.pupils[1], now.caseload.pupils[1]);  // untouched
  EXPECT_NE(now.input_digest, first.input_digest);
  EXPECT_NE(now.versions[0], first.versions[0]);
  EXPECT_EQ(now.versions[1], first.versions[1]);
  EXPECT_TRUE(verify(*store).intact()) << problems(verify(*store));
}

// What a failed import leaves: the database as it was (its pupils, and its imports each with its one
// chain entry), and the chain intact.
void expect_as_before(Store& store, const std::string& db, std::int64_t pupils, std::int64_t imports) {
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM pupils"), pupils);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM imports"), imports);
  EXPECT_EQ(sql_integer(db, "SELECT count(*) FROM chain"), imports);
  EXPECT_TRUE(verify(store).intact());
}

TEST(Import, IsAllOrNothingWhenTheDiskFills) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  {
    auto store = open(db);
    import(*store, example_cases());
  }
  const std::int64_t pages = sql_integer(db, "PRAGMA page_count");
  // A size limit a few pages above the current size: the big import cannot fit.
  auto store = open(db, OpenMode::create, static_cast<std::uint64_t>(pages + 8));
  dsl::Diagnostics d;
  const engine::Caseload big = generated(2000);
  EXPECT_FALSE(store->import_caseload(big, england_pack().vocabulary(), provenance(england_pack()), d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "database-full") << text(d);
  EXPECT_NE(d.all().front().message.find(db), std::string::npos);
  ASSERT_FALSE(d.all().front().notes.empty());
  EXPECT_NE(d.all().front().notes.front().find("nothing from this command was stored"), std::string::npos);
  expect_as_before(*store, db, 2, 1);
}

// Pupils are encoded on a second thread while earlier ones are inserted: a pupil that cannot be
// encoded, far down the roll, stops the import with its message, and nothing is stored.
TEST(Import, APupilThatCannotBeStoredPartWayStopsTheImportAndStoresNothing) {
  TempDir dir;
  const std::string db = dir.file("la.db");
  auto store = open(db);
  engine::Caseload big = generated(2000);
  big.pupils[1500].name = std::string("Al\xC3\x28x", 5);  // not UTF-8 (a case loader would refuse it)
  dsl::Diagnostics d;
  EXPECT_FALSE(store->import_caseload(big, england_pack().vocabulary(), provenance(england_pack()), d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "invalid-text") << text(d);
  EXPECT_EQ(d.all().front().message.find("Al"), std::string::npos);  // never the name itself
  expect_as_before(*store, db, 0, 0);
}

// The files' digests are taken while pupils are stored: the import's row holds each file's SHA-256
// (of "abc": the FIPS 180-2 test vector), and a source that is no file keeps the digest it was given.
TEST(Import, RecordsTheDigestOfEachFileItRead) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  ImportProvenance given = provenance(example_pack());
  const std::string bytes = "abc";
  given.sources.push_back({"cases/pupils.csv", "", std::string_view(bytes)});
  given.sources.push_back({"waymark gen --pupils 2", ""});
  dsl::Diagnostics d;
  ASSERT_TRUE(store->import_caseload(example_cases(), example_pack().vocabulary(), given, d).has_value()) << text(d);
  EXPECT_EQ(sql_text(db, "SELECT sources FROM imports"),
            "[{\"path\":\"cases/pupils.csv\",\"sha256\":"
            "\"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"},"
            "{\"path\":\"waymark gen --pupils 2\",\"sha256\":\"\"}]");
  EXPECT_TRUE(verify(*store).intact());
}

// The stamp of a file as a loader saw it when it opened it.
dsl::FileStamp stamp_of(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  const std::optional<dsl::FileStamp> stamp = dsl::FileStamp::of(fd);
  ::close(fd);
  EXPECT_TRUE(stamp.has_value());
  return stamp.value_or(dsl::FileStamp{});
}

// A roll's attendance export is read a block at a time, then read again for its digest while the
// pupils are stored: the digest is the file's SHA-256 (of "abc" again).
TEST(Import, RecordsTheDigestOfAFileReadAgainFromDisk) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  const std::string file = dir.file("attendance.csv");
  std::ofstream(file, std::ios::binary) << "abc";
  auto store = open(db);
  ImportProvenance given = provenance(example_pack());
  given.sources.push_back({file, "", std::nullopt, stamp_of(file)});
  dsl::Diagnostics d;
  ASSERT_TRUE(store->import_caseload(example_cases(), example_pack().vocabulary(), given, d).has_value()) << text(d);
  EXPECT_EQ(sql_text(db, "SELECT sources FROM imports"),
            "[{\"path\":\"" + file + "\",\"sha256\":"
            "\"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}]");
  EXPECT_TRUE(verify(*store).intact());
}

// If the file read again is not the file that was loaded (written to since, or replaced), its digest
// would describe other bytes than those imported: nothing is imported, and the message says why.
TEST(Import, AFileChangedSinceItWasReadIsRefusedAndNothingIsStored) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  const std::string file = dir.file("attendance.csv");
  std::ofstream(file, std::ios::binary) << "abc";
  const dsl::FileStamp loaded = stamp_of(file);
  auto store = open(db);
  const auto import_expecting_refusal = [&](const std::string& why) {
    SCOPED_TRACE(why);
    ImportProvenance given = provenance(example_pack());
    given.sources.push_back({file, "", std::nullopt, loaded});
    dsl::Diagnostics d;
    EXPECT_FALSE(store->import_caseload(example_cases(), example_pack().vocabulary(), given, d).has_value());
    ASSERT_TRUE(d.has_errors());
    EXPECT_EQ(d.all().front().code, "changed-input") << text(d);
    EXPECT_NE(d.all().front().message.find("attendance.csv' changed while it was being imported"), std::string::npos)
        << text(d);
    expect_as_before(*store, db, 0, 0);
  };
  std::ofstream(file, std::ios::binary | std::ios::app) << "d";  // grown
  import_expecting_refusal("appended to");
  std::filesystem::create_hard_link(file, dir.file("kept"));  // so that the replacement is another inode
  std::filesystem::remove(file);
  import_expecting_refusal("removed");
  std::ofstream(file, std::ios::binary) << "abd";  // as long, but another file
  import_expecting_refusal("replaced");
}

TEST(Import, AFileNameThatIsNotUtf8IsRefusedAndNothingIsStored) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  ImportProvenance given = provenance(example_pack());
  given.sources.push_back({std::string("cases/pupils\xC3\x28.csv"), "", std::string_view("abc")});
  dsl::Diagnostics d;
  EXPECT_FALSE(store->import_caseload(example_cases(), example_pack().vocabulary(), given, d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "invalid-text") << text(d);
  EXPECT_NE(d.all().front().message.find("a file name is not valid UTF-8"), std::string::npos) << text(d);
  expect_as_before(*store, db, 0, 0);
}

TEST(Import, LoadsOnlyThePupilsAskedFor) {
  TempDir dir;
  auto store = open(dir.file("school.db"));
  import(*store, example_cases());
  const StoredCaseload one = load(*store, example_pack().vocabulary(), {"P-0043"});
  ASSERT_EQ(one.caseload.pupils.size(), 1u);
  EXPECT_EQ(one.caseload.pupils[0].id(), "P-0043");
  dsl::Diagnostics d;
  EXPECT_FALSE(store->load_caseload(example_pack().vocabulary(), {"P-0043", "P-9999"}, d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "unknown-pupil");
  EXPECT_NE(d.all().front().message.find("P-9999"), std::string::npos);
}

TEST(Import, RefusesToEvaluateCaseDataEditedOutsideWaymark) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  import(*store, example_cases());
  sql(db, "UPDATE records SET fields = replace(fields, '\"days\":3', '\"days\":1') WHERE record_id = 'S-1'");
  dsl::Diagnostics d;
  EXPECT_FALSE(store->load_caseload(example_pack().vocabulary(), {}, d).has_value());
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all().front().code, "altered-data") << text(d);
  EXPECT_NE(d.all().front().message.find("P-0042"), std::string::npos);
}

TEST(Import, NeverPutsNamesOrUpnsInMessages) {
  TempDir dir;
  const std::string db = dir.file("school.db");
  auto store = open(db);
  import(*store, example_cases());
  sql(db, "UPDATE pupil_versions SET name = 'Someone Else' WHERE pupil_id = 'P-0042'");
  dsl::Diagnostics d;
  EXPECT_FALSE(store->load_caseload(example_pack().vocabulary(), {}, d).has_value());
  const std::string all = text(d);
  EXPECT_EQ(all.find("Sam Example"), std::string::npos);
  EXPECT_EQ(all.find("Someone Else"), std::string::npos);
  EXPECT_EQ(all.find("Q801200110001"), std::string::npos);
  const AuditReport report = verify(*store);
  EXPECT_FALSE(report.intact());
  EXPECT_EQ(problems(report).find("Someone Else"), std::string::npos);
}

}  // namespace
}  // namespace waymark::store

namespace waymark::store {
namespace {

TEST(Import, Version2FieldsReadBackExactly) {
  // case-records.md §2.1: `about`, reduced_timetable.planned_end and reason, looked_after_since.
  TempDir dir;
  {
    std::ofstream out(dir.file("P-7.yaml"));
    out << "pupil: {id: P-7, looked_after: true, looked_after_since: 2024-02-01}\n"
           "records:\n"
           "  - {kind: suspension, id: S-1, start: 2025-10-06, end: 2025-10-08, days: 3}\n"
           "  - {kind: notification, id: N-1, date: 2025-10-06, to: virtual_school, about: S-1}\n"
           "  - {kind: meeting, id: M-1, date: 2025-10-20, type: governor_review, about: S-1}\n"
           "  - {kind: reduced_timetable, id: RT-1, start: 2025-09-08, hours_per_week: 15,\n"
           "     planned_end: 2025-12-19, reason: phased return}\n";
  }
  const engine::Caseload cases = load_cases({dir.file("P-7.yaml")}, england_pack().vocabulary());
  ASSERT_EQ(cases.pupils.size(), 1u);
  auto store = open(dir.file("school.db"));
  import(*store, cases, england_pack());
  const StoredCaseload back = load(*store, england_pack().vocabulary());
  expect_same_caseload(cases, back.caseload);
  // And the values are really there (not both none): the meeting's about is S-1.
  const engine::Record& m = back.caseload.pupils[0].records[3];
  ASSERT_EQ(m.id(), "M-1");
  const dsl::KindSpec& kind = england_pack().vocabulary().kinds()[m.kind];
  const auto about = static_cast<std::size_t>(kind.field("about") - kind.fields.data());
  EXPECT_EQ(std::get<std::string>(m.fields[about]), "S-1");
}

}  // namespace
}  // namespace waymark::store
