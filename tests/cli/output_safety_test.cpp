// Issue 10, items 1, 6 and 7 as a user meets them: no command destroys what it reads, output that
// cannot be written is an error, data cannot inject into a spreadsheet or a terminal, and the paper
// cuts of the new-user trial.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <set>

#include "support.hpp"

namespace {

using namespace waymark::cli_testing;

std::string pack() { return spec() + "/pack"; }

// A private copy of the spec example's cases, so that a test may try to overwrite them.
fs::path cases_copy(const std::string& name) {
  const fs::path dir = scratch(name) / "cases";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(spec() + "/cases", dir, fs::copy_options::recursive);
  return dir;
}

std::string run_args(const fs::path& cases) {
  return "run --pack " + pack() + " --cases " + cases.string() + " --as-of 2025-11-17";
}

// The standard output of a shell command.
std::string run_shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// --- 1. no command destroys what it reads ------------------------------------------------------

TEST(OutputPath, ACaseFileIsRefusedAndLeftAsItWas) {
  const fs::path cases = cases_copy("out-case");
  const fs::path victim = cases / "P-0042.yaml";
  const std::string before = read(victim);
  const Result r = run(run_args(cases) + " --out " + victim.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("an input of this command"), std::string::npos) << r.err;
  EXPECT_EQ(read(victim), before);
}

// A roll's attendance.csv (16 MB or more) is read a block at a time and never held in memory: it is
// an input all the same, and no report may be written over it.
TEST(OutputPath, AStreamedAttendanceFileIsRefusedAndLeftAsItWas) {
  const fs::path dir = scratch("out-streamed") / "roll";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string pupils = "id\n";
  std::string attendance = "pupil_id,date,am,pm\n";
  for (int i = 0; i < 25000; ++i) {  // 25,000 pupils * 30 rows of 24 bytes: 18 MB
    const std::string id = "P-" + std::to_string(100000 + i);
    pupils += id + "\n";
    for (int d = 1; d <= 30; ++d) attendance += id + ",2025-09-" + (d < 10 ? "0" : "") + std::to_string(d) + ",/,\\\n";
  }
  ASSERT_GE(attendance.size(), std::size_t{16} << 20);
  write_file(dir / "pupils.csv", pupils);
  write_file(dir / "attendance.csv", attendance);
  const fs::path victim = dir / "attendance.csv";
  const Result r = run(run_args(dir) + " --format csv --out " + victim.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("will not write to"), std::string::npos) << r.err;
  EXPECT_EQ(read(victim), attendance);
  const Result elsewhere = run(run_args(dir) + " --format csv --out " + (dir.parent_path() / "report.csv").string());
  EXPECT_EQ(elsewhere.exit_code, 0) << elsewhere.err;
}

TEST(OutputPath, AHardLinkToARuleFileIsRefusedByIdentityNotName) {
  const fs::path dir = scratch("out-link");
  const fs::path packs = dir / "pack";
  fs::remove_all(packs);
  fs::copy(pack(), packs, fs::copy_options::recursive);
  const fs::path link = dir / "innocent.txt";
  fs::remove(link);
  fs::create_hard_link(packs / "first-look.wmk", link);
  const std::string before = read(packs / "first-look.wmk");
  const Result r = run("run --pack " + packs.string() + " --cases " + spec() + "/cases --as-of 2025-11-17 --out " +
                       link.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("the same file as the input"), std::string::npos) << r.err;
  EXPECT_EQ(read(packs / "first-look.wmk"), before);
}

TEST(OutputPath, TheDatabaseIsRefusedAndNoRunIsStored) {
  const fs::path dir = scratch("out-db");
  const fs::path db = dir / "school.db";
  fs::remove(db);
  ASSERT_EQ(run("import --db " + db.string() + " --pack " + pack() + " " + spec() + "/cases").exit_code, 0);
  const Result r = run("run --pack " + pack() + " --db " + db.string() + " --as-of 2025-11-17 --out " + db.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  const Result verify = run("audit verify --db " + db.string());
  EXPECT_EQ(verify.exit_code, 0) << verify.all();
  EXPECT_NE(verify.out.find("0 runs"), std::string::npos) << verify.out;  // refused before the run was stored
}

TEST(OutputPath, SpecialFilesAreRefusedBeforeAnythingIsWritten) {
  const fs::path dir = scratch("out-special");
  const fs::path fifo = dir / "pipe";
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path target = dir / "target.txt";
  write_file(target, "keep me\n");
  const fs::path link = dir / "link.txt";
  fs::remove(link);
  fs::create_symlink(target, link);
  // A FIFO would hang a writer with no reader; a symlink would redirect the write elsewhere.
  for (const auto& [path, words] : std::vector<std::pair<std::string, std::string>>{
           {dir.string(), "it is a folder"},
           {fifo.string(), "it is a named pipe (FIFO)"},
           {link.string(), "it is a symbolic link"},
           {"/dev/null", "it is a device"},
           {(dir / "no-such-folder" / "report.txt").string(), "does not exist"}}) {
    SCOPED_TRACE(path);
    const Result r = run(run_args(spec() + "/cases") + " --out " + path);
    EXPECT_EQ(r.exit_code, 2) << r.all();
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  }
  EXPECT_EQ(read(target), "keep me\n");
}

TEST(OutputPath, ImportIntoACaseFileItReadsIsRefused) {
  const fs::path cases = cases_copy("import-self");
  const fs::path victim = cases / "P-0043.yaml";
  const std::string before = read(victim);
  const Result r = run("import --db " + victim.string() + " --pack " + pack() + " " + cases.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_EQ(read(victim), before);
}

TEST(StandardOutput, AFullDiskIsExitThree) {
  const Result r = run(run_args(spec() + "/cases") + " > /dev/full");
  EXPECT_EQ(r.exit_code, 3) << r.all();
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  const Result history = run("--help > /dev/full");
  EXPECT_EQ(history.exit_code, 3) << history.all();
}

TEST(StandardOutput, AClosedDescriptorIsExitThree) {
  const Result r = run(run_args(spec() + "/cases") + " >&-");
  EXPECT_EQ(r.exit_code, 3) << r.all();
}

TEST(StandardOutput, AClosedPipeIsExitThreeNotASignal) {
  // The read end is closed before waymark starts, so its first write must fail with EPIPE.
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  ::close(ends[0]);
  const std::string err = (scratch("pipe") / "err").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(ends[1], STDOUT_FILENO);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(e, STDERR_FILENO);
    ::signal(SIGPIPE, SIG_DFL);  // as a shell would leave it
    const std::string cases = spec() + "/cases";
    const std::string p = pack();
    ::execl(WAYMARK_BINARY, "waymark", "run", "--pack", p.c_str(), "--cases", cases.c_str(), "--as-of", "2025-11-17",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(ends[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_NE(read(err).find("Broken pipe"), std::string::npos) << read(err);
}

// --- 6. output cannot inject -------------------------------------------------------------------

TEST(Injection, CsvCellsThatLookLikeFormulasAreNeutralised) {
  const fs::path cases = cases_copy("csv-injection");
  std::string text = read(cases / "P-0042.yaml");
  // The reduced timetable's id is the flag's evidence: make it a formula.
  const std::size_t at = text.find("id: RT-3");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "id: \"=HYPERLINK(1)\"");
  write_file(cases / "P-0042.yaml", text);
  const Result r = run(run_args(cases) + " --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find(",'=HYPERLINK(1),"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(",=HYPERLINK"), std::string::npos) << r.out;
}

TEST(Injection, ControlCharactersInDataNeverReachTheTerminalRaw) {
  const fs::path cases = cases_copy("escapes");
  std::string text = read(cases / "P-0042.yaml");
  const std::size_t at = text.find("name: Sam Example");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 17, "name: \"Sam \\e]0;owned\\a\\e[2JExample\"");  // set the title, clear the screen
  write_file(cases / "P-0042.yaml", text);
  const Result r = run(run_args(cases));
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.out.find('\a'), std::string::npos);
  EXPECT_NE(r.out.find("Sam \\x1B]0;owned\\x07\\x1B[2JExample"), std::string::npos) << r.out;
  // A pupil id given on the command line comes back in a diagnostic, made visible too.
  const Result unknown = run(run_args(cases) + " --pupil \"$(printf 'P-\\033[2J')\"");
  EXPECT_EQ(unknown.err.find('\x1b'), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("P-\\x1B[2J"), std::string::npos) << unknown.err;
}

// --- 7. paper cuts -----------------------------------------------------------------------------

TEST(PaperCuts, VersionIsPrinted) {
  const Result r = run("--version");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.out.rfind("waymark ", 0), 0u) << r.out;
}

// At a terminal (a pseudo-terminal from script(1)) the report is coloured, unless NO_COLOR is set or
// TERM is dumb (no-color.org).
TEST(PaperCuts, NoColorAndDumbTerminalsAreHonoured) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) is not installed";
  const std::string command = std::string(WAYMARK_BINARY) + " " + run_args(spec() + "/cases");
  const auto at_terminal = [&](const std::string& environment) {
    return run_shell("script -qec '" + environment + " " + command + "' /dev/null");
  };
  EXPECT_NE(at_terminal("TERM=xterm").find('\x1b'), std::string::npos);
  EXPECT_EQ(at_terminal("TERM=xterm NO_COLOR=1").find('\x1b'), std::string::npos);
  EXPECT_EQ(at_terminal("TERM=dumb").find('\x1b'), std::string::npos);
}

TEST(PaperCuts, AMisspeltCommandGetsDidYouMean) {
  const Result r = run("rnu --pack x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean 'waymark run'?"), std::string::npos) << r.err;
}

TEST(PaperCuts, AMisspeltRuleIdGetsDidYouMean) {
  const Result r = run("explain --pack " + pack() + " --cases " + spec() + "/cases --pupil P-0042 --as-of 2025-11-17 "
                       "--rule example/persistant-absence");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'example/persistent-absence'"), std::string::npos) << r.err;
}

TEST(PaperCuts, CheckOnARuleFileChecksItsPack) {
  const Result r = run("check " + pack() + "/first-look.wmk");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.err.find("checking the pack at"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("example 1"), std::string::npos) << r.out;
}

TEST(PaperCuts, FmtOnAFolderFormatsTheRuleFilesUnderIt) {
  const fs::path dir = scratch("fmt-folder") / "pack";
  fs::remove_all(dir);
  fs::copy(pack(), dir, fs::copy_options::recursive);
  ASSERT_EQ(run("fmt " + (dir / "first-look.wmk").string()).exit_code, 0);
  const std::string canonical = read(dir / "first-look.wmk");
  write_file(dir / "first-look.wmk", "\n\n" + canonical);  // two blank lines in front: not canonical
  const Result check = run("fmt --check " + dir.string());
  EXPECT_EQ(check.exit_code, 1) << check.all();
  EXPECT_NE(check.out.find("first-look.wmk: not in the canonical layout"), std::string::npos) << check.out;
  const Result fmt = run("fmt " + dir.string());
  EXPECT_EQ(fmt.exit_code, 0) << fmt.all();
  EXPECT_EQ(read(dir / "first-look.wmk"), canonical);
  EXPECT_EQ(read(dir / "pack.yaml"), read(pack() + "/pack.yaml"));  // only .wmk files are touched
}

TEST(PaperCuts, ASyntaxErrorCausesNoFollowOnWarnings) {
  // params.wmk declares a parameter that only rules.wmk uses; rules.wmk does not parse, so the
  // parameter looks unused. That warning would be an echo of the syntax error: it is held back.
  const fs::path dir = scratch("syntax-echo") / "draft";
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_file(dir / "params.wmk", "param review_interval = 4 weeks \"How often a timetable is reviewed\"\n");
  write_file(dir / "rules.wmk",
             "rule unreviewed \"Reduced timetable without a recent review\"\n"
             "  category safeguarding\n"
             "  severity high\n"
             "  for each reduced_timetable rt where rt is active\n"
             "  when no rt.reviews within last review_interval review_interval\n"
             "  cite \"Local guidance\"\n");
  const Result r = run("check " + dir.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.out.find("[syntax]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not shown until the syntax errors are fixed"), std::string::npos) << r.out;
}

TEST(PaperCuts, GenSetsTheRateOfEachKind) {
  const fs::path dir = scratch("gen-rates") / "roll";
  fs::remove_all(dir);
  const Result r = run("gen --pupils 50 --seed 3 --rate incident=1 --rate suspension=0 --to 2025-11-17 --out " +
                       dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const std::string records = read(dir / "records.csv");
  // Every one of the 50 pupils has an incident (share 1), none a suspension (share 0).
  std::set<std::string> with_incident;
  std::istringstream lines(records);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(",incident,") != std::string::npos) with_incident.insert(line.substr(0, line.find(',')));
  }
  EXPECT_EQ(with_incident.size(), 50u);
  EXPECT_EQ(records.find(",suspension,"), std::string::npos);
  const Result bad = run("gen --pupils 5 --rate incidnet=0.5 --out " + dir.string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'incident'?"), std::string::npos) << bad.err;
}

TEST(PaperCuts, GeneratedPupilsAreOfTheirSchoolsPhase) {
  const fs::path dir = scratch("gen-phase") / "roll";
  fs::remove_all(dir);
  ASSERT_EQ(run("gen --pupils 300 --seed 5 --from 2025-09-01 --to 2025-11-17 --out " + dir.string()).exit_code, 0);
  // Academic year 2025/26: Reception children were born 2020-09-01..2021-08-31, Year 6 2014-09-01..
  // 2015-08-31, Year 7 2013-09-01..2014-08-31. So a primary pupil is born on or after 2014-09-01 and
  // a pupil of a secondary school before it.
  std::istringstream lines(read(dir / "pupils.csv"));
  std::string header;
  std::getline(lines, header);
  std::size_t primary = 0;
  std::size_t secondary = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto dob_at = line.find(",20");
    ASSERT_NE(dob_at, std::string::npos) << line;
    const std::string dob = line.substr(dob_at + 1, 10);
    if (line.find("Primary") != std::string::npos) {
      ++primary;
      EXPECT_GE(dob, "2014-09-01") << line;
    } else if (line.find("Hillcrest High") != std::string::npos || line.find("Northgate School") != std::string::npos ||
               line.find("Oakfield Academy") != std::string::npos) {
      ++secondary;
      EXPECT_LT(dob, "2014-09-01") << line;
    }
  }
  EXPECT_GT(primary, 0u);
  EXPECT_GT(secondary, 0u);
}

// A report waits in a temporary file until the run is complete (Spool): one that cannot be made is a
// message naming what to do, and no half report on stdout.
TEST(OutputSafety, AReportThatCannotWaitAnywhereSaysSoAndPrintsNothing) {
  const fs::path err = scratch("spool-nowhere") / "stderr";
  fs::create_directories(err.parent_path());
  const std::string command = "TMPDIR=/nonexistent-waymark-folder " + std::string(WAYMARK_BINARY) +
                              " run --pack england --cases " + root() +
                              "/examples/caseload --as-of 2025-11-17 --format csv 2>" + err.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  EXPECT_EQ(out, "");
  const std::string message = read(err);
  EXPECT_NE(message.find("temporary file"), std::string::npos) << message;
  EXPECT_NE(message.find("TMPDIR"), std::string::npos) << message;
}

// ... and leaves nothing behind beside the report: the temporary file has no name.
TEST(OutputSafety, AReportLeavesNoTemporaryFileBehind) {
  const fs::path dir = scratch("spool");
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* format : {"text", "json", "csv", "html"}) {
    const Result r = run("run --pack england --cases " + root() + "/examples/caseload --as-of 2025-11-17 --format " +
                         format + " --out " + (dir / (std::string("report.") + format)).string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.insert(entry.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"report.csv", "report.html", "report.json", "report.text"}));
}

}  // namespace
