// Input files are complete and well-formed or refused (issue 10.4): special files never hang, folders
// are walked once per real directory, a half CSV export is refused; and a pack is prepared by one
// engine function that `check` and `run` share (issue 10.5, 10.8).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "support.hpp"
#include "waymark/engine/prepare.hpp"

namespace waymark::engine {
namespace {

namespace fs = std::filesystem;

const char* const valid_case =
    "pupil:\n  id: P-1\n  dob: 2012-03-14\nrecords: []\n";

/// A fresh folder under the system's temporary folder, removed when the test ends.
class TempFolder {
public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "waymark-inputs-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& relative, const std::string& text) const {
    const fs::path p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

private:
  fs::path path_;
};

struct Loaded {
  bool ok = false;
  std::size_t pupils = 0;
  std::string text;  // the rendered diagnostics
};

Loaded load(const fs::path& path) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  CaseLoader loader(testing::england());
  Loaded out;
  out.ok = loader.add_path(path, sources, diagnostics);
  out.pupils = loader.finish().pupils.size();
  out.text = render_text(diagnostics.sorted(), sources);
  return out;
}

TEST(InputFiles, RefusesAFifoNamedLikeACaseFileWithoutBlocking) {
  TempFolder dir;
  dir.write("a.yaml", valid_case);
  const fs::path fifo = dir.path() / "b.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Given directly and met in a folder walk: both refused by name, neither waits for a writer.
  const Loaded direct = load(fifo);
  EXPECT_FALSE(direct.ok);
  EXPECT_NE(direct.text.find("b.yaml': it is a pipe (FIFO)"), std::string::npos) << direct.text;
  const Loaded walked = load(dir.path());
  EXPECT_FALSE(walked.ok);
  EXPECT_NE(walked.text.find("it is a pipe (FIFO)"), std::string::npos) << walked.text;
}

TEST(InputFiles, RefusesADevice) {
  const Loaded loaded = load("/dev/zero");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.text.find("'/dev/zero': it is a device"), std::string::npos) << loaded.text;
}

TEST(InputFiles, NamesAFolderWhereTheCsvFormNeedsAFile) {
  TempFolder dir;
  fs::create_directories(dir.path() / "export" / "pupils.csv");
  const Loaded loaded = load(dir.path() / "export");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.text.find("pupils.csv': it is a folder, not a file"), std::string::npos) << loaded.text;
}

TEST(InputFiles, RefusesASymbolicLinkLoop) {
  TempFolder dir;
  fs::create_symlink(dir.path() / "b.yaml", dir.path() / "a.yaml");
  fs::create_symlink(dir.path() / "a.yaml", dir.path() / "b.yaml");
  const Loaded loaded = load(dir.path() / "a.yaml");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.text.find("its symbolic links form a loop"), std::string::npos) << loaded.text;
}

TEST(InputFiles, WalksEachRealFolderOnce) {
  TempFolder dir;
  dir.write("cases/p1.yaml", valid_case);
  // A link back up to the folder itself, and a second link to it: followed, neither walks it again,
  // so P-1 is loaded once (twice would be a duplicate-pupil error, forever would be a hang).
  fs::create_directory_symlink(dir.path() / "cases", dir.path() / "cases" / "again");
  fs::create_directory_symlink(dir.path() / "cases", dir.path() / "also");
  const Loaded loaded = load(dir.path());
  EXPECT_TRUE(loaded.ok) << loaded.text;
  EXPECT_EQ(loaded.pupils, 1U);
}

TEST(InputFiles, RefusesRecordsWithoutPupils) {
  TempFolder dir;
  dir.write("export/records.csv", "pupil_id,kind,id,date,start,end,fields\n");
  const Loaded loaded = load(dir.path() / "export");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.text.find("records.csv' needs 'pupils.csv' in the same folder"), std::string::npos) << loaded.text;
  EXPECT_NE(loaded.text.find("[missing-file]"), std::string::npos);
}

TEST(InputFiles, RefusesOneCsvFileGivenAlone) {
  TempFolder dir;
  const fs::path pupils = dir.write("export/pupils.csv", "id,dob\nP-1,2012-03-14\n");
  const Loaded loaded = load(pupils);
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.text.find("give the folder that holds pupils.csv"), std::string::npos) << loaded.text;
}

TEST(InputFiles, NamesAMissingFile) {
  const Loaded loaded = load("/nonexistent/waymark/case.yaml");
  EXPECT_FALSE(loaded.ok);
  EXPECT_NE(loaded.text.find("there is no such file"), std::string::npos) << loaded.text;
}

// ---- preparing a pack

const std::string example_pack = std::string(WAYMARK_TEST_DATA) + "/fixtures/spec/pack";

PackRequest request_for(const std::string& pack) {
  PackRequest request{pack};
  request.search = {};
  request.search.shipped = std::string(WAYMARK_SOURCE_ROOT) + "/rules";
  return request;
}

TEST(PreparePack, PreparesThePackAndItsBasesReadyToEvaluate) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  PackOutline outline;
  PackRequest request = request_for(example_pack);
  request.outline = &outline;
  const std::unique_ptr<PreparedPack> prepared = prepare_pack(request, sources, diagnostics);
  ASSERT_TRUE(prepared) << render_text(diagnostics.sorted(), sources);
  ASSERT_TRUE(prepared->compiled.has_value());
  EXPECT_EQ(prepared->compiled->identity().name, "example");
  EXPECT_EQ(outline.name, "example");
  EXPECT_EQ(outline.layers, 2U);  // example extends england
  EXPECT_EQ(outline.digest, prepared->pack.digest);
}

TEST(PreparePack, ATrailingSlashChangesNothing) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  const auto plain = prepare_pack(request_for(example_pack), sources, diagnostics);
  const auto slashed = prepare_pack(request_for(example_pack + "//"), sources, diagnostics);
  ASSERT_TRUE(plain && slashed) << render_text(diagnostics.sorted(), sources);
  EXPECT_EQ(plain->pack.digest, slashed->pack.digest);
  EXPECT_EQ(plain->pack.top().name, slashed->pack.top().name);
}

TEST(PreparePack, AnAnonymousPackKeepsItsFolderNameWithATrailingSlash) {
  TempFolder dir;
  dir.write("my_rules/extra.wmk", "");
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  PackRequest request = request_for((dir.path() / "my_rules").string() + "/");
  request.until = PackStage::loaded;
  const auto prepared = prepare_pack(request, sources, diagnostics);
  ASSERT_TRUE(prepared) << render_text(diagnostics.sorted(), sources);
  EXPECT_EQ(prepared->pack.top().name, "my_rules");
}

/// A copy of the example pack in a temporary folder, with its calendar replaced.
fs::path example_with_calendar(const TempFolder& dir, const std::string& calendar) {
  for (const char* leaf : {"pack.yaml", "first-look.wmk"}) {
    dir.write(std::string("pack/") + leaf, testing::read_text(example_pack + "/" + leaf));
  }
  dir.write("pack/calendar.yaml", calendar);
  return dir.path() / "pack";
}

TEST(PreparePack, CheckingReportsACalendarDefectAsRunningWould) {
  TempFolder dir;
  // The term ends before it starts: a calendar defect that only the calendar loader sees.
  const fs::path pack = example_with_calendar(
      dir, "calendar: broken\nyears:\n  - year: 2025-26\n    terms:\n      - name: autumn\n"
           "        start: 2025-12-19\n        end: 2025-09-03\n");
  for (const PackStage until : {PackStage::checked, PackStage::compiled}) {
    dsl::SourceSet sources;
    dsl::Diagnostics diagnostics;
    PackOutline outline;
    PackRequest request = request_for(pack.string());
    request.until = until;
    request.outline = &outline;
    EXPECT_EQ(prepare_pack(request, sources, diagnostics), nullptr);
    EXPECT_TRUE(diagnostics.has_errors());
    EXPECT_NE(render_text(diagnostics.sorted(), sources).find("calendar.yaml:7:"), std::string::npos)
        << render_text(diagnostics.sorted(), sources);
    EXPECT_EQ(outline.name, "example");  // the manifests loaded: `check` prints its summary
  }
}

TEST(PreparePack, ManifestPathsStayInsideThePack) {
  TempFolder dir;
  dir.write("outside/secret.wmk", "");
  dir.write("pack/pack.yaml", "pack: p\nversion: '1'\nextends: england\nrules: ../outside/*.wmk\n");
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  EXPECT_EQ(prepare_pack(request_for((dir.path() / "pack").string()), sources, diagnostics), nullptr);
  const std::string text = render_text(diagnostics.sorted(), sources);
  // pack.yaml line 4 is `rules: ../outside/*.wmk`; the value starts at column 8.
  EXPECT_NE(text.find("pack.yaml:4:8: error: 'rules' names files inside the pack's folder"), std::string::npos) << text;
}

TEST(PreparePack, RefusesAnAbsoluteCalendarPath) {
  TempFolder dir;
  dir.write("pack/pack.yaml", "pack: p\nversion: '1'\nextends: england\ncalendar: /etc/passwd\n");
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  EXPECT_EQ(prepare_pack(request_for((dir.path() / "pack").string()), sources, diagnostics), nullptr);
  const std::string text = render_text(diagnostics.sorted(), sources);
  EXPECT_NE(text.find("pack.yaml:4:11: error: 'calendar' names files inside"), std::string::npos) << text;
  EXPECT_EQ(text.find("root:"), std::string::npos) << text;
}

TEST(PreparePack, RefusesASymbolicLinkOutOfThePack) {
  TempFolder dir;
  dir.write("outside/notes.wmk", "this is not a rule file\n");
  dir.write("pack/pack.yaml", "pack: p\nversion: '1'\nextends: england\n");
  fs::create_symlink(dir.path() / "outside" / "notes.wmk", dir.path() / "pack" / "notes.wmk");
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  EXPECT_EQ(prepare_pack(request_for((dir.path() / "pack").string()), sources, diagnostics), nullptr);
  const std::string text = render_text(diagnostics.sorted(), sources);
  EXPECT_NE(text.find("notes.wmk' leads outside the pack's folder"), std::string::npos) << text;
  EXPECT_EQ(text.find("this is not a rule file"), std::string::npos) << text;
}

TEST(PreparePack, RuleFilePatternsEndInWmk) {
  TempFolder dir;
  dir.write("pack/pack.yaml", "pack: p\nversion: '1'\nextends: england\nrules: cases/*.yaml\n");
  dir.write("pack/cases/p.yaml", "pupil:\n  name: Zelda Quux\n");
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  EXPECT_EQ(prepare_pack(request_for((dir.path() / "pack").string()), sources, diagnostics), nullptr);
  const std::string text = render_text(diagnostics.sorted(), sources);
  EXPECT_NE(text.find("pack.yaml:4:8: error: rule files end in .wmk"), std::string::npos) << text;
  EXPECT_EQ(text.find("Zelda"), std::string::npos) << text;
}

TEST(PreparePack, QuotesNoLineOfAFileThatIsNotARuleFile) {
  TempFolder dir;
  // A manifest error: the message names the place, but the manifest's own line is not printed.
  dir.write("pack/pack.yaml", "pack: p\nversion: '1'\nextends: england\ntiers: [Zelda Quux]\n");
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  EXPECT_EQ(prepare_pack(request_for((dir.path() / "pack").string()), sources, diagnostics), nullptr);
  const std::string text = render_text(diagnostics.sorted(), sources);
  EXPECT_NE(text.find("pack.yaml:4:8: error:"), std::string::npos) << text;
  EXPECT_EQ(text.find(" | "), std::string::npos) << text;
}

}  // namespace
}  // namespace waymark::engine
