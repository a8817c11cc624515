// `waymark serve` over HTTP (server.md): a real server on a loopback port, every role against
// every endpoint with pupils in and out of their scope, and the JSON the API answers.

#include "serve_support.hpp"

namespace waymark::server::testing {
namespace {

class Api : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    fixture_ = new Fixture(make_fixture("api"));
    server_ = new Server(*fixture_);
  }
  static void TearDownTestSuite() {
    delete server_;
    fs::remove_all(fixture_->dir);
    delete fixture_;
  }
  static SignedIn as(const std::string& name) {
    auto c = server_->client();
    auto s = sign_in(c, name);
    EXPECT_TRUE(s) << name;
    return s.value_or(SignedIn{});
  }
  static Fixture* fixture_;
  static Server* server_;
};

Fixture* Api::fixture_ = nullptr;
Server* Api::server_ = nullptr;

int status_of(const httplib::Result& r) { return r ? r->status : -1; }

TEST_F(Api, HealthzAnswersOkWithoutASession) {
  auto c = server_->client();
  const auto r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
}

TEST_F(Api, EveryApiPathNeedsASession) {
  auto c = server_->client();
  for (const char* path : {"/api/me", "/api/runs", "/api/pupils", "/api/pupils/P-0042", "/api/flags/1", "/api/audit",
                           "/api/runs/jobs"}) {
    EXPECT_EQ(status_of(c.Get(path)), 401) << path;
  }
  EXPECT_EQ(status_of(c.Post("/api/flags/1/ack", R"({"note":"x"})", "application/json")), 401);
  EXPECT_EQ(status_of(c.Post("/api/runs", R"({"as_of":"2025-11-17"})", "application/json")), 401);
}

TEST_F(Api, MeNamesTheUserTheirRoleSchoolsAndCsrfToken) {
  auto c = server_->client();
  const SignedIn s = as("two");
  const auto r = c.Get("/api/me", s.headers(false));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json; charset=utf-8");
  const json me = json::parse(r->body);
  EXPECT_EQ(me["name"], "two");
  EXPECT_EQ(me["role"], "senco");
  EXPECT_EQ(me["schools"], json::array({"Hillcrest High", "Riverside Primary"}));  // sorted when added
  EXPECT_EQ(me["csrf"].get<std::string>().size(), 64u);  // 32 random bytes in hex
}

// The matrix: who sees which pupil (server.md, Roles). Oakfield: P-0042, P-0043; Riverside: R-0001;
// Hillcrest: H-0001. Out of scope answers 404, exactly as a pupil that does not exist.
TEST_F(Api, EachRoleSeesExactlyThePupilsInItsScope) {
  const std::map<std::string, std::set<std::string>> visible{
      {"oak", {"P-0042", "P-0043"}},
      {"two", {"H-0001", "R-0001"}},
      {"officer", {"H-0001", "P-0042", "P-0043", "R-0001"}},
      {"auditor", {"H-0001", "P-0042", "P-0043", "R-0001"}},
  };
  auto c = server_->client();
  for (const auto& [user, pupils] : visible) {
    const SignedIn s = as(user);
    for (const char* id : {"H-0001", "P-0042", "P-0043", "R-0001", "NO-SUCH-PUPIL"}) {
      const auto r = c.Get(std::string("/api/pupils/") + id, s.headers(false));
      EXPECT_EQ(status_of(r), pupils.count(id) ? 200 : 404) << user << " " << id;
      if (r && r->status == 404) {
        EXPECT_EQ(r->body, R"({"error":"not found"})") << user << " " << id;
      }
    }
    // The list holds exactly the same pupils, in id order.
    const auto list = c.Get("/api/pupils", s.headers(false));
    ASSERT_EQ(status_of(list), 200) << user;
    std::vector<std::string> listed;
    const json answer = json::parse(list->body);
    for (const json& p : answer["pupils"]) listed.push_back(p["id"]);
    EXPECT_EQ(listed, std::vector<std::string>(pupils.begin(), pupils.end())) << user;
  }
}

TEST_F(Api, ASchoolsListIsOnlyForThoseWhoSeeTheSchool) {
  const std::map<std::string, std::set<std::string>> schools{
      {"oak", {"Oakfield Academy"}},
      {"two", {"Riverside Primary", "Hillcrest High"}},
      {"officer", {"Oakfield Academy", "Riverside Primary", "Hillcrest High", "No Such School"}},
      {"auditor", {"Oakfield Academy", "Riverside Primary", "Hillcrest High", "No Such School"}},
  };
  auto c = server_->client();
  for (const auto& [user, allowed] : schools) {
    const SignedIn s = as(user);
    for (const char* school : {"Oakfield Academy", "Riverside Primary", "Hillcrest High", "No Such School"}) {
      const auto r = c.Get("/api/pupils?school=" + std::regex_replace(std::string(school), std::regex(" "), "%20"), s.headers(false));
      EXPECT_EQ(status_of(r), allowed.count(school) ? 200 : 404) << user << " " << school;
    }
  }
}

// Flags 1-2 are P-0042's (Oakfield), 3-4 R-0001's (Riverside); 5 does not exist.
TEST_F(Api, FlagsAndAcknowledgementsFollowThePupilsScope) {
  const std::map<std::string, std::set<int>> sees{
      {"oak", {1, 2}}, {"two", {3, 4}}, {"officer", {1, 2, 3, 4}}, {"auditor", {1, 2, 3, 4}}};
  auto c = server_->client();
  for (const auto& [user, flags] : sees) {
    const SignedIn s = as(user);
    const bool senco = user == "oak" || user == "two";
    for (int n = 1; n <= 5; ++n) {
      const std::string flag = "/api/flags/" + std::to_string(n);
      EXPECT_EQ(status_of(c.Get(flag, s.headers(false))), flags.count(n) ? 200 : 404) << user << " " << n;
      // Only a SENCO acknowledges (their own pupils' flags); the others may see but never write (403).
      const int ack = !flags.count(n) ? 404 : senco ? 201 : 403;
      EXPECT_EQ(status_of(c.Post(flag + "/ack", s.headers(), R"({"note":"matrix check"})", "application/json")), ack)
          << user << " " << n;
    }
    EXPECT_EQ(status_of(c.Get("/api/audit", s.headers(false))), senco ? 404 : 200) << user;
    EXPECT_EQ(status_of(c.Get("/api/runs", s.headers(false))), 200) << user;
    const int start = user == "officer" ? 202 : user == "auditor" ? 403 : 404;
    const auto run = c.Post("/api/runs", s.headers(), R"({"as_of":"2025-11-17"})", "application/json");
    EXPECT_TRUE(status_of(run) == start || (start == 202 && status_of(run) == 409)) << user << " " << status_of(run);
  }
}

TEST_F(Api, APupilAnswersTheStoredResultWithFlagNumbers) {
  auto c = server_->client();
  const SignedIn s = as("oak");
  const auto r = c.Get("/api/pupils/P-0042", s.headers(false));
  ASSERT_EQ(status_of(r), 200);
  const json p = json::parse(r->body);
  // spec/examples/expected-2025-11-17.json: tiers 2 -> 3, the reduced-timetable flag then persistent absence.
  EXPECT_EQ(p["id"], "P-0042");
  EXPECT_EQ(p["current_tier"], 2);
  EXPECT_EQ(p["suggested_tier"], 3);
  EXPECT_EQ(p["school"], "Oakfield Academy");
  ASSERT_EQ(p["flags"].size(), 2u);
  EXPECT_EQ(p["flags"][0]["rule"], "example/reduced-timetable-unreviewed");
  EXPECT_EQ(p["flags"][0]["severity"], "high");
  EXPECT_EQ(p["flags"][0]["evidence"], json::array({"RT-3"}));
  // Every run of the fixture stores 4 flags in pupil order (H-0001: 0, P-0042: 2, P-0043: 0, R-0001: 2),
  // so in run k P-0042's flags are numbers 4(k-1)+1 and 4(k-1)+2 (another test may have started run 2).
  const int run = p["run"]["id"];
  EXPECT_EQ(p["flags"][0]["number"], 4 * (run - 1) + 1);
  EXPECT_EQ(p["flags"][1]["rule"], "example/persistent-absence");
  EXPECT_EQ(p["flags"][1]["number"], 4 * (run - 1) + 2);
  EXPECT_TRUE(p["flags"][0]["acknowledgements"].is_array());
  EXPECT_EQ(p["due"], json::array());
  // No personal fields: the case file's name and UPN never reach the API.
  EXPECT_EQ(r->body.find("Sam Example"), std::string::npos);
  EXPECT_EQ(r->body.find("Q801200110001"), std::string::npos);
}

TEST_F(Api, TheListCountsFlagsBySeverityAndDueEntries) {
  auto c = server_->client();
  const SignedIn s = as("officer");
  const auto r = c.Get("/api/pupils?school=Oakfield%20Academy", s.headers(false));
  ASSERT_EQ(status_of(r), 200);
  const json list = json::parse(r->body);
  // Written as every answer is (nlohmann's compact form, keys in their order), though the pupils are
  // appended without building their objects.
  EXPECT_EQ(nlohmann::ordered_json::parse(r->body).dump(), r->body);
  EXPECT_EQ(list["total"], 2);
  ASSERT_EQ(list["pupils"].size(), 2u);
  const json& p42 = list["pupils"][0];
  EXPECT_EQ(p42["id"], "P-0042");
  EXPECT_EQ(p42["flags"], json({{"low", 0}, {"medium", 1}, {"high", 1}, {"urgent", 0}}));
  EXPECT_EQ(p42["due"], 0);
  const json& p43 = list["pupils"][1];
  EXPECT_EQ(p43["current_tier"], nullptr);
  EXPECT_EQ(p43["due"], 1);  // the restorative-meeting window after S-2 is still open
  // Pages: offset 1, limit 1 gives the second pupil only.
  const auto page = c.Get("/api/pupils?offset=1&limit=1", s.headers(false));
  ASSERT_EQ(status_of(page), 200);
  const json second = json::parse(page->body);
  EXPECT_EQ(second["total"], 4);
  ASSERT_EQ(second["pupils"].size(), 1u);
  EXPECT_EQ(second["pupils"][0]["id"], "P-0042");  // H-0001, P-0042, P-0043, R-0001
}

TEST_F(Api, AFlagAnswersItsExplanationAndAcknowledgements) {
  auto c = server_->client();
  const SignedIn s = as("two");
  const auto ack = c.Post("/api/flags/3/ack", s.headers(), R"({"note":"Review booked for 20 Nov"})", "application/json");
  ASSERT_EQ(status_of(ack), 201);
  const json a = json::parse(ack->body);
  EXPECT_EQ(a["flag"], 3);
  EXPECT_EQ(a["by"], "two");
  const auto r = c.Get("/api/flags/3", s.headers(false));
  ASSERT_EQ(status_of(r), 200);
  const json f = json::parse(r->body);
  EXPECT_EQ(f["number"], 3);
  EXPECT_EQ(f["pupil"], "R-0001");
  EXPECT_EQ(f["rule"], "example/reduced-timetable-unreviewed");
  EXPECT_TRUE(f["explanation"].is_object());
  EXPECT_TRUE(f["explanation"]["when"].is_object());
  bool found = false;
  for (const json& x : f["acknowledgements"]) found = found || (x["note"] == "Review booked for 20 Nov" && x["by"] == "two");
  EXPECT_TRUE(found);
}

TEST_F(Api, RunsAreListedNewestFirstWithoutPupilIds) {
  auto c = server_->client();
  const SignedIn s = as("oak");
  const auto r = c.Get("/api/runs", s.headers(false));
  ASSERT_EQ(status_of(r), 200);
  const json runs = json::parse(r->body);
  ASSERT_GE(runs.size(), 1u);
  const json& first = runs.back();  // the fixture's run
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["as_of"], "2025-11-17");
  EXPECT_EQ(first["pack"]["name"], "example");
  EXPECT_EQ(first["pupils"], 4);
  EXPECT_EQ(first["flags"], 4);  // two for P-0042, two for its copy R-0001
  EXPECT_EQ(first["whole_caseload"], true);
}

TEST_F(Api, AnLaOfficerRunsThePackOffTheRequestThread) {
  auto c = server_->client();
  const SignedIn s = as("officer");
  auto started = c.Post("/api/runs", s.headers(), R"({"as_of":"2025-11-18"})", "application/json");
  // A run from the matrix test may still be going: wait for it, then start ours.
  for (int i = 0; i < 100 && status_of(started) == 409; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    started = c.Post("/api/runs", s.headers(), R"({"as_of":"2025-11-18"})", "application/json");
  }
  ASSERT_EQ(status_of(started), 202);
  const std::string status = json::parse(started->body)["status"];
  json job;
  for (int i = 0; i < 300; ++i) {
    const auto r = c.Get(status, s.headers(false));
    ASSERT_EQ(status_of(r), 200);
    job = json::parse(r->body);
    if (job["state"] == "done" || job["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["total"], 4);
  const auto runs = json::parse(c.Get("/api/runs", s.headers(false))->body);
  EXPECT_EQ(runs[0]["id"], job["run"]);
  EXPECT_EQ(runs[0]["as_of"], "2025-11-18");
  // Bad dates are refused before anything runs.
  EXPECT_EQ(status_of(c.Post("/api/runs", s.headers(), R"({"as_of":"2025-02-30"})", "application/json")), 400);
  EXPECT_EQ(status_of(c.Post("/api/runs", s.headers(), R"({"as_of":17})", "application/json")), 400);
}

TEST_F(Api, AuditAnswersTheChainsState) {
  auto c = server_->client();
  const SignedIn s = as("auditor");
  const auto r = c.Get("/api/audit", s.headers(false));
  ASSERT_EQ(status_of(r), 200);
  const json a = json::parse(r->body);
  EXPECT_EQ(a["intact"], true);
  EXPECT_EQ(a["head"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_GT(a["entries"].get<int>(), 0);
}

}  // namespace
}  // namespace waymark::server::testing
