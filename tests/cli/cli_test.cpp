// The `waymark` executable as users run it (cli.md): the spec's example must give its expected
// output, runs are byte-identical, and every kind of bad input gets its exit code and a message.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support.hpp"

namespace {

using namespace waymark::cli_testing;

TEST(SpecExample, GivesTheExpectedJsonWithTheAllowedDifferences) {
  const Result r = run("run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto actual = nlohmann::json::parse(r.out);
  const auto expected = nlohmann::json::parse(read(spec() + "/expected-2025-11-17.json"));
  EXPECT_EQ(actual["waymark"], expected["waymark"]);
  EXPECT_EQ(actual["as_of"], expected["as_of"]);
  EXPECT_EQ(actual["pack"]["name"], expected["pack"]["name"]);
  EXPECT_EQ(actual["pack"]["version"], expected["pack"]["version"]);
  EXPECT_EQ(actual["pack"]["digest"].get<std::string>().rfind("sha256:", 0), 0u);
  ASSERT_EQ(actual["pupils"].size(), expected["pupils"].size());
  for (std::size_t i = 0; i < expected["pupils"].size(); ++i) {
    const auto& a = actual["pupils"][i];
    const auto& e = expected["pupils"][i];
    EXPECT_EQ(a["id"], e["id"]);
    EXPECT_EQ(a["current_tier"], e["current_tier"]);
    // examples/README.md: only example/... flags and due entries count; suggested tier from them.
    nlohmann::json flags = nlohmann::json::array();
    nlohmann::json due = nlohmann::json::array();
    nlohmann::json highest = nullptr;
    for (const auto& f : a["flags"]) {
      if (f["rule"].get<std::string>().rfind("example/", 0) != 0) continue;
      nlohmann::json g = f;
      // Evidence after the bound item may hold more ids than shown.
      g["evidence"] = nlohmann::json::array();
      for (std::size_t k = 0; k < e["flags"][flags.size()]["evidence"].size() && k < f["evidence"].size(); ++k) {
        g["evidence"].push_back(f["evidence"][k]);
      }
      if (!f["tier"].is_null() && (highest.is_null() || f["tier"] > highest)) highest = f["tier"];
      flags.push_back(g);
    }
    for (const auto& d : a["due"]) {
      if (d["rule"].get<std::string>().rfind("example/", 0) == 0) due.push_back(d);
    }
    EXPECT_EQ(flags, e["flags"]) << a["id"];
    EXPECT_EQ(due, e["due"]) << a["id"];
    const int current = a["current_tier"].is_null() ? 0 : a["current_tier"].get<int>();
    const nlohmann::json suggested = !highest.is_null() && highest.get<int>() > current ? highest : nlohmann::json(nullptr);
    EXPECT_EQ(suggested, e["suggested_tier"]) << a["id"];
  }
  // The JSON keys come in exactly the order of cli.md.
  const auto ordered = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (auto it = ordered.begin(); it != ordered.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"waymark", "as_of", "pack", "pupils", "summary"}));
}

TEST(Run, IsByteIdenticalForIdenticalInput) {
  const std::string args = "run --pack hertfordshire --cases " + root() + "/examples/caseload --as-of 2025-11-17 --format json --explain";
  const Result first = run(args);
  const Result second = run(args);
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_EQ(first.out, second.out);
  EXPECT_GT(first.out.size(), 10000u);
}

TEST(Run, WritesCsvWithCliMdsColumnsFirstAndOneRowPerFlagOrDueEntry) {
  const Result r = run("run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < r.out.size();) {
    const std::size_t end = r.out.find("\r\n", at);
    lines.push_back(r.out.substr(at, end - at));
    at = end == std::string::npos ? r.out.size() : end + 2;
  }
  ASSERT_GE(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0],
            "pupil_id,rule,severity,category,tier,title,evidence,actions,notify,entry,deadline,as_of,pack,pack_version");
  // The spec example's flag (expected-2025-11-17.json), with who to tell, the entry kind, no deadline,
  // the as-of date and the pack (example, version "1") after cli.md's eight columns.
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "P-0042,example/reduced-timetable-unreviewed,high,safeguarding,3,"
                      "Reduced timetable in place for 10 weeks without a recent review,RT-3,"
                      "Review the reduced timetable with parents and agree a plan back to full-time,la_inclusion,flag,,"
                      "2025-11-17,example,1"),
            lines.end())
      << r.out;
  // Its due entry: no severity, category or tier; the deadline of the expected JSON.
  EXPECT_NE(std::find_if(lines.begin(), lines.end(),
                         [](const std::string& l) {
                           return l.rfind("P-0043,example/no-restorative-reintegration,,,,", 0) == 0 &&
                                  l.find(",S-2,") != std::string::npos &&
                                  l.size() > 37 && l.substr(l.size() - 37) == ",,due,2025-11-20,2025-11-17,example,1";
                         }),
            lines.end())
      << r.out;
  // Severity by rank, not spelling: urgent, high, medium, low, then due entries.
  const std::vector<std::string> order{"urgent", "high", "medium", "low", ""};
  std::size_t previous = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t first = lines[i].find(',');
    const std::size_t second = lines[i].find(',', first + 1);
    const std::string severity = lines[i].substr(second + 1, lines[i].find(',', second + 1) - second - 1);
    const auto rank = static_cast<std::size_t>(std::find(order.begin(), order.end(), severity) - order.begin());
    ASSERT_LT(rank, order.size()) << lines[i];
    EXPECT_GE(rank, previous) << lines[i];
    previous = rank;
  }
  // One row per flag or due entry: as many as the JSON report of the same run holds.
  const auto json = nlohmann::json::parse(
      run("run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --format json").out);
  std::size_t entries = 0;
  for (const auto& p : json["pupils"]) entries += p["flags"].size() + p["due"].size();
  EXPECT_EQ(lines.size() - 1, entries);
}

TEST(Run, WritesReportsPrivateToTheirOwner) {
  const fs::path out = scratch("out") / "report.json";
  const Result r = run("run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --format json --out " +
                       out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Run, WritesOneSelfContainedHtmlFile) {
  const Result r = run("run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --format html");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<!doctype html>", 0), 0u);
  // No network fetches: no scripts, stylesheets or images from anywhere.
  EXPECT_EQ(r.out.find("http://"), std::string::npos);
  EXPECT_EQ(r.out.find("https://"), std::string::npos);
  EXPECT_EQ(r.out.find("<script"), std::string::npos);
  EXPECT_EQ(r.out.find("<link"), std::string::npos);
  // Both pupils need attention (a flag; a due entry), each with a timeline and its explanations.
  EXPECT_NE(r.out.find("<h2>P-0042 Sam Example"), std::string::npos);
  EXPECT_NE(r.out.find("<h2>P-0043"), std::string::npos);
  EXPECT_NE(r.out.find("<svg"), std::string::npos);
  EXPECT_NE(r.out.find("<details><summary>Why this flag</summary><pre>rule example/reduced-timetable-unreviewed"), std::string::npos);
  EXPECT_NE(r.out.find("Due by <strong>20 November 2025</strong>"), std::string::npos);
  // A contents list links to each pupil's section.
  EXPECT_NE(r.out.find("<a href=\"#pupil-P-0042\">P-0042 Sam Example</a>"), std::string::npos);
  EXPECT_NE(r.out.find("<section class=\"pupil\" id=\"pupil-P-0042\">"), std::string::npos);
  const Result redacted = run("run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --format html --redact");
  EXPECT_EQ(redacted.out.find("Sam Example"), std::string::npos);
}

TEST(Run, SplitsTheHtmlReportBySchool) {
  // The example caseload has 23 pupils at Oakfield Academy and 10 at Brook Primary School.
  const fs::path dir = fs::temp_directory_path() / ("waymark-html-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const Result r = run("run --pack england --cases " + root() + "/examples/caseload --as-of 2025-11-17 --format html --out-dir " +
                       dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string index = read(dir / "index.html");
  EXPECT_NE(index.find("<a href=\"oakfield-academy.html\">Oakfield Academy</a>: 23 pupils"), std::string::npos) << index;
  EXPECT_NE(index.find("<a href=\"brook-primary-school.html\">Brook Primary School</a>: 10 pupils"), std::string::npos);
  const std::string oakfield = read(dir / "oakfield-academy.html");
  const std::string brook = read(dir / "brook-primary-school.html");
  EXPECT_NE(oakfield.find("<h1>Oakfield Academy as of 17 November 2025</h1>"), std::string::npos);
  EXPECT_NE(oakfield.find("id=\"pupil-P-001\""), std::string::npos);  // P-001 is at Oakfield
  EXPECT_EQ(brook.find("id=\"pupil-P-001\""), std::string::npos);
  struct stat st{};
  ASSERT_EQ(::stat((dir / "brook-primary-school.html").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // pupil data: private to its owner
  EXPECT_EQ(run("run --pack england --cases " + root() + "/examples/caseload --as-of 2025-11-17 --out-dir " + dir.string())
                .exit_code, 2);  // --out-dir needs --format html
  fs::remove_all(dir);
}

// `run --format html` draws each pupil's section as its slice is evaluated and copies the sections
// into place at the end (HtmlSpool); a school's file of --out-dir is drawn from results kept whole.
// The two ways give the same bytes for the same pupils, but for the heading.
TEST(Run, TheHtmlReportDrawnAsItGoesIsTheReportDrawnWhole) {
  const fs::path dir = fs::temp_directory_path() / ("waymark-html-same-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string cases = " --cases " + root() + "/examples/caseload --as-of 2025-11-17 --format html";
  ASSERT_EQ(run("run --pack england" + cases + " --out-dir " + dir.string()).exit_code, 0);
  std::string whole = read(dir / "brook-primary-school.html");
  std::string pupils;  // the example caseload's ten pupils at Brook Primary School
  for (const char* id : {"P-004", "P-008", "P-021", "P-022", "P-023", "P-025", "P-027", "P-029", "P-030", "P-033"}) {
    pupils += std::string(" --pupil ") + id;
  }
  const Result spooled = run("run --pack england" + cases + pupils);
  ASSERT_EQ(spooled.exit_code, 0) << spooled.err;
  for (std::size_t at = whole.find("Brook Primary School as of"); at != std::string::npos;
       at = whole.find("Brook Primary School as of")) {
    whole.replace(at, std::string("Brook Primary School").size(), "Waymark");
  }
  EXPECT_NE(whole.find("<section class=\"pupil\""), std::string::npos);  // pupils needing attention are drawn
  EXPECT_EQ(spooled.out, whole);
  fs::remove_all(dir);
}

TEST(Run, RedactLeavesNamesOut) {
  const std::string args = "run --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17";
  EXPECT_NE(run(args).out.find("Sam Example"), std::string::npos);
  const Result redacted = run(args + " --redact");
  EXPECT_EQ(redacted.exit_code, 0);
  EXPECT_EQ(redacted.out.find("Sam Example"), std::string::npos);
  EXPECT_EQ(redacted.out.find("Q801200110001"), std::string::npos);  // UPNs are never printed
}

TEST(Explain, SaysADeadlineIsDueNotMissed) {
  const Result r = run("explain --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --pupil P-0043 --rule example/no-restorative-reintegration");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("for each suspension s -> S-2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: due, not yet a breach: act by 2025-11-20"), std::string::npos) << r.out;
}

TEST(Explain, NamesTheFirstFailingCondition) {
  const Result r = run("explain --pack " + spec() + "/pack --cases " + spec() + "/cases --as-of 2025-11-17 --pupil P-0043 --rule example/persistent-absence");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("did not fire: the exception holds"), std::string::npos) << r.out;
}

TEST(ExitCodes, WrongUsageIsTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("run --pack england").exit_code, 2);  // no --cases
  EXPECT_EQ(run("run --pack england --cases x --format pdf").exit_code, 2);
  const Result bad_date = run("run --pack england --cases " + spec() + "/cases --as-of 2025-13-01");
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.all().find("--as-of"), std::string::npos);
}

TEST(ExitCodes, AMissingPackOrCaseFileIsThree) {
  const Result pack = run("check no-such-pack");
  EXPECT_EQ(pack.exit_code, 3);
  EXPECT_NE(pack.all().find("no pack 'no-such-pack'"), std::string::npos) << pack.all();
  EXPECT_EQ(run("run --pack england --cases /no/such/file.yaml --as-of 2025-11-17").exit_code, 3);
}

TEST(ExitCodes, ABadCaseFileIsThreeAndNamesFileLineAndColumn) {
  const fs::path dir = scratch("badcase");
  std::ofstream(dir / "bad.yaml") << "pupil:\n  id: P-1\nrecords:\n  - kind: suspenshun\n    id: S-1\n    date: 2025-10-01\n";
  const Result r = run("run --pack england --cases " + (dir / "bad.yaml").string() + " --as-of 2025-11-17");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("bad.yaml:4:11: error:"), std::string::npos) << r.err;
}

TEST(ExitCodes, CheckFindsProblemsWithOne) {
  const fs::path dir = scratch("badpack");
  std::ofstream(dir / "rules.wmk") << "rule r \"T\"\n  when pupil.looked_afer\n  suggest \"x\"\n  cite \"c\"\n";
  const Result r = run("check " + dir.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("rules.wmk:2:14: error: the pupil has no attribute 'looked_afer'; did you mean 'looked_after'? [unknown-field]"),
            std::string::npos)
      << r.out;
  const Result json = run("check " + dir.string() + " --format json");
  EXPECT_EQ(json.exit_code, 1);
  const auto diagnostics = nlohmann::json::parse(json.out);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0]["line"], 2);
  EXPECT_EQ(diagnostics[0]["column"], 14);
  EXPECT_EQ(diagnostics[0]["code"], "unknown-field");
}

TEST(ExitCodes, StrictCheckFailsOnWarnings) {
  const fs::path dir = scratch("uncited");
  std::ofstream(dir / "rules.wmk") << "rule r \"T\"\n  when pupil.looked_after\n  suggest \"x\"\n";
  EXPECT_EQ(run("check " + dir.string()).exit_code, 0);
  EXPECT_EQ(run("check --strict " + dir.string()).exit_code, 1);
}

TEST(Fmt, CheckReportsFilesToReformatAndFmtRewritesThem) {
  const fs::path dir = scratch("fmt");
  const fs::path file = dir / "r.wmk";
  std::ofstream(file) << "rule r \"T\" when pupil.fsm suggest \"x\" cite \"c\"\n";
  ::chmod(file.c_str(), 0644);
  EXPECT_EQ(run("fmt --check " + file.string()).exit_code, 1);
  EXPECT_EQ(run("fmt " + file.string()).exit_code, 0);
  EXPECT_EQ(read(file), "rule r \"T\"\n  when pupil.fsm\n  suggest \"x\"\n  cite \"c\"\n");
  struct stat st {};
  ::stat(file.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // a rule file keeps its permissions
  EXPECT_EQ(run("fmt --check " + file.string()).exit_code, 0);
}

TEST(Fmt, NeverRewritesAFileWithASyntaxError) {
  const fs::path dir = scratch("fmtbad");
  const fs::path file = dir / "r.wmk";
  const std::string text = "rule r \"T\"\n  when pupil.fsm and\n  suggest \"x\"\n";
  std::ofstream(file) << text;
  const Result r = run("fmt " + file.string());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(read(file), text);
}

TEST(PackTests, AFailingTestIsReportedWithFileLineAndExitOne) {
  const fs::path dir = scratch("testpack");
  fs::create_directories(dir / "tests");
  std::ofstream(dir / "pack.yaml") << "pack: mine\nversion: \"1\"\nextends: england\n";
  std::ofstream(dir / "rules.wmk") << "rule fsm \"FSM\"\n  when pupil.fsm\n  suggest \"x\"\n  cite \"c\"\n";
  std::ofstream(dir / "tests" / "t.yaml") << "- test: passes\n  as_of: 2025-11-17\n  pupil: {id: A, fsm: true}\n"
                                              "  expect:\n    flags: [mine/fsm]\n"
                                              "- test: fails\n  as_of: 2025-11-17\n  pupil: {id: B}\n"
                                              "  expect:\n    flags: [mine/fsm]\n";
  const Result r = run("test " + dir.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("t.yaml:6: test 'fails' failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected mine/fsm to fire, but it did not"), std::string::npos) << r.out;
  // England's own tests run too (against England), so only the failure count is ours alone.
  EXPECT_NE(r.out.find(" passed, 1 failed\n"), std::string::npos) << r.out;
}

// packs.md §1: each kind of manifest defect is named with its YAML line.
struct ManifestCase {
  const char* name;
  const char* manifest;
  const char* expected;  // `pack.yaml:LINE:COL: error: ... [code]`, as a fragment
};

class ManifestDefects : public ::testing::TestWithParam<ManifestCase> {};

TEST_P(ManifestDefects, AreNamedWithTheirYamlLine) {
  const fs::path dir = scratch(std::string("manifest-") + GetParam().name) / "pack";
  fs::create_directories(dir);
  std::ofstream(dir / "pack.yaml") << GetParam().manifest;
  const Result r = run("check " + dir.string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.all().find(GetParam().expected), std::string::npos) << r.all();
}

INSTANTIATE_TEST_SUITE_P(
    Cli, ManifestDefects,
    ::testing::Values(
        ManifestCase{"unknown-parameter", "pack: p\nversion: \"1\"\nextends: england\nparameters:\n  persistent_absence_thresold: 12%\n",
                     "pack.yaml:5:3: error: no parameter 'persistent_absence_thresold' to override; did you mean 'persistent_absence_threshold'? [unknown-parameter]"},
        ManifestCase{"wrong-type", "pack: p\nversion: \"1\"\nextends: england\nparameters:\n  persistent_absence_threshold: 12 weeks\n",
                     "pack.yaml:5:33: error: the parameter 'persistent_absence_threshold' is a percent"},
        ManifestCase{"unknown-disabled-rule", "pack: p\nversion: \"1\"\nextends: england\ndisable: [england/no-such-rule]\n",
                     "pack.yaml:4:11: error: no rule 'england/no-such-rule' to disable [unknown-rule]"},
        ManifestCase{"unknown-key", "pack: p\nversion: \"1\"\nrulez: [\"*.wmk\"]\n",
                     "pack.yaml:3:1: error: unknown key 'rulez' in pack.yaml; did you mean 'rules'?"},
        ManifestCase{"missing-version", "pack: p\n", "pack.yaml:1:1: error: pack.yaml needs 'version:'"},
        ManifestCase{"bad-name", "pack: My-Pack\nversion: 1\n", "pack.yaml:1:7: error: the pack name 'My-Pack' must match"},
        ManifestCase{"extends-self", "pack: p\nversion: \"1\"\nextends: ../pack\n",
                     "error: the packs extend each other in a cycle: p -> p; remove one"}),
    [](const ::testing::TestParamInfo<ManifestCase>& param) {
      std::string n = param.param.name;
      for (char& c : n) c = c == '-' ? '_' : c;
      return n;
    });

TEST(Manifest, ACycleThroughTwoPacksIsNamed) {
  const fs::path dir = scratch("cycle");
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::ofstream(dir / "a" / "pack.yaml") << "pack: a\nversion: \"1\"\nextends: ../b\n";
  std::ofstream(dir / "b" / "pack.yaml") << "pack: b\nversion: \"1\"\nextends: ../a\n";
  const Result r = run("check " + (dir / "a").string());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.all().find("b/pack.yaml:3:10: error: the packs extend each other in a cycle: a -> b -> a; remove one"),
            std::string::npos)
      << r.all();
}

// Three pupils absent 4, 5 and 6 sessions of 40 (10%, 12.5%, 15%): raising the persistent-absence
// threshold from 10% to 12.5% stops flagging exactly the first (10% < 12.5%); 12.5% >= 12.5% stays.
TEST(Diff, CountsThePupilsAThresholdChangeMoves) {
  const fs::path dir = scratch("diff");
  fs::create_directories(dir / "old");
  fs::create_directories(dir / "new");
  const std::string rule = "param threshold = 10% \"t\"\n\nrule pa \"PA\"\n  when absence >= threshold\n  suggest \"x\"\n  cite \"c\"\n";
  std::ofstream(dir / "old" / "pack.yaml") << "pack: mine\nversion: \"1\"\nextends: england\ndisable: []\n";
  std::ofstream(dir / "old" / "rules.wmk") << rule;
  std::ofstream(dir / "new" / "pack.yaml") << "pack: mine\nversion: \"2\"\nextends: england\nparameters:\n  threshold: 12.5%\n";
  std::ofstream(dir / "new" / "rules.wmk") << rule;
  // 20 school days from Monday 3 November (weekends '----'); N marks the sessions missed.
  auto marks = [](int missed) {
    std::string week[4] = {"/\\/\\/\\/\\/\\", "/\\/\\/\\/\\/\\", "/\\/\\/\\/\\/\\", "/\\/\\/\\/\\/\\"};
    std::string all = week[0] + "----" + week[1] + "----" + week[2] + "----" + week[3];
    for (std::size_t i = 0; i < all.size() && missed > 0; ++i) {
      if (all[i] == '/' || all[i] == '\\') {
        all[i] = 'N';
        --missed;
      }
    }
    return all;
  };
  int n = 0;
  for (const int missed : {4, 5, 6}) {
    std::ofstream(dir / ("p" + std::to_string(++n) + ".yaml"))
        << "pupil: {id: D-" << n << "}\nattendance:\n  - from: 2025-11-03\n    marks: '" << marks(missed) << "'\n";
  }
  const Result r = run("diff --pack " + (dir / "old").string() + " --pack " + (dir / "new").string() + " --cases " +
                       (dir / "p1.yaml").string() + " " + (dir / "p2.yaml").string() + " " + (dir / "p3.yaml").string() +
                       " --as-of 2025-11-30");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("mine/pa: 0 newly flagged, 1 no longer flagged\n  - D-1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 of 3 pupils affected"), std::string::npos) << r.out;
}

TEST(Help, EveryCommandHasAnExample) {
  for (const char* command : {"check", "fmt", "run", "explain", "test", "gen"}) {
    const Result r = run(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.all().find("Example"), std::string::npos) << command;
  }
}

}  // namespace
