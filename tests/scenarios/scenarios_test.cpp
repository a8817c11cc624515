// Statutory scenarios against the shipped England pack (issue 9, item 4). Each pupil in
// tests/scenarios/cases breaches exactly one duty, or is the control twin that meets it; each is
// run at several as-of dates. The checks are on outcomes, not rule names: how many flags and due
// entries the pupil has, and for each one the records it is evidence of and who is told.
// The expectations (tests/scenarios/expected.json) were worked out by hand from the guidance and
// the 2025-26 calendar; the arithmetic is in each scenario's "why".

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

std::string scenarios_dir() { return std::string(WAYMARK_SOURCE_ROOT) + "/tests/scenarios"; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

// One run of the England pack over every scenario case at one date, cached by date.
const json& run_at(const std::string& as_of) {
  static std::map<std::string, json> runs;
  auto it = runs.find(as_of);
  if (it != runs.end()) return it->second;
  const std::string command = std::string(WAYMARK_BINARY) + " run --pack " + WAYMARK_SOURCE_ROOT +
                              "/rules/england --cases " + scenarios_dir() + "/cases --as-of " + as_of +
                              " --format json 2>/dev/null";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe != nullptr) {
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
  }
  json parsed = json::parse(out, nullptr, false);
  return runs.emplace(as_of, parsed.is_discarded() ? json::object() : parsed).first->second;
}

const json* pupil_in(const json& run, const std::string& id) {
  if (!run.contains("pupils")) return nullptr;
  for (const json& p : run["pupils"])
    if (p["id"] == id) return &p;
  return nullptr;
}

std::set<std::string> strings(const json& list) {
  std::set<std::string> out;
  for (const json& s : list) out.insert(s.get<std::string>());
  return out;
}

// An actual entry matches an expected one when its evidence holds every expected record id, its
// `notify` is exactly the expected roles (flags only) and its deadline is the expected one (due
// entries, when given).
bool matches(const json& actual, const json& expected) {
  const std::set<std::string> evidence = strings(actual.value("evidence", json::array()));
  for (const json& id : expected.value("evidence", json::array()))
    if (!evidence.count(id.get<std::string>())) return false;
  if (expected.contains("notify") && strings(actual.value("notify", json::array())) != strings(expected["notify"]))
    return false;
  if (expected.contains("deadline") && actual.value("deadline", std::string()) != expected["deadline"]) return false;
  return true;
}

// Every expected entry is matched by a different actual entry, and there are no others.
std::string compare(const json& actual, const json& expected, const char* what) {
  std::vector<bool> used(actual.size(), false);
  for (const json& e : expected) {
    bool found = false;
    for (std::size_t i = 0; i < actual.size() && !found; ++i)
      if (!used[i] && matches(actual[i], e)) used[i] = found = true;
    if (!found) return std::string("no ") + what + " matching " + e.dump() + " in " + actual.dump();
  }
  if (actual.size() != expected.size())
    return std::string("expected ") + std::to_string(expected.size()) + " " + what + ", got " + actual.dump();
  return "";
}

class Scenario : public testing::TestWithParam<json> {};

TEST_P(Scenario, GivesTheOutcomeTheGuidanceRequires) {
  const json& s = GetParam();
  const json& run = run_at(s["as_of"].get<std::string>());
  ASSERT_TRUE(run.contains("pupils")) << "waymark run failed at " << s["as_of"];
  const json* pupil = pupil_in(run, s["pupil"].get<std::string>());
  ASSERT_NE(pupil, nullptr) << s["pupil"] << " is not in the run";
  const json& expect = s["expect"];
  EXPECT_EQ(compare((*pupil)["flags"], expect.value("flags", json::array()), "flags"), "")
      << s["name"] << " (" << s["why"] << ")";
  EXPECT_EQ(compare((*pupil)["due"], expect.value("due", json::array()), "due entries"), "")
      << s["name"] << " (" << s["why"] << ")";
}

std::vector<json> all_scenarios() {
  std::vector<json> out;
  for (const json& s : read_json(scenarios_dir() + "/expected.json")) out.push_back(s);
  return out;
}

std::string name_of(const testing::TestParamInfo<json>& info) {
  std::string n = info.param["pupil"].get<std::string>() + "_" + info.param["as_of"].get<std::string>();
  std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(England, Scenario, testing::ValuesIn(all_scenarios()), name_of);

// Every case file is used by at least one scenario, so a twin cannot be left unchecked.
TEST(Scenarios, EveryCaseIsChecked) {
  std::set<std::string> used;
  for (const json& s : all_scenarios()) used.insert(s["pupil"].get<std::string>());
  const json& run = run_at("2025-11-17");
  ASSERT_TRUE(run.contains("pupils"));
  for (const json& p : run["pupils"]) EXPECT_TRUE(used.count(p["id"].get<std::string>())) << p["id"];
}

}  // namespace
