#pragma once
// Shared by the store tests: packs ready to evaluate (the spec's example pack and england), caseloads
// (the spec's example cases and generated ones), temporary database files, and raw SQL for tampering.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "waymark/engine/case_loader.hpp"
#include "waymark/engine/evaluate.hpp"
#include "waymark/engine/generate.hpp"
#include "waymark/engine/prepare.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store::testing {

/// The repository's copy of spec/examples, so the tests need nothing outside the repository.
inline std::string spec_examples() { return std::string(WAYMARK_TEST_DATA) + "/fixtures/spec"; }

/// A pack prepared by engine::prepare_pack, with the sources its explanations point into.
struct ReadyPack {
  dsl::SourceSet sources;
  std::unique_ptr<engine::PreparedPack> prepared;
  const engine::CompiledPack* compiled = nullptr;
  const dsl::Vocabulary& vocabulary() const { return prepared->vocabulary(); }
};

inline std::unique_ptr<ReadyPack> prepare(const std::string& name_or_path) {
  auto ready = std::make_unique<ReadyPack>();
  dsl::Diagnostics d;
  engine::PackRequest request{name_or_path};
  request.search = {};
  request.search.shipped = std::string(WAYMARK_SOURCE_ROOT) + "/rules";
  ready->prepared = engine::prepare_pack(request, ready->sources, d);
  EXPECT_TRUE(ready->prepared && !d.has_errors()) << dsl::render_text(d.sorted(), ready->sources);
  if (!ready->prepared) return nullptr;
  ready->compiled = &*ready->prepared->compiled;
  return ready;
}

/// The spec's example pack (extends england).
inline const ReadyPack& example_pack() {
  static const std::unique_ptr<ReadyPack> pack = prepare(spec_examples() + "/pack");
  return *pack;
}

inline const ReadyPack& england_pack() {
  static const std::unique_ptr<ReadyPack> pack = prepare("england");
  return *pack;
}

inline dsl::Date day(const char* iso) { return *dsl::Date::parse_iso(iso); }

/// Cases from files or folders, validated by the loaders; fails the test on any diagnostic.
inline engine::Caseload load_cases(const std::vector<std::string>& paths, const dsl::Vocabulary& vocabulary) {
  engine::CaseLoader loader(vocabulary);
  dsl::SourceSet sources;
  dsl::Diagnostics d;
  for (const std::string& p : paths) EXPECT_TRUE(loader.add_path(p, sources, d)) << dsl::render_text(d.sorted(), sources);
  return loader.finish();
}

inline engine::Caseload example_cases() { return load_cases({spec_examples() + "/cases"}, example_pack().vocabulary()); }

/// A realistic synthetic caseload (`waymark gen`), attendance from September to the as-of date.
inline engine::Caseload generated(std::size_t pupils, std::uint64_t seed = 7, const char* last_day = "2025-11-17") {
  const ReadyPack& pack = england_pack();
  engine::GenerateOptions options;
  options.pupils = pupils;
  options.seed = seed;
  options.first_day = day("2025-09-01");
  options.last_day = day(last_day);
  return engine::generate_caseload(pack.vocabulary(), pack.compiled->program_calendar(), options);
}

/// A copy of the pupil with one more date in a record's `reviews` (a review happened).
inline engine::Pupil with_review(engine::Pupil pupil, const std::string& record, const char* date,
                                 const dsl::Vocabulary& vocabulary) {
  for (engine::Record& r : pupil.records) {
    if (r.id() != record) continue;
    const dsl::KindSpec& kind = vocabulary.kinds()[r.kind];
    const dsl::FieldSpec* reviews = kind.field("reviews");
    EXPECT_NE(reviews, nullptr);
    if (reviews == nullptr) return pupil;
    auto& dates = std::get<engine::DateList>(r.fields[static_cast<std::size_t>(reviews - kind.fields.data())]);
    dates.push_back(day(date));
    std::sort(dates.begin(), dates.end());
    return pupil;
  }
  ADD_FAILURE() << "no record " << record;
  return pupil;
}

inline engine::RunResult evaluate(const ReadyPack& pack, const engine::Caseload& caseload, const char* as_of) {
  engine::EvaluateOptions options;
  options.as_of = day(as_of);
  dsl::Diagnostics d;
  auto run = engine::evaluate(*pack.compiled, caseload, options, d);
  EXPECT_TRUE(run.has_value()) << dsl::render_text(d.sorted(), pack.sources);
  return run.value_or(engine::RunResult{});
}

inline engine::PackIdentity identity(const ReadyPack& pack) { return pack.compiled->identity(); }

/// A fresh folder under the system's temporary folder, removed with everything in it.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "waymark-store-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline std::unique_ptr<Store> open(const std::string& path, OpenMode mode = OpenMode::create,
                                   std::optional<std::uint64_t> max_pages = std::nullopt) {
  OpenOptions options;
  options.mode = mode;
  options.max_pages = max_pages;
  dsl::Diagnostics d;
  auto store = Store::open(path, options, d);
  EXPECT_TRUE(store != nullptr) << dsl::render_text(d.sorted(), dsl::SourceSet());
  return store;
}

/// The diagnostics as text, for assertions and failure messages.
inline std::string text(const dsl::Diagnostics& d) { return dsl::render_text(d.sorted(), dsl::SourceSet()); }

inline ImportProvenance provenance(const ReadyPack& pack) {
  ImportProvenance p;
  p.pack = identity(pack);
  p.started = now_utc();
  return p;
}

inline ImportSummary import(Store& store, const engine::Caseload& caseload, const ReadyPack& pack = example_pack()) {
  dsl::Diagnostics d;
  auto summary = store.import_caseload(caseload, pack.vocabulary(), provenance(pack), d);
  EXPECT_TRUE(summary.has_value()) << text(d);
  return summary.value_or(ImportSummary{});
}

/// Reads the stored caseload, evaluates it and stores the run, as `waymark run --db` does.
inline SavedRun run(Store& store, const ReadyPack& pack, const char* as_of,
                    const std::vector<std::string>& pupils = {}) {
  dsl::Diagnostics d;
  auto inputs = store.load_caseload(pack.vocabulary(), pupils, d);
  EXPECT_TRUE(inputs.has_value()) << text(d);
  if (!inputs) return {};
  const engine::RunResult result = evaluate(pack, inputs->caseload, as_of);
  std::optional<std::vector<std::string>> selection;
  if (!pupils.empty()) selection = pupils;
  auto saved = store.save_run(result, *inputs, selection, now_utc(), d);
  EXPECT_TRUE(saved.has_value()) << text(d);
  return saved.value_or(SavedRun{});
}

inline AuditReport verify(Store& store, const std::string& head = "") {
  dsl::Diagnostics d;
  auto report = store.verify(d, head);
  EXPECT_TRUE(report.has_value()) << text(d);
  return report.value_or(AuditReport{});
}

/// Every problem verify found, one per line, for failure messages.
inline std::string problems(const AuditReport& report) {
  std::string out;
  for (const AuditProblem& p : report.problems) out += p.what + "\n";
  return out;
}

/// Runs SQL on the file through the SQLite C API, as someone with the sqlite3 shell would.
inline void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << statement << ": " << message;
}

/// The single integer a query returns, through the C API.
inline std::int64_t sql_integer(const std::string& path, const std::string& query) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  std::int64_t out = -1;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    out = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

inline std::string sql_text(const std::string& path, const std::string& query) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(s, 0);
    if (p != nullptr) out = reinterpret_cast<const char*>(p);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

}  // namespace waymark::store::testing
